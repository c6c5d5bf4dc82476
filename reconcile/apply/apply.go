// Package apply is the stage that carries out a plan against an org, one
// change at a time, in the plan's order.
package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
)

// Org is what apply needs of an org: carry out one change, all its actions
// in order. An implementation must leave the org in a state the next
// observation recognises if it fails or is interrupted part way.
type Org interface {
	Apply(ctx context.Context, c plan.Change) error
}

// Result is what an apply did.
type Result struct {
	Applied []plan.Change // the changes carried out in full, in order
	Failed  []Failure
}

// Failure is a change that did not complete.
type Failure struct {
	Change plan.Change
	Err    error
}

func (f Failure) Error() string {
	return fmt.Sprintf("%s (%s): %s: %v", f.Change.Name, f.Change.Type, actions(f.Change.Actions), f.Err)
}

// Unwrap lets callers tell what kind of error stopped the change.
func (f Failure) Unwrap() error { return f.Err }

// Err returns the failures as one error, or nil.
func (r Result) Err() error {
	errs := make([]error, len(r.Failed))
	for i, f := range r.Failed {
		errs[i] = f
	}
	return errors.Join(errs...)
}

// Apply carries out p's changes in order. A change that fails is recorded
// and the next one is tried, except when ctx is done, which stops the
// apply. It returns what it did even when some changes failed; the next run
// plans what is left.
func Apply(ctx context.Context, o Org, p plan.Plan, done func(plan.Change, error)) Result {
	var r Result
	for _, c := range p.Changes {
		if ctx.Err() != nil {
			r.Failed = append(r.Failed, Failure{Change: c, Err: fmt.Errorf("not applied: %w", context.Cause(ctx))})
			continue
		}
		err := o.Apply(ctx, c)
		if err != nil {
			r.Failed = append(r.Failed, Failure{Change: c, Err: err})
		} else {
			r.Applied = append(r.Applied, c)
		}
		if done != nil {
			done(c, err)
		}
	}
	if f, ok := o.(Finisher); ok {
		r.settle(f.Finish(ctx))
	}
	return r
}

// Finisher is an org that checks, once after the last change, what the
// changes made (Genesys: that no other writer made the same at the same
// moment). Finish returns the changes that did not hold, by name.
type Finisher interface {
	Finish(ctx context.Context) map[string]error
}

// settle moves the applied changes that failed the final check to Failed.
func (r *Result) settle(failed map[string]error) {
	if len(failed) == 0 {
		return
	}
	var applied []plan.Change
	for _, c := range r.Applied {
		if err := failed[c.Name]; err != nil {
			r.Failed = append(r.Failed, Failure{Change: c, Err: err})
		} else {
			applied = append(applied, c)
		}
	}
	r.Applied = applied
}

func actions(as []plan.Action) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

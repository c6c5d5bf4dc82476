// Package apply is the stage that carries out a plan against an org, one
// change at a time, in the plan's order.
package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
)

// Org is what apply needs of an org: carry out one change, all its actions
// in order. An implementation must leave the org in a state the next
// observation recognises if it fails or is interrupted part way.
type Org interface {
	Apply(ctx context.Context, c plan.Change) error
}

// Status is what became of one change.
type Status string

const (
	Applied      Status = "applied"
	Failed       Status = "failed"
	NotAttempted Status = "not attempted" // the apply was interrupted first
)

// Result is what an apply did.
type Result struct {
	Applied []plan.Change // the changes carried out in full, in order
	Failed  []Failure
	// NotAttempted are the changes the apply did not start because it was
	// interrupted; they are also in Failed, so that Err reports them.
	NotAttempted []plan.Change
	// Status is each change's outcome, in the plan's order.
	Status []Status
	// Interrupted is the cause of an interruption, or nil.
	Interrupted error
}

// Failure is a change that did not complete.
type Failure struct {
	Change plan.Change
	Err    error
}

func (f Failure) Error() string {
	return fmt.Sprintf("%s (%s): %s: %v", f.Change.Name, f.Change.Type, strings.Join(f.Change.Steps(), ", "), f.Err)
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

// Grace is how long a change under way may run on after the apply is
// interrupted, so that it lands or fails cleanly rather than being cut
// between two calls; the daemon's promise to exit within 10 s bounds it.
const Grace = 5 * time.Second

// Apply carries out p's changes in order. A change that fails is recorded
// and the next one is tried. When ctx is done the apply starts no further
// change; the one under way runs on for up to Grace. It returns what it did
// even when some changes failed; the next run plans what is left.
func Apply(ctx context.Context, o Org, p plan.Plan, done func(plan.Change, error)) Result {
	work, stop := graceful(ctx, Grace)
	defer stop()
	r := Result{Status: make([]Status, len(p.Changes))}
	for i, c := range p.Changes {
		if ctx.Err() != nil {
			r.Interrupted = context.Cause(ctx)
			r.Status[i] = NotAttempted
			r.NotAttempted = append(r.NotAttempted, c)
			r.Failed = append(r.Failed, Failure{Change: c, Err: fmt.Errorf("not attempted: %w", context.Cause(ctx))})
			continue
		}
		err := o.Apply(work, c)
		if err != nil {
			r.Status[i] = Failed
			r.Failed = append(r.Failed, Failure{Change: c, Err: err})
		} else {
			r.Status[i] = Applied
			r.Applied = append(r.Applied, c)
		}
		if done != nil {
			done(c, err)
		}
	}
	if ctx.Err() != nil {
		r.Interrupted = context.Cause(ctx)
	}
	if f, ok := o.(Finisher); ok {
		r.settle(p, f.Finish(work))
	}
	return r
}

// graceful returns a context that is cancelled grace after ctx is, and a
// func that releases it.
func graceful(ctx context.Context, grace time.Duration) (context.Context, func()) {
	work, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	var mu sync.Mutex
	var timer *time.Timer
	stopAfter := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(grace, func() { cancel(context.Cause(ctx)) })
	})
	return work, func() {
		stopAfter()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel(context.Canceled)
	}
}

// Finisher is an org that checks, once after the last change, what the
// changes made (Genesys: that no other writer made the same at the same
// moment). Finish returns the changes that did not hold, by name.
type Finisher interface {
	Finish(ctx context.Context) map[string]error
}

// settle moves the applied changes that failed the final check to Failed.
func (r *Result) settle(p plan.Plan, failed map[string]error) {
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
	for i, c := range p.Changes {
		if r.Status[i] == Applied && failed[c.Name] != nil {
			r.Status[i] = Failed
		}
	}
	r.Applied = applied
}

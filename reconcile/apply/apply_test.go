package apply_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/apply"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
)

// fakeOrg applies a change by calling ApplyFunc.
type fakeOrg struct {
	ApplyFunc func(ctx context.Context, c plan.Change) error
}

func (o *fakeOrg) Apply(ctx context.Context, c plan.Change) error { return o.ApplyFunc(ctx, c) }

var _ apply.Org = (*fakeOrg)(nil)

func names(cs []plan.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func changes(names ...string) plan.Plan {
	var p plan.Plan
	for _, n := range names {
		p.Changes = append(p.Changes, plan.Change{Name: n, Type: "zendesk", File: n + ".yaml", Actions: []plan.Action{plan.Create}})
	}
	return p
}

func TestAFailedChangeDoesNotStopTheOthers(t *testing.T) {
	boom := errors.New("boom")
	var seen []string
	o := &fakeOrg{ApplyFunc: func(_ context.Context, c plan.Change) error {
		seen = append(seen, c.Name)
		if c.Name == "b" {
			return boom
		}
		return nil
	}}
	var done []string
	r := apply.Apply(context.Background(), o, changes("a", "b", "c"), func(c plan.Change, err error) {
		done = append(done, c.Name)
	})
	if diff := cmp.Diff([]string{"a", "b", "c"}, seen); diff != "" {
		t.Errorf("applied in the wrong order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "c"}, names(r.Applied)); diff != "" {
		t.Errorf("Applied (-want +got):\n%s", diff)
	}
	if len(r.Failed) != 1 || r.Failed[0].Change.Name != "b" || !errors.Is(r.Failed[0].Err, boom) {
		t.Errorf("Failed = %+v", r.Failed)
	}
	if err := r.Err(); !errors.Is(err, boom) || err.Error() != "b (zendesk): create: boom" {
		t.Errorf("Err() = %v", err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, done); diff != "" {
		t.Errorf("done callbacks (-want +got):\n%s", diff)
	}
}

func TestCancellationStopsTheApply(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	o := &fakeOrg{ApplyFunc: func(_ context.Context, c plan.Change) error {
		if c.Name == "a" {
			cancel()
		}
		return nil
	}}
	r := apply.Apply(ctx, o, changes("a", "b", "c"), nil)
	if diff := cmp.Diff([]string{"a"}, names(r.Applied)); diff != "" {
		t.Errorf("Applied (-want +got):\n%s", diff)
	}
	if len(r.Failed) != 2 || !errors.Is(r.Failed[0].Err, context.Canceled) {
		t.Errorf("Failed = %+v, want b and c not applied because of the cancellation", r.Failed)
	}
}

func TestEmptyPlanCallsNothing(t *testing.T) {
	o := &fakeOrg{ApplyFunc: func(context.Context, plan.Change) error {
		t.Error("Apply called for an empty plan")
		return nil
	}}
	if r := apply.Apply(context.Background(), o, plan.Plan{}, nil); r.Err() != nil || len(r.Applied) != 0 {
		t.Errorf("result = %+v", r)
	}
}

// finishingOrg is a fakeOrg whose final check fails some changes.
type finishingOrg struct {
	fakeOrg
	failed map[string]error
	calls  int
}

func (o *finishingOrg) Finish(context.Context) map[string]error { o.calls++; return o.failed }

func TestTheFinalCheckMovesChangesToFailed(t *testing.T) {
	backedOff := errors.New("another writer is at work")
	o := &finishingOrg{fakeOrg: fakeOrg{ApplyFunc: func(context.Context, plan.Change) error { return nil }},
		failed: map[string]error{"b": backedOff}}
	r := apply.Apply(context.Background(), o, changes("a", "b", "c"), nil)
	if o.calls != 1 {
		t.Errorf("Finish called %d times, want once", o.calls)
	}
	if diff := cmp.Diff([]string{"a", "c"}, names(r.Applied)); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	if len(r.Failed) != 1 || r.Failed[0].Change.Name != "b" || !errors.Is(r.Failed[0], backedOff) {
		t.Errorf("failed = %+v", r.Failed)
	}
}

// TestAnInterruptedApplyReportsEveryChange: the change under way when the
// apply is interrupted finishes, the rest are not attempted, and the
// result says which is which.
func TestAnInterruptedApplyReportsEveryChange(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigterm := errors.New("interrupted by SIGTERM")
	o := &fakeOrg{ApplyFunc: func(ctx context.Context, c plan.Change) error {
		if c.Name == "b" {
			cancel(sigterm)
			if ctx.Err() != nil {
				return errors.New("the change under way was cut at once")
			}
		}
		return nil
	}}
	r := apply.Apply(ctx, o, changes("a", "b", "c", "d"), nil)
	if diff := cmp.Diff([]apply.Status{apply.Applied, apply.Applied, apply.NotAttempted, apply.NotAttempted}, r.Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"c", "d"}, names(r.NotAttempted)); diff != "" {
		t.Errorf("not attempted (-want +got):\n%s", diff)
	}
	if !errors.Is(r.Interrupted, sigterm) || !errors.Is(r.Err(), sigterm) {
		t.Errorf("interrupted %v, err %v; want the signal as the cause", r.Interrupted, r.Err())
	}
}

// TestTheChangeUnderWayHasAGracePeriod: after an interruption the change
// under way keeps its context for Grace, then loses it.
func TestTheChangeUnderWayHasAGracePeriod(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		var lasted time.Duration
		o := &fakeOrg{ApplyFunc: func(ctx context.Context, c plan.Change) error {
			start := time.Now()
			cancel()
			<-ctx.Done() // a change that never ends by itself
			lasted = time.Since(start)
			return ctx.Err()
		}}
		r := apply.Apply(ctx, o, changes("a", "b"), nil)
		if lasted != apply.Grace {
			t.Errorf("the change under way was cancelled after %v, want %v", lasted, apply.Grace)
		}
		if diff := cmp.Diff([]apply.Status{apply.Failed, apply.NotAttempted}, r.Status); diff != "" {
			t.Errorf("status (-want +got):\n%s", diff)
		}
	})
}

package apply_test

import (
	"context"
	"errors"
	"testing"

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

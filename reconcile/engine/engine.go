// Package engine runs one reconcile: load the specs, fingerprint their
// credentials, observe the org, plan, and (unless a dry run) apply. The
// command line calls it once; the daemon calls it on every change.
package engine

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/apply"
	"github.com/reconcile-dev/reconcile/reconcile/fingerprint"
	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// Org is an org opened for one run.
type Org interface {
	Observe(ctx context.Context) (org.State, error)
	apply.Org
	Close() error
}

// Engine holds what one reconcile needs.
type Engine struct {
	Specs string // the spec directory
	Load  load.Options
	Plan  plan.Options
	// Open opens the target org; readOnly for a dry run, which must write
	// nothing anywhere.
	Open func(ctx context.Context, readOnly bool) (Org, error)
	// Key returns the fingerprint key; in a dry run it must create nothing.
	Key func(dryRun bool) (fingerprint.Key, error)
	Log *slog.Logger
	// OnPlan, if set, sees the plan before anything is applied.
	OnPlan func(plan.Plan)
	// OnApplied, if set, sees each change once it is applied or has failed.
	OnApplied func(plan.Change, error)
	// Inspect, if set, sees what the plan was computed from, once it is
	// made; an error it returns stops the run before anything is written
	// (a saved plan that no longer holds).
	Inspect func(specs []*spec.Spec, state org.State, p plan.Plan) error
	// Approve, if set, is asked before a plan with changes is applied;
	// false cancels the apply, which writes nothing.
	Approve func(ctx context.Context, p plan.Plan) (bool, error)

	noted map[string]int // org limits already logged
}

// Reconcile runs load, plan and, unless dryRun, apply. Nothing is written
// unless every spec is valid and the plan could be made.
func (e *Engine) Reconcile(ctx context.Context, dryRun bool) (r render.Report) {
	start := time.Now()
	r = render.Report{DryRun: dryRun}
	defer func() { e.logDone(ctx, r, time.Since(start)) }()

	specs, err := load.Load(ctx, e.Specs, e.Load)
	if err != nil {
		r.Err = err
		return r
	}
	e.Log.Debug("loaded specs", "dir", e.Specs, "specs", len(specs), slog.String("elapsed", time.Since(start).Round(time.Millisecond).String()))
	key, err := e.Key(dryRun)
	if err != nil {
		r.Err = err
		return r
	}
	key.Apply(specs)

	o, err := e.Open(ctx, dryRun)
	if err != nil {
		r.Err = err
		return r
	}
	defer o.Close()
	if rc, ok := o.(requestCounter); ok {
		defer func() {
			r.APIRequests = rc.Requests()
			e.logRequests(r.APIRequests)
		}()
	}
	if m, ok := o.(offerer); ok {
		if r.Err = unoffered(specs, m.Missing()); r.Err != nil {
			return r
		}
	}
	if sc, ok := o.(scoper); ok {
		sc.Scope(specs)
	}
	state, err := o.Observe(ctx)
	if err != nil {
		r.Err = err
		return r
	}
	e.noteLimits(state.Limits)
	r.Plan, r.Err = plan.Build(specs, state, e.Plan)
	if r.Err != nil {
		return r
	}
	if e.Inspect != nil {
		if r.Err = e.Inspect(specs, state, r.Plan); r.Err != nil {
			r.Plan = plan.Plan{}
			return r
		}
	}
	r.Planned = true
	if e.OnPlan != nil {
		e.OnPlan(r.Plan)
	}
	if dryRun || r.Plan.Empty() {
		return r
	}
	if e.Approve != nil {
		ok, err := e.Approve(ctx, r.Plan)
		if err != nil || !ok {
			r.Cancelled, r.Err = true, err
			return r
		}
	}
	res := apply.Apply(ctx, o, r.Plan, e.OnApplied)
	r.Result = &res
	r.Err = res.Err()
	return r
}

// requestCounter is an org that counts the API requests it sends.
type requestCounter interface {
	Requests() map[string]int // by "METHOD CODE"
}

// scoper is an org that observes more of the integrations that declare
// data actions (Genesys: their actions' contracts) when told which.
type scoper interface {
	Scope(specs []*spec.Spec)
}

// offerer is an org that may lack some vendors' integration types, or
// contradict what reconcile knows of them.
type offerer interface {
	Missing() map[string]string // vendor type → what is missing or wrong
}

// unoffered reports the specs whose vendor the org does not offer, before
// anything is written.
func unoffered(specs []*spec.Spec, missing map[string]string) error {
	var ps spec.Problems
	for _, s := range specs {
		if what, ok := missing[s.Type]; ok {
			ps = append(ps, s.At("/type", "%s integrations cannot be applied to this org: %s", s.Type, what))
		}
	}
	return ps.Err()
}

func (e *Engine) logRequests(byCode map[string]int) {
	total := 0
	attrs := []any{}
	for _, k := range slices.Sorted(maps.Keys(byCode)) {
		total += byCode[k]
		attrs = append(attrs, k, byCode[k])
	}
	e.Log.Info("api requests", append([]any{"total", total}, attrs...)...)
}

// noteLimits logs, once per vendor for the engine's life, an org limit
// that differs from the built-in one.
func (e *Engine) noteLimits(limits map[string]int) {
	for _, v := range spec.Vendors {
		l, ok := limits[v.Type]
		if !ok || l == v.Limit {
			continue
		}
		if e.noted == nil {
			e.noted = map[string]int{}
		}
		if e.noted[v.Type] != l {
			e.noted[v.Type] = l
			e.Log.Info("the org's limit differs from the built-in one; using the org's", "type", v.Type, "org", l, "builtIn", v.Limit)
		}
	}
}

// Validate loads the specs and checks them against the per-type limits
// alone, with no target.
func (e *Engine) Validate(ctx context.Context) (int, error) {
	specs, err := load.Load(ctx, e.Specs, e.Load)
	if err != nil {
		return 0, err
	}
	if ps := plan.Limits(specs, org.State{}, nil, nil); len(ps) > 0 {
		return 0, ps.Err()
	}
	return len(specs), nil
}

// logDone logs the outcome of a run in one line: "reconcile done",
// "reconcile failed" (with the cause, or the number of spec problems,
// which whoever shows them logs one a line), or "reconcile interrupted"
// when ctx ended the run, which is no failure of the specs or the org.
// Durations are logged as strings ("1.5s"): as a time.Duration, JSON
// would show nanoseconds.
func (e *Engine) logDone(ctx context.Context, r render.Report, elapsed time.Duration) {
	attrs := []any{"dryRun", r.DryRun, slog.String("duration", elapsed.Round(time.Millisecond).String())}
	if r.Planned {
		counts := r.Plan.Summary()
		for _, a := range plan.Actions {
			attrs = append(attrs, string(a), counts[a])
		}
		attrs = append(attrs, "inSync", r.Plan.InSync)
	}
	if r.Cancelled {
		attrs = append(attrs, "cancelled", true)
	}
	if r.Result != nil {
		attrs = append(attrs, "applied", len(r.Result.Applied), "failed", len(r.Result.Failed)-len(r.Result.NotAttempted),
			"notAttempted", len(r.Result.NotAttempted))
	}
	if r.Err != nil {
		n := 1
		ps, problems := spec.AsProblems(r.Err)
		if problems {
			n = len(ps)
		}
		attrs = append(attrs, "errors", n)
		if !problems { // spec problems are logged one a line by whoever shows them
			attrs = append(attrs, "err", r.Err.Error())
		}
		if ctx.Err() != nil {
			e.Log.Warn("reconcile interrupted", attrs...)
			return
		}
		e.Log.Error("reconcile failed", attrs...)
		return
	}
	e.Log.Info("reconcile done", attrs...)
}

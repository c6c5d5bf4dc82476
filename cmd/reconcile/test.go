package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/reconcile-dev/reconcile/reconcile/engine"
	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// tester is an org that runs a published data action's test cases.
type tester interface {
	TestPublished(ctx context.Context, id string, s *spec.Action) []error
}

// testActions is `reconcile test [NAME...]`: it runs the test cases of the
// specs' data actions against the published actions, read-only, and exits
// 1 if any case fails. NAMEs (integrations or actions, compared as names
// are) limit it.
func testActions(ctx context.Context, eng *engine.Engine, names []string, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		render.Errors(stderr, err, eng.Specs)
		return exitError
	}
	specs, err := load.Load(ctx, eng.Specs, eng.Load)
	if err != nil {
		return fail(err)
	}
	o, err := eng.Open(ctx, true)
	if err != nil {
		return fail(err)
	}
	defer o.Close()
	t, ok := o.(tester)
	if !ok {
		return fail(errors.New("reconcile test needs a Genesys Cloud target: the local org cannot run data actions"))
	}
	if sc, ok := o.(interface{ Scope([]*spec.Spec) }); ok {
		sc.Scope(specs)
	}
	state, err := o.Observe(ctx)
	if err != nil {
		return fail(err)
	}
	wanted := func(s *spec.Spec, a *spec.Action) bool {
		if len(names) == 0 {
			return true
		}
		for _, n := range names {
			if spec.SameName(n, s.Name) || spec.SameName(n, a.Name) {
				return true
			}
		}
		return false
	}
	cases, failed := 0, 0
	var problems spec.Problems
	for _, s := range specs {
		in := findIntegration(state, s)
		for i := range s.Actions {
			a := &s.Actions[i]
			if len(a.Tests) == 0 || !wanted(s, a) {
				continue
			}
			id := ""
			if in != nil {
				for _, oa := range in.DataActions {
					if spec.SameName(oa.Name, a.Name) {
						id = oa.ID
					}
				}
			}
			if id == "" {
				problems = append(problems, s.At(fmt.Sprintf("/actions/%d/name", a.Index), "data action %q of %q is not published: apply it first", a.Name, s.Name))
				continue
			}
			for j, err := range t.TestPublished(ctx, id, a) {
				cases++
				if err != nil {
					failed++
					fmt.Fprintf(stdout, "FAIL %s / %s / %s: %s\n", render.Printable(s.Name), render.Printable(a.Name), render.Printable(a.Tests[j].Name), render.Printable(err.Error()))
					continue
				}
				fmt.Fprintf(stdout, "ok   %s / %s / %s\n", render.Printable(s.Name), render.Printable(a.Name), render.Printable(a.Tests[j].Name))
			}
		}
	}
	if len(problems) > 0 {
		render.Errors(stderr, problems.Err(), eng.Specs)
		return exitError
	}
	if cases == 0 {
		return fail(errors.New("no test case to run: no spec's data action has tests (or none matches the names given)"))
	}
	fmt.Fprintf(stdout, "%d of %d test cases passed.\n", cases-failed, cases)
	if failed > 0 {
		return exitError
	}
	return exitOK
}

// findIntegration returns the org's integration the spec names, or nil.
func findIntegration(st org.State, s *spec.Spec) *org.Integration {
	for i := range st.Integrations {
		in := &st.Integrations[i]
		if in.Type == s.Type && spec.SameName(in.Name, s.Name) {
			return in
		}
	}
	return nil
}

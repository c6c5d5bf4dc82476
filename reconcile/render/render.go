// Package render prints plans, apply results and errors for people (text)
// and programs (JSON). It holds no logic of its own: everything it prints
// is in the values it is given, and nothing it is given holds a readable
// secret (credentials are spec.Secret, and only the planner's Why strings,
// which never include credential values, are printed about them).
package render

import (
	"github.com/reconcile-dev/reconcile/reconcile/apply"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
)

// Report is the outcome of one reconcile, as printed.
type Report struct {
	DryRun bool
	// Env is the environment the report is of, when there are several.
	Env string
	// Plan is the plan; meaningful only when Planned.
	Plan    plan.Plan
	Planned bool
	// Result is what apply did; nil when nothing was applied.
	Result *apply.Result
	// Cancelled says the apply was not approved: nothing was written.
	Cancelled bool
	// Err is the error that stopped the run, if any: a spec.Problems, a
	// target error, or the apply's failures.
	Err error
	// APIRequests counts the target's requests by "METHOD CODE", for
	// metrics; it is not printed.
	APIRequests map[string]int
}

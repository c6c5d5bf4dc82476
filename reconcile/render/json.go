package render

import (
	"encoding/json"
	"errors"
	"io"

	"github.com/reconcile-dev/reconcile/reconcile/apply"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// JSONFormatVersion is the version of the JSON object JSON prints.
const JSONFormatVersion = 1

type jsonReport struct {
	FormatVersion int            `json:"formatVersion"`
	DryRun        bool           `json:"dryRun"`
	Changes       []jsonChange   `json:"changes"`
	Summary       jsonSummary    `json:"summary"`
	Errors        []spec.Problem `json:"errors"`
}

type jsonChange struct {
	Name    string        `json:"name"`
	Type    string        `json:"type"`
	File    string        `json:"file"`
	Actions []plan.Action `json:"actions"`
}

type jsonSummary struct {
	Create      int `json:"create"`
	Configure   int `json:"configure"`
	Credentials int `json:"credentials"`
	Activate    int `json:"activate"`
	Deactivate  int `json:"deactivate"`
	Delete      int `json:"delete"`
}

// JSON prints r as one JSON object on one line. When no plan could be made,
// changes is empty and errors says why; when apply failed part way, changes
// is the plan and errors what failed.
func JSON(w io.Writer, r Report) error {
	out := jsonReport{FormatVersion: JSONFormatVersion, DryRun: r.DryRun, Changes: []jsonChange{}, Errors: []spec.Problem{}}
	if r.Planned {
		for _, c := range r.Plan.Changes {
			out.Changes = append(out.Changes, jsonChange{Name: c.Name, Type: c.Type, File: c.File, Actions: c.Actions})
		}
		s := r.Plan.Summary()
		out.Summary = jsonSummary{s[plan.Create], s[plan.Configure], s[plan.Credentials], s[plan.Activate], s[plan.Deactivate], s[plan.Delete]}
	}
	out.Errors = problems(r.Err)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // names and messages hold < > &; this is no HTML
	return enc.Encode(out)
}

// problems lists err as JSON error entries: located problems as they are,
// apply failures and other errors with only a message (and the file, when
// the failure is a spec's).
func problems(err error) []spec.Problem {
	out := []spec.Problem{}
	if err == nil {
		return out
	}
	if ps, ok := spec.AsProblems(err); ok {
		return append(out, ps...)
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var f apply.Failure
		if errors.As(e, &f) {
			out = append(out, spec.Problem{File: f.Change.File, Message: f.Error()})
			continue
		}
		out = append(out, spec.Problem{Message: e.Error()})
	}
	return out
}

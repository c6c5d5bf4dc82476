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

// JSONReport is the JSON object of a plan or an apply (contract sections 4
// and 9). A saved plan embeds it.
type JSONReport struct {
	FormatVersion int            `json:"formatVersion"`
	Env           string         `json:"env,omitempty"`
	DryRun        bool           `json:"dryRun"`
	Changes       []JSONChange   `json:"changes"`
	Orphans       []JSONOrphan   `json:"orphans"`
	Summary       JSONSummary    `json:"summary"`
	Errors        []spec.Problem `json:"errors"`
	// Interrupted says the apply was stopped by a signal before it was
	// through; it is absent otherwise.
	Interrupted bool `json:"interrupted,omitempty"`
	// Cancelled says the apply was not approved; it is absent otherwise.
	Cancelled bool `json:"cancelled,omitempty"`
}

// JSONChange is one change; Result is set in the report of an apply.
type JSONChange struct {
	Name      string         `json:"name"`
	Type      string         `json:"type"`
	File      string         `json:"file"`
	ID        string         `json:"id"`
	Actions   []plan.Action  `json:"actions"`
	Before    map[string]any `json:"before"`
	After     map[string]any `json:"after"`
	Sensitive []string       `json:"sensitive"`
	Drift     bool           `json:"drift"`
	// DataActions are the changes to the integration's data actions.
	DataActions []JSONDataAction `json:"dataActions"`
	Result      apply.Status     `json:"result,omitempty"`
}

// JSONDataAction is one data action's change.
type JSONDataAction struct {
	Name   string        `json:"name"`
	Change plan.ActionOp `json:"change"` // create, update, replace or delete
	ID     string        `json:"id"`     // the published action's; empty for a create
	Why    string        `json:"why"`
	Drift  bool          `json:"drift"`
	Test   bool          `json:"test"` // its cases run against the draft before it is published
}

// JSONOrphan is an integration this deployment owns that no spec names,
// or a data action reconcile published that its spec no longer names.
type JSONOrphan struct {
	Kind string `json:"kind"` // "integration" or "action"
	Name string `json:"name"`
	Type string `json:"type"`
	ID   string `json:"id"`
	// Integration is the name of an action's integration.
	Integration string `json:"integration,omitempty"`
}

// JSONSummary counts each action.
type JSONSummary struct {
	Create      int `json:"create"`
	Configure   int `json:"configure"`
	Credentials int `json:"credentials"`
	Activate    int `json:"activate"`
	Deactivate  int `json:"deactivate"`
	Delete      int `json:"delete"`
	// DataActions counts the data action changes.
	DataActions JSONActionSummary `json:"dataActions"`
}

// JSONActionSummary counts each data action change.
type JSONActionSummary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
}

// Object is r as the JSON object JSON prints. When no plan could be made,
// changes is empty and errors says why; when apply failed part way,
// changes is the plan, each with its result, and errors what failed.
func Object(r Report) JSONReport {
	out := JSONReport{FormatVersion: JSONFormatVersion, Env: r.Env, DryRun: r.DryRun, Changes: []JSONChange{}, Orphans: []JSONOrphan{}, Errors: []spec.Problem{}}
	if r.Planned {
		out.Changes = Changes(r.Plan)
		if res := r.Result; res != nil {
			for i := range out.Changes {
				if i < len(res.Status) {
					out.Changes[i].Result = res.Status[i]
				}
			}
			out.Interrupted = res.Interrupted != nil
		}
		for _, o := range r.Plan.Orphans {
			out.Orphans = append(out.Orphans, JSONOrphan{Kind: "integration", Name: o.Name, Type: o.Type, ID: o.ID})
		}
		for _, o := range r.Plan.OrphanActions {
			out.Orphans = append(out.Orphans, JSONOrphan{Kind: "action", Name: o.Name, Type: o.Type, ID: o.ID, Integration: o.Integration})
		}
		s, as := r.Plan.Summary(), r.Plan.ActionSummary()
		out.Summary = JSONSummary{s[plan.Create], s[plan.Configure], s[plan.Credentials], s[plan.Activate], s[plan.Deactivate], s[plan.Delete],
			JSONActionSummary{as[plan.ActionCreate], as[plan.ActionUpdate], as[plan.ActionReplace], as[plan.ActionDelete]}}
	}
	out.Cancelled = r.Cancelled
	out.Errors = problems(r.Err)
	return out
}

// Changes is p's changes as JSON holds them.
func Changes(p plan.Plan) []JSONChange {
	out := []JSONChange{}
	for _, c := range p.Changes {
		jc := JSONChange{Name: c.Name, Type: c.Type, File: c.File, ID: c.ID, Actions: c.Actions,
			Before: orEmpty(c.Before), After: orEmpty(c.After), Sensitive: append([]string{}, c.Sensitive...), Drift: c.Drift,
			DataActions: []JSONDataAction{}}
		for _, a := range c.DataActions {
			jc.DataActions = append(jc.DataActions, JSONDataAction{Name: a.Name, Change: a.Op, ID: a.ID, Why: a.Why, Drift: a.Drift, Test: a.Test})
		}
		if jc.Actions == nil {
			jc.Actions = []plan.Action{}
		}
		out = append(out, jc)
	}
	return out
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// JSON prints r as one JSON object on one line.
func JSON(w io.Writer, r Report) error {
	return Encode(w, Object(r))
}

// Encode prints v as JSON on one line, without HTML escapes: names and
// messages hold < > &, and this is no HTML.
func Encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
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

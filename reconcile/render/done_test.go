package render_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/apply"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// changes returns n changes, named c1 to cn.
func changes(n int) []plan.Change {
	out := make([]plan.Change, n)
	for i := range out {
		out[i] = plan.Change{Name: "c" + string(rune('1'+i)), Type: "aws-lambda", Actions: []plan.Action{plan.Create}}
	}
	return out
}

// result is an apply of total changes: applied of them, then failed, then
// notAttempted (which also count as failed, as apply reports them).
func result(total, applied, failed, notAttempted int, interrupted error) *apply.Result {
	cs := changes(total)
	r := &apply.Result{Applied: cs[:applied], Interrupted: interrupted}
	for i, c := range cs {
		switch {
		case i < applied:
			r.Status = append(r.Status, apply.Applied)
		case i < applied+failed+notAttempted:
			r.Failed = append(r.Failed, apply.Failure{Change: c, Err: errors.New("HTTP 400")})
			r.Status = append(r.Status, apply.Failed)
			if i >= applied+failed {
				r.NotAttempted = append(r.NotAttempted, c)
			}
		}
	}
	return r
}

func TestDoneCountsAgree(t *testing.T) {
	tests := []struct {
		name string
		r    render.Report
		want string
	}{
		{"one applied", render.Report{Result: result(1, 1, 0, 0, nil)}, "Apply complete: 1 change applied.\n"},
		{"two applied", render.Report{Result: result(2, 2, 0, 0, nil)}, "Apply complete: 2 changes applied.\n"},
		{"the one failed", render.Report{Result: result(1, 0, 1, 0, nil)},
			"Apply failed: 0 of 1 change applied, 1 failed; run again to finish.\n"},
		{"one of three failed", render.Report{Result: result(3, 2, 1, 0, nil)},
			"Apply failed: 2 of 3 changes applied, 1 failed; run again to finish.\n"},
		{"interrupted in the only change", render.Report{Result: result(1, 0, 0, 1, context.Canceled)},
			"Apply interrupted (context canceled): 0 of 1 change applied, 0 failed, 1 not attempted; run again to finish.\n"},
		{"interrupted", render.Report{Result: result(4, 1, 1, 2, context.Canceled)},
			"Apply interrupted (context canceled): 1 of 4 changes applied, 1 failed, 2 not attempted; run again to finish.\n"},
		{"cancelled", render.Report{Cancelled: true}, "Apply cancelled: nothing was written.\n"},
		{"nothing applied", render.Report{}, ""},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		render.Done(&b, tt.r)
		if got := b.String(); got != tt.want {
			t.Errorf("%s: Done printed %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestValidateErrorsSayNoOrgWasRead(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{spec.Problems{{File: "a.yaml", Line: 3, Column: 5, Path: "/name", Message: "m"}},
			"error: specs/a.yaml:3:5: /name: m\n1 error; nothing was checked against the org.\n"},
		{spec.Problems{{File: "a.yaml", Message: "m"}, {File: "b.yaml", Message: "n"}},
			"error: specs/a.yaml: m\nerror: specs/b.yaml: n\n2 errors; nothing was checked against the org.\n"},
		{errors.New("cannot read specs: permission denied"), "error: cannot read specs: permission denied\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		render.ValidateErrors(&b, tt.err, "specs")
		if got := b.String(); got != tt.want {
			t.Errorf("ValidateErrors(%v) printed %q, want %q", tt.err, got, tt.want)
		}
	}
}

package render_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/apply"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

var mixed = plan.Plan{Changes: []plan.Change{
	{Name: "Old", Type: "aws-lambda", ID: "1", Actions: []plan.Action{plan.Delete},
		Why: map[plan.Action]string{plan.Delete: "created by reconcile; no spec names it"}, Current: &org.Integration{ID: "1"},
		Before: map[string]any{"name": "Old", "active": true}},
	{Name: "Z", Type: "zendesk", File: "z/z.yaml", ID: "2", Actions: []plan.Action{plan.Configure, plan.Credentials, plan.Deactivate},
		Why:    map[plan.Action]string{plan.Configure: `notes "a" → "b" (changed outside reconcile)`, plan.Credentials: "(sensitive value changed)"},
		Before: map[string]any{"notes": "a", "active": true}, After: map[string]any{"notes": "b", "active": false},
		Sensitive: []string{"credentials.apiToken"}, Drift: true},
}, Orphans: []org.Integration{{ID: "1", Name: "Old", Type: "aws-lambda"}}, InSync: 3}

func TestText(t *testing.T) {
	var b bytes.Buffer
	render.Plan(&b, mixed, "specs", true)
	want := `reconcile will make these changes:

  - Old (aws-lambda)
      - delete: created by reconcile; no spec names it

  ~ Z (zendesk)  specs/z/z.yaml
      ~ configure: notes "a" → "b" (changed outside reconcile)
      ~ credentials: (sensitive value changed)
      - deactivate

  ! Old (aws-lambda): no spec names it; --prune deletes it

Plan: 0 create, 1 configure, 1 credentials, 0 activate, 1 deactivate, 1 delete.
This was a dry run: nothing was written.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("text plan (-want +got):\n%s", diff)
	}
	b.Reset()
	render.Plan(&b, plan.Plan{InSync: 3}, "specs", false)
	if got := b.String(); got != "No changes. The org matches the specs (3 in sync).\n" {
		t.Errorf("empty plan: %q", got)
	}
	b.Reset()
	render.Plan(&b, plan.Plan{InSync: 3, Orphans: mixed.Orphans}, "specs", false)
	if got, want := b.String(), "No changes. The org matches the specs (3 in sync).\n\n  ! Old (aws-lambda): no spec names it; --prune deletes it\n"; got != want {
		t.Errorf("empty plan with an orphan: %q, want %q", got, want)
	}
}

func TestJSONWithApplyFailure(t *testing.T) {
	res := &apply.Result{Applied: mixed.Changes[:1], Failed: []apply.Failure{{Change: mixed.Changes[1], Err: errors.New("HTTP 400: bad")}},
		Status: []apply.Status{apply.Applied, apply.Failed}}
	var b bytes.Buffer
	if err := render.JSON(&b, render.Report{Plan: mixed, Planned: true, Result: res, Err: res.Err()}); err != nil {
		t.Fatal(err)
	}
	want := `{"formatVersion":1,"dryRun":false,"changes":[` +
		`{"name":"Old","type":"aws-lambda","file":"","id":"1","actions":["delete"],"before":{"active":true,"name":"Old"},"after":{},"sensitive":[],"drift":false,"dataActions":[],"result":"applied"},` +
		`{"name":"Z","type":"zendesk","file":"z/z.yaml","id":"2","actions":["configure","credentials","deactivate"],"before":{"active":true,"notes":"a"},"after":{"active":false,"notes":"b"},"sensitive":["credentials.apiToken"],"drift":true,"dataActions":[],"result":"failed"}],` +
		`"orphans":[{"kind":"integration","name":"Old","type":"aws-lambda","id":"1"}],"summary":{"create":0,"configure":1,"credentials":1,"activate":0,"deactivate":1,"delete":1,"dataActions":{"create":0,"update":0,"replace":0,"delete":0}},"errors":[{"file":"z/z.yaml","line":0,"column":0,"path":"","message":"Z (zendesk): configure, credentials, deactivate: HTTP 400: bad"}]}` + "\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

func TestJSONWithProblemsHasNoChanges(t *testing.T) {
	ps := spec.Problems{{File: "a.yaml", Line: 3, Column: 5, Path: "/name", Message: "m"}}
	var b bytes.Buffer
	render.JSON(&b, render.Report{DryRun: true, Err: ps})
	want := `{"formatVersion":1,"dryRun":true,"changes":[],"orphans":[],"summary":{"create":0,"configure":0,"credentials":0,"activate":0,"deactivate":0,"delete":0,"dataActions":{"create":0,"update":0,"replace":0,"delete":0}},"errors":[{"file":"a.yaml","line":3,"column":5,"path":"/name","message":"m"}]}` + "\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	b.Reset()
	render.Errors(&b, ps, "specs")
	if got := b.String(); !strings.HasPrefix(got, "error: specs/a.yaml:3:5: /name: m\n1 error; nothing was applied.") {
		t.Errorf("text errors: %q", got)
	}
}

func TestGitHubEscapes(t *testing.T) {
	ps := spec.Problems{{File: "a,b:c.yaml", Line: 2, Column: 3, Path: "/x", Message: "50% wrong\nsecond line"}}
	var b bytes.Buffer
	render.GitHub(&b, render.Report{Err: ps}, "specs")
	want := "::error file=specs/a%2Cb%3Ac.yaml,line=2,col=3,title=reconcile%3A /x::50%25 wrong%0Asecond line\n" +
		"::notice title=reconcile::nothing was applied: see the errors\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("GitHub (-want +got):\n%s", diff)
	}
}

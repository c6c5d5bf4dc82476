package planfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/planfile"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

func inputs() ([]*spec.Spec, org.State) {
	specs := []*spec.Spec{
		{File: "a.yaml", Name: "A", Type: "zendesk", Active: true, Digest: "sha256:aa",
			Credential: &spec.Credential{Type: "zendesk", Fingerprint: "hmac-sha256:1",
				Fields: map[string]any{"apiToken": spec.NewSecret("tok-SECRET")}, Secrets: map[string]string{"apiToken": "hmac-sha256:2"}}},
		{File: "b.yaml", Name: "B", Type: "aws-lambda", Active: true, Digest: "sha256:bb"},
	}
	state := org.State{Integrations: []org.Integration{{ID: "1", Name: "B", Type: "aws-lambda", Owner: "reconcile"},
		{ID: "3", Name: "A", Type: "zendesk", Active: true, Credential: &org.Credential{ID: "c", Type: "zendesk", Fingerprint: "hmac-sha256:1"}}}}
	return specs, state
}

func saved(t *testing.T) (planfile.File, string) {
	t.Helper()
	specs, state := inputs()
	p, err := plan.Build(specs, state, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := planfile.Write(path, planfile.New(render.Report{DryRun: true, Plan: p, Planned: true}, specs, state, "local org.json", plan.Options{})); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "SECRET") {
		t.Fatalf("the saved plan holds a secret: %s", b)
	}
	f, err := planfile.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return f, path
}

func TestASavedPlanHoldsWhileNothingChanged(t *testing.T) {
	f, _ := saved(t)
	specs, state := inputs()
	p, _ := plan.Build(specs, state, plan.Options{})
	if err := f.Check("local org.json", specs, state, p); err != nil {
		t.Fatalf("an unchanged plan is refused: %v", err)
	}
}

func TestAStalePlanSaysWhatChanged(t *testing.T) {
	tests := []struct {
		name   string
		target string
		edit   func([]*spec.Spec, *org.State)
		want   string
	}{
		{"a spec file edited", "", func(s []*spec.Spec, _ *org.State) { s[0].Digest = "sha256:edited" }, "spec file a.yaml changed"},
		{"a spec file added", "", nil, "spec file c.yaml appeared"},
		{"an integration edited in the org", "", func(_ []*spec.Spec, st *org.State) { st.Integrations[0].Notes = "by hand" }, `integration "B" (aws-lambda, id 1) changed`},
		{"an integration added to the org", "", func(_ []*spec.Spec, st *org.State) {
			st.Integrations = append(st.Integrations, org.Integration{ID: "2", Name: "X", Type: "zendesk"})
		}, `integration "X" (zendesk, id 2) appeared`},
		{"an integration gone", "", func(_ []*spec.Spec, st *org.State) { st.Integrations = st.Integrations[1:] }, "integration 1 is gone"},
		{"another org", "local other.json", nil, "it was made for local org.json, not local other.json"},
		{"the same inputs, another plan", "", func(s []*spec.Spec, _ *org.State) { s[0].Credential.Fingerprint = "hmac-sha256:other-key" }, "the plan computed now differs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := saved(t)
			specs, state := inputs()
			if tt.name == "a spec file added" {
				specs = append(specs, &spec.Spec{File: "c.yaml", Name: "C", Type: "zendesk", Digest: "sha256:cc"})
			}
			if tt.edit != nil {
				tt.edit(specs, &state)
			}
			target := "local org.json"
			if tt.target != "" {
				target = tt.target
			}
			p, _ := plan.Build(specs, state, plan.Options{})
			err := f.Check(target, specs, state, p)
			if !errors.Is(err, planfile.ErrStale) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want stale with %q", err, tt.want)
			}
		})
	}
}

func TestReadRefusesWhatIsNotASavedPlan(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"report.json": `{"formatVersion":1,"dryRun":true,"changes":[],"orphans":[],"summary":{},"errors":[]}`,
		"failed.json": `{"formatVersion":1,"errors":[{"message":"x"}],"saved":{"formatVersion":1}}`,
		"text.txt":    "reconcile will make these changes:",
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o600)
		if _, err := planfile.Read(path); err == nil {
			t.Errorf("%s was read as a saved plan", name)
		}
	}
}

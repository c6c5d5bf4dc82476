package plan_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// sp makes a valid spec; opts adjust it.
func sp(file, name, typ string, opts ...func(*spec.Spec)) *spec.Spec {
	s := &spec.Spec{File: file, Name: name, Type: typ, Active: true,
		Pos: map[string]spec.Position{"": {Line: 1, Column: 1}, "/name": {Line: 1, Column: 1}, "/type": {Line: 2, Column: 1}, "/credentials": {Line: 4, Column: 1}}}
	for _, o := range opts {
		o(s)
	}
	return s
}

func cred(typ, fp string) func(*spec.Spec) {
	return func(s *spec.Spec) { s.Credential = &spec.Credential{Type: typ, Fingerprint: fp} }
}
func inactive(s *spec.Spec)           { s.Active = false }
func notes(n string) func(*spec.Spec) { return func(s *spec.Spec) { s.Notes = n } }

// in makes an observed integration in sync with sp(file, name, typ) plus a
// credential when fp is not empty.
func in(id, name, typ, fp string, opts ...func(*org.Integration)) org.Integration {
	i := org.Integration{ID: id, Name: name, Type: typ, Active: true, Owner: "reconcile"}
	if fp != "" {
		i.Credential = &org.Credential{ID: "c-" + id, Type: typ, Fingerprint: fp}
	}
	for _, o := range opts {
		o(&i)
	}
	return i
}

func unowned(i *org.Integration)           { i.Owner = "" }
func off(i *org.Integration)               { i.Active = false }
func actions(n int) func(*org.Integration) { return func(i *org.Integration) { i.Actions = n } }

// brief is what a test compares of a change.
type brief struct {
	Name    string
	Actions []plan.Action
	Why     map[plan.Action]string
}

func briefs(p plan.Plan) []brief {
	var out []brief
	for _, c := range p.Changes {
		out = append(out, brief{c.Name, c.Actions, c.Why})
	}
	return out
}

func TestBuild(t *testing.T) {
	const fp1, fp2 = "hmac-sha256:1", "hmac-sha256:2"
	tests := []struct {
		name   string
		specs  []*spec.Spec
		state  []org.Integration
		opts   plan.Options
		want   []brief
		inSync int
	}{
		{name: "new spec with credentials",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp1), notes("n"))},
			want: []brief{{"Z", []plan.Action{plan.Create, plan.Credentials, plan.Activate},
				map[plan.Action]string{plan.Create: `notes "n"`, plan.Credentials: "new zendesk credential"}}}},
		{name: "new inactive spec",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp1), inactive)},
			want: []brief{{"Z", []plan.Action{plan.Create, plan.Credentials},
				map[plan.Action]string{plan.Create: "", plan.Credentials: "new zendesk credential"}}}},
		{name: "new web service without credentials, with mTLS",
			specs: []*spec.Spec{sp("w.yaml", "W", "web-services", func(s *spec.Spec) { s.MTLS = "digicert" })},
			want: []brief{{"W", []plan.Action{plan.Create, plan.Activate},
				map[plan.Action]string{plan.Create: "mTLS authority digicert"}}}},
		{name: "in sync",
			specs:  []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp1))},
			state:  []org.Integration{in("1", "Z", "zendesk", fp1)},
			inSync: 1},
		{name: "matched case-insensitively; the name's case is configured",
			specs: []*spec.Spec{sp("z.yaml", "Zendesk", "zendesk", cred("zendesk", fp1))},
			state: []org.Integration{in("1", "ZENDESK", "zendesk", fp1)},
			want: []brief{{"Zendesk", []plan.Action{plan.Configure},
				map[plan.Action]string{plan.Configure: `name "ZENDESK" → "Zendesk"`}}}},
		{name: "notes and mTLS changed",
			specs: []*spec.Spec{sp("w.yaml", "W", "web-services", notes("new"), func(s *spec.Spec) { s.MTLS = "digicert" })},
			state: []org.Integration{in("1", "W", "web-services", "", func(i *org.Integration) { i.Notes, i.MTLS = "old", "genesys-cloud" })},
			want: []brief{{"W", []plan.Action{plan.Configure},
				map[plan.Action]string{plan.Configure: `notes "old" → "new", mTLS authority genesys-cloud → digicert`}}}},
		{name: "rotated secret: only credentials",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp2))},
			state: []org.Integration{in("1", "Z", "zendesk", fp1)},
			want: []brief{{"Z", []plan.Action{plan.Credentials},
				map[plan.Action]string{plan.Credentials: "(sensitive value changed)"}}}},
		{name: "credential set outside reconcile (no fingerprint) is replaced",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp1))},
			state: []org.Integration{in("1", "Z", "zendesk", "", func(i *org.Integration) { i.Credential = &org.Credential{ID: "c", Type: "zendesk"} })},
			want: []brief{{"Z", []plan.Action{plan.Credentials},
				map[plan.Action]string{plan.Credentials: "(sensitive value changed)"}}}},
		{name: "missing credential",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp1))},
			state: []org.Integration{in("1", "Z", "zendesk", "")},
			want: []brief{{"Z", []plan.Action{plan.Credentials},
				map[plan.Action]string{plan.Credentials: "new zendesk credential"}}}},
		{name: "credentials removed from the spec",
			specs: []*spec.Spec{sp("w.yaml", "W", "web-services")},
			state: []org.Integration{in("1", "W", "web-services", fp1, func(i *org.Integration) { i.Credential.Type = "basic" })},
			want: []brief{{"W", []plan.Action{plan.Credentials},
				map[plan.Action]string{plan.Credentials: "remove the basic credential"}}}},
		{name: "credential type change without data actions",
			specs: []*spec.Spec{sp("w.yaml", "W", "web-services", cred("user-defined", fp1))},
			state: []org.Integration{in("1", "W", "web-services", fp1, func(i *org.Integration) { i.Credential.Type = "basic" })},
			want: []brief{{"W", []plan.Action{plan.Credentials},
				map[plan.Action]string{plan.Credentials: "credential type basic → user-defined"}}}},
		{name: "credential type change with data actions, allowed",
			specs: []*spec.Spec{sp("w.yaml", "W", "web-services", cred("user-defined", fp1))},
			state: []org.Integration{in("1", "W", "web-services", fp1, actions(3), func(i *org.Integration) { i.Credential.Type = "basic" })},
			opts:  plan.Options{AllowCredentialTypeChange: true},
			want: []brief{{"W", []plan.Action{plan.Credentials},
				map[plan.Action]string{plan.Credentials: "credential type basic → user-defined"}}}},
		{name: "deactivate only",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp1), inactive)},
			state: []org.Integration{in("1", "Z", "zendesk", fp1)},
			want:  []brief{{"Z", []plan.Action{plan.Deactivate}, map[plan.Action]string{}}}},
		{name: "activate only",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp1))},
			state: []org.Integration{in("1", "Z", "zendesk", fp1, off)},
			want:  []brief{{"Z", []plan.Action{plan.Activate}, map[plan.Action]string{}}}},
		{name: "every action of an update, in order",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp2), notes("b"))},
			state: []org.Integration{in("1", "Z", "zendesk", fp1, off, func(i *org.Integration) { i.Notes = "a" })},
			want: []brief{{"Z", []plan.Action{plan.Configure, plan.Credentials, plan.Activate},
				map[plan.Action]string{plan.Configure: `notes "a" → "b"`, plan.Credentials: "(sensitive value changed)"}}}},
		{name: "an interrupted create is finished",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk", cred("zendesk", fp1))},
			state: []org.Integration{in("1", "Z", "zendesk", "", off, func(i *org.Integration) { i.Pending = true })},
			want: []brief{{"Z", []plan.Action{plan.Configure, plan.Credentials, plan.Activate},
				map[plan.Action]string{plan.Configure: "finish an interrupted create", plan.Credentials: "new zendesk credential"}}}},
		{name: "without prune nothing is deleted",
			state: []org.Integration{in("1", "Gone", "zendesk", fp1)}},
		{name: "prune deletes only what reconcile owns, first, by name",
			specs: []*spec.Spec{sp("a.yaml", "A", "zendesk", cred("zendesk", fp1))},
			state: []org.Integration{in("2", "Old B", "salesforce", fp1), in("3", "By hand", "zendesk", "", unowned), in("4", "Old A", "aws-lambda", fp1)},
			opts:  plan.Options{Prune: true},
			want: []brief{
				{"Old A", []plan.Action{plan.Delete}, map[plan.Action]string{plan.Delete: "created by reconcile; no spec names it"}},
				{"Old B", []plan.Action{plan.Delete}, map[plan.Action]string{plan.Delete: "created by reconcile; no spec names it"}},
				{"A", []plan.Action{plan.Create, plan.Credentials, plan.Activate}, map[plan.Action]string{plan.Create: "", plan.Credentials: "new zendesk credential"}},
			}},
		{name: "a type change with prune: delete the old, create the new",
			specs: []*spec.Spec{sp("a.yaml", "A", "salesforce", cred("salesforce", fp1))},
			state: []org.Integration{in("1", "A", "zendesk", fp1)},
			opts:  plan.Options{Prune: true},
			want: []brief{
				{"A", []plan.Action{plan.Delete}, map[plan.Action]string{plan.Delete: "created by reconcile; no spec names it"}},
				{"A", []plan.Action{plan.Create, plan.Credentials, plan.Activate}, map[plan.Action]string{plan.Create: "", plan.Credentials: "new salesforce credential"}},
			}},
		{name: "changes follow file order",
			specs: []*spec.Spec{sp("a.yaml", "Z", "aws-lambda"), sp("b.yaml", "A", "aws-lambda")},
			want: []brief{
				{"Z", []plan.Action{plan.Create, plan.Activate}, map[plan.Action]string{plan.Create: ""}},
				{"A", []plan.Action{plan.Create, plan.Activate}, map[plan.Action]string{plan.Create: ""}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Build(tt.specs, org.State{Integrations: tt.state}, tt.opts)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if diff := cmp.Diff(tt.want, briefs(p), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if p.InSync != tt.inSync {
				t.Errorf("InSync = %d, want %d", p.InSync, tt.inSync)
			}
			if p.Empty() != (len(tt.want) == 0) {
				t.Errorf("Empty() = %v with %d changes", p.Empty(), len(tt.want))
			}
		})
	}
}

func TestBuildProblems(t *testing.T) {
	const fp = "hmac-sha256:1"
	many := func(n int, typ string) []*spec.Spec {
		var out []*spec.Spec
		for i := range n {
			out = append(out, sp(fmt.Sprintf("%02d.yaml", i), fmt.Sprintf("S%02d", i), typ))
		}
		return out
	}
	tests := []struct {
		name  string
		specs []*spec.Spec
		state []org.Integration
		opts  plan.Options
		want  spec.Problems
	}{
		{name: "two org integrations match one spec",
			specs: []*spec.Spec{sp("z.yaml", "Z", "zendesk")},
			state: []org.Integration{in("b", "z", "zendesk", ""), in("a", "Z", "zendesk", "")},
			want: spec.Problems{{File: "z.yaml", Line: 1, Column: 1, Path: "/name",
				Message: `2 integrations of type zendesk in the org are named "Z" (ids a, b); reconcile will not guess which one this spec means: delete or rename the others by hand`}}},
		{name: "the name is held by another type",
			specs: []*spec.Spec{sp("z.yaml", "Z", "salesforce")},
			state: []org.Integration{in("a", "Z", "zendesk", "")},
			want: spec.Problems{{File: "z.yaml", Line: 1, Column: 1, Path: "/name",
				Message: `name "Z" is already used in the org by integration a of type zendesk; rename one, or delete that one (with --prune if reconcile created it)`}}},
		{name: "credential type change under data actions",
			specs: []*spec.Spec{sp("w.yaml", "W", "web-services", cred("user-defined", fp))},
			state: []org.Integration{in("1", "W", "web-services", fp, actions(2), func(i *org.Integration) { i.Credential.Type = "basic" })},
			want: spec.Problems{{File: "w.yaml", Line: 4, Column: 1, Path: "/credentials",
				Message: "changing the credential type from basic to user-defined would break the integration's 2 data actions; pass --allow-credential-type-change to do it anyway"}}},
		{name: "prune with no spec at all is refused",
			state: []org.Integration{in("a", "A", "zendesk", ""), in("b", "B", "zendesk", "", unowned)},
			opts:  plan.Options{Prune: true},
			want:  spec.Problems{{Message: "refusing to prune: the spec directory holds no spec, and pruning would delete all 1 integrations reconcile created; delete them by hand if that is what you want"}}},
		{name: "eleven specs of a type limited to ten: at the eleventh",
			specs: many(11, "aws-lambda"),
			want: spec.Problems{{File: "10.yaml", Line: 2, Column: 1, Path: "/type",
				Message: "too many aws-lambda integrations: 11 would exist (11 specs and 0 already in the org that no spec names), the limit is 10"}}},
		{name: "twelve specs: at the eleventh, not the last",
			specs: many(12, "aws-lambda"),
			want: spec.Problems{{File: "10.yaml", Line: 2, Column: 1, Path: "/type",
				Message: "too many aws-lambda integrations: 12 would exist (12 specs and 0 already in the org that no spec names), the limit is 10"}}},
		{name: "the org's own limit wins over the built-in one",
			specs: many(3, "zendesk"),
			state: nil,
			want: spec.Problems{{File: "02.yaml", Line: 2, Column: 1, Path: "/type",
				Message: "too many zendesk integrations: 3 would exist (3 specs and 0 already in the org that no spec names), the limit is 2"}}},
		{name: "unnamed org integrations count: at the eighth spec",
			specs: many(8, "aws-lambda"),
			state: []org.Integration{in("x", "X", "aws-lambda", "", unowned), in("y", "Y", "aws-lambda", ""), in("w", "W", "aws-lambda", "")},
			want: spec.Problems{{File: "07.yaml", Line: 2, Column: 1, Path: "/type",
				Message: "too many aws-lambda integrations: 11 would exist (8 specs and 3 already in the org that no spec names), the limit is 10"}}},
		{name: "org already over the limit: at the first spec",
			specs: many(1, "aws-lambda"),
			state: func() []org.Integration {
				var out []org.Integration
				for i := range 12 {
					out = append(out, in(fmt.Sprint(i), fmt.Sprint("H", i), "aws-lambda", "", unowned))
				}
				return out
			}(),
			want: spec.Problems{{File: "00.yaml", Line: 2, Column: 1, Path: "/type",
				Message: "too many aws-lambda integrations: 13 would exist (1 specs and 12 already in the org that no spec names), the limit is 10"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := org.State{Integrations: tt.state}
			if strings.Contains(tt.name, "org's own limit") {
				st.Limits = map[string]int{"zendesk": 2}
			}
			p, err := plan.Build(tt.specs, st, tt.opts)
			got, ok := spec.AsProblems(err)
			if !ok {
				t.Fatalf("Build returned %v and plan %+v, want problems", err, p)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if !p.Empty() {
				t.Errorf("a failed Build returned changes: %+v", p.Changes)
			}
		})
	}
}

// TestLimitsCountTheOrgAfterThePlan: matched integrations count once (as
// specs), pruned ones not at all.
func TestLimitsCountTheOrgAfterThePlan(t *testing.T) {
	var specs []*spec.Spec
	var state []org.Integration
	for i := range 10 {
		specs = append(specs, sp(fmt.Sprintf("%02d.yaml", i), fmt.Sprint("S", i), "zendesk"))
		state = append(state, in(fmt.Sprint(i), fmt.Sprint("S", i), "zendesk", ""))
	}
	state = append(state, in("old", "Old", "zendesk", "")) // owned, named by no spec
	if _, err := plan.Build(specs, org.State{Integrations: state}, plan.Options{}); err == nil || !strings.Contains(err.Error(), "11 would exist") {
		t.Fatalf("without prune: err = %v, want the limit exceeded with 11", err)
	}
	p, err := plan.Build(specs, org.State{Integrations: state}, plan.Options{Prune: true})
	if err != nil {
		t.Fatalf("with prune the old one is deleted and 10 remain: %v", err)
	}
	if got := p.Summary(); got[plan.Delete] != 1 || got[plan.Create] != 0 {
		t.Errorf("summary = %v, want 1 delete and nothing created", got)
	}
}

func TestSummaryCountsEveryAction(t *testing.T) {
	p := plan.Plan{Changes: []plan.Change{
		{Actions: []plan.Action{plan.Create, plan.Credentials, plan.Activate}},
		{Actions: []plan.Action{plan.Credentials, plan.Deactivate}},
		{Actions: []plan.Action{plan.Delete}},
	}}
	want := map[plan.Action]int{plan.Create: 1, plan.Configure: 0, plan.Credentials: 2, plan.Activate: 1, plan.Deactivate: 1, plan.Delete: 1}
	if diff := cmp.Diff(want, p.Summary()); diff != "" {
		t.Errorf("Summary (-want +got):\n%s", diff)
	}
}

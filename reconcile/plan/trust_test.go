package plan_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// salesforce is a Salesforce spec whose credential has the given login URL
// and password; its fingerprints stand in for the keyed ones.
func salesforce(loginURL, password string) *spec.Spec {
	s := sp("sf.yaml", "SF", "salesforce")
	s.Credential = &spec.Credential{Type: "salesforce",
		Fields: map[string]any{"userName": "u", "loginUrl": loginURL, "password": spec.NewSecret(password), "securityToken": spec.NewSecret("t")},
		// The whole fingerprint changes with any field, as a keyed one does.
		Fingerprint: "whole:" + loginURL + password,
		Secrets:     map[string]string{"password": "fp:" + password, "securityToken": "fp:t"}}
	return s
}

// applied is the integration as reconcile leaves it after applying s: the
// org's attributes and the record agree with the spec.
func applied(id string, s *spec.Spec) org.Integration {
	p, _ := plan.Build([]*spec.Spec{s}, org.State{}, plan.Options{})
	in := org.Integration{ID: id, Name: s.Name, Type: s.Type, Notes: s.Notes, Active: s.Active, MTLS: s.MTLS,
		Owner: plan.DefaultOwner, Applied: p.Changes[0].Record}
	if c := s.Credential; c != nil {
		in.Credential = &org.Credential{ID: "c" + id, Type: c.Type, Fingerprint: c.Fingerprint}
	}
	return in
}

func build(t *testing.T, specs []*spec.Spec, state []org.Integration, opts plan.Options) plan.Plan {
	t.Helper()
	p, err := plan.Build(specs, org.State{Integrations: state}, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return p
}

func only(t *testing.T, p plan.Plan) plan.Change {
	t.Helper()
	if len(p.Changes) != 1 {
		t.Fatalf("%d changes, want 1: %+v", len(p.Changes), briefs(p))
	}
	return p.Changes[0]
}

// TestCredentialFieldsBeforeAndAfter: the record tells which credential
// field changed; readable ones are shown, secret ones only named.
func TestCredentialFieldsBeforeAndAfter(t *testing.T) {
	sandbox := salesforce("https://test.salesforce.com", "pw1")
	state := []org.Integration{applied("1", sandbox)}

	c := only(t, build(t, []*spec.Spec{salesforce("https://login.salesforce.com", "pw1")}, state, plan.Options{}))
	if diff := cmp.Diff(map[string]any{"credentials.loginUrl": "https://test.salesforce.com"}, c.Before); diff != "" {
		t.Errorf("before (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"credentials.loginUrl": "https://login.salesforce.com"}, c.After); diff != "" {
		t.Errorf("after (-want +got):\n%s", diff)
	}
	if len(c.Sensitive) != 0 || c.Drift || c.ID != "1" {
		t.Errorf("sensitive %v, drift %v, id %q; want none, false, 1", c.Sensitive, c.Drift, c.ID)
	}
	if want := `loginUrl "https://test.salesforce.com" → "https://login.salesforce.com"`; c.Why[plan.Credentials] != want {
		t.Errorf("why = %q, want %q", c.Why[plan.Credentials], want)
	}

	c = only(t, build(t, []*spec.Spec{salesforce("https://test.salesforce.com", "pw2")}, state, plan.Options{}))
	if diff := cmp.Diff([]string{"credentials.password"}, c.Sensitive); diff != "" {
		t.Errorf("sensitive (-want +got):\n%s", diff)
	}
	if want := "password: (sensitive value changed)"; c.Why[plan.Credentials] != want {
		t.Errorf("why = %q, want %q", c.Why[plan.Credentials], want)
	}
}

// TestAnOldMarkPlansNoChange: an integration applied before records were
// kept (no Applied) with an unchanged credential plans nothing; a changed
// one is planned without knowing which field changed.
func TestAnOldMarkPlansNoChange(t *testing.T) {
	s := salesforce("https://test.salesforce.com", "pw1")
	old := applied("1", s)
	old.Applied = nil
	if p := build(t, []*spec.Spec{s}, []org.Integration{old}, plan.Options{}); !p.Empty() || p.InSync != 1 {
		t.Fatalf("an unchanged credential under an old mark planned %+v", briefs(p))
	}
	c := only(t, build(t, []*spec.Spec{salesforce("https://login.salesforce.com", "pw1")}, []org.Integration{old}, plan.Options{}))
	if c.Why[plan.Credentials] != "(sensitive value changed)" || c.Drift {
		t.Errorf("why %q drift %v", c.Why[plan.Credentials], c.Drift)
	}
	if c.Record == nil || c.Record.Credential == nil || c.Record.Credential.Fields["loginUrl"] != "https://login.salesforce.com" {
		t.Errorf("the change does not record the new credential: %+v", c.Record)
	}
}

// TestDriftIsTheOrgDifferingFromTheRecord: an edit made in the org is
// drift; the same difference made by the spec is not.
func TestDriftIsTheOrgDifferingFromTheRecord(t *testing.T) {
	s := sp("z.yaml", "Z", "zendesk", notes("as applied"))
	byHand := applied("1", s)
	byHand.Notes, byHand.Active = "edited in the UI", false
	c := only(t, build(t, []*spec.Spec{s}, []org.Integration{byHand}, plan.Options{}))
	if !c.Drift {
		t.Errorf("an edit made in the org is not drift: %+v", c)
	}
	if want := `notes "edited in the UI" → "as applied" (changed outside reconcile)`; c.Why[plan.Configure] != want {
		t.Errorf("configure: %q, want %q", c.Why[plan.Configure], want)
	}
	if want := "(changed outside reconcile)"; c.Why[plan.Activate] != want {
		t.Errorf("activate: %q, want %q", c.Why[plan.Activate], want)
	}

	c = only(t, build(t, []*spec.Spec{sp("z.yaml", "Z", "zendesk", notes("new notes"))}, []org.Integration{applied("1", s)}, plan.Options{}))
	if c.Drift || c.Why[plan.Configure] != `notes "as applied" → "new notes"` {
		t.Errorf("a spec edit: drift %v, why %q", c.Drift, c.Why[plan.Configure])
	}

	swapped := applied("1", salesforce("https://test.salesforce.com", "pw1"))
	swapped.Credential = &org.Credential{ID: "other", Type: "salesforce"} // attached in the UI
	c = only(t, build(t, []*spec.Spec{salesforce("https://test.salesforce.com", "pw1")}, []org.Integration{swapped}, plan.Options{}))
	if !c.Drift || !c.Has(plan.Credentials) {
		t.Errorf("a credential swapped in the org: drift %v, actions %v", c.Drift, c.Actions)
	}
}

// TestOrphansAreListedWithOrWithoutPrune, and only this owner's.
func TestOrphansAreListedWithOrWithoutPrune(t *testing.T) {
	mine := in("1", "Gone", "zendesk", "")
	theirs := in("2", "Theirs", "zendesk", "", func(i *org.Integration) { i.Owner = "team-b" })
	byHand := in("3", "Hand", "zendesk", "", unowned)
	state := []org.Integration{mine, theirs, byHand}
	specs := []*spec.Spec{sp("k.yaml", "Kept", "zendesk")}

	p := build(t, specs, state, plan.Options{})
	if len(p.Orphans) != 1 || p.Orphans[0].ID != "1" || p.Summary()[plan.Delete] != 0 {
		t.Errorf("without prune: orphans %+v, summary %v; want Gone alone, no delete", p.Orphans, p.Summary())
	}
	p = build(t, specs, state, plan.Options{Prune: true})
	if len(p.Orphans) != 1 || p.Summary()[plan.Delete] != 1 || p.Changes[0].ID != "1" {
		t.Errorf("with prune: orphans %+v, changes %+v; want Gone listed and deleted", p.Orphans, briefs(p))
	}
	p = build(t, specs, state, plan.Options{Prune: true, Owner: "team-b"})
	if len(p.Orphans) != 1 || p.Orphans[0].ID != "2" || p.Changes[0].ID != "2" {
		t.Errorf("team-b's prune: orphans %+v, changes %+v; want Theirs alone", p.Orphans, briefs(p))
	}
	if c := p.Changes[1]; c.Owner != "team-b" || c.Record == nil {
		t.Errorf("team-b's create is not marked as team-b's: owner %q record %v", c.Owner, c.Record)
	}
}

// TestFormerNamesRenameKeepingTheID.
func TestFormerNamesRenameKeepingTheID(t *testing.T) {
	renamed := sp("z.yaml", "Support", "zendesk", cred("zendesk", "fp"))
	renamed.FormerNames = []string{"Helpdesk"}
	old := in("42", "Helpdesk", "zendesk", "fp")

	p := build(t, []*spec.Spec{renamed}, []org.Integration{old}, plan.Options{Prune: true})
	c := only(t, p)
	if c.ID != "42" || c.Has(plan.Create) || c.Has(plan.Delete) || !c.Has(plan.Configure) {
		t.Fatalf("rename planned %+v, want configure of 42", briefs(p))
	}
	if c.Before["name"] != "Helpdesk" || c.After["name"] != "Support" || len(p.Orphans) != 0 {
		t.Errorf("before %v after %v orphans %v", c.Before, c.After, p.Orphans)
	}
	// Not someone else's: an integration reconcile does not own under the
	// former name is left alone, and a new one is made.
	p = build(t, []*spec.Spec{renamed}, []org.Integration{in("42", "Helpdesk", "zendesk", "fp", unowned)}, plan.Options{})
	if c := only(t, p); !c.Has(plan.Create) {
		t.Errorf("renamed an integration reconcile does not own: %+v", briefs(p))
	}
	// Two spec files claiming one integration is an error.
	twin := sp("y.yaml", "Desk", "zendesk")
	twin.FormerNames = []string{"helpdesk"}
	if _, err := plan.Build([]*spec.Spec{renamed, twin}, org.State{Integrations: []org.Integration{old}}, plan.Options{}); err == nil {
		t.Error("two specs renaming one integration planned without error")
	}
}

// TestDeleteGuard: prune refuses to delete an integration with data
// actions unless allowed.
func TestDeleteGuard(t *testing.T) {
	state := []org.Integration{in("1", "Gone", "zendesk", "", actions(3))}
	specs := []*spec.Spec{sp("k.yaml", "Kept", "zendesk")}
	_, err := plan.Build(specs, org.State{Integrations: state}, plan.Options{Prune: true})
	want := `refusing to delete integration "Gone" (zendesk, id 1): it has 3 data actions, which would be lost; pass --allow-delete-with-actions to delete it anyway, or give it a spec again`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	p := build(t, specs, state, plan.Options{Prune: true, AllowDeleteWithActions: true})
	if p.Summary()[plan.Delete] != 1 {
		t.Errorf("allowed delete not planned: %+v", briefs(p))
	}
}

// TestTargetsLimitThePlan.
func TestTargetsLimitThePlan(t *testing.T) {
	specs := []*spec.Spec{sp("a.yaml", "A", "zendesk"), sp("b.yaml", "B", "zendesk")}
	state := []org.Integration{in("9", "Old", "zendesk", "")}
	p := build(t, specs, state, plan.Options{Prune: true, Targets: []string{"b"}})
	if c := only(t, p); c.Name != "B" || len(p.Orphans) != 1 {
		t.Errorf("--target b planned %+v, orphans %v", briefs(p), p.Orphans)
	}
	p = build(t, specs, state, plan.Options{Prune: true, Targets: []string{"old"}})
	if c := only(t, p); !c.Has(plan.Delete) {
		t.Errorf("--target old planned %+v, want its delete", briefs(p))
	}
	if _, err := plan.Build(specs, org.State{Integrations: state}, plan.Options{Targets: []string{"nope"}}); err == nil {
		t.Error("a target that names nothing planned without error")
	}
}

// TestOneNameRuleInThePlanner: a spec matches the org's integration whose
// name is the same after NFC and case folding, as Genesys compares names,
// so no second integration is made.
func TestOneNameRuleInThePlanner(t *testing.T) {
	for spec_, orgName := range map[string]string{"Café": "Cafe\u0301", "λογος": "ΛΟΓΟΣ", "Acme Support": "Acme ſupport"} {
		p := build(t, []*spec.Spec{sp("a.yaml", spec_, "web-services")}, []org.Integration{in("1", orgName, "web-services", "")}, plan.Options{})
		if c := only(t, p); c.Has(plan.Create) || c.ID != "1" {
			t.Errorf("spec %q over org %q planned %+v, want a rename of 1", spec_, orgName, briefs(p))
		}
	}
}

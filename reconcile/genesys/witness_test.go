package genesys_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/genesys"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// These tests hold the client to the emulator's own catalogue and shapes
// (reconcile/witness/genesyscloud imports nothing of the client): a wrong
// fact in the table, a wrong field name or a wrong shape fails them.

// TestTheTableAgreesWithTheWitness: every fact the client checks at Open
// holds against the witness's catalogue; none is left to chance.
func TestTheTableAgreesWithTheWitness(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	c, err := genesys.Open(ctx, e.opts, true)
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Missing(); len(m) > 0 {
		t.Errorf("Missing() = %v", m)
	}
	vendors := map[string]bool{}
	for _, f := range c.Facts() {
		vendors[f.Vendor] = true
		if !f.OK {
			t.Errorf("%s: %s: %s", f.Vendor, f.What, f.Problem)
		}
	}
	for _, v := range spec.VendorTypes() {
		if !vendors[v] {
			t.Errorf("no fact checked for %s", v)
		}
	}
}

// everyCredentialType is one spec for each credential type of every
// vendor: both Google types, the three web-services types.
func everyCredentialType() []*spec.Spec {
	specs := allVendors(1)
	sec := func(s string) spec.Secret { return spec.NewSecret(s + "-SECRET") }
	return append(specs,
		&spec.Spec{File: "j.yaml", Name: "Google Cloud", Type: "google", Active: true, Credential: &spec.Credential{Type: "cloud-platform",
			Fields: map[string]any{"clientId": "1", "clientEmail": "a@example.com", "privateKeyId": "k", "privateKey": sec("pem"), "scopes": []any{"s"}}}},
		&spec.Spec{File: "k.yaml", Name: "Web Fields", Type: "web-services", Active: true, MTLS: "genesys-cloud", Credential: &spec.Credential{Type: "user-defined",
			Fields: map[string]any{"fields": map[string]any{"apiKey": sec("k")}}}},
		&spec.Spec{File: "l.yaml", Name: "Web OAuth", Type: "web-services", Active: true, MTLS: "genesys-cloud", Credential: &spec.Credential{Type: "user-defined-oauth",
			Fields: map[string]any{"fields": map[string]any{"clientId": "c", "clientSecret": sec("o")}}}},
	)
}

// TestEveryCredentialTypeConverges, with more foreign credentials than
// fit one page of the credential listing: a client that reads one page
// would not find its own credentials again and plan them anew.
func TestEveryCredentialTypeConverges(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	for i := range 450 {
		e.post(t, "/api/v2/integrations/credentials", map[string]any{"name": fmt.Sprintf("Made by hand %d", i),
			"type": map[string]string{"name": "basicAuth"}, "credentialFields": map[string]string{"userName": "u", "password": "p"}})
	}
	specs := everyCredentialType()
	if _, err := e.reconcile(t, specs, plan.Options{}, false); err != nil {
		t.Fatal(err)
	}
	if got := len(e.observe(t)); got != len(specs) {
		t.Errorf("%d integrations, want %d", got, len(specs))
	}
	before := e.emu.Stats()
	p, err := e.reconcile(t, everyCredentialType(), plan.Options{}, false)
	if err != nil || !p.Empty() {
		t.Fatalf("second run: %v, %v", p.Summary(), err)
	}
	if n := before.Credentials; n != 450+len(specs)-1 { // "Web Open" has none
		t.Errorf("%d credentials, want %d", n, 450+len(specs)-1)
	}
	pages := e.emu.Stats().Requests["GET /api/v2/integrations/credentials/listing"] - before.Requests["GET /api/v2/integrations/credentials/listing"]
	if pages < 3 {
		t.Errorf("the no-op run read %d pages of %d credentials, want every page (at least 3 of 200)", pages, before.Credentials)
	}
}

// TestPruneLeavesWhatReconcileDidNotMake: an integration made in the admin
// UI, of a vendor reconcile manages and named by no spec, is never
// pruned.
func TestPruneLeavesWhatReconcileDidNotMake(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	e.post(t, "/api/v2/integrations", map[string]any{"name": "Made by hand", "integrationType": map[string]string{"id": "zendesk-data-actions"}})
	if _, err := e.reconcile(t, allVendors(1)[:1], plan.Options{Prune: true}, false); err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, in := range e.observe(t) {
		names = append(names, in.Name)
		if in.Name == "Made by hand" && in.Owner != "" {
			t.Errorf("an integration made by hand is seen as reconcile's")
		}
	}
	if len(names) != 2 {
		t.Errorf("after prune: %v, want Lambda and the one made by hand", names)
	}
}

// TestTheAuthActionIsNotADataAction: Genesys makes an auth action for a
// userDefinedOAuth credential; it does not stop a credential type change
// as the user's own data actions do.
func TestTheAuthActionIsNotADataAction(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	oauth := everyCredentialType()[11:]
	if _, err := e.reconcile(t, oauth, plan.Options{}, false); err != nil {
		t.Fatal(err)
	}
	basic := everyCredentialType()[11:]
	basic[0].Credential = &spec.Credential{Type: "basic", Fields: map[string]any{"userName": "u", "password": spec.NewSecret("p-SECRET")}}
	if _, err := e.reconcile(t, basic, plan.Options{}, false); err != nil {
		t.Fatalf("the auth action counted as a data action: %v", err)
	}
	got := e.observe(t)
	if _, err := e.emu.AddAction(got[0].ID, "Lookup"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reconcile(t, oauth, plan.Options{}, true); err == nil || !strings.Contains(err.Error(), "data action") {
		t.Errorf("a real data action does not guard the type change: %v", err)
	}
}

// TestEventualConsistency: an integration that the org does not show for
// a moment after its create, and still shows for a moment after its
// delete, is waited for.
func TestEventualConsistency(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{Lag: 2})
	if _, err := e.reconcile(t, allVendors(1), plan.Options{}, false); err != nil {
		t.Fatalf("a 404 right after a create failed the run: %v", err)
	}
	if _, err := e.reconcile(t, allVendors(1)[:1], plan.Options{Prune: true}, false); err != nil {
		t.Fatalf("prune: %v", err)
	}
	if got := len(e.observe(t)); got != 1 {
		t.Errorf("%d integrations after prune, want 1", got)
	}
}

// TestVersionConflictsAreRetried: 409, 408 and 400 "does not match the
// current version" on a configuration write are read again and retried.
func TestVersionConflictsAreRetried(t *testing.T) {
	for _, status := range []int{409, 408, 400} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			e := newEnv(t, genesyscloud.Options{})
			if err := e.emu.FailNext("PUT", "/api/v2/integrations/{id}/config/current", status, 2); err != nil {
				t.Fatal(err)
			}
			if _, err := e.reconcile(t, allVendors(1)[8:], plan.Options{}, false); err != nil {
				t.Fatal(err)
			}
			if p, _ := e.reconcile(t, allVendors(1)[8:], plan.Options{}, true); !p.Empty() {
				t.Errorf("not converged: %v", p.Summary())
			}
		})
	}
}

// TestAnIntegrationInErrorIsReported: an activation the org answers with an
// ERROR state fails with the org's reason, and an integration in error is
// logged when observed.
func TestAnIntegrationInErrorIsReported(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	noCred := allVendors(1)[8:] // Zendesk, whose slot the org requires
	noCred[0].Credential = nil
	_, err := e.reconcile(t, noCred, plan.Options{}, false)
	if err == nil || !strings.Contains(err.Error(), "in error") {
		t.Errorf("err = %v, want the ERROR state reported", err)
	}

	var logs bytes.Buffer
	e.opts.Log = slog.New(slog.NewTextHandler(&logs, nil))
	in := e.observe(t)[0]
	if err := e.emu.SetReportedState(in.ID, "ERROR", "the token was refused"); err != nil {
		t.Fatal(err)
	}
	e.observe(t)
	if !strings.Contains(logs.String(), "in error") || !strings.Contains(logs.String(), "the token was refused") {
		t.Errorf("no warning for an integration in error:\n%s", logs.String())
	}
}

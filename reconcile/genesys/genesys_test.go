package genesys_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/reconcile-dev/reconcile/reconcile/apply"
	"github.com/reconcile-dev/reconcile/reconcile/fingerprint"
	"github.com/reconcile-dev/reconcile/reconcile/genesys"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

var ctx = context.Background()

const clientID, clientSecret = "test-client", "test-SECRET-client"

// env is an emulator and how to reach it.
type env struct {
	emu  *genesyscloud.Server
	url  string
	key  fingerprint.Key
	opts genesys.Options
	// beforeApply is the emulator's stats when the last reconcile began
	// its apply, after observing and planning.
	beforeApply genesyscloud.Stats
}

func newEnv(t testing.TB, eo genesyscloud.Options) *env {
	t.Helper()
	eo.ClientID, eo.ClientSecret = clientID, clientSecret
	emu, err := genesyscloud.New(eo)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &env{emu: emu, url: srv.URL, key: fingerprint.Derive(clientSecret), opts: genesys.Options{
		APIURL: srv.URL, ClientID: clientID, ClientSecret: clientSecret,
		RequestsPerMinute: 1 << 20, Backoff: func(int) time.Duration { return time.Millisecond }}}
}

// reconcile runs observe, plan and (unless dryRun) apply once, like the
// engine, and returns the plan and the apply's error.
func (e *env) reconcile(t testing.TB, specs []*spec.Spec, opts plan.Options, dryRun bool) (plan.Plan, error) {
	t.Helper()
	e.key.Apply(specs)
	c, err := genesys.Open(ctx, e.opts, dryRun)
	if err != nil {
		return plan.Plan{}, err
	}
	defer c.Close()
	c.Scope(specs) // as the engine does
	st, err := c.Observe(ctx)
	if err != nil {
		return plan.Plan{}, err
	}
	p, err := plan.Build(specs, st, opts)
	if err != nil || dryRun {
		return p, err
	}
	e.beforeApply = e.emu.Stats()
	return p, apply.Apply(ctx, c, p, nil).Err()
}

// observe returns the org as the client sees it.
func (e *env) observe(t testing.TB) []org.Integration {
	t.Helper()
	c, err := genesys.Open(ctx, e.opts, true)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Observe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.Integrations
}

// calls is the requests the emulator received between two snapshots.
type calls struct{ all, writes, posts int }

func since(before, after genesyscloud.Stats) calls {
	var c calls
	for k, v := range after.Requests {
		n := v - before.Requests[k]
		c.all += n
		if k == "POST /oauth/token" || strings.HasPrefix(k, "GET ") {
			continue
		}
		c.writes += n
		if strings.HasPrefix(k, "POST ") {
			c.posts += n
		}
	}
	return c
}

// specs returns one spec per vendor, with secrets marked SECRET and a
// version number so they can be rotated.
func allVendors(version int) []*spec.Spec {
	sec := func(s string) spec.Secret { return spec.NewSecret(fmt.Sprintf("%s-SECRET-%d", s, version)) }
	c := func(typ string, fields map[string]any) *spec.Credential {
		return &spec.Credential{Type: typ, Fields: fields}
	}
	return []*spec.Spec{
		{File: "a.yaml", Name: "Lambda", Type: "aws-lambda", Active: true, Credential: c("aws-lambda", map[string]any{"roleArn": "arn:aws:iam::123456789012:role/r"})},
		{File: "b.yaml", Name: "Function", Type: "genesys-cloud-function", Active: true, Credential: c("genesys-cloud-function", map[string]any{"fields": map[string]any{"k": sec("fn")}})},
		{File: "c.yaml", Name: "Dynamics", Type: "microsoft-dynamics-365", Active: true, Credential: c("microsoft-dynamics-365", map[string]any{"userName": "u", "password": sec("ms"), "organizationUrl": "https://x.crm.dynamics.com", "applicationId": "0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83"})},
		{File: "d.yaml", Name: "Platform", Type: "genesys-cloud", Active: true, Credential: c("genesys-cloud", map[string]any{"clientId": "0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83", "clientSecret": sec("gc")})},
		{File: "e.yaml", Name: "Google", Type: "google", Active: true, Credential: c("g-suite", map[string]any{"serviceAccountEmail": "a@example.com", "privateKeyId": "k", "privateKey": sec("pem"), "scopes": []any{"s1", "s2"}})},
		{File: "f.yaml", Name: "Salesforce", Type: "salesforce", Active: false, Credential: c("salesforce", map[string]any{"userName": "u", "password": sec("sf1"), "securityToken": sec("sf2"), "loginUrl": "https://login.salesforce.com"})},
		{File: "g.yaml", Name: "Web", Type: "web-services", Active: true, MTLS: "digicert", Notes: "n", Credential: c("basic", map[string]any{"userName": "u", "password": sec("ws")})},
		{File: "h.yaml", Name: "Web Open", Type: "web-services", Active: true, MTLS: "genesys-cloud"},
		{File: "i.yaml", Name: "Zendesk", Type: "zendesk", Active: true, Credential: c("zendesk", map[string]any{"email": "a@example.com", "baseServiceUrl": "https://a.zendesk.com", "apiToken": sec("zd")})},
	}
}

func TestEveryVendorConvergesAndAReRunWritesNothing(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	if _, err := e.reconcile(t, allVendors(1), plan.Options{}, false); err != nil {
		t.Fatal(err)
	}
	got := e.observe(t)
	if len(got) != 9 {
		t.Fatalf("%d integrations, want 9: %+v", len(got), got)
	}
	for _, in := range got {
		if in.Owner != plan.DefaultOwner || in.Pending || strings.HasPrefix(in.Name, genesys.PendingPrefix) {
			t.Errorf("%s: owner %q, pending %v", in.Name, in.Owner, in.Pending)
		}
		if r := in.Applied; r == nil || r.Name != in.Name || r.Active != in.Active || (r.Credential == nil) != (in.Credential == nil) ||
			r.Credential != nil && r.Credential.Fingerprint != in.Credential.Fingerprint {
			t.Errorf("%s: the record of what was applied is %+v", in.Name, r)
		}
		if (in.Name == "Web Open") != (in.Credential == nil) {
			t.Errorf("%s: credential %+v", in.Name, in.Credential)
		}
		if in.Active != (in.Name != "Salesforce") {
			t.Errorf("%s: active %v", in.Name, in.Active)
		}
	}
	if s := e.emu.Stats(); s.Credentials != 8 {
		t.Errorf("%d credentials, want 8", s.Credentials)
	}

	before := e.emu.Stats()
	p, err := e.reconcile(t, allVendors(1), plan.Options{}, false)
	if err != nil || !p.Empty() {
		t.Fatalf("second run: plan %+v, err %v", p.Changes, err)
	}
	c := since(before, e.emu.Stats())
	if c.writes != 0 {
		t.Errorf("the second run made %d write calls", c.writes)
	}
	if c.all > 10 {
		t.Errorf("a no-op run cost %d calls, want at most 10", c.all)
	}
}

func TestRotationDeactivationAndPrune(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	if _, err := e.reconcile(t, allVendors(1), plan.Options{}, false); err != nil {
		t.Fatal(err)
	}
	specs := allVendors(2) // every secret rotated
	specs[8].Active = false
	before := e.emu.Stats()
	p, err := e.reconcile(t, specs, plan.Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum := p.Summary(); sum[plan.Credentials] != 7 || sum[plan.Deactivate] != 1 || sum[plan.Configure] != 0 || sum[plan.Create] != 0 {
		t.Errorf("summary = %v, want 7 credentials (the lambda ARN did not change) and 1 deactivate", sum)
	}
	if c := since(before, e.emu.Stats()); c.writes != 15 || c.posts != 0 {
		t.Errorf("rotation cost %d writes (%d POSTs), want 7 credential PUTs, 7 configuration PUTs (the record of what was applied) and 1 PATCH", c.writes, c.posts)
	}
	if p, _ := e.reconcile(t, specs, plan.Options{}, true); !p.Empty() {
		t.Errorf("after rotation the dry run plans %+v", p.Changes)
	}

	p, err = e.reconcile(t, specs[:3], plan.Options{Prune: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum := p.Summary(); sum[plan.Delete] != 6 {
		t.Errorf("prune summary = %v, want 6 deletes", sum)
	}
	if s := e.emu.Stats(); s.Integrations != 3 || s.Credentials != 3 {
		t.Errorf("after prune: %d integrations and %d credentials, want 3 and 3 (no orphan)", s.Integrations, s.Credentials)
	}
}

func TestCreateCostsAtMostFourWrites(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	before := e.emu.Stats()
	if _, err := e.reconcile(t, allVendors(1)[8:], plan.Options{}, false); err != nil {
		t.Fatal(err)
	}
	if c := since(before, e.emu.Stats()); c.writes > 4 {
		t.Errorf("creating one active integration with a credential cost %d writes, want at most 4", c.writes)
	}
}

func TestDryRunOnlyReads(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	before := e.emu.Stats()
	p, err := e.reconcile(t, allVendors(1), plan.Options{}, true)
	if err != nil || p.Summary()[plan.Create] != 9 {
		t.Fatalf("dry run: %v, %v", p.Summary(), err)
	}
	if c := since(before, e.emu.Stats()); c.writes != 0 {
		t.Errorf("the dry run made %d write calls", c.writes)
	}
	c, _ := genesys.Open(ctx, e.opts, true)
	if err := c.Apply(ctx, p.Changes[0]); err != genesys.ErrReadOnly {
		t.Errorf("Apply on a read-only client = %v", err)
	}
}

// TestInterruptedCreateIsFinished: a run killed after posting the
// integration (under its pending name) and its credential, before writing
// the configuration, is finished by the next run, which reuses both.
func TestInterruptedCreateIsFinished(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	e.post(t, "/api/v2/integrations", map[string]any{"name": genesys.PendingPrefix + "Zendesk", "integrationType": map[string]string{"id": "zendesk-data-actions"}})
	got := e.observe(t)
	if len(got) != 1 || !got[0].Pending || got[0].Owner != "" || got[0].Name != "Zendesk" {
		t.Fatalf("the pending integration is seen as %+v", got)
	}
	e.post(t, "/api/v2/integrations/credentials", map[string]any{"name": "reconcile-" + got[0].ID + " hmac-sha256:stale",
		"type": map[string]string{"name": "zendeskApiToken"}, "credentialFields": map[string]string{"userEmail": "a@example.com", "baseUrl": "https://a.zendesk.com", "apiToken": "old-SECRET"}})

	p, err := e.reconcile(t, allVendors(1)[8:], plan.Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Why[plan.Configure] != "finish an interrupted create" || p.Summary()[plan.Create] != 0 {
		t.Errorf("plan = %+v", p.Changes)
	}
	got = e.observe(t)
	if len(got) != 1 || got[0].Pending || got[0].Owner != plan.DefaultOwner || got[0].Credential == nil || !got[0].Active {
		t.Errorf("after the next run: %+v", got)
	}
	if s := e.emu.Stats(); s.Integrations != 1 || s.Credentials != 1 {
		t.Errorf("%d integrations and %d credentials, want 1 and 1 (both reused)", s.Integrations, s.Credentials)
	}
	if p, _ := e.reconcile(t, allVendors(1)[8:], plan.Options{}, true); !p.Empty() {
		t.Errorf("not converged: %+v", p.Changes)
	}
}

// post sends a request to the emulator as a person in the admin UI would.
func (e *env) post(t testing.TB, path string, body any) {
	t.Helper()
	e.call(t, http.MethodPost, path, body, nil)
}

// call sends one Platform API request, as a person's tool would, and
// decodes the answer into out unless it is nil.
func (e *env) call(t testing.TB, method, path string, body, out any) {
	t.Helper()
	tok, err := (&clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret, TokenURL: e.url + "/oauth/token",
		AuthStyle: oauth2.AuthStyleInHeader}).Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.url+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// TestAnOrgMarkedByTheLastVersion: an integration as reconcile left it
// before records and owners were kept (the mark {"owner": "reconcile"},
// the credential named with the whole fingerprint), written here by raw
// API calls, plans no change, and is still reconcile's to prune.
func TestAnOrgMarkedByTheLastVersion(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	s := allVendors(1)[8] // Zendesk
	e.key.Apply([]*spec.Spec{s})
	var in struct{ ID string }
	e.call(t, http.MethodPost, "/api/v2/integrations", map[string]any{"name": s.Name, "integrationType": map[string]string{"id": "zendesk-data-actions"}}, &in)
	var cred struct{ ID string }
	e.call(t, http.MethodPost, "/api/v2/integrations/credentials", map[string]any{"name": "reconcile-" + in.ID + " " + s.Credential.Fingerprint,
		"type": map[string]string{"name": "zendeskApiToken"}, "credentialFields": map[string]string{"userEmail": "a@example.com", "baseUrl": "https://a.zendesk.com", "apiToken": "zd-SECRET-1"}}, &cred)
	var cfg map[string]any
	e.call(t, http.MethodGet, "/api/v2/integrations/"+in.ID+"/config/current", nil, &cfg)
	cfg["name"], cfg["advanced"] = s.Name, map[string]any{"reconcile": map[string]any{"owner": "reconcile"}}
	cfg["credentials"] = map[string]any{"zendeskApiToken": map[string]string{"id": cred.ID}}
	e.call(t, http.MethodPut, "/api/v2/integrations/"+in.ID+"/config/current", cfg, nil)
	e.call(t, http.MethodPatch, "/api/v2/integrations/"+in.ID, map[string]string{"intendedState": "ENABLED"}, nil)

	p, err := e.reconcile(t, []*spec.Spec{s}, plan.Options{}, true)
	if err != nil || !p.Empty() || p.InSync != 1 {
		t.Fatalf("the last version's integration plans %+v (err %v), want no change", p.Changes, err)
	}
	p, err = e.reconcile(t, allVendors(1)[:1], plan.Options{Prune: true}, true)
	if err != nil || len(p.Orphans) != 1 || p.Orphans[0].ID != in.ID || p.Summary()[plan.Delete] != 1 {
		t.Errorf("the last version's integration is not an orphan to prune: orphans %+v, err %v", p.Orphans, err)
	}
}

func TestTwoMatchesStopTheRun(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	for _, name := range []string{"Lambda", "LAMBDA"} { // Genesys allows duplicate names
		e.post(t, "/api/v2/integrations", map[string]any{"name": name, "integrationType": map[string]string{"id": "aws-lambda-data-actions"}})
	}
	ids := []string{}
	for _, in := range e.observe(t) {
		ids = append(ids, in.ID)
	}
	before := e.emu.Stats()
	_, err := e.reconcile(t, allVendors(1)[:1], plan.Options{}, false)
	if err == nil || !strings.Contains(err.Error(), ids[0]) || !strings.Contains(err.Error(), ids[1]) {
		t.Fatalf("err = %v, want both ids %v named", err, ids)
	}
	if c := since(before, e.emu.Stats()); c.writes != 0 {
		t.Errorf("%d writes despite the ambiguity", c.writes)
	}
}

// TestCreateRelistsFirst: an integration of the same name made by another
// writer after this run observed the org stops the create; no duplicate.
func TestCreateRelistsFirst(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	specs := allVendors(1)[:1]
	e.key.Apply(specs)
	c, err := genesys.Open(ctx, e.opts, false)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := c.Observe(ctx)
	p, _ := plan.Build(specs, st, plan.Options{})
	e.post(t, "/api/v2/integrations", map[string]any{"name": "lambda", "integrationType": map[string]string{"id": "aws-lambda-data-actions"}})
	if err := c.Apply(ctx, p.Changes[0]); err == nil || !strings.Contains(err.Error(), "another writer") {
		t.Fatalf("Apply = %v, want the concurrent-writer error", err)
	}
	if n := e.emu.Stats().Integrations; n != 1 {
		t.Errorf("%d integrations, want only the other writer's", n)
	}
}

func TestCredentialTypeChangeUnderActionsIsRefused(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	specs := allVendors(1)[6:7] // Web, basic
	if _, err := e.reconcile(t, specs, plan.Options{}, false); err != nil {
		t.Fatal(err)
	}
	id := e.observe(t)[0].ID
	if _, err := e.emu.AddAction(id, "Lookup"); err != nil {
		t.Fatal(err)
	}
	specs = allVendors(1)[6:7]
	specs[0].Credential = &spec.Credential{Type: "user-defined", Fields: map[string]any{"fields": map[string]any{"k": spec.NewSecret("v-SECRET")}}}
	if _, err := e.reconcile(t, specs, plan.Options{}, false); err == nil || !strings.Contains(err.Error(), "would break the integration's 1 data actions") {
		t.Fatalf("err = %v, want the refusal", err)
	}
	if _, err := e.reconcile(t, specs, plan.Options{AllowCredentialTypeChange: true}, false); err != nil {
		t.Fatal(err)
	}
	if got := e.observe(t)[0].Credential; got.Type != "user-defined" {
		t.Errorf("credential type %q after the allowed change", got.Type)
	}
}

// TestConvergesUnderFaults: 100 specs against an org that fails 10 % of
// requests (some after applying the write) converge in a few runs to
// exactly 100 integrations, no duplicate, no orphan credential.
func TestConvergesUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("many runs")
	}
	for _, tc := range []struct {
		name  string
		specs int
		opts  genesyscloud.Options
	}{
		{"faults 0.1", 100, genesyscloud.Options{FaultRate: 0.1, Seed: 7}},
		{"faults 0.3", 100, genesyscloud.Options{FaultRate: 0.3, Seed: 7}},
		// A client pacing itself far above the org's limit meets 429s
		// with Retry-After, among the faults.
		{"faults 0.1 and 429s", 20, genesyscloud.Options{FaultRate: 0.1, RateLimit: 120, Seed: 7}},
	} {
		// In a synctest bubble, the emulator in memory: the Retry-After
		// of its 429s passes in fake time.
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newMemEnv(t, tc.opts)
				var specs []*spec.Spec
				for i := range tc.specs {
					specs = append(specs, &spec.Spec{File: fmt.Sprintf("%03d.yaml", i), Name: fmt.Sprintf("S%03d", i), Type: "google", Active: i%2 == 0,
						Credential: &spec.Credential{Type: "cloud-platform", Fields: map[string]any{"clientId": "1", "clientEmail": "a@example.com", "privateKeyId": "k", "privateKey": spec.NewSecret(fmt.Sprint("pem-SECRET-", i))}}})
				}
				start, runs := time.Now(), 0
				for ; runs < 20; runs++ {
					p, err := e.reconcile(t, specs, plan.Options{}, false)
					if err == nil && p.Empty() {
						break
					}
				}
				if runs == 20 {
					t.Fatal("no convergence in 20 runs")
				}
				got := e.observe(t) // the client retries through the faults
				names := map[string]bool{}
				for _, in := range got {
					if names[in.Name] {
						t.Errorf("duplicate %q", in.Name)
					}
					names[in.Name] = true
				}
				s := e.emu.Stats()
				if n := tc.specs; len(got) != n || s.Integrations != n || s.Credentials != n {
					t.Errorf("%d integrations (emulator %d), %d credentials; want %d of each", len(got), s.Integrations, s.Credentials, n)
				}
				t.Logf("%s: converged after %d applying runs, %d requests, %s of fake time", tc.name, runs, total(s), time.Since(start))
			})
		})
	}
}

func total(s genesyscloud.Stats) int {
	n := 0
	for _, v := range s.Requests {
		n += v
	}
	return n
}

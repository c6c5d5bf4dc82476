package main

// The official Genesys Cloud SDK (purecloud-platform-client-v2, pinned in
// .ci/referee/package.json) as referee: every HTTP exchange reconcile makes
// with the emulator is typed, with tsc --strict, as the SDK declares it;
// and the SDK itself is run against the emulator. Run with `make
// conformance`; without .ci/referee/node_modules the tests skip, unless CI
// is set.

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// newReferee loads the SDK's operations. With CONFORMANCE_OUT set, the
// generated TypeScript and every finding are kept in that folder.
func newReferee(t *testing.T) *referee {
	dir := needReferee(t)
	ops, err := loadOperations(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := &referee{dir: dir, ops: ops}
	if out := os.Getenv("CONFORMANCE_OUT"); out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		r.keep = out
	}
	return r
}

// TestConformanceScenario runs the CLI against the emulator behind a
// recording proxy, through every kind of change, and has the SDK judge
// every exchange.
func TestConformanceScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI several times and tsc")
	}
	ref := newReferee(t)
	const id, secret = "conformance-client", "conformance-secret"
	emu, err := genesyscloud.New(genesyscloud.Options{ClientID: id, ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	direct := httptest.NewServer(emu)
	defer direct.Close()
	rec := newRecorder(t, direct.URL)
	service := orderService()
	defer service.Close()
	seedCredentials(t, direct.URL, emu.Token(), 450)

	w, keyFile := newScenarioWork(t, rec.srv.URL)
	t.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	t.Setenv("HOME", w.dir)
	t.Setenv("GENESYS_CLIENT_ID", id)
	t.Setenv("RECONCILE_FINGERPRINT_KEY", "")

	steps := []conformanceStep{
		{name: "apply every vendor", want: 0},
		{name: "rotate a secret, change notes, deactivate one", want: 0, edit: map[string]*string{
			"zendesk.yaml":    w.edited(t, "zendesk.yaml", "tok-SECRET-1", "tok-SECRET-2"),
			"salesforce.yaml": w.edited(t, "salesforce.yaml", "notes: accounts and cases", "notes: accounts, cases and leads"),
			"aws-lambda.yaml": w.edited(t, "aws-lambda.yaml", "notes: orders by number\n", "notes: orders by number\nactive: false\n"),
		}},
		{name: "a version conflict on the configuration", want: 0,
			before: func(t *testing.T) {
				if err := failNext(direct.URL, "PUT", "/api/v2/integrations/{id}/config/current", 409, 1); err != nil {
					t.Errorf("the emulator cannot inject a 409 (FailNext): %v", err)
				}
			},
			edit: map[string]*string{
				"genesys-cloud.yaml": w.edited(t, "genesys-cloud.yaml", "notes: the org's own API", "notes: the org's own API, v2"),
			}},
		{name: "data actions: create, tested before publish", want: 0, flags: []string{"--test"}, edit: map[string]*string{
			"actions.yaml": text(actionSpec(service.URL)),
		}},
		{name: "data actions: update, tested; replace", want: 0, flags: []string{"--test", "--allow-action-replace"}, edit: map[string]*string{
			"actions.yaml": text(strings.Replace(strings.Replace(actionSpec(service.URL), "timeoutSeconds: 10", "timeoutSeconds: 20", 1),
				"properties: {orderId: {type: string}}}}\n      output: {successSchema: {type: object}}", "properties: {orderId: {type: string}, amount: {type: number}}}}\n      output: {successSchema: {type: object}}", 1)),
		}},
		{name: "data actions: reconcile test, read-only", want: 0, flags: []string{"test"}, wantOut: "1 of 1 test cases passed."},
		{name: "data actions: delete with prune", want: 0, prune: true, edit: map[string]*string{
			"actions.yaml": text(strings.Split(actionSpec(service.URL), "  - name: Refund")[0]),
		}},
		{name: "delete one, rename one", want: 0, prune: true, edit: map[string]*string{
			"web-user-defined.yaml":       nil,
			"microsoft-dynamics-365.yaml": w.edited(t, "microsoft-dynamics-365.yaml", "name: CRM\n", "name: CRM Online\n"),
		}},
		{name: "nothing to do", want: 0, prune: true, wantOut: "No changes."},
		{name: "a wrong client secret", want: 1, secret: "not-the-secret"},
	}
	for _, s := range steps {
		rec.setStep(s.name)
		sec := secret
		if s.secret != "" {
			sec = s.secret
		}
		t.Setenv("GENESYS_CLIENT_SECRET", sec)
		if s.before != nil {
			s.before(t)
		}
		code, stdout, stderr := w.apply(t, s)
		if code != s.want || !strings.Contains(stdout, s.wantOut) {
			t.Errorf("step %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", s.name, code, s.want, stdout, stderr)
		}
		if strings.Contains(strings.ReplaceAll(stdout+stderr, "GENESYS_CLIENT_SECRET", ""), "SECRET") {
			t.Errorf("step %q: a secret in the output", s.name)
		}
	}

	exchanges := rec.recorded()
	t.Logf("%d exchanges recorded", len(exchanges))
	if ref.keep != "" {
		var b strings.Builder
		for _, e := range exchanges {
			fmt.Fprintf(&b, "%d\t%s\t%s\t%d\n", e.N, e.Step, e, e.Status)
		}
		os.WriteFile(filepath.Join(ref.keep, "exchanges.txt"), []byte(b.String()), 0o644)
		if all, err := json.MarshalIndent(exchanges, "", "  "); err == nil {
			os.WriteFile(filepath.Join(ref.keep, "exchanges.json"), all, 0o644)
		}
	}
	checkCoverage(t, ref, exchanges)
	findings, err := ref.check(exchanges)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) > 0 {
		lines := summarize(findings)
		msg := "the official SDK disagrees with %d exchanges (%d findings, %d kinds):\n  %s"
		if ref.keep == "" {
			msg += "\n(set CONFORMANCE_OUT=DIR to keep the generated TypeScript and every finding)"
		}
		t.Errorf(msg, countExchanges(findings), len(findings), len(lines), strings.Join(lines, "\n  "))
	}
}

func countExchanges(fs []finding) int {
	n := map[int]bool{}
	for _, f := range fs {
		n[f.Ex.N] = true
	}
	return len(n)
}

// checkCoverage fails unless the recorded traffic holds what the scenario
// claims to exercise.
func checkCoverage(t *testing.T, ref *referee, exchanges []exchange) {
	t.Helper()
	seen := map[string]int{}
	afterPages := map[string]int{} // step: listing pages read with after
	conflicts, oauthErrors, expanded := 0, 0, 0
	credentialWrites := map[string]int{}
	for _, e := range exchanges {
		if e.Path == "/oauth/token" {
			if e.Status >= 400 {
				oauthErrors++
			}
			continue
		}
		op, ok := findOperation(ref.ops, e.Method, e.Path)
		if !ok {
			continue
		}
		seen[op.Name]++
		q, _ := url.ParseQuery(e.Query)
		switch op.Name {
		case "getIntegrationsCredentialsListing":
			if q.Get("after") != "" && e.Status == 200 {
				afterPages[e.Step]++
			}
		case "putIntegrationConfigCurrent":
			if e.Status == 409 {
				conflicts++
			}
		case "getIntegrations":
			if q.Get("expand") == "config.current" {
				expanded++
			}
		case "postIntegrationsCredentials", "putIntegrationsCredential":
			credentialWrites[e.Step]++
		}
	}
	// The operations of .ci/referee/drive.js but getIntegrationsType, which
	// reconcile has no need of (it lists the types).
	for _, name := range []string{"getIntegrationsTypes", "getIntegrationsCredentialsTypes", "postIntegrationsCredentials",
		"getIntegrationsCredentialsListing", "postIntegrations", "getIntegrations", "getIntegrationConfigCurrent",
		"putIntegrationConfigCurrent", "patchIntegration", "getIntegrationsActions", "deleteIntegration", "deleteIntegrationsCredential",
		// data actions
		"postIntegrationsActionsDrafts", "getIntegrationsActionsDrafts", "postIntegrationsActionDraftTest", "postIntegrationsActionDraftPublish",
		"postIntegrationsActionDraft", "patchIntegrationsActionDraft", "deleteIntegrationsAction", "postIntegrationsActionTest"} {
		if seen[name] == 0 {
			t.Errorf("coverage: the scenario never called %s", name)
		}
	}
	if afterPages["apply every vendor"] < 2 {
		t.Errorf("coverage: the first run read %d credential listing pages with after, want at least 2 (450 credentials were seeded; pages hold at most 200)", afterPages["apply every vendor"])
	}
	if conflicts == 0 {
		t.Error("coverage: no 409 answer to PUT /api/v2/integrations/{integrationId}/config/current was recorded")
	}
	if oauthErrors == 0 {
		t.Error("coverage: no error answer from /oauth/token was recorded")
	}
	if expanded == 0 {
		t.Error("coverage: no integration listing with expand=config.current was recorded")
	}
	if credentialWrites["rotate a secret, change notes, deactivate one"] == 0 {
		t.Error("coverage: rotating a secret wrote no credential")
	}
}

// TestConformanceRefereeCanFail feeds the referee exchanges that are wrong
// in known ways (and one that is right) and checks it says so.
func TestConformanceRefereeCanFail(t *testing.T) {
	ref := newReferee(t)
	okListing := `{"entities":[{"id":"c1","name":"n","type":{"name":"basicAuth"},"createdDate":"2024-01-01T00:00:00Z"}],"nextUri":"/api/v2/integrations/credentials/listing?after=c1","selfUri":"/api/v2/integrations/credentials/listing"}`
	exchanges := []exchange{
		{N: 1, Method: "PATCH", Path: "/api/v2/integrations/abc", ReqBody: []byte(`{"intendedStat":"ENABLED"}`),
			Status: 200, RespBody: []byte(`{"id":"abc","name":"x","intendedState":"ENABLED"}`)},
		{N: 2, Method: "GET", Path: "/api/v2/integrations/credentials/listing", Query: "pageSize=200",
			Status: 200, RespBody: []byte(`{"entities":[{"id":"c1","name":"n","type":"basicAuth"}]}`)},
		{N: 3, Method: "GET", Path: "/api/v2/integrations", Query: "pageSize=100&pageNumbr=2",
			Status: 200, RespBody: []byte(`{"entities":[],"pageCount":1}`)},
		{N: 4, Method: "GET", Path: "/api/v2/integrations/credentials/listing", Query: "pageSize=200&after=c0",
			Status: 200, RespBody: []byte(okListing)},
		{N: 5, Method: "GET", Path: "/api/v2/integrations/abc/nothing/here", Status: 200, RespBody: []byte(`{}`)},
		// two mistakes in one literal, and a null where the model says string:
		// tsc reports only the first of each literal, the referee every one
		{N: 6, Method: "PUT", Path: "/api/v2/integrations/abc/config/current", ReqBody: []byte(`{"name":"x","version":"3","intendedStat":1}`),
			Status: 200, RespBody: []byte(`{"name":null,"version":4,"credentials":{"basicAuth":{"id":"c1","type":"basicAuth"}}}`)},
		{N: 7, Method: "PUT", Path: "/api/v2/integrations/abc/config/current", ReqBody: []byte(`{"name":"x","version":3}`),
			Status: 409, RespBody: []byte(`{"status":"409","code":"conflict","mesage":"stale"}`)},
		{N: 8, Method: "DELETE", Path: "/api/v2/integrations/credentials/c1", Status: 200, RespBody: []byte(`{"id":"c1"}`)},
		{N: 9, Method: "POST", Path: "/oauth/token", Authorization: "Basic Yzpz", ContentType: "application/x-www-form-urlencoded",
			ReqBody: []byte("grant_type=client_credentials"), Status: 401, RespBody: []byte(`{"status":401,"code":"invalid_client","message":"no"}`)},
		{N: 10, Method: "POST", Path: "/oauth/token", Authorization: "Basic Yzpz", ContentType: "application/x-www-form-urlencoded",
			ReqBody: []byte("grant_type=client_credentials"), Status: 200, RespBody: []byte(`{"access_token":"t","token_type":"bearer","expires_in":86400}`)},
		{N: 12, Method: "GET", Path: "/api/v2/integrations", Query: "pageSize=many&sortBy=name",
			Status: 200, RespBody: []byte(`{"entities":[],"pageCount":1}`)},
		{N: 13, Method: "GET", Path: "/api/v2/integrations/credentials/types", Query: "pageSize=25",
			Status: 200, RespBody: []byte(`{"entities":[{"name":"basicAuth"}]}`)},
		{N: 11, Method: "GET", Path: "/api/v2/integrations/types", Query: "pageSize=100&pageNumber=1&sortBy=name",
			Status: 200, RespBody: []byte(`{"entities":[{"id":"custom-rest-actions","name":"Web Services Data Actions","maxInstances":50}],"pageCount":1,"total":1}`)},
	}
	findings, err := ref.check(exchanges)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Log(f)
	}
	wants := []struct {
		n             int
		part, pointer string
		message       string
	}{
		{1, "request", "", "'intendedStat' does not exist in type 'Integration'"},
		{2, "answer", "/entities/0/type", "CredentialType"},
		{3, "query", "pageNumbr", "pageNumbr"},
		{5, "operation", "", "no operation"},
		{6, "request", "/version", "not assignable to type 'number'"},
		{6, "request", "/intendedStat", "'intendedStat' does not exist"},
		{6, "answer", "/name", "'null' is not assignable"},
		{6, "answer", "/credentials/basicAuth/type", "CredentialType"},
		{7, "answer", "/status", "not assignable to type 'number'"},
		{7, "answer", "/mesage", "'mesage' does not exist in type 'ErrorBody'"},
		{8, "answer", "", "not assignable to type 'void'"},
		{9, "answer", "/error", "missing"},
		{9, "answer", "/code", "no key"},
		{12, "query", "pageSize", "not assignable to type '`${number}`'"},
		{13, "query", "pageSize", "not assignable to type 'never'"},
		{13, "answer", "", "CredentialType[]"},
	}
	for _, w := range wants {
		found := false
		for _, f := range findings {
			if f.Ex.N == w.n && f.Part == w.part && (w.pointer == "" || f.Pointer == w.pointer) && strings.Contains(f.Message, w.message) {
				found = true
			}
		}
		if !found {
			t.Errorf("the referee did not report exchange %d, %s %q: %q", w.n, w.part, w.pointer, w.message)
		}
	}
	for _, f := range findings {
		if f.Ex.N == 4 || f.Ex.N == 10 || f.Ex.N == 11 {
			t.Errorf("a false alarm on a conforming exchange: %s", f)
		}
	}
}

// TestConformanceSDKDrivesEmulator runs .ci/referee/drive.js: the SDK
// itself logs in to the emulator and calls every operation reconcile uses.
func TestConformanceSDKDrivesEmulator(t *testing.T) {
	ref := newReferee(t)
	emu, err := genesyscloud.New(genesyscloud.Options{ClientID: "sdk-client", ClientSecret: "sdk-secret"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	seedCredentials(t, srv.URL, emu.Token(), 60)
	rec := newRecorder(t, srv.URL)
	rec.setStep("drive.js")
	u, _ := url.Parse(rec.srv.URL)
	cmd := exec.Command("node", filepath.Join(ref.dir, "drive.js"))
	cmd.Env = append(os.Environ(), "REFEREE_HOST="+u.Hostname(), "REFEREE_PORT="+u.Port(),
		"REFEREE_CLIENT_ID=sdk-client", "REFEREE_CLIENT_SECRET=sdk-secret")
	out, err := cmd.CombinedOutput()
	t.Logf("drive.js:\n%s", out)
	if err != nil {
		t.Errorf("the official SDK could not complete its calls against the emulator (%v):\n%s", err, out)
	}
	// The SDK's own traffic, judged by the referee: the requests must pass
	// (else the referee is wrong), the answers are the emulator's.
	findings, err := ref.check(rec.recorded())
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) > 0 {
		t.Errorf("the referee disagrees with the SDK's own exchanges:\n  %s", strings.Join(summarize(findings), "\n  "))
	}
}

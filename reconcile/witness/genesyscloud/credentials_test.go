package genesyscloud_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

func TestCredentials(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	a := e.createCredential("a", "basicAuth", map[string]string{"userName": "u", "password": "p"})
	if a.ID == "" || a.Name != "a" || a.Type.Name != "basicAuth" {
		t.Fatalf("created %+v", a)
	}
	b := e.createCredential("b", "zendeskApiToken", nil)
	var list []api.CredentialInfo
	e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, &list)
	if d := cmp.Diff([]api.CredentialInfo{a, b}, list); d != "" {
		t.Errorf("listing (-want +got):\n%s", d)
	}
	var got api.CredentialInfo
	e.do("GET", "/api/v2/integrations/credentials/"+a.ID, nil, 200, &got)
	if d := cmp.Diff(a, got); d != "" {
		t.Errorf("GET (-want +got):\n%s", d)
	}
	want := api.CredentialInfo{ID: a.ID, Name: "a2", Type: api.TypeName{Name: "userDefined"}}
	e.do("PUT", "/api/v2/integrations/credentials/"+a.ID, api.Credential{Name: "a2", Type: api.TypeName{Name: "userDefined"},
		CredentialFields: map[string]string{"k": "v"}}, 200, &got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("PUT answer (-want +got):\n%s", d)
	}
	e.do("GET", "/api/v2/integrations/credentials/"+a.ID, nil, 200, &got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("GET after PUT (-want +got):\n%s", d)
	}
	e.do("DELETE", "/api/v2/integrations/credentials/"+a.ID, nil, 204, nil)
	e.do("GET", "/api/v2/integrations/credentials/"+a.ID, nil, 404, nil)
	e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, &list)
	if d := cmp.Diff([]api.CredentialInfo{b}, list); d != "" {
		t.Errorf("listing after DELETE (-want +got):\n%s", d)
	}
	e.do("DELETE", "/api/v2/integrations/credentials/"+b.ID, nil, 204, nil)
	if body := e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, nil); string(bytes.TrimSpace(body)) != "[]" {
		t.Errorf("empty listing is %s, want []", body)
	}
}

// TestSecretsNeverReturned writes credential fields holding SECRET through
// every write, then scans every answer and the state file for them.
func TestSecretsNeverReturned(t *testing.T) {
	state := filepath.Join(t.TempDir(), "org.json")
	e := newEnv(t, genesyscloud.Options{StatePath: state})
	var bodies [][]byte
	keep := func(b []byte) { bodies = append(bodies, b) }

	i := e.createIntegration("z", zendesk)
	var c api.CredentialInfo
	keep(e.do("POST", "/api/v2/integrations/credentials", api.Credential{Name: "z", Type: api.TypeName{Name: "zendeskApiToken"},
		CredentialFields: map[string]string{"userEmail": "a@example.com", "apiToken": "tok-SECRET-1"}}, 200, &c))
	keep(e.do("POST", "/api/v2/integrations/credentials", api.Credential{Name: "o", Type: api.TypeName{Name: "userDefinedOAuth"},
		CredentialFields: map[string]string{"clientSecret": "oauth-SECRET-2", "SECRET-key": "v"}}, 200, nil))
	keep(e.do("PUT", "/api/v2/integrations/credentials/"+c.ID, api.Credential{Name: "z", Type: api.TypeName{Name: "zendeskApiToken"},
		CredentialFields: map[string]string{"apiToken": "tok-SECRET-3"}}, 200, nil))
	cfg := e.config(i.ID)
	cfg.Credentials = map[string]api.CredentialRef{"zendeskApiToken": {ID: c.ID, Type: "zendeskApiToken"}}
	keep(e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", cfg, 200, nil))
	// A refused write must not echo the body either.
	keep(e.do("POST", "/api/v2/integrations/credentials", `{"name":"x","type":{"name":"nope"},"credentialFields":{"k":"bad-SECRET-4"}}`, 400, nil))
	keep(e.do("POST", "/api/v2/integrations/credentials", `{"name":"x","credentialFields":{"k":"bad-SECRET-5"`, 400, nil))

	for _, p := range []string{
		"/api/v2/integrations/credentials/listing",
		"/api/v2/integrations/credentials/" + c.ID,
		"/api/v2/integrations?expand=config.current",
		"/api/v2/integrations/" + i.ID + "?expand=config.current",
		"/api/v2/integrations/" + i.ID + "/config/current",
		"/api/v2/integrations/credentials/types",
		"/api/v2/integrations/types",
		"/api/v2/integrations/actions",
		"/emulator/stats",
	} {
		keep(e.do("GET", p, nil, 200, nil))
	}
	file, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	keep(file)
	for _, b := range bodies {
		if bytes.Contains(b, []byte("SECRET")) {
			t.Errorf("a secret leaked: %s", b)
		}
		if bytes.Contains(b, []byte("credentialFields")) {
			t.Errorf("credentialFields in %s", b)
		}
	}
	// The file keeps a digest of each credential's fields instead.
	if n := len(regexp.MustCompile(`"fieldsSha256": "[0-9a-f]{64}"`).FindAll(file, -1)); n != 2 {
		t.Errorf("%d field digests in the state file, want 2:\n%s", n, file)
	}
}

// TestDeleteIntegrationKeepsCredential: like the API, deleting an
// integration leaves its credential, an orphan, and removes its actions.
func TestDeleteIntegrationKeepsCredential(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("z", zendesk)
	other := e.createIntegration("w", webServices)
	c := e.createCredential("Integration-"+i.ID, "zendeskApiToken", map[string]string{"apiToken": "t"})
	cfg := e.config(i.ID)
	cfg.Credentials = map[string]api.CredentialRef{"zendeskApiToken": {ID: c.ID, Type: "zendeskApiToken"}}
	e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", cfg, 200, nil)
	if _, err := e.srv.AddAction(i.ID, "Get ticket"); err != nil {
		t.Fatal(err)
	}
	keep, err := e.srv.AddAction(other.ID, "Call")
	if err != nil {
		t.Fatal(err)
	}

	e.do("DELETE", "/api/v2/integrations/"+i.ID, nil, 204, nil)
	var got api.CredentialInfo
	e.do("GET", "/api/v2/integrations/credentials/"+c.ID, nil, 200, &got)
	if d := cmp.Diff(c, got); d != "" {
		t.Errorf("credential after the DELETE (-want +got):\n%s", d)
	}
	var actions api.Page[api.Action]
	e.do("GET", "/api/v2/integrations/actions?includeAuthActions=true", nil, 200, &actions)
	if d := cmp.Diff([]api.Action{{ID: keep, Name: "Call", IntegrationID: other.ID}}, actions.Entities); d != "" {
		t.Errorf("actions after the DELETE (-want +got):\n%s", d)
	}
}

func TestActions(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	a := e.createIntegration("a", zendesk)
	b := e.createIntegration("b", webServices)
	x, err := e.srv.AddAction(a.ID, "x")
	if err != nil {
		t.Fatal(err)
	}
	var y api.Action
	e.do("POST", "/emulator/actions", api.Action{IntegrationID: b.ID, Name: "y"}, 200, &y)
	z, err := e.srv.AddAction(a.ID, "z")
	if err != nil {
		t.Fatal(err)
	}
	if y.ID == "" || y.Name != "y" || y.IntegrationID != b.ID {
		t.Errorf("POST /emulator/actions answered %+v", y)
	}
	want := []api.Action{{ID: x, Name: "x", IntegrationID: a.ID}, y, {ID: z, Name: "z", IntegrationID: a.ID}}
	var p1, p2 api.Page[api.Action]
	e.do("GET", "/api/v2/integrations/actions?pageSize=2&pageNumber=1&includeAuthActions=true", nil, 200, &p1)
	e.do("GET", "/api/v2/integrations/actions?pageSize=2&pageNumber=2&includeAuthActions=true", nil, 200, &p2)
	if d := cmp.Diff(want, append(p1.Entities, p2.Entities...)); d != "" {
		t.Errorf("actions over two pages (-want +got):\n%s", d)
	}
	if p1.Total != 3 || p1.PageCount != 2 || p2.PageNumber != 2 {
		t.Errorf("paging: %+v %+v", p1, p2)
	}
	for _, tt := range []struct{ integration, name string }{{"nope", "n"}, {a.ID, ""}} {
		if _, err := e.srv.AddAction(tt.integration, tt.name); err == nil {
			t.Errorf("AddAction(%q, %q) succeeded", tt.integration, tt.name)
		}
	}
}

package genesyscloud_test

import (
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestErrors checks every refusal is the right status with an ErrorBody.
// {i} in a path or body is an existing integration's id.
func TestErrors(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("i", zendesk)
	cfg := func(mut func(*api.Configuration)) api.Configuration {
		c := e.config(i.ID)
		mut(&c)
		return c
	}
	const unknown = "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name         string
		method, path string
		body         any
		want         int
		allow        string // the Allow header of a 405
	}{
		{"unknown api path", "GET", "/api/v2/nope", nil, 404, ""},
		{"unknown path", "GET", "/nope", nil, 404, ""},
		{"unknown emulator path", "GET", "/emulator/nope", nil, 404, ""},
		{"trailing slash", "GET", "/api/v2/integrations/", nil, 404, ""},
		{"wrong method", "PUT", "/api/v2/integrations", `{}`, 405, "GET, POST"},
		{"wrong method on a literal path", "POST", "/api/v2/integrations/credentials/listing", `{}`, 405, "DELETE, GET, PUT"},
		{"wrong emulator method", "GET", "/emulator/reset", nil, 405, "POST"},
		{"malformed JSON", "POST", "/api/v2/integrations", `{"name":`, 400, ""},
		{"two JSON values", "POST", "/api/v2/integrations", `{} {}`, 400, ""},
		{"empty body", "POST", "/api/v2/integrations", ``, 400, ""},
		{"wrong JSON type", "POST", "/api/v2/integrations", `{"name":3}`, 400, ""},
		{"unknown integration type", "POST", "/api/v2/integrations", `{"name":"x","integrationType":{"id":"nope"}}`, 400, ""},
		{"no integration type", "POST", "/api/v2/integrations", `{"name":"x"}`, 400, ""},
		{"integration without name", "POST", "/api/v2/integrations", `{"integrationType":{"id":"zendesk-data-actions"}}`, 400, ""},
		{"GET unknown integration", "GET", "/api/v2/integrations/" + unknown, nil, 404, ""},
		{"PATCH unknown integration", "PATCH", "/api/v2/integrations/" + unknown, `{"intendedState":"ENABLED"}`, 404, ""},
		{"DELETE unknown integration", "DELETE", "/api/v2/integrations/" + unknown, nil, 404, ""},
		{"PATCH bad state", "PATCH", "/api/v2/integrations/{i}", `{"intendedState":"ON"}`, 400, ""},
		{"PATCH no state", "PATCH", "/api/v2/integrations/{i}", `{}`, 400, ""},
		{"GET config of unknown integration", "GET", "/api/v2/integrations/" + unknown + "/config/current", nil, 404, ""},
		{"PUT config of unknown integration", "PUT", "/api/v2/integrations/" + unknown + "/config/current", `{"name":"x","version":1}`, 404, ""},
		{"PUT config with unknown credential", "PUT", "/api/v2/integrations/{i}/config/current",
			cfg(func(c *api.Configuration) {
				c.Credentials = map[string]api.CredentialRef{"zendeskApiToken": {ID: unknown}}
			}), 400, ""},
		{"PUT config without name", "PUT", "/api/v2/integrations/{i}/config/current", cfg(func(c *api.Configuration) { c.Name = "" }), 400, ""},
		{"PUT config without version", "PUT", "/api/v2/integrations/{i}/config/current", `{"name":"x"}`, 409, ""},
		{"credential of unknown type", "POST", "/api/v2/integrations/credentials", `{"name":"c","type":{"name":"nope"}}`, 400, ""},
		{"credential without name", "POST", "/api/v2/integrations/credentials", `{"type":{"name":"basicAuth"}}`, 400, ""},
		{"credential field not a string", "POST", "/api/v2/integrations/credentials", `{"name":"c","type":{"name":"basicAuth"},"credentialFields":{"a":1}}`, 400, ""},
		{"GET unknown credential", "GET", "/api/v2/integrations/credentials/" + unknown, nil, 404, ""},
		{"PUT unknown credential", "PUT", "/api/v2/integrations/credentials/" + unknown, `{"name":"c","type":{"name":"basicAuth"}}`, 404, ""},
		{"DELETE unknown credential", "DELETE", "/api/v2/integrations/credentials/" + unknown, nil, 404, ""},
		{"pageSize 0", "GET", "/api/v2/integrations?pageSize=0", nil, 400, ""},
		{"pageSize not a number", "GET", "/api/v2/integrations/actions?pageSize=x", nil, 400, ""},
		{"pageNumber 0", "GET", "/api/v2/integrations/types?pageNumber=0", nil, 400, ""},
		{"action of unknown integration", "POST", "/emulator/actions", `{"integrationId":"` + unknown + `","name":"a"}`, 400, ""},
		{"action without name", "POST", "/emulator/actions", `{"integrationId":"{i}"}`, 400, ""},
		{"action malformed", "POST", "/emulator/actions", `[`, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.body
			if s, ok := body.(string); ok {
				body = strings.ReplaceAll(s, "{i}", i.ID)
			}
			r := e.request(tt.method, strings.ReplaceAll(tt.path, "{i}", i.ID), body)
			status, b := e.send(r)
			if status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, b)
			}
			errorBody(t, status, b)
			if tt.allow != "" {
				resp, err := e.client.Do(e.request(tt.method, tt.path, body))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if got := resp.Header.Get("Allow"); got != tt.allow {
					t.Errorf("Allow %q, want %q", got, tt.allow)
				}
			}
		})
	}
	// Nothing above changed the org.
	if s := e.srv.Stats(); s.Integrations != 1 || s.Credentials != 0 {
		t.Errorf("stats after the refusals: %+v", s)
	}
	if c := e.config(i.ID); c.Version != 1 {
		t.Errorf("config version %d after refused PUTs", c.Version)
	}
	if got := e.listIntegrations("").Entities[0]; got.IntendedState != "DISABLED" {
		t.Errorf("state %s after refused PATCHes", got.IntendedState)
	}
}

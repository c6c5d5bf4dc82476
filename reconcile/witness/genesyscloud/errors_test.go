package genesyscloud_test

import (
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestErrors checks every refusal is the right status with an ErrorBody,
// and changes nothing. {i} in a path or body is an existing integration's
// id, {c} an existing credential's.
func TestErrors(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("i", zendesk)
	c := e.createCredential("c", "zendeskApiToken", zendeskFields("t"))
	const unknown = "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name         string
		method, path string
		body         string
		want         int
		allow        string // the Allow header of a 405
	}{
		{"unknown api path", "GET", "/api/v2/nope", "", 404, ""},
		{"unknown path", "GET", "/nope", "", 404, ""},
		{"unknown emulator path", "GET", "/emulator/nope", "", 404, ""},
		{"trailing slash", "GET", "/api/v2/integrations/", "", 404, ""},
		{"wrong method", "PUT", "/api/v2/integrations", `{}`, 405, "GET, POST"},
		{"wrong method on a literal path", "POST", "/api/v2/integrations/credentials/listing", `{}`, 405, "DELETE, GET, PUT"},
		{"wrong method on a type", "DELETE", "/api/v2/integrations/types/" + zendesk, "", 405, "GET"},
		{"wrong emulator method", "GET", "/emulator/reset", "", 405, "POST"},
		{"malformed JSON", "POST", "/api/v2/integrations", `{"name":`, 400, ""},
		{"two JSON values", "POST", "/api/v2/integrations", `{} {}`, 400, ""},
		{"empty body", "POST", "/api/v2/integrations", ``, 400, ""},
		{"wrong JSON type", "POST", "/api/v2/integrations", `{"name":3}`, 400, ""},
		{"unknown integration type", "POST", "/api/v2/integrations", `{"name":"x","integrationType":{"id":"nope"}}`, 400, ""},
		{"no integration type", "POST", "/api/v2/integrations", `{"name":"x"}`, 400, ""},
		{"integration without name", "POST", "/api/v2/integrations", `{"integrationType":{"id":"zendesk-data-actions"}}`, 400, ""},
		{"integration with empty name", "POST", "/api/v2/integrations", `{"name":"","integrationType":{"id":"zendesk-data-actions"}}`, 400, ""},
		{"unknown integration type GET", "GET", "/api/v2/integrations/types/nope", "", 404, ""},
		{"GET unknown integration", "GET", "/api/v2/integrations/" + unknown, "", 404, ""},
		{"PATCH unknown integration", "PATCH", "/api/v2/integrations/" + unknown, `{"intendedState":"ENABLED"}`, 404, ""},
		{"DELETE unknown integration", "DELETE", "/api/v2/integrations/" + unknown, "", 404, ""},
		{"PATCH bad state", "PATCH", "/api/v2/integrations/{i}", `{"intendedState":"ON"}`, 400, ""},
		{"PATCH no state", "PATCH", "/api/v2/integrations/{i}", `{}`, 400, ""},
		{"GET config of unknown integration", "GET", "/api/v2/integrations/" + unknown + "/config/current", "", 404, ""},
		{"PUT config of unknown integration", "PUT", "/api/v2/integrations/" + unknown + "/config/current", `{"name":"x","version":1}`, 404, ""},
		{"PUT config without name", "PUT", "/api/v2/integrations/{i}/config/current", `{"name":"","version":1}`, 400, ""},
		{"PUT config without version", "PUT", "/api/v2/integrations/{i}/config/current", `{"name":"x"}`, 409, ""},
		{"PUT config credentials not an object", "PUT", "/api/v2/integrations/{i}/config/current", `{"name":"x","version":1,"credentials":{"zendeskApiToken":"{c}"}}`, 400, ""},
		{"PUT config unknown slot", "PUT", "/api/v2/integrations/{i}/config/current", `{"name":"x","version":1,"credentials":{"basicAuth":{"id":"{c}"}}}`, 400, ""},
		{"credential without type", "POST", "/api/v2/integrations/credentials", `{"name":"c"}`, 400, ""},
		{"credential without name", "POST", "/api/v2/integrations/credentials", `{"type":{"name":"userDefined"}}`, 400, ""},
		{"credential field not a string", "POST", "/api/v2/integrations/credentials", `{"name":"c","type":{"name":"userDefined"},"credentialFields":{"a":1}}`, 400, ""},
		{"credential type as a string", "POST", "/api/v2/integrations/credentials", `{"name":"c","type":"userDefined"}`, 400, ""},
		{"GET unknown credential", "GET", "/api/v2/integrations/credentials/" + unknown, "", 404, ""},
		{"PUT unknown credential", "PUT", "/api/v2/integrations/credentials/" + unknown, `{"name":"c","type":{"name":"userDefined"}}`, 404, ""},
		{"DELETE unknown credential", "DELETE", "/api/v2/integrations/credentials/" + unknown, "", 404, ""},
		{"pageSize 0", "GET", "/api/v2/integrations?pageSize=0", "", 400, ""},
		{"pageSize not a number", "GET", "/api/v2/integrations/actions?pageSize=x", "", 400, ""},
		{"pageNumber 0", "GET", "/api/v2/integrations/types?pageNumber=0", "", 400, ""},
		{"action of unknown integration", "POST", "/emulator/actions", `{"integrationId":"` + unknown + `","name":"a"}`, 400, ""},
		{"action without name", "POST", "/emulator/actions", `{"integrationId":"{i}"}`, 400, ""},
		{"action malformed", "POST", "/emulator/actions", `[`, 400, ""},
		{"fault on no route", "POST", "/emulator/faults", `{"method":"GET","pattern":"/api/v2/nope","status":500,"count":1}`, 400, ""},
		{"fault not an error", "POST", "/emulator/faults", `{"method":"GET","pattern":"/api/v2/integrations","status":200,"count":1}`, 400, ""},
		{"fault count 0", "POST", "/emulator/faults", `{"method":"GET","pattern":"/api/v2/integrations","status":500}`, 400, ""},
		{"reported state malformed", "POST", "/emulator/reported-state", `{`, 400, ""},
	}
	replace := strings.NewReplacer("{i}", i.ID, "{c}", c.ID)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" || tt.method == "POST" {
				body = replace.Replace(tt.body)
			}
			resp, err := e.client.Do(e.request(tt.method, replace.Replace(tt.path), body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			status, b := e.send(e.request(tt.method, replace.Replace(tt.path), body))
			if status != tt.want || resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, b)
			}
			errorBody(t, status, b)
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
		})
	}
	// Nothing above changed the org.
	if s := e.srv.Stats(); s.Integrations != 1 || s.Credentials != 1 {
		t.Errorf("stats after the refusals: %+v", s)
	}
	if c := e.config(i.ID); c.Version != 1 {
		t.Errorf("config version %d after refused PUTs", c.Version)
	}
	if got := e.listIntegrations("").Entities[0]; got.IntendedState != "DISABLED" {
		t.Errorf("state %s after refused PATCHes", got.IntendedState)
	}
	// The refused fault rules were not added.
	e.do("GET", "/api/v2/integrations", nil, 200, nil)
}

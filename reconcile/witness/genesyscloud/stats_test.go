package genesyscloud_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

func TestStats(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	a := e.createIntegration("a", zendesk)
	b := e.createIntegration("b", zendesk)
	e.createCredential("c", "userDefined", nil)
	e.listIntegrations("")
	e.listIntegrations("?pageNumber=2")
	e.do("GET", "/api/v2/integrations/"+a.ID, nil, 200, nil)
	e.do("GET", "/api/v2/integrations/"+b.ID, nil, 200, nil)
	e.do("PUT", "/api/v2/integrations/"+a.ID+"/config/current", e.config(a.ID), 200, nil)
	e.do("GET", "/api/v2/integrations/types", nil, 200, nil)
	e.do("GET", "/api/v2/nope", nil, 404, nil)
	e.do("DELETE", "/api/v2/integrations", nil, 405, nil)
	r := e.request("GET", "/api/v2/integrations", nil)
	r.Header.Del("Authorization")
	e.call(r, 401, nil)
	e.do("GET", "/emulator/stats", nil, 200, nil)
	e.do("GET", "/emulator/nope", nil, 404, nil)
	e.do("GET", "/nope", nil, 404, nil)

	want := genesyscloud.Stats{
		Requests: map[string]int{
			"POST /oauth/token":                            1,
			"POST /api/v2/integrations":                    2,
			"POST /api/v2/integrations/credentials":        1,
			"GET /api/v2/integrations":                     3,
			"GET /api/v2/integrations/{id}":                2,
			"GET /api/v2/integrations/{id}/config/current": 1,
			"PUT /api/v2/integrations/{id}/config/current": 1,
			"GET /api/v2/integrations/types":               1,
			"GET /api/v2/nope":                             1,
			"DELETE /api/v2/integrations":                  1,
		},
		Integrations: 2,
		Credentials:  1,
	}
	if d := cmp.Diff(want, e.srv.Stats()); d != "" {
		t.Errorf("Stats (-want +got):\n%s", d)
	}
	var got genesyscloud.Stats
	e.do("GET", "/emulator/stats", nil, 200, &got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("GET /emulator/stats (-want +got):\n%s", d)
	}
}

// TestStatsCountFaulted: faulted requests are counted like the others.
func TestStatsCountFaulted(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{FaultRate: 1})
	for range 5 {
		e.outcome(e.request("GET", "/api/v2/integrations/types", nil))
		e.outcome(e.request("DELETE", "/api/v2/integrations/x", nil))
	}
	want := map[string]int{"GET /api/v2/integrations/types": 5, "DELETE /api/v2/integrations/{id}": 5}
	if d := cmp.Diff(want, e.srv.Stats().Requests); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
}

func TestReset(t *testing.T) {
	for _, how := range []string{"POST /emulator/reset", "Server.Reset"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t, genesyscloud.Options{Seed: 3})
			first := e.createIntegration("a", zendesk)
			c := e.createCredential("c", "userDefined", nil)
			if _, err := e.srv.AddAction(first.ID, "x"); err != nil {
				t.Fatal(err)
			}
			if how == "Server.Reset" {
				e.srv.Reset()
			} else {
				e.do("POST", "/emulator/reset", nil, 204, nil)
			}
			if d := cmp.Diff(genesyscloud.Stats{Requests: map[string]int{}}, e.srv.Stats()); d != "" {
				t.Errorf("stats after reset (-want +got):\n%s", d)
			}
			// The token still works; the org is empty.
			if p := e.listIntegrations(""); p.Total != 0 {
				t.Errorf("%d integrations after reset", p.Total)
			}
			var creds genesyscloud.CredentialInfoCursorListing
			e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, &creds)
			var actions genesyscloud.ActionEntityListing
			e.do("GET", "/api/v2/integrations/actions", nil, 200, &actions)
			if len(creds.Entities) != 0 || actions.Total != 0 {
				t.Errorf("after reset: credentials %v, actions %v", creds.Entities, actions.Entities)
			}
			e.do("GET", "/api/v2/integrations/credentials/"+c.ID, nil, 404, nil)
			// Ids start over: the first integration gets the same id again.
			if again := e.createIntegration("a", zendesk); again.ID != first.ID {
				t.Errorf("first id after reset %s, want %s as on a new server", again.ID, first.ID)
			}
		})
	}
}

package genesyscloud_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestLag: a new integration is not found by its first Lag GETs, of it or
// its configuration together; a deleted one is still found by its first
// Lag GETs. Lag is counted in requests, not time.
func TestLag(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{Lag: 3})
	i := e.createIntegration("z", zendesk)
	var got []int
	for _, path := range []string{"", "/config/current", "", "", "/config/current"} {
		status, _ := e.send(e.request("GET", "/api/v2/integrations/"+i.ID+path, nil))
		got = append(got, status)
	}
	if d := cmp.Diff([]int{404, 404, 404, 200, 200}, got); d != "" {
		t.Errorf("GETs after the create (-want +got):\n%s", d)
	}
	// Writes and the listing see it at once.
	j := e.createIntegration("y", zendesk)
	e.do("PATCH", "/api/v2/integrations/"+j.ID, map[string]string{"intendedState": "ENABLED"}, 200, nil)
	if n := e.listIntegrations("").Total; n != 2 {
		t.Errorf("listing: %d integrations", n)
	}

	var before genesyscloud.Integration
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 200, &before)
	e.do("DELETE", "/api/v2/integrations/"+i.ID, nil, 200, nil)
	for n := range 3 {
		var ghost genesyscloud.Integration
		e.do("GET", "/api/v2/integrations/"+i.ID, nil, 200, &ghost)
		if d := cmp.Diff(before, ghost); d != "" {
			t.Errorf("GET %d after the DELETE (-before +got):\n%s", n, d)
		}
	}
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 404, nil)
	if n := e.listIntegrations("").Total; n != 1 {
		t.Errorf("listing after the DELETE: %d integrations", n)
	}
	// The lag needs an integration that existed: another id is a 404.
	e.do("GET", "/api/v2/integrations/00000000-0000-4000-8000-000000000000", nil, 404, nil)
	if n := e.srv.Stats().Requests["GET /api/v2/integrations/{id}"]; n != 9 {
		t.Errorf("GETs counted %d times, want 9", n)
	}
}

func TestNoLag(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("z", zendesk)
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 200, nil)
	e.do("DELETE", "/api/v2/integrations/"+i.ID, nil, 200, nil)
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 404, nil)
}

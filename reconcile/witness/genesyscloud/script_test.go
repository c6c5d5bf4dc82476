package genesyscloud_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestFailNextConfigPut: the version-conflict statuses of a configuration
// PUT carry the message a client recognises, the PUT is not applied, the
// rules run in order, and the requests are counted.
func TestFailNextConfigPut(t *testing.T) {
	for _, how := range []string{"Server.FailNext", "POST /emulator/faults"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t, genesyscloud.Options{})
			i := e.createIntegration("z", zendesk)
			fail := func(method, pattern string, status, count int) {
				if how == "Server.FailNext" {
					if err := e.srv.FailNext(method, pattern, status, count); err != nil {
						t.Fatal(err)
					}
					return
				}
				e.do("POST", "/emulator/faults", map[string]any{"method": method, "pattern": pattern, "status": status, "count": count}, 204, nil)
			}
			const pattern = "/api/v2/integrations/{id}/config/current"
			fail("PUT", pattern, 409, 2)
			fail("PUT", pattern, 408, 1)
			fail("PUT", pattern, 400, 1)
			fail("PUT", pattern, 503, 1)
			fail("GET", "/api/v2/integrations", 500, 1)

			c := e.config(i.ID)
			c.Notes = "changed"
			var got []int
			for range 6 {
				status, b := e.send(e.request("PUT", "/api/v2/integrations/"+i.ID+"/config/current", c))
				got = append(got, status)
				if status == 200 {
					break
				}
				msg := errorBody(t, status, b)
				if conflict := strings.Contains(msg, "does not match the current version"); conflict != (status != 503) {
					t.Errorf("%d: message %q", status, msg)
				}
				if v := e.config(i.ID); v.Version != 1 || v.Notes != "" {
					t.Fatalf("a failed PUT was applied: %+v", v)
				}
			}
			if d := cmp.Diff([]int{409, 409, 408, 400, 503, 200}, got); d != "" {
				t.Errorf("statuses (-want +got):\n%s", d)
			}
			errorBody(t, 500, e.do("GET", "/api/v2/integrations", nil, 500, nil))
			e.do("GET", "/api/v2/integrations", nil, 200, nil)
			if n := e.srv.Stats().Requests["PUT "+pattern]; n != 6 {
				t.Errorf("config PUTs counted %d times, want 6", n)
			}
		})
	}
}

// TestFailNextOtherRoutes: a generic message elsewhere; an id in the path
// does not matter; /emulator is never failed; Reset forgets the rules.
func TestFailNextOtherRoutes(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	if err := e.srv.FailNext("POST", "/api/v2/integrations", 409, 1); err != nil {
		t.Fatal(err)
	}
	msg := errorBody(t, 409, e.do("POST", "/api/v2/integrations", map[string]any{"name": "x", "integrationType": map[string]string{"id": zendesk}}, 409, nil))
	if strings.Contains(msg, "version") {
		t.Errorf("generic message %q speaks of versions", msg)
	}
	if n := e.srv.Stats().Integrations; n != 0 {
		t.Errorf("the failed POST was applied: %d integrations", n)
	}
	if err := e.srv.FailNext("DELETE", "/api/v2/integrations/credentials/{id}", 404, 1); err != nil {
		t.Fatal(err)
	}
	c := e.createCredential("c", "userDefined", nil)
	e.do("DELETE", "/api/v2/integrations/credentials/"+c.ID, nil, 404, nil)
	e.do("DELETE", "/api/v2/integrations/credentials/"+c.ID, nil, 204, nil)

	if err := e.srv.FailNext("POST", "/oauth/token", 401, 1); err != nil {
		t.Fatal(err)
	}
	if status, b := e.send(tokenRequest(e.ts.URL, clientID, clientSecret, "client_credentials")); status != 401 || !strings.Contains(string(b), `"error":"invalid_client"`) {
		t.Errorf("scripted token failure: %d %s", status, b)
	}
	if err := e.srv.FailNext("GET", "/api/v2/integrations/types", 502, 3); err != nil {
		t.Fatal(err)
	}
	e.do("GET", "/emulator/stats", nil, 200, nil)
	e.srv.Reset()
	e.do("GET", "/api/v2/integrations/types", nil, 200, nil)

	for _, tt := range []struct {
		method, pattern string
		status, count   int
	}{
		{"GET", "/api/v2/integrations/" + c.ID, 500, 1}, // a path, not a pattern
		{"PATCH", "/api/v2/integrations", 500, 1},
		{"GET", "/emulator/stats", 500, 1},
		{"GET", "/api/v2/integrations", 302, 1},
		{"GET", "/api/v2/integrations", 500, 0},
	} {
		if err := e.srv.FailNext(tt.method, tt.pattern, tt.status, tt.count); err == nil {
			t.Errorf("FailNext(%q, %q, %d, %d) succeeded", tt.method, tt.pattern, tt.status, tt.count)
		}
	}
}

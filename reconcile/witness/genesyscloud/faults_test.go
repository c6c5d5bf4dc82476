package genesyscloud_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// outcome sends r and names what came back: the status, or "drop" when
// the connection closed without an answer.
func (e *env) outcome(r *http.Request) string {
	e.t.Helper()
	resp, err := e.client.Do(r)
	if err != nil {
		return "drop"
	}
	defer resp.Body.Close()
	return strconv.Itoa(resp.StatusCode)
}

// TestFaultsEveryRequest: at FaultRate 1 every /oauth/token and /api/v2
// request fails, with each of the three faults, and /emulator never does.
func TestFaultsEveryRequest(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{FaultRate: 1, Seed: 7})
	requests := []func() *http.Request{
		func() *http.Request { return tokenRequest(e.ts.URL, clientID, clientSecret, "client_credentials") },
		func() *http.Request { return e.request("GET", "/api/v2/integrations", nil) },
		func() *http.Request { return e.request("GET", "/api/v2/integrations/types", nil) },
		func() *http.Request {
			return e.request("POST", "/api/v2/integrations", `{"name":"x","integrationType":{"id":"custom-rest-actions"}}`)
		},
		func() *http.Request { return e.request("GET", "/api/v2/integrations/credentials/listing", nil) },
		func() *http.Request { return e.request("DELETE", "/api/v2/integrations/nope", nil) },
		func() *http.Request { return e.request("GET", "/api/v2/nope", nil) },
	}
	seen := map[string]int{}
	for n := range 10 {
		for k, req := range requests {
			o := e.outcome(req())
			if o != "500" && o != "503" && o != "drop" {
				t.Errorf("round %d request %d: %s, want 500, 503 or drop", n, k, o)
			}
			seen[o]++
		}
	}
	if seen["500"] == 0 || seen["503"] == 0 || seen["drop"] == 0 {
		t.Errorf("faults seen %v, want all three kinds", seen)
	}
	for range 20 {
		e.do("GET", "/emulator/stats", nil, 200, nil)
		e.do("POST", "/emulator/actions", `{"integrationId":"nope","name":"a"}`, 400, nil)
	}
	e.do("POST", "/emulator/reset", nil, 204, nil)
}

// TestLostResponse: at FaultRate 1 every POST fails, yet with a fixed seed
// some were applied; a fault-free emulator started from the state file
// lists exactly those.
func TestLostResponse(t *testing.T) {
	state := filepath.Join(t.TempDir(), "org.json")
	e := newEnv(t, genesyscloud.Options{FaultRate: 1, Seed: 1, StatePath: state})
	const posts = 12
	for n := range posts {
		body := fmt.Sprintf(`{"name":"lost-%d","integrationType":{"id":"custom-rest-actions"}}`, n)
		if o := e.outcome(e.request("POST", "/api/v2/integrations", body)); o == "200" {
			t.Fatalf("POST %d succeeded at FaultRate 1", n)
		}
	}
	applied := e.srv.Stats().Integrations
	if applied == 0 || applied == posts {
		t.Fatalf("%d of %d failed POSTs applied, want some but not all", applied, posts)
	}
	var stats genesyscloud.Stats
	e.do("GET", "/emulator/stats", nil, 200, &stats)
	if stats.Integrations != applied {
		t.Errorf("/emulator/stats says %d integrations, Stats %d", stats.Integrations, applied)
	}

	after := newEnv(t, genesyscloud.Options{StatePath: state})
	p := after.listIntegrations("?pageSize=100")
	if p.Total != applied {
		t.Fatalf("the listing shows %d integrations, want the %d applied", p.Total, applied)
	}
	for _, i := range p.Entities {
		if !strings.HasPrefix(i.Name, "lost-") || i.IntegrationType.ID != webServices {
			t.Errorf("unexpected integration %+v", i)
		}
	}
}

// faultSequence sends the same 40 requests and returns their outcomes.
func faultSequence(e *env) []string {
	var out []string
	for n := range 40 {
		var r *http.Request
		switch n % 4 {
		case 0:
			r = e.request("GET", "/api/v2/integrations/types", nil)
		case 1:
			r = e.request("POST", "/api/v2/integrations/credentials", credential("c", "userDefined", nil))
		case 2:
			r = e.request("GET", "/api/v2/integrations/credentials/listing", nil)
		case 3:
			r = tokenRequest(e.ts.URL, clientID, clientSecret, "client_credentials")
		}
		out = append(out, e.outcome(r))
	}
	return out
}

func TestFaultDeterminism(t *testing.T) {
	opts := genesyscloud.Options{FaultRate: 0.5, Seed: 42}
	a := newEnv(t, opts)
	first := faultSequence(a)
	if d := cmp.Diff(first, faultSequence(newEnv(t, opts))); d != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", d)
	}
	// Reset starts the faults over from the seed.
	a.srv.Reset()
	if d := cmp.Diff(first, faultSequence(a)); d != "" {
		t.Errorf("after Reset, different faults (-first +after):\n%s", d)
	}
	seen := map[string]bool{}
	for _, o := range first {
		seen[o] = true
	}
	for _, o := range []string{"200", "500", "503", "drop"} {
		if !seen[o] {
			t.Errorf("no %s in %v", o, first)
		}
	}
	opts.Seed = 43
	if cmp.Equal(first, faultSequence(newEnv(t, opts))) {
		t.Errorf("seeds 42 and 43 gave the same faults %v", first)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{RateLimit: 3})
	e.call(tokenRequest(e.ts.URL, clientID, clientSecret, "client_credentials"), 200, nil)
	e.do("GET", "/api/v2/integrations/types", nil, 200, nil)
	e.do("GET", "/api/v2/integrations", nil, 200, nil)
	for _, r := range []*http.Request{
		e.request("GET", "/api/v2/integrations/types", nil),
		tokenRequest(e.ts.URL, clientID, clientSecret, "client_credentials"),
	} {
		resp, err := e.client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("%s: status %d, want 429", r.URL.Path, resp.StatusCode)
		}
		// 3 a minute: a token every 20 s.
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 || s > 20 {
			t.Errorf("Retry-After %q, want whole seconds from 1 to 20", resp.Header.Get("Retry-After"))
		}
	}
	b := e.do("GET", "/api/v2/integrations", nil, 429, nil)
	errorBody(t, 429, b)
	for range 10 {
		e.do("GET", "/emulator/stats", nil, 200, nil)
	}
	if n := e.srv.Stats().Requests["GET /api/v2/integrations"]; n != 2 {
		t.Errorf("GET /api/v2/integrations counted %d times, want 2 (one limited)", n)
	}
}

// serveDirect answers r with srv outside any HTTP server, so that a test
// in a synctest bubble runs on the bubble's fake clock.
func serveDirect(srv *genesyscloud.Server, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

// TestLatency: every /oauth/token and /api/v2 answer waits Latency, even
// a 404; /emulator does not wait.
func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const latency = 30 * time.Second
		srv, err := genesyscloud.New(genesyscloud.Options{ClientID: clientID, ClientSecret: clientSecret, Latency: latency})
		if err != nil {
			t.Fatal(err)
		}
		bearer := func(path string) *http.Request {
			r := httptest.NewRequest("GET", path, nil)
			r.Header.Set("Authorization", "Bearer "+srv.Token())
			return r
		}
		for _, tt := range []struct {
			r    *http.Request
			want time.Duration
		}{
			{bearer("/api/v2/integrations/types"), latency},
			{bearer("/api/v2/nope"), latency},
			{tokenRequest("", clientID, clientSecret, "client_credentials"), latency},
			{httptest.NewRequest("GET", "/emulator/stats", nil), 0},
		} {
			start := time.Now()
			rec := serveDirect(srv, tt.r)
			if d := time.Since(start); d != tt.want {
				t.Errorf("%s answered %d in %v, want %v", tt.r.URL.Path, rec.Code, d, tt.want)
			}
		}
	})
}

// TestLatencyClientGone: a request whose client gave up stops waiting at
// once, and is not served.
func TestLatencyClientGone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, err := genesyscloud.New(genesyscloud.Options{ClientID: clientID, ClientSecret: clientSecret, Latency: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		r := httptest.NewRequestWithContext(ctx, "POST", "/api/v2/integrations/credentials",
			strings.NewReader(`{"name":"c","type":{"name":"userDefined"}}`))
		r.Header.Set("Authorization", "Bearer "+srv.Token())
		start := time.Now()
		serveDirect(srv, r)
		if d := time.Since(start); d != 50*time.Millisecond {
			t.Errorf("the server waited %v for a client gone after 50ms", d)
		}
		if n := srv.Stats().Credentials; n != 0 {
			t.Errorf("the request of a client gone was served: %d credentials", n)
		}
	})
}

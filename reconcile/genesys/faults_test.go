package genesys_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/genesys"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// interceptor answers in place of the emulator while Answer returns true.
type interceptor struct {
	mu     sync.Mutex
	seen   map[string]int // "METHOD path" → requests seen
	Answer func(w http.ResponseWriter, r *http.Request, n int) bool
}

func (i *interceptor) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i.mu.Lock()
		k := r.Method + " " + r.URL.Path
		i.seen[k]++
		n := i.seen[k]
		i.mu.Unlock()
		if i.Answer == nil || !i.Answer(w, r, n) {
			next.ServeHTTP(w, r)
		}
	})
}

// newIntercepted is newEnv with answer in front of the emulator.
func newIntercepted(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, n int) bool) (*env, *interceptor) {
	e := newEnv(t, genesyscloud.Options{})
	in := &interceptor{seen: map[string]int{}, Answer: answer}
	srv := httptest.NewServer(in.wrap(e.emu))
	t.Cleanup(srv.Close)
	e.url, e.opts.APIURL = srv.URL, srv.URL
	return e, in
}

func fail(w http.ResponseWriter, status int, msg string) bool {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"status": status, "message": msg})
	return true
}

func TestA401FetchesANewTokenOnce(t *testing.T) {
	e, in := newIntercepted(t, func(w http.ResponseWriter, r *http.Request, n int) bool {
		return r.URL.Path == "/api/v2/integrations/credentials/listing" && n == 1 && fail(w, 401, "token expired")
	})
	if _, err := e.reconcile(t, allVendors(1), plan.Options{}, false); err != nil {
		t.Fatalf("a single 401 was not recovered from: %v", err)
	}
	if n := in.seen["POST /oauth/token"]; n != 2 {
		t.Errorf("%d token requests, want 2 (the first, and one after the 401)", n)
	}

	e, _ = newIntercepted(t, func(w http.ResponseWriter, r *http.Request, n int) bool {
		return r.URL.Path == "/api/v2/integrations/credentials/listing" && fail(w, 401, "not allowed")
	})
	if _, err := e.reconcile(t, allVendors(1), plan.Options{}, false); err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("a lasting 401 = %v, want an error", err)
	}
}

func TestAVersionConflictIsReadAgain(t *testing.T) {
	for _, conflict := range []func(w http.ResponseWriter) bool{
		func(w http.ResponseWriter) bool { return fail(w, 409, "conflict") },
		func(w http.ResponseWriter) bool {
			return fail(w, 400, "The version supplied (1) does not match the current version (2)")
		},
	} {
		e, in := newIntercepted(t, func(w http.ResponseWriter, r *http.Request, n int) bool {
			return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/config/current") && n == 1 && conflict(w)
		})
		if _, err := e.reconcile(t, allVendors(1)[8:], plan.Options{}, false); err != nil {
			t.Fatalf("conflict not recovered from: %v", err)
		}
		var gets, puts int
		for k, n := range in.seen {
			switch {
			case strings.HasPrefix(k, "GET ") && strings.HasSuffix(k, "/config/current"):
				gets += n
			case strings.HasPrefix(k, "PUT ") && strings.HasSuffix(k, "/config/current"):
				puts += n
			}
		}
		if gets != 2 || puts != 2 {
			t.Errorf("%d configuration GETs and %d PUTs, want 2 and 2 (read again after the conflict)", gets, puts)
		}
		if p, _ := e.reconcile(t, allVendors(1)[8:], plan.Options{}, true); !p.Empty() {
			t.Errorf("not converged: %+v", p.Changes)
		}
	}
}

// TestRetryAfterIsHonoured: a 429 from the emulator is retried after its
// Retry-After, not before. It runs in a synctest bubble, the emulator in
// memory, so the wait costs no real time.
func TestRetryAfterIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newMemEnv(t, genesyscloud.Options{})
		in := &interceptor{seen: map[string]int{}, Answer: func(w http.ResponseWriter, r *http.Request, n int) bool {
			if r.URL.Path == "/api/v2/integrations/credentials/listing" && n == 1 {
				w.Header().Set("Retry-After", "30")
				return fail(w, 429, "slow down")
			}
			return false
		}}
		e.opts.Transport = inMemory{in.wrap(e.emu)}
		start := time.Now()
		if _, err := e.reconcile(t, allVendors(1)[:1], plan.Options{}, true); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited < 30*time.Second {
			t.Errorf("retried after %v, before the Retry-After of 30s", waited)
		}
		if n := in.seen["GET /api/v2/integrations/credentials/listing"]; n != 2 {
			t.Errorf("%d credential listings, want 2", n)
		}
	})
}

func TestAnAPIRefusalNamesTheIntegrationAndTheMessage(t *testing.T) {
	e, _ := newIntercepted(t, func(w http.ResponseWriter, r *http.Request, n int) bool {
		return r.Method == http.MethodPost && r.URL.Path == "/api/v2/integrations/credentials" && fail(w, 400, "baseUrl is not reachable")
	})
	_, err := e.reconcile(t, allVendors(1)[8:], plan.Options{}, false)
	for _, want := range []string{"Zendesk (zendesk)", "POST /api/v2/integrations/credentials", "HTTP 400", "baseUrl is not reachable"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to name %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "SECRET") {
		t.Errorf("the error holds a secret: %v", err)
	}
}

// TestARefusalQuotingTheSecretIsRedacted: a refusal that quotes a
// credential value sent is masked before it is cut short, so a long
// message cut within the value leaves no part of it.
func TestARefusalQuotingTheSecretIsRedacted(t *testing.T) {
	// The message's 200th character falls inside the 11 of the token
	// (zd-SECRET-1) for pads of 181 to 190.
	for _, pad := range []int{0, 181, 183, 185, 187, 190} {
		t.Run(fmt.Sprint("pad ", pad), func(t *testing.T) {
			e, _ := newIntercepted(t, func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.Method != http.MethodPost || r.URL.Path != "/api/v2/integrations/credentials" {
					return false
				}
				var body struct {
					CredentialFields map[string]string `json:"credentialFields"`
				}
				json.NewDecoder(r.Body).Decode(&body)
				return fail(w, 400, strings.Repeat("x", pad)+"apiToken "+body.CredentialFields["apiToken"]+" is malformed"+strings.Repeat(" really", 1000))
			})
			_, err := e.reconcile(t, allVendors(1)[8:], plan.Options{}, false)
			if err == nil || !strings.Contains(err.Error(), "apiToken (") {
				t.Fatalf("err = %v, want the echoed token masked", err)
			}
			if msg := err.Error(); strings.Contains(msg, "zd-S") || strings.Contains(msg, "SECRET") || len(msg) > 400 {
				t.Errorf("err = %s (%d bytes), want it short and without a part of the token", msg, len(msg))
			}
		})
	}
}

func TestAVendorTheOrgDoesNotOfferIsMissing(t *testing.T) {
	cat := genesyscloud.DefaultCatalog()
	cat.IntegrationTypes = slices.DeleteFunc(cat.IntegrationTypes, func(it genesyscloud.IntegrationType) bool {
		return it.ID == "zendesk-data-actions"
	})
	e := newEnv(t, genesyscloud.Options{Catalog: &cat})
	c, err := genesys.Open(ctx, e.opts, true)
	if err != nil {
		t.Fatal(err)
	}
	missing := c.Missing()
	if len(missing) != 1 || !strings.Contains(missing["zendesk"], "no integration type zendesk-data-actions") {
		t.Errorf("Missing() = %v", missing)
	}
}

// TestTheOrgsMaxInstancesIsTheLimit: a type whose maxInstances differs
// from the built-in limit is planned against the org's figure.
func TestTheOrgsMaxInstancesIsTheLimit(t *testing.T) {
	cat := genesyscloud.DefaultCatalog()
	for i := range cat.IntegrationTypes {
		if cat.IntegrationTypes[i].ID == "zendesk-data-actions" {
			cat.IntegrationTypes[i].MaxInstances = 1
		}
	}
	e := newEnv(t, genesyscloud.Options{Catalog: &cat})
	specs := allVendors(1)[8:] // Zendesk
	second := *specs[0]
	second.Name, second.File = "Zendesk 2", "j.yaml"
	_, err := e.reconcile(t, append(specs, &second), plan.Options{}, true)
	if err == nil || !strings.Contains(err.Error(), "the limit is 1") {
		t.Errorf("err = %v, want the org's limit of 1", err)
	}
}

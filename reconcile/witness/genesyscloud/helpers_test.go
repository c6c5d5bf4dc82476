package genesyscloud_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

const (
	clientID     = "test-client"
	clientSecret = "test-SECRET-client"
)

// env is an emulator behind an httptest server, and a token for it.
type env struct {
	t      *testing.T
	srv    *genesyscloud.Server
	ts     *httptest.Server
	client *http.Client
	token  string
}

// newEnv starts an emulator. Its token comes from POST /oauth/token when
// no fault or rate limit is set (so the stats count one such request),
// else from Server.Token.
func newEnv(t *testing.T, opts genesyscloud.Options) *env {
	t.Helper()
	if opts.ClientID == "" {
		opts.ClientID, opts.ClientSecret = clientID, clientSecret
	}
	srv, err := genesyscloud.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	// No keep-alive: a dropped connection is never retried by the
	// transport, so each call is one request to the emulator.
	e := &env{t: t, srv: srv, ts: ts, client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
	if opts.FaultRate == 0 && opts.RateLimit == 0 {
		e.token = e.fetchToken()
	} else {
		e.token = srv.Token()
	}
	return e
}

func (e *env) fetchToken() string {
	e.t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	e.call(tokenRequest(e.ts.URL, clientID, clientSecret, "client_credentials"), http.StatusOK, &tok)
	return tok.AccessToken
}

func tokenRequest(base, id, secret, grant string) *http.Request {
	r, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader(url.Values{"grant_type": {grant}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		r.SetBasicAuth(id, secret)
	}
	return r
}

// request makes a request with the env's token; body, if not nil, is sent
// as JSON (a string is sent as it is).
func (e *env) request(method, path string, body any) *http.Request {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	r, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+e.token)
	return r
}

// send sends r and returns the status and body; a transport error fails
// the test.
func (e *env) send(r *http.Request) (int, []byte) {
	e.t.Helper()
	resp, err := e.client.Do(r)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.Method, r.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read: %v", r.Method, r.URL.Path, err)
	}
	return resp.StatusCode, b
}

// call sends r, checks the status and decodes the body into out (if not nil).
func (e *env) call(r *http.Request, want int, out any) []byte {
	e.t.Helper()
	got, b := e.send(r)
	if got != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", r.Method, r.URL, got, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", r.Method, r.URL.Path, b, err)
		}
	}
	return b
}

// do is call with a request made by request.
func (e *env) do(method, path string, body any, want int, out any) []byte {
	e.t.Helper()
	return e.call(e.request(method, path, body), want, out)
}

// Integration type ids of the default catalogue, as the tests use them.
const (
	zendesk     = "zendesk-data-actions"
	webServices = "custom-rest-actions"
	imap        = "imap-server" // no maxInstances
)

func (e *env) createIntegration(name, typeID string) genesyscloud.Integration {
	e.t.Helper()
	var i genesyscloud.Integration
	e.do("POST", "/api/v2/integrations", map[string]any{"name": name, "integrationType": map[string]string{"id": typeID}}, 200, &i)
	return i
}

// credential is a credential POST or PUT body.
func credential(name, typ string, fields map[string]string) map[string]any {
	return map[string]any{"name": name, "type": map[string]string{"name": typ}, "credentialFields": fields}
}

func (e *env) createCredential(name, typ string, fields map[string]string) genesyscloud.CredentialInfo {
	e.t.Helper()
	var c genesyscloud.CredentialInfo
	e.do("POST", "/api/v2/integrations/credentials", credential(name, typ, fields), 200, &c)
	return c
}

// zendeskFields are valid fields of a zendeskApiToken credential.
func zendeskFields(token string) map[string]string {
	return map[string]string{"userEmail": "a@example.com", "baseUrl": "https://example.zendesk.com", "apiToken": token}
}

func (e *env) config(id string) genesyscloud.IntegrationConfiguration {
	e.t.Helper()
	var c genesyscloud.IntegrationConfiguration
	e.do("GET", "/api/v2/integrations/"+id+"/config/current", nil, 200, &c)
	return c
}

// putConfig sends a configuration PUT of c with the slots given as
// {id}, as a client does, and returns the answer.
func (e *env) putConfig(id string, c genesyscloud.IntegrationConfiguration, slots map[string]string, want int) []byte {
	e.t.Helper()
	refs := map[string]any{}
	for slot, cid := range slots {
		refs[slot] = map[string]string{"id": cid}
	}
	body := map[string]any{"name": c.Name, "version": c.Version, "notes": c.Notes,
		"properties": c.Properties, "advanced": c.Advanced, "credentials": refs}
	return e.do("PUT", "/api/v2/integrations/"+id+"/config/current", body, want, nil)
}

func (e *env) listIntegrations(query string) genesyscloud.IntegrationEntityListing {
	e.t.Helper()
	var p genesyscloud.IntegrationEntityListing
	e.do("GET", "/api/v2/integrations"+query, nil, 200, &p)
	return p
}

// errorBody checks b is an ErrorBody {message, code, status} whose status
// is the answer's, and returns its message. It decodes into a map, not
// the package's type, so that a wrong JSON name fails.
func errorBody(t *testing.T, status int, b []byte) string {
	t.Helper()
	var eb map[string]any
	if err := json.Unmarshal(b, &eb); err != nil {
		t.Fatalf("not an ErrorBody: %s", b)
	}
	msg, _ := eb["message"].(string)
	code, _ := eb["code"].(string)
	if eb["status"] != float64(status) || code == "" || msg == "" {
		t.Errorf("ErrorBody %s, want status %d, a code and a message", b, status)
	}
	return msg
}

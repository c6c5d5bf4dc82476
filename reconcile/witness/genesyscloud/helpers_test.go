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

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
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

func (e *env) createIntegration(name, typeID string) api.Integration {
	e.t.Helper()
	var i api.Integration
	e.do("POST", "/api/v2/integrations", map[string]any{"name": name, "integrationType": map[string]string{"id": typeID}}, 200, &i)
	return i
}

func (e *env) createCredential(name, typ string, fields map[string]string) api.CredentialInfo {
	e.t.Helper()
	var c api.CredentialInfo
	e.do("POST", "/api/v2/integrations/credentials", api.Credential{Name: name, Type: api.TypeName{Name: typ}, CredentialFields: fields}, 200, &c)
	return c
}

func (e *env) config(id string) api.Configuration {
	e.t.Helper()
	var c api.Configuration
	e.do("GET", "/api/v2/integrations/"+id+"/config/current", nil, 200, &c)
	return c
}

func (e *env) listIntegrations(query string) api.Page[api.Integration] {
	e.t.Helper()
	var p api.Page[api.Integration]
	e.do("GET", "/api/v2/integrations"+query, nil, 200, &p)
	return p
}

// errorBody decodes an ErrorBody and checks its status is the answer's.
func errorBody(t *testing.T, status int, b []byte) api.ErrorBody {
	t.Helper()
	var eb api.ErrorBody
	if err := json.Unmarshal(b, &eb); err != nil {
		t.Fatalf("not an ErrorBody: %s", b)
	}
	if eb.Status != status || eb.Code == "" || eb.Message == "" {
		t.Errorf("ErrorBody %+v, want status %d, a code and a message", eb, status)
	}
	return eb
}

package genesyscloud_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

func TestToken(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	tests := []struct {
		name              string
		id, secret, grant string
		method            string
		want              int
		oauthError        string // the RFC 6749 error code
	}{
		{name: "client credentials", id: clientID, secret: clientSecret, grant: "client_credentials", want: 200},
		{name: "wrong secret", id: clientID, secret: "nope", grant: "client_credentials", want: 401, oauthError: "invalid_client"},
		{name: "wrong id", id: "nope", secret: clientSecret, grant: "client_credentials", want: 401, oauthError: "invalid_client"},
		{name: "no basic auth", grant: "client_credentials", want: 401, oauthError: "invalid_client"},
		{name: "wrong grant", id: clientID, secret: clientSecret, grant: "password", want: 400, oauthError: "unsupported_grant_type"},
		{name: "no grant", id: clientID, secret: clientSecret, want: 400, oauthError: "invalid_request"},
		{name: "GET", id: clientID, secret: clientSecret, grant: "client_credentials", method: "GET", want: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tokenRequest(e.ts.URL, tt.id, tt.secret, tt.grant)
			if tt.method != "" {
				r.Method = tt.method
			}
			status, b := e.send(r)
			if status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, b)
			}
			if tt.oauthError != "" {
				var oe map[string]string
				if err := json.Unmarshal(b, &oe); err != nil || oe["error"] != tt.oauthError || oe["error_description"] == "" || len(oe) != 2 {
					t.Errorf("OAuth error %s, want error %q and an error_description only", b, tt.oauthError)
				}
				return
			}
			if status != 200 {
				errorBody(t, status, b)
				return
			}
			var tok struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				ExpiresIn   int    `json:"expires_in"`
			}
			if err := json.Unmarshal(b, &tok); err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken == "" || tok.TokenType != "bearer" || tok.ExpiresIn != 86400 {
				t.Errorf("token answer %s", b)
			}
			// The token opens /api/v2.
			r = e.request("GET", "/api/v2/integrations/types", nil)
			r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			e.call(r, 200, nil)
		})
	}
}

func TestAPINeedsToken(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	paths := []string{"/api/v2/integrations", "/api/v2/integrations/types", "/api/v2/integrations/credentials/listing", "/api/v2/nope"}
	headers := map[string]string{
		"none":         "",
		"wrong token":  "Bearer not-a-token",
		"empty bearer": "Bearer ",
		"basic":        "Basic dGVzdC1jbGllbnQ6dGVzdC1TRUNSRVQtY2xpZW50",
	}
	for name, h := range headers {
		for _, p := range paths {
			t.Run(name+p, func(t *testing.T) {
				r := e.request("GET", p, nil)
				r.Header.Del("Authorization")
				if h != "" {
					r.Header.Set("Authorization", h)
				}
				status, b := e.send(r)
				if status != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401: %s", status, b)
				}
				errorBody(t, status, b)
			})
		}
	}
	// Server.Token issues a token the API accepts.
	e.token = e.srv.Token()
	e.do("GET", "/api/v2/integrations", nil, 200, nil)
}

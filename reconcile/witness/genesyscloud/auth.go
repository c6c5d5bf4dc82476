package genesyscloud

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
	"time"
)

// tokenLifetime is how long an access token lasts, as in the API.
const tokenLifetime = 24 * time.Hour

// tokenAnswer is the body of a successful POST /oauth/token.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// oauthError is the body of a refused POST /oauth/token: the OAuth 2.0
// error response (RFC 6749 section 5.2), not an ErrorBody.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// tokens are the access tokens issued, with their expiry.
type tokens struct {
	mu     sync.Mutex
	expiry map[string]time.Time
}

func (t *tokens) issue() string {
	tok := rand.Text()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.expiry == nil {
		t.expiry = map[string]time.Time{}
	}
	t.expiry[tok] = time.Now().Add(tokenLifetime)
	return tok
}

func (t *tokens) valid(tok string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	exp, ok := t.expiry[tok]
	if ok && time.Now().After(exp) {
		delete(t.expiry, tok)
		return false
	}
	return ok
}

// oauthToken serves POST /oauth/token: client credentials in HTTP Basic.
func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request, _ string) {
	id, secret, ok := r.BasicAuth()
	if !ok || !equal(id, s.opts.ClientID) || !equal(secret, s.opts.ClientSecret) {
		w.Header().Set("WWW-Authenticate", `Basic realm="genesys-emulator"`)
		writeJSON(w, http.StatusUnauthorized, oauthError{"invalid_client", "the client id or secret is wrong"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "the body is not a form"})
		return
	}
	switch g := r.PostForm.Get("grant_type"); g {
	case "client_credentials":
	case "":
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "grant_type is missing"})
		return
	default:
		writeJSON(w, http.StatusBadRequest, oauthError{"unsupported_grant_type", "grant_type must be client_credentials"})
		return
	}
	writeJSON(w, http.StatusOK, tokenAnswer{AccessToken: s.tokens.issue(), TokenType: "bearer", ExpiresIn: int(tokenLifetime.Seconds())})
}

// authorized says whether r carries a valid bearer token.
func (s *Server) authorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "bearer") && s.tokens.valid(strings.TrimSpace(tok))
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

package genesys_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/genesys"
)

// These tests hold the client to a hostile or broken org (issue 16): it
// must end, within its bounds, with a short error that says what was
// wrong and never quotes a secret.

// TestAFailingTokenEndpointEndsWithinTheBudget: a token endpoint that
// refuses connections or answers 503 or 429 is retried, one warning a
// retry, until the retry budget (30 s by default) is spent, however many
// retries are left; a Retry-After past the budget ends it at once.
func TestAFailingTokenEndpointEndsWithinTheBudget(t *testing.T) {
	for _, tc := range []struct {
		name   string
		token  func(r *http.Request) (*http.Response, error)
		want   []string
		budget bool // the error names the budget
	}{
		{"refused", func(r *http.Request) (*http.Response, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		}, []string{"connection refused"}, true},
		{"503", func(r *http.Request) (*http.Response, error) {
			return answer(r, 503, `{"error":"temporarily_unavailable"}`), nil
		}, []string{"POST /oauth/token", "HTTP 503"}, true},
		{"503 with Retry-After", func(r *http.Request) (*http.Response, error) {
			return answer(r, 503, `{"error":"temporarily_unavailable"}`, "Retry-After", "5"), nil
		}, []string{"HTTP 503"}, true},
		{"429 with a Retry-After past the budget", func(r *http.Request) (*http.Response, error) {
			return answer(r, 429, `{}`, "Retry-After", "40"), nil
		}, []string{"HTTP 429", "asks to wait 40s", "past the retry budget of 30s"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tokens, calls := 0, 0
				rt := roundTrip(func(r *http.Request) (*http.Response, error) {
					if r.URL.Path == "/oauth/token" {
						tokens++
						return tc.token(r)
					}
					calls++
					return answer(r, 200, `{"entities":[],"pageCount":1}`), nil
				})
				var logs bytes.Buffer
				opts := offlineOptions(rt, slog.New(slog.NewTextHandler(&logs, nil)))
				opts.Backoff = func(int) time.Duration { return 10 * time.Second } // 8 retries: 80 s
				start := time.Now()
				_, err := genesys.Open(t.Context(), opts, true)
				elapsed := time.Since(start)
				if err == nil {
					t.Fatal("Open succeeded")
				}
				for _, want := range tc.want {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("err = %v, want %q", err, want)
					}
				}
				if tc.budget && !strings.Contains(err.Error(), "retry budget") {
					t.Errorf("err = %v, want the retry budget named", err)
				}
				if elapsed > 30*time.Second {
					t.Errorf("gave up after %s, past the budget of 30s", elapsed)
				}
				if calls != 0 {
					t.Errorf("%d API requests without a token", calls)
				}
				if warnings := strings.Count(logs.String(), "level=WARN"); warnings != tokens-1 {
					t.Errorf("%d warning lines for %d token requests, want one per retry:\n%s", warnings, tokens, logs.String())
				}
			})
		})
	}
}

// TestConcurrentRequestsShareOneTokenRequest: the observation's
// concurrent listings, finding the token expired, ask the token endpoint
// once between them, not once each.
func TestConcurrentRequestsShareOneTokenRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		tokens := 0
		rt := roundTrip(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == "/oauth/token" {
				mu.Lock()
				tokens++
				mu.Unlock()
				time.Sleep(time.Second) // a slow token endpoint: the listings meet there
				return answer(r, 200, `{"access_token":"t","token_type":"bearer","expires_in":3600}`), nil
			}
			if r.URL.Path == "/api/v2/integrations/credentials/types" {
				return answer(r, 200, `[]`), nil
			}
			return answer(r, 200, `{"entities":[],"pageCount":1}`), nil
		})
		c, err := genesys.Open(t.Context(), offlineOptions(rt, nil), true)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Hour) // the token expires
		if _, err := c.Observe(t.Context()); err != nil {
			t.Fatal(err)
		}
		if tokens != 2 {
			t.Errorf("%d token requests, want 2 (at Open, and one for the three listings)", tokens)
		}
	})
}

// TestA401ThenAFaultFetchesOneNewToken: after a 401 the client fetches
// one new token, and keeps it through the retries that follow.
func TestA401ThenAFaultFetchesOneNewToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tokens, tries := 0, 0
		rt := roundTrip(func(r *http.Request) (*http.Response, error) {
			switch r.URL.Path {
			case "/oauth/token":
				tokens++
				return answer(r, 200, fmt.Sprintf(`{"access_token":"t%d","token_type":"bearer","expires_in":3600}`, tokens)), nil
			case "/api/v2/integrations/types":
				tries++
				switch tries {
				case 1:
					return answer(r, 401, `{"message":"token expired"}`), nil
				case 2, 3:
					return answer(r, 503, `{"message":"busy"}`), nil
				}
			}
			return answer(r, 200, `{"entities":[],"pageCount":1}`), nil
		})
		if _, err := genesys.Open(t.Context(), offlineOptions(rt, nil), true); err != nil {
			t.Fatal(err)
		}
		if tokens != 2 {
			t.Errorf("%d token requests, want 2 (the first, and one after the 401)", tokens)
		}
	})
}

// listing is a fake org whose integration types are paged by typesPage
// and whose credentials by credentialsPage (after is the request's
// cursor); every other listing is empty. It counts the requests by path.
type listing struct {
	typesPage       func(n int) string
	credentialsPage func(after string) string

	mu   sync.Mutex
	seen map[string]int
}

func (l *listing) roundTrip() roundTrip {
	l.seen = map[string]int{}
	return tokenOK(func(r *http.Request) (*http.Response, error) {
		l.mu.Lock()
		l.seen[r.URL.Path]++
		l.mu.Unlock()
		q := r.URL.Query()
		switch r.URL.Path {
		case "/api/v2/integrations/types":
			if l.typesPage != nil {
				var n int
				fmt.Sscan(q.Get("pageNumber"), &n)
				return answer(r, 200, l.typesPage(n)), nil
			}
		case "/api/v2/integrations/credentials/types":
			return answer(r, 200, `[]`), nil
		case "/api/v2/integrations/credentials/listing":
			if l.credentialsPage != nil {
				return answer(r, 200, l.credentialsPage(q.Get("after"))), nil
			}
		}
		return answer(r, 200, `{"entities":[],"pageCount":1}`), nil
	})
}

// TestAnInconsistentListingStops: a paged listing whose pages contradict
// one another, or that never ends, stops with an error saying what was
// wrong at the first such page, rather than reading part of the org as
// all of it or reading forever.
func TestAnInconsistentListingStops(t *testing.T) {
	typ := func(n int) string { return fmt.Sprintf(`{"id":"type-%d","name":"Type %d"}`, n, n) }
	for _, tc := range []struct {
		name string
		page func(n int) string // the answer to pageNumber=n
		want string
		most int // pages asked for at most
	}{
		{"a page count that grows", func(n int) string {
			return fmt.Sprintf(`{"entities":[%s],"pageNumber":%d,"pageCount":%d}`, typ(n), n, n+1)
		}, "the page count grew from 2 to 3 at page 2", 2},
		{"a page number answered twice", func(n int) string {
			return fmt.Sprintf(`{"entities":[%s],"pageNumber":1,"pageCount":3}`, typ(1))
		}, "page 2 was answered as page 1", 2},
		{"a page repeated", func(n int) string {
			return fmt.Sprintf(`{"entities":[%s],"pageCount":3}`, typ(1))
		}, "page 2 repeats page 1", 2},
		{"an empty page before the last", func(n int) string {
			if n == 2 {
				return `{"entities":[],"pageNumber":2,"pageCount":3}`
			}
			return fmt.Sprintf(`{"entities":[%s],"pageNumber":%d,"pageCount":3}`, typ(n), n)
		}, "page 2 of 3 is empty", 2},
		{"more pages than the cap", func(n int) string {
			return fmt.Sprintf(`{"entities":[%s],"pageNumber":%d,"pageCount":1000000}`, typ(n), n)
		}, "the org counts 1000000 pages, more than the 1000 read at most", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &listing{typesPage: tc.page}
			_, err := genesys.Open(ctx, offlineOptions(l.roundTrip(), nil), true)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /api/v2/integrations/types") {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if n := l.seen["/api/v2/integrations/types"]; n > tc.most {
				t.Errorf("%d pages read, want at most %d", n, tc.most)
			}
		})
	}
}

// TestAnInconsistentCursorListingStops: the credential listing, paged by
// the after cursor of each page's nextUri, stops at a cursor seen before,
// an empty page that names a next one, a next page it cannot follow, a
// repeated page, or after 1000 pages.
func TestAnInconsistentCursorListingStops(t *testing.T) {
	page := func(entity, next string) string {
		var ents, uri string
		if entity != "" {
			ents = fmt.Sprintf(`{"id":"%s","name":"c %s","type":{"name":"basicAuth"}}`, entity, entity)
		}
		if next != "" {
			uri = fmt.Sprintf(`,"nextUri":"/api/v2/integrations/credentials/listing?after=%s&pageSize=200"`, url.QueryEscape(next))
		}
		return fmt.Sprintf(`{"entities":[%s]%s}`, ents, uri)
	}
	for _, tc := range []struct {
		name string
		page func(after string) string
		want string
		most int
	}{
		{"a cursor that repeats", func(after string) string {
			next := map[string]string{"": "A", "A": "B", "B": "A"}[after]
			return page("id-"+after, next)
		}, "page 3 leads back to cursor \"A\"", 3},
		{"an empty page before the last", func(after string) string {
			if after == "A" {
				return page("", "B")
			}
			return page("id-"+after, "A")
		}, "page 2 is empty yet names a next page", 2},
		{"a next page without a cursor", func(after string) string {
			return `{"entities":[{"id":"1","name":"c","type":{"name":"basicAuth"}}],"nextUri":"/api/v2/integrations/credentials/listing?before=x"}`
		}, "page 1 names a next page with no after cursor", 1},
		{"a page repeated", func(after string) string {
			return page("same", after+"x")
		}, "page 2 repeats page 1", 2},
		{"no end", func(after string) string {
			return page("id-"+after, after+"x")
		}, "more than 1000 pages", 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &listing{credentialsPage: tc.page}
			c, err := genesys.Open(ctx, offlineOptions(l.roundTrip(), nil), true)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Observe(ctx)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /api/v2/integrations/credentials/listing") {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if n := l.seen["/api/v2/integrations/credentials/listing"]; n > tc.most {
				t.Errorf("%d pages read, want at most %d", n, tc.most)
			}
		})
	}
}

// TestAnErrorAnswerIsOneShortLine: whatever the org answers in error, the
// error is one line: the request, the status, the API's error code and at
// most 200 characters of its message, with the client's id and secret
// masked however the org quotes them.
func TestAnErrorAnswerIsOneShortLine(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte(clientID + ":" + clientSecret))
	html := "<!DOCTYPE html>\n<html><body><h1>Bad Gateway</h1>" + strings.Repeat("<p>upstream said no</p>\n", 8000) + "</body></html>"
	long := strings.Repeat("very long ", 500)
	for _, tc := range []struct {
		name        string
		path        string
		status      int
		contentType string
		body        string
		want        []string
	}{
		{"a 200 KB HTML page", "/api/v2/integrations/types", 502, "text/html", html,
			[]string{"GET /api/v2/integrations/types", "HTTP 502: Bad Gateway"}},
		{"a long message", "/api/v2/integrations/types", 400, "application/json", `{"status":400,"code":"bad.request","message":"` + long + `"}`,
			[]string{"HTTP 400 bad.request: very long very long", "…"}},
		{"a message of several lines", "/api/v2/integrations/types", 400, "application/json", `{"code":"bad.request","message":"one\ntwo\r\n\tthree\u001b[31m four"}`,
			[]string{"HTTP 400 bad.request: one two three [31m four"}},
		{"a message quoting the client", "/api/v2/integrations/types", 403, "application/json", `{"code":"not.authorized","message":"` + clientID + `:` + clientSecret + ` (Basic ` + basic + `) may not"}`,
			[]string{"HTTP 403 not.authorized: (sensitive value):(sensitive value) (Basic (sensitive value)) may not"}},
		{"a token endpoint quoting the client", "/oauth/token", 503, "application/json", `{"error":"temporarily_unavailable","error_description":"` + long + clientID + `:` + clientSecret + `"}`,
			[]string{"POST /oauth/token: HTTP 503 temporarily_unavailable: very long"}},
		{"a token endpoint's HTML page", "/oauth/token", 502, "text/html", html,
			[]string{"POST /oauth/token: HTTP 502: Bad Gateway"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ok := tokenOK(func(r *http.Request) (*http.Response, error) {
					return answer(r, 200, `{"entities":[],"pageCount":1}`), nil
				})
				rt := roundTrip(func(r *http.Request) (*http.Response, error) {
					if r.URL.Path == tc.path {
						return answer(r, tc.status, tc.body, "Content-Type", tc.contentType), nil
					}
					return ok(r)
				})
				opts := offlineOptions(rt, nil)
				opts.Backoff = func(int) time.Duration { return time.Millisecond }
				_, err := genesys.Open(t.Context(), opts, true)
				if err == nil {
					t.Fatal("Open succeeded")
				}
				msg := err.Error()
				for _, want := range tc.want {
					if !strings.Contains(msg, want) {
						t.Errorf("the error lacks %q: %s", want, msg)
					}
				}
				if strings.ContainsAny(msg, "\n\r\t\x1b") {
					t.Errorf("the error is not one line: %q", msg)
				}
				if len(msg) > 400 {
					t.Errorf("the error is %d bytes long: %s", len(msg), msg)
				}
				for _, secret := range []string{clientSecret, clientSecret[:8], basic} {
					if strings.Contains(msg, secret) {
						t.Errorf("the error quotes %q: %s", secret, msg)
					}
				}
			})
		})
	}
}

// TestEndpointsRefuseUnsafeURLs: an API or token URL that holds a password
// is refused without quoting it, and so is plain http to any host but this
// machine's (the emulator's), which would carry the client secret in
// clear.
func TestEndpointsRefuseUnsafeURLs(t *testing.T) {
	for _, tc := range []struct {
		name             string
		apiURL, tokenURL string
		want             string // "" means accepted
	}{
		{"https", "https://api.example.com", "", ""},
		{"https with a token URL", "https://api.example.com/", "https://login.example.com/oauth/token", ""},
		{"http to 127.0.0.1", "http://127.0.0.1:8080", "", ""},
		{"http to ::1", "http://[::1]:8080", "", ""},
		{"http to localhost", "http://localhost:8080", "http://LocalHost:8080/oauth/token", ""},
		{"a password", "https://admin:hunter2-pass@api.example.com", "", "apiUrl https://api.example.com holds a user name or password"},
		{"a user", "https://admin@api.example.com", "", "holds a user name or password"},
		{"a password in the token URL", "https://api.example.com", "https://id:hunter2-pass@login.example.com/oauth/token", "tokenUrl https://login.example.com/oauth/token holds a user name or password"},
		{"a password that does not parse", "https://admin:hunter2 pass@api.example.com", "", "apiUrl is not a URL"},
		{"http to another host", "http://api.example.com", "", "apiUrl http://api.example.com is plain http to another machine"},
		{"http to a look-alike", "http://127.0.0.1.example.com", "", "plain http to another machine"},
		{"http for the token", "https://api.example.com", "http://login.example.com/oauth/token", "tokenUrl http://login.example.com/oauth/token is plain http"},
		{"not http", "ftp://api.example.com", "", "apiUrl ftp://api.example.com is not an http(s) URL"},
		{"no host", "https:///api", "", "is not an http(s) URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, token, err := genesys.Options{APIURL: tc.apiURL, TokenURL: tc.tokenURL}.Endpoints()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want == "" && (api == "" || token == ""):
				t.Errorf("endpoints %q and %q", api, token)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "admin")) {
				t.Errorf("the error quotes the user or password: %v", err)
			}
		})
	}
}

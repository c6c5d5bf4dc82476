package genesys_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/genesys"
)

// roundTrip is an http.RoundTripper made of a function: an org that is
// not there, or answers oddly, without a network.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func answer(r *http.Request, status int, body string, header ...string) *http.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: r}
}

// tokenOK answers the token endpoint; other requests go to next.
func tokenOK(next roundTrip) roundTrip {
	return func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/oauth/token" {
			return answer(r, 200, `{"access_token":"t","token_type":"bearer","expires_in":86400}`), nil
		}
		return next(r)
	}
}

func offlineOptions(rt http.RoundTripper, log *slog.Logger) genesys.Options {
	return genesys.Options{APIURL: "https://org.invalid", ClientID: clientID, ClientSecret: clientSecret,
		RequestsPerMinute: 1 << 20, Transport: rt, Log: log}
}

// TestNoAnswerIsRetriedWithinTheBudgetAndSaysSo: a refused connection is
// retried with a warning line per retry (what failed, the attempt, the
// next wait), and given up once the budget is spent, with an error that
// says so.
func TestNoAnswerIsRetriedWithinTheBudgetAndSaysSo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tries := 0
		refused := roundTrip(func(r *http.Request) (*http.Response, error) {
			tries++
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		})
		var logs bytes.Buffer
		opts := offlineOptions(refused, slog.New(slog.NewTextHandler(&logs, nil)))
		opts.RetryBudget = 20 * time.Second
		start := time.Now()
		_, err := genesys.Open(t.Context(), opts, true)
		elapsed := time.Since(start)
		if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "retry budget") {
			t.Fatalf("err = %v, want connection refused and the retry budget", err)
		}
		if elapsed > opts.RetryBudget {
			t.Errorf("gave up after %s, more than the budget %s", elapsed, opts.RetryBudget)
		}
		if tries < 4 {
			t.Errorf("%d tries in the budget, want several", tries)
		}
		warnings := strings.Count(logs.String(), "level=WARN")
		if warnings != tries-1 {
			t.Errorf("%d warning lines for %d tries, want one per retry:\n%s", warnings, tries, logs.String())
		}
		for _, want := range []string{"genesys request failed; retrying", "attempt=1", "retryIn=", "connection refused"} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("the warnings lack %q:\n%s", want, logs.String())
			}
		}
	})
}

// TestATimeoutIsRetried: one request that outlasts the client's timeout is
// tried again, not the end of the run.
func TestATimeoutIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		slow := 1
		rt := tokenOK(func(r *http.Request) (*http.Response, error) {
			if slow > 0 {
				slow--
				<-r.Context().Done() // never answers: the timeout ends it
				return nil, r.Context().Err()
			}
			return answer(r, 200, `{"entities":[],"pageCount":1}`), nil
		})
		opts := offlineOptions(rt, nil)
		opts.Timeout = 5 * time.Second
		if _, err := genesys.Open(t.Context(), opts, true); err != nil {
			t.Fatalf("a timed-out request was not retried: %v", err)
		}
	})
}

// TestARefusedLoginIsReportedAtOnce: a 400 or 401 from the token endpoint
// is not retried, and the error names the client id and the token
// endpoint but never the secret, even when the org quotes it, as it was
// sent or as the Basic authorization header carried it.
func TestARefusedLoginIsReportedAtOnce(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte(clientID + ":" + clientSecret))
	for _, tc := range []struct {
		name   string
		status int
		body   string
		code   string
	}{
		{"401 quoting id:secret", 401, `{"error":"invalid_client","error_description":"client ` + clientID + `:` + clientSecret + ` not found"}`, "invalid_client"},
		{"400 quoting the header", 400, `{"error":"unauthorized_client","error_description":"Authorization: Basic ` + basic + ` lacks the grant"}`, "unauthorized_client"},
		{"400 with the secret as the code", 400, `{"error":"` + clientSecret + `"}`, "(sensitive value)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tries := 0
			rt := roundTrip(func(r *http.Request) (*http.Response, error) {
				tries++
				return answer(r, tc.status, tc.body), nil
			})
			_, err := genesys.Open(ctx, offlineOptions(rt, nil), true)
			var le *genesys.LoginError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a LoginError", err)
			}
			if tries != 1 {
				t.Errorf("%d token requests, want 1", tries)
			}
			msg := err.Error()
			for _, want := range []string{`"` + clientID + `"`, "https://org.invalid/oauth/token", tc.code, "GENESYS_CLIENT_SECRET", fmt.Sprintf("HTTP %d", tc.status)} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error lacks %q: %s", want, msg)
				}
			}
			if strings.Contains(msg, clientSecret) || strings.Contains(msg, basic) {
				t.Errorf("the error quotes the secret: %s", msg)
			}
		})
	}
}

// TestAnUnboundedRetryAfterFailsAtOnce: a Retry-After past what the SDK
// honours (180 s), in seconds or as an HTTP date, from the API or the
// token endpoint, is not slept through: the request ends at once with an
// error naming the wait.
func TestAnUnboundedRetryAfterFailsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name       string
		path       string // the endpoint that answers 429
		retryAfter func() string
		want       string
	}{
		{"seconds", "/api/v2/integrations/types", func() string { return "999999" }, "asks to wait 277h46m39s"},
		{"just past the limit", "/api/v2/integrations/types", func() string { return "181" }, "asks to wait 3m1s"},
		{"an HTTP date", "/api/v2/integrations/types", func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }, "asks to wait 1h0m0s"},
		{"from the token endpoint", "/oauth/token", func() string { return "3600" }, "asks to wait 1h0m0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tries := 0
				rt := tokenOK(func(r *http.Request) (*http.Response, error) {
					return answer(r, 200, `{"entities":[],"pageCount":1}`), nil
				})
				limited := roundTrip(func(r *http.Request) (*http.Response, error) {
					if r.URL.Path == tc.path {
						tries++
						return answer(r, 429, `{"status":429,"code":"too.many.requests","message":"slow down"}`, "Retry-After", tc.retryAfter()), nil
					}
					return rt(r)
				})
				start := time.Now()
				_, err := genesys.Open(t.Context(), offlineOptions(limited, nil), true)
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "more than 3m0s") {
					t.Fatalf("err = %v, want the long Retry-After named (%s)", err, tc.want)
				}
				if waited := time.Since(start); waited > 0 {
					t.Errorf("waited %s before giving up", waited)
				}
				if tries != 1 {
					t.Errorf("%d tries, want 1", tries)
				}
			})
		})
	}
}

// TestRetryAfterIsHonouredUpToTheLimit: a Retry-After of up to 180 s, in
// seconds or as an HTTP date, is waited out exactly, and no wait is longer
// than 180 s, whatever the backoff says.
func TestRetryAfterIsHonouredUpToTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter func() string
		backoff    time.Duration
		want       time.Duration
	}{
		{"seconds at the limit", 429, func() string { return "180" }, time.Millisecond, 180 * time.Second},
		{"an HTTP date", 503, func() string { return time.Now().Add(42 * time.Second).UTC().Format(http.TimeFormat) }, time.Millisecond, 42 * time.Second},
		{"a date passed", 503, func() string { return time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat) }, 3 * time.Second, 3 * time.Second},
		{"a backoff past the limit", 503, func() string { return "" }, time.Hour, 180 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var at []time.Time
				rt := tokenOK(func(r *http.Request) (*http.Response, error) {
					if r.URL.Path == "/api/v2/integrations/types" {
						at = append(at, time.Now())
						if len(at) == 1 {
							return answer(r, tc.status, `{"message":"wait"}`, "Retry-After", tc.retryAfter()), nil
						}
					}
					return answer(r, 200, `{"entities":[],"pageCount":1}`), nil
				})
				opts := offlineOptions(rt, nil)
				opts.Backoff = func(int) time.Duration { return tc.backoff }
				if _, err := genesys.Open(t.Context(), opts, true); err != nil {
					t.Fatal(err)
				}
				if len(at) != 2 {
					t.Fatalf("%d tries, want 2", len(at))
				}
				if waited := at[1].Sub(at[0]); waited != tc.want {
					t.Errorf("retried after %s, want %s", waited, tc.want)
				}
			})
		})
	}
}

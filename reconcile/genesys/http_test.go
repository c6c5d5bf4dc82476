package genesys_test

import (
	"bytes"
	"errors"
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
	return genesys.Options{APIURL: "http://org.invalid", ClientID: clientID, ClientSecret: clientSecret,
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

// TestARefusedLoginIsReportedAtOnce: a 401 from the token endpoint is not
// retried, and the error names the client id and the token endpoint but
// never the secret, even when the org quotes it.
func TestARefusedLoginIsReportedAtOnce(t *testing.T) {
	tries := 0
	rt := roundTrip(func(r *http.Request) (*http.Response, error) {
		tries++
		return answer(r, 401, `{"error":"invalid_client","error_description":"client `+clientID+`:`+clientSecret+` not found"}`), nil
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
	for _, want := range []string{`"` + clientID + `"`, "http://org.invalid/oauth/token", "invalid_client", "GENESYS_CLIENT_SECRET"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, clientSecret) {
		t.Errorf("the error quotes the secret: %s", msg)
	}
}

// TestAnUnboundedRetryAfterFailsAtOnce: a Retry-After past what the SDK
// honours is not slept through.
func TestAnUnboundedRetryAfterFailsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := tokenOK(func(r *http.Request) (*http.Response, error) {
			return answer(r, 429, `{"status":429,"message":"slow down"}`, "Retry-After", "999999"), nil
		})
		start := time.Now()
		_, err := genesys.Open(t.Context(), offlineOptions(rt, nil), true)
		if err == nil || !strings.Contains(err.Error(), "asks to wait") {
			t.Fatalf("err = %v, want the long Retry-After named", err)
		}
		if waited := time.Since(start); waited > time.Minute {
			t.Errorf("waited %s", waited)
		}
	})
}

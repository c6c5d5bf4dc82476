package genesys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/time/rate"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// APIError is an answer other than 2xx.
type APIError struct {
	Method, Path string
	Status       int
	Message      string
	RetryAfter   time.Duration
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, msg)
}

// Transient says whether retrying may help: 429, 5xx, and no answer at
// all (refused, reset, DNS, TLS, a timeout). Only the caller's own
// cancellation is final; callers check their context as well.
func Transient(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	}
	var le *LoginError
	if errors.As(err, &le) {
		return false
	}
	return err != nil && !errors.Is(err, context.Canceled)
}

// LoginError is the token endpoint refusing the client: wrong id or
// secret, or a client without the client-credentials grant. It is never
// retried.
type LoginError struct {
	Status     int
	ClientID   string
	TokenURL   string
	OAuthError string // the RFC 6749 error code, e.g. invalid_client
	Reason     string // its description, cleaned of the secret
}

func (e *LoginError) Error() string {
	why := e.OAuthError
	if e.Reason != "" {
		why += ": " + e.Reason
	}
	if why == "" {
		why = http.StatusText(e.Status)
	}
	return fmt.Sprintf("the token endpoint %s refused client id %q (HTTP %d, %s): check GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and the region", e.TokenURL, e.ClientID, e.Status, why)
}

// maxRetryAfter is the longest Retry-After honoured (the SDK's own
// limit); a longer one fails the request at once.
const maxRetryAfter = 180 * time.Second

// transport sends requests: paced, authenticated, retried, counted.
type transport struct {
	base     string
	http     *http.Client
	oauth    *clientcredentials.Config
	clientID string
	login    string // the token URL
	limiter  *rate.Limiter
	retries  int
	budget   time.Duration // for requests that get no answer at all
	backoff  func(attempt int) time.Duration
	log      *slog.Logger

	mu       sync.Mutex
	token    *oauth2.Token
	requests map[string]int // "GET 200" → count
}

// maxBackoff caps the wait between two tries.
const maxBackoff = 30 * time.Second

// backoff is capped exponential backoff with full jitter: 0.2 s, 0.4 s, ...
func backoff(attempt int) time.Duration {
	d := min(maxBackoff, 200*time.Millisecond<<min(attempt, 8))
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

func (t *transport) count(method string, status int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	code := "error"
	if status > 0 {
		code = strconv.Itoa(status)
	}
	t.requests[method+" "+code]++
}

// Requests returns the count of requests by "METHOD CODE" (CODE is
// "error" when no answer came).
func (t *transport) Requests() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.requests))
	for k, v := range t.requests {
		out[k] = v
	}
	return out
}

// bearer returns an access token, asking the token endpoint once when
// there is none or refresh is set. Its faults are retried by do, with the
// request's, so retries never multiply.
func (t *transport) bearer(ctx context.Context, refresh bool) (string, error) {
	t.mu.Lock()
	tok := t.token
	t.mu.Unlock()
	if tok != nil && tok.Valid() && !refresh {
		return tok.AccessToken, nil
	}
	if err := t.limiter.Wait(ctx); err != nil {
		return "", err
	}
	tok, err := t.oauth.Token(context.WithValue(ctx, oauth2.HTTPClient, t.http))
	var re *oauth2.RetrieveError
	switch {
	case err == nil:
		t.count("POST", 200)
	case errors.As(err, &re) && re.Response != nil:
		status := re.Response.StatusCode
		t.count("POST", status)
		if status == http.StatusTooManyRequests || status >= 500 {
			ae := &APIError{Method: "POST", Path: "/oauth/token", Status: status, Message: t.clean(re.ErrorDescription)}
			ae.RetryAfter = retryAfter(re.Response.Header)
			return "", ae
		}
		return "", &LoginError{Status: status, ClientID: t.clientID, TokenURL: t.login,
			OAuthError: re.ErrorCode, Reason: t.clean(re.ErrorDescription)}
	default:
		t.count("POST", 0)
		return "", fmt.Errorf("get an access token from %s: %w", t.login, err)
	}
	t.mu.Lock()
	t.token = tok
	t.mu.Unlock()
	return tok.AccessToken, nil
}

// clean shortens an error text from the org and removes the client secret,
// should the org quote it.
func (t *transport) clean(s string) string {
	if secret := t.oauth.ClientSecret; len(secret) >= 4 {
		s = strings.ReplaceAll(s, secret, "(redacted)")
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return strings.TrimSpace(s)
}

func retryAfter(h http.Header) time.Duration {
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// do sends one request and decodes a 2xx answer into out. Idempotent
// requests are retried on transient faults; the others (POST) are tried
// once, so the caller can look at the org before trying again.
func (t *transport) do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	idempotent := method != http.MethodPost
	refreshed := false
	var first time.Time // of the first try that got no answer
	for attempt := 0; ; attempt++ {
		err := t.once(ctx, method, path, payload, out, refreshed)
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized && !refreshed {
			refreshed = true // one new token, then the answer stands
			continue
		}
		if err == nil || !Transient(err) || ctx.Err() != nil {
			return err
		}
		answered := errors.As(err, &ae)
		retryable := idempotent || (answered && ae.Status == http.StatusTooManyRequests) ||
			(answered && ae.Path == "/oauth/token") || errors.As(err, new(noToken))
		if !retryable {
			return err
		}
		wait := t.backoff(attempt)
		if answered && ae.RetryAfter > 0 {
			if ae.RetryAfter > maxRetryAfter {
				return fmt.Errorf("%w (the org asks to wait %s, more than %s)", err, ae.RetryAfter, maxRetryAfter)
			}
			wait = ae.RetryAfter
		}
		if answered {
			if attempt >= t.retries {
				return err
			}
		} else {
			if first.IsZero() {
				first = time.Now()
			}
			left := t.budget - time.Since(first)
			if left <= 0 {
				return fmt.Errorf("%w (no answer for %s, the retry budget)", err, t.budget.Round(time.Second))
			}
			wait = min(wait, left)
		}
		t.log.Warn("genesys request failed; retrying", "request", method+" "+path, "error", err.Error(), "attempt", attempt+1, "retryIn", wait.Round(time.Millisecond).String())
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// noToken marks a token request that got no answer: the request itself
// was not sent, so even a POST may be tried again.
type noToken struct{ err error }

func (e noToken) Error() string { return e.err.Error() }
func (e noToken) Unwrap() error { return e.err }

func (t *transport) once(ctx context.Context, method, path string, payload []byte, out any, refresh bool) error {
	token, err := t.bearer(ctx, refresh)
	if err != nil {
		var ae *APIError
		var le *LoginError
		if !errors.As(err, &ae) && !errors.As(err, &le) && ctx.Err() == nil {
			return noToken{err}
		}
		return err
	}
	if err := t.limiter.Wait(ctx); err != nil {
		return err
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.http.Do(req)
	if err != nil {
		t.count(method, 0)
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	t.count(method, resp.StatusCode)
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		ae := &APIError{Method: method, Path: path, Status: resp.StatusCode}
		var eb api.ErrorBody
		if json.Unmarshal(data, &eb) == nil {
			ae.Message = eb.Message
		}
		ae.RetryAfter = retryAfter(resp.Header)
		return ae
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

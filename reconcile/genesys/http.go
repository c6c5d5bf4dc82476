package genesys

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/time/rate"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// APIError is an answer other than 2xx, summarised: Code and Message are
// the API's (ErrorBody's), each one line of at most maxCode and
// maxMessage characters, with the client's id and secret and the
// credential values sent masked; an answer that is not an ErrorBody (an
// HTML page) leaves both empty.
type APIError struct {
	Method, Path string
	Status       int
	Code         string
	Message      string
	RetryAfter   time.Duration
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = cmp.Or(http.StatusText(e.Status), "no message")
	}
	status := fmt.Sprintf("HTTP %d", e.Status)
	if e.Code != "" {
		status += " " + e.Code
	}
	return fmt.Sprintf("%s %s: %s: %s", e.Method, e.Path, status, msg)
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
	OAuthError string // the RFC 6749 error code, e.g. invalid_client, summarised
	Reason     string // its description, summarised (see APIError)
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
// limit); a longer one fails the request at once. No wait between two
// tries is longer.
const maxRetryAfter = 180 * time.Second

// tokenPath is the Path of an APIError from the token endpoint.
const tokenPath = "/oauth/token"

// transport sends requests: paced, authenticated, retried, counted.
type transport struct {
	base     string
	http     *http.Client
	oauth    *clientcredentials.Config
	clientID string
	login    string // the token URL
	limiter  *rate.Limiter
	retries  int
	budget   time.Duration // for faults without an answer, and the token endpoint's
	backoff  func(attempt int) time.Duration
	log      *slog.Logger
	secrets  []string // the client's id and secret, as the org may quote them (clientForms)

	mu       sync.Mutex
	token    *oauth2.Token
	fetching *tokenFetch    // the token request under way, if any
	requests map[string]int // "GET 200" → count
}

// tokenFetch is one request to the token endpoint, which the callers of
// bearer that need a token meanwhile share.
type tokenFetch struct {
	done  chan struct{} // closed once the fields below are set
	token string
	err   error
	// abandoned says the fetcher's own context ended: err is not the
	// endpoint's answer, and a waiter asks again.
	abandoned bool
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

// bearer returns an access token other than stale (one the org has just
// refused), asking the token endpoint when there is none. Callers that
// need a token while one is being asked for wait for that answer rather
// than ask again; a fault is retried by each caller's do, with its
// request, so retries never multiply.
func (t *transport) bearer(ctx context.Context, stale string) (string, error) {
	for {
		t.mu.Lock()
		if tok := t.token; tok != nil && tok.Valid() && tok.AccessToken != stale {
			t.mu.Unlock()
			return tok.AccessToken, nil
		}
		f := t.fetching
		if f == nil {
			f = &tokenFetch{done: make(chan struct{})}
			t.fetching = f
			t.mu.Unlock()
			t.fetch(ctx, f)
			return f.token, f.err
		}
		t.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		if !f.abandoned {
			return f.token, f.err
		}
	}
}

// fetch asks the token endpoint for a token and shares the answer in f.
func (t *transport) fetch(ctx context.Context, f *tokenFetch) {
	tok, err := t.requestToken(ctx)
	t.mu.Lock()
	if err == nil {
		t.token, f.token = tok, tok.AccessToken
	}
	f.err, f.abandoned = err, ctx.Err() != nil
	t.fetching = nil
	t.mu.Unlock()
	close(f.done)
}

// requestToken sends one token request. A 429 or 5xx is an APIError (a
// fault, retried); any other refusal a LoginError (final).
func (t *transport) requestToken(ctx context.Context) (*oauth2.Token, error) {
	if err := t.limiter.Wait(ctx); err != nil {
		return nil, err
	}
	tok, err := t.oauth.Token(context.WithValue(ctx, oauth2.HTTPClient, t.http))
	var re *oauth2.RetrieveError
	switch {
	case err == nil:
		t.count("POST", 200)
		return tok, nil
	case errors.As(err, &re) && re.Response != nil:
		status := re.Response.StatusCode
		t.count("POST", status)
		code, reason := summarise(re.ErrorCode, maxCode, t.secrets), summarise(re.ErrorDescription, maxMessage, t.secrets)
		if status == http.StatusTooManyRequests || status >= 500 {
			return nil, &APIError{Method: "POST", Path: tokenPath, Status: status, Code: code, Message: reason,
				RetryAfter: retryAfter(re.Response.Header, time.Now())}
		}
		return nil, &LoginError{Status: status, ClientID: t.clientID, TokenURL: t.login, OAuthError: code, Reason: reason}
	default:
		t.count("POST", 0)
		return nil, fmt.Errorf("get an access token from %s: %w", t.login, err)
	}
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date
// (RFC 9110 section 10.2.3). Anything else, or a date passed, is 0: the
// backoff decides.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil {
		return time.Duration(min(s, 1<<32)) * time.Second // 136 years: past any limit, short of overflow
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// do sends one request and decodes a 2xx answer into out. Idempotent
// requests are retried on transient faults; the others (POST) are tried
// once, so the caller can look at the org before trying again. Faults
// with an answer are retried at most t.retries times; faults without one,
// and those of the token endpoint, for at most t.budget as well.
func (t *transport) do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	sent := sentSecrets(body)
	idempotent := method != http.MethodPost
	refreshed := false
	stale := ""         // the token the org refused with a 401
	var first time.Time // of the first fault counted against the budget
	for attempt := 0; ; attempt++ {
		used, err := t.once(ctx, method, path, payload, out, stale, sent)
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized && ae.Path != tokenPath && !refreshed {
			refreshed, stale = true, used // one new token, then the answer stands
			continue
		}
		if err == nil || !Transient(err) || ctx.Err() != nil {
			return err
		}
		answered := errors.As(err, &ae)
		tokenFault := (answered && ae.Path == tokenPath) || errors.As(err, new(noToken))
		retryable := idempotent || (answered && ae.Status == http.StatusTooManyRequests) || tokenFault
		if !retryable || (answered && attempt >= t.retries) {
			return err
		}
		wait := min(t.backoff(attempt), maxRetryAfter)
		if answered && ae.RetryAfter > 0 {
			if ae.RetryAfter > maxRetryAfter {
				return fmt.Errorf("%w (the org asks to wait %s, more than %s)", err, ae.RetryAfter.Round(time.Second), maxRetryAfter)
			}
			wait = ae.RetryAfter
		}
		if !answered || tokenFault {
			if first.IsZero() {
				first = time.Now()
			}
			left := t.budget - time.Since(first)
			switch {
			case left <= 0:
				return fmt.Errorf("%w (still failing after %s, the retry budget)", err, t.budget.Round(time.Second))
			case answered && ae.RetryAfter > left:
				return fmt.Errorf("%w (the org asks to wait %s, past the retry budget of %s)", err, ae.RetryAfter.Round(time.Second), t.budget.Round(time.Second))
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

// once sends one try of a request with a token other than stale, and
// returns the token it used. sent is the credential values the request
// carries, masked in an error.
func (t *transport) once(ctx context.Context, method, path string, payload []byte, out any, stale string, sent []string) (string, error) {
	token, err := t.bearer(ctx, stale)
	if err != nil {
		var ae *APIError
		var le *LoginError
		if !errors.As(err, &ae) && !errors.As(err, &le) && ctx.Err() == nil {
			return "", noToken{err}
		}
		return "", err
	}
	if err := t.limiter.Wait(ctx); err != nil {
		return token, err
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, rd)
	if err != nil {
		return token, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.http.Do(req)
	if err != nil {
		t.count(method, 0)
		return token, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	t.count(method, resp.StatusCode)
	if resp.StatusCode/100 != 2 {
		ae := &APIError{Method: method, Path: path, Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header, time.Now())}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		var eb api.ErrorBody
		if json.Unmarshal(data, &eb) == nil {
			secrets := slices.Concat(t.secrets, sent)
			ae.Code, ae.Message = summarise(eb.Code, maxCode, secrets), summarise(eb.Message, maxMessage, secrets)
		}
		return token, ae
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return token, fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if out == nil || len(data) == 0 {
		return token, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return token, fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return token, nil
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

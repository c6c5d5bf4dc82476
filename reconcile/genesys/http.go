package genesys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
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

// Transient says whether retrying may help: 429, 5xx, and no answer at all.
func Transient(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	}
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// transport sends requests: paced, authenticated, retried, counted.
type transport struct {
	base    string
	http    *http.Client
	oauth   *clientcredentials.Config
	limiter *rate.Limiter
	retries int
	backoff func(attempt int) time.Duration

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

func (t *transport) bearer(ctx context.Context, refresh bool) (string, error) {
	t.mu.Lock()
	tok := t.token
	t.mu.Unlock()
	if tok != nil && tok.Valid() && !refresh {
		return tok.AccessToken, nil
	}
	var err error
	for attempt := 0; ; attempt++ {
		if err := t.limiter.Wait(ctx); err != nil {
			return "", err
		}
		tok, err = t.oauth.Token(context.WithValue(ctx, oauth2.HTTPClient, t.http))
		status := 0
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			status = re.Response.StatusCode
		} else if err == nil {
			status = 200
		}
		t.count("POST", status)
		if err == nil {
			break
		}
		if (status != 0 && status != 429 && status < 500) || attempt >= t.retries {
			return "", fmt.Errorf("get an access token: %w", err)
		}
		if err := sleep(ctx, t.backoff(attempt)); err != nil {
			return "", err
		}
	}
	t.mu.Lock()
	t.token = tok
	t.mu.Unlock()
	return tok.AccessToken, nil
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
		retryable := idempotent || (errors.As(err, &ae) && ae.Status == http.StatusTooManyRequests)
		if !retryable || attempt >= t.retries {
			return err
		}
		wait := t.backoff(attempt)
		if errors.As(err, &ae) && ae.RetryAfter > 0 {
			wait = ae.RetryAfter
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func (t *transport) once(ctx context.Context, method, path string, payload []byte, out any, refresh bool) error {
	token, err := t.bearer(ctx, refresh)
	if err != nil {
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
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			ae.RetryAfter = time.Duration(s) * time.Second
		}
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

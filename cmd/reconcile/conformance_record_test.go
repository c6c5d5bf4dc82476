package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// exchange is one HTTP request reconcile made and the answer it got, as
// the recording proxy saw them.
type exchange struct {
	N      int    // 1-based, in the order the requests arrived
	Step   string // the scenario step
	Method string
	Path   string
	Query  string // raw
	// Authorization and ContentType are the request's headers of those
	// names (for the /oauth/token check).
	Authorization, ContentType string
	ReqBody                    []byte
	Status                     int // 0: no answer (Err says why)
	RespBody                   []byte
	Err                        string
}

func (e exchange) String() string {
	s := e.Method + " " + e.Path
	if e.Query != "" {
		s += "?" + e.Query
	}
	return s
}

// recorder is a reverse proxy in front of the emulator that records every
// /oauth/token and /api/v2 exchange.
type recorder struct {
	srv *httptest.Server

	mu        sync.Mutex
	step      string
	exchanges []*exchange
}

// newRecorder starts a recording proxy to target.
func newRecorder(t *testing.T, target string) *recorder {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		ex, _ := resp.Request.Context().Value(exchangeKey{}).(*exchange)
		if ex == nil {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		ex.Status, ex.RespBody = resp.StatusCode, body
		if err != nil {
			ex.Err = "reading the answer: " + err.Error()
		}
		rec.mu.Unlock()
		return nil
	}
	proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if ex, _ := r.Context().Value(exchangeKey{}).(*exchange); ex != nil {
			rec.mu.Lock()
			ex.Err = err.Error()
			rec.mu.Unlock()
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/token" && !strings.HasPrefix(r.URL.Path, "/api/v2/") && r.URL.Path != "/api/v2" {
			proxy.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		ex := &exchange{
			N: len(rec.exchanges) + 1, Step: rec.step, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Authorization: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), ReqBody: body,
		}
		rec.exchanges = append(rec.exchanges, ex)
		rec.mu.Unlock()
		proxy.ServeHTTP(w, r.WithContext(contextWith(r, ex)))
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

type exchangeKey struct{}

func contextWith(r *http.Request, ex *exchange) context.Context {
	return context.WithValue(r.Context(), exchangeKey{}, ex)
}

// setStep names the step the next exchanges belong to.
func (rec *recorder) setStep(s string) {
	rec.mu.Lock()
	rec.step = s
	rec.mu.Unlock()
}

// recorded returns a copy of every exchange so far.
func (rec *recorder) recorded() []exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := make([]exchange, len(rec.exchanges))
	for i, e := range rec.exchanges {
		out[i] = *e
	}
	return out
}

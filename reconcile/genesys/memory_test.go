package genesys_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/fingerprint"
	"github.com/reconcile-dev/reconcile/reconcile/genesys"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// inMemory is an http.RoundTripper that serves each request with h in
// the caller's goroutine, without a network: the emulator inside a
// testing/synctest bubble, where a listener cannot be, so that its
// Retry-After and the client's waits pass in fake time. A handler that
// aborts (the emulator dropping the connection) is a transport error, as
// a reset connection is.
type inMemory struct{ h http.Handler }

func (m inMemory) RoundTrip(r *http.Request) (resp *http.Response, err error) {
	if r.Body != nil {
		defer r.Body.Close()
	}
	defer func() {
		if p := recover(); p != nil {
			if p != http.ErrAbortHandler {
				panic(p)
			}
			resp, err = nil, errors.New("the emulator closed the connection")
		}
	}()
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	resp = rec.Result()
	resp.Request = r
	return resp, nil
}

// newMemEnv is newEnv reached in memory; call it inside the bubble, so
// that the emulator's clock is the bubble's. Its url is not served: use
// the emulator itself rather than env.call.
func newMemEnv(t testing.TB, eo genesyscloud.Options) *env {
	t.Helper()
	eo.ClientID, eo.ClientSecret = clientID, clientSecret
	emu, err := genesyscloud.New(eo)
	if err != nil {
		t.Fatal(err)
	}
	return &env{emu: emu, key: fingerprint.Derive(clientSecret), opts: genesys.Options{
		APIURL: "https://emulator.invalid", ClientID: clientID, ClientSecret: clientSecret, Transport: inMemory{emu},
		RequestsPerMinute: 1 << 20, Backoff: func(int) time.Duration { return time.Millisecond }}}
}

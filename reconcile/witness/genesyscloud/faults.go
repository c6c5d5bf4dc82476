package genesyscloud

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// faultKind is how a faulted request is answered.
type faultKind int

const (
	noFault   faultKind = iota
	fault500            // 500 with an ErrorBody
	fault503            // 503 with an ErrorBody
	faultDrop           // the connection closed without an answer
)

// fault is the draw for one request.
type fault struct {
	kind faultKind
	// after says, for a write, to apply it before failing: the lost
	// response.
	after bool
}

// faults draws the fault of each request from a source seeded by the
// seed. Every request takes exactly two draws, faulted or not, so the
// fault of the n-th request depends only on the seed and n.
type faults struct {
	rate float64
	seed int64

	mu  sync.Mutex
	rng *rand.Rand
}

func newFaults(rate float64, seed int64) *faults {
	f := &faults{rate: rate, seed: seed}
	f.reset()
	return f
}

// reset starts the sequence again from the seed.
func (f *faults) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rng = rand.New(rand.NewPCG(uint64(f.seed), 0x9e3779b97f4a7c15))
}

func (f *faults) draw() fault {
	f.mu.Lock()
	p, k := f.rng.Float64(), f.rng.IntN(6)
	f.mu.Unlock()
	if p >= f.rate {
		return fault{}
	}
	return fault{kind: faultKind(k%3) + fault500, after: k >= 3}
}

// answer fails the request as f says.
func (f fault) answer(w http.ResponseWriter) {
	switch f.kind {
	case fault500:
		writeErr(w, errorf(http.StatusInternalServerError, "emulated fault: internal server error"))
	case fault503:
		writeErr(w, errorf(http.StatusServiceUnavailable, "emulated fault: service unavailable"))
	case faultDrop:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			// HTTP/2 or a recorder: abort the response instead.
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
	}
}

// isWrite says whether a method changes the org.
func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// limiter is a token bucket holding a minute's worth of requests and
// refilled continuously: perMinute requests a minute, with bursts of up to
// perMinute. perMinute 0 means no limit.
type limiter struct {
	perMinute int
	now       func() time.Time

	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newLimiter(perMinute int) *limiter {
	l := &limiter{perMinute: perMinute, now: time.Now}
	l.reset()
	return l
}

// reset fills the bucket.
func (l *limiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens, l.last = float64(l.perMinute), l.now()
}

// take takes a token, or says in how many whole seconds (at least 1) one
// will be there.
func (l *limiter) take() (ok bool, retryAfter int) {
	if l.perMinute <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	perSecond := float64(l.perMinute) / 60
	l.tokens = min(float64(l.perMinute), l.tokens+now.Sub(l.last).Seconds()*perSecond)
	l.last = now
	if l.tokens >= 1 {
		l.tokens--
		return true, 0
	}
	return false, max(1, int(math.Ceil((1-l.tokens)/perSecond)))
}

// sleep waits d, or until ctx is done; it says whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// discard is a ResponseWriter that drops the answer: a write applied
// before a fault runs against it.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

package watch_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/watch"
)

// recorder is a reconcile function that records when it ran and fails
// while fail says so.
type recorder struct {
	mu   sync.Mutex
	runs []time.Duration // since start, in synctest's fake time
	t0   time.Time
	fail func(n int) bool
}

func (r *recorder) reconcile(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runs = append(r.runs, time.Since(r.t0))
	if r.fail != nil && r.fail(len(r.runs)) {
		return errors.New("boom")
	}
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.runs)
}

// times returns a copy of runs. The loop's goroutine appends to runs, and
// synctest.Wait is no synchronization the race detector sees, so the test
// never reads runs itself.
func (r *recorder) times() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.runs)
}

const debounce = 250 * time.Millisecond

func start(t *testing.T, r *recorder, opts watch.Options) (chan struct{}, context.CancelFunc, chan struct{}) {
	t.Helper()
	r.t0 = time.Now()
	changes := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		watch.Loop(ctx, changes, opts, r.reconcile)
		close(done)
	}()
	synctest.Wait()
	return changes, cancel, done
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

var noBackoff = func(n int) time.Duration { return time.Duration(n) * time.Second }

func TestOneChangeOneReconcileAfterTheDebounce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		changes, cancel, done := start(t, r, watch.Options{Debounce: debounce, Resync: time.Hour, Backoff: noBackoff})
		if r.count() != 1 {
			t.Fatalf("%d runs at start, want 1", r.count())
		}
		signal(changes)
		time.Sleep(debounce - time.Millisecond)
		synctest.Wait()
		if r.count() != 1 {
			t.Fatalf("ran before the debounce elapsed")
		}
		time.Sleep(2 * time.Millisecond)
		synctest.Wait()
		if r.count() != 2 {
			t.Fatalf("%d runs after the debounce, want 2", r.count())
		}
		cancel()
		<-done
	})
}

func TestABurstReconcilesAtMostTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		changes, cancel, done := start(t, r, watch.Options{Debounce: debounce, Resync: time.Hour, Backoff: noBackoff})
		for range 100 { // 100 writes, 10 ms apart: one second of churn
			signal(changes)
			time.Sleep(10 * time.Millisecond)
			synctest.Wait()
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if n := r.count() - 1; n < 1 || n > 2 {
			t.Errorf("%d reconciles for the burst, want 1 or 2", n)
		}
		cancel()
		<-done
	})
}

func TestConstantChurnStillReconcilesEveryTenPeriods(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		changes, cancel, done := start(t, r, watch.Options{Debounce: debounce, Resync: time.Hour, Backoff: noBackoff})
		for range 500 { // 10 s of a change every 20 ms: never quiet
			signal(changes)
			time.Sleep(20 * time.Millisecond)
			synctest.Wait()
		}
		// One reconcile per 10 debounce periods (2.5 s): 4 in 10 s.
		if n := r.count() - 1; n < 3 || n > 5 {
			t.Errorf("%d reconciles in 10 s of churn, want about 4 (runs at %v)", n, r.times())
		}
		cancel()
		<-done
	})
}

func TestFailuresAreRetriedWithBackoffThenResync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{fail: func(n int) bool { return n <= 3 }} // the first 3 runs fail
		_, cancel, done := start(t, r, watch.Options{Debounce: debounce, Resync: time.Minute, Backoff: noBackoff})
		time.Sleep(10 * time.Second)
		synctest.Wait()
		// Runs at 0 (fails), +1 s (fails), +2 s (fails), +3 s (succeeds).
		want := []time.Duration{0, time.Second, 3 * time.Second, 6 * time.Second}
		if diff := cmp.Diff(want, r.times()); diff != "" {
			t.Fatalf("runs (-want +got):\n%s", diff)
		}
		time.Sleep(time.Minute) // the resync, a minute after the last run
		synctest.Wait()
		if diff := cmp.Diff(append(want, 6*time.Second+time.Minute), r.times()); diff != "" {
			t.Errorf("runs, want a resync at 1m6s (-want +got):\n%s", diff)
		}
		cancel()
		<-done
	})
}

func TestCancelStopsTheLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{}
		changes, cancel, done := start(t, r, watch.Options{Debounce: debounce, Resync: time.Hour, Backoff: noBackoff})
		signal(changes)
		cancel()
		<-done // returns, with the pending change dropped
		if r.count() != 1 {
			t.Errorf("%d runs, want only the first", r.count())
		}
	})
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	for n := 1; n <= 20; n++ {
		base := min(5*time.Minute, time.Second<<min(n-1, 9))
		for range 50 {
			if d := watch.Backoff(n); d < base/2 || d >= base*3/2 {
				t.Fatalf("Backoff(%d) = %v, want in [%v, %v)", n, d, base/2, base*3/2)
			}
		}
	}
}

// TestZeroResyncMeansNoPeriodicResync: a zero Resync turns the periodic
// reconcile off; changes and retries still run.
func TestZeroResyncMeansNoPeriodicResync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{fail: func(n int) bool { return n == 2 }}
		changes, cancel, done := start(t, r, watch.Options{Debounce: debounce, Backoff: noBackoff})
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		if n := r.count(); n != 1 {
			t.Fatalf("%d runs in a day with no resync and no change, want 1", n)
		}
		signal(changes) // run 2 fails, run 3 is its retry a second later
		time.Sleep(debounce + time.Second)
		synctest.Wait()
		if n := r.count(); n != 3 {
			t.Errorf("%d runs after a change that failed once, want 3", n)
		}
		cancel()
		<-done
	})
}

// TestBackoffNeverExceedsItsCap: jitter included, no wait is longer than
// MaxBackoff, and each is at least half its step.
func TestBackoffNeverExceedsItsCap(t *testing.T) {
	for n := -1; n <= 70; n++ {
		step := min(watch.MaxBackoff, time.Second<<min(max(n, 1)-1, 9))
		for range 2000 {
			if d := watch.Backoff(n); d > watch.MaxBackoff || d < step/2 {
				t.Fatalf("Backoff(%d) = %v, want in [%v, %v]", n, d, step/2, watch.MaxBackoff)
			}
		}
	}
}

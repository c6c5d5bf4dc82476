package watch

import (
	"context"
	"math/rand/v2"
	"time"
)

// Options time the loop.
type Options struct {
	// Debounce is the quiet period after the last change before a
	// reconcile; a stream of changes still reconciles every MaxWaitFactor
	// periods.
	Debounce time.Duration
	// Resync is the period of full reconciles that correct drift; zero
	// (or less) means none.
	Resync time.Duration
	// Backoff is the wait before retry number n (from 1) after failures;
	// nil means Backoff.
	Backoff func(n int) time.Duration
}

// MaxWaitFactor bounds how long changes can postpone a reconcile, in
// debounce periods.
const MaxWaitFactor = 10

// MaxBackoff caps every wait of Backoff.
const MaxBackoff = 5 * time.Minute

// Backoff is capped exponential backoff with jitter: the n-th wait is
// drawn between 0.5 and 1.5 times 1 s, 2 s, 4 s, ..., and never exceeds
// MaxBackoff. n below 1 counts as 1.
func Backoff(n int) time.Duration {
	d := min(MaxBackoff, time.Second<<min(max(n, 1)-1, 9))
	lo, hi := d/2, min(MaxBackoff, d*3/2)
	return lo + time.Duration(rand.Int64N(int64(hi-lo)))
}

// Loop runs reconcile at start, then after each burst of signals on
// changes (trailing debounce, capped at MaxWaitFactor periods), at every
// resync, and after a failure with growing backoff, until ctx is done. A
// reconcile is never run twice at once. It returns when ctx is done and
// the reconcile in progress, given ctx, has returned.
func Loop(ctx context.Context, changes <-chan struct{}, opts Options, reconcile func(context.Context) error) {
	backoff := opts.Backoff
	if backoff == nil {
		backoff = Backoff
	}
	var (
		failures int
		quiet    = stopped() // fires Debounce after the last change
		maxWait  = stopped() // fires MaxWaitFactor periods after the first
		retry    = stopped()
		waiting  bool
		resync   = stopped() // fires Resync after each run, if positive
	)
	defer resync.Stop()
	run := func() {
		quiet.Stop()
		maxWait.Stop()
		retry.Stop()
		waiting = false
		if ctx.Err() != nil {
			return
		}
		if err := reconcile(ctx); err != nil {
			failures++
			retry.Reset(backoff(failures))
		} else {
			failures = 0
		}
		if opts.Resync > 0 {
			resync.Reset(opts.Resync)
		}
	}
	run()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-changes:
			if !ok {
				changes = nil
				continue
			}
			quiet.Reset(opts.Debounce)
			if !waiting {
				waiting = true
				maxWait.Reset(MaxWaitFactor * opts.Debounce)
			}
		case <-quiet.C:
			run()
		case <-maxWait.C:
			run()
		case <-retry.C:
			run()
		case <-resync.C:
			run()
		}
	}
}

func stopped() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

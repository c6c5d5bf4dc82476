package main

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
)

func TestProgress(t *testing.T) {
	clock := time.Unix(0, 0)
	var tty, logs bytes.Buffer
	for _, p := range []*progress{
		{w: &tty, tty: true, log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		{w: io.Discard, log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))},
	} {
		p.now = func() time.Time { return clock }
		p.planned(plan.Plan{Changes: make([]plan.Change, 20)})
		for range 20 {
			clock = clock.Add(500 * time.Millisecond)
			p.step(plan.Change{}, nil)
		}
	}
	if got := tty.String(); !strings.Contains(got, "\rapplying 10/20  2.0/s  ETA 5s ") || !strings.HasSuffix(got, "\rapplying 20/20  2.0/s  ETA 0s \n") {
		t.Errorf("terminal progress = %q", got)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 10 || lines[9] != `level=INFO msg=applying done=20 total=20 perSecond=2.0 eta=0s` {
		t.Errorf("%d log lines, last %q; want 10, one each tenth of the way", len(lines), lines[len(lines)-1])
	}

	var small bytes.Buffer
	p := &progress{w: &small, tty: true, now: time.Now}
	p.planned(plan.Plan{Changes: make([]plan.Change, progressFrom-1)})
	for range progressFrom - 1 {
		p.step(plan.Change{}, nil)
	}
	if small.Len() != 0 {
		t.Errorf("a small apply showed progress: %q", small.String())
	}
}

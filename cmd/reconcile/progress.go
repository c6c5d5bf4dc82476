package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
)

// progressFrom is the number of changes from which an apply shows
// progress.
const progressFrom = 4

// progress reports an apply as it goes: a line rewritten in place on a
// terminal (n/total, rate, ETA), else a log line every tenth of the way.
type progress struct {
	w     io.Writer
	tty   bool
	log   *slog.Logger
	now   func() time.Time
	total int
	done  int
	start time.Time
}

func newProgress(stderr io.Writer, log *slog.Logger) *progress {
	f, ok := stderr.(*os.File)
	return &progress{w: stderr, tty: ok && term.IsTerminal(int(f.Fd())), log: log, now: time.Now}
}

// planned starts a new apply of p.
func (p *progress) planned(pl plan.Plan) {
	p.total, p.done, p.start = len(pl.Changes), 0, p.now()
}

// step records one change carried out.
func (p *progress) step(plan.Change, error) {
	p.done++
	if p.total < progressFrom {
		return
	}
	elapsed := p.now().Sub(p.start)
	rate := float64(p.done) / max(elapsed.Seconds(), 1e-9)
	eta := time.Duration(float64(p.total-p.done) / rate * float64(time.Second)).Round(time.Second)
	if p.tty {
		fmt.Fprintf(p.w, "\rapplying %d/%d  %.1f/s  ETA %s ", p.done, p.total, rate, eta)
		if p.done == p.total {
			fmt.Fprintln(p.w)
		}
		return
	}
	if step := max(1, p.total/10); p.done%step == 0 || p.done == p.total {
		p.log.Info("applying", "done", p.done, "total", p.total, "perSecond", fmt.Sprintf("%.1f", rate), "eta", eta)
	}
}

package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
)

// progressFrom is the number of changes from which an apply shows
// progress.
const progressFrom = 4

// clearLine returns the cursor to column 0 and erases the line.
const clearLine = "\r\x1b[K"

// progress reports an apply as it goes: a line rewritten in place on a
// terminal (n/total, rate, ETA), else a log line every tenth of the way.
// Output written through Writer first clears the drawn line, so it starts
// at column 0; the next step draws the line again.
type progress struct {
	w   io.Writer        // stderr; the line is drawn there only if tty
	tty bool             // w is a terminal
	now func() time.Time // the clock

	mu    sync.Mutex   // guards what follows and serializes writes to w
	log   *slog.Logger // where a non-terminal apply reports; nil: nowhere
	total int
	done  int
	start time.Time
	drawn int // visible width of the line drawn on w; 0: none is
}

// newProgress reports on stderr, drawn if it is a terminal that knows
// \x1b[K (TERM is not dumb), else logged to log. log may be nil and set
// later with SetLog, so that the logger can write through Writer.
func newProgress(stderr io.Writer, log *slog.Logger) *progress {
	tty := isTerminal(stderr) && os.Getenv("TERM") != "dumb"
	return &progress{w: stderr, tty: tty, log: log, now: time.Now}
}

// SetLog sets the logger a non-terminal apply reports to.
func (p *progress) SetLog(log *slog.Logger) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = log
}

// Writer returns a writer to w that first clears the progress line, if one
// is drawn. Write whole lines through it: a step may draw between writes.
func (p *progress) Writer(w io.Writer) io.Writer { return &clearingWriter{p: p, w: w} }

type clearingWriter struct {
	p *progress
	w io.Writer
}

func (c *clearingWriter) Write(b []byte) (int, error) {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	c.p.clear()
	return c.w.Write(b)
}

// planned starts a new apply of pl.
func (p *progress) planned(pl plan.Plan) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.done, p.start = len(pl.Changes), 0, p.now()
}

// step records one change carried out.
func (p *progress) step(plan.Change, error) {
	p.mu.Lock()
	p.done++
	done, total := p.done, p.total
	if total < progressFrom {
		p.mu.Unlock()
		return
	}
	elapsed := p.now().Sub(p.start)
	rate := float64(done) / max(elapsed.Seconds(), 1e-9)
	eta := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
	if p.tty {
		defer p.mu.Unlock()
		line := fmt.Sprintf("applying %d/%d  %.1f/s  ETA %s ", done, total, rate, eta)
		// Spaces cover what shows of a longer line drawn before.
		fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", max(0, p.drawn-len(line))))
		p.drawn = max(p.drawn, len(strings.TrimRight(line, " ")))
		if done == total {
			fmt.Fprintln(p.w) // the last line stays
			p.drawn = 0
		}
		return
	}
	log := p.log
	p.mu.Unlock() // the logger may write through Writer
	if step := max(1, total/10); log != nil && (done%step == 0 || done == total) {
		log.Info("applying", "done", done, "total", total, "perSecond", fmt.Sprintf("%.1f", rate), "eta", eta.String())
	}
}

// finish clears the progress line, if one is drawn: call it once the
// apply is over.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

// clear erases the drawn line; p.mu must be held.
func (p *progress) clear() {
	if p.drawn > 0 {
		io.WriteString(p.w, clearLine)
		p.drawn = 0
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/term"
)

// signalNames names the signals that interrupt reconcile, for the cause of
// the cancelled context.
var signalNames = map[os.Signal]string{os.Interrupt: "SIGINT", syscall.SIGTERM: "SIGTERM"}

// interruptible returns a context cancelled by the first SIGINT or SIGTERM,
// its cause naming the signal ("interrupted by SIGTERM"). That first signal
// also restores the default disposition, so a second one kills the process
// at once. stop releases the signals and cancels ctx; call it when done.
func interruptible(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch) // before cancel: whoever sees ctx done can be killed by a second signal
			cancel(errors.New("interrupted by " + signalNames[s]))
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(nil)
		})
	}
}

// isTerminal reports whether f is an *os.File open on a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && file != nil && term.IsTerminal(int(file.Fd()))
}

// maxAnswer bounds the answer confirm keeps; a longer one cannot be "yes".
const maxAnswer = 1 << 10

// confirm asks on out whether to apply n changes and reads one line from
// in: only "yes", spaces around it aside, approves. Any other answer, or
// end of input, declines without error. It reads one byte at a time, so
// nothing after the line is consumed.
func confirm(in io.Reader, out io.Writer, n int) (bool, error) {
	if _, err := fmt.Fprintf(out, "Apply these %d changes? Only 'yes' is accepted: ", n); err != nil {
		return false, fmt.Errorf("ask for approval: %w", err)
	}
	var line []byte
	b := make([]byte, 1)
	for {
		k, err := in.Read(b)
		if k == 1 {
			if b[0] == '\n' {
				break
			}
			if len(line) <= maxAnswer {
				line = append(line, b[0])
			}
		}
		if errors.Is(err, io.EOF) {
			break // a last line without newline still counts
		}
		if err != nil {
			return false, fmt.Errorf("read the approval: %w", err)
		}
	}
	return len(line) <= maxAnswer && strings.TrimSpace(string(line)) == "yes", nil
}

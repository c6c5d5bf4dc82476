package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/iotest"
	"time"

	"github.com/creack/pty"
	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
)

// screen returns the lines a terminal shows after out, trailing spaces
// cut: it moves the cursor on \r and \n, erases to the end of the line on
// \x1b[K, and writes anything else over what is under the cursor.
func screen(t *testing.T, out string) []string {
	t.Helper()
	lines, col := []string{""}, 0
	for i := 0; i < len(out); i++ {
		cur := &lines[len(lines)-1]
		switch c := out[i]; {
		case c == '\r':
			col = 0
		case c == '\n':
			lines, col = append(lines, ""), 0
		case strings.HasPrefix(out[i:], "\x1b[K"):
			*cur = (*cur)[:min(col, len(*cur))]
			i += len("\x1b[K") - 1
		case c == '\x1b' || c < ' ':
			t.Fatalf("screen: unexpected control byte %q at %d in %q", c, i, out)
		default:
			*cur += strings.Repeat(" ", max(0, col-len(*cur)))
			*cur = (*cur)[:col] + string(c) + (*cur)[min(col+1, len(*cur)):]
			col++
		}
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return lines
}

func TestScreen(t *testing.T) {
	got := screen(t, "abcdef\rxy\nlong line\r\x1b[Kshort\nkeep\x1b[K\rab")
	if diff := cmp.Diff([]string{"xycdef", "short", "abep"}, got); diff != "" {
		t.Errorf("screen (-want +got):\n%s", diff)
	}
}

// fakeClock returns a clock that moves by 500ms each time it is read
// after the first: an apply of one change a second read.
func fakeClock() func() time.Time {
	var mu sync.Mutex
	now, started := time.Unix(0, 0), false
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if started {
			now = now.Add(500 * time.Millisecond)
		}
		started = true
		return now
	}
}

// quietLog logs to w at every level, without time.
func quietLog(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
}

// TestProgressOnTerminal has stdout and stderr share one terminal, as a
// user sees them, and checks that no output runs into the progress line.
func TestProgressOnTerminal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		applied int // of 10 changes, the rest cut short by an error
		want    []string
	}{
		{"complete", 10, []string{
			"applied: c1", "applied: c2", "applied: c3", "applied: c4", "applied: c5",
			"applied: c6", "applied: c7", "applied: c8", "applied: c9", "applied: c10",
			"applying 10/10  2.0/s  ETA 0s", "Apply complete.", "",
		}},
		{"cut short", 6, []string{
			"applied: c1", "applied: c2", "applied: c3", "applied: c4", "applied: c5", "applied: c6",
			`level=ERROR msg="apply stopped"`, "Apply failed.", "",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var term bytes.Buffer // stdout and stderr both
			p := &progress{w: &term, tty: true, now: fakeClock()}
			stdout := p.Writer(&term)
			log := quietLog(p.Writer(&term))
			p.SetLog(log)

			p.planned(plan.Plan{Changes: make([]plan.Change, 10)})
			for i := range tc.applied {
				fmt.Fprintf(stdout, "applied: c%d\n", i+1)
				p.step(plan.Change{}, nil)
			}
			if tc.applied < 10 {
				p.finish()
				if !strings.HasSuffix(term.String(), "ETA 2s \r\x1b[K") {
					t.Fatalf("finish did not clear the progress line: %q", term.String())
				}
				log.Error("apply stopped")
				fmt.Fprintln(stdout, "Apply failed.")
			} else {
				p.finish()
				fmt.Fprintln(stdout, "Apply complete.")
			}

			out := term.String()
			if !strings.Contains(out, "ETA 5s \r\x1b[Kapplied: c2\n") {
				t.Errorf("the second applied line is not preceded by a clear: %q", out)
			}
			if diff := cmp.Diff(tc.want, screen(t, out)); diff != "" {
				t.Errorf("screen (-want +got):\n%s\nraw: %q", diff, out)
			}
		})
	}
}

// TestProgressNotTerminal checks that without a terminal progress is
// logged, through Writer without deadlock, and never drawn.
func TestProgressNotTerminal(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, nil)
	if p.tty {
		t.Fatal("a bytes.Buffer taken for a terminal")
	}
	p.now = fakeClock()
	stdout := p.Writer(&out)
	p.SetLog(quietLog(p.Writer(&out)))
	p.planned(plan.Plan{Changes: make([]plan.Change, 20)})
	for i := range 20 {
		fmt.Fprintf(stdout, "applied: c%d\n", i+1)
		p.step(plan.Change{}, nil)
	}
	p.finish()
	if got := out.String(); strings.ContainsAny(got, "\r\x1b") {
		t.Errorf("control bytes written without a terminal: %q", got)
	}
	if n := strings.Count(out.String(), "msg=applying"); n != 10 {
		t.Errorf("%d progress log lines, want 10:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "applied: c20\nlevel=INFO msg=applying done=20 total=20 perSecond=2.0 eta=0s\n") {
		t.Errorf("no closing progress line:\n%s", out.String())
	}
}

// TestProgressConcurrent steps while other goroutines write lines, as
// log lines from elsewhere do; run it with -race.
func TestProgressConcurrent(t *testing.T) {
	const writers, lines, changes = 4, 50, 200
	var term bytes.Buffer
	p := &progress{w: &term, tty: true, now: time.Now}
	p.planned(plan.Plan{Changes: make([]plan.Change, changes)})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			out := p.Writer(&term)
			for i := range lines {
				fmt.Fprintf(out, "writer %d line %d\n", w, i)
			}
		})
	}
	wg.Go(func() {
		for range changes {
			p.step(plan.Change{}, nil)
		}
	})
	wg.Wait()
	p.finish()

	written := 0
	for _, l := range screen(t, term.String()) {
		switch {
		case strings.HasPrefix(l, "writer "):
			var w, i int
			if n, err := fmt.Sscanf(l, "writer %d line %d", &w, &i); n != 2 || err != nil || l != fmt.Sprintf("writer %d line %d", w, i) {
				t.Errorf("garbled line %q", l)
			}
			written++
		case strings.HasPrefix(l, "applying "+fmt.Sprint(changes)+"/"), l == "":
		default:
			t.Errorf("garbled line %q", l)
		}
	}
	if written != writers*lines {
		t.Errorf("%d lines on screen, want %d", written, writers*lines)
	}
}

func TestConfirm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
		rest string // left unread in the input
	}{
		{"yes\n", true, ""},
		{"yes\r\n", true, ""},
		{" yes \n", true, ""},
		{"yes", true, ""}, // a last line without newline
		{"yes\nlater input", true, "later input"},
		{"y\n", false, ""},
		{"YES\n", false, ""},
		{"no\n", false, ""},
		{"no\nyes\n", false, "yes\n"},
		{"\n", false, ""},
		{"", false, ""}, // end of input
		{strings.Repeat(" ", maxAnswer) + "yes\n", false, ""},
	} {
		in := strings.NewReader(tc.in)
		var out bytes.Buffer
		got, err := confirm(in, &out, 3)
		if err != nil || got != tc.want {
			t.Errorf("confirm(%q) = %v, %v; want %v, nil", tc.in, got, err, tc.want)
		}
		if rest, _ := io.ReadAll(in); string(rest) != tc.rest {
			t.Errorf("confirm(%q) left %q unread, want %q", tc.in, rest, tc.rest)
		}
		if want := "Apply these 3 changes? Only 'yes' is accepted: "; out.String() != want {
			t.Errorf("confirm(%q) asked %q, want %q", tc.in, out.String(), want)
		}
	}

	boom := errors.New("boom")
	if ok, err := confirm(iotest.ErrReader(boom), io.Discard, 1); ok || !errors.Is(err, boom) {
		t.Errorf("confirm on a failing reader = %v, %v; want false, %v", ok, err, boom)
	}
}

// runOnPTY runs cmd with its stdin, stdout and stderr on one new pty,
// types answer and a newline once the output asks "Only 'yes' is
// accepted:", and returns all the output (with the pty's \r\n and echo)
// and cmd's exit error. The process is killed if it is not done in
// hangGuard.
func runOnPTY(t *testing.T, cmd *exec.Cmd, answer string) (output string, err error) {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		return "", err
	}
	defer master.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true} // the pty is its terminal
	err = cmd.Start()
	tty.Close() // the child holds its own copies
	if err != nil {
		return "", err
	}
	guard := time.AfterFunc(hangGuard, func() { cmd.Process.Kill() })
	defer guard.Stop()

	var out bytes.Buffer
	asked := false
	buf := make([]byte, 4096)
	for {
		n, rerr := master.Read(buf)
		out.Write(buf[:n])
		if !asked && strings.Contains(out.String(), "Only 'yes' is accepted:") {
			asked = true
			if _, err := io.WriteString(master, answer+"\n"); err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				return out.String(), fmt.Errorf("type the answer: %w", err)
			}
		}
		if errors.Is(rerr, syscall.EIO) || errors.Is(rerr, io.EOF) {
			break // Linux says EIO once the child has closed the pty
		}
		if rerr != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return out.String(), fmt.Errorf("read the pty: %w", rerr)
		}
	}
	err = cmd.Wait()
	if !asked && err == nil {
		err = errors.New("the process never asked for approval")
	}
	return out.String(), err
}

// confirmHelper, set to 1, makes TestHelperConfirm act as a process that
// asks for approval, for TestConfirmOnPTY.
const confirmHelper = "RECONCILE_TEST_CONFIRM_HELPER"

// TestHelperConfirm is not a test: run by TestConfirmOnPTY, it says
// whether stdin is a terminal, asks to apply 3 changes on stdout, and
// prints "approved" or "declined".
func TestHelperConfirm(t *testing.T) {
	if os.Getenv(confirmHelper) != "1" {
		return
	}
	fmt.Println("stdin is a terminal:", isTerminal(os.Stdin))
	ok, err := confirm(os.Stdin, os.Stdout, 3)
	switch {
	case err != nil:
		fmt.Println("error:", err)
	case ok:
		fmt.Println("approved")
	default:
		fmt.Println("declined")
	}
}

func TestConfirmOnPTY(t *testing.T) {
	for answer, want := range map[string]string{"yes": "approved", "no": "declined"} {
		t.Run(answer, func(t *testing.T) {
			out, err := runOnPTY(t, helperCommand("TestHelperConfirm", confirmHelper), answer)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, s := range []string{"stdin is a terminal: true\r\n", "Only 'yes' is accepted: " + answer + "\r\n", want + "\r\n"} {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%q", s, out)
				}
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "not-a-tty")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var nilFile *os.File
	for _, v := range []any{f, nilFile, &bytes.Buffer{}, nil} {
		if isTerminal(v) {
			t.Errorf("isTerminal(%T) = true", v)
		}
	}
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer tty.Close()
	if !isTerminal(tty) {
		t.Error("isTerminal(pty) = false")
	}
}

// TestNewProgressTerminal checks that progress is drawn on a terminal
// unless TERM says it cannot erase a line.
func TestNewProgressTerminal(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer tty.Close()
	for term, want := range map[string]bool{"xterm-256color": true, "dumb": false} {
		t.Setenv("TERM", term)
		if got := newProgress(tty, nil).tty; got != want {
			t.Errorf("TERM=%s: progress drawn = %v, want %v", term, got, want)
		}
	}
	if newProgress(&bytes.Buffer{}, nil).tty {
		t.Error("progress drawn on a bytes.Buffer")
	}
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// signalHelper, set to 1, makes TestHelperInterruptible act as a process
// that uses interruptible, for TestSecondSignalKills.
const signalHelper = "RECONCILE_TEST_SIGNAL_HELPER"

// hangGuard bounds each wait of the subprocess tests, only so that a bug
// fails them instead of hanging them; nothing is expected to take long.
const hangGuard = 10 * time.Second

// helperCommand runs this test binary's test named test alone, with env
// set to 1.
func helperCommand(test, env string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env+"=1")
	return cmd
}

// TestHelperInterruptible is not a test: run by TestSecondSignalKills, it
// prints "ready", waits for the context to be cancelled, prints its cause,
// then answers each line of stdin with "alive" until killed.
func TestHelperInterruptible(t *testing.T) {
	if os.Getenv(signalHelper) != "1" {
		return
	}
	ctx, stop := interruptible(context.Background())
	defer stop()
	fmt.Println("ready")
	<-ctx.Done()
	fmt.Println("cancelled:", context.Cause(ctx))
	for in := bufio.NewScanner(os.Stdin); in.Scan(); {
		fmt.Println("alive")
	}
	time.Sleep(time.Minute) // stdin closed: the parent is gone or done; wait to be killed
	os.Exit(3)
}

// TestSecondSignalKills checks that the first SIGTERM cancels the context,
// naming the signal, and leaves the process running, and that a second
// one kills it.
func TestSecondSignalKills(t *testing.T) {
	cmd := helperCommand("TestHelperInterruptible", signalHelper)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines, exited := make(chan string), make(chan struct{})
	go func() {
		for out := bufio.NewScanner(stdout); out.Scan(); {
			lines <- out.Text()
		}
		close(lines)
		cmd.Wait() // after the last read, as StdoutPipe requires
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		stdin.Close()
		for range lines {
		}
		<-exited
	})
	expect := func(want string) {
		t.Helper()
		select {
		case got, ok := <-lines:
			if !ok {
				t.Fatalf("the helper exited before printing %q", want)
			}
			if got != want {
				t.Fatalf("the helper printed %q, want %q", got, want)
			}
		case <-time.After(hangGuard):
			t.Fatalf("the helper did not print %q in %v", want, hangGuard)
		}
	}

	expect("ready")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	expect("cancelled: interrupted by SIGTERM")
	io.WriteString(stdin, "ping\n") // it answers only if the signal left it running
	expect("alive")

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for rest, timeout, more := lines, time.After(hangGuard), true; more; {
		select {
		case got, ok := <-rest:
			if !ok {
				rest = nil // closed: wait for exited alone
				continue
			}
			t.Errorf("after a second SIGTERM the helper printed %q", got)
		case <-exited:
			more = false
		case <-timeout:
			t.Fatalf("the helper was still running %v after a second SIGTERM", hangGuard)
		}
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("after a second SIGTERM the helper ended with %v, want killed by SIGTERM", cmd.ProcessState)
	}
}

// TestInterruptibleStop checks that stop cancels the context with no
// signal as its cause.
func TestInterruptibleStop(t *testing.T) {
	ctx, stop := interruptible(context.Background())
	stop()
	stop() // stop may be called twice
	if err := context.Cause(ctx); err != context.Canceled {
		t.Errorf("cause after stop = %v, want context.Canceled", err)
	}
}

// Package safefiletest helps test that code reading a path does not hang
// on a FIFO.
package safefiletest

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// Mkfifo makes a FIFO at path. Its cleanup opens it for writing and closes
// it, which frees a reader blocked on it, so a failing test still ends.
func Mkfifo(t testing.TB, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// O_RDWR opens a FIFO without waiting for a reader (Linux).
		if f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
}

// Returns runs f and returns its error, failing the test if f has not
// returned after a generous delay: a hang guard, not a timing assertion.
func Returns(t testing.TB, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("%s still blocks after 20 s", what)
		return nil
	}
}

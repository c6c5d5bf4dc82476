package safefile

import (
	"errors"
	"testing"
)

// zeros is an endless stream, as /dev/zero or a file that keeps growing,
// that counts what is read from it.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}

func TestReadAllStopsPastTheLimit(t *testing.T) {
	z := &zeros{}
	_, err := readAll(z, "stream", 1<<20)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("error = %v, want a *TooLargeError", err)
	}
	if z.n > 1<<20+1 {
		t.Errorf("read %d bytes of an endless stream, want at most the limit and one", z.n)
	}
}

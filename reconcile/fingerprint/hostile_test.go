package fingerprint_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/fingerprint"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/safefile/safefiletest"
)

// TestReadFileRefusesSpecialFiles: fingerprintKeyFile naming a FIFO or a
// device fails at once; LoadOrCreate neither waits nor replaces it.
func TestReadFileRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fingerprint.key")
	safefiletest.Mkfifo(t, fifo)
	for name, path := range map[string]string{"fifo": fifo, "dev-zero": "/dev/zero"} {
		t.Run(name, func(t *testing.T) {
			err := safefiletest.Returns(t, "ReadFile("+path+")", func() error {
				_, err := fingerprint.ReadFile(path)
				return err
			})
			if !errors.Is(err, safefile.ErrNotRegular) {
				t.Errorf("ReadFile error = %v, want not a regular file", err)
			}
		})
	}
	err := safefiletest.Returns(t, "LoadOrCreate(fifo)", func() error {
		_, _, err := fingerprint.LoadOrCreate(fifo, true)
		return err
	})
	if !errors.Is(err, safefile.ErrNotRegular) {
		t.Errorf("LoadOrCreate error = %v, want not a regular file", err)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		t.Errorf("the FIFO was replaced: %v, %v", fi, err)
	}
}

func TestReadFileRefusesAHugeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fingerprint.key")
	if err := os.WriteFile(path, []byte("0123456789abcdef0123456789abcdef"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 4<<30); err != nil { // sparse
		t.Fatal(err)
	}
	_, err := fingerprint.ReadFile(path)
	if tl := (*safefile.TooLargeError)(nil); !errors.As(err, &tl) || tl.Limit != safefile.DefaultLimit {
		t.Errorf("error = %v, want larger than the %d-byte limit", err, safefile.DefaultLimit)
	}
}

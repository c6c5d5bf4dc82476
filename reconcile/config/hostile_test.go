package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/config"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/safefile/safefiletest"
)

// TestLoadRefusesSpecialFiles: --config naming a FIFO or a device fails at
// once, without waiting for a writer or reading without end.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "reconcile.yaml")
	safefiletest.Mkfifo(t, fifo)
	for name, path := range map[string]string{"fifo": fifo, "dev-zero": "/dev/zero"} {
		t.Run(name, func(t *testing.T) {
			err := safefiletest.Returns(t, "config.Load("+path+")", func() error {
				_, err := config.Load(path)
				return err
			})
			if !errors.Is(err, safefile.ErrNotRegular) {
				t.Errorf("error = %v, want not a regular file", err)
			}
		})
	}
}

func TestLoadRefusesAHugeFile(t *testing.T) {
	path := write(t, "specs: x\n")
	if err := os.Truncate(path, 4<<30); err != nil { // sparse
		t.Fatal(err)
	}
	_, err := config.Load(path)
	if tl := (*safefile.TooLargeError)(nil); !errors.As(err, &tl) || tl.Limit != safefile.DefaultLimit {
		t.Errorf("error = %v, want larger than the %d-byte limit", err, safefile.DefaultLimit)
	}
}

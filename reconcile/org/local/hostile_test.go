package local_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/org/local"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/safefile/safefiletest"
)

// TestOpenRefusesSpecialFiles: an org file that is a FIFO or a device is
// refused at once, not waited on or read without end.
func TestOpenRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "org.json")
	safefiletest.Mkfifo(t, fifo)
	for _, tt := range []struct {
		path     string
		readOnly bool
	}{{fifo, true}, {fifo, false}, {"/dev/zero", true}} {
		err := safefiletest.Returns(t, "Open("+tt.path+")", func() error {
			o, err := local.Open(tt.path, tt.readOnly)
			if err == nil {
				o.Close()
			}
			return err
		})
		if !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("Open(%s, readOnly %v) error = %v, want not a regular file", tt.path, tt.readOnly, err)
		}
	}
}

func TestOpenRefusesAHugeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	if err := os.WriteFile(path, []byte(`{"formatVersion": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 4<<30); err != nil { // sparse
		t.Fatal(err)
	}
	_, err := local.Open(path, true)
	if tl := (*safefile.TooLargeError)(nil); !errors.As(err, &tl) || tl.Limit != local.MaxFileSize {
		t.Errorf("error = %v, want larger than the %d-byte limit", err, local.MaxFileSize)
	}
}

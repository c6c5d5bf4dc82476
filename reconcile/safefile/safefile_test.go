package safefile_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/safefile/safefiletest"
)

func TestReadFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	safefiletest.Mkfifo(t, fifo)
	link := filepath.Join(dir, "link")
	if err := os.Symlink("fifo", link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, link, "/dev/zero", "/dev/null", dir} {
		t.Run(path, func(t *testing.T) {
			err := safefiletest.Returns(t, "ReadFile("+path+")", func() error {
				_, err := safefile.ReadFile(path, 0)
				return err
			})
			var pe *fs.PathError
			if !errors.Is(err, safefile.ErrNotRegular) || !errors.As(err, &pe) || pe.Path != path {
				t.Errorf("ReadFile(%s) error = %v, want a *fs.PathError of ErrNotRegular", path, err)
			}
		})
	}
}

func TestReadFileCapsTheSize(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int64) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, bytes.Repeat([]byte("x"), int(min(size, 4096))), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, size); err != nil { // sparse: no disk used
			t.Fatal(err)
		}
		return path
	}
	const limit = 1000
	if b, err := safefile.ReadFile(write("at-limit", limit), limit); err != nil || len(b) != limit {
		t.Errorf("a file of exactly the limit: %d bytes, %v", len(b), err)
	}
	for name, size := range map[string]int64{"one-over": limit + 1, "huge": 8 << 30} {
		_, err := safefile.ReadFile(write(name, size), limit)
		var tl *safefile.TooLargeError
		if !errors.As(err, &tl) || tl.Limit != limit || err.Error() != "read "+filepath.Join(dir, name)+": larger than the 1000-byte limit" {
			t.Errorf("%s: error = %v, want larger than the 1000-byte limit", name, err)
		}
	}
	if _, err := safefile.ReadFile(filepath.Join(dir, "missing"), limit); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: error = %v, want fs.ErrNotExist", err)
	}
}

package load

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/safefile/safefiletest"
)

// TestReadNeverBlocksOnASwappedFIFO: a spec swapped to a FIFO after any
// check of its path is refused, not waited on. A goroutine swaps the file
// between a regular file and a FIFO while it is read again and again.
func TestReadNeverBlocksOnASwappedFIFO(t *testing.T) {
	dir := t.TempDir()
	store := t.TempDir()
	regular := filepath.Join(store, "regular")
	if err := os.WriteFile(regular, []byte("name: a\ntype: web-services\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(store, "fifo")
	safefiletest.Mkfifo(t, fifo)
	link := filepath.Join(dir, "a.yaml")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	swapped := make(chan struct{})
	go func() {
		defer close(swapped)
		tmp := filepath.Join(dir, ".a.yaml.tmp")
		for i := 0; !stop.Load(); i++ {
			target := regular
			if i%2 == 1 {
				target = fifo
			}
			os.Remove(tmp)
			if os.Symlink(target, tmp) == nil {
				os.Rename(tmp, link)
			}
		}
	}()
	defer func() { stop.Store(true); <-swapped }()

	l := &fileLoader{dir: dir}
	var refused, read int
	safefiletest.Returns(t, "read of a file swapped to a FIFO", func() error {
		for range 3000 {
			if stop.Load() {
				break // the guard fired
			}
			switch _, p := l.read("a.yaml"); {
			case p == nil:
				read++
			case p.Message == "not a regular file":
				refused++
			default:
				t.Errorf("problem %+v", p)
			}
		}
		return nil
	})
	t.Logf("%d reads, %d refusals", read, refused)
}

package watch

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// Tree watches a directory and every folder below it, adding folders as
// they appear. Every event counts, names beginning with "." included (the
// Kubernetes ..data symlink swap shows itself that way); an event queue
// overflow counts too, since a reconcile rereads everything.
type Tree struct {
	w       *fsnotify.Watcher
	changes chan struct{}
	log     *slog.Logger
	wg      sync.WaitGroup
}

// NewTree starts watching dir.
func NewTree(dir string, log *slog.Logger) (*Tree, error) {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	t := &Tree{w: w, changes: make(chan struct{}, 1), log: log}
	if err := t.add(dir); err != nil {
		w.Close()
		return nil, err
	}
	t.wg.Add(1)
	go t.run()
	return t, nil
}

// Changes signals that something changed; signals coalesce.
func (t *Tree) Changes() <-chan struct{} { return t.changes }

// Close stops watching and waits for the watching goroutine.
func (t *Tree) Close() error {
	err := t.w.Close()
	t.wg.Wait()
	return err
}

// add watches dir and the folders below it; symlinks to folders are not
// descended, as the loader does not read them.
func (t *Tree) add(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path != dir {
				return nil // gone already
			}
			return err
		}
		if d.IsDir() {
			return t.w.Add(path)
		}
		return nil
	})
}

func (t *Tree) run() {
	defer t.wg.Done()
	for {
		select {
		case ev, ok := <-t.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					if err := t.add(ev.Name); err != nil {
						t.log.Warn("cannot watch a new folder", "path", ev.Name, "err", err)
					}
				}
			}
			t.signal()
		case err, ok := <-t.w.Errors:
			if !ok {
				return
			}
			t.log.Warn("file watcher error; reconciling everything", "err", err)
			t.signal()
		}
	}
}

func (t *Tree) signal() {
	select {
	case t.changes <- struct{}{}:
	default:
	}
}

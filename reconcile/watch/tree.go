package watch

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// Tree watches a directory and every folder below it, adding folders as
// they appear. Every event counts, names beginning with "." included (the
// Kubernetes ..data symlink swap shows itself that way); an event queue
// overflow counts too, since a reconcile rereads everything. A directory
// reached through a symlink is followed when the symlink is swapped, as
// git-sync does for each revision.
type Tree struct {
	w       *fsnotify.Watcher
	changes chan struct{}
	log     *slog.Logger
	wg      sync.WaitGroup
	// dir is the directory as named, made absolute, and root where it
	// resolves now ("" while it resolves nowhere); run owns root.
	dir, root string
	// links are the folders holding a symlink of dir's path, watched to
	// see one swapped; empty when the path has none.
	links map[string]bool

	mu      sync.Mutex
	changed map[string]bool // paths below root that changed since Changed
}

// maxChanged bounds the paths a Tree remembers between two runs.
const maxChanged = 1000

// Changed returns the paths, relative to the watched directory and
// sorted, that changed since the last call (for the log line of the run
// they start), and forgets them.
func (t *Tree) Changed() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.changed))
	for p := range t.changed {
		out = append(out, p)
	}
	clear(t.changed)
	slices.Sort(out)
	return out
}

func (t *Tree) noteChanged(path string) {
	rel, err := filepath.Rel(t.root, path)
	if err != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.changed == nil {
		t.changed = map[string]bool{}
	}
	if len(t.changed) < maxChanged {
		t.changed[filepath.ToSlash(rel)] = true
	}
}

// NewTree starts watching dir.
func NewTree(dir string, log *slog.Logger) (*Tree, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root := dir
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		root = r
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	t := &Tree{w: w, changes: make(chan struct{}, 1), log: log, dir: dir, root: root, links: linkFolders(dir)}
	for folder := range t.links {
		err = errors.Join(err, w.Add(folder))
	}
	if err == nil {
		err = t.add(root)
	}
	if err != nil {
		w.Close()
		return nil, err
	}
	t.wg.Add(1)
	go t.run()
	return t, nil
}

// linkFolders returns the folders holding a component of path that is a
// symlink.
func linkFolders(path string) map[string]bool {
	out := map[string]bool{}
	for p := path; filepath.Dir(p) != p; p = filepath.Dir(p) {
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			out[filepath.Dir(p)] = true
		}
	}
	return out
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
			if t.retarget() {
				t.signal()
				continue
			}
			if !within(t.root, ev.Name) {
				continue // another entry of a folder holding a symlink
			}
			t.noteChanged(ev.Name)
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
			t.retarget()
			t.signal()
		}
	}
}

// retarget resolves dir again and, if it now leads elsewhere, moves the
// watches from the old root to the new. It reports whether root changed.
func (t *Tree) retarget() bool {
	if len(t.links) == 0 {
		return false // no symlink to swap
	}
	root, err := filepath.EvalSymlinks(t.dir)
	if err != nil {
		root = "" // none for now: the next event in a link folder retries
	}
	if root == t.root {
		return false
	}
	for _, p := range t.w.WatchList() {
		if !t.links[p] && within(t.root, p) {
			t.w.Remove(p) // fails only for a folder already gone
		}
	}
	t.root = root
	if root != "" {
		if err := t.add(root); err != nil {
			t.log.Warn("cannot watch the directory's new target", "path", root, "err", err)
		}
	}
	return true
}

// within reports whether path is root or below it.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return root != "" && err == nil && filepath.IsLocal(rel)
}

func (t *Tree) signal() {
	select {
	case t.changes <- struct{}{}:
	default:
	}
}

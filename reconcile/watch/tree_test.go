package watch_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/watch"
)

// expectSignal fails unless the tree signals within ten seconds (a hang
// guard), then drains anything that follows at once.
func expectSignal(t *testing.T, tr *watch.Tree, what string) {
	t.Helper()
	select {
	case <-tr.Changes():
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no change signalled", what)
	}
	for {
		select {
		case <-tr.Changes():
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

func TestTreeSeesEveryKindOfChange(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("name: a\n"), 0o644))
	tr, err := watch.NewTree(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(err)
	defer tr.Close()

	must(os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("name: b\n"), 0o644))
	expectSignal(t, tr, "an edit")

	// An editor's atomic save: write a temp file, rename it over.
	must(os.WriteFile(filepath.Join(dir, ".a.yaml.swp"), []byte("name: c\n"), 0o644))
	must(os.Rename(filepath.Join(dir, ".a.yaml.swp"), filepath.Join(dir, "a.yaml")))
	expectSignal(t, tr, "an atomic rename")

	must(os.Chmod(filepath.Join(dir, "a.yaml"), 0o600))
	expectSignal(t, tr, "a chmod")

	// A new folder, then a spec written into it: the folder must be watched.
	must(os.Mkdir(filepath.Join(dir, "team"), 0o755))
	expectSignal(t, tr, "a new folder")
	must(os.WriteFile(filepath.Join(dir, "team", "b.yaml"), []byte("name: b\n"), 0o644))
	expectSignal(t, tr, "a spec in the new folder")

	// The Kubernetes ConfigMap pattern: ..data is a symlink swapped to a
	// new timestamped folder.
	must(os.Mkdir(filepath.Join(dir, "..2026_01"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "..2026_01", "c.yaml"), []byte("name: c\n"), 0o644))
	must(os.Symlink("..2026_01", filepath.Join(dir, "..data")))
	expectSignal(t, tr, "the first ..data")
	must(os.Mkdir(filepath.Join(dir, "..2026_02"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "..2026_02", "c.yaml"), []byte("name: d\n"), 0o644))
	must(os.Symlink("..2026_02", filepath.Join(dir, "..data_tmp")))
	must(os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
	expectSignal(t, tr, "the ..data swap")

	must(os.Remove(filepath.Join(dir, "a.yaml")))
	expectSignal(t, tr, "a delete")
}

// TestTreeFollowsASymlinkedRootSwapped: git-sync publishes each revision
// by renaming a new symlink over the old; the tree signals each swap and
// then watches the new revision, folders included.
func TestTreeFollowsASymlinkedRootSwapped(t *testing.T) {
	base := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for n := 1; n <= 4; n++ {
		rev := filepath.Join(base, ".worktrees", fmt.Sprintf("rev%d", n))
		must(os.MkdirAll(filepath.Join(rev, "team"), 0o755))
		must(os.WriteFile(filepath.Join(rev, "team", "a.yaml"), []byte("name: a\n"), 0o644))
	}
	root := filepath.Join(base, "repo")
	must(os.Symlink(".worktrees/rev1", root))
	tr, err := watch.NewTree(root, slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(err)
	defer tr.Close()
	for n := 2; n <= 4; n++ {
		must(os.Symlink(fmt.Sprintf(".worktrees/rev%d", n), root+".tmp"))
		must(os.Rename(root+".tmp", root))
		expectSignal(t, tr, fmt.Sprintf("the swap to rev%d", n))
		must(os.WriteFile(filepath.Join(root, "team", "a.yaml"), []byte("name: b\n"), 0o644))
		expectSignal(t, tr, fmt.Sprintf("an edit in rev%d", n))
	}
}

func TestTreeCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		tr, err := watch.NewTree(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		tr.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after closing 20 trees, %d before", n, before)
	}
}

// TestABurstOfRealWritesReconcilesAtMostTwice: 100 writes to a real file,
// through the real watcher and the loop, lead to one or two reconciles.
func TestABurstOfRealWritesReconcilesAtMostTwice(t *testing.T) {
	const debounce = 100 * time.Millisecond
	dir := t.TempDir()
	tr, err := watch.NewTree(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var mu sync.Mutex
	runs := 0
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		watch.Loop(ctx, tr.Changes(), watch.Options{Debounce: debounce, Resync: time.Hour}, func(context.Context) error {
			mu.Lock()
			runs++
			mu.Unlock()
			return nil
		})
		close(done)
	}()
	count := func() int { mu.Lock(); defer mu.Unlock(); return runs }
	waitFor := func(what string, cond func() bool) {
		for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) { // a hang guard, not a budget
				t.Fatalf("still waiting for %s", what)
			}
		}
	}
	waitFor("the first reconcile, at start", func() bool { return count() == 1 })
	start := time.Now()
	for i := range 100 {
		if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(fmt.Sprintf("name: a%d\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	burst := time.Since(start)
	waitFor("a reconcile after the burst", func() bool { return count() > 1 })
	// Settle: the trailing run comes one debounce after the last event.
	for last := count(); ; last = count() {
		time.Sleep(4 * debounce)
		if count() == last {
			break
		}
	}
	cancel()
	<-done
	// A burst is one reconcile, plus the trailing one, plus one for each
	// maximum wait it outlasted: however slow the machine made it.
	most := 2 + int(burst/(watch.MaxWaitFactor*debounce))
	if n := count() - 1; n < 1 || n > most {
		t.Errorf("%d reconciles after 100 writes in %v, want 1 to %d", n, burst, most)
	}
}

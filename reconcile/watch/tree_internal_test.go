package watch

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTreeDropsTheOldRevisionsWatches: after a swap of a symlinked root,
// the old revision's folders are no longer watched (git-sync may keep
// them), the new revision's and the link's folder are.
func TestTreeDropsTheOldRevisionsWatches(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"rev1/team", "rev2/team"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	root := filepath.Join(base, "repo")
	if err := os.Symlink("rev1", root); err != nil {
		t.Fatal(err)
	}
	tr, err := NewTree(root, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := os.Symlink("rev2", root+".tmp"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(root+".tmp", root); err != nil {
		t.Fatal(err)
	}
	want := []string{base, filepath.Join(base, "rev2"), filepath.Join(base, "rev2/team")}
	var got []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		got = slices.Sorted(slices.Values(tr.w.WatchList()))
		if slices.Equal(got, want) {
			return
		}
	}
	t.Errorf("watched %s, want %s", strings.Join(got, ", "), strings.Join(want, ", "))
}

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestAFailedFolderSyncIsReported: Write and Create return the folder's
// sync error, naming the folder, except where a file system cannot sync
// a folder at all.
func TestAFailedFolderSyncIsReported(t *testing.T) {
	defer func(f func(*os.File) error) { syncFile = f }(syncFile)
	for _, tt := range []struct {
		err  error
		want bool // reported
	}{
		{syscall.EIO, true},
		{syscall.ENOSPC, true},
		{syscall.EINVAL, false},
		{syscall.ENOTSUP, false},
		{syscall.EOPNOTSUPP, false},
		{nil, false},
	} {
		syncFile = func(*os.File) error { return tt.err }
		dir := t.TempDir()
		for name, write := range map[string]func(string, []byte, os.FileMode) error{"Write": Write, "Create": Create} {
			err := write(filepath.Join(dir, name), []byte("x"), 0o600)
			if !tt.want {
				if err != nil {
					t.Errorf("%s with a folder sync error %v: %v, want nil", name, tt.err, err)
				}
				continue
			}
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), dir) {
				t.Errorf("%s with a folder sync error %v: %v, want it, naming %s", name, tt.err, err, dir)
			}
		}
	}
}

// Package atomicfile writes files that a reader, or a process killed half
// way, sees whole or not at all: written to a temporary file in the same
// folder, synced, then renamed (Write) or linked (Create) into place.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Write replaces path with data, mode perm. An error syncing the folder
// comes after the rename: path may then hold data, not yet durably.
func Write(path string, data []byte, perm os.FileMode) error {
	tmp, err := temp(path, data, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // after the rename, a no-op
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// Create writes data to path, mode perm, only if path does not exist; it
// fails with an error satisfying errors.Is(err, fs.ErrExist) otherwise. Of
// several processes creating the same path, exactly one succeeds. As with
// Write, an error syncing the folder comes after path was made.
func Create(path string, data []byte, perm os.FileMode) error {
	tmp, err := temp(path, data, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// temp writes data to a synced temporary file beside path.
func temp(path string, data []byte, perm os.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// syncFile is (*os.File).Sync; tests replace it to inject a failure.
var syncFile = (*os.File).Sync

// syncDir makes the rename or link in dir durable. A folder that cannot
// be opened (write and search permission only) is not synced, as before;
// a file system that cannot sync a folder (EINVAL, ENOTSUP) is accepted.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	err = syncFile(d)
	if err == nil || errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return fmt.Errorf("sync the folder %s: %w", dir, err)
}

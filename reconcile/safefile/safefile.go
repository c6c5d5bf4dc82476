// Package safefile reads the small files reconcile is pointed at (specs,
// the configuration, values, keys, the local org) so that a path to a
// FIFO, a device or a huge file fails at once instead of hanging the run
// or exhausting memory.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// DefaultLimit caps a configuration, values or key file: each is a few
// KiB at most.
const DefaultLimit = 1 << 20

// ErrNotRegular is the error of a path that names a FIFO, a device, a
// socket or a folder.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is the error of a file larger than the limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than the %d-byte limit", e.Limit)
}

// ReadFile returns the content of the regular file at path, of at most
// limit bytes (limit <= 0 means DefaultLimit). It never blocks on a FIFO
// and never reads more than limit+1 bytes. Errors are *fs.PathError,
// wrapping ErrNotRegular or a *TooLargeError for those cases.
func ReadFile(path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	// writer. It has no effect on a regular file.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The opened file is checked, not the path: the path may have been
	// swapped since any earlier look.
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	if fi.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{limit}}
	}
	return readAll(f, path, limit)
}

// readAll reads r to its end, failing once it passes limit bytes: a file
// may grow after its size was checked, and some (in /proc) report none.
func readAll(r io.Reader, path string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{limit}}
	}
	return data, nil
}

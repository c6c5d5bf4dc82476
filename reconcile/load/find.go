package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// find returns the spec files under dir as slash-separated paths relative
// to dir, sorted. Names beginning with "." are skipped, symlinks to files
// are followed if the file is under dir (a problem otherwise) and symlinks
// to folders are not descended.
func find(dir string) ([]string, spec.Problems) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, spec.Problems{{Message: fmt.Sprintf("the spec directory %s does not exist", dir)}}
	case err != nil:
		return nil, spec.Problems{{Message: fmt.Sprintf("cannot read the spec directory %s: %s", dir, pathless(err))}}
	case !fi.IsDir():
		return nil, spec.Problems{{Message: fmt.Sprintf("the spec directory %s is not a directory", dir)}}
	}
	// WalkDir does not follow a symlinked root; the directory the user
	// named is read even when it is a symlink.
	root := dir
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		root = r
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, spec.Problems{{Message: fmt.Sprintf("cannot read the spec directory %s: %s", dir, err)}}
	}
	var files []string
	var problems spec.Problems
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		rel := relative(root, path)
		if err != nil {
			problems = append(problems, spec.Problem{File: rel, Message: "cannot read: " + pathless(err)})
			return nil
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isSpecName(d.Name()) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Stat(path)
			if err != nil {
				problems = append(problems, spec.Problem{File: rel, Message: "broken symlink: " + pathless(err)})
				return nil
			}
			if target.IsDir() {
				return nil // symlinks to folders are not descended
			}
			// As Flux does, paths stay in the root: a committed link to a
			// secret elsewhere on the host must not be read, nor quoted in
			// an error.
			if !inside(absRoot, path) {
				problems = append(problems, spec.Problem{File: rel, Message: "symlink to a file outside the spec directory"})
				return nil
			}
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		problems = append(problems, spec.Problem{Message: fmt.Sprintf("cannot read the spec directory %s: %s", dir, pathless(err))})
	}
	slices.Sort(files)
	return files, problems
}

// inside reports whether the symlink path resolves to a file under root,
// an absolute path with no symlink.
func inside(root, path string) bool {
	target, err := filepath.EvalSymlinks(path)
	if err == nil {
		target, err = filepath.Abs(target)
	}
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(root, target)
	return err == nil && filepath.IsLocal(rel)
}

func isSpecName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

func relative(dir, path string) string {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// pathless returns err's message without the path a *fs.PathError adds, as
// problems name the file themselves.
func pathless(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

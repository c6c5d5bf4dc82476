package load

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// Load reads every spec under dir. It returns all the specs, sorted by
// file, or a spec.Problems error holding every problem of every file: it
// never returns some specs and some problems. Files are decrypted in
// parallel, at most GOMAXPROCS at a time.
func Load(ctx context.Context, dir string, opts Options) ([]*spec.Spec, error) {
	schemas, err := schema.Compiled()
	if err != nil {
		return nil, fmt.Errorf("compile schemas: %w", err)
	}
	files, problems := find(dir)
	maxFiles := opts.MaxFiles
	if maxFiles <= 0 {
		maxFiles = DefaultMaxFiles
	}
	if len(files) > maxFiles {
		return nil, spec.Problems{{Message: fmt.Sprintf("the spec directory %s holds %d spec files, more than the limit of %d; is it the right directory?", dir, len(files), maxFiles)}}
	}
	specs := make([]*spec.Spec, len(files))
	perFile := make([]spec.Problems, len(files))

	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := &fileLoader{dir: dir, opts: opts, schemas: schemas, dec: newDecrypter()}
			for i := range next {
				specs[i], perFile[i] = l.load(files[i])
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, ps := range perFile {
		problems = append(problems, ps...)
	}
	if opts.Cache != nil {
		opts.Cache.keep(files)
	}
	problems = append(problems, uniqueNames(dir, specs)...)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return specs, nil
}

// uniqueNames reports every spec whose name an earlier file already uses,
// compared case-insensitively. The earlier file is named as a path that
// opens from where reconcile runs.
func uniqueNames(dir string, specs []*spec.Spec) spec.Problems {
	var out spec.Problems
	first := map[string]*spec.Spec{}
	for _, s := range specs {
		if s == nil {
			continue // the file has problems of its own
		}
		k := strings.ToLower(s.Name)
		if f, dup := first[k]; dup {
			out = append(out, s.At("/name", "name %q is already used by %s:%d (names are unique in the org, compared case-insensitively)", s.Name, filepath.ToSlash(filepath.Join(dir, f.File)), f.Pos["/name"].Line))
			continue
		}
		first[k] = s
	}
	return out
}

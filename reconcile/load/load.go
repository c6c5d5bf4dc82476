package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
	newDec := func() *decrypter {
		d := newDecrypter()
		d.ks.ctx, d.ks.timeout = ctx, opts.KeyServiceTimeout
		return d
	}
	vals, ps := (&fileLoader{dir: dir, opts: opts, dec: newDec()}).loadValues(opts.Env)
	if len(ps) > 0 {
		return nil, ps.Err()
	}
	if opts.Env != nil && opts.Env.Overlay != "" {
		problems = append(problems, strayOverlays(dir, opts.Env, files)...)
	}
	specs := make([]*spec.Spec, len(files))
	perFile := make([]spec.Problems, len(files))

	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := &fileLoader{dir: dir, opts: opts, schemas: schemas, dec: newDec(), vals: vals}
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
	problems = append(problems, badNames(specs)...)
	problems = append(problems, uniqueNames(dir, specs)...)
	problems.Sort()
	problems = slices.Compact(problems) // a values file's problem, met by every spec that uses the value
	if err := problems.Err(); err != nil {
		return nil, err
	}
	// A spec with no problems and no Spec is one its overlay removes.
	return slices.DeleteFunc(specs, func(s *spec.Spec) bool { return s == nil }), nil
}

// strayOverlays reports the overlay files that match no base spec: a
// typo in a path would otherwise be ignored in silence.
func strayOverlays(dir string, env *Env, files []string) spec.Problems {
	l := &fileLoader{dir: dir}
	if fi, err := os.Stat(env.Overlay); err != nil || !fi.IsDir() {
		return spec.Problems{{File: l.display(env.Overlay), Message: fmt.Sprintf("environment %s's overlay folder does not exist, or is not a folder", env.Name)}}
	}
	over, problems := find(env.Overlay)
	for _, rel := range over {
		if !slices.Contains(files, rel) {
			problems = append(problems, spec.Problem{File: l.display(filepath.Join(env.Overlay, filepath.FromSlash(rel))),
				Message: fmt.Sprintf("environment %s's overlay file matches no spec: there is no %s in the spec directory", env.Name, rel)})
		}
	}
	return problems
}

// badNames reports the names and former names that cannot name an
// integration (spec.CheckName).
func badNames(specs []*spec.Spec) spec.Problems {
	var out spec.Problems
	for _, s := range specs {
		if s == nil {
			continue
		}
		if why := spec.CheckName(s.Name); why != "" {
			out = append(out, s.At("/name", "%s", why))
		}
		for _, n := range s.FormerNames {
			if why := spec.CheckName(n); why != "" {
				out = append(out, s.At("/formerNames", "former name %q: %s", n, why))
			}
		}
	}
	return out
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
		k := spec.NameKey(s.Name)
		if f, dup := first[k]; dup {
			out = append(out, s.At("/name", "name %q is already used by %s:%d (names are unique in the org, compared case-insensitively)", s.Name, filepath.ToSlash(filepath.Join(dir, f.File)), f.Pos["/name"].Line))
			continue
		}
		first[k] = s
	}
	return out
}

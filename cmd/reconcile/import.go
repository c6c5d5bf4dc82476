package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/reconcile-dev/reconcile/reconcile/adopt"
	"github.com/reconcile-dev/reconcile/reconcile/config"
	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// importOrg writes a spec for every integration of the org that no spec
// names yet. It reads the org and writes files under out; it writes
// nothing to the org and marks nothing as reconcile's.
func importOrg(ctx context.Context, cfg *config.Config, log *slog.Logger, specs, out string, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		render.Errors(stderr, err, specs)
		return exitError
	}
	open, err := opener(cfg, log)
	if err != nil {
		return fail(err)
	}
	o, err := open(ctx, true)
	if err != nil {
		return fail(err)
	}
	defer o.Close()
	if sc, ok := o.(interface{ ScopeAll() }); ok {
		sc.ScopeAll() // every action is written, with its contract
	}
	state, err := o.Observe(ctx)
	if err != nil {
		return fail(err)
	}
	named := map[string]bool{}
	if _, statErr := os.Stat(specs); specs != "" && !errors.Is(statErr, fs.ErrNotExist) {
		loaded, err := load.Load(ctx, specs, load.Options{})
		if err != nil {
			fmt.Fprintln(stderr, "error: the existing specs must load first, to know which integrations they name:")
			return fail(err)
		}
		for _, s := range loaded {
			named[spec.NameKey(s.Name)+"\x00"+s.Type] = true
		}
	}
	var todo []org.Integration
	for _, in := range state.Integrations {
		if !named[spec.NameKey(in.Name)+"\x00"+in.Type] {
			todo = append(todo, in)
		}
	}
	schemas, err := schema.Compiled()
	if err != nil {
		return fail(err)
	}
	// The modeline points at the editor schemas reconcile init wrote
	// beside the configuration, when they are there.
	var opts adopt.Options
	if dispatcher := filepath.Join(filepath.Dir(cfg.File), "schema", schema.Dispatcher); cfg.Found {
		if _, err := os.Stat(dispatcher); err == nil {
			opts.Schema = dispatcher
		}
	}
	written, err := adopt.WriteWith(out, todo, schemas, opts)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "Imported %d integrations no spec names into %s:\n", len(todo), out)
	for _, f := range written {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	fmt.Fprintf(stdout, "Replace every %s value, encrypt the secrets with sops, move the files into the spec directory,\nthen `reconcile --dry-run` plans only credentials for them. Nothing was written to the org.\n", adopt.Placeholder)
	return exitOK
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"golang.org/x/sync/errgroup"

	"github.com/reconcile-dev/reconcile/reconcile/config"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/orgdiff"
)

// diff is `reconcile diff ENV1 ENV2`: it observes both environments' orgs,
// read-only, and prints what differs. Exit 0 whether or not they differ
// (as git diff without --exit-code); 1 when an org cannot be read.
func diff(ctx context.Context, o *options, cfg *config.Config, log *slog.Logger, stdout, stderr io.Writer) int {
	names := o.args
	if names[0] == names[1] {
		fmt.Fprintf(stderr, "reconcile: diff compares two environments, not %s with itself\n", names[0])
		return exitError
	}
	var states [2]org.State
	g, gctx := errgroup.WithContext(ctx)
	for i, name := range names {
		env, err := cfg.Select(name)
		if err != nil {
			fmt.Fprintf(stderr, "reconcile: %v\n", err)
			return exitError
		}
		open, err := opener(env, log.With("env", name))
		if err != nil {
			fmt.Fprintf(stderr, "reconcile: environment %s: %v\n", name, err)
			return exitError
		}
		g.Go(func() error {
			o, err := open(gctx, true) // read-only: writes nothing anywhere
			if err != nil {
				return fmt.Errorf("environment %s: %w", name, err)
			}
			defer o.Close()
			if states[i], err = o.Observe(gctx); err != nil {
				return fmt.Errorf("environment %s: %w", name, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		fmt.Fprintf(stderr, "reconcile: %v\n", err)
		return exitError
	}
	d := orgdiff.Compare(names[0], states[0], names[1], states[1])
	if o.output == "json" {
		if err := orgdiff.JSON(stdout, d); err != nil {
			return exitError
		}
		return exitOK
	}
	orgdiff.Text(stdout, d)
	return exitOK
}

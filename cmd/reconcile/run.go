package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/config"
	"github.com/reconcile-dev/reconcile/reconcile/daemon"
	"github.com/reconcile-dev/reconcile/reconcile/engine"
	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/planfile"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/reconcile/watch"
	"github.com/reconcile-dev/reconcile/schema"
)

// Set by the linker: -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "unknown"
)

// Exit statuses.
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2 // --dry-run --detailed-exitcode found changes
)

// run is the whole command line: it never calls os.Exit and writes only to
// stdout (plans) and stderr (logs and errors).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitError
	}
	// The progress line is drawn on stderr when it is a terminal; every
	// other write, to stdout or stderr, clears it first.
	prog := newProgress(stderr, nil)
	stdout, stderr = prog.Writer(stdout), prog.Writer(stderr)
	defer prog.finish()
	log, err := newLogger(stderr, o.logFormat, o.logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "reconcile: %v\n", err)
		return exitError
	}
	switch o.command {
	case "version":
		fmt.Fprintf(stdout, "reconcile %s (commit %s, %s)\n", version, commit, runtime.Version())
		return exitOK
	case "completion":
		if err := completion(stdout, o.args[0]); err != nil {
			fmt.Fprintf(stderr, "reconcile: %v\n", err)
			return exitError
		}
		return exitOK
	case "init":
		dir := "."
		if len(o.args) == 1 {
			dir = o.args[0]
		}
		return initRepo(dir, stdout, stderr)
	case "edit":
		return editSpec(ctx, o.args[0], os.Stdin, stdout, stderr)
	case "schema":
		if err := schema.Write(o.args[0]); err != nil {
			fmt.Fprintf(stderr, "reconcile: write schemas: %v\n", err)
			return exitError
		}
		fmt.Fprintf(stdout, "Wrote the JSON Schemas to %s.\n", o.args[0])
		return exitOK
	}

	// fail reports an error found before any spec is read, in the output
	// format asked for.
	fail := func(err error) int {
		switch o.output {
		case "json":
			render.JSON(stdout, render.Report{DryRun: o.dryRun, Err: err})
		case "github":
			render.GitHub(stdout, render.Report{DryRun: o.dryRun, Err: err}, "")
		}
		render.Errors(stderr, err, "")
		return exitError
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return fail(err)
	}
	if o.command == "new" {
		specs := cfg.Specs
		if o.specs != "" {
			specs = o.specs
		}
		if specs == "" {
			return fail(fmt.Errorf("no spec directory: pass --config FILE or --specs DIR"))
		}
		return newSpec(specs, o.args[0], o.args[1], stdout, stderr)
	}
	switch envs := cfg.EnvNames(); {
	case o.command == "diff":
		return diff(ctx, o, cfg, log, stdout, stderr)
	case o.env != "":
		if cfg, err = cfg.Select(o.env); err != nil {
			fmt.Fprintf(stderr, "reconcile: %v\n", err)
			return exitError
		}
	case len(envs) > 0 && o.command == "apply" && len(o.args) == 1:
		// A saved plan says which environment it is of.
		f, err := planfile.Read(o.args[0])
		if err == nil && f.Saved.Env == "" {
			err = fmt.Errorf("%s is a plan made without --env: make it again with --env NAME", o.args[0])
		}
		if err == nil {
			cfg, err = cfg.Select(f.Saved.Env)
		}
		if err != nil {
			fmt.Fprintf(stderr, "reconcile: %v\n", err)
			return exitError
		}
	case len(envs) > 0 && (o.allEnvs || o.command == "validate"):
		return allEnvs(ctx, o, cfg, log, prog, stdout, stderr)
	case len(envs) > 0 && o.command != "completion":
		fmt.Fprintf(stderr, "reconcile: %s defines environments (%s): pass --env NAME (or plan --all-envs)\n", cfg.File, strings.Join(envs, ", "))
		return exitError
	case o.allEnvs:
		fmt.Fprintf(stderr, "reconcile: --all-envs: %s defines no environments\n", cfg.File)
		return exitError
	}
	return runConfig(ctx, o, cfg, log, prog, stdout, stderr)
}

// allEnvs runs the command (a plan or validate) for every environment in
// turn: exit 1 if any failed, else 2 if any plan has changes and
// --detailed-exitcode asks.
func allEnvs(ctx context.Context, o *options, cfg *config.Config, log *slog.Logger, prog *progress, stdout, stderr io.Writer) int {
	code := exitOK
	for i, name := range cfg.EnvNames() {
		env, _ := cfg.Select(name)
		if o.output == "text" {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "=== environment %s ===\n", name)
		}
		switch runConfig(ctx, o, env, log.With("env", name), prog, stdout, stderr) {
		case exitError:
			code = exitError
		case exitChanges:
			if code == exitOK {
				code = exitChanges
			}
		}
	}
	return code
}

// runConfig is the command for one configuration: one org.
func runConfig(ctx context.Context, o *options, cfg *config.Config, log *slog.Logger, prog *progress, stdout, stderr io.Writer) int {
	envName := ""
	if cfg.Env != nil {
		envName = cfg.Env.Name
	}
	fail := func(err error) int {
		switch o.output {
		case "json":
			render.JSON(stdout, render.Report{DryRun: o.dryRun, Env: envName, Err: err})
		case "github":
			render.GitHub(stdout, render.Report{DryRun: o.dryRun, Err: err}, "")
		}
		render.Errors(stderr, err, "")
		return exitError
	}
	if o.command == "doctor" {
		return doctor(ctx, cfg, log, stdout, stderr)
	}
	specs := cfg.Specs
	if o.specs != "" {
		specs = o.specs
	}
	if specs == "" {
		if cfg.Found {
			return fail(fmt.Errorf("%s names no spec directory: add `specs: DIR` or pass --specs DIR", cfg.File))
		}
		return fail(fmt.Errorf("no %s in the working directory: pass --config FILE or --specs DIR (see config.example/)", config.DefaultFile))
	}

	eng := &engine.Engine{
		Specs: specs,
		Load:  load.Options{AllowPlaintext: o.allowPlaintext, Env: loadEnv(cfg.Env)},
		Plan: plan.Options{Prune: o.prune || cfg.Prune, AllowCredentialTypeChange: o.allowCredentialTypeChange,
			AllowDeleteWithActions: o.allowDeleteWithActions, Owner: cfg.Owner, Targets: o.targets,
			AllowActionReplace: o.allowActionReplace, Test: o.test || cfg.Test},
		Log: log,
	}
	if eng.Plan.Test && cfg.Target.Genesys == nil && o.command != "validate" && o.command != "import" && o.command != "test" {
		return fail(errors.New("--test (or test: in the configuration) needs a Genesys Cloud target: the local org cannot run data actions, so it cannot test them"))
	}
	switch o.command {
	case "validate":
		return validate(ctx, eng, o, stdout, stderr)
	case "import":
		return importOrg(ctx, cfg, log, specs, o.out, stdout, stderr)
	}
	var err error
	if eng.Open, err = opener(cfg, log); err != nil {
		return fail(err)
	}
	if o.command == "test" {
		return testActions(ctx, eng, o.args, stdout, stderr)
	}
	eng.Key = keySource(cfg, log)
	target := targetName(cfg)
	if envName != "" {
		target = "environment " + envName + ": " + target
	}
	var saved *planfile.File
	if o.command == "apply" && len(o.args) == 1 {
		f, err := planfile.Read(o.args[0])
		if err != nil {
			return fail(err)
		}
		saved, eng.Plan = &f, f.Saved.Options.PlanOptions()
	}
	var inputs struct {
		specs []*spec.Spec
		state org.State
	}
	eng.Inspect = func(specs []*spec.Spec, state org.State, p plan.Plan) error {
		if saved != nil {
			return saved.Check(target, specs, state, p)
		}
		inputs.specs, inputs.state = specs, state
		return nil
	}
	if !o.dryRun && !o.watch && saved == nil && !o.autoApprove && isTerminal(os.Stdin) {
		ask := stdout
		if o.output != "text" {
			ask = stderr // stdout is for the JSON or the annotations
		}
		eng.Approve = func(ctx context.Context, p plan.Plan) (bool, error) {
			ok, err := confirm(os.Stdin, ask, len(p.Changes))
			if ctx.Err() != nil { // Ctrl-C at the question, then Enter
				return false, context.Cause(ctx)
			}
			return ok, err
		}
	}
	prog.SetLog(log)
	eng.OnPlan = prog.planned
	eng.OnApplied = prog.step
	if o.output == "text" {
		eng.OnPlan = func(p plan.Plan) { render.Plan(stdout, p, specs, o.dryRun); prog.planned(p) }
		eng.OnApplied = func(c plan.Change, err error) { render.Applied(stdout, c, err); prog.step(c, err) }
	}
	show := func(r render.Report) {
		r.Env = envName
		switch o.output {
		case "json":
			render.JSON(stdout, r)
		case "github":
			render.GitHub(stdout, r, specs)
		default:
			render.Done(stdout, r)
			if r.Err != nil {
				render.Errors(stderr, r.Err, specs)
			}
		}
	}
	if o.watch {
		eng.Load.Cache = load.NewCache() // decrypt only what changed
		print := show
		if o.output == "text" {
			print = func(r render.Report) { render.Done(stdout, r) } // the daemon logs each failure once
		}
		d := &daemon.Daemon{Engine: eng, DryRun: o.dryRun, Listen: cfg.Watch.Listen, Log: log, Print: print,
			Watch: watch.Options{Debounce: cfg.Watch.Debounce, Resync: cfg.Watch.Resync}, Env: envName}
		if e := cfg.Env; e != nil {
			if e.Overlay != "" {
				d.Also = append(d.Also, e.Overlay)
			}
			if e.Values != "" {
				d.Also = append(d.Also, filepath.Dir(e.Values))
			}
		}
		if err := d.Run(ctx); err != nil {
			return fail(err)
		}
		return exitOK
	}
	r := eng.Reconcile(ctx, o.dryRun)
	r.Env = envName
	if o.out != "" && r.Planned && r.Err == nil {
		if err := planfile.Write(o.out, planfile.New(r, inputs.specs, inputs.state, target, eng.Plan)); err != nil {
			r.Err = err
		} else if o.output == "text" {
			fmt.Fprintf(stdout, "Saved the plan to %s; apply exactly it with: reconcile apply %s\n", o.out, o.out)
		} else {
			log.Info("saved the plan", "file", o.out)
		}
	}
	show(r)
	switch {
	case r.Err != nil, r.Cancelled: // as terraform: a declined apply is no success
		return exitError
	case o.detailedExitcode && !r.Plan.Empty():
		return exitChanges
	}
	return exitOK
}

// loadEnv is what the loader needs of an environment.
func loadEnv(e *config.Environment) *load.Env {
	if e == nil {
		return nil
	}
	return &load.Env{Name: e.Name, Values: e.Values, Overlay: e.Overlay}
}

func validate(ctx context.Context, eng *engine.Engine, o *options, stdout, stderr io.Writer) int {
	n, err := eng.Validate(ctx)
	if o.output == "json" {
		render.JSON(stdout, render.Report{DryRun: true, Err: err})
	} else if o.output == "github" && err != nil {
		render.GitHub(stdout, render.Report{DryRun: true, Err: err}, eng.Specs)
	} else if err == nil {
		if n == 1 {
			fmt.Fprintln(stdout, "1 spec is valid.")
		} else {
			fmt.Fprintf(stdout, "%d specs are valid.\n", n)
		}
	} else {
		render.ValidateErrors(stderr, err, eng.Specs)
	}
	if err != nil {
		return exitError
	}
	return exitOK
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/schema"
)

// options are the command line's words.
type options struct {
	command string   // "" or one of commands
	args    []string // the command's arguments

	config, specs             string
	out                       string // import's folder, or the plan's file
	output                    string
	logFormat, logLevel       string
	dryRun, detailedExitcode  bool
	watch, prune              bool
	allowPlaintext            bool
	allowCredentialTypeChange bool
	allowDeleteWithActions    bool
	allowActionReplace        bool
	test                      bool // test changed data actions before publishing them
	autoApprove               bool
	targets                   targetList
	env                       string // the environment, with environments
	allEnvs                   bool   // plan every environment
}

// targetList is the repeatable --target flag.
type targetList []string

func (t *targetList) String() string { return strings.Join(*t, ",") }
func (t *targetList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("a target is the name of a spec")
	}
	*t = append(*t, v)
	return nil
}

var commands = []string{"plan", "apply", "diff", "validate", "init", "new", "edit", "schema", "version", "completion", "import", "doctor", "test"}

const usageText = `reconcile applies Genesys Cloud data action integrations, kept as sops-encrypted
YAML specs, to an org: plan, apply, or watch.

Usage:
  reconcile [flags]                 load, validate, plan and apply once
  reconcile --dry-run [flags]       load, validate and plan; write nothing
  reconcile plan [--out FILE]       the same as --dry-run; --out also saves the plan
  reconcile apply [FILE]            apply the saved plan FILE, exactly; without FILE, as reconcile
  reconcile plan --all-envs         plan every environment in turn
  reconcile diff ENV1 ENV2          compare what two environments' orgs hold; writes nothing
  reconcile --watch [flags]         the daemon: apply on every change and every resync
  reconcile validate [flags]        load and validate the specs; needs no target
  reconcile init [DIR]              start a spec repository: configuration, .sops.yaml, CI, editor schemas
  reconcile new TYPE NAME           write a new spec of vendor TYPE, encrypted by .sops.yaml's rules
  reconcile edit FILE               edit an encrypted spec, validated before it is encrypted again
  reconcile schema DIR              write the JSON Schemas of the specs to DIR
  reconcile version                 print the version
  reconcile completion SHELL        print a completion script for bash, zsh or fish
  reconcile import --out DIR        write specs for the org's integrations no spec names yet
  reconcile doctor                  check, read-only, what reconcile relies on in the Genesys org
  reconcile test [NAME...]          run the data actions' test cases against the published actions, read-only

Examples:
  reconcile --dry-run --detailed-exitcode --output github   # CI on a pull request
  reconcile plan --out plan.json && reconcile apply plan.json  # review, then apply what was reviewed
  reconcile --config config.example/reconcile.yaml          # apply once
  reconcile --watch --log-format json                       # the daemon
  reconcile validate --specs integrations                   # check specs, no org needed

Flags:
`

// errUsage marks a usage error, already explained to the user.
var errUsage = errors.New("usage error")

func parseArgs(args []string, stdout, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed below
	fs.Usage = func() {}
	defineFlags(fs, o)

	// Flags may come before and after the command.
	parse := func(args []string) error {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			printUsage(stdout, fs)
		case err != nil:
			fmt.Fprintln(stderr, err)
			if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
				if near := closest(strings.TrimLeft(name, "-"), fs); near != "" {
					fmt.Fprintf(stderr, "reconcile: did you mean --%s?\n", near)
				}
			}
			fmt.Fprintln(stderr, "reconcile: run 'reconcile --help' for every flag")
			return errUsage
		}
		return err
	}
	if err := parse(args); err != nil {
		return nil, err
	}
	rest := fs.Args()
	if len(rest) > 0 && slices.Contains(commands, rest[0]) {
		o.command = rest[0]
		// Flags may also come after the command's arguments.
		var positional []string
		for args := rest[1:]; ; {
			if err := parse(args); err != nil {
				return nil, err
			}
			if args = fs.Args(); len(args) == 0 {
				break
			}
			if args[0] == "--" {
				positional = append(positional, args[1:]...)
				break
			}
			positional, args = append(positional, args[0]), args[1:]
		}
		rest = positional
	}
	o.args = rest
	fail := func(format string, a ...any) (*options, error) {
		fmt.Fprintf(stderr, "reconcile: "+format+"\n", a...)
		return nil, errUsage
	}
	switch {
	case o.command == "" && len(rest) > 0:
		return fail("unknown command %q; commands: %v", rest[0], commands)
	case o.command == "schema" && len(rest) != 1:
		return fail("usage: reconcile schema DIR")
	case o.command == "completion" && len(rest) != 1:
		return fail("usage: reconcile completion bash|zsh|fish")
	case o.command == "apply" && len(rest) > 1:
		return fail("usage: reconcile apply [FILE]")
	case o.command == "apply" && len(rest) == 1 && (o.prune || len(o.targets) > 0 || o.allowCredentialTypeChange || o.allowDeleteWithActions || o.allowActionReplace || o.test):
		return fail("a saved plan fixes --prune, --target and the --allow flags it was made with; make a new plan to change them")
	case o.command == "init" && len(rest) > 1:
		return fail("usage: reconcile init [DIR]")
	case o.command == "new" && len(rest) != 2:
		return fail("usage: reconcile new TYPE NAME")
	case o.command == "edit" && len(rest) != 1:
		return fail("usage: reconcile edit FILE")
	case o.command == "diff" && len(rest) != 2:
		return fail("usage: reconcile diff ENV1 ENV2")
	case o.command == "diff" && o.env != "":
		return fail("diff names its two environments: reconcile diff ENV1 ENV2, without --env")
	case o.allEnvs && o.command != "plan" && !(o.command == "" && o.dryRun) && o.command != "validate":
		return fail("--all-envs applies to plan, --dry-run and validate only: an apply is one environment at a time")
	case o.allEnvs && o.env != "":
		return fail("give --env NAME or --all-envs, not both")
	case o.allEnvs && o.out != "":
		return fail("--out saves one environment's plan: use --env NAME")
	case o.command != "schema" && o.command != "completion" && o.command != "apply" && o.command != "diff" &&
		o.command != "init" && o.command != "new" && o.command != "edit" && o.command != "test" && len(rest) > 0:
		return fail("%s takes no arguments, got %q", o.command, rest)
	case o.output != "text" && o.output != "json" && o.output != "github":
		return fail("--output must be text, json or github, not %q", o.output)
	case o.logFormat != "text" && o.logFormat != "json":
		return fail("--log-format must be text or json, not %q", o.logFormat)
	case o.detailedExitcode && !o.dryRun && o.command != "plan":
		return fail("--detailed-exitcode is only meaningful with --dry-run")
	case o.detailedExitcode && o.watch:
		return fail("--detailed-exitcode does not apply to --watch")
	case o.command == "import" && o.out == "":
		return fail("usage: reconcile import --out DIR")
	case o.out != "" && o.command != "import" && o.command != "plan" && !(o.command == "" && o.dryRun):
		return fail("--out applies to import, plan and --dry-run only")
	case o.out != "" && o.watch:
		return fail("--out does not apply to --watch")
	case o.command == "plan" && o.watch:
		return fail("--watch does not apply to plan; use --watch --dry-run")
	case o.command != "" && o.command != "plan" && (o.dryRun || o.watch):
		return fail("--dry-run and --watch do not apply to %s", o.command)
	}
	if o.command == "plan" {
		o.dryRun = true
	}
	return o, nil
}

// printUsage prints the usage and every flag with its default.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageText)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		def := f.DefValue
		switch {
		case strings.Contains(usage, "(default "): // the usage says it in words
			fmt.Fprintf(w, "  --%s%s\n      %s\n", f.Name, name, usage)
			return
		case def == "":
			def = "none"
		}
		fmt.Fprintf(w, "  --%s%s\n      %s (default %s)\n", f.Name, name, usage, def)
	})
}

// closest returns the defined flag nearest to name, if it is near.
func closest(name string, fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return schema.Suggest(name, names) // the spec keys' rule: at most two edits
}

// defineFlags defines the common flags on fs, into o.
func defineFlags(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.out, "out", "", "with plan or --dry-run: the `file` to save the plan to; with import: the directory to write the imported specs to")
	fs.StringVar(&o.config, "config", "", "configuration `file` (default reconcile.yaml in the working directory)")
	fs.StringVar(&o.specs, "specs", "", "spec `dir`ectory; overrides the configuration file")
	fs.StringVar(&o.output, "output", "text", "plan output: text, json, or github (GitHub Actions annotations)")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&o.dryRun, "dry-run", false, "plan only; write nothing anywhere")
	fs.BoolVar(&o.detailedExitcode, "detailed-exitcode", false, "with --dry-run: exit 2 when changes are pending")
	fs.BoolVar(&o.watch, "watch", false, "run as a daemon, applying every change")
	fs.BoolVar(&o.prune, "prune", false, "delete integrations reconcile created that no spec names")
	fs.BoolVar(&o.allowPlaintext, "allow-plaintext", false, "accept secret values not encrypted by sops (local experiments only)")
	fs.BoolVar(&o.allowCredentialTypeChange, "allow-credential-type-change", false, "allow changing the credential type of an integration that has data actions")
	fs.BoolVar(&o.allowDeleteWithActions, "allow-delete-with-actions", false, "with prune: allow deleting an integration that has data actions")
	fs.BoolVar(&o.allowActionReplace, "allow-action-replace", false, "allow replacing a data action whose contract or secure changed (it gets a new id; flows that use the old one break)")
	fs.BoolVar(&o.test, "test", false, "run each changed data action's tests against its draft, and publish it only if they pass")
	fs.BoolVar(&o.autoApprove, "auto-approve", false, "apply without asking, also on a terminal")
	fs.StringVar(&o.env, "env", "", "the environment (of the configuration's environments) to plan or apply")
	fs.BoolVar(&o.allEnvs, "all-envs", false, "with plan or validate: every environment in turn")
	fs.Var(&o.targets, "target", "limit the plan and the apply to the spec of this `name` (repeatable)")
}

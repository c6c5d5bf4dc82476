package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// completion writes a shell completion script for shell, built from the
// flag set and the commands, so it never drifts from them.
func completion(w io.Writer, shell string) error {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	defineFlags(fs, &options{})
	var flags []string
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, "--"+f.Name) })
	cmds := commands
	switch shell {
	case "bash":
		fmt.Fprintf(w, `# bash completion for reconcile: source <(reconcile completion bash)
_reconcile() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
    --output) COMPREPLY=($(compgen -W "text json github" -- "$cur")); return ;;
    --log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --log-level) COMPREPLY=($(compgen -W "debug info warn error" -- "$cur")); return ;;
    --config|--specs|schema) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
  esac
  COMPREPLY=($(compgen -W "%s %s" -- "$cur"))
}
complete -o default -F _reconcile reconcile
`, strings.Join(cmds, " "), strings.Join(flags, " "))
	case "zsh":
		fmt.Fprintf(w, "#compdef reconcile\n# zsh completion for reconcile: reconcile completion zsh > \"${fpath[1]}/_reconcile\"\n_arguments \\\n")
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(w, "  '--%s[%s]' \\\n", f.Name, strings.NewReplacer("'", "", "[", "(", "]", ")").Replace(f.Usage))
		})
		fmt.Fprintf(w, "  '1:command:(%s)' \\\n  '*:file:_files'\n", strings.Join(cmds, " "))
	case "fish":
		fmt.Fprintf(w, "# fish completion for reconcile: reconcile completion fish > ~/.config/fish/completions/reconcile.fish\n")
		fmt.Fprintf(w, "complete -c reconcile -n __fish_use_subcommand -a '%s'\n", strings.Join(cmds, " "))
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(w, "complete -c reconcile -l %s -d '%s'\n", f.Name, strings.ReplaceAll(f.Usage, "'", ""))
		})
	default:
		return fmt.Errorf("unknown shell %q: bash, zsh or fish", shell)
	}
	return nil
}

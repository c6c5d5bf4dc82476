package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/atomicfile"
	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/seal"
	"github.com/reconcile-dev/reconcile/schema"
)

// errorMark starts each line edit adds above a spec that is not valid.
const errorMark = "# reconcile edit: "

var modeline = regexp.MustCompile(`(?m)^# yaml-language-server: \$schema=(\S+)[ \t]*$`)

// editSpec is `reconcile edit FILE`: sops edit, with the cleartext in a
// private folder (in memory where the system offers it) beside a copy
// of the schemas, so the editor's language server validates as it types,
// and with the spec validated on save. An invalid spec is reopened with
// its errors on top, as kubectl edit does; nothing is written until it is
// valid, and an editor left with the file unchanged (or emptied) gives
// up, leaving FILE byte for byte as it was. A valid spec is encrypted
// again with the file's own data key, keys and encryption style.
func editSpec(ctx context.Context, file string, stdin io.Reader, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "reconcile: edit: "+format+"\n", a...)
		return exitError
	}
	original, err := safefile.ReadFile(file, load.DefaultMaxFileSize)
	if err != nil {
		return fail("%v", err)
	}
	clear, err := seal.Open(original)
	if err != nil {
		return fail("%s: %s", file, strings.Join(strings.Fields(err.Error()), " "))
	}
	base := privateTempBase()
	tmp, err := os.MkdirTemp(base, "reconcile-edit-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(tmp)
	if err := schema.Write(filepath.Join(tmp, "schema")); err != nil {
		return fail("write the schemas: %v", err)
	}
	// The modeline points at the copy of the schemas while editing, and
	// back where it was once saved.
	was := ""
	if m := modeline.FindSubmatch(clear); m != nil {
		was = string(m[1])
		schemaFile := filepath.Join(tmp, "schema", filepath.Base(was))
		clear = modeline.ReplaceAll(clear, []byte("# yaml-language-server: $schema="+filepath.ToSlash(schemaFile)))
	}
	path := filepath.Join(tmp, filepath.Base(file))
	shown := clear
	for {
		if err := os.WriteFile(path, shown, 0o600); err != nil {
			return fail("%v", err)
		}
		if err := runEditor(ctx, path, stdin, stdout, stderr); err != nil {
			return fail("%v", err)
		}
		edited, err := os.ReadFile(path)
		if err != nil {
			return fail("%v", err)
		}
		if bytes.Equal(edited, shown) || len(bytes.TrimSpace(edited)) == 0 {
			if bytes.Equal(shown, clear) {
				fmt.Fprintf(stdout, "Edit cancelled: %s is unchanged.\n", file)
				return exitOK
			}
			fmt.Fprintf(stdout, "Edit abandoned: %s is unchanged.\n", file)
			return exitError
		}
		edited = stripErrors(edited)
		if was != "" {
			edited = modeline.ReplaceAll(edited, []byte("# yaml-language-server: $schema="+was))
		}
		if ps := load.Check(filepath.Base(file), edited); len(ps) > 0 {
			var head strings.Builder
			fmt.Fprintf(&head, "%sthe spec is not valid, so nothing was saved; fix it, or leave the file\n%sas it is (or empty it) to give up:\n", errorMark, errorMark)
			for _, p := range ps {
				fmt.Fprintf(&head, "%serror: %s\n", errorMark, p.Error())
			}
			reopened := edited
			if was != "" {
				reopened = modeline.ReplaceAll(reopened, []byte("# yaml-language-server: $schema="+filepath.ToSlash(filepath.Join(tmp, "schema", filepath.Base(was)))))
			}
			shown = append([]byte(head.String()), reopened...)
			continue
		}
		out, err := seal.Again(original, edited)
		if err != nil {
			return fail("encrypt %s again: %v", file, err)
		}
		mode := os.FileMode(0o644)
		if fi, err := os.Stat(file); err == nil {
			mode = fi.Mode().Perm()
		}
		if err := atomicfile.Write(file, out, mode); err != nil {
			return fail("%v", err)
		}
		fmt.Fprintf(stdout, "Saved %s, encrypted again.\n", file)
		return exitOK
	}
}

// privateTempBase is where the cleartext goes while it is edited: memory,
// not disk, where the system offers it ($XDG_RUNTIME_DIR, a per-user
// tmpfs, then /dev/shm); else the usual temporary folder.
func privateTempBase() string {
	for _, dir := range []string{os.Getenv("XDG_RUNTIME_DIR"), "/dev/shm"} {
		if fi, err := os.Stat(dir); dir != "" && err == nil && fi.IsDir() {
			return dir
		}
	}
	return ""
}

// stripErrors removes the lines edit added above the spec.
func stripErrors(b []byte) []byte {
	var out [][]byte
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte(errorMark)) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, nil)
}

// runEditor runs $VISUAL or $EDITOR (vi when neither is set) on path, as
// sops does: the variable split into words, the path appended.
func runEditor(ctx context.Context, path string, stdin io.Reader, stdout, stderr io.Writer) error {
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	words := strings.Fields(editor)
	cmd := exec.CommandContext(ctx, words[0], append(words[1:], path)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the editor %q: %w", editor, err)
	}
	return nil
}

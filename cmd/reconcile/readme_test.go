package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReadmeSeveralOrgs runs the README's "Several orgs" walkthrough as
// written, line by line, in a copy of config.example: each `go run
// ./cmd/reconcile` is run in process and must exit as its comment says
// ("# exit N", else 0); the last one's output must be the one the README
// shows. No secret of the example may be printed.
func TestReadmeSeveralOrgs(t *testing.T) {
	script, want := walkthrough(t, "Several orgs")
	dir := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "config.example"), filepath.Join(dir, "config.example"))
	t.Chdir(dir)
	t.Setenv("HOME", t.TempDir())
	unset(t, "SOPS_AGE_KEY")
	if last := runWalkthrough(t, script); last != want {
		t.Errorf("the last command printed\n%s\nthe README shows\n%s", last, want)
	}
}

// TestReadmeStartYourOwn runs the README's "Start your own" walkthrough
// as written, in an empty folder with no age key, the editor a script
// that fills in the placeholders as a person would.
func TestReadmeStartYourOwn(t *testing.T) {
	script, _ := walkthrough(t, "Start your own")
	t.Chdir(t.TempDir())
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	unset(t, "SOPS_AGE_KEY")
	unset(t, "SOPS_AGE_KEY_FILE")
	editor := filepath.Join(home, "editor.sh")
	os.WriteFile(editor, []byte("#!/bin/sh\nsed -i -e 's/email: REPLACE-ME/email: agent@example.com/' -e 's#baseServiceUrl: REPLACE-ME#baseServiceUrl: https://acme.zendesk.com#' -e 's/REPLACE-ME-SECRET/tok-test-only-1/' \"$1\"\n"), 0o755)
	t.Setenv("EDITOR", editor)
	unset(t, "VISUAL")
	if last := runWalkthrough(t, script); !strings.Contains(last, "+ Zendesk Support (zendesk)") {
		t.Errorf("the walkthrough's last command printed\n%s", last)
	}
}

// walkthrough returns the sh block of the README section named title, and
// the plain block after it (its output), if any.
func walkthrough(t *testing.T, title string) (script, output string) {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	i := strings.Index(section, "\n## "+title+"\n")
	if i < 0 {
		t.Fatalf("README has no %s section", title)
	}
	section = section[i+1:]
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	for _, b := range fencedBlocks(section) {
		switch {
		case b.lang == "sh" && script == "":
			script = b.text
		case script != "" && output == "" && b.lang == "":
			output = b.text
		}
	}
	if script == "" {
		t.Fatalf("no sh block in the README's %s section", title)
	}
	return script, output
}

// runWalkthrough runs a README walkthrough line by line: export, cd, and
// reconcile (or go run ./cmd/reconcile), in process; each must exit as
// its comment says ("# exit N", else 0). It returns the last stdout.
func runWalkthrough(t *testing.T, script string) string {
	t.Helper()
	exitRE := regexp.MustCompile(`#\s*exit (\d)`)
	var last string
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		wantCode := 0
		if m := exitRE.FindStringSubmatch(line); m != nil {
			wantCode, _ = strconv.Atoi(m[1])
		}
		cmd := strings.TrimSpace(strings.SplitN(line, "#", 2)[0])
		switch {
		case cmd == "":
		case strings.HasPrefix(cmd, "export "):
			k, v, _ := strings.Cut(strings.TrimPrefix(cmd, "export "), "=")
			if m := regexp.MustCompile(`^"\$\(cat (\S+)\)"$`).FindStringSubmatch(v); m != nil {
				b, err := os.ReadFile(m[1])
				if err != nil {
					t.Fatal(err)
				}
				v = string(b)
			}
			t.Setenv(k, v)
		case strings.HasPrefix(cmd, "cd "):
			t.Chdir(strings.TrimPrefix(cmd, "cd "))
		case strings.HasPrefix(cmd, "go run ./cmd/reconcile "), strings.HasPrefix(cmd, "reconcile "):
			args := words(strings.TrimPrefix(strings.TrimPrefix(cmd, "go run ./cmd/reconcile "), "reconcile "))
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			if code != wantCode {
				t.Fatalf("%s: exit %d, want %d\n%s%s", cmd, code, wantCode, &stdout, &stderr)
			}
			for _, out := range []string{stdout.String(), stderr.String()} {
				if strings.Contains(out, "test-only-") || strings.Contains(out, "AGE-SECRET-KEY") {
					t.Errorf("%s printed a secret:\n%s", cmd, out)
				}
			}
			last = stdout.String()
		default:
			t.Fatalf("the walkthrough has a line this test cannot run: %q", line)
		}
	}
	return last
}

// words splits a command line as a shell would, double quotes kept
// together.
func words(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}

func unset(t *testing.T, k string) {
	t.Setenv(k, "")
	os.Unsetenv(k)
}

// copyTree copies the files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if rel == ".reconcile" {
			return filepath.SkipDir
		}
		to := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, fi.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

type block struct{ lang, text string }

// fencedBlocks returns the fenced code blocks of markdown, in order.
func fencedBlocks(markdown string) []block {
	var out []block
	var cur *block
	for _, line := range strings.SplitAfter(markdown, "\n") {
		fence, isFence := strings.CutPrefix(strings.TrimRight(line, "\n"), "```")
		switch {
		case isFence && cur == nil:
			cur = &block{lang: fence}
		case isFence:
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line
		}
	}
	return out
}

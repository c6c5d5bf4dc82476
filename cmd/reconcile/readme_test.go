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
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	i := strings.Index(section, "\n## Several orgs\n")
	if i < 0 {
		t.Fatal("README has no Several orgs section")
	}
	section = section[i+1:]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	var script, want string
	for _, b := range fencedBlocks(section) {
		switch {
		case b.lang == "sh":
			script = b.text
		case script != "" && want == "" && b.lang == "":
			want = b.text
		}
	}
	if script == "" || want == "" {
		t.Fatalf("no walkthrough (a sh block, then its output) in:\n%s", section)
	}

	dir := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "config.example"), filepath.Join(dir, "config.example"))
	t.Chdir(dir)
	t.Setenv("HOME", t.TempDir())
	unset(t, "SOPS_AGE_KEY")
	exitRE := regexp.MustCompile(`#\s*exit (\d)`)
	var last string
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		wantCode := 0
		if m := exitRE.FindStringSubmatch(line); m != nil {
			wantCode, _ = strconv.Atoi(m[1])
		}
		cmd := strings.TrimSpace(strings.SplitN(line, "#", 2)[0])
		switch {
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
		case strings.HasPrefix(cmd, "go run ./cmd/reconcile "):
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), strings.Fields(strings.TrimPrefix(cmd, "go run ./cmd/reconcile ")), &stdout, &stderr)
			if code != wantCode {
				t.Fatalf("%s: exit %d, want %d\n%s%s", cmd, code, wantCode, &stdout, &stderr)
			}
			for _, out := range []string{stdout.String(), stderr.String()} {
				if strings.Contains(out, "test-only-") {
					t.Errorf("%s printed a secret of the example:\n%s", cmd, out)
				}
			}
			last = stdout.String()
		default:
			t.Fatalf("the walkthrough has a line this test cannot run: %q", line)
		}
	}
	if last != want {
		t.Errorf("the last command printed\n%s\nthe README shows\n%s", last, want)
	}
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

package load_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/engine"
	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

var update = flag.Bool("update-corpus", false, "rewrite testdata/bad/*/want.json from the problems found")

// corpusCase is a case.yaml of testdata/bad; testdata/bad/README.md
// describes its fields.
type corpusCase struct {
	SpecsDir string `yaml:"specsDir"`
	Stage    string
	Encrypt  []struct {
		Files       []string
		Mode, Regex string
	}
	Tamper  []struct{ File, Key string }
	Replace []struct{ File, Old, New string }
	Remove  []struct {
		File       string
		LinePrefix string `yaml:"line_prefix"`
	}
	Truncate []string
	FS       []struct{ Op, Path, Target string }
	Options  struct {
		AllowPlaintext bool  `yaml:"allowPlaintext"`
		MaxFileSize    int64 `yaml:"maxFileSize"`
	}
	NoKey bool
}

// TestCorpus loads each case of testdata/bad, a spec directory that must
// fail, and compares its problems with the case's want.json.
func TestCorpus(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) { runCase(t, filepath.Join(root, e.Name())) })
	}
	if n < 40 {
		t.Errorf("the corpus holds %d cases; want at least 40", n)
	}
}

func runCase(t *testing.T, src string) {
	var c corpusCase
	dec := yaml.NewDecoder(strings.NewReader(readFile(t, filepath.Join(src, "case.yaml"))))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("case.yaml: %v", err)
	}
	for _, op := range c.FS {
		if op.Op == "chmod000" && os.Geteuid() == 0 {
			t.Skip("root reads a file of mode 000")
		}
	}
	work := t.TempDir()
	t.Chdir(work)
	keyFile, self, err := sopstest.NewIdentity(work, "key.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := sopstest.NewIdentity(work, "other.txt")
	if err != nil {
		t.Fatal(err)
	}
	if c.NoKey {
		keyFile = filepath.Join(work, "no-such-key.txt")
	}
	t.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	t.Setenv("HOME", filepath.Join(work, "home"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(work, "home", ".config"))
	for _, k := range []string{"SOPS_AGE_KEY", "SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_FILE", "SOPS_AGE_SSH_PRIVATE_KEY_CMD"} {
		unsetenv(t, k)
	}

	specs := filepath.Join(work, "specs")
	if err := os.CopyFS(specs, os.DirFS(filepath.Join(src, "specs"))); err != nil {
		t.Fatal(err)
	}
	p := func(rel string) string { return filepath.Join(specs, filepath.FromSlash(rel)) }
	for _, e := range c.Encrypt {
		opts := sopstest.Options{Recipients: []string{self}}
		switch e.Mode {
		case "regex":
			opts.EncryptedRegex = sopstest.SecretsRegex
			if e.Regex != "" {
				opts.EncryptedRegex = e.Regex
			}
		case "credentials":
			opts.EncryptedRegex = "^credentials$"
		case "other":
			opts.Recipients = []string{other}
		case "whole":
		case "none":
			continue
		default:
			t.Fatalf("case.yaml: unknown encrypt mode %q", e.Mode)
		}
		for _, rel := range glob(t, specs, e.Files) {
			if err := sopstest.EncryptFile(p(rel), opts); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tp := range c.Tamper {
		re := regexp.MustCompile(`(?m)^\s*(- )?` + regexp.QuoteMeta(tp.Key) + `: ENC\[AES256_GCM,data:`)
		edit(t, specs, tp.File, func(s string) string {
			loc := re.FindStringIndex(s)
			if loc == nil {
				t.Fatalf("tamper: no encrypted %s in %s:\n%s", tp.Key, tp.File, s)
			}
			flip := byte('A')
			if s[loc[1]] == 'A' {
				flip = 'B'
			}
			return s[:loc[1]] + string(flip) + s[loc[1]+1:]
		})
	}
	for _, r := range c.Replace {
		edit(t, specs, r.File, func(s string) string { return regexp.MustCompile(r.Old).ReplaceAllString(s, r.New) })
	}
	for _, r := range c.Remove {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(r.LinePrefix) + `.*\n?`)
		edit(t, specs, r.File, func(s string) string { return re.ReplaceAllString(s, "") })
	}
	for _, rel := range c.Truncate {
		edit(t, specs, rel, func(s string) string { return s[:len(s)/2] })
	}
	for _, op := range c.FS {
		var err error
		switch op.Op {
		case "symlink":
			err = os.Symlink(op.Target, p(op.Path))
		case "mkfifo":
			err = syscall.Mkfifo(p(op.Path), 0o644)
		case "chmod000":
			err = os.Chmod(p(op.Path), 0)
		case "mkdir":
			err = os.MkdirAll(p(op.Path), 0o755)
		default:
			t.Fatalf("case.yaml: unknown fs op %q", op.Op)
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	dir := "specs"
	if c.SpecsDir != "" {
		dir = c.SpecsDir
	}
	opts := load.Options{AllowPlaintext: c.Options.AllowPlaintext, MaxFileSize: c.Options.MaxFileSize}
	var loaded []*spec.Spec
	switch c.Stage {
	case "", "load":
		loaded, err = load.Load(context.Background(), dir, opts)
	case "validate": // load, then the per-type limits, as `reconcile validate`
		var count int
		count, err = (&engine.Engine{Specs: dir, Load: opts}).Validate(context.Background())
		loaded = make([]*spec.Spec, count)
	default:
		t.Fatalf("case.yaml: unknown stage %q", c.Stage)
	}
	if err == nil {
		t.Fatalf("loaded %d specs; want problems", len(loaded))
	}
	if len(loaded) > 0 {
		t.Errorf("returned %d specs with its error; want none", len(loaded))
	}
	got, ok := err.(spec.Problems)
	if !ok {
		t.Fatalf("the error is a %T, not spec.Problems: %v", err, err)
	}
	// Paths and recipients differ in each run; the goldens name them so.
	norm := strings.NewReplacer(work, "$WORK", self, "$RECIPIENT", other, "$OTHER_RECIPIENT")
	for i := range got {
		if strings.Contains(got[i].Message, secretMarker) {
			t.Errorf("problem %d quotes a secret value: %v", i, got[i])
		}
		if strings.Contains(got[i].Message, "internal error") {
			t.Errorf("problem %d is a recovered panic: %v", i, got[i])
		}
		got[i].Message = norm.Replace(got[i].Message)
	}

	golden := filepath.Join(src, "want.json")
	if *update {
		if t.Failed() {
			return // a golden never records a leaked secret or a panic
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(got); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var want spec.Problems
	if err := json.Unmarshal([]byte(readFile(t, golden)), &want); err != nil {
		t.Fatalf("want.json: %v", err)
	}
	// As rows, so that a diff shows the fields, not Problem.Error().
	type row spec.Problem
	rows := func(ps spec.Problems) (out []row) {
		for _, p := range ps {
			out = append(out, row(p))
		}
		return out
	}
	if diff := cmp.Diff(rows(want), rows(got)); diff != "" {
		t.Errorf("problems (-want.json +got):\n%s", diff)
	}
}

// glob returns the files under dir that match the patterns (fs.Glob
// syntax, slash-separated); each pattern must match.
func glob(t *testing.T, dir string, patterns []string) []string {
	t.Helper()
	var files []string
	for _, pat := range patterns {
		m, err := fs.Glob(os.DirFS(dir), pat)
		if err != nil || len(m) == 0 {
			t.Fatalf("case.yaml: %q matches no file (%v)", pat, err)
		}
		files = append(files, m...)
	}
	return files
}

package load_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path"
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
	Stage    string `yaml:"stage"`
	Encrypt  []struct {
		Files []string `yaml:"files"`
		Mode  string   `yaml:"mode"`
		Regex string   `yaml:"regex"`
	} `yaml:"encrypt"`
	Tamper []struct {
		File string `yaml:"file"`
		Key  string `yaml:"key"`
	} `yaml:"tamper"`
	Replace []struct {
		File string `yaml:"file"`
		Old  string `yaml:"old"`
		New  string `yaml:"new"`
	} `yaml:"replace"`
	Remove []struct {
		File       string `yaml:"file"`
		LinePrefix string `yaml:"line_prefix"`
	} `yaml:"remove"`
	Truncate []string `yaml:"truncate"`
	FS       []struct {
		Op     string `yaml:"op"`
		Path   string `yaml:"path"`
		Target string `yaml:"target"`
	} `yaml:"fs"`
	Options struct {
		AllowPlaintext bool  `yaml:"allowPlaintext"`
		MaxFileSize    int64 `yaml:"maxFileSize"`
	} `yaml:"options"`
	NoKey bool `yaml:"nokey"`
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
	for _, k := range []string{"SOPS_AGE_KEY", "SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_FILE"} {
		unsetenv(t, k)
	}

	specs := filepath.Join(work, "specs")
	copyTree(t, filepath.Join(src, "specs"), specs)
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
		edit(t, specs, r.File, func(s string) string {
			lines := strings.SplitAfter(s, "\n")
			kept := lines[:0]
			for _, l := range lines {
				if !strings.HasPrefix(l, r.LinePrefix) {
					kept = append(kept, l)
				}
			}
			return strings.Join(kept, "")
		})
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
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var want spec.Problems
	if err := json.Unmarshal([]byte(readFile(t, golden)), &want); err != nil {
		t.Fatalf("want.json: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want.json +got):\n%s", diff)
	}
}

// copyTree copies the regular files and folders under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) && p == src {
			return filepath.SkipDir // a case may have no specs at all
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// glob returns the files under dir, as slash paths, that match one of the
// patterns (path.Match syntax); each pattern must match a file.
func glob(t *testing.T, dir string, patterns []string) []string {
	t.Helper()
	var files []string
	matched := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		for _, pat := range patterns {
			if ok, _ := path.Match(pat, rel); ok {
				matched[pat] = true
				files = append(files, rel)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pat := range patterns {
		if !matched[pat] {
			t.Fatalf("case.yaml: %q matches no file", pat)
		}
	}
	return files
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getsops/sops/v3/decrypt"
	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"
)

// TestBundledExample: the committed example loads with its test-only key,
// and fails without it, file by file: its fixtures are really encrypted.
func TestBundledExample(t *testing.T) {
	example, _ := filepath.Abs(filepath.Join("..", "..", "config.example"))
	t.Chdir(t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(example, "TEST-ONLY-age-key.txt"))
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"validate", "--config", filepath.Join(example, "reconcile.yaml")}, &stdout, &stderr); code != 0 {
		t.Fatalf("validate with the test key: exit %d\n%s", code, &stderr)
	}
	if got := stdout.String(); got != "8 specs are valid.\n" {
		t.Errorf("stdout = %q", got)
	}

	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(t.TempDir(), "none.txt"))
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"validate", "--config", filepath.Join(example, "reconcile.yaml")}, &stdout, &stderr); code != 1 {
		t.Fatalf("validate without a key: exit %d, want 1", code)
	}
	files, _ := filepath.Glob(filepath.Join(example, "integrations", "*", "*.yaml"))
	if len(files) != 8 {
		t.Fatalf("%d example specs, want 8", len(files))
	}
	for _, f := range files {
		rel, _ := filepath.Rel(filepath.Join(example, "integrations"), f)
		if !strings.Contains(stderr.String(), filepath.ToSlash(rel)+":") || !strings.Contains(stderr.String(), "cannot decrypt the data key") {
			t.Errorf("%s decrypted without the key:\n%s", rel, &stderr)
		}
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte("test-only-")) {
			t.Errorf("%s holds a readable secret", rel)
		}
	}
}

// TestExamplesValidateAgainstWrittenSchemas: `reconcile schema DIR` writes
// schemas an editor can use on their own; every example spec, decrypted,
// validates against them, and each keeps a modeline to them unless
// encrypted whole (sops encrypts comments too).
func TestExamplesValidateAgainstWrittenSchemas(t *testing.T) {
	example, _ := filepath.Abs(filepath.Join("..", "..", "config.example"))
	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(example, "TEST-ONLY-age-key.txt"))
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"schema", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("schema: %d\n%s", code, &stderr)
	}
	files, _ := filepath.Glob(filepath.Join(example, "integrations", "*", "*.yaml"))
	for _, f := range files {
		vendor := filepath.Base(filepath.Dir(f))
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		c.AssertFormat = true
		sch, err := c.Compile(filepath.Join(dir, vendor+".json"))
		if err != nil {
			t.Fatalf("%s: %v", vendor, err)
		}
		clear, err := decrypt.File(f, "yaml")
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(clear, &doc); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s does not validate against the written %s.json: %v", f, vendor, err)
		}
		raw, _ := os.ReadFile(f)
		whole := bytes.Contains(raw, []byte("name: ENC["))
		if modeline := "# yaml-language-server: $schema=../../../schema/" + vendor + ".json"; !whole && !bytes.HasPrefix(raw, []byte(modeline)) {
			t.Errorf("%s lacks the modeline %q", f, modeline)
		}
	}
}

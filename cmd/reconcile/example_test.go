package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

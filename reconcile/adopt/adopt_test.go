package adopt_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/adopt"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/schema"
)

func TestTypedCredentialsGetTheirBranchsFields(t *testing.T) {
	schemas, err := schema.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ints := []org.Integration{
		{Name: "Translate", Type: "google", Active: true, Credential: &org.Credential{Type: "g-suite"}},
		{Name: "Translate", Type: "google", Credential: &org.Credential{Type: "cloud-platform"}},
		{Name: "Hooks", Type: "web-services", Active: true, MTLS: "genesys-cloud", Credential: &org.Credential{Type: "user-defined"}},
	}
	written, err := adopt.Write(dir, ints, schemas)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"google/translate.yaml", "google/translate-2.yaml", "web-services/hooks.yaml", ".sops.yaml"}
	if strings.Join(written, " ") != strings.Join(want, " ") {
		t.Fatalf("written %v, want %v", written, want)
	}
	read := func(rel string) string {
		b, _ := os.ReadFile(filepath.Join(dir, rel))
		return string(b)
	}
	for rel, wants := range map[string][]string{
		"google/translate.yaml": {"type: g-suite\n", "privateKey: REPLACE-ME-SECRET\n", "scopes:\n        - REPLACE-ME\n",
			"impersonateUserEmail: REPLACE-ME # optional\n", "serviceAccountEmail: REPLACE-ME\n"},
		"google/translate-2.yaml": {"type: cloud-platform\n", "clientEmail: REPLACE-ME\n", "active: false\n"},
		"web-services/hooks.yaml": {"type: user-defined\n", "fields:\n        REPLACE-ME-FIELD-NAME: REPLACE-ME-SECRET\n"},
		".sops.yaml":              {"encrypted_regex: '^(password|apiToken|clientSecret|securityToken|privateKey|fields)$'"},
	} {
		got := read(rel)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", rel, w, got)
			}
		}
	}
	if strings.Contains(read("google/translate-2.yaml"), "serviceAccountEmail") {
		t.Error("a cloud-platform credential got a g-suite field")
	}
}

// TestModeline: with Options.Schema each spec starts with the modeline
// to reconcile.json, relative to the spec's folder; without, none.
func TestModeline(t *testing.T) {
	schemas, err := schema.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := schema.Write(filepath.Join(root, "schema")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	ints := []org.Integration{
		{Name: "Support", Type: "zendesk", Active: true, Credential: &org.Credential{Type: "zendesk"}},
		{Name: "Hooks", Type: "web-services", Credential: &org.Credential{Type: "basic"}},
	}
	const url = "https://schemas.example.com/reconcile/v1/reconcile.json"
	for _, c := range []struct {
		name, dir, schema string
		want              string // the first line of each spec; "" for the header
	}{
		{"none", "none", "", ""},
		{"absolute", "abs", filepath.Join(root, "schema", "reconcile.json"), "# yaml-language-server: $schema=../../schema/reconcile.json"},
		{"relative-to-working-dir", filepath.Join("nested", "rel"), filepath.Join("schema", "reconcile.json"), "# yaml-language-server: $schema=../../../schema/reconcile.json"},
		{"url", "url", url, "# yaml-language-server: $schema=" + url},
	} {
		t.Run(c.name, func(t *testing.T) {
			written, err := adopt.WriteWith(c.dir, ints, schemas, adopt.Options{Schema: c.schema})
			if err != nil {
				t.Fatal(err)
			}
			plain := filepath.Join(t.TempDir(), "plain")
			if _, err := adopt.Write(plain, ints, schemas); err != nil {
				t.Fatal(err)
			}
			for _, rel := range written {
				b, err := os.ReadFile(filepath.Join(c.dir, rel))
				if err != nil {
					t.Fatal(err)
				}
				if rel == ".sops.yaml" {
					if strings.Contains(string(b), "yaml-language-server") {
						t.Errorf(".sops.yaml got a modeline:\n%s", b)
					}
					continue
				}
				first, rest, _ := strings.Cut(string(b), "\n")
				want, _ := os.ReadFile(filepath.Join(plain, rel))
				if c.want == "" {
					if string(b) != string(want) || !strings.HasPrefix(first, "# Imported by reconcile import.") {
						t.Errorf("%s without Options.Schema:\n%s", rel, b)
					}
					continue
				}
				if first != c.want || rest != string(want) {
					t.Errorf("%s starts %q, want %q before what Write writes:\n%s", rel, first, c.want, b)
				}
				if c.schema == url {
					continue
				}
				ref := strings.TrimPrefix(first, "# yaml-language-server: $schema=")
				if _, err := os.Stat(filepath.Join(c.dir, filepath.Dir(rel), filepath.FromSlash(ref))); err != nil {
					t.Errorf("%s: the modeline does not lead to reconcile.json: %v", rel, err)
				}
			}
		})
	}

	if _, err := adopt.WriteWith("spaced", ints, schemas, adopt.Options{Schema: filepath.Join(root, "my schemas", "reconcile.json")}); err == nil {
		t.Errorf("a schema path with a space was written into a modeline")
	}
	if entries, _ := os.ReadDir("spaced"); len(entries) != 0 {
		t.Errorf("a failed WriteWith left %d entries", len(entries))
	}
}

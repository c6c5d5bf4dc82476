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

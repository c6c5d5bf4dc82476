package load_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// envTree writes a spec tree with an overlay folder and a values file
// beside the spec directory, and returns the spec directory and the Env.
func envTree(t *testing.T, specs, overlay map[string]string, values string) (string, *load.Env) {
	t.Helper()
	root := t.TempDir()
	for rel, src := range specs {
		write(t, root, "specs/"+rel, src)
	}
	for rel, src := range overlay {
		write(t, root, "over/"+rel, src)
	}
	env := &load.Env{Name: "prod"}
	if len(overlay) > 0 {
		env.Overlay = filepath.Join(root, "over")
	}
	if values != "" {
		env.Values = write(t, root, "values.yaml", values)
	}
	return filepath.Join(root, "specs"), env
}

const gsuite = `name: Directory
type: google
notes: base
credentials:
  type: g-suite
  serviceAccountEmail: sa@example.com
  privateKeyId: k1
  privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
  scopes: [a, b]
`

// TestOverlaysMergeMapsAndReplaceLists: maps merge key by key, lists and
// scalars are replaced whole.
func TestOverlaysMergeMapsAndReplaceLists(t *testing.T) {
	dir, env := envTree(t, map[string]string{"g.yaml": gsuite},
		map[string]string{"g.yaml": "notes: prod\ncredentials:\n  scopes: [c]\n"}, "")
	specs := mustLoad(t, dir, load.Options{AllowPlaintext: true, Env: env})
	c := specs[0].Credential
	if specs[0].Notes != "prod" || c.Fields["serviceAccountEmail"] != "sa@example.com" {
		t.Errorf("notes %q, email %v: want the overlay's notes and the base's email", specs[0].Notes, c.Fields["serviceAccountEmail"])
	}
	if diff := cmp.Diff([]any{"c"}, c.Fields["scopes"]); diff != "" {
		t.Errorf("scopes (-want +got), a list is replaced, not merged:\n%s", diff)
	}
}

// TestEnvironmentProblemsNameTheFileThatHoldsThem: the base spec, the
// overlay or the values file, with line and key.
func TestEnvironmentProblemsNameTheFileThatHoldsThem(t *testing.T) {
	base := "name: Z\ntype: zendesk\nnotes: ${values.stage}\ncredentials:\n  email: ${values.email}\n  baseServiceUrl: https://a.zendesk.com\n  apiToken: tok-SECRET-1\n"
	tests := []struct {
		name    string
		overlay string
		values  string
		want    spec.Problems
	}{
		{"a bad value from the overlay", "credentials:\n  baseServiceUrl: http://nope\n", "stage: s\nemail: a@example.com\n",
			spec.Problems{{File: "../over/z.yaml", Line: 2, Column: 3, Path: "/credentials/baseServiceUrl", Message: "must be the Zendesk account URL…"}}},
		{"a bad value from the values file", "", "stage: s\nemail: not-an-email\n",
			spec.Problems{{File: "../values.yaml", Line: 2, Column: 1, Path: "/credentials/email", Message: "must be an email address (the value of email)"}}},
		{"an unknown value, in the base", "", "stage: s\n",
			spec.Problems{{File: "z.yaml", Line: 5, Column: 3, Path: "/credentials/email", Message: "unknown value ${values.email}: environment prod has no value email (its values file ../values.yaml defines no email)"}}},
		{"$delete with other keys", "$delete: true\nnotes: x\n", "stage: s\nemail: a@example.com\n",
			spec.Problems{{File: "../over/z.yaml", Line: 1, Column: 1, Path: "/$delete", Message: "$delete removes the spec from this environment: it is `$delete: true`, alone in its file"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			over := map[string]string{}
			if tt.overlay != "" {
				over["z.yaml"] = tt.overlay
			}
			dir, env := envTree(t, map[string]string{"z.yaml": base}, over, tt.values)
			checkProblems(t, loadProblems(t, dir, load.Options{AllowPlaintext: true, Env: env}), tt.want)
		})
	}
}

// TestNamesAreUniqueAfterOverlays: an overlay that renames a spec onto
// another's name is caught; one that deletes a spec frees its name.
func TestNamesAreUniqueAfterOverlays(t *testing.T) {
	specs := map[string]string{"a.yaml": "name: A\ntype: web-services\n", "b.yaml": "name: B\ntype: web-services\n"}
	dir, env := envTree(t, specs, map[string]string{"b.yaml": "name: a\n"}, "")
	ps := loadProblems(t, dir, load.Options{Env: env})
	if len(ps) != 1 || ps[0].File != "b.yaml" || ps[0].Path != "/name" {
		t.Errorf("problems = %v, want b.yaml's name taken", ps)
	}
	dir, env = envTree(t, specs, map[string]string{"b.yaml": "$delete: true\n"}, "")
	if got := mustLoad(t, dir, load.Options{Env: env}); len(got) != 1 || got[0].Name != "A" {
		t.Errorf("after $delete: %d specs, want A alone", len(got))
	}
}

// TestOnlyValuesAreSubstituted: ${values.KEY} is replaced, $${values.KEY}
// is the literal text, and every other ${...} stays as written.
func TestOnlyValuesAreSubstituted(t *testing.T) {
	dir, env := envTree(t, map[string]string{"w.yaml": "name: W ${values.n}\ntype: web-services\nnotes: ${input.x} $${values.n} $${input.y} ${values.n}${values.n}\n"}, nil, "n: 7\n")
	s := mustLoad(t, dir, load.Options{Env: env})[0]
	if s.Name != "W 7" || s.Notes != "${input.x} ${values.n} $${input.y} 77" {
		t.Errorf("name %q notes %q", s.Name, s.Notes)
	}
}

// TestAFileOfManyUnknownKeys is answered with a bounded list of problems.
func TestAFileOfManyUnknownKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: W\ntype: web-services\n")
	for i := range 100000 {
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	dir := t.TempDir()
	write(t, dir, "w.yaml", b.String())
	ps := loadProblems(t, dir, load.Options{MaxFileSize: 4 << 20})
	if len(ps) != 51 || !strings.Contains(ps[0].Message, "and 99950 more problems") {
		t.Errorf("%d problems, the first %q; want 50 and a count of the rest, at the document", len(ps), ps[0].Message)
	}
}

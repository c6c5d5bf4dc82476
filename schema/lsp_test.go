package schema_test

// The real yaml-language-server (pinned in .ci/lsp/package.json) as
// referee of the editor schemas: it opens the example specs as committed,
// encrypted, through their modelines or the yaml.schemas association of
// reconcile.json, as an editor would. Without .ci/lsp/node_modules the
// test skips, unless CI is set.

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/schema"
)

const lspDir = "../.ci/lsp"

// integrationsGlob is the yaml.schemas pattern that associates
// reconcile.json with every spec, for the files sops encrypted whole
// (their modeline, a comment, is encrypted too).
const integrationsGlob = "**/integrations/**/*.yaml"

func needLSP(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(lspDir)
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "yaml-language-server", "package.json")); err != nil {
		missing = "yaml-language-server is not installed: run `npm ci --prefix .ci/lsp`"
	} else if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH: install Node.js to run yaml-language-server"
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s", missing)
		}
		t.Skip(missing)
	}
	return dir
}

type lspDiagnostic struct {
	Line, Character int
	Severity        int
	Message         string
}

type lspHover struct {
	File            string
	Line, Character int
	Contents        string
}

type lspResult struct {
	Diagnostics map[string][]lspDiagnostic
	Hovers      []lspHover
}

type hover struct {
	file string // relative to the root
	key  string // hovered: the first line whose key it is
}

// driveLSP runs .ci/lsp/drive.js in root over files (relative to root).
func driveLSP(t *testing.T, root string, files []string, hovers []hover, args ...string) lspResult {
	t.Helper()
	for _, h := range hovers {
		line, char := keyPosition(t, filepath.Join(root, h.file), h.key)
		args = append(args, "--hover", h.file+":"+strconv.Itoa(line)+":"+strconv.Itoa(char))
	}
	cmd := exec.Command("node", append(append([]string{filepath.Join(needLSP(t), "drive.js"), "--root", root}, args...), files...)...)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("drive.js: %v\n%s", err, &stderr)
	}
	var res lspResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("drive.js output: %v\n%s", err, &stdout)
	}
	return res
}

func keyPosition(t *testing.T, file, key string) (line, char int) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if rest := strings.TrimLeft(l, " "); strings.HasPrefix(rest, key+":") {
			return i, len(l) - len(rest) + 1 // on the key
		}
	}
	t.Fatalf("%s has no key %s", file, key)
	return 0, 0
}

// lspLayout copies the example specs under root/config.example, where
// their modelines (../../../schema/<vendor>.json) find root/schema, and
// returns them relative to root.
func lspLayout(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	for _, src := range exampleSpecs(t) {
		rel := filepath.Join("config.example", "integrations", filepath.Base(filepath.Dir(src)), filepath.Base(src))
		copyFile(t, src, filepath.Join(root, rel), nil)
		files = append(files, rel)
	}
	return files
}

// copyFile copies src to dst, through edit when given.
func copyFile(t *testing.T, src, dst string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		b = []byte(edit(string(b)))
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLSPExamplesHaveNoDiagnostics: yaml-language-server finds nothing
// wrong in any example as committed, finds what is wrong in broken copies
// at the right line, and hovers show the schema's descriptions.
func TestLSPExamplesHaveNoDiagnostics(t *testing.T) {
	needLSP(t)
	root := t.TempDir()
	if err := schema.Write(filepath.Join(root, "schema")); err != nil {
		t.Fatal(err)
	}
	examples := lspLayout(t, root)
	var whole []string // no modeline: sops encrypted the file, comments too
	for _, f := range examples {
		b, _ := os.ReadFile(filepath.Join(root, f))
		if !bytes.Contains(b, []byte("# yaml-language-server: $schema=")) {
			whole = append(whole, f)
		}
	}
	if len(whole) == 0 {
		t.Errorf("every example has a modeline: the yaml.schemas association is untested")
	}

	zendesk := filepath.Join("config.example", "integrations", "zendesk", "support.yaml")
	platform := filepath.Join("config.example", "integrations", "genesys-cloud", "platform.yaml")
	broken := map[string]struct {
		from string
		edit func(string) string
		want []struct{ key, message string } // the key whose line the diagnostic is on
	}{
		filepath.Join("config.example", "integrations", "zendesk", "broken.yaml"): {zendesk,
			func(s string) string {
				s = strings.Replace(s, "\nnotes:", "\nnote:", 1)
				return strings.Replace(s, "baseServiceUrl: https://", "baseServiceUrl: http://", 1)
			},
			[]struct{ key, message string }{
				{"note", "Property note is not allowed."},
				{"baseServiceUrl", `String does not match the pattern of "^https://`},
			}},
		filepath.Join("config.example", "integrations", "genesys-cloud", "broken.yaml"): {platform,
			func(s string) string {
				return s + "note: ENC[AES256_GCM,data:bm90ZQ==,iv:5J9MhhITdokDkEaVc9ic61XuxIv+JBAzo+t/TQETAp4=,tag:WSs2hEQuz+mDvPqbf+Cp2w==,type:str]\n"
			},
			[]struct{ key, message string }{{"note", "Property note is not allowed."}}},
		filepath.Join("config.example", "integrations", "zendesk", "freshdesk.yaml"): {zendesk,
			func(s string) string {
				_, rest, _ := strings.Cut(s, "\n") // no modeline: reconcile.json judges
				return strings.Replace(rest, "type: zendesk", "type: freshdesk", 1)
			},
			[]struct{ key, message string }{{"type", `Value is not accepted. Valid values: "aws-lambda"`}}},
	}
	files := slices.Clone(examples)
	for dst, b := range broken {
		copyFile(t, filepath.Join(root, b.from), filepath.Join(root, dst), b.edit)
		files = append(files, dst)
	}

	res := driveLSP(t, root, files, []hover{
		{zendesk, "baseServiceUrl"},
		{platform, "clientSecret"},
	}, "--schema", "schema/reconcile.json="+integrationsGlob)

	for _, f := range examples {
		if d, ok := res.Diagnostics[f]; !ok {
			t.Errorf("%s: no diagnostics published", f)
		} else if len(d) != 0 {
			t.Errorf("%s: %d diagnostics, want none: %+v", f, len(d), d)
		}
	}
	for f, b := range broken {
		got := res.Diagnostics[f]
		if len(got) != len(b.want) {
			t.Errorf("%s: diagnostics %+v, want %d", f, got, len(b.want))
		}
		for _, w := range b.want {
			line, _ := keyPosition(t, filepath.Join(root, f), w.key)
			if !slices.ContainsFunc(got, func(d lspDiagnostic) bool {
				return d.Line == line && d.Severity == 1 && strings.HasPrefix(d.Message, w.message)
			}) {
				t.Errorf("%s: no error %q on line %d (%s): %+v", f, w.message, line, w.key, got)
			}
		}
	}
	for _, c := range []struct{ file, want string }{
		{zendesk, "the Zendesk account URL, https://<subdomain>.zendesk.com"},
		{platform, "the OAuth client's secret (secret: encrypt it with sops)"},
	} {
		if i := slices.IndexFunc(res.Hovers, func(h lspHover) bool { return h.File == c.file }); i < 0 || !strings.Contains(res.Hovers[i].Contents, c.want) {
			t.Errorf("hover in %s: %+v, want text containing %q", c.file, res.Hovers, c.want)
		}
	}
}

// TestLSPRefereeCanFail: the same server over the same files with the
// strict schemas the loader uses finds the sops block in every file whose
// modeline names a schema, so no diagnostics above means the editor
// schemas passed, not that no schema was found.
func TestLSPRefereeCanFail(t *testing.T) {
	needLSP(t)
	root := t.TempDir()
	strict, err := filepath.Glob("*.json") // the embedded files, beside this test
	if err != nil || len(strict) == 0 {
		t.Fatalf("no strict schemas: %v", err)
	}
	for _, n := range strict {
		copyFile(t, n, filepath.Join(root, "schema", n), nil)
	}
	var withModeline []string
	for _, f := range lspLayout(t, root) {
		b, _ := os.ReadFile(filepath.Join(root, f))
		if bytes.Contains(b, []byte("# yaml-language-server: $schema=")) {
			withModeline = append(withModeline, f)
		}
	}
	res := driveLSP(t, root, withModeline, nil)
	for _, f := range withModeline {
		line, _ := keyPosition(t, filepath.Join(root, f), "sops")
		if !slices.ContainsFunc(res.Diagnostics[f], func(d lspDiagnostic) bool {
			return d.Line == line && d.Message == "Property sops is not allowed."
		}) {
			t.Errorf("%s against the strict schema: %+v, want the sops block refused", f, res.Diagnostics[f])
		}
	}
}

package schema_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/schema"
)

// editorSchemas writes the editor schemas and compiles, from disk as an
// editor loads them, every vendor's file and reconcile.json.
func editorSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	dir := t.TempDir()
	if err := schema.Write(dir); err != nil {
		t.Fatalf("Write: %v", err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, n := range append(compiled(t).Types(), strings.TrimSuffix(schema.Dispatcher, ".json")) {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		c.AssertFormat = true
		sch, err := c.Compile(filepath.Join(dir, n+".json"))
		if err != nil {
			t.Fatalf("compile the written %s.json: %v", n, err)
		}
		out[n] = sch
	}
	return out
}

// committedExample reads an example spec as committed (encrypted) into
// JSON values.
func committedExample(t *testing.T, path string) obj {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return jsonValues(t, v).(obj)
}

func jsonValues(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func exampleSpecs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "config.example", "integrations", "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example specs: %v", err)
	}
	return files
}

// TestEditorSchemasAcceptCommittedExamples: every example spec, encrypted
// as committed (values, the sops block, and one encrypted whole, type and
// all), meets its vendor's written schema and reconcile.json, while the
// loader's strict schema still refuses it as it is.
func TestEditorSchemasAcceptCommittedExamples(t *testing.T) {
	editor := editorSchemas(t)
	strict := compiled(t)
	whole := 0
	for _, f := range exampleSpecs(t) {
		vendor := filepath.Base(filepath.Dir(f))
		t.Run(vendor, func(t *testing.T) {
			doc := committedExample(t, f)
			if s, _ := doc["type"].(string); strings.HasPrefix(s, "ENC[") {
				whole++
			}
			for _, n := range []string{vendor, "reconcile"} {
				if err := editor[n].Validate(any(doc)); err != nil {
					t.Errorf("%s as committed does not meet the written %s.json: %v", f, n, err)
				}
			}
			if v, err := strict.Validate(vendor, doc); err != nil || len(v) == 0 {
				t.Errorf("the loader's schema accepts %s encrypted (%v, %v): it must stay strict", f, v, err)
			}
		})
	}
	if whole == 0 {
		t.Errorf("no example is encrypted whole: the encrypted type is untested")
	}
}

// TestEditorSchemasLoosenOnlyEncryption: the written schemas accept every
// valid fixture and refuse every invalid one, as the strict ones do.
func TestEditorSchemasLoosenOnlyEncryption(t *testing.T) {
	editor := editorSchemas(t)
	for _, f := range fixtures {
		for _, doc := range []obj{f.full(), f.minimal()} {
			for _, n := range []string{f.vendor, "reconcile"} {
				if err := editor[n].Validate(jsonValues(t, doc)); err != nil {
					t.Errorf("%s: valid fixture fails the written %s.json: %v", f.name, n, err)
				}
			}
		}
	}
	for _, c := range invalidCases(t) {
		f := fixtureNamed(t, c.fix)
		base := f.minimal
		if c.full {
			base = f.full
		}
		doc := jsonValues(t, edited(t, base(), c.edits...))
		for _, n := range []string{f.vendor, "reconcile"} {
			if editor[n].Validate(doc) == nil {
				t.Errorf("%s: invalid fixture meets the written %s.json", c.name, n)
			}
		}
	}
}

// TestEditorSchemasRejectBrokenEncryptedSpecs: a committed spec edited
// wrong fails; encrypted stand-ins for a boolean pass.
func TestEditorSchemasRejectBrokenEncryptedSpecs(t *testing.T) {
	editor := editorSchemas(t)
	const encBool = "ENC[AES256_GCM,data:rlbZCg==,iv:5J9MhhITdokDkEaVc9ic61XuxIv+JBAzo+t/TQETAp4=,tag:WSs2hEQuz+mDvPqbf+Cp2w==,type:bool]"
	zendesk := filepath.Join("..", "config.example", "integrations", "zendesk", "support.yaml")
	platform := filepath.Join("..", "config.example", "integrations", "genesys-cloud", "platform.yaml")
	for _, c := range []struct {
		name, file string
		edits      []edit
		refuse     bool // the vendor's file and reconcile.json must refuse it, or both accept it
	}{
		{"unknown-key", zendesk, []edit{set("/note", "typo of notes")}, true},
		{"readable-bad-url", zendesk, []edit{set("/credentials/baseServiceUrl", "http://example.zendesk.com")}, true},
		{"unknown-credential", zendesk, []edit{set("/credentials/password", "x")}, true},
		{"not-quite-encrypted", zendesk, []edit{set("/credentials/baseServiceUrl", "ENC[AES256_GCM,data:abc")}, true},
		{"active-as-text", zendesk, []edit{set("/active", "yes")}, true},
		{"sops-not-a-block", zendesk, []edit{set("/sops", "x")}, true},
		{"unknown-type", zendesk, []edit{set("/type", "freshdesk")}, true},
		{"no-type", zendesk, []edit{del("/type")}, true},
		{"other-vendor", zendesk, []edit{set("/type", "salesforce")}, true},
		{"encrypted-active", zendesk, []edit{set("/active", encBool)}, false},
		{"whole-unknown-key", platform, []edit{set("/note", encBool)}, true},
		{"whole-encrypted-active", platform, []edit{set("/active", encBool)}, false},
		{"whole-missing-secret", platform, []edit{del("/credentials/clientSecret")}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := jsonValues(t, edited(t, committedExample(t, c.file), c.edits...))
			vendor := filepath.Base(filepath.Dir(c.file))
			for _, n := range []string{vendor, "reconcile"} {
				err := editor[n].Validate(doc)
				switch {
				case c.refuse && err == nil:
					t.Errorf("the written %s.json accepts it", n)
				case !c.refuse && err != nil:
					t.Errorf("the written %s.json refuses it: %v", n, err)
				}
			}
		})
	}
}

package config_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/config"
)

func write(t *testing.T, content string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "conf")
	os.Mkdir(dir, 0o755)
	path := filepath.Join(dir, "reconcile.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPathsAreRelativeToTheFile(t *testing.T) {
	path := write(t, "specs: integrations\ntarget:\n  local:\n    path: state/org.json\nfingerprintKeyFile: keys/fp\nprune: true\ntest: true\nowner: team-a\nwatch:\n  debounce: 1s\n")
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	want := &config.Config{Found: true, File: path, Specs: filepath.Join(dir, "integrations"), Prune: true, Test: true, Owner: "team-a",
		FingerprintKeyFile: filepath.Join(dir, "keys/fp"),
		Target:             config.Target{Local: &config.Local{Path: filepath.Join(dir, "state/org.json")}},
		Watch:              config.Watch{Debounce: time.Second, Resync: config.DefaultResync, Listen: config.DefaultListen}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestDefaults(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Found || c.Specs != "" || c.Target.Local == nil || c.Target.Local.Path != config.DefaultOrgPath ||
		c.Watch.Debounce != config.DefaultDebounce || c.Watch.Resync != config.DefaultResync || c.Watch.Listen != config.DefaultListen || c.Owner != config.DefaultOwner {
		t.Errorf("defaults = %+v", c)
	}
	if _, err := config.Load("missing.yaml"); err == nil {
		t.Error("an explicit --config that does not exist was accepted")
	}
}

func TestErrors(t *testing.T) {
	for content, want := range map[string]string{
		"specs: x\nprnue: true\n":                                     `reconcile.yaml:2: invalid configuration: unknown key "prnue"`,
		"target:\n  local: {}\n  genesys: {region: mypurecloud.ie}\n": "give exactly one target: local or genesys",
		"target:\n  genesys: {}\n":                                    "give exactly one of region and apiUrl",
		"watch:\n  debounce: soon\n":                                  `"soon" is not a positive duration`,
		"owner: team a\n":                                             `owner "team a" must be 1 to 64 letters, digits`,
	} {
		_, err := config.Load(write(t, content))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", content, err, want)
		}
	}
}

// TestExamplesLoad: the configuration files shipped in config.example,
// including the one inside the Kubernetes manifest, load.
func TestExamplesLoad(t *testing.T) {
	for _, f := range []string{"reconcile.yaml", "genesys.yaml"} {
		if _, err := config.Load(filepath.Join("..", "..", "config.example", f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "config.example", "kubernetes", "reconcile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	found := false
	for {
		var doc struct {
			Kind string            `yaml:"kind"`
			Data map[string]string `yaml:"data"`
		}
		if err := dec.Decode(&doc); err != nil {
			break
		}
		if cfg, ok := doc.Data["reconcile.yaml"]; ok && doc.Kind == "ConfigMap" {
			found = true
			c, err := config.Load(write(t, cfg))
			if err != nil {
				t.Fatalf("the manifest's reconcile.yaml: %v", err)
			}
			if c.Specs != "/specs" || c.Target.Genesys == nil || c.Watch.Listen != "0.0.0.0:9464" {
				t.Errorf("the manifest's configuration = %+v", c)
			}
		}
	}
	if !found {
		t.Error("no reconcile.yaml in the Kubernetes manifest")
	}
}

func TestTheGenesysTarget(t *testing.T) {
	c, err := config.Load(write(t, "specs: s\ntarget:\n  genesys:\n    region: mypurecloud.ie\n    requestsPerMinute: 120\n    retryBudget: 45s\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &config.Genesys{Region: "mypurecloud.ie", RequestsPerMinute: 120, RetryBudget: 45 * time.Second}
	if diff := cmp.Diff(want, c.Target.Genesys); diff != "" {
		t.Errorf("genesys target (-want +got):\n%s", diff)
	}
	_, err = config.Load(write(t, "specs: s\ntarget:\n  genesys:\n    region: mypurecloud.ie\n    retryBudget: soon\n"))
	if err == nil || !strings.Contains(err.Error(), "retryBudget") && !strings.Contains(err.Error(), "positive duration") {
		t.Errorf("a bad retryBudget: %v", err)
	}
}

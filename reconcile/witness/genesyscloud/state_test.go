package genesyscloud_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// orgView is everything a client can read of an org.
type orgView struct {
	Integrations api.Page[api.Integration]
	Credentials  []api.CredentialInfo
	Actions      api.Page[api.Action]
}

func (e *env) view() orgView {
	e.t.Helper()
	var v orgView
	e.do("GET", "/api/v2/integrations?pageSize=100&expand=config.current", nil, 200, &v.Integrations)
	e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, &v.Credentials)
	e.do("GET", "/api/v2/integrations/actions?pageSize=100", nil, 200, &v.Actions)
	return v
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "org.json")
	a := newEnv(t, genesyscloud.Options{StatePath: state, Seed: 5})
	i := a.createIntegration("z", zendesk)
	a.createIntegration("w", webServices)
	c := a.createCredential("z", "zendeskApiToken", map[string]string{"apiToken": "tok-SECRET"})
	a.createCredential("orphan", "basicAuth", map[string]string{"password": "pw-SECRET"})
	cfg := a.config(i.ID)
	cfg.Notes, cfg.Properties = "n", map[string]any{"k": "v", "n": 2.0}
	cfg.Credentials = map[string]api.CredentialRef{"zendeskApiToken": {ID: c.ID, Type: "zendeskApiToken"}}
	a.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", cfg, 200, nil)
	a.do("PATCH", "/api/v2/integrations/"+i.ID, map[string]string{"intendedState": "ENABLED"}, 200, nil)
	if _, err := a.srv.AddAction(i.ID, "Get ticket"); err != nil {
		t.Fatal(err)
	}
	want := a.view()

	b := newEnv(t, genesyscloud.Options{StatePath: state, Seed: 5})
	if d := cmp.Diff(want, b.view()); d != "" {
		t.Errorf("org after a restart (-before +after):\n%s", d)
	}
	if s := b.srv.Stats(); s.Integrations != 2 || s.Credentials != 2 {
		t.Errorf("stats after a restart: %+v", s)
	}
	// A restarted credential can still be referenced and replaced.
	b.do("PUT", "/api/v2/integrations/credentials/"+c.ID, api.Credential{Name: "z2", Type: api.TypeName{Name: "zendeskApiToken"}}, 200, nil)
	// New ids do not collide with the loaded ones.
	n := b.createIntegration("new", zendesk)
	for _, old := range want.Integrations.Entities {
		if old.ID == n.ID {
			t.Errorf("new id %s collides", n.ID)
		}
	}
	file, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(file, []byte(n.ID)) || !bytes.Contains(file, []byte(`"z2"`)) {
		t.Errorf("the state file was not saved after the writes:\n%s", file)
	}
	if bytes.Contains(file, []byte("SECRET")) {
		t.Errorf("a secret is in the state file:\n%s", file)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left in the state directory: %v", entries)
	}
}

func TestStateFileErrors(t *testing.T) {
	tests := map[string]string{
		"not JSON":          `{`,
		"unknown field":     `{"format":1,"extra":true}`,
		"wrong format":      `{"format":2}`,
		"unknown type":      `{"format":1,"integrations":[{"id":"a","integrationType":{"id":"nope"},"intendedState":"DISABLED","config":{"name":"a","version":1}}]}`,
		"duplicate id":      `{"format":1,"credentials":[{"id":"a","name":"a","type":{"name":"basicAuth"}},{"id":"a","name":"b","type":{"name":"basicAuth"}}]}`,
		"orphan action":     `{"format":1,"actions":[{"id":"x","name":"x","integrationId":"nope"}]}`,
		"unknown cred type": `{"format":1,"credentials":[{"id":"a","name":"a","type":{"name":"nope"}}]}`,
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "org.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := genesyscloud.New(genesyscloud.Options{ClientID: "a", ClientSecret: "b", StatePath: path}); err == nil {
				t.Error("New accepted the state file")
			}
		})
	}
	// A missing file is an empty org, saved at the first write.
	path := filepath.Join(t.TempDir(), "org.json")
	e := newEnv(t, genesyscloud.Options{StatePath: path})
	if _, err := os.Stat(path); err == nil {
		t.Error("the state file exists before any write")
	}
	e.createCredential("c", "basicAuth", nil)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("no state file after a write: %v", err)
	}
}

func TestNewOptions(t *testing.T) {
	tests := []struct {
		name string
		opts genesyscloud.Options
		want string // in the error; "" means New succeeds
	}{
		{"valid", genesyscloud.Options{ClientID: "a", ClientSecret: "b", FaultRate: 1, RateLimit: 1}, ""},
		{"no client id", genesyscloud.Options{ClientSecret: "b"}, "client id"},
		{"no client secret", genesyscloud.Options{ClientID: "a"}, "client secret"},
		{"fault rate over 1", genesyscloud.Options{ClientID: "a", ClientSecret: "b", FaultRate: 1.5}, "fault rate"},
		{"negative fault rate", genesyscloud.Options{ClientID: "a", ClientSecret: "b", FaultRate: -0.1}, "fault rate"},
		{"negative rate limit", genesyscloud.Options{ClientID: "a", ClientSecret: "b", RateLimit: -1}, "rate limit"},
		{"negative latency", genesyscloud.Options{ClientID: "a", ClientSecret: "b", Latency: -1}, "latency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := genesyscloud.New(tt.opts)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("New: %v, want an error about %q", err, tt.want)
			}
		})
	}
}

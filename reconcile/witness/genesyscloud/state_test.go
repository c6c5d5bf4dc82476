package genesyscloud_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// orgView is everything a client can read of an org.
type orgView struct {
	Integrations genesyscloud.IntegrationEntityListing
	Credentials  genesyscloud.CredentialInfoCursorListing
	Actions      genesyscloud.ActionEntityListing
}

func (e *env) view() orgView {
	e.t.Helper()
	var v orgView
	e.do("GET", "/api/v2/integrations?pageSize=100&expand=config.current", nil, 200, &v.Integrations)
	e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, &v.Credentials)
	e.do("GET", "/api/v2/integrations/actions?pageSize=100&includeAuthActions=true", nil, 200, &v.Actions)
	return v
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "org.json")
	a := newEnv(t, genesyscloud.Options{StatePath: state, Seed: 5})
	i := a.createIntegration("z", zendesk)
	a.createIntegration("w", webServices)
	w := a.createIntegration("w2", webServices)
	c := a.createCredential("z", "zendeskApiToken", zendeskFields("tok-SECRET"))
	a.createCredential("orphan", "basicAuth", map[string]string{"userName": "u", "password": "pw-SECRET"})
	o := a.createCredential("o", "userDefinedOAuth", map[string]string{"clientSecret": "oauth-SECRET"})
	cfg := a.config(i.ID)
	cfg.Notes, cfg.Properties = "n", map[string]any{"k": "v", "n": 2.0, "list": []any{"a", map[string]any{"b": true}}}
	a.putConfig(i.ID, cfg, map[string]string{"zendeskApiToken": c.ID}, 200)
	a.putConfig(w.ID, a.config(w.ID), map[string]string{"basicAuth": o.ID}, 200) // and an auth action
	a.do("PATCH", "/api/v2/integrations/"+i.ID, map[string]string{"intendedState": "ENABLED"}, 200, nil)
	if err := a.srv.SetReportedState(w.ID, "ERROR", "reported by the test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.srv.AddAction(i.ID, "Get ticket"); err != nil {
		t.Fatal(err)
	}
	want := a.view()

	b := newEnv(t, genesyscloud.Options{StatePath: state, Seed: 5})
	if d := cmp.Diff(want, b.view()); d != "" {
		t.Errorf("org after a restart (-before +after):\n%s", d)
	}
	if len(want.Actions.Entities) != 2 || len(want.Credentials.Entities) != 3 {
		t.Errorf("the org before the restart: %+v", want)
	}
	if s := b.srv.Stats(); s.Integrations != 3 || s.Credentials != 3 {
		t.Errorf("stats after a restart: %+v", s)
	}
	// A restarted credential can still be referenced and replaced.
	b.do("PUT", "/api/v2/integrations/credentials/"+c.ID, credential("z2", "zendeskApiToken", zendeskFields("t")), 200, nil)
	b.putConfig(i.ID, b.config(i.ID), map[string]string{"zendeskApiToken": c.ID}, 200)
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
		"unknown field":     `{"format":2,"extra":true}`,
		"old format":        `{"format":1}`,
		"unknown type":      `{"format":2,"integrations":[{"id":"a","typeId":"nope","intendedState":"DISABLED","config":{"name":"a","version":1}}]}`,
		"bad state":         `{"format":2,"integrations":[{"id":"a","typeId":"imap-server","intendedState":"ON","config":{"name":"a","version":1}}]}`,
		"duplicate id":      `{"format":2,"credentials":[{"id":"a","name":"a","type":"basicAuth"},{"id":"a","name":"b","type":"basicAuth"}]}`,
		"orphan action":     `{"format":2,"actions":[{"id":"x","name":"x","integrationId":"nope"}]}`,
		"unknown cred type": `{"format":2,"credentials":[{"id":"a","name":"a","type":"nope"}]}`,
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
	e.createCredential("c", "userDefined", nil)
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

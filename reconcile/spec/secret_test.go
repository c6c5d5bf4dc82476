package spec_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// TestSecretNeverPrints tries every way a secret could be printed by
// accident, alone and inside the structures that hold it.
func TestSecretNeverPrints(t *testing.T) {
	s := spec.NewSecret("tok-SECRET-1")
	if s.Reveal() != "tok-SECRET-1" {
		t.Fatalf("Reveal = %q", s.Reveal())
	}
	type hidden struct{ s spec.Secret }
	c := &spec.Credential{Type: "zendesk", Fields: map[string]any{"apiToken": s, "fields": map[string]any{"k": s}}}
	holders := map[string]any{
		"secret": s, "pointer": &s, "credential": c, "spec": &spec.Spec{Credential: c},
		"unexported field": hidden{s}, "slice": []any{s},
	}
	for name, v := range holders {
		var out []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		j, _ := json.Marshal(v)
		y, _ := yaml.Marshal(v)
		var logged bytes.Buffer
		slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "v", v)
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "v", v)
		out = append(out, string(j), string(y), logged.String())
		for _, o := range out {
			if strings.Contains(o, "SECRET") || strings.Contains(o, "746f6b") /* hex of "tok" */ {
				t.Errorf("%s printed the secret: %s", name, o)
			}
		}
	}
}

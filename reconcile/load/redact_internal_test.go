package load

import (
	"strings"
	"testing"
)

// TestRedactProblems: a problem whose message quotes a secret value of the
// document (as a library's message might) prints the mask instead.
func TestRedactProblems(t *testing.T) {
	doc := map[string]any{"credentials": map[string]any{"apiToken": "tok-SECRET-1", "email": "a@example.com"}}
	ps := redact([]problemAt{{msg: `value "tok-SECRET-1" does not match`}, {msg: "a@example.com is fine to show"}}, doc, []string{"/credentials/apiToken"})
	if strings.Contains(ps[0].msg, "SECRET") || !strings.Contains(ps[0].msg, "(sensitive value)") {
		t.Errorf("message %q", ps[0].msg)
	}
	if ps[1].msg != "a@example.com is fine to show" {
		t.Errorf("a readable value was redacted: %q", ps[1].msg)
	}
}

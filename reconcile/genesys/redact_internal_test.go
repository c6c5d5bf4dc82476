package genesys

import (
	"strings"
	"testing"
)

// TestRedactTheValuesSent: an API error that quotes what it refused, as
// sent, JSON-escaped (a PEM key's newlines as \n) or one line of it,
// prints none of it.
func TestRedactTheValuesSent(t *testing.T) {
	pem := "-----BEGIN PRIVATE KEY-----\nMIIsecretLINEone\nMIIsecretLINEtwo\n-----END PRIVATE KEY-----\n"
	sent := map[string]string{"password": "pw-SECRET-1", "privateKey": pem}
	for name, msg := range map[string]string{
		"as sent":      "field password: value pw-SECRET-1 is not allowed",
		"json-escaped": `invalid body {"privateKey":"-----BEGIN PRIVATE KEY-----\nMIIsecretLINEone\nMIIsecretLINEtwo\n-----END PRIVATE KEY-----\n"}`,
		"one line":     "bad base64 near MIIsecretLINEtwo",
	} {
		err := redact(&APIError{Method: "POST", Path: "/api/v2/integrations/credentials", Status: 400, Message: msg}, sent)
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "secretLINE") {
			t.Errorf("%s: the error prints a value sent: %v", name, err)
		}
	}
}

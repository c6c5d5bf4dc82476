package genesys

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// The most of an org's text an error keeps: characters of a message, of
// an error code, and bytes of an error answer read.
const (
	maxMessage   = 200
	maxCode      = 64
	maxErrorBody = 64 << 10
)

// summarise makes one short line of s, text from the org: every secret
// replaced by spec.Mask (the longest first, so that no part of one is
// left), control characters and runs of white space made one space, and
// the whole cut at limit characters.
func summarise(s string, limit int, secrets []string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	secrets = slices.SortedFunc(slices.Values(secrets), func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, f := range secrets {
		s = strings.ReplaceAll(s, f, spec.Mask)
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
	}), " ")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	cut := 0
	for range limit {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return s[:cut] + "…"
}

// secretForms returns the forms in which the org may quote a value back:
// as sent, JSON-escaped (with and without HTML escapes), URL-encoded, and
// line by line (a PEM key quoted in part, its armour lines aside). Forms
// shorter than 4 characters are left out: masking them would mask
// ordinary words.
func secretForms(v string) []string {
	forms := []string{v, url.QueryEscape(v)}
	for _, html := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(v) == nil {
			quoted := strings.TrimSpace(b.String())
			forms = append(forms, quoted[1:len(quoted)-1])
		}
	}
	if strings.Contains(v, "\n") {
		forms = append(forms, strings.Split(v, "\n")...)
	}
	return slices.Compact(slices.Sorted(slices.Values(slices.DeleteFunc(forms, func(f string) bool {
		return len(strings.TrimSpace(f)) < 4 || strings.HasPrefix(f, "-----")
	}))))
}

// clientForms returns the forms of the OAuth client's id and secret the
// org may quote back: each as secretForms has them, and the Basic
// authorization the token request carried (RFC 6749 section 2.3.1:
// base64 of the URL-encoded id and secret, as x/oauth2 sends them), raw
// too.
func clientForms(id, secret string) []string {
	forms := append(secretForms(id), secretForms(secret)...)
	for _, pair := range []string{url.QueryEscape(id) + ":" + url.QueryEscape(secret), id + ":" + secret} {
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte(pair)), base64.RawStdEncoding.EncodeToString([]byte(pair)))
	}
	return forms
}

// sentSecrets returns the forms of the credential field values a request
// body carries, which an error must not quote back.
func sentSecrets(body any) []string {
	var fields map[string]string
	switch b := body.(type) {
	case api.Credential:
		fields = b.CredentialFields
	case *api.Credential:
		if b != nil {
			fields = b.CredentialFields
		}
	}
	var out []string
	for _, v := range fields {
		out = append(out, secretForms(v)...)
	}
	return out
}

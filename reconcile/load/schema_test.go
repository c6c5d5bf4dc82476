package load_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// problemAtKey is a wanted problem at the key path keys of the file.
type problemAtKey struct {
	keys []string // where in the file; nil for the document's first key
	path string
	msg  string
}

func k(keys ...string) []string { return keys }

func TestSchemaProblems(t *testing.T) {
	allow := load.Options{AllowPlaintext: true}
	const (
		dynamics = "name: Dynamics\ntype: microsoft-dynamics-365\ncredentials:\n  userName: agent@acme.com\n  password: pw-SECRET-1\n  organizationUrl: %s\n  applicationId: " + appID + "\n"
		lambda   = "name: Lambda\ntype: aws-lambda\ncredentials:\n  roleArn: %s\n"
	)
	tests := []struct {
		name string
		src  string
		opts load.Options
		want []problemAtKey
	}{
		{"unknown type", "name: x\ntype: jira\n", load.Options{},
			[]problemAtKey{{k("type"), "/type", msgUnknownType}}},
		{"misspelt type", "name: x\ntype: zendesc\n", load.Options{},
			[]problemAtKey{{k("type"), "/type", msgUnknownType + "; did you mean zendesk?"}}},
		{"type not a string", "name: x\ntype: [zendesk]\n", load.Options{},
			[]problemAtKey{{k("type"), "/type", msgUnknownType}}},
		{"missing type", "name: x\nnotes: y\n", load.Options{},
			[]problemAtKey{{nil, "/type", msgMissingType}}},
		{"missing name", "notes: y\ntype: web-services\n", load.Options{},
			[]problemAtKey{{nil, "/name", `missing required key "name"`}}},
		{"misspelt credentials", "name: x\ntype: aws-lambda\ncredentails:\n  roleArn: " + roleARN + "\n", load.Options{},
			[]problemAtKey{
				{nil, "/credentials", `missing required key "credentials"`},
				{k("credentails"), "/credentails", `unknown key "credentails"; did you mean credentials? allowed here: actions, active, credentials, formerNames, name, notes, type`},
			}},
		{"unknown top-level key", "name: x\ntype: web-services\nowner: web team\n", load.Options{},
			[]problemAtKey{{k("owner"), "/owner", `unknown key "owner"; allowed here: actions, active, credentials, formerNames, mtls, name, notes, type`}}},
		{"mtls on another vendor", "name: x\ntype: aws-lambda\nmtls:\n  clientCertificateAuthority: digicert\ncredentials:\n  roleArn: " + roleARN + "\n", load.Options{},
			[]problemAtKey{{k("mtls"), "/mtls", `unknown key "mtls"; allowed here: actions, active, credentials, formerNames, name, notes, type`}}},
		{"unknown mtls authority", "name: x\ntype: web-services\nmtls:\n  clientCertificateAuthority: letsencrypt\n", load.Options{},
			[]problemAtKey{{k("mtls", "clientCertificateAuthority"), "/mtls/clientCertificateAuthority", "must be one of: genesys-cloud, digicert"}}},
		{"unknown key in credentials", "name: x\ntype: aws-lambda\ncredentials:\n  roleArn: " + roleARN + "\n  region: eu-west-1\n", load.Options{},
			[]problemAtKey{{k("credentials", "region"), "/credentials/region", `unknown key "region"; allowed here: roleArn`}}},
		{"missing credentials keys", "name: x\ntype: zendesk\ncredentials:\n  email: agent@example.com\n", load.Options{},
			[]problemAtKey{
				{k("credentials"), "/credentials/apiToken", `missing required key "apiToken"`},
				{k("credentials"), "/credentials/baseServiceUrl", `missing required key "baseServiceUrl"`},
			}},
		{"basic credentials without userName", "name: x\ntype: web-services\ncredentials:\n  type: basic\n  password: pw-SECRET-1\n", allow,
			[]problemAtKey{{k("credentials"), "/credentials/userName", `missing required key "userName"`}}},
		{"bad ARN", fmt.Sprintf(lambda, "arn:aws:iam::1234:role/x"), load.Options{},
			[]problemAtKey{{k("credentials", "roleArn"), "/credentials/roleArn", msgARN}}},
		{"http URL", fmt.Sprintf(dynamics, "http://acme.crm.dynamics.com"), allow,
			[]problemAtKey{{k("credentials", "organizationUrl"), "/credentials/organizationUrl", msgURL}}},
		{"Zendesk URL of another host", "name: x\ntype: zendesk\ncredentials:\n  email: agent@example.com\n  baseServiceUrl: https://acme.example.com\n  apiToken: tok-SECRET-1\n", allow,
			[]problemAtKey{{k("credentials", "baseServiceUrl"), "/credentials/baseServiceUrl", msgZendeskURL}}},
		{"bad GUID", "name: x\ntype: genesys-cloud\ncredentials:\n  clientId: 7c9e6679-7425-40de-944b\n  clientSecret: cs-SECRET-1\n", allow,
			[]problemAtKey{{k("credentials", "clientId"), "/credentials/clientId", msgGUID}}},
		{"bad email", "name: x\ntype: zendesk\ncredentials:\n  email: agent-at-example.com\n  baseServiceUrl: https://acme.zendesk.com\n  apiToken: tok-SECRET-1\n", allow,
			[]problemAtKey{{k("credentials", "email"), "/credentials/email", msgEmail}}},
		{"bad PEM", "name: x\ntype: google\ncredentials:\n  type: cloud-platform\n  clientId: \"1\"\n  clientEmail: a@acme.com\n  privateKeyId: k1\n  privateKey: not-a-pem-SECRET-key\n", allow,
			[]problemAtKey{{k("credentials", "privateKey"), "/credentials/privateKey", msgPEM}}},
		{"empty secret", "name: x\ntype: genesys-cloud\ncredentials:\n  clientId: " + clientID + "\n  clientSecret: \"\"\n", load.Options{},
			[]problemAtKey{{k("credentials", "clientSecret"), "/credentials/clientSecret", "must not be empty"}}},
		{"field value not a string", "name: x\ntype: genesys-cloud-function\ncredentials:\n  fields:\n    retries: 3\n", allow,
			[]problemAtKey{{k("credentials", "fields", "retries"), "/credentials/fields/retries", "must be a string, but got number"}}},
		{"wrong types", "name: 5\ntype: web-services\nactive: \"yes\"\ncredentials: none\n", load.Options{},
			[]problemAtKey{
				{k("name"), "/name", "must be a string, but got number"},
				{k("active"), "/active", "must be a boolean, but got string"},
				{k("credentials"), "/credentials", "must be an object, but got string"},
			}},
		{"name with a trailing space", "name: 'Orders '\ntype: web-services\n", load.Options{},
			[]problemAtKey{{k("name"), "/name", "must be a name without leading or trailing spaces, unique in the org (compared case-insensitively)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sopsEnv(t)
			dir := t.TempDir()
			write(t, dir, "f.yaml", tt.src)
			checkProblems(t, loadProblems(t, dir, tt.opts), wantAt(t, "f.yaml", tt.src, tt.want))
		})
	}
}

// wantAt places the wanted problems in text, the file on disk.
func wantAt(t *testing.T, file, text string, want []problemAtKey) spec.Problems {
	t.Helper()
	out := make(spec.Problems, len(want))
	for i, w := range want {
		var p spec.Position
		if w.keys == nil {
			p = firstKey(t, text)
		} else {
			p = keyAt(t, text, w.keys...)
		}
		out[i] = at(file, p, w.path, w.msg)
	}
	return out
}

// firstKey returns where the document's first key is: the first line that
// is neither blank nor a comment.
func firstKey(t *testing.T, text string) spec.Position {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if line != "" && line[0] != '#' && line[0] != ' ' {
			return spec.Position{Line: i + 1, Column: 1}
		}
	}
	t.Fatalf("no key in:\n%s", text)
	return spec.Position{}
}

// TestSchemaPositionsInEncryptedFiles checks that a problem found in the
// decrypted document points at its key in the file on disk, which sops has
// re-indented and stripped of blank lines.
func TestSchemaPositionsInEncryptedFiles(t *testing.T) {
	rec := sopsEnv(t)
	const header = "# Owned by the integrations team.\n\n# Reviewed yearly.\n"
	tests := []struct {
		name, src, regex string
		want             []problemAtKey
	}{
		{"bad ARN, secrets regex", header + "name: Lambda\ntype: aws-lambda\n\ncredentials:\n  roleArn: arn:aws:iam::42:role/x\n", sopstest.SecretsRegex,
			[]problemAtKey{{k("credentials", "roleArn"), "/credentials/roleArn", msgARN}}},
		{"bad ARN, whole file", header + "name: Lambda\ntype: aws-lambda\n\ncredentials:\n  roleArn: arn:aws:iam::42:role/x\n", "",
			[]problemAtKey{{k("credentials", "roleArn"), "/credentials/roleArn", msgARN}}},
		{"bad email, secrets regex", header + "name: Z\ntype: zendesk\ncredentials:\n\n  email: agent-at-example.com\n  baseServiceUrl: https://acme.zendesk.com\n  apiToken: tok-SECRET-1\n", sopstest.SecretsRegex,
			[]problemAtKey{{k("credentials", "email"), "/credentials/email", msgEmail}}},
		{"bad email, whole file", header + "name: Z\ntype: zendesk\ncredentials:\n\n  email: agent-at-example.com\n  baseServiceUrl: https://acme.zendesk.com\n  apiToken: tok-SECRET-1\n", "",
			[]problemAtKey{{k("credentials", "email"), "/credentials/email", msgEmail}}},
		{"bad email, credentials block", header + "name: Z\ntype: zendesk\ncredentials:\n\n  email: agent-at-example.com\n  baseServiceUrl: https://acme.zendesk.com\n  apiToken: tok-SECRET-1\n", "^credentials$",
			[]problemAtKey{{k("credentials", "email"), "/credentials/email", msgEmail}}},
		{"bad PEM and missing key, whole file", header + "name: G\ntype: google\ncredentials:\n  type: cloud-platform\n  clientEmail: a@acme.com\n  privateKeyId: k1\n  privateKey: not-a-pem-SECRET-key\n", "",
			[]problemAtKey{
				{k("credentials"), "/credentials/clientId", `missing required key "clientId"`},
				{k("credentials", "privateKey"), "/credentials/privateKey", msgPEM},
			}},
		{"unknown type, whole file", header + "name: x\ntype: zendesc\n", "",
			[]problemAtKey{{k("type"), "/type", msgUnknownType + "; did you mean zendesk?"}}},
		{"missing name, whole file", header + "notes: x\ntype: web-services\n", "",
			[]problemAtKey{{nil, "/name", `missing required key "name"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			disk := writeEnc(t, dir, "f.yaml", tt.src, rec, tt.regex)
			want := wantAt(t, "f.yaml", disk, tt.want)
			if plain := wantAt(t, "f.yaml", tt.src, tt.want); plain[len(plain)-1] == want[len(want)-1] {
				t.Fatalf("the fixture's key is at %d:%d in both the plaintext and the encrypted file: the test cannot tell them apart",
					want[len(want)-1].Line, want[len(want)-1].Column)
			}
			checkProblems(t, loadProblems(t, dir, load.Options{}), want)
		})
	}
}

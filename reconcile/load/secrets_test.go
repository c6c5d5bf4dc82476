package load_test

import (
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// problemAtValue is a wanted problem at the value of the key path keys.
type problemAtValue struct {
	keys []string
	path string
	msg  string
}

func TestPlaintextSecrets(t *testing.T) {
	const fakeENC = "ENC[AES256_GCM,data:dG9rLVNFQ1JFVC0x,iv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]"
	tests := []struct {
		name  string
		src   string
		regex string // "-" leaves the file plaintext
		// keyAt reads positions from the file on disk.
		want []problemAtValue
	}{
		{"one secret", srcZendesk, "-",
			[]problemAtValue{{k("credentials", "apiToken"), "/credentials/apiToken", msgPlain}}},
		{"two secrets", srcSalesforce, "-", []problemAtValue{
			{k("credentials", "password"), "/credentials/password", msgPlain},
			{k("credentials", "securityToken"), "/credentials/securityToken", msgPlain},
		}},
		{"every field of a user-defined map", srcFunction, "-", []problemAtValue{
			{k("credentials", "fields", "apiKey"), "/credentials/fields/apiKey", msgPlain},
			{k("credentials", "fields", "region"), "/credentials/fields/region", msgPlain},
		}},
		{"a PEM block", srcGoogleCloud, "-",
			[]problemAtValue{{k("credentials", "privateKey"), "/credentials/privateKey", msgPlain}}},
		{"every secret of a web service", srcBasic, "-",
			[]problemAtValue{{k("credentials", "password"), "/credentials/password", msgPlain}}},
		{"a value that looks encrypted, in a plaintext file",
			strings.Replace(srcZendesk, "tok-SECRET-1", fakeENC, 1), "-",
			[]problemAtValue{{k("credentials", "apiToken"), "/credentials/apiToken", msgPlain}}},
		{"a PEM value that looks encrypted, in a plaintext file",
			"name: G\ntype: google\ncredentials:\n  type: cloud-platform\n  clientId: \"1\"\n  clientEmail: a@acme.com\n  privateKeyId: k1\n  privateKey: " + fakeENC + "\n", "-",
			[]problemAtValue{
				{k("credentials", "privateKey"), "/credentials/privateKey", msgPEM},
				{k("credentials", "privateKey"), "/credentials/privateKey", msgPlain},
			}},
		{"sops left the secret unencrypted", srcZendesk, "^email$",
			[]problemAtValue{{k("credentials", "apiToken"), "/credentials/apiToken", msgLeftPlain}}},
		{"sops left the fields unencrypted", srcUserDefinedOAuth, "^password$", []problemAtValue{
			{k("credentials", "fields", "clientId"), "/credentials/fields/clientId", msgLeftPlain},
			{k("credentials", "fields", "clientSecret"), "/credentials/fields/clientSecret", msgLeftPlain},
		}},
		{"a value that looks encrypted, left alone by sops",
			strings.Replace(srcZendesk, "tok-SECRET-1", fakeENC, 1), "^email$",
			[]problemAtValue{{k("credentials", "apiToken"), "/credentials/apiToken", msgLeftPlain}}},
		{"Google credentials of a misspelt type",
			strings.Replace(srcGoogleCloud, "type: cloud-platform", "type: cloud-platfrom", 1), "-", []problemAtValue{
				{k("credentials", "type"), "/credentials/type", "must be one of: cloud-platform, g-suite"},
				{k("credentials", "privateKey"), "/credentials/privateKey", msgPlain},
			}},
		{"web-services credentials of a misspelt type",
			strings.Replace(srcBasic, "type: basic", "type: basik", 1), "-", []problemAtValue{
				{k("credentials", "type"), "/credentials/type", "must be one of: basic, user-defined, user-defined-oauth"},
				{k("credentials", "password"), "/credentials/password", msgPlain},
			}},
		{"web-services credentials without a type",
			strings.Replace(srcUserDefined, "  type: user-defined\n", "", 1), "-", []problemAtValue{
				{k("credentials"), "/credentials/type", `missing required key "type"`},
				{k("credentials", "fields", "apiKey"), "/credentials/fields/apiKey", msgPlain},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := sopsEnv(t)
			dir := t.TempDir()
			disk := tt.src
			if tt.regex == "-" {
				write(t, dir, "f.yaml", tt.src)
			} else {
				disk = writeEnc(t, dir, "f.yaml", tt.src, rec, tt.regex)
			}
			var want spec.Problems
			for _, w := range tt.want {
				p := keyAt(t, disk, w.keys...) // every problem is at its key
				want = append(want, at("f.yaml", p, w.path, w.msg))
			}
			checkProblems(t, loadProblems(t, dir, load.Options{}), want)
		})
	}
}

// TestPlaintextWithoutSecrets checks that a file with no secret value needs
// no encryption.
func TestPlaintextWithoutSecrets(t *testing.T) {
	sopsEnv(t)
	dir := t.TempDir()
	write(t, dir, "public.yaml", srcNoCredentials)
	write(t, dir, "lambda.yaml", srcAWS)
	write(t, dir, "function.yaml", "name: Function\ntype: genesys-cloud-function\n")
	write(t, dir, "function-no-fields.yaml", "name: Function 2\ntype: genesys-cloud-function\ncredentials: {}\n")
	specs := mustLoad(t, dir, load.Options{})
	var got []string
	for _, s := range specs {
		got = append(got, s.File+" "+s.Name)
	}
	want := "function-no-fields.yaml Function 2,function.yaml Function,lambda.yaml Order Lookup,public.yaml Public API"
	if strings.Join(got, ",") != want {
		t.Errorf("loaded %q, want %q", strings.Join(got, ","), want)
	}
}

// TestPlaintextAllowedWhereSopsLeftIt checks that --allow-plaintext accepts
// a value sops left readable, as it accepts a plaintext file.
func TestPlaintextAllowedWhereSopsLeftIt(t *testing.T) {
	rec := sopsEnv(t)
	dir := t.TempDir()
	writeEnc(t, dir, "zendesk.yaml", srcZendesk, rec, "^email$")
	specs := mustLoad(t, dir, load.Options{AllowPlaintext: true})
	if len(specs) != 1 {
		t.Fatalf("loaded %d specs, want 1", len(specs))
	}
	tok, ok := specs[0].Credential.Fields["apiToken"].(spec.Secret)
	if !ok || tok.Reveal() != "tok-SECRET-1" {
		t.Errorf("apiToken = %#v, want the secret tok-SECRET-1", specs[0].Credential.Fields["apiToken"])
	}
}

// TestPlaintextSecretsEncryptedElsewhere checks that a problem in one file
// does not hide the plaintext secrets of another, nor load the good ones.
func TestPlaintextSecretsEncryptedElsewhere(t *testing.T) {
	rec := sopsEnv(t)
	dir := t.TempDir()
	writeEnc(t, dir, "a-encrypted.yaml", srcZendesk, rec, sopstest.SecretsRegex)
	write(t, dir, "b-plain.yaml", strings.Replace(srcGenesys, "Other Org", "Plain Org", 1))
	checkProblems(t, loadProblems(t, dir, load.Options{}), spec.Problems{
		at("b-plain.yaml", keyAt(t, srcGenesys, "credentials", "clientSecret"), "/credentials/clientSecret", msgPlain),
	})
}

package load_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// Every secret value of the fixtures holds "SECRET", so that a test can
// check that no message quotes one.
const secretMarker = "SECRET"

// Realistic values of the fixtures.
const (
	roleARN  = "arn:aws:iam::123456789012:role/genesys-lambda"
	clientID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	appID    = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
	scopeGCP = "https://www.googleapis.com/auth/cloud-platform"
	// pemKey is a (fake) PEM private key holding the secret marker.
	pemKey = "-----BEGIN PRIVATE KEY-----\n" +
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n" +
		"MzEfYyjiWA4R4SECRET1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n" +
		"-----END PRIVATE KEY-----\n"
)

// Messages of the loader, written out here so that a change of wording is
// a deliberate one.
const (
	vendorList     = "aws-lambda, genesys-cloud, genesys-cloud-function, google, microsoft-dynamics-365, salesforce, web-services, zendesk"
	msgPlain       = "secret value in plaintext: encrypt it with sops (the file is not sops-encrypted), or pass --allow-plaintext for a local experiment"
	msgLeftPlain   = "secret value in plaintext: sops left it unencrypted (check --encrypted-regex or the .sops.yaml creation rule), or pass --allow-plaintext for a local experiment"
	msgAnchors     = "YAML anchors and aliases are not allowed in a spec"
	msgEmptyFile   = "empty file: a spec needs at least name and type"
	msgNotMapping  = "a spec must be a mapping of keys (name, type, ...)"
	msgBinary      = "not a YAML text file: it holds binary data (NUL bytes or invalid UTF-8)"
	msgKeysStrings = "keys must be plain strings"
	msgTwoDocs     = "more than one YAML document: a spec file holds exactly one integration"
	msgUnknownType = "unknown type; one of: " + vendorList
	msgMissingType = `missing required key "type"; one of: ` + vendorList
	msgARN         = "must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>"
	msgURL         = "must be an https URL, such as https://example.com"
	msgGUID        = "must be a GUID, 8-4-4-4-12 hexadecimal digits such as 0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83"
	msgEmail       = "must be an email address"
	msgZendeskURL  = "must be the Zendesk account URL, https://<subdomain>.zendesk.com"
	msgPEM         = `must be a PEM private key block (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----); literal \n escapes and the surrounding quotes of a JSON key file are accepted`
	msgDataKey     = "cannot decrypt the data key with any key available here (check SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, GnuPG or KMS credentials): "
	msgCiphertext  = "a value does not decrypt with the file's data key: the ciphertext was altered"
	msgMACAltered  = "the sops MAC does not decrypt: the mac or lastmodified field was altered"
	msgMACMismatch = "MAC mismatch: the file was changed after sops encrypted it (a value edited by hand?); edit it with `sops` instead"
	msgBadMetadata = "invalid sops metadata: "
)

// sopsEnv gives the test an age identity of its own, found through
// SOPS_AGE_KEY_FILE only, and returns its recipient.
func sopsEnv(t *testing.T) (recipient string) {
	t.Helper()
	keyFile, recipient, err := sopstest.NewIdentity(t.TempDir(), "key.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	// sops tells an unset variable from an empty one: SOPS_AGE_KEY_CMD=""
	// is a command to run. So these are unset, not emptied.
	for _, k := range []string{"SOPS_AGE_KEY", "SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_FILE"} {
		unsetenv(t, k)
	}
	return recipient
}

// unsetenv unsets k for the test's duration.
func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "") // restores the old value at cleanup
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}

// write writes content to dir/rel, making its folders, and returns the path.
func write(t *testing.T, dir, rel, content string) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeEnc writes content to dir/rel and encrypts it for recipient with
// sops, as `sops encrypt --encrypted-regex regex` (every value when regex is
// empty). It returns the file's content on disk.
func writeEnc(t *testing.T, dir, rel, content, recipient, regex string) string {
	t.Helper()
	path := write(t, dir, rel, content)
	if err := sopstest.EncryptFile(path, sopstest.Options{Recipients: []string{recipient}, EncryptedRegex: regex}); err != nil {
		t.Fatal(err)
	}
	return readFile(t, path)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit rewrites the file at dir/rel with f, which must change it.
func edit(t *testing.T, dir, rel string, f func(string) string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	old := readFile(t, path)
	s := f(old)
	if s == old {
		t.Fatalf("the edit of %s changed nothing", rel)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mustLoad loads dir, which must succeed.
func mustLoad(t *testing.T, dir string, opts load.Options) []*spec.Spec {
	t.Helper()
	specs, err := load.Load(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return specs
}

// loadProblems loads dir, which must fail: no spec, a spec.Problems error,
// and no secret value in any message.
func loadProblems(t *testing.T, dir string, opts load.Options) spec.Problems {
	t.Helper()
	specs, err := load.Load(context.Background(), dir, opts)
	if err == nil {
		t.Fatalf("Load succeeded with %d specs; want problems", len(specs))
	}
	if specs != nil {
		t.Errorf("Load returned %d specs with its error; want none", len(specs))
	}
	if strings.Contains(err.Error(), secretMarker) {
		t.Errorf("the error quotes a secret value:\n%v", err)
	}
	ps, ok := spec.AsProblems(err)
	if !ok {
		t.Fatalf("Load error is a %T, not spec.Problems: %v", err, err)
	}
	return ps
}

// checkProblems compares got with want. A wanted message that ends in "…"
// matches any message that starts with the text before it.
func checkProblems(t *testing.T, got, want spec.Problems) {
	t.Helper()
	got = append(spec.Problems(nil), got...)
	for i := range min(len(got), len(want)) {
		if prefix, ok := strings.CutSuffix(want[i].Message, "…"); ok && strings.HasPrefix(got[i].Message, prefix) {
			got[i].Message = want[i].Message
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// keyAt returns where the key path keys is in text, a YAML file as written
// on disk, found by reading the text, not by a YAML parser: each key is the
// first line at or after its parent's line that starts, after indentation,
// with "key:" (or "- key:").
func keyAt(t *testing.T, text string, keys ...string) spec.Position {
	t.Helper()
	lines := strings.Split(text, "\n")
	from := 0
	var p spec.Position
	for _, k := range keys {
		found := false
		for i := from; i < len(lines); i++ {
			rest := strings.TrimLeft(lines[i], " ")
			indent := len(lines[i]) - len(rest)
			if after, ok := strings.CutPrefix(rest, "- "); ok {
				rest, indent = after, indent+2
			}
			if strings.HasPrefix(rest, k+":") {
				p, from, found = spec.Position{Line: i + 1, Column: indent + 1}, i+1, true
				break
			}
		}
		if !found {
			t.Fatalf("key %q not found in:\n%s", strings.Join(keys, "/"), text)
		}
	}
	return p
}

// at makes a wanted problem at p.
func at(file string, p spec.Position, path, msg string) spec.Problem {
	return spec.Problem{File: file, Line: p.Line, Column: p.Column, Path: path, Message: msg}
}

// Plaintext specs, one per vendor and credential type; every secret value
// holds the marker.
const (
	srcAWS = `name: Order Lookup
type: aws-lambda
notes: Invokes the order functions
credentials:
  roleArn: ` + roleARN + `
`
	srcFunction = `name: Function Calls
type: genesys-cloud-function
credentials:
  fields:
    apiKey: fn-SECRET-1
    region: fn-SECRET-2
`
	srcGenesys = `name: Other Org
type: genesys-cloud
active: false
credentials:
  clientId: ` + clientID + `
  clientSecret: cs-SECRET-1
`
	srcGoogleCloud = `name: Google Cloud
type: google
credentials:
  type: cloud-platform
  clientId: "109876543210987654321"
  clientEmail: reconcile@acme.iam.gserviceaccount.com
  privateKeyId: 0123456789abcdef
  privateKey: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj
    MzEfYyjiWA4R4SECRET1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu
    -----END PRIVATE KEY-----
  scopes:
    - ` + scopeGCP + `
`
	srcGSuite = `name: Google Directory
type: google
credentials:
  type: g-suite
  serviceAccountEmail: directory@acme.iam.gserviceaccount.com
  privateKeyId: fedcba9876543210
  privateKey: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4SECRET1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n-----END PRIVATE KEY-----\n"
  scopes:
    - https://www.googleapis.com/auth/admin.directory.user.readonly
  impersonateUserEmail: admin@acme.com
`
	srcDynamics = `name: Dynamics
type: microsoft-dynamics-365
credentials:
  userName: agent@acme.onmicrosoft.com
  password: pw-SECRET-1
  organizationUrl: https://acme.crm.dynamics.com
  applicationId: ` + appID + `
`
	srcSalesforce = `name: Salesforce
type: salesforce
credentials:
  userName: agent@acme.com
  password: pw-SECRET-2
  securityToken: st-SECRET-1
`
	srcSalesforceSandbox = `name: Salesforce Sandbox
type: salesforce
credentials:
  userName: agent@acme.com.sandbox
  password: pw-SECRET-3
  securityToken: st-SECRET-2
  loginUrl: https://test.salesforce.com
`
	srcBasic = `name: Billing API
type: web-services
mtls:
  clientCertificateAuthority: digicert
credentials:
  type: basic
  userName: billing
  password: pw-SECRET-4
`
	srcUserDefined = `name: Orders API
type: web-services
credentials:
  type: user-defined
  fields:
    apiKey: key-SECRET-1
`
	srcUserDefinedOAuth = `name: CRM API
type: web-services
credentials:
  type: user-defined-oauth
  fields:
    clientId: id-SECRET-1
    clientSecret: cs-SECRET-2
`
	srcNoCredentials = `name: Public API
type: web-services
notes: No authentication
`
	srcZendesk = `name: Zendesk Support
type: zendesk
notes: Tier 1 customer lookups
credentials:
  email: agent@example.com
  baseServiceUrl: https://acme.zendesk.com
  apiToken: tok-SECRET-1
`
)

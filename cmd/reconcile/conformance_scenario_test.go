package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
)

// conformanceSpecs are the scenario's specs, by file name: every vendor,
// Google with both credential types, web services with each credential
// type and one with the DigiCert mTLS authority. Secrets contain SECRET.
var conformanceSpecs = map[string]string{
	"aws-lambda.yaml": `name: Order Lookup
type: aws-lambda
notes: orders by number
credentials:
  roleArn: arn:aws:iam::123456789012:role/order-lookup
`,
	"genesys-cloud.yaml": `name: Platform API
type: genesys-cloud
notes: the org's own API
credentials:
  clientId: 0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83
  clientSecret: cs-SECRET-1
`,
	"genesys-cloud-function.yaml": `name: Loyalty Function
type: genesys-cloud-function
credentials:
  fields:
    apiKey: fn-SECRET-1
`,
	"microsoft-dynamics-365.yaml": `name: CRM
type: microsoft-dynamics-365
credentials:
  userName: crm-user
  password: pw-SECRET-crm
  organizationUrl: https://acme.crm.dynamics.com
  applicationId: 6f1e0d9b-2a6f-4e1b-9c7d-0b5e8d2c3f4a
`,
	"salesforce.yaml": `name: Sales Cloud
type: salesforce
notes: accounts and cases
credentials:
  userName: sf@example.com
  password: pw-SECRET-sf
  securityToken: st-SECRET-sf
  loginUrl: https://test.salesforce.com
`,
	"zendesk.yaml": `name: Zendesk Support
type: zendesk
credentials:
  email: agent@example.com
  baseServiceUrl: https://acme.zendesk.com
  apiToken: tok-SECRET-1
`,
	"google-cloud-platform.yaml": `name: Google Translation
type: google
credentials:
  type: cloud-platform
  clientId: "112233445566778899"
  clientEmail: translate@acme.iam.gserviceaccount.com
  privateKeyId: key-gcp-1
  privateKey: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCgcpSECRET
    -----END PRIVATE KEY-----
  scopes:
    - https://www.googleapis.com/auth/cloud-platform
`,
	"google-g-suite.yaml": `name: Google Directory
type: google
credentials:
  type: g-suite
  serviceAccountEmail: directory@acme.iam.gserviceaccount.com
  privateKeyId: key-gsuite-1
  privateKey: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCgsuSECRET
    -----END PRIVATE KEY-----
  scopes:
    - https://www.googleapis.com/auth/admin.directory.user.readonly
  impersonateUserEmail: admin@acme.com
`,
	"web-basic.yaml": `name: Shipping Tracker
type: web-services
credentials:
  type: basic
  userName: shipping
  password: pw-SECRET-ship
`,
	"web-user-defined.yaml": `name: Weather
type: web-services
credentials:
  type: user-defined
  fields:
    apiKey: wx-SECRET-1
`,
	"web-user-defined-oauth.yaml": `name: Payments
type: web-services
credentials:
  type: user-defined-oauth
  fields:
    clientId: pay-client
    clientSecret: pay-SECRET-1
`,
	"web-mtls.yaml": `name: Partner Gateway
type: web-services
notes: mutual TLS, DigiCert
mtls:
  clientCertificateAuthority: digicert
`,
}

// conformanceStep is one CLI run of the scenario: the spec files it
// changes (a nil content removes the file), the flags and the exit status
// it should end with.
type conformanceStep struct {
	name    string
	edit    map[string]*string
	prune   bool
	flags   []string // more flags
	secret  string   // GENESYS_CLIENT_SECRET, if not the right one
	before  func(t *testing.T)
	want    int
	wantOut string // in stdout, if set
}

func text(s string) *string { return &s }

// actionSpec is a web-services spec with two data actions on the order
// service at url; the first has test cases.
func actionSpec(url string) string {
	return `name: Orders
type: web-services
actions:
  - name: Order status
    category: Orders
    config:
      timeoutSeconds: 10
      request:
        requestUrlTemplate: "` + url + `/orders/${input.orderId}"
        requestType: GET
        headers: {Accept: application/json}
      response:
        translationMap: {status: $.order.status}
        successTemplate: '{"status": ${status}}'
    contract:
      input:
        inputSchema: {type: object, required: [orderId], properties: {orderId: {type: string}}}
      output:
        successSchema: {type: object, properties: {status: {type: string}}}
    tests:
      - name: a shipped order
        input: {orderId: A-1}
        output: {status: shipped}
  - name: Refund
    category: Orders
    config:
      request: {requestUrlTemplate: "` + url + `/refunds/${input.orderId}", requestType: POST}
    contract:
      input: {inputSchema: {type: object, properties: {orderId: {type: string}}}}
      output: {successSchema: {type: object}}
`
}

// scenarioWork writes reconcile.yaml and the encrypted specs under work.
type scenarioWork struct {
	dir, specs, recipient string
	files                 map[string]string
}

func newScenarioWork(t *testing.T, apiURL string) (*scenarioWork, string) {
	dir := t.TempDir()
	keyFile, recipient, err := sopstest.NewIdentity(dir, "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	w := &scenarioWork{dir: dir, specs: filepath.Join(dir, "specs"), recipient: recipient, files: map[string]string{}}
	if err := os.Mkdir(w.specs, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("specs: specs\ntarget:\n  genesys:\n    apiUrl: %s\n    requestsPerMinute: 100000\n", apiURL)
	if err := os.WriteFile(filepath.Join(dir, "reconcile.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, body := range conformanceSpecs {
		w.write(t, name, body)
	}
	return w, keyFile
}

func (w *scenarioWork) write(t *testing.T, name, body string) {
	t.Helper()
	enc, err := sopstest.Encrypt([]byte(body), sopstest.Options{Recipients: []string{w.recipient}, EncryptedRegex: sopstest.SecretsRegex})
	if err != nil {
		t.Fatalf("encrypt %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(w.specs, name), enc, 0o644); err != nil {
		t.Fatal(err)
	}
	w.files[name] = body
}

// apply makes the step's edits and runs the CLI in-process.
func (w *scenarioWork) apply(t *testing.T, s conformanceStep) (code int, stdout, stderr string) {
	for name, body := range s.edit {
		if body == nil {
			os.Remove(filepath.Join(w.specs, name))
			delete(w.files, name)
			continue
		}
		w.write(t, name, *body)
	}
	args := []string{"--config", filepath.Join(w.dir, "reconcile.yaml"), "--log-level", "error"}
	if s.prune {
		args = append(args, "--prune")
	}
	args = append(args, s.flags...)
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// edited returns the spec name's text with old replaced by new.
func (w *scenarioWork) edited(t *testing.T, name, old, new string) *string {
	body, ok := w.files[name]
	if !ok || !strings.Contains(body, old) {
		t.Fatalf("scenario: %s has no %q", name, old)
	}
	return text(strings.Replace(body, old, new, 1))
}

// seedCredentials makes n basicAuth credentials in the emulator at url
// directly, as people would in the admin UI, so the credential listing
// needs several pages.
func seedCredentials(t *testing.T, url, token string, n int) {
	for i := range n {
		body, _ := json.Marshal(map[string]any{
			"name":             fmt.Sprintf("made-by-hand-%03d", i),
			"type":             map[string]string{"name": "basicAuth"},
			"credentialFields": map[string]string{"userName": fmt.Sprintf("u%03d", i), "password": "pw-SECRET-seed"},
		})
		req, _ := http.NewRequest("POST", url+"/api/v2/integrations/credentials", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("seeding credential %d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("seeding credential %d: status %d", i, resp.StatusCode)
		}
	}
}

// failNext asks the emulator at url to answer the next count requests of
// method and pattern with status, through POST /emulator/faults.
func failNext(url, method, pattern string, status, count int) error {
	body, _ := json.Marshal(map[string]any{"method": method, "pattern": pattern, "status": status, "count": count})
	resp, err := http.Post(url+"/emulator/faults", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST /emulator/faults answered %d", resp.StatusCode)
	}
	return nil
}

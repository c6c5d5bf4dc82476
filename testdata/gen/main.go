// Command gen writes encrypted spec fixtures with the sops library pinned
// in go.mod.
//
//	go run ./testdata/gen example [PATH...]   # (re)write config.example/integrations (or only PATHs, such as zendesk/support.yaml)
//	go run ./testdata/gen -n 1000 -out DIR    # N valid specs, one org's worth a folder
//
// With -n, the specs are encrypted for a new TEST-ONLY age identity written
// to DIR/TEST-ONLY-age-key.txt (use it as SOPS_AGE_KEY_FILE).
//
// The example's age identity, config.example/TEST-ONLY-age-key.txt, is
// committed on purpose: it protects nothing but these made-up values.
package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
)

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "example" {
		if err := example("config.example", os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		return
	}
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int("n", 250, "number of specs")
	out := fs.String("out", "", "folder to write them to")
	fs.Parse(os.Args[1:])
	if *out == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: go run ./testdata/gen example | go run ./testdata/gen -n N -out DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	keyFile, recipient, err := sopstest.NewIdentity(*out, keyFile)
	if err == nil {
		var folders []string
		folders, err = sopstest.WriteSpecs(*out, *n, recipient)
		fmt.Printf("wrote %d specs in %d folder(s) under %s; SOPS_AGE_KEY_FILE=%s\n", *n, len(folders), *out, keyFile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// exampleSpecs are the example's specs before encryption, with how each is
// encrypted: most with the secrets regex (the rest stays readable in
// review), one whole, one by credentials block.
var exampleSpecs = []struct {
	path, regex, body string
}{
	{"aws-lambda/order-lookup.yaml", sopstest.SecretsRegex, `name: Order Lookup Lambda
type: aws-lambda
notes: Looks up orders by phone number
credentials:
  roleArn: arn:aws:iam::123456789012:role/genesys-order-lookup
`},
	{"genesys-cloud-function/loyalty.yaml", sopstest.SecretsRegex, `name: Loyalty Points Function
type: genesys-cloud-function
notes: Reads loyalty balances
credentials:
  fields:
    apiKey: test-only-loyalty-key-0001
`},
	{"microsoft-dynamics-365/crm.yaml", sopstest.SecretsRegex, `name: Dynamics CRM
type: microsoft-dynamics-365
credentials:
  userName: genesys-integration@example.onmicrosoft.com
  password: test-only-dynamics-password
  organizationUrl: https://example.crm.dynamics.com
  applicationId: 0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83
`},
	{"genesys-cloud/platform.yaml", "", `name: Genesys Cloud Platform API
type: genesys-cloud
notes: Reads queue statistics
credentials:
  clientId: 6f1c2a7e-9b4d-4c3a-8e2f-1d0b5a6c7e8f
  clientSecret: test-only-genesys-client-secret
`},
	{"zendesk/support.yaml", sopstest.SecretsRegex, `name: Zendesk Support
type: zendesk
notes: Tier 1 customer lookups
credentials:
  email: agent@example.com
  baseServiceUrl: https://example.zendesk.com
  apiToken: test-only-zendesk-api-token
actions:
  # A data action exported from the admin UI, read as-is (its integration
  # id is ignored).
  - import: find-user.custom.json
`},
	{"salesforce/sandbox.yaml", "^credentials$", `name: Salesforce Sandbox
type: salesforce
active: false
credentials:
  userName: integration@example.com.sandbox
  password: test-only-salesforce-password
  securityToken: test-only-salesforce-token
  loginUrl: https://test.salesforce.com
`},
	{"web-services/shipping.yaml", sopstest.SecretsRegex, `name: Shipping Tracker
type: web-services
notes: Parcel status by tracking number
mtls:
  clientCertificateAuthority: genesys-cloud
credentials:
  type: basic
  userName: genesys
  password: test-only-shipping-password
actions:
  - name: Parcel status
    category: Shipping
    config:
      timeoutSeconds: 10
      request:
        requestUrlTemplate: "https://tracking.example.com/v1/parcels/${input.trackingNumber}"
        requestType: GET
        headers:
          Accept: application/json
      response:
        translationMap:
          status: $.parcel.status
          eta: $.parcel.estimatedDelivery
        translationMapDefaults:
          eta: '""'
        successTemplate: '{"status": ${status}, "eta": ${eta}}'
    contract:
      input:
        inputSchema:
          type: object
          required: [trackingNumber]
          properties:
            trackingNumber:
              type: string
              description: the carrier's tracking number
      output:
        successSchema:
          type: object
          required: [status]
          properties:
            status: {type: string}
            eta: {type: string}
    # Run against the draft before it is published (reconcile --test), and
    # against the published action (reconcile test): Genesys targets only.
    tests:
      - name: a delivered parcel
        input: {trackingNumber: 1Z999AA10123456784}
        output: {status: delivered, eta: ""}
      - name: any parcel has a status
        input: {trackingNumber: 1Z999AA10123456785}
        outputSchema: {type: object, required: [status]}
`},
	{"google/cloud.yaml", sopstest.SecretsRegex, `name: Google Cloud Translation
type: google
credentials:
  type: cloud-platform
  clientId: "112233445566778899001"
  clientEmail: translate@example-project.iam.gserviceaccount.com
  privateKeyId: 0123456789abcdef0123456789abcdef01234567
  privateKey: |
PRIVATE_KEY
  scopes:
    - https://www.googleapis.com/auth/cloud-translation
`},
}

const keyFile = "TEST-ONLY-age-key.txt"

func example(dir string, only []string) error {
	recipient, err := recipientOf(filepath.Join(dir, keyFile))
	if os.IsNotExist(err) {
		_, recipient, err = sopstest.NewIdentity(dir, keyFile)
	}
	if err != nil {
		return err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	indented := "    " + strings.ReplaceAll(strings.TrimSpace(string(pemKey)), "\n", "\n    ")
	for _, s := range exampleSpecs {
		if len(only) > 0 && !slices.Contains(only, s.path) {
			continue
		}
		path := filepath.Join(dir, "integrations", filepath.FromSlash(s.path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		header := "" // whole-file encryption encrypts comments too
		if s.regex != "" {
			header = "# yaml-language-server: $schema=../../../schema/" + strings.SplitN(s.path, "/", 2)[0] + ".json\n"
		}
		plain := header + strings.Replace(s.body, "PRIVATE_KEY", indented, 1)
		enc, err := sopstest.Encrypt([]byte(plain), sopstest.Options{Recipients: []string{recipient}, EncryptedRegex: s.regex})
		if err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
		if err := os.WriteFile(path, enc, 0o644); err != nil {
			return err
		}
	}
	return nil
}

var publicKeyLine = regexp.MustCompile(`(?m)^# public key: (age1[0-9a-z]+)$`)

func recipientOf(keyFile string) (string, error) {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return "", err
	}
	m := publicKeyLine.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("%s: no '# public key:' line", keyFile)
	}
	return string(m[1]), nil
}

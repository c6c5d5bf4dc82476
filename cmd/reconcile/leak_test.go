package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/org/local"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// vendorSpecs returns one spec per vendor, file name to content, with the
// secret values secret(label) returns.
func vendorSpecs(secret func(string) string) map[string]string {
	return map[string]string{
		"aws.yaml": "name: L\ntype: aws-lambda\ncredentials:\n  roleArn: arn:aws:iam::123456789012:role/r\n",
		"fn.yaml":  "name: F\ntype: genesys-cloud-function\ncredentials:\n  fields:\n    k: " + secret("fn") + "\n",
		"ms.yaml": "name: M\ntype: microsoft-dynamics-365\ncredentials:\n  userName: u\n  password: " + secret("ms") +
			"\n  organizationUrl: https://x.crm.dynamics.com\n  applicationId: 0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83\n",
		"gc.yaml": "name: G\ntype: genesys-cloud\ncredentials:\n  clientId: 0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83\n  clientSecret: " + secret("gc") + "\n",
		"zd.yaml": "name: Z\ntype: zendesk\ncredentials:\n  email: a@example.com\n  baseServiceUrl: https://a.zendesk.com\n  apiToken: " + secret("zd") + "\n",
		"sf.yaml": "name: S\ntype: salesforce\ncredentials:\n  userName: u\n  password: " + secret("sf1") + "\n  securityToken: " + secret("sf2") + "\n",
		"ws.yaml": "name: W\ntype: web-services\ncredentials:\n  type: user-defined-oauth\n  fields:\n    clientSecret: " + secret("ws") + "\n",
		"go.yaml": "name: O\ntype: google\ncredentials:\n  type: cloud-platform\n  clientId: \"1\"\n  clientEmail: a@example.com\n  privateKeyId: k\n" +
			"  privateKey: \"-----BEGIN PRIVATE KEY-----\\nMIIB" + secret("go") + "\\n-----END PRIVATE KEY-----\"\n",
	}
}

// TestNoSecretLeaks runs reconcile through its scenarios, normal and
// failing, with debug logs in both formats, and scans stdout, stderr and
// every file reconcile wrote for every secret value of the specs.
func TestNoSecretLeaks(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	keyFile, recipient, err := sopstest.NewIdentity(t.TempDir(), "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, otherRecipient, err := sopstest.NewIdentity(t.TempDir(), "other.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	t.Setenv("HOME", work)
	os.WriteFile("reconcile.yaml", []byte("specs: specs\n"), 0o644)

	var secrets []string
	newSecret := func(label string) string {
		b := make([]byte, 8)
		rand.Read(b)
		s := label + "SECRET" + hex.EncodeToString(b) // base64-safe, so it fits in a PEM body too
		secrets = append(secrets, s)
		return s
	}
	writeAll := func(recipients ...string) {
		os.RemoveAll("specs")
		os.Mkdir("specs", 0o755)
		for name, body := range vendorSpecs(newSecret) {
			path := filepath.Join("specs", name)
			os.WriteFile(path, []byte(body), 0o644)
			if len(recipients) > 0 {
				if err := sopstest.EncryptFile(path, sopstest.Options{Recipients: recipients, EncryptedRegex: sopstest.SecretsRegex}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	scan := func(scenario string, outputs ...string) {
		t.Helper()
		filepath.WalkDir(".reconcile", func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(path)
				outputs = append(outputs, string(b))
			}
			return nil
		})
		for _, out := range outputs {
			for _, s := range append(secrets, "SECRET") {
				if strings.Contains(out, s) {
					t.Errorf("%s: a secret value leaked:\n%s", scenario, out)
					return
				}
			}
		}
	}
	reconcile := func(scenario string, wantCode int, args ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != wantCode {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", scenario, code, wantCode, &stdout, &stderr)
		}
		scan(scenario, stdout.String(), stderr.String())
	}
	debug := func(format string) []string { return []string{"--log-level", "debug", "--log-format", format} }

	writeAll(recipient)
	for _, format := range []string{"text", "json"} {
		reconcile("dry run "+format, 0, append(debug(format), "--dry-run", "--output", format)...)
		reconcile("validate "+format, 0, append(debug(format), "validate", "--output", format)...)
	}
	reconcile("apply", 0, debug("json")...)
	reconcile("second run", 0, debug("text")...)

	writeAll(recipient) // every secret rotated
	reconcile("rotate, dry run", 2, append(debug("json"), "--dry-run", "--detailed-exitcode", "--output", "json")...)
	reconcile("rotate", 0, debug("text")...)

	writeAll() // plaintext
	for _, format := range []string{"text", "json"} {
		reconcile("plaintext refused "+format, 1, append(debug(format), "--output", format)...)
	}
	reconcile("plaintext allowed", 0, append(debug("json"), "--allow-plaintext")...)

	writeAll(otherRecipient)
	reconcile("encrypted for another key", 1, debug("json")...)

	// Schema errors on secret values must not quote them.
	writeAll()
	os.WriteFile("specs/zd.yaml", []byte("name: Z\ntype: zendesk\ncredentials:\n  email: "+newSecret("email")+"\n  baseServiceUrl: https://a.zendesk.com\n  apiToken: 7\n"), 0o644)
	os.WriteFile("specs/go.yaml", []byte("name: O\ntype: google\ncredentials:\n  type: cloud-platform\n  clientId: \"1\"\n  clientEmail: a@example.com\n  privateKeyId: k\n  privateKey: not-a-pem-"+newSecret("pem")+"\n"), 0o644)
	for _, format := range []string{"text", "json"} {
		reconcile("schema errors "+format, 1, append(debug(format), "--allow-plaintext", "--output", format)...)
	}
	if len(secrets) < 30 {
		t.Fatalf("only %d secrets were used; the scenarios did not run", len(secrets))
	}
}

// TestSecondWriterIsRefused: while one run holds the local org, another
// fails at once and writes nothing.
func TestSecondWriterIsRefused(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	os.MkdirAll("specs", 0o755)
	os.WriteFile("specs/a.yaml", []byte("name: L\ntype: aws-lambda\ncredentials:\n  roleArn: arn:aws:iam::123456789012:role/r\n"), 0o644)
	held, err := local.Open(".reconcile/org.json", false)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--specs", "specs"}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, &stderr)
	}
	if !strings.Contains(stderr.String(), "locked by another reconcile run") {
		t.Errorf("stderr does not say the org is locked:\n%s", &stderr)
	}
	if _, err := os.Stat(".reconcile/org.json"); !os.IsNotExist(err) {
		t.Errorf("the refused run wrote the org (stat err %v)", err)
	}
	// A dry run reads without the lock.
	stdout.Reset()
	if code := run(context.Background(), []string{"--specs", "specs", "--dry-run"}, &stdout, &stderr); code != 0 {
		t.Errorf("dry run while locked: exit %d\n%s", code, &stderr)
	}
}

// TestNoSecretLeaksGenesys: the Genesys target, over HTTP to the emulator,
// with debug logs in both formats and an API that echoes what it refuses:
// no secret in stdout, stderr or any file written.
func TestNoSecretLeaksGenesys(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	keyFile, recipient, err := sopstest.NewIdentity(t.TempDir(), "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	t.Setenv("HOME", work)
	t.Setenv("GENESYS_CLIENT_ID", "leak-client")
	t.Setenv("GENESYS_CLIENT_SECRET", "leak-client-SECRET")
	emu, err := genesyscloud.New(genesyscloud.Options{ClientID: "leak-client", ClientSecret: "leak-client-SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	echo := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if echo && r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/api/v2/integrations/credentials/") {
			body, _ := io.ReadAll(r.Body)
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"status":400,"message":%q}`, "refused: "+string(body))
			return
		}
		emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	os.WriteFile("reconcile.yaml", []byte("specs: specs\ntarget:\n  genesys:\n    apiUrl: "+srv.URL+"\n    requestsPerMinute: 60000\n"), 0o644)
	var secrets []string
	write := func() {
		os.RemoveAll("specs")
		os.Mkdir("specs", 0o755)
		for name, body := range vendorSpecs(func(label string) string {
			b := make([]byte, 8)
			rand.Read(b)
			s := label + "SECRET" + hex.EncodeToString(b)
			secrets = append(secrets, s)
			return s
		}) {
			os.WriteFile(filepath.Join("specs", name), []byte(body), 0o644)
			if err := sopstest.EncryptFile(filepath.Join("specs", name), sopstest.Options{Recipients: []string{recipient}, EncryptedRegex: sopstest.SecretsRegex}); err != nil {
				t.Fatal(err)
			}
		}
	}
	reconcile := func(scenario string, wantCode int, args ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != wantCode {
			t.Errorf("%s: exit %d, want %d\n%s", scenario, code, wantCode, &stderr)
		}
		for _, out := range []string{stdout.String(), stderr.String()} {
			for _, s := range append(secrets, "SECRET") {
				if strings.Contains(out, s) {
					t.Errorf("%s: a secret leaked:\n%s", scenario, out)
					return
				}
			}
		}
	}
	write()
	reconcile("dry run", 0, "--log-level", "debug", "--log-format", "json", "--dry-run", "--output", "json")
	reconcile("apply", 0, "--log-level", "debug", "--log-format", "text")
	write() // rotated
	echo = true
	reconcile("rotation refused with the value echoed", 1, "--log-level", "debug", "--log-format", "json", "--output", "json")
	reconcile("rotation refused, text", 1, "--log-level", "debug")
	if entries, _ := os.ReadDir("."); len(entries) != 2 { // reconcile.yaml and specs: nothing else written
		t.Errorf("files written in the working directory: %v", entries)
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// writeFile writes content to a new file and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunBadArgs(t *testing.T) {
	creds := []string{"--client-id", "id", "--client-secret", "s"}
	tests := []struct {
		name string
		args []string
		env  [2]string // GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET
		want string    // in stderr
		code int
	}{
		{"unknown flag", append([]string{"--nope"}, creds...), [2]string{}, "flag provided but not defined", exitUsage},
		{"rate without unit", append([]string{"--rate-limit", "300"}, creds...), [2]string{}, "N/min or N/s", exitUsage},
		{"rate per hour", append([]string{"--rate-limit", "5/h"}, creds...), [2]string{}, `unit "h"`, exitUsage},
		{"negative rate", append([]string{"--rate-limit", "-1/min"}, creds...), [2]string{}, "N/min or N/s", exitUsage},
		{"fault rate over 1", append([]string{"--fault-rate", "1.5"}, creds...), [2]string{}, "from 0 to 1", exitUsage},
		{"fault rate not a number", append([]string{"--fault-rate", "x"}, creds...), [2]string{}, "from 0 to 1", exitUsage},
		{"negative latency", append([]string{"--latency", "-1s"}, creds...), [2]string{}, "duration", exitUsage},
		{"latency without unit", append([]string{"--latency", "20"}, creds...), [2]string{}, "duration", exitUsage},
		{"seed not a number", append([]string{"--seed", "x"}, creds...), [2]string{}, "invalid value", exitUsage},
		{"positional argument", append([]string{"serve"}, creds...), [2]string{}, "unexpected argument", exitUsage},
		{"no credentials", nil, [2]string{}, "GENESYS_CLIENT_ID", exitUsage},
		{"no secret", []string{"--client-id", "id"}, [2]string{"", ""}, "client secret", exitUsage},
		{"secret only in env, no id", nil, [2]string{"", "s"}, "client id", exitUsage},
		{"bad listen address", append([]string{"--listen", "nope:xx"}, creds...), [2]string{}, "genesys-emulator:", exitError},
		{"unreadable state", append([]string{"--state", t.TempDir()}, creds...), [2]string{}, "state", exitError},
		{"negative lag", append([]string{"--lag", "-1"}, creds...), [2]string{}, "not negative", exitUsage},
		{"lag not a number", append([]string{"--lag", "2s"}, creds...), [2]string{}, "whole number", exitUsage},
		{"missing catalog", append([]string{"--catalog", filepath.Join(t.TempDir(), "nope.json")}, creds...), [2]string{}, "catalog:", exitError},
		{"catalog not JSON", append([]string{"--catalog", writeFile(t, "{")}, creds...), [2]string{}, "catalog:", exitError},
		{"catalog with an unknown field", append([]string{"--catalog", writeFile(t, `{"types":[]}`)}, creds...), [2]string{}, `unknown field "types"`, exitError},
		{"catalog of two values", append([]string{"--catalog", writeFile(t, `{} {}`)}, creds...), [2]string{}, "more than one", exitError},
		{"invalid catalog", append([]string{"--catalog", writeFile(t,
			`{"integrationTypes":[{"id":"x","credentials":{"s":{"credentialTypes":["nope"]}}}]}`)}, creds...), [2]string{}, `undeclared credential type "nope"`, exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GENESYS_CLIENT_ID", tt.env[0])
			t.Setenv("GENESYS_CLIENT_SECRET", tt.env[1])
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, &stderr)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr does not say %q:\n%s", tt.want, &stderr)
			}
		})
	}
}

func TestParseRate(t *testing.T) {
	tests := map[string]int{"300/min": 300, "5/s": 300, "0/min": 0, "1/s": 60}
	for in, want := range tests {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "300", "/min", "x/min", "3/m", "-1/s", "1.5/s"} {
		if _, err := parseRate(in); err == nil {
			t.Errorf("parseRate(%q) succeeded", in)
		}
	}
}

func TestHelp(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"--help"}, io.Discard, &stderr); code != exitOK {
		t.Errorf("--help exit %d", code)
	}
	if !strings.Contains(stderr.String(), "GENESYS_CLIENT_SECRET") {
		t.Errorf("usage:\n%s", &stderr)
	}
}

// TestRunServesWithEnvCredentials starts the command with the client id
// and secret from the environment, gets a token with them, and stops it
// by cancelling its context.
func TestRunServesWithEnvCredentials(t *testing.T) {
	const secret = "env-SECRET-value"
	t.Setenv("GENESYS_CLIENT_ID", "env-id")
	t.Setenv("GENESYS_CLIENT_SECRET", secret)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--rate-limit", "10/s", "--latency", "1ms", "--seed", "3"}, io.Discard, pw)
		pw.Close()
	}()
	rd := bufio.NewReader(pr)
	line, err := rd.ReadString('\n')
	if err != nil {
		t.Fatalf("no start line: %v", err)
	}
	rest := make(chan string, 1)
	go func() { b, _ := io.ReadAll(rd); rest <- string(b) }()
	if strings.Contains(line, secret) {
		t.Errorf("the start line has the secret: %s", line)
	}
	m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
	if m == nil || !strings.Contains(line, "rate limit 600/min") {
		t.Fatalf("start line %q", line)
	}

	for _, tc := range []struct {
		id, secret string
		want       int
	}{{"env-id", secret, 200}, {"env-id", "wrong", 401}} {
		req, _ := http.NewRequest("POST", "http://"+m[1]+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(tc.id, tc.secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("token with secret %q: status %d, want %d", tc.secret, resp.StatusCode, tc.want)
		}
	}

	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d after cancel", code)
	}
	if r := <-rest; strings.Contains(r, secret) || !strings.Contains(r, "stopped") {
		t.Errorf("stderr after the start line: %q", r)
	}
}

// TestRunServesCatalogAndLag serves the catalogue of a file, made by
// changing a copy of the default, with a lag.
func TestRunServesCatalogAndLag(t *testing.T) {
	cat := genesyscloud.DefaultCatalog()
	cat.IntegrationTypes = cat.IntegrationTypes[:1]
	cat.IntegrationTypes[0].MaxInstances = 1
	b, err := json.Marshal(cat)
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, string(b))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--client-id", "id", "--client-secret", "s", "--catalog", path, "--lag", "1"}, io.Discard, pw)
		pw.Close()
	}()
	rd := bufio.NewReader(pr)
	line, err := rd.ReadString('\n')
	if err != nil {
		t.Fatalf("no start line: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, rd) }()
	m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
	if m == nil || !strings.Contains(line, "catalog "+path) || !strings.Contains(line, "lag 1") {
		t.Fatalf("start line %q", line)
	}
	base := "http://" + m[1]

	req, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("id", "s")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	call(t, req, 200, &tok)
	api := func(method, path, body string, want int, out any) {
		t.Helper()
		r, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		call(t, r, want, out)
	}
	var types genesyscloud.IntegrationTypeEntityListing
	api("GET", "/api/v2/integrations/types", "", 200, &types)
	if len(types.Entities) != 1 || types.Entities[0].ID != "custom-rest-actions" {
		t.Errorf("types served: %+v", types.Entities)
	}
	var i genesyscloud.Integration
	api("POST", "/api/v2/integrations", `{"name":"w","integrationType":{"id":"custom-rest-actions"}}`, 200, &i)
	api("POST", "/api/v2/integrations", `{"name":"w2","integrationType":{"id":"custom-rest-actions"}}`, 400, nil)
	api("GET", "/api/v2/integrations/"+i.ID, "", 404, nil) // the lag
	api("GET", "/api/v2/integrations/"+i.ID, "", 200, nil)

	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d after cancel", code)
	}
}

// call sends r, checks its status and decodes the body into out (if not nil).
func call(t *testing.T, r *http.Request, want int, out any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", r.Method, r.URL.Path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", r.Method, r.URL.Path, err)
		}
	}
}

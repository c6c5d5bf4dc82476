package load_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// secretCmp compares Secrets by value.
var secretCmp = cmp.Comparer(func(a, b spec.Secret) bool { return a.Reveal() == b.Reveal() })

func secret(s string) spec.Secret { return spec.NewSecret(s) }

type fields = map[string]any

// vendorFile is a spec file of every vendor and credential type, with the
// Spec it loads as (Pos aside).
var vendorFiles = []struct {
	rel, src string
	want     spec.Spec
}{
	{"zendesk.yaml", srcZendesk, spec.Spec{Name: "Zendesk Support", Type: "zendesk", Notes: "Tier 1 customer lookups", Active: true,
		Credential: &spec.Credential{Type: "zendesk", Fields: fields{"email": "agent@example.com", "baseServiceUrl": "https://acme.zendesk.com", "apiToken": secret("tok-SECRET-1")}}}},
	{"aws/order-lookup.yaml", srcAWS, spec.Spec{Name: "Order Lookup", Type: "aws-lambda", Notes: "Invokes the order functions", Active: true,
		Credential: &spec.Credential{Type: "aws-lambda", Fields: fields{"roleArn": roleARN}}}},
	{"genesys/function.yaml", srcFunction, spec.Spec{Name: "Function Calls", Type: "genesys-cloud-function", Active: true,
		Credential: &spec.Credential{Type: "genesys-cloud-function", Fields: fields{"fields": fields{"apiKey": secret("fn-SECRET-1"), "region": secret("fn-SECRET-2")}}}}},
	{"genesys/other-org.yml", srcGenesys, spec.Spec{Name: "Other Org", Type: "genesys-cloud", Active: false,
		Credential: &spec.Credential{Type: "genesys-cloud", Fields: fields{"clientId": clientID, "clientSecret": secret("cs-SECRET-1")}}}},
	{"google/directory.yaml", srcGSuite, spec.Spec{Name: "Google Directory", Type: "google", Active: true,
		Credential: &spec.Credential{Type: "g-suite", Fields: fields{"serviceAccountEmail": "directory@acme.iam.gserviceaccount.com",
			"privateKeyId": "fedcba9876543210", "privateKey": secret(pemKey), "impersonateUserEmail": "admin@acme.com",
			"scopes": []any{"https://www.googleapis.com/auth/admin.directory.user.readonly"}}}}},
	{"google/cloud.yaml", srcGoogleCloud, spec.Spec{Name: "Google Cloud", Type: "google", Active: true,
		Credential: &spec.Credential{Type: "cloud-platform", Fields: fields{"clientId": "109876543210987654321",
			"clientEmail": "reconcile@acme.iam.gserviceaccount.com", "privateKeyId": "0123456789abcdef", "privateKey": secret(pemKey),
			"scopes": []any{scopeGCP}}}}},
	{"microsoft-dynamics.yaml", srcDynamics, spec.Spec{Name: "Dynamics", Type: "microsoft-dynamics-365", Active: true,
		Credential: &spec.Credential{Type: "microsoft-dynamics-365", Fields: fields{"userName": "agent@acme.onmicrosoft.com",
			"password": secret("pw-SECRET-1"), "organizationUrl": "https://acme.crm.dynamics.com", "applicationId": appID}}}},
	{"salesforce/sandbox.yml", srcSalesforceSandbox, spec.Spec{Name: "Salesforce Sandbox", Type: "salesforce", Active: true,
		Credential: &spec.Credential{Type: "salesforce", Fields: fields{"userName": "agent@acme.com.sandbox", "password": secret("pw-SECRET-3"),
			"securityToken": secret("st-SECRET-2"), "loginUrl": "https://test.salesforce.com"}}}},
	{"salesforce.yaml", srcSalesforce, spec.Spec{Name: "Salesforce", Type: "salesforce", Active: true,
		Credential: &spec.Credential{Type: "salesforce", Fields: fields{"userName": "agent@acme.com", "password": secret("pw-SECRET-2"),
			"securityToken": secret("st-SECRET-1"), "loginUrl": "https://login.salesforce.com"}}}},
	{"web/basic.yaml", srcBasic, spec.Spec{Name: "Billing API", Type: "web-services", Active: true, MTLS: "digicert",
		Credential: &spec.Credential{Type: "basic", Fields: fields{"userName": "billing", "password": secret("pw-SECRET-4")}}}},
	{"web/deep/er/orders.yaml", srcUserDefined, spec.Spec{Name: "Orders API", Type: "web-services", Active: true, MTLS: "genesys-cloud",
		Credential: &spec.Credential{Type: "user-defined", Fields: fields{"fields": fields{"apiKey": secret("key-SECRET-1")}}}}},
	{"web/oauth.yaml", srcUserDefinedOAuth, spec.Spec{Name: "CRM API", Type: "web-services", Active: true, MTLS: "genesys-cloud",
		Credential: &spec.Credential{Type: "user-defined-oauth", Fields: fields{"fields": fields{"clientId": secret("id-SECRET-1"), "clientSecret": secret("cs-SECRET-2")}}}}},
	{"web/public.yaml", srcNoCredentials, spec.Spec{Name: "Public API", Type: "web-services", Notes: "No authentication", Active: true, MTLS: "genesys-cloud"}},
}

// vendorOrder is vendorFiles' paths sorted, written out.
var vendorOrder = []string{
	"aws/order-lookup.yaml",
	"genesys/function.yaml",
	"genesys/other-org.yml",
	"google/cloud.yaml",
	"google/directory.yaml",
	"microsoft-dynamics.yaml",
	"salesforce.yaml",
	"salesforce/sandbox.yml",
	"web/basic.yaml",
	"web/deep/er/orders.yaml",
	"web/oauth.yaml",
	"web/public.yaml",
	"zendesk.yaml",
}

func TestLoadEveryVendor(t *testing.T) {
	rec := sopsEnv(t)
	modes := []struct{ name, regex string }{
		{"secrets regex", sopstest.SecretsRegex},
		{"whole file", ""},
		{"credentials block", "^credentials$"},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			dir := t.TempDir()
			disk := map[string]string{}
			want := map[string]*spec.Spec{}
			for _, f := range vendorFiles {
				disk[f.rel] = writeEnc(t, dir, f.rel, f.src, rec, mode.regex)
				w := f.want
				w.File = f.rel
				want[f.rel] = &w
			}
			specs := mustLoad(t, dir, load.Options{})

			var gotOrder []string
			for _, s := range specs {
				gotOrder = append(gotOrder, s.File)
			}
			if diff := cmp.Diff(vendorOrder, gotOrder); diff != "" {
				t.Fatalf("files (-want +got):\n%s", diff)
			}
			for _, s := range specs {
				if diff := cmp.Diff(want[s.File], s, secretCmp, cmpopts.IgnoreFields(spec.Spec{}, "Pos", "Digest")); diff != "" {
					t.Errorf("%s (-want +got):\n%s", s.File, diff)
				}
				src := vendorSource(s.File)
				if diff := cmp.Diff(wantPos(t, src, disk[s.File]), s.Pos); diff != "" {
					t.Errorf("%s: Pos (-want +got):\n%s", s.File, diff)
				}
				checkSecretsMasked(t, s)
				// A saved plan tells a changed file by this digest of the bytes on disk.
				disk, err := os.ReadFile(filepath.Join(dir, s.File))
				if err != nil {
					t.Fatal(err)
				}
				if sum := sha256.Sum256(disk); s.Digest != "sha256:"+hex.EncodeToString(sum[:]) {
					t.Errorf("%s: Digest = %q, not the SHA-256 of the file on disk", s.File, s.Digest)
				}
			}
		})
	}
}

func vendorSource(rel string) string {
	for _, f := range vendorFiles {
		if f.rel == rel {
			return f.src
		}
	}
	panic("no vendor file " + rel)
}

// wantPos returns the positions a Spec keeps, read from the text on disk,
// for the keys src (the plaintext) holds.
func wantPos(t *testing.T, src, disk string) map[string]spec.Position {
	t.Helper()
	has := func(line string) bool { return strings.HasPrefix(src, line) || strings.Contains(src, "\n"+line) }
	pos := map[string]spec.Position{"": keyAt(t, disk, "name")} // every fixture starts with name
	for _, k := range []string{"name", "type", "notes", "active", "credentials", "mtls"} {
		if has(k + ":") {
			pos["/"+k] = keyAt(t, disk, k)
		}
	}
	if has("  type:") {
		pos["/credentials/type"] = keyAt(t, disk, "credentials", "type")
	}
	return pos
}

// checkSecretsMasked checks that every way of printing s hides its secrets,
// while Reveal gives them.
func checkSecretsMasked(t *testing.T, s *spec.Spec) {
	t.Helper()
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s)} {
		if strings.Contains(out, secretMarker) {
			t.Errorf("%s: printing the spec shows a secret: %s", s.File, out)
		}
	}
	if s.Credential == nil {
		return
	}
	for _, out := range []string{fmt.Sprint(*s.Credential), fmt.Sprintf("%+v", *s.Credential), fmt.Sprintf("%#v", *s.Credential), mustJSON(t, s.Credential)} {
		if strings.Contains(out, secretMarker) {
			t.Errorf("%s: printing the credential shows a secret: %s", s.File, out)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch c := v.(type) {
		case map[string]any:
			for _, cv := range c {
				walk(cv)
			}
		case []any:
			for _, cv := range c {
				walk(cv)
			}
		case spec.Secret:
			if got := fmt.Sprint(c); got != spec.Mask {
				t.Errorf("%s: fmt.Sprint(secret) = %q, want %q", s.File, got, spec.Mask)
			}
			if !strings.Contains(c.Reveal(), secretMarker) {
				t.Errorf("%s: Reveal() = %q, not a fixture's secret", s.File, c.Reveal())
			}
		case string:
			if strings.Contains(c, secretMarker) {
				t.Errorf("%s: secret value left as a plain string", s.File)
			}
		}
	}
	walk(s.Credential.Fields)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadPlaintextAllowed(t *testing.T) {
	sopsEnv(t)
	dir := t.TempDir()
	for _, f := range vendorFiles {
		write(t, dir, f.rel, f.src)
	}
	specs := mustLoad(t, dir, load.Options{AllowPlaintext: true})
	if len(specs) != len(vendorFiles) {
		t.Fatalf("loaded %d specs, want %d", len(specs), len(vendorFiles))
	}
	for _, s := range specs {
		w := vendorFileSpec(s.File)
		if diff := cmp.Diff(&w, s, secretCmp, cmpopts.IgnoreFields(spec.Spec{}, "Pos", "Digest")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.File, diff)
		}
		src := vendorSource(s.File)
		if diff := cmp.Diff(wantPos(t, src, src), s.Pos); diff != "" {
			t.Errorf("%s: Pos (-want +got):\n%s", s.File, diff)
		}
		checkSecretsMasked(t, s)
	}
}

func vendorFileSpec(rel string) spec.Spec {
	for _, f := range vendorFiles {
		if f.rel == rel {
			w := f.want
			w.File = rel
			return w
		}
	}
	panic("no vendor file " + rel)
}

func TestLoadPrivateKeyNormalised(t *testing.T) {
	rec := sopsEnv(t)
	body := strings.Split(strings.TrimSuffix(pemKey, "\n"), "\n")
	escaped := strings.Join(body, `\n`) // literal backslash-n between lines
	tests := []struct{ name, value string }{
		{"block scalar", "|\n    " + strings.Join(body, "\n    ")},
		{"YAML escapes", `"` + strings.Join(body, `\n`) + `\n"`},
		{"literal \\n escapes", `'` + escaped + `\n'`},
		{"literal \\n escapes, no final newline", `'` + escaped + `'`},
		{"JSON key file string with its quotes", `'"` + escaped + `\n"'`},
		{"CRLF line ends", `"` + strings.Join(body, `\r\n`) + `\r\n"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			src := strings.Replace(srcGoogleCloud, "privateKey: |\n    "+strings.Join(body, "\n    "), "privateKey: "+tt.value, 1)
			if src == srcGoogleCloud && tt.name != "block scalar" {
				t.Fatal("the fixture's privateKey was not replaced")
			}
			writeEnc(t, dir, "google.yaml", src, rec, sopstest.SecretsRegex)
			specs := mustLoad(t, dir, load.Options{})
			if len(specs) != 1 {
				t.Fatalf("loaded %d specs, want 1", len(specs))
			}
			key, ok := specs[0].Credential.Fields["privateKey"].(spec.Secret)
			if !ok {
				t.Fatalf("privateKey is a %T, not a spec.Secret", specs[0].Credential.Fields["privateKey"])
			}
			if diff := cmp.Diff(pemKey, key.Reveal()); diff != "" {
				t.Errorf("privateKey (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadDuplicateNames(t *testing.T) {
	rec := sopsEnv(t)
	ws := func(name string) string { return "# " + name + "\nname: " + name + "\ntype: web-services\n" }
	type file struct{ rel, src, regex string } // regex "-" leaves the file plaintext
	type dup struct{ file, name, first string }
	tests := []struct {
		name  string
		files []file
		want  []dup // each a problem at file's /name
	}{
		{
			name:  "two names differing in case",
			files: []file{{"b.yaml", ws("Zendesk Support"), "-"}, {"a.yaml", ws("ZENDESK support"), "-"}},
			want:  []dup{{"b.yaml", "Zendesk Support", "a.yaml:2"}},
		},
		{
			name: "three, the first in a folder",
			files: []file{
				{"x/first.yaml", "# the first\n" + ws("Orders API"), "-"},
				{"y.yaml", ws("orders api"), "-"},
				{"z.yaml", ws("ORDERS API"), "-"},
				{"other.yaml", ws("Orders API v2"), "-"},
			},
			want: []dup{{"y.yaml", "orders api", "x/first.yaml:3"}, {"z.yaml", "ORDERS API", "x/first.yaml:3"}},
		},
		{
			name: "names encrypted on disk",
			files: []file{
				{"a.yaml", "\n\n" + strings.Replace(srcZendesk, "Zendesk Support", "Support", 1), ""},
				{"b.yaml", "\n" + strings.Replace(srcZendesk, "Zendesk Support", "SUPPORT", 1), ""},
			},
			want: []dup{{"b.yaml", "SUPPORT", "a.yaml:1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			disk := map[string]string{}
			for _, f := range tt.files {
				if f.regex == "-" {
					write(t, dir, f.rel, f.src)
					disk[f.rel] = f.src
				} else {
					disk[f.rel] = writeEnc(t, dir, f.rel, f.src, rec, f.regex)
				}
			}
			var want spec.Problems
			for _, d := range tt.want {
				want = append(want, at(d.file, keyAt(t, disk[d.file], "name"), "/name",
					fmt.Sprintf("name %q is already used by %s/%s (names are unique in the org, compared case-insensitively)", d.name, filepath.ToSlash(dir), d.first)))
			}
			checkProblems(t, loadProblems(t, dir, load.Options{}), want)
		})
	}
}

func TestLoadParallelDeterministic(t *testing.T) {
	rec := sopsEnv(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8)) // several workers even on a small machine
	dir := t.TempDir()
	var want []string
	for i := range 50 {
		// Folders and names in an order unlike the files' path order.
		rel := fmt.Sprintf("team-%d/spec-%02d.yaml", i%7, 49-i)
		src := fmt.Sprintf("name: Spec %s\ntype: zendesk\ncredentials:\n  email: a%d@example.com\n  baseServiceUrl: https://acme.zendesk.com\n  apiToken: tok-SECRET-%d\n", rel, i, i)
		writeEnc(t, dir, rel, src, rec, sopstest.SecretsRegex)
		want = append(want, rel)
	}
	slices.Sort(want)
	for run := range 3 {
		specs := mustLoad(t, dir, load.Options{})
		var got []string
		for i, s := range specs {
			got = append(got, s.File)
			if s.Name != "Spec "+s.File {
				t.Errorf("run %d: spec %d from %s is named %q: specs and files are mixed up", run, i, s.File, s.Name)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("run %d: files (-want +got):\n%s", run, diff)
		}
	}
}

func TestLoadCancelled(t *testing.T) {
	rec := sopsEnv(t)
	dir := t.TempDir()
	writeEnc(t, dir, "zendesk.yaml", srcZendesk, rec, sopstest.SecretsRegex)
	write(t, dir, "broken.yaml", "name: [\n") // problems do not hide the cancellation
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	specs, err := load.Load(ctx, dir, load.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Load error = %v, want context.Canceled", err)
	}
	if _, isProblems := spec.AsProblems(err); isProblems {
		t.Errorf("a cancelled Load returned problems: %v", err)
	}
	if specs != nil {
		t.Errorf("a cancelled Load returned %d specs", len(specs))
	}
}

func TestLoadEmptyDirectory(t *testing.T) {
	sopsEnv(t)
	specs, err := load.Load(context.Background(), t.TempDir(), load.Options{})
	if err != nil || len(specs) != 0 {
		t.Fatalf("Load of an empty directory = %d specs, %v; want none and no error", len(specs), err)
	}
}

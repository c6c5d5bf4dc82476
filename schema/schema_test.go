package schema_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// Realistic values used by the fixtures.
const (
	roleARN  = "arn:aws:iam::123456789012:role/genesys-lambda"
	clientID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	appID    = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
	scopeGCP = "https://www.googleapis.com/auth/cloud-platform"
	scopeGS  = "https://www.googleapis.com/auth/admin.directory.user.readonly"
	pemKey   = "-----BEGIN PRIVATE KEY-----\n" +
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n" +
		"MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n" +
		"NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\n" +
		"-----END PRIVATE KEY-----\n"
	rsaPEMKey = "-----BEGIN RSA PRIVATE KEY-----\n" +
		"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n" +
		"VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n" +
		"-----END RSA PRIVATE KEY-----\n"
)

// The messages the schemas' descriptions produce.
const (
	msgEmpty   = "must not be empty"
	msgName    = "must be a name without leading or trailing spaces, unique in the org (compared case-insensitively)"
	msgARN     = "must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>"
	msgURL     = "must be an https URL, such as https://example.com"
	msgGUID    = "must be a GUID, 8-4-4-4-12 hexadecimal digits such as 0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83"
	msgEmail   = "must be an email address"
	msgZendesk = "must be the Zendesk account URL, https://<subdomain>.zendesk.com"
	msgPEM     = `must be a PEM private key block (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----); literal \n escapes and the surrounding quotes of a JSON key file are accepted`
	msgString  = "must be a string, but got number"
	msgBool    = "must be a boolean, but got string"
	msgObject  = "must be an object, but got string"
)

type obj = map[string]any

// fixture is one vendor, or one credential type of a vendor, with a fully
// valid document (every optional key set) and a minimal valid one.
type fixture struct {
	name    string
	vendor  string
	full    func() obj
	minimal func() obj
	// topRequired and credRequired are the keys the contract requires at
	// the top level and in credentials.
	topRequired, credRequired []string
	// topAllowed and credAllowed are the keys allowed there, sorted.
	topAllowed, credAllowed []string
}

var (
	topKeys    = []string{"actions", "active", "credentials", "formerNames", "name", "notes", "type"}
	topKeysWeb = []string{"actions", "active", "credentials", "formerNames", "mtls", "name", "notes", "type"}
)

var fixtures = []fixture{
	{
		name: "aws-lambda", vendor: "aws-lambda",
		full: func() obj {
			return obj{"name": "Order Lookup", "type": "aws-lambda", "notes": "Invokes the order functions", "active": true,
				"credentials": obj{"roleArn": roleARN}}
		},
		minimal: func() obj {
			return obj{"name": "Order Lookup", "type": "aws-lambda", "credentials": obj{"roleArn": roleARN}}
		},
		topRequired: []string{"name", "type", "credentials"}, credRequired: []string{"roleArn"},
		topAllowed: topKeys, credAllowed: []string{"roleArn"},
	},
	{
		name: "genesys-cloud-function", vendor: "genesys-cloud-function",
		full: func() obj {
			return obj{"name": "Loyalty Function", "type": "genesys-cloud-function", "notes": "Points balance", "active": false,
				"credentials": obj{"fields": obj{"apiKey": "k-9f8e7d6c5b4a", "region": "eu-west-1"}}}
		},
		minimal: func() obj {
			return obj{"name": "Loyalty Function", "type": "genesys-cloud-function"}
		},
		topRequired: []string{"name", "type"},
		topAllowed:  topKeys, credAllowed: []string{"fields"},
	},
	{
		name: "microsoft-dynamics-365", vendor: "microsoft-dynamics-365",
		full: func() obj {
			return obj{"name": "Dynamics CRM", "type": "microsoft-dynamics-365", "notes": "Case lookups", "active": true,
				"credentials": obj{"userName": "svc-genesys@acme.onmicrosoft.com", "password": "Dyn4mics!Pass",
					"organizationUrl": "https://acme.crm.dynamics.com", "applicationId": appID}}
		},
		minimal: func() obj {
			return obj{"name": "Dynamics CRM", "type": "microsoft-dynamics-365",
				"credentials": obj{"userName": "svc-genesys", "password": "Dyn4mics!Pass",
					"organizationUrl": "https://acme.crm4.dynamics.com/", "applicationId": strings.ToUpper(appID)}}
		},
		topRequired: []string{"name", "type", "credentials"}, credRequired: []string{"userName", "password", "organizationUrl", "applicationId"},
		topAllowed: topKeys, credAllowed: []string{"applicationId", "organizationUrl", "password", "userName"},
	},
	{
		name: "genesys-cloud", vendor: "genesys-cloud",
		full: func() obj {
			return obj{"name": "Other Org", "type": "genesys-cloud", "notes": "Platform API of the EU org", "active": true,
				"credentials": obj{"clientId": clientID, "clientSecret": "s3cr3t-Cl13nt-S3cr3t"}}
		},
		minimal: func() obj {
			return obj{"name": "Other Org", "type": "genesys-cloud",
				"credentials": obj{"clientId": clientID, "clientSecret": "s3cr3t-Cl13nt-S3cr3t"}}
		},
		topRequired: []string{"name", "type", "credentials"}, credRequired: []string{"clientId", "clientSecret"},
		topAllowed: topKeys, credAllowed: []string{"clientId", "clientSecret"},
	},
	{
		name: "zendesk", vendor: "zendesk",
		full: func() obj {
			return obj{"name": "Zendesk Support", "type": "zendesk", "notes": "Tier 1 customer lookups", "active": true,
				"credentials": obj{"email": "agent@example.com", "baseServiceUrl": "https://acme.zendesk.com", "apiToken": "0123456789abcdef"}}
		},
		minimal: func() obj {
			return obj{"name": "Zendesk Support", "type": "zendesk",
				"credentials": obj{"email": "agent@example.com", "baseServiceUrl": "https://acme-eu.zendesk.com/", "apiToken": "0123456789abcdef"}}
		},
		topRequired: []string{"name", "type", "credentials"}, credRequired: []string{"email", "baseServiceUrl", "apiToken"},
		topAllowed: topKeys, credAllowed: []string{"apiToken", "baseServiceUrl", "email"},
	},
	{
		name: "salesforce", vendor: "salesforce",
		full: func() obj {
			return obj{"name": "Salesforce Sandbox", "type": "salesforce", "notes": "UAT", "active": false,
				"credentials": obj{"userName": "integration@acme.com.uat", "password": "Sf-P4ssw0rd",
					"securityToken": "Xy7Zq2Lm9Np4Rs6Tu8Vw", "loginUrl": "https://test.salesforce.com"}}
		},
		minimal: func() obj {
			return obj{"name": "Salesforce", "type": "salesforce",
				"credentials": obj{"userName": "integration@acme.com", "password": "Sf-P4ssw0rd", "securityToken": "Xy7Zq2Lm9Np4Rs6Tu8Vw"}}
		},
		topRequired: []string{"name", "type", "credentials"}, credRequired: []string{"userName", "password", "securityToken"},
		topAllowed: topKeys, credAllowed: []string{"loginUrl", "password", "securityToken", "userName"},
	},
	{
		name: "web-services/basic", vendor: "web-services",
		full: func() obj {
			return obj{"name": "Billing API", "type": "web-services", "notes": "Invoices", "active": true,
				"mtls":        obj{"clientCertificateAuthority": "digicert"},
				"credentials": obj{"type": "basic", "userName": "genesys", "password": "B4sic-P4ss"}}
		},
		minimal: func() obj {
			return obj{"name": "Billing API", "type": "web-services", "credentials": obj{"type": "basic", "userName": "genesys"}}
		},
		topRequired: []string{"name", "type"}, credRequired: []string{"type", "userName"},
		topAllowed: topKeysWeb, credAllowed: []string{"password", "type", "userName"},
	},
	{
		name: "web-services/user-defined", vendor: "web-services",
		full: func() obj {
			return obj{"name": "Shipping API", "type": "web-services", "notes": "Parcels", "active": true,
				"mtls":        obj{"clientCertificateAuthority": "genesys-cloud"},
				"credentials": obj{"type": "user-defined", "fields": obj{"token": "tok-5a4b3c2d1e", "tenant": "acme-prod"}}}
		},
		minimal: func() obj {
			return obj{"name": "Shipping API", "type": "web-services", "credentials": obj{"type": "user-defined", "fields": obj{}}}
		},
		topRequired: []string{"name", "type"}, credRequired: []string{"type", "fields"},
		topAllowed: topKeysWeb, credAllowed: []string{"fields", "type"},
	},
	{
		name: "web-services/user-defined-oauth", vendor: "web-services",
		full: func() obj {
			return obj{"name": "CRM OAuth", "type": "web-services", "notes": "OAuth client credentials", "active": true,
				"mtls": obj{"clientCertificateAuthority": "digicert"},
				"credentials": obj{"type": "user-defined-oauth", "fields": obj{
					"clientId": "crm-client", "clientSecret": "oauth-S3cret", "loginUrl": "https://auth.acme.com/oauth/token"}}}
		},
		minimal: func() obj {
			return obj{"name": "CRM OAuth", "type": "web-services",
				"credentials": obj{"type": "user-defined-oauth", "fields": obj{"clientSecret": "oauth-S3cret"}}}
		},
		topRequired: []string{"name", "type"}, credRequired: []string{"type", "fields"},
		topAllowed: topKeysWeb, credAllowed: []string{"fields", "type"},
	},
	{
		name: "google/cloud-platform", vendor: "google",
		full: func() obj {
			return obj{"name": "BigQuery", "type": "google", "notes": "Analytics", "active": true,
				"credentials": obj{"type": "cloud-platform", "clientId": "109876543210987654321",
					"clientEmail": "genesys@acme-prod.iam.gserviceaccount.com", "privateKeyId": "1f2e3d4c5b6a79880716253443526170",
					"privateKey": pemKey, "scopes": []any{scopeGCP}}}
		},
		minimal: func() obj {
			return obj{"name": "BigQuery", "type": "google",
				"credentials": obj{"type": "cloud-platform", "clientId": "109876543210987654321",
					"clientEmail": "genesys@acme-prod.iam.gserviceaccount.com", "privateKeyId": "1f2e3d4c5b6a79880716253443526170",
					"privateKey": rsaPEMKey}}
		},
		topRequired: []string{"name", "type", "credentials"}, credRequired: []string{"type", "clientId", "clientEmail", "privateKeyId", "privateKey"},
		topAllowed: topKeys, credAllowed: []string{"clientEmail", "clientId", "privateKey", "privateKeyId", "scopes", "type"},
	},
	{
		name: "google/g-suite", vendor: "google",
		full: func() obj {
			return obj{"name": "Directory", "type": "google", "notes": "User directory", "active": true,
				"credentials": obj{"type": "g-suite", "serviceAccountEmail": "directory@acme-prod.iam.gserviceaccount.com",
					"privateKeyId": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "privateKey": pemKey,
					"scopes": []any{scopeGS, scopeGCP}, "impersonateUserEmail": "admin@acme.com"}}
		},
		minimal: func() obj {
			return obj{"name": "Directory", "type": "google",
				"credentials": obj{"type": "g-suite", "serviceAccountEmail": "directory@acme-prod.iam.gserviceaccount.com",
					"privateKeyId": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "privateKey": pemKey, "scopes": []any{scopeGS}}}
		},
		topRequired: []string{"name", "type", "credentials"}, credRequired: []string{"type", "serviceAccountEmail", "privateKeyId", "privateKey", "scopes"},
		topAllowed: topKeys, credAllowed: []string{"impersonateUserEmail", "privateKey", "privateKeyId", "scopes", "serviceAccountEmail", "type"},
	},
}

func fixtureNamed(t *testing.T, name string) fixture {
	t.Helper()
	for _, f := range fixtures {
		if f.name == name {
			return f
		}
	}
	t.Fatalf("no fixture %q", name)
	return fixture{}
}

func compiled(t *testing.T) *schema.Set {
	t.Helper()
	s, err := schema.Compiled()
	if err != nil {
		t.Fatalf("Compiled: %v", err)
	}
	return s
}

func TestValidateValid(t *testing.T) {
	s := compiled(t)
	type tc struct {
		name   string
		vendor string
		doc    obj
	}
	var cases []tc
	for _, f := range fixtures {
		cases = append(cases, tc{f.name + "/full", f.vendor, f.full()}, tc{f.name + "/minimal", f.vendor, f.minimal()})
	}
	cases = append(cases,
		tc{"aws-lambda/gov-partition-and-role-path", "aws-lambda", edited(t, fixtureNamed(t, "aws-lambda").minimal(),
			set("/credentials/roleArn", "arn:aws-us-gov:iam::123456789012:role/service-role/genesys-lambda"))},
		tc{"aws-lambda/china-partition", "aws-lambda", edited(t, fixtureNamed(t, "aws-lambda").minimal(),
			set("/credentials/roleArn", "arn:aws-cn:iam::123456789012:role/genesys-lambda"))},
		tc{"genesys-cloud-function/empty-credentials", "genesys-cloud-function", edited(t, fixtureNamed(t, "genesys-cloud-function").minimal(),
			set("/credentials", obj{}))},
		tc{"genesys-cloud-function/empty-fields", "genesys-cloud-function", edited(t, fixtureNamed(t, "genesys-cloud-function").minimal(),
			set("/credentials", obj{"fields": obj{}}))},
		tc{"web-services/no-credentials", "web-services", obj{"name": "Public API", "type": "web-services"}},
		tc{"web-services/empty-mtls", "web-services", obj{"name": "Public API", "type": "web-services", "mtls": obj{}}},
		tc{"salesforce/login-url-default", "salesforce", edited(t, fixtureNamed(t, "salesforce").minimal(),
			set("/credentials/loginUrl", "https://login.salesforce.com"))},
		tc{"microsoft-dynamics-365/url-with-port-and-path", "microsoft-dynamics-365", edited(t, fixtureNamed(t, "microsoft-dynamics-365").minimal(),
			set("/credentials/organizationUrl", "https://acme.crm.dynamics.com:443/main.aspx?appid=1"))},
		tc{"name/max-length", "zendesk", edited(t, fixtureNamed(t, "zendesk").minimal(), set("/name", strings.Repeat("n", 255)))},
		tc{"name/inner-spaces", "zendesk", edited(t, fixtureNamed(t, "zendesk").minimal(), set("/name", "Zendesk  Support\tEU"))},
		tc{"name/one-character", "zendesk", edited(t, fixtureNamed(t, "zendesk").minimal(), set("/name", "Z"))},
		tc{"active/false", "zendesk", edited(t, fixtureNamed(t, "zendesk").minimal(), set("/active", false))},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Validate(c.vendor, c.doc)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if len(got) != 0 {
				t.Errorf("Validate(%s) = %+v, want no violations", c.vendor, got)
			}
		})
	}
}

func TestValidateUnknownType(t *testing.T) {
	s := compiled(t)
	got, err := s.Validate("freshdesk", obj{"name": "Freshdesk", "type": "freshdesk"})
	if err == nil {
		t.Fatalf("Validate(freshdesk) = %v, nil; want an error", got)
	}
	if !strings.Contains(err.Error(), "freshdesk") {
		t.Errorf("error %q does not name the type", err)
	}
}

// edit sets the value at a JSON pointer of a fixture, or deletes the key
// when val is absent{}.
type edit struct {
	ptr string
	val any
}

type absent struct{}

// unescape decodes a JSON pointer token (RFC 6901), independently of
// schema.Split.
var unescape = strings.NewReplacer("~1", "/", "~0", "~")

func set(ptr string, v any) edit { return edit{ptr, v} }
func del(ptr string) edit        { return edit{ptr, absent{}} }

func edited(t *testing.T, doc obj, edits ...edit) obj {
	t.Helper()
	for _, e := range edits {
		keys := strings.Split(strings.TrimPrefix(e.ptr, "/"), "/")
		for i, k := range keys {
			keys[i] = unescape.Replace(k)
		}
		m := doc
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(obj)
			if !ok {
				t.Fatalf("edit %s: no object at %q", e.ptr, k)
			}
			m = next
		}
		last := keys[len(keys)-1]
		if _, ok := e.val.(absent); ok {
			if _, ok := m[last]; !ok {
				t.Fatalf("edit %s: no key to delete", e.ptr)
			}
			delete(m, last)
			continue
		}
		m[last] = e.val
	}
	return doc
}

func missing(parent, key string) schema.Violation {
	return schema.Violation{Path: parent + "/" + key, At: parent, Message: `missing required key "` + key + `"`}
}

func unknown(ptr string, allowed []string) schema.Violation {
	key := unescape.Replace(ptr[strings.LastIndexByte(ptr, '/')+1:])
	return schema.Violation{Path: ptr, At: ptr, Message: `unknown key "` + key + `"; allowed here: ` + strings.Join(allowed, ", ")}
}

// unknownNear is unknown with a suggestion of the allowed key near it.
func unknownNear(ptr, near string, allowed []string) schema.Violation {
	v := unknown(ptr, allowed)
	v.Message = strings.Replace(v.Message, "; allowed here: ", "; did you mean "+near+"? allowed here: ", 1)
	return v
}

func at(ptr, msg string) schema.Violation { return schema.Violation{Path: ptr, At: ptr, Message: msg} }

type invalidCase struct {
	name  string
	fix   string // fixture name
	full  bool   // start from the full document rather than the minimal one
	edits []edit
	want  []schema.Violation
}

func invalidCases(t *testing.T) []invalidCase {
	var cases []invalidCase
	// Generated for every fixture: each required key missing, unknown keys,
	// mtls on vendors other than web-services, wrong names and types.
	for _, f := range fixtures {
		for _, k := range f.topRequired {
			cases = append(cases, invalidCase{name: f.name + "/missing-" + k, fix: f.name,
				edits: []edit{del("/" + k)}, want: []schema.Violation{missing("", k)}})
		}
		for _, k := range f.credRequired {
			cases = append(cases, invalidCase{name: f.name + "/missing-credentials-" + k, fix: f.name,
				edits: []edit{del("/credentials/" + k)}, want: []schema.Violation{missing("/credentials", k)}})
		}
		cases = append(cases,
			invalidCase{name: f.name + "/unknown-top-level-key", fix: f.name, full: true,
				edits: []edit{set("/region", "eu-west-1")}, want: []schema.Violation{unknown("/region", f.topAllowed)}},
			invalidCase{name: f.name + "/unknown-credentials-key", fix: f.name, full: true,
				edits: []edit{set("/credentials/tenantHint", "acme-tenant-7")}, want: []schema.Violation{unknown("/credentials/tenantHint", f.credAllowed)}},
			invalidCase{name: f.name + "/name-leading-spaces", fix: f.name,
				edits: []edit{set("/name", "  Leading Spaces")}, want: []schema.Violation{at("/name", msgName)}},
			invalidCase{name: f.name + "/name-trailing-space", fix: f.name,
				edits: []edit{set("/name", "Trailing Space ")}, want: []schema.Violation{at("/name", msgName)}},
			invalidCase{name: f.name + "/name-empty", fix: f.name,
				edits: []edit{set("/name", "")}, want: []schema.Violation{at("/name", msgEmpty)}},
			invalidCase{name: f.name + "/name-number", fix: f.name,
				edits: []edit{set("/name", 42)}, want: []schema.Violation{at("/name", msgString)}},
			invalidCase{name: f.name + "/notes-number", fix: f.name,
				edits: []edit{set("/notes", 7.5)}, want: []schema.Violation{at("/notes", msgString)}},
			invalidCase{name: f.name + "/active-string", fix: f.name,
				edits: []edit{set("/active", "yes-please")}, want: []schema.Violation{at("/active", msgBool)}},
			invalidCase{name: f.name + "/active-number", fix: f.name,
				edits: []edit{set("/active", 1)}, want: []schema.Violation{at("/active", "must be a boolean, but got number")}},
			invalidCase{name: f.name + "/type-of-another-vendor", fix: f.name,
				edits: []edit{set("/type", "not-a-vendor")}, want: []schema.Violation{at("/type", `value must be "`+f.vendor+`"`)}},
		)
		if f.vendor != "web-services" {
			cases = append(cases, invalidCase{name: f.name + "/mtls-not-allowed", fix: f.name, full: true,
				edits: []edit{set("/mtls", obj{"clientCertificateAuthority": "digicert"})},
				want:  []schema.Violation{unknown("/mtls", f.topAllowed)}})
		}
	}

	cases = append(cases, []invalidCase{
		// aws-lambda
		{name: "aws-lambda/arn-11-digit-account", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", "arn:aws:iam::12345678901:role/genesys-lambda")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-13-digit-account", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", "arn:aws:iam::1234567890123:role/genesys-lambda")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-letters-in-account", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", "arn:aws:iam::12345678901x:role/genesys-lambda")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-not-iam", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", "arn:aws:sts::123456789012:role/genesys-lambda")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-of-a-function", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", "arn:aws:lambda:eu-west-1:123456789012:function:order-lookup")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-missing-role", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", "arn:aws:iam::123456789012:genesys-lambda")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-of-a-user", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", "arn:aws:iam::123456789012:user/genesys-lambda")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-empty-role-name", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", "arn:aws:iam::123456789012:role/")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-trailing-space", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", roleARN+" ")},
			want: []schema.Violation{at("/credentials/roleArn", msgARN)}},
		{name: "aws-lambda/arn-number", fix: "aws-lambda", edits: []edit{set("/credentials/roleArn", 123456789012)},
			want: []schema.Violation{at("/credentials/roleArn", msgString)}},
		{name: "aws-lambda/credentials-string", fix: "aws-lambda", edits: []edit{set("/credentials", "role-arn-goes-here")},
			want: []schema.Violation{at("/credentials", msgObject)}},
		{name: "aws-lambda/name-too-long", fix: "aws-lambda", edits: []edit{set("/name", strings.Repeat("n", 256))},
			want: []schema.Violation{at("/name", "must be at most 255 characters long (it has 256)")}},
		{name: "aws-lambda/name-with-newline", fix: "aws-lambda", edits: []edit{set("/name", "Order\nLookup")},
			want: []schema.Violation{at("/name", msgName)}},
		{name: "aws-lambda/missing-name-and-type", fix: "aws-lambda", edits: []edit{del("/name"), del("/type")},
			want: []schema.Violation{missing("", "name"), missing("", "type")}},
		{name: "aws-lambda/unknown-key-escaped", fix: "aws-lambda", edits: []edit{set("/x~1y~0z", "escaped-key-value")},
			want: []schema.Violation{{Path: "/x~1y~0z", At: "/x~1y~0z", Message: `unknown key "x/y~z"; allowed here: actions, active, credentials, formerNames, name, notes, type`}}},
		{name: "aws-lambda/missing-key-under-escaped-parent", fix: "aws-lambda", edits: []edit{del("/credentials/roleArn"), set("/credentials/a~1b", "escaped-key-value")},
			want: []schema.Violation{
				unknown("/credentials/a~1b", []string{"roleArn"}),
				missing("/credentials", "roleArn"),
			}},

		// genesys-cloud-function
		{name: "genesys-cloud-function/empty-field-value", fix: "genesys-cloud-function", full: true, edits: []edit{set("/credentials/fields/apiKey", "")},
			want: []schema.Violation{at("/credentials/fields/apiKey", msgEmpty)}},
		{name: "genesys-cloud-function/number-field-value", fix: "genesys-cloud-function", full: true, edits: []edit{set("/credentials/fields/retries", 3)},
			want: []schema.Violation{at("/credentials/fields/retries", msgString)}},
		// jsonschema/v5 locates a propertyNames failure at the object, not at
		// the key; Validate says what is wrong with it.
		{name: "genesys-cloud-function/empty-field-name", fix: "genesys-cloud-function", full: true, edits: []edit{set("/credentials/fields/", "value-of-empty-key")},
			want: []schema.Violation{at("/credentials/fields", "keys must not be empty")}},
		{name: "genesys-cloud-function/fields-string", fix: "genesys-cloud-function", full: true, edits: []edit{set("/credentials/fields", "apiKey=k-123")},
			want: []schema.Violation{at("/credentials/fields", msgObject)}},

		// microsoft-dynamics-365
		{name: "microsoft-dynamics-365/url-http", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/organizationUrl", "http://acme.crm.dynamics.com")},
			want: []schema.Violation{at("/credentials/organizationUrl", msgURL)}},
		{name: "microsoft-dynamics-365/url-no-host", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/organizationUrl", "https://:443/crm")},
			want: []schema.Violation{at("/credentials/organizationUrl", msgURL)}},
		{name: "microsoft-dynamics-365/url-no-host-with-path", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/organizationUrl", "https:///main.aspx")},
			want: []schema.Violation{at("/credentials/organizationUrl", msgURL)}},
		{name: "microsoft-dynamics-365/url-space-in-host", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/organizationUrl", "https://acme crm.dynamics.com")},
			want: []schema.Violation{at("/credentials/organizationUrl", msgURL)}},
		{name: "microsoft-dynamics-365/url-space-in-path", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/organizationUrl", "https://acme.crm.dynamics.com/main page")},
			want: []schema.Violation{at("/credentials/organizationUrl", msgURL)}},
		{name: "microsoft-dynamics-365/url-no-scheme", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/organizationUrl", "acme.crm.dynamics.com")},
			want: []schema.Violation{at("/credentials/organizationUrl", msgURL)}},
		{name: "microsoft-dynamics-365/guid-short", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/applicationId", "f47ac10b-58cc-4372-a567-0e02b2c3d47")},
			want: []schema.Violation{at("/credentials/applicationId", msgGUID)}},
		{name: "microsoft-dynamics-365/guid-long", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/applicationId", "f47ac10b-58cc-4372-a567-0e02b2c3d4790")},
			want: []schema.Violation{at("/credentials/applicationId", msgGUID)}},
		{name: "microsoft-dynamics-365/guid-not-hex", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/applicationId", "g47ac10b-58cc-4372-a567-0e02b2c3d479")},
			want: []schema.Violation{at("/credentials/applicationId", msgGUID)}},
		{name: "microsoft-dynamics-365/guid-braces", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/applicationId", "{f47ac10b-58cc-4372-a567-0e02b2c3d479}")},
			want: []schema.Violation{at("/credentials/applicationId", msgGUID)}},
		{name: "microsoft-dynamics-365/empty-password", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/password", "")},
			want: []schema.Violation{at("/credentials/password", msgEmpty)}},
		{name: "microsoft-dynamics-365/empty-user-name", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/userName", "")},
			want: []schema.Violation{at("/credentials/userName", msgEmpty)}},
		{name: "microsoft-dynamics-365/password-number", fix: "microsoft-dynamics-365", edits: []edit{set("/credentials/password", 12345678)},
			want: []schema.Violation{at("/credentials/password", msgString)}},

		// genesys-cloud
		{name: "genesys-cloud/guid-short", fix: "genesys-cloud", edits: []edit{set("/credentials/clientId", "7c9e6679-7425-40de-944b-e07fc1f90ae")},
			want: []schema.Violation{at("/credentials/clientId", msgGUID)}},
		{name: "genesys-cloud/guid-no-dashes", fix: "genesys-cloud", edits: []edit{set("/credentials/clientId", "7c9e6679742540de944be07fc1f90ae7")},
			want: []schema.Violation{at("/credentials/clientId", msgGUID)}},
		{name: "genesys-cloud/empty-client-secret", fix: "genesys-cloud", edits: []edit{set("/credentials/clientSecret", "")},
			want: []schema.Violation{at("/credentials/clientSecret", msgEmpty)}},
		{name: "genesys-cloud/client-id-number", fix: "genesys-cloud", edits: []edit{set("/credentials/clientId", 7)},
			want: []schema.Violation{at("/credentials/clientId", msgString)}},
		{name: "genesys-cloud/missing-both", fix: "genesys-cloud", edits: []edit{del("/credentials/clientId"), del("/credentials/clientSecret")},
			want: []schema.Violation{missing("/credentials", "clientId"), missing("/credentials", "clientSecret")}},

		// zendesk
		{name: "zendesk/email-no-at", fix: "zendesk", edits: []edit{set("/credentials/email", "agent.example.com")},
			want: []schema.Violation{at("/credentials/email", msgEmail)}},
		{name: "zendesk/email-no-domain", fix: "zendesk", edits: []edit{set("/credentials/email", "agent-of-acme@")},
			want: []schema.Violation{at("/credentials/email", msgEmail)}},
		{name: "zendesk/url-other-domain", fix: "zendesk", edits: []edit{set("/credentials/baseServiceUrl", "https://acme.example.com")},
			want: []schema.Violation{at("/credentials/baseServiceUrl", msgZendesk)}},
		{name: "zendesk/url-zendesk-lookalike", fix: "zendesk", edits: []edit{set("/credentials/baseServiceUrl", "https://acme.zendesk.com.evil.example")},
			want: []schema.Violation{at("/credentials/baseServiceUrl", msgZendesk)}},
		{name: "zendesk/url-http", fix: "zendesk", edits: []edit{set("/credentials/baseServiceUrl", "http://acme.zendesk.com")},
			want: []schema.Violation{at("/credentials/baseServiceUrl", msgZendesk)}},
		{name: "zendesk/url-no-subdomain", fix: "zendesk", edits: []edit{set("/credentials/baseServiceUrl", "https://zendesk.com")},
			want: []schema.Violation{at("/credentials/baseServiceUrl", msgZendesk)}},
		{name: "zendesk/url-api-path", fix: "zendesk", edits: []edit{set("/credentials/baseServiceUrl", "https://acme.zendesk.com/api/v2")},
			want: []schema.Violation{at("/credentials/baseServiceUrl", msgZendesk)}},
		{name: "zendesk/empty-api-token", fix: "zendesk", edits: []edit{set("/credentials/apiToken", "")},
			want: []schema.Violation{at("/credentials/apiToken", msgEmpty)}},
		{name: "zendesk/several-problems-sorted", fix: "zendesk",
			edits: []edit{set("/credentials/email", "agent.example.com"), set("/credentials/apiToken", ""), set("/credentials/subdomain", "acme-sub"), del("/name")},
			want: []schema.Violation{
				at("/credentials/apiToken", msgEmpty),
				at("/credentials/email", msgEmail),
				unknown("/credentials/subdomain", []string{"apiToken", "baseServiceUrl", "email"}),
				missing("", "name"),
			}},

		// salesforce
		{name: "salesforce/login-url-http", fix: "salesforce", edits: []edit{set("/credentials/loginUrl", "http://login.salesforce.com")},
			want: []schema.Violation{at("/credentials/loginUrl", msgURL)}},
		{name: "salesforce/login-url-space", fix: "salesforce", edits: []edit{set("/credentials/loginUrl", "https:// test.salesforce.com")},
			want: []schema.Violation{at("/credentials/loginUrl", msgURL)}},
		{name: "salesforce/empty-password", fix: "salesforce", edits: []edit{set("/credentials/password", "")},
			want: []schema.Violation{at("/credentials/password", msgEmpty)}},
		{name: "salesforce/empty-security-token", fix: "salesforce", edits: []edit{set("/credentials/securityToken", "")},
			want: []schema.Violation{at("/credentials/securityToken", msgEmpty)}},
		{name: "salesforce/user-name-number", fix: "salesforce", edits: []edit{set("/credentials/userName", 1234)},
			want: []schema.Violation{at("/credentials/userName", msgString)}},

		// Misspelt keys: the allowed key within two edits, ignoring case, is suggested.
		{name: "web-services/misspelt-notes", fix: "web-services/basic", edits: []edit{set("/note", "the web team's")},
			want: []schema.Violation{unknownNear("/note", "notes", fixtureNamed(t, "web-services/basic").topAllowed)}},
		{name: "web-services/misspelt-mtls-authority", fix: "web-services/basic", full: true,
			edits: []edit{del("/mtls/clientCertificateAuthority"), set("/mtls/clientCertificateAuthorty", "digicert")},
			want:  []schema.Violation{unknownNear("/mtls/clientCertificateAuthorty", "clientCertificateAuthority", []string{"clientCertificateAuthority"})}},
		{name: "zendesk/api-token-in-another-case", fix: "zendesk", edits: []edit{del("/credentials/apiToken"), set("/credentials/apitoken", "tok-1")},
			want: []schema.Violation{
				missing("/credentials", "apiToken"),
				unknownNear("/credentials/apitoken", "apiToken", []string{"apiToken", "baseServiceUrl", "email"}),
			}},
		{name: "aws-lambda/misspelt-credentials", fix: "aws-lambda", edits: []edit{del("/credentials"), set("/credentails", obj{"roleArn": roleARN})},
			want: []schema.Violation{
				unknownNear("/credentails", "credentials", fixtureNamed(t, "aws-lambda").topAllowed),
				missing("", "credentials"),
			}},

		// web-services
		{name: "web-services/mtls-bad-authority", fix: "web-services/basic", full: true, edits: []edit{set("/mtls/clientCertificateAuthority", "letsencrypt")},
			want: []schema.Violation{at("/mtls/clientCertificateAuthority", "must be one of: genesys-cloud, digicert")}},
		{name: "web-services/mtls-string", fix: "web-services/basic", full: true, edits: []edit{set("/mtls", "digicert-please")},
			want: []schema.Violation{at("/mtls", msgObject)}},
		{name: "web-services/mtls-unknown-key", fix: "web-services/basic", full: true, edits: []edit{set("/mtls/certificate", "client-cert-pem")},
			want: []schema.Violation{unknown("/mtls/certificate", []string{"clientCertificateAuthority"})}},
		{name: "web-services/credentials-type-unknown", fix: "web-services/basic", edits: []edit{set("/credentials/type", "bearer-token")},
			want: []schema.Violation{at("/credentials/type", "must be one of: basic, user-defined, user-defined-oauth")}},
		{name: "web-services/basic-empty-password", fix: "web-services/basic", full: true, edits: []edit{set("/credentials/password", "")},
			want: []schema.Violation{at("/credentials/password", msgEmpty)}},
		{name: "web-services/basic-with-fields", fix: "web-services/basic", edits: []edit{set("/credentials/fields", obj{"token": "tok-1"})},
			want: []schema.Violation{unknown("/credentials/fields", []string{"password", "type", "userName"})}},
		{name: "web-services/user-defined-with-user-name", fix: "web-services/user-defined", edits: []edit{set("/credentials/userName", "genesys-user")},
			want: []schema.Violation{unknown("/credentials/userName", []string{"fields", "type"})}},
		{name: "web-services/user-defined-empty-field", fix: "web-services/user-defined", full: true, edits: []edit{set("/credentials/fields/token", "")},
			want: []schema.Violation{at("/credentials/fields/token", msgEmpty)}},
		{name: "web-services/user-defined-oauth-with-password", fix: "web-services/user-defined-oauth", edits: []edit{set("/credentials/password", "oauth-pass")},
			want: []schema.Violation{unknown("/credentials/password", []string{"fields", "type"})}},
		{name: "web-services/user-defined-oauth-fields-list", fix: "web-services/user-defined-oauth", edits: []edit{set("/credentials/fields", []any{"oauth-S3cret"})},
			want: []schema.Violation{at("/credentials/fields", "must be an object, but got array")}},

		// google
		{name: "google/credentials-type-unknown", fix: "google/cloud-platform", edits: []edit{set("/credentials/type", "service-account")},
			want: []schema.Violation{at("/credentials/type", "must be one of: cloud-platform, g-suite")}},
		{name: "google/private-key-not-pem", fix: "google/cloud-platform", edits: []edit{set("/credentials/privateKey", "not-a-pem-block-at-all")},
			want: []schema.Violation{at("/credentials/privateKey", msgPEM)}},
		{name: "google/private-key-bare-base64", fix: "google/cloud-platform",
			edits: []edit{set("/credentials/privateKey", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj")},
			want:  []schema.Violation{at("/credentials/privateKey", msgPEM)}},
		{name: "google/private-key-no-end-line", fix: "google/g-suite",
			edits: []edit{set("/credentials/privateKey", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n")},
			want:  []schema.Violation{at("/credentials/privateKey", msgPEM)}},
		{name: "google/private-key-is-a-certificate", fix: "google/g-suite",
			edits: []edit{set("/credentials/privateKey", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----\n")},
			want:  []schema.Violation{at("/credentials/privateKey", msgPEM)}},
		{name: "google/private-key-empty", fix: "google/cloud-platform", edits: []edit{set("/credentials/privateKey", "")},
			want: []schema.Violation{at("/credentials/privateKey", msgEmpty)}},
		{name: "google/private-key-id-empty", fix: "google/cloud-platform", edits: []edit{set("/credentials/privateKeyId", "")},
			want: []schema.Violation{at("/credentials/privateKeyId", msgEmpty)}},
		{name: "google/client-email-bad", fix: "google/cloud-platform", edits: []edit{set("/credentials/clientEmail", "genesys.acme-prod.iam")},
			want: []schema.Violation{at("/credentials/clientEmail", msgEmail)}},
		{name: "google/service-account-email-bad", fix: "google/g-suite", edits: []edit{set("/credentials/serviceAccountEmail", "directory at acme")},
			want: []schema.Violation{at("/credentials/serviceAccountEmail", msgEmail)}},
		{name: "google/impersonate-email-bad", fix: "google/g-suite", full: true, edits: []edit{set("/credentials/impersonateUserEmail", "admin-acme.com")},
			want: []schema.Violation{at("/credentials/impersonateUserEmail", msgEmail)}},
		{name: "google/g-suite-no-scopes", fix: "google/g-suite", edits: []edit{set("/credentials/scopes", []any{})},
			want: []schema.Violation{at("/credentials/scopes", "must list at least 1 item")}},
		{name: "google/cloud-platform-empty-scope", fix: "google/cloud-platform", edits: []edit{set("/credentials/scopes", []any{scopeGCP, ""})},
			want: []schema.Violation{at("/credentials/scopes/1", msgEmpty)}},
		{name: "google/g-suite-duplicate-scopes", fix: "google/g-suite", edits: []edit{set("/credentials/scopes", []any{scopeGS, scopeGS})},
			want: []schema.Violation{at("/credentials/scopes", "must not list the same item twice")}},
		{name: "google/g-suite-scopes-string", fix: "google/g-suite", edits: []edit{set("/credentials/scopes", "admin.directory.readonly")},
			want: []schema.Violation{at("/credentials/scopes", "must be an array, but got string")}},
		{name: "google/cloud-platform-with-g-suite-key", fix: "google/cloud-platform", full: true,
			edits: []edit{set("/credentials/impersonateUserEmail", "admin@acme.com")},
			want:  []schema.Violation{unknown("/credentials/impersonateUserEmail", fixtureNamed(t, "google/cloud-platform").credAllowed)}},
		{name: "google/g-suite-with-cloud-platform-keys", fix: "google/g-suite",
			edits: []edit{set("/credentials/clientEmail", "genesys@acme-prod.iam.gserviceaccount.com"), set("/credentials/clientId", "109876543210987654321")},
			want: []schema.Violation{
				unknown("/credentials/clientEmail", fixtureNamed(t, "google/g-suite").credAllowed),
				unknown("/credentials/clientId", fixtureNamed(t, "google/g-suite").credAllowed),
			}},
		{name: "google/g-suite-keys-under-cloud-platform-type", fix: "google/g-suite", edits: []edit{set("/credentials/type", "cloud-platform")},
			want: []schema.Violation{
				missing("/credentials", "clientEmail"),
				missing("/credentials", "clientId"),
				unknown("/credentials/serviceAccountEmail", fixtureNamed(t, "google/cloud-platform").credAllowed),
			}},
	}...)
	return cases
}

func TestValidateInvalid(t *testing.T) {
	s := compiled(t)
	for _, c := range invalidCases(t) {
		t.Run(c.name, func(t *testing.T) {
			f := fixtureNamed(t, c.fix)
			base := f.minimal
			if c.full {
				base = f.full
			}
			doc := edited(t, base(), c.edits...)
			got, err := s.Validate(f.vendor, doc)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if !slices.IsSortedFunc(got, func(a, b schema.Violation) int { return strings.Compare(a.Path, b.Path) }) {
				t.Errorf("violations not sorted by path: %+v", got)
			}
			// Violations at one path come in no promised order.
			if diff := cmp.Diff(c.want, got, cmpopts.SortSlices(func(a, b schema.Violation) bool {
				return a.Path+"\x00"+a.Message < b.Path+"\x00"+b.Message
			})); diff != "" {
				t.Errorf("Validate(%s) violations (-want +got):\n%s", f.vendor, diff)
			}
			// No message quotes a bad value: neither a value the case put
			// in nor the value at the violation's path.
			var bad []string
			for _, e := range c.edits {
				if str, ok := e.val.(string); ok && str != "" {
					bad = append(bad, str)
				}
			}
			for _, v := range got {
				vals := bad
				if str, ok := schema.Lookup(doc, v.Path).(string); ok && str != "" {
					vals = append(slices.Clip(vals), str)
				}
				for _, b := range vals {
					if strings.Contains(v.Message, b) {
						t.Errorf("message %q of %s quotes the value %q", v.Message, v.Path, b)
					}
				}
			}
		})
	}
}

func TestAnnotate(t *testing.T) {
	s := compiled(t)
	fieldSecrets := func(base string, keys ...string) []string {
		var out []string
		for _, k := range keys {
			out = append(out, base+"/"+k)
		}
		return out
	}
	cases := []struct {
		name    string
		fix     string
		edits   []edit
		secrets []string
		pem     []string
	}{
		{name: "aws-lambda", fix: "aws-lambda"},
		{name: "genesys-cloud-function", fix: "genesys-cloud-function", secrets: fieldSecrets("/credentials/fields", "apiKey", "region")},
		{name: "genesys-cloud-function/escaped-field-name", fix: "genesys-cloud-function",
			edits: []edit{set("/credentials/fields", obj{"x-api/key": "k-1", "a~b": "k-2"})}, secrets: []string{"/credentials/fields/a~0b", "/credentials/fields/x-api~1key"}},
		{name: "microsoft-dynamics-365", fix: "microsoft-dynamics-365", secrets: []string{"/credentials/password"}},
		{name: "genesys-cloud", fix: "genesys-cloud", secrets: []string{"/credentials/clientSecret"}},
		{name: "zendesk", fix: "zendesk", secrets: []string{"/credentials/apiToken"}},
		{name: "zendesk/invalid-document-still-annotated", fix: "zendesk",
			edits: []edit{set("/credentials/email", "agent.example.com"), set("/credentials/baseServiceUrl", "http://acme.example.com")}, secrets: []string{"/credentials/apiToken"}},
		{name: "salesforce", fix: "salesforce", secrets: []string{"/credentials/password", "/credentials/securityToken"}},
		{name: "web-services/basic", fix: "web-services/basic", secrets: []string{"/credentials/password"}},
		{name: "web-services/basic-without-password", fix: "web-services/basic", edits: []edit{del("/credentials/password")}},
		{name: "web-services/no-credentials", fix: "web-services/basic", edits: []edit{del("/credentials")}},
		{name: "web-services/user-defined", fix: "web-services/user-defined", secrets: fieldSecrets("/credentials/fields", "tenant", "token")},
		{name: "web-services/user-defined-oauth", fix: "web-services/user-defined-oauth", secrets: fieldSecrets("/credentials/fields", "clientId", "clientSecret", "loginUrl")},
		{name: "google/cloud-platform", fix: "google/cloud-platform", secrets: []string{"/credentials/privateKey"}, pem: []string{"/credentials/privateKey"}},
		{name: "google/g-suite", fix: "google/g-suite", secrets: []string{"/credentials/privateKey"}, pem: []string{"/credentials/privateKey"}},
		{name: "google/private-key-not-a-string", fix: "google/cloud-platform", edits: []edit{set("/credentials/privateKey", 12345)},
			secrets: []string{"/credentials/privateKey"}},
		{name: "google/g-suite-bad-pem-still-secret", fix: "google/g-suite", edits: []edit{set("/credentials/privateKey", "not-a-pem")},
			secrets: []string{"/credentials/privateKey"}, pem: []string{"/credentials/privateKey"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fixtureNamed(t, c.fix)
			doc := edited(t, f.full(), c.edits...)
			got := s.Annotate(f.vendor, doc)
			want := schema.Annotations{Secrets: c.secrets, PEM: c.pem}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Annotate(%s) (-want +got):\n%s", f.vendor, diff)
			}
		})
	}
	t.Run("unknown-type", func(t *testing.T) {
		got := s.Annotate("freshdesk", obj{"credentials": obj{"password": "pw"}})
		if len(got.Secrets)+len(got.PEM) != 0 {
			t.Errorf("Annotate(freshdesk) = %+v, want nothing", got)
		}
	})
}

func TestApplyDefaults(t *testing.T) {
	s := compiled(t)
	type defaultsCase struct {
		name  string
		fix   string
		edits []edit // what ApplyDefaults must add to the minimal document
	}
	cases := []defaultsCase{
		{name: "web-services/all-defaults", fix: "web-services/basic",
			edits: []edit{set("/active", true), set("/mtls", obj{"clientCertificateAuthority": "genesys-cloud"})}},
		{name: "salesforce/all-defaults", fix: "salesforce",
			edits: []edit{set("/active", true), set("/credentials/loginUrl", "https://login.salesforce.com")}},
	}
	for _, f := range fixtures {
		if f.vendor != "web-services" && f.vendor != "salesforce" {
			cases = append(cases, defaultsCase{name: f.name + "/active-only", fix: f.name, edits: []edit{set("/active", true)}})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fixtureNamed(t, c.fix)
			doc := f.minimal()
			s.ApplyDefaults(f.vendor, doc)
			want := edited(t, f.minimal(), c.edits...)
			if diff := cmp.Diff(want, doc); diff != "" {
				t.Errorf("ApplyDefaults(%s) (-want +got):\n%s", f.vendor, diff)
			}
			if v, err := s.Validate(f.vendor, doc); err != nil || len(v) != 0 {
				t.Errorf("defaulted document does not validate: %v, %+v", err, v)
			}
		})
	}

	// Present values are kept; defaults fill only what is absent.
	kept := []struct {
		name  string
		fix   string
		edits []edit // applied to the full document before ApplyDefaults
		added []edit // what ApplyDefaults must add
	}{
		{name: "web-services/present-values-kept", fix: "web-services/basic", edits: []edit{set("/active", false)}},
		{name: "web-services/empty-mtls-filled", fix: "web-services/user-defined", edits: []edit{set("/mtls", obj{})},
			added: []edit{set("/mtls/clientCertificateAuthority", "genesys-cloud")}},
		{name: "salesforce/present-values-kept", fix: "salesforce", edits: []edit{set("/active", false)}},
		{name: "salesforce/no-credentials-none-made", fix: "salesforce", edits: []edit{del("/credentials"), del("/active")},
			added: []edit{set("/active", true)}},
		{name: "zendesk/active-false-kept", fix: "zendesk", edits: []edit{set("/active", false)}},
	}
	for _, c := range kept {
		t.Run(c.name, func(t *testing.T) {
			f := fixtureNamed(t, c.fix)
			doc := edited(t, f.full(), c.edits...)
			s.ApplyDefaults(f.vendor, doc)
			want := edited(t, edited(t, f.full(), c.edits...), c.added...)
			if diff := cmp.Diff(want, doc); diff != "" {
				t.Errorf("ApplyDefaults(%s) (-want +got):\n%s", f.vendor, diff)
			}
		})
	}

	t.Run("defaults-are-copies", func(t *testing.T) {
		f := fixtureNamed(t, "web-services/basic")
		first, second := f.minimal(), f.minimal()
		s.ApplyDefaults(f.vendor, first)
		first["mtls"].(obj)["clientCertificateAuthority"] = "digicert"
		s.ApplyDefaults(f.vendor, second)
		if got := second["mtls"]; !cmp.Equal(got, obj{"clientCertificateAuthority": "genesys-cloud"}) {
			t.Errorf("second document's mtls = %v; the default was shared with the first", got)
		}
	})
}

// TestPatternsAreDescribed keeps the promise that messages never quote a
// value: the validator's own pattern and format messages quote the value,
// so Validate words them from the schema's description, which every
// pattern and format must therefore have.
func TestPatternsAreDescribed(t *testing.T) {
	names, err := filepath.Glob("*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no schema files beside the test: %v", err)
	}
	var walk func(file, ptr string, v any)
	walk = func(file, ptr string, v any) {
		switch c := v.(type) {
		case map[string]any:
			_, pattern := c["pattern"].(string)
			_, format := c["format"].(string)
			if d, _ := c["description"].(string); (pattern || format) && d == "" {
				t.Errorf("%s#%s has a pattern or format but no description", file, ptr)
			}
			for k, cv := range c {
				walk(file, ptr+"/"+schema.Escape(k), cv)
			}
		case []any:
			for i, cv := range c {
				walk(file, fmt.Sprintf("%s/%d", ptr, i), cv)
			}
		}
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		walk(n, "", doc)
	}
}

func TestVendorsHaveSchemas(t *testing.T) {
	s := compiled(t)
	for _, v := range spec.Vendors {
		if sch, ok := s.For(v.Type); !ok || sch == nil {
			t.Errorf("vendor %q has no schema %s.json", v.Type, v.Type)
		}
	}
	for _, typ := range s.Types() {
		if _, ok := spec.LookupVendor(typ); !ok {
			t.Errorf("schema %s.json names no vendor in spec.Vendors", typ)
		}
	}
	got := slices.Sorted(slices.Values(s.Types()))
	if diff := cmp.Diff(spec.VendorTypes(), got); diff != "" {
		t.Errorf("schema types differ from spec.VendorTypes() (-vendors +schemas):\n%s", diff)
	}
	if _, ok := s.For("common"); ok {
		t.Errorf("common.json is compiled as a vendor")
	}
	// Every fixture's vendor must be one of them, so each vendor is tested.
	tested := map[string]bool{}
	for _, f := range fixtures {
		tested[f.vendor] = true
	}
	for _, v := range spec.Vendors {
		if !tested[v.Type] {
			t.Errorf("vendor %q has no fixture in this test", v.Type)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "schemas")
	if err := schema.Write(dir); err != nil {
		t.Fatalf("Write: %v", err)
	}
	// The package directory holds the embedded files (go:embed *.json);
	// Write writes the editor schemas derived from them, plus the
	// dispatcher.
	src, err := filepath.Glob("*.json")
	if err != nil || len(src) == 0 {
		t.Fatalf("no schema files beside the test: %v", err)
	}
	editor, err := schema.Editor()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var written []string
	for _, e := range entries {
		written = append(written, e.Name())
	}
	want := append(slices.Clone(src), schema.Dispatcher)
	slices.Sort(want)
	if diff := cmp.Diff(want, written); diff != "" {
		t.Fatalf("written files (-embedded and dispatcher +written):\n%s", diff)
	}
	for _, n := range written {
		got, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(editor[n]) {
			t.Errorf("%s written differs from schema.Editor()", n)
		}
	}

	// Each vendor file compiles alone from disk, as an editor loads it, so
	// its relative $refs to common.json resolve beside it.
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			c := jsonschema.NewCompiler()
			c.Draft = jsonschema.Draft2020
			c.AssertFormat = true
			sch, err := c.Compile(filepath.Join(dir, f.vendor+".json"))
			if err != nil {
				t.Fatalf("compile %s.json from disk: %v", f.vendor, err)
			}
			if err := sch.Validate(any(f.full())); err != nil {
				t.Errorf("full document invalid against the written schema: %v", err)
			}
			// A value checked only by common.json must still fail.
			if err := sch.Validate(any(edited(t, f.minimal(), set("/name", " spaced ")))); err == nil {
				t.Errorf("name with spaces passes the written schema; common.json was not applied")
			}
		})
	}
}

func TestWriteFailsOnFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := schema.Write(path); err == nil {
		t.Errorf("Write to a regular file succeeded")
	}
}

func TestPointers(t *testing.T) {
	for _, c := range []struct {
		key, escaped string
	}{
		{"plain", "plain"},
		{"a/b", "a~1b"},
		{"a~b", "a~0b"},
		{"~1", "~01"},
		{"/~", "~1~0"},
		{"", ""},
	} {
		if got := schema.Escape(c.key); got != c.escaped {
			t.Errorf("Escape(%q) = %q, want %q", c.key, got, c.escaped)
		}
		if got := schema.Split("/" + c.escaped); !cmp.Equal(got, []string{c.key}) {
			t.Errorf("Split(%q) = %q, want [%q]", "/"+c.escaped, got, c.key)
		}
	}
	if got := schema.Split(""); got != nil {
		t.Errorf("Split(\"\") = %q, want nil", got)
	}
	if got, want := schema.Split("/credentials/fields/x~1y"), []string{"credentials", "fields", "x/y"}; !cmp.Equal(got, want) {
		t.Errorf("Split = %q, want %q", got, want)
	}

	doc := obj{"credentials": obj{"fields": obj{"x/y": "v1"}, "scopes": []any{"s0", "s1"}}}
	for _, c := range []struct {
		ptr  string
		want any
	}{
		{"", doc},
		{"/credentials/fields/x~1y", "v1"},
		{"/credentials/scopes/1", "s1"},
		{"/credentials/scopes/2", nil},
		{"/credentials/scopes/-1", nil},
		{"/credentials/scopes/x", nil},
		{"/credentials/missing", nil},
		{"/credentials/fields/x~1y/deeper", nil},
	} {
		if got := schema.Lookup(doc, c.ptr); !cmp.Equal(got, c.want) {
			t.Errorf("Lookup(%q) = %v, want %v", c.ptr, got, c.want)
		}
	}
}

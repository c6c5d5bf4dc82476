package genesyscloud_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// slotFacts is one integration type as the brief and genesys-api.md
// state it, written out here rather than read from the catalogue.
type slotFacts struct {
	name            string
	maxInstances    int
	slot            string
	required        bool
	credentialTypes []string
}

var typeFacts = map[string]slotFacts{
	"custom-rest-actions":             {"Web Services Data Actions", 50, "basicAuth", false, []string{"basicAuth", "userDefined", "userDefinedOAuth"}},
	"purecloud-data-actions":          {"Genesys Cloud Data Actions", 10, "pureCloudOAuthClient", true, []string{"pureCloudOAuthClient"}},
	"aws-lambda-data-actions":         {"AWS Lambda Data Actions", 10, "AmazonWebServicesARN", true, []string{"amazonWebServicesARN"}},
	"function-data-actions":           {"Genesys Cloud Function Data Actions", 10, "functionCredentials", false, []string{"userDefined"}},
	"salesforce-datadip":              {"Salesforce Data Actions", 50, "salesforceUser", true, []string{"salesforce"}},
	"zendesk-data-actions":            {"Zendesk Data Actions", 10, "zendeskApiToken", true, []string{"zendeskApiToken"}},
	"microsoft-dynamics-data-actions": {"Microsoft Dynamics 365 Data Actions", 10, "msDynamics", true, []string{"msDynamics"}},
	"google-cloud-data-actions":       {"Google Cloud Data Actions", 100, "serviceAccount", true, []string{"googleCloudPlatformServiceAccount", "googleGSuiteServiceAccount"}},
	"google-dialogflow":               {"Google Dialogflow", 10, "dialogflowServiceAccount", true, []string{"googleDialogflowServiceAccount"}},
	"imap-server":                     {"IMAP Server", 0, "basicAuth", true, []string{"basicAuth"}},
}

// fieldFacts are each credential type's fields and required fields; nil
// fields means free-form.
var fieldFacts = map[string]struct{ fields, required []string }{
	"basicAuth":                         {[]string{"password", "userName"}, []string{"userName"}},
	"pureCloudOAuthClient":              {[]string{"clientId", "clientSecret"}, []string{"clientId", "clientSecret"}},
	"amazonWebServicesARN":              {[]string{"ARN"}, []string{"ARN"}},
	"salesforce":                        {[]string{"loginUrl", "password", "securityToken", "username"}, []string{"password", "securityToken", "username"}},
	"zendeskApiToken":                   {[]string{"apiToken", "baseUrl", "userEmail"}, []string{"apiToken", "baseUrl", "userEmail"}},
	"msDynamics":                        {[]string{"applicationId", "orgWebAddress", "password", "username"}, []string{"applicationId", "orgWebAddress", "password", "username"}},
	"userDefined":                       {nil, nil},
	"userDefinedOAuth":                  {nil, nil},
	"googleCloudPlatformServiceAccount": {[]string{"clientEmail", "clientId", "privateKey", "privateKeyId", "scopes"}, []string{"clientEmail", "privateKey", "privateKeyId"}},
	"googleGSuiteServiceAccount":        {[]string{"impersonateUserEmail", "privateKey", "privateKeyId", "scopes", "serviceAccountEmail"}, []string{"privateKey", "privateKeyId", "scopes", "serviceAccountEmail"}},
	"googleDialogflowServiceAccount":    {[]string{"clientEmail", "privateKey", "projectId"}, []string{"privateKey", "projectId"}},
}

func TestIntegrationTypesServed(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var p genesyscloud.IntegrationTypeEntityListing
	e.do("GET", "/api/v2/integrations/types?pageSize=100", nil, 200, &p)
	got := map[string]slotFacts{}
	for _, it := range p.Entities {
		if it.ID == "embedded-client-app" {
			if len(it.Credentials) != 0 || it.Name == "" {
				t.Errorf("embedded-client-app: %+v", it)
			}
			continue
		}
		if len(it.Credentials) != 1 {
			t.Errorf("%s has slots %v, want one", it.ID, it.Credentials)
			continue
		}
		for slot, spec := range it.Credentials {
			got[it.ID] = slotFacts{it.Name, it.MaxInstances, slot, spec.Required, spec.CredentialTypes}
		}
		if it.SelfURI != "/api/v2/integrations/types/"+it.ID {
			t.Errorf("%s selfUri %q", it.ID, it.SelfURI)
		}
	}
	if d := cmp.Diff(typeFacts, got, cmp.AllowUnexported(slotFacts{})); d != "" {
		t.Errorf("integration types (-want +got):\n%s", d)
	}
	if p.Total != len(typeFacts)+1 || p.PageCount != 1 {
		t.Errorf("total %d, pageCount %d", p.Total, p.PageCount)
	}
	// A client that looks for "google" in the name meets Dialogflow too.
	var google []string
	for _, it := range p.Entities {
		if strings.Contains(strings.ToLower(it.Name), "google") {
			google = append(google, it.ID)
		}
	}
	if !slices.Contains(google, "google-dialogflow") || !slices.Contains(google, "google-cloud-data-actions") {
		t.Errorf("types named like google: %v", google)
	}
}

func TestGetIntegrationType(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var it genesyscloud.IntegrationType
	e.do("GET", "/api/v2/integrations/types/aws-lambda-data-actions", nil, 200, &it)
	want := genesyscloud.IntegrationType{ID: "aws-lambda-data-actions", Name: "AWS Lambda Data Actions", MaxInstances: 10,
		SelfURI: "/api/v2/integrations/types/aws-lambda-data-actions",
		Credentials: map[string]genesyscloud.CredentialSpecification{
			"AmazonWebServicesARN": {Required: true, Title: "IAM role ARN", CredentialTypes: []string{"amazonWebServicesARN"}},
		}}
	if d := cmp.Diff(want, it); d != "" {
		t.Errorf("GET type (-want +got):\n%s", d)
	}
	errorBody(t, 404, e.do("GET", "/api/v2/integrations/types/nope", nil, 404, nil))
}

func TestCredentialTypesServed(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var got []genesyscloud.CredentialType
	e.do("GET", "/api/v2/integrations/credentials/types", nil, 200, &got)
	seen := map[string]bool{}
	for _, ct := range got {
		want, ok := fieldFacts[ct.Name]
		if !ok {
			t.Errorf("unexpected credential type %s", ct.Name)
			continue
		}
		seen[ct.Name] = true
		fields := sorted(slices.Collect(maps.Keys(ct.Properties)))
		if d := cmp.Diff(sorted(want.fields), fields); d != "" {
			t.Errorf("%s fields (-want +got):\n%s", ct.Name, d)
		}
		if d := cmp.Diff(sorted(want.required), sorted(ct.Required)); d != "" {
			t.Errorf("%s required (-want +got):\n%s", ct.Name, d)
		}
		if d := cmp.Diff(fields, sorted(ct.DisplayOrder)); d != "" {
			t.Errorf("%s displayOrder is not its fields (-want +got):\n%s", ct.Name, d)
		}
		for f, p := range ct.Properties {
			if p.Type != "string" || p.Title == "" {
				t.Errorf("%s.%s: %+v", ct.Name, f, p)
			}
		}
	}
	if len(seen) != len(fieldFacts) {
		t.Errorf("served %d credential types, want %d", len(seen), len(fieldFacts))
	}
}

func TestDefaultCatalogIsACopy(t *testing.T) {
	a := genesyscloud.DefaultCatalog()
	a.IntegrationTypes[0].Credentials["basicAuth"] = genesyscloud.CredentialSpecification{}
	a.IntegrationTypes[0].MaxInstances = 1
	a.CredentialTypes[0].Properties["extra"] = genesyscloud.CredentialProperty{Type: "string"}
	a.CredentialTypes[0].Required[0] = "changed"
	a.FreeForm[0] = "changed"
	if d := cmp.Diff(genesyscloud.DefaultCatalog(), genesyscloud.DefaultCatalog()); d != "" {
		t.Fatalf("two calls differ:\n%s", d)
	}
	b := genesyscloud.DefaultCatalog()
	if cmp.Equal(a, b) {
		t.Error("changing a copy changed the default")
	}
}

// TestCatalogOption serves a changed copy, and New keeps its own copy of
// it.
func TestCatalogOption(t *testing.T) {
	cat := genesyscloud.DefaultCatalog()
	for k := range cat.IntegrationTypes {
		if cat.IntegrationTypes[k].ID == zendesk {
			cat.IntegrationTypes[k].MaxInstances = 1
		}
	}
	cat.CredentialTypes = append(cat.CredentialTypes, genesyscloud.CredentialType{Name: "apiKey",
		Properties: map[string]genesyscloud.CredentialProperty{"key": {Type: "string", Title: "Key"}}, Required: []string{"key"}})
	cat.IntegrationTypes = append(cat.IntegrationTypes, genesyscloud.IntegrationType{ID: "acme-data-actions", Name: "Acme",
		Credentials: map[string]genesyscloud.CredentialSpecification{"acmeKey": {Required: true, CredentialTypes: []string{"apiKey"}}}})
	e := newEnv(t, genesyscloud.Options{Catalog: &cat})
	cat.IntegrationTypes = nil // New copied it

	e.createIntegration("one", zendesk)
	errorBody(t, 400, e.do("POST", "/api/v2/integrations", map[string]any{"name": "two", "integrationType": map[string]string{"id": zendesk}}, 400, nil))
	i := e.createIntegration("acme", "acme-data-actions")
	c := e.createCredential("k", "apiKey", map[string]string{"key": "v"})
	e.putConfig(i.ID, e.config(i.ID), map[string]string{"acmeKey": c.ID}, 200)
	e.do("GET", "/api/v2/integrations/types/acme-data-actions", nil, 200, nil)
}

func TestCatalogInvalid(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*genesyscloud.Catalog)
		want string
	}{
		{"type without id", func(c *genesyscloud.Catalog) {
			c.IntegrationTypes = append(c.IntegrationTypes, genesyscloud.IntegrationType{Name: "x"})
		}, "has no id"},
		{"duplicate type", func(c *genesyscloud.Catalog) {
			c.IntegrationTypes = append(c.IntegrationTypes, c.IntegrationTypes[0])
		}, "declared twice"},
		{"slot of unknown credential type", func(c *genesyscloud.Catalog) {
			c.IntegrationTypes[0].Credentials["basicAuth"] = genesyscloud.CredentialSpecification{CredentialTypes: []string{"nope"}}
		}, `undeclared credential type "nope"`},
		{"slot allowing nothing", func(c *genesyscloud.Catalog) {
			c.IntegrationTypes[0].Credentials["basicAuth"] = genesyscloud.CredentialSpecification{}
		}, "allows no credential type"},
		{"negative maxInstances", func(c *genesyscloud.Catalog) { c.IntegrationTypes[0].MaxInstances = -1 }, "negative"},
		{"required field not a property", func(c *genesyscloud.Catalog) {
			c.CredentialTypes[0].Required = append(c.CredentialTypes[0].Required, "ghost")
		}, `field "ghost"`},
		{"duplicate credential type", func(c *genesyscloud.Catalog) {
			c.CredentialTypes = append(c.CredentialTypes, c.CredentialTypes[0])
		}, "declared twice"},
		{"unknown free-form type", func(c *genesyscloud.Catalog) { c.FreeForm = append(c.FreeForm, "nope") }, `free-form credential type "nope"`},
		{"free-form with fields", func(c *genesyscloud.Catalog) { c.FreeForm = append(c.FreeForm, "basicAuth") }, "declares properties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := genesyscloud.DefaultCatalog()
			tt.mut(&c)
			_, err := genesyscloud.New(genesyscloud.Options{ClientID: "a", ClientSecret: "b", Catalog: &c})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error saying %q", err, tt.want)
			}
		})
	}
	// The default is valid, and so is an empty catalogue.
	for _, c := range []genesyscloud.Catalog{genesyscloud.DefaultCatalog(), {}} {
		if _, err := genesyscloud.New(genesyscloud.Options{ClientID: "a", ClientSecret: "b", Catalog: &c}); err != nil {
			t.Errorf("New: %v", err)
		}
	}
}

// sorted returns a sorted copy of xs.
func sorted(xs []string) []string {
	return slices.Sorted(slices.Values(append([]string{}, xs...)))
}

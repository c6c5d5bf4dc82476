package genesyscloud

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Catalog is what the org offers: its integration types and credential
// types. A test may change a copy of DefaultCatalog and pass it in
// Options.Catalog; the genesys-emulator command reads one from a JSON file.
type Catalog struct {
	IntegrationTypes []IntegrationType `json:"integrationTypes"`
	CredentialTypes  []CredentialType  `json:"credentialTypes"`
	// FreeForm names the credential types that take any fields (their
	// Properties list none). It is the catalogue's own, never served.
	FreeForm []string `json:"freeForm,omitempty"`
}

// The credential types a data-action integration uses, and the one whose
// use makes an auth action (genesys-api.md: "userDefinedOAuth credentials
// make Genesys create an auth action named customAuth_-_<integrationId>").
const (
	userDefined      = "userDefined"
	userDefinedOAuth = "userDefinedOAuth"
)

// DefaultCatalog returns the catalogue the emulator serves unless told
// otherwise, a new deep copy at each call.
//
// Sources: shared/contract/genesys-api.md (gathered from the public API
// reference, the Terraform provider CX as Code and its examples, and the
// remote modules Genesys publishes) for the ids, slots and field names;
// the seed document it cites for maxInstances 10 / 50 / 100. What no
// public source confirms is said so at the entry. Titles and display
// orders are ours.
func DefaultCatalog() Catalog {
	return Catalog{
		IntegrationTypes: []IntegrationType{
			dataActions("custom-rest-actions", "Web Services Data Actions", 50,
				// genesys-api.md: the slot is basicAuth whatever the
				// credential type; userDefined is seen only with Functions.
				"basicAuth", false, "Credentials", "basicAuth", userDefined, userDefinedOAuth),
			dataActions("purecloud-data-actions", "Genesys Cloud Data Actions", 10,
				"pureCloudOAuthClient", true, "OAuth client", "pureCloudOAuthClient"),
			dataActions("aws-lambda-data-actions", "AWS Lambda Data Actions", 10,
				// The slot has a capital A; the credential type does not.
				"AmazonWebServicesARN", true, "IAM role ARN", "amazonWebServicesARN"),
			dataActions("function-data-actions", "Genesys Cloud Function Data Actions", 10,
				// Slot, required false and credential type: "likely" in
				// genesys-api.md, unconfirmed.
				"functionCredentials", false, "Function credentials", userDefined),
			dataActions("salesforce-datadip", "Salesforce Data Actions", 50,
				"salesforceUser", true, "Salesforce user", "salesforce"),
			dataActions("zendesk-data-actions", "Zendesk Data Actions", 10,
				"zendeskApiToken", true, "API token", "zendeskApiToken"),
			dataActions("microsoft-dynamics-data-actions", "Microsoft Dynamics 365 Data Actions", 10,
				"msDynamics", true, "Microsoft Dynamics user", "msDynamics"),
			// Google: the real id and slot are in no public source.
			// google-cloud-data-actions is INVENTED, and so is the slot
			// serviceAccount, on purpose: a client must read the slot from
			// the type rather than guess it. The two credential types are
			// named in the seed help page; maxInstances 100 is the seed
			// document's.
			dataActions("google-cloud-data-actions", "Google Cloud Data Actions", 100,
				"serviceAccount", true, "Service account", "googleCloudPlatformServiceAccount", "googleGSuiteServiceAccount"),
			// Types a data-action client must ignore. Dialogflow's name
			// holds "Google" (genesys-api.md: "name contains google" also
			// matches Dialogflow integrations); its id, slot, credential
			// type and maxInstances are INVENTED.
			dataActions("google-dialogflow", "Google Dialogflow", 10,
				"dialogflowServiceAccount", true, "Dialogflow service account", "googleDialogflowServiceAccount"),
			// embedded-client-app and imap-server appear in the Terraform
			// provider's examples; their names, slots and limits here are
			// unconfirmed.
			{ID: "embedded-client-app", Name: "Client Application", Description: "Embeds a web application in Genesys Cloud."},
			dataActions("imap-server", "IMAP Server", 0,
				"basicAuth", true, "IMAP account", "basicAuth"),
		},
		CredentialTypes: []CredentialType{
			fields("basicAuth", []string{"userName"}, "userName", "password"),
			fields("pureCloudOAuthClient", []string{"clientId", "clientSecret"}, "clientId", "clientSecret"),
			fields("amazonWebServicesARN", []string{"ARN"}, "ARN"),
			// username with a lower-case n, unlike basicAuth's userName.
			fields("salesforce", []string{"username", "password", "securityToken"},
				"username", "password", "securityToken", "loginUrl"),
			fields("zendeskApiToken", []string{"userEmail", "baseUrl", "apiToken"}, "userEmail", "baseUrl", "apiToken"),
			fields("msDynamics", []string{"username", "password", "orgWebAddress", "applicationId"},
				"username", "password", "orgWebAddress", "applicationId"),
			// Free-form: any fields (see FreeForm).
			fields(userDefined, nil),
			fields(userDefinedOAuth, nil),
			// The field names of the two Google types are unconfirmed.
			fields("googleCloudPlatformServiceAccount", []string{"clientEmail", "privateKeyId", "privateKey"},
				"clientId", "clientEmail", "privateKeyId", "privateKey", "scopes"),
			fields("googleGSuiteServiceAccount", []string{"serviceAccountEmail", "privateKeyId", "privateKey", "scopes"},
				"serviceAccountEmail", "privateKeyId", "privateKey", "scopes", "impersonateUserEmail"),
			// INVENTED: Dialogflow's credential type, fields and all.
			fields("googleDialogflowServiceAccount", []string{"projectId", "privateKey"}, "projectId", "clientEmail", "privateKey"),
		},
		FreeForm: []string{userDefined, userDefinedOAuth},
	}
}

// dataActions makes an integration type with one credential slot.
func dataActions(id, name string, maxInstances int, slot string, required bool, title string, credentialTypes ...string) IntegrationType {
	return IntegrationType{ID: id, Name: name, MaxInstances: maxInstances,
		Credentials: map[string]CredentialSpecification{
			slot: {Required: required, Title: title, CredentialTypes: credentialTypes},
		}}
}

// fields makes a credential type whose fields are all strings, titled by
// their names, displayed in the order given.
func fields(name string, required []string, names ...string) CredentialType {
	t := CredentialType{Name: name, Properties: map[string]CredentialProperty{},
		DisplayOrder: append([]string{}, names...), Required: append([]string{}, required...)}
	for _, n := range names {
		t.Properties[n] = CredentialProperty{Type: "string", Title: n}
	}
	return t
}

// catalog is a validated Catalog, indexed. It never changes after
// newCatalog.
type catalog struct {
	types          []IntegrationType // in the Catalog's order
	typeByID       map[string]IntegrationType
	credTypes      []CredentialType // in the Catalog's order
	credTypeByName map[string]CredentialType
	freeForm       map[string]bool
}

// newCatalog checks c and indexes a deep copy of it; every problem is
// reported at once.
func newCatalog(c Catalog) (*catalog, error) {
	cat := &catalog{typeByID: map[string]IntegrationType{}, credTypeByName: map[string]CredentialType{}, freeForm: map[string]bool{}}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, ct := range c.CredentialTypes {
		ct = cloneCredentialType(ct)
		if ct.Name == "" {
			bad("a credential type has no name")
			continue
		}
		if _, dup := cat.credTypeByName[ct.Name]; dup {
			bad("credential type %s: declared twice", ct.Name)
		}
		for _, f := range slices.Concat(ct.Required, ct.DisplayOrder) {
			if _, ok := ct.Properties[f]; !ok {
				bad("credential type %s: field %q is required or displayed but not in properties", ct.Name, f)
			}
		}
		cat.credTypeByName[ct.Name] = ct
		cat.credTypes = append(cat.credTypes, ct)
	}
	for _, n := range c.FreeForm {
		ct, ok := cat.credTypeByName[n]
		switch {
		case !ok:
			bad("free-form credential type %q is not declared", n)
		case len(ct.Properties) > 0:
			bad("free-form credential type %s declares properties", n)
		}
		cat.freeForm[n] = true
	}
	for _, t := range c.IntegrationTypes {
		t = cloneIntegrationType(t)
		switch _, dup := cat.typeByID[t.ID]; {
		case t.ID == "":
			bad("an integration type has no id")
			continue
		case dup:
			bad("integration type %s: declared twice", t.ID)
		}
		if t.MaxInstances < 0 {
			bad("integration type %s: maxInstances %d is negative", t.ID, t.MaxInstances)
		}
		for _, slot := range slices.Sorted(maps.Keys(t.Credentials)) {
			spec := t.Credentials[slot]
			if len(spec.CredentialTypes) == 0 {
				bad("integration type %s: slot %s allows no credential type", t.ID, slot)
			}
			for _, n := range spec.CredentialTypes {
				if _, ok := cat.credTypeByName[n]; !ok {
					bad("integration type %s: slot %s allows undeclared credential type %q", t.ID, slot, n)
				}
			}
		}
		cat.typeByID[t.ID] = t
		cat.types = append(cat.types, t)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return cat, nil
}

// wireIntegrationType is the type as GET /api/v2/integrations/types
// answers it.
func wireIntegrationType(t IntegrationType) IntegrationType {
	t = cloneIntegrationType(t)
	t.SelfURI = "/api/v2/integrations/types/" + t.ID
	return t
}

// wireCredentialType is the type as GET
// /api/v2/integrations/credentials/types answers it: every field there,
// empty rather than null.
func wireCredentialType(ct CredentialType) CredentialType {
	ct = cloneCredentialType(ct)
	if ct.Properties == nil {
		ct.Properties = map[string]CredentialProperty{}
	}
	if ct.DisplayOrder == nil {
		ct.DisplayOrder = []string{}
	}
	if ct.Required == nil {
		ct.Required = []string{}
	}
	return ct
}

func cloneIntegrationType(t IntegrationType) IntegrationType {
	if t.Credentials != nil {
		t.Credentials = maps.Clone(t.Credentials)
		for k, s := range t.Credentials {
			s.CredentialTypes = slices.Clone(s.CredentialTypes)
			t.Credentials[k] = s
		}
	}
	return t
}

func cloneCredentialType(ct CredentialType) CredentialType {
	ct.Properties = maps.Clone(ct.Properties)
	ct.DisplayOrder = slices.Clone(ct.DisplayOrder)
	ct.Required = slices.Clone(ct.Required)
	return ct
}

// slotNames lists an integration type's slots, for messages.
func slotNames(t IntegrationType) string {
	if len(t.Credentials) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(t.Credentials)), ", ")
}

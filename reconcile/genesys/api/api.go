// Package api holds the facts of the Genesys Cloud Platform API that
// reconcile relies on: the wire types of the endpoints it calls, and the
// one table that maps our vendor and credential words to the API's type
// ids, configuration slots and field names, so a correction is a one-line
// change here. The client checks the table against what the org itself
// says (its integration types and credential types) before any write, and
// the emulator (reconcile/witness/genesyscloud) keeps its own catalogue,
// so neither test double nor client can hide a wrong fact here.
package api

import "strings"

// Vendor maps one of our vendor types to the API.
type Vendor struct {
	Type string // our spec's type, e.g. "zendesk"
	// IntegrationType is the integrationType.id. Empty means unconfirmed:
	// the client takes the one integration type with a slot that accepts
	// the vendor's credential types (a type name is no guide: "Google"
	// also names Dialogflow integrations).
	IntegrationType string
	// Slot is the key under the configuration's credentials map. Empty
	// means unconfirmed: the client takes the org's.
	Slot string
	// Credentials maps our credential type (spec.Credential.Type) to the
	// API's credential type.
	Credentials map[string]CredentialType
}

// CredentialType is one API credential type and how our fields map to it.
type CredentialType struct {
	Name string // the API's credential type name
	// Fields maps our field names to the API's. A nil map means
	// user-defined: our `fields` map is sent as it is.
	Fields map[string]string
}

// Vendors is the table, by our vendor type. Entries marked unconfirmed in
// ../shared/contract/genesys-api.md are discovered at run time where they
// can be (integration types by name) and are otherwise our best reading.
var Vendors = map[string]Vendor{
	"web-services": {Type: "web-services", IntegrationType: "custom-rest-actions", Slot: "basicAuth",
		Credentials: map[string]CredentialType{
			"basic":              {Name: "basicAuth", Fields: map[string]string{"userName": "userName", "password": "password"}},
			"user-defined":       {Name: "userDefined"},
			"user-defined-oauth": {Name: "userDefinedOAuth"},
		}},
	"genesys-cloud": {Type: "genesys-cloud", IntegrationType: "purecloud-data-actions", Slot: "pureCloudOAuthClient",
		Credentials: map[string]CredentialType{
			"genesys-cloud": {Name: "pureCloudOAuthClient", Fields: map[string]string{"clientId": "clientId", "clientSecret": "clientSecret"}},
		}},
	"aws-lambda": {Type: "aws-lambda", IntegrationType: "aws-lambda-data-actions", Slot: "AmazonWebServicesARN",
		Credentials: map[string]CredentialType{
			"aws-lambda": {Name: "amazonWebServicesARN", Fields: map[string]string{"roleArn": "ARN"}},
		}},
	// Slot and credential type likely, not confirmed.
	"genesys-cloud-function": {Type: "genesys-cloud-function", IntegrationType: "function-data-actions", Slot: "functionCredentials",
		Credentials: map[string]CredentialType{
			"genesys-cloud-function": {Name: "userDefined"},
		}},
	"salesforce": {Type: "salesforce", IntegrationType: "salesforce-datadip", Slot: "salesforceUser",
		Credentials: map[string]CredentialType{
			"salesforce": {Name: "salesforce", Fields: map[string]string{"userName": "username", "password": "password", "securityToken": "securityToken", "loginUrl": "loginUrl"}},
		}},
	"zendesk": {Type: "zendesk", IntegrationType: "zendesk-data-actions", Slot: "zendeskApiToken",
		Credentials: map[string]CredentialType{
			"zendesk": {Name: "zendeskApiToken", Fields: map[string]string{"email": "userEmail", "baseServiceUrl": "baseUrl", "apiToken": "apiToken"}},
		}},
	"microsoft-dynamics-365": {Type: "microsoft-dynamics-365", IntegrationType: "microsoft-dynamics-data-actions", Slot: "msDynamics",
		Credentials: map[string]CredentialType{
			"microsoft-dynamics-365": {Name: "msDynamics", Fields: map[string]string{"userName": "username", "password": "password", "organizationUrl": "orgWebAddress", "applicationId": "applicationId"}},
		}},
	// The credential type names are the Genesys help page's ("Google data
	// actions"); the type id and slot are unknown and discovered from the
	// org; the field names are unconfirmed and checked against the org's
	// credential types before any write.
	"google": {Type: "google",
		Credentials: map[string]CredentialType{
			"cloud-platform": {Name: "googleCloudPlatformServiceAccount", Fields: map[string]string{"clientId": "clientId", "clientEmail": "clientEmail", "privateKeyId": "privateKeyId", "privateKey": "privateKey", "scopes": "scopes"}},
			"g-suite":        {Name: "googleGSuiteServiceAccount", Fields: map[string]string{"serviceAccountEmail": "serviceAccountEmail", "privateKeyId": "privateKeyId", "privateKey": "privateKey", "scopes": "scopes", "impersonateUserEmail": "impersonateUserEmail"}},
		}},
}

// MTLSProperty is the web-services configuration property naming the
// client certificate authority.
const MTLSProperty = "clientCertificateAuthority"

// MTLSValues maps our mTLS words to the stored spelling. "Genesys Cloud"
// was seen in exported data; the DigiCert spelling is unconfirmed.
var MTLSValues = map[string]string{"genesys-cloud": "Genesys Cloud", "digicert": "DigiCert"}

// IsVersionConflict says whether an answer to a configuration PUT means a
// stale version: 409 or 408 (the Terraform provider's IsVersionMismatch),
// or 400 whose message says so.
func IsVersionConflict(status int, message string) bool {
	return status == 409 || status == 408 || (status == 400 && strings.Contains(message, "does not match the current version"))
}

// AuthActionPrefix starts the name of the auth action Genesys makes for an
// integration with a userDefinedOAuth credential (customAuth_-_<id>): it is
// not one of the user's data actions.
const AuthActionPrefix = "customAuth_-_"

package api

// Wire types: only the fields reconcile reads or writes, each shaped as
// the official SDK's model of the same name (purecloud-platform-client-v2
// index.d.ts, the referee; see cmd/reconcile/conformance_test.go).

// Ref is a reference by id (the SDK's IntegrationType and DomainEntityRef
// need no more when sent).
type Ref struct {
	ID string `json:"id"`
}

// Integration is the SDK's Integration: an entry of GET
// /api/v2/integrations and the answer of POST, GET and PATCH.
type Integration struct {
	ID              string             `json:"id"`
	Name            string             `json:"name"`
	IntegrationType Ref                `json:"integrationType"`
	Notes           string             `json:"notes,omitempty"`
	IntendedState   string             `json:"intendedState"` // ENABLED or DISABLED
	ReportedState   *IntegrationStatus `json:"reportedState,omitempty"`
	Config          *ConfigurationInfo `json:"config,omitempty"` // with expand=config.current
}

// IntegrationStatus is the SDK's IntegrationStatusInfo: what the org made
// of the intended state. Code is ACTIVE, ACTIVATING, INACTIVE,
// DEACTIVATING or ERROR.
type IntegrationStatus struct {
	Code   string       `json:"code,omitempty"`
	Detail *MessageInfo `json:"detail,omitempty"`
}

// MessageInfo is the SDK's MessageInfo.
type MessageInfo struct {
	Message string `json:"message,omitempty"`
}

// ConfigurationInfo is the SDK's IntegrationConfigurationInfo.
type ConfigurationInfo struct {
	Current *Configuration `json:"current,omitempty"`
}

// Configuration is the SDK's IntegrationConfiguration: GET/PUT
// /api/v2/integrations/{id}/config/current. The org answers each
// credential slot with a CredentialInfo; a PUT sends {id} alone.
type Configuration struct {
	Name        string                    `json:"name"`
	Notes       string                    `json:"notes"`
	Version     int                       `json:"version"`
	Properties  map[string]any            `json:"properties"`
	Advanced    map[string]any            `json:"advanced"`
	Credentials map[string]CredentialInfo `json:"credentials"`
}

// Page is a paged listing: the SDK's IntegrationEntityListing,
// IntegrationTypeEntityListing and ActionEntityListing.
type Page[T any] struct {
	Entities  []T `json:"entities"`
	PageCount int `json:"pageCount"`
}

// CursorPage is the SDK's CredentialInfoCursorListing, paged with after
// and before instead of page numbers.
type CursorPage[T any] struct {
	Entities []T    `json:"entities"`
	NextURI  string `json:"nextUri,omitempty"`
}

// IntegrationType is the SDK's IntegrationType: an entry of GET
// /api/v2/integrations/types.
type IntegrationType struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	MaxInstances int    `json:"maxInstances,omitempty"`
	// Credentials are the type's credential slots, by slot name.
	Credentials map[string]CredentialSpecification `json:"credentials,omitempty"`
}

// CredentialSpecification is the SDK's CredentialSpecification: one slot
// of an integration type and the credential types it takes.
type CredentialSpecification struct {
	Required        bool     `json:"required"`
	Title           string   `json:"title,omitempty"`
	CredentialTypes []string `json:"credentialTypes"`
}

// CredentialTypeInfo is the SDK's CredentialType as GET
// /api/v2/integrations/credentials/types answers it: its fields
// (properties, a JSON Schema's) and which are required.
type CredentialTypeInfo struct {
	Name       string         `json:"name"`
	Properties map[string]any `json:"properties,omitempty"`
	Required   []string       `json:"required,omitempty"`
}

// CredentialInfo is the SDK's CredentialInfo: an entry of the credential
// listing, the answer of a credential POST or PUT, and what a
// configuration holds in each slot.
type CredentialInfo struct {
	ID   string    `json:"id"`
	Name string    `json:"name,omitempty"`
	Type *TypeName `json:"type,omitempty"`
}

// TypeOf returns the credential's type name, or "" when the org gave none.
func (c CredentialInfo) TypeOf() string {
	if c.Type == nil {
		return ""
	}
	return c.Type.Name
}

// TypeName names a credential type: the SDK's CredentialType with its
// name alone.
type TypeName struct {
	Name string `json:"name"`
}

// Credential is the SDK's Credential, the body of POST/PUT
// /api/v2/integrations/credentials. CredentialFields holds secrets: it is
// only ever sent, never logged.
type Credential struct {
	Name             string            `json:"name"`
	Type             TypeName          `json:"type"`
	CredentialFields map[string]string `json:"credentialFields,omitempty"`
}

// Action is the SDK's Action: an entry of GET /api/v2/integrations/actions
// (with includeConfig=true, its config; a listing never has the contract),
// or of GET /api/v2/integrations/actions/{actionId}?expand=contract.
type Action struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	IntegrationID string         `json:"integrationId"`
	Category      string         `json:"category,omitempty"`
	Secure        bool           `json:"secure,omitempty"`
	Version       int            `json:"version,omitempty"`
	Config        map[string]any `json:"config,omitempty"`
	Contract      map[string]any `json:"contract,omitempty"`
}

// PostActionInput is the SDK's PostActionInput: the body of POST
// /api/v2/integrations/actions/drafts.
type PostActionInput struct {
	Category      string         `json:"category"`
	Name          string         `json:"name"`
	IntegrationID string         `json:"integrationId"`
	Config        map[string]any `json:"config"`
	Contract      map[string]any `json:"contract"`
	Secure        bool           `json:"secure"`
}

// UpdateDraftInput is the SDK's UpdateDraftInput: the body of PATCH
// /api/v2/integrations/actions/{actionId}/draft. Contract and Secure are
// sent only to a draft with no published action (a published contract
// cannot change).
type UpdateDraftInput struct {
	Category string         `json:"category"`
	Name     string         `json:"name"`
	Config   map[string]any `json:"config"`
	Contract map[string]any `json:"contract,omitempty"`
	Secure   *bool          `json:"secure,omitempty"`
	Version  int            `json:"version"`
}

// PublishDraftInput is the SDK's PublishDraftInput.
type PublishDraftInput struct {
	Version int `json:"version"`
}

// TestExecutionResult is the SDK's TestExecutionResult: the answer of
// POST .../draft/test and .../test.
type TestExecutionResult struct {
	Operations  []TestExecutionOperationResult `json:"operations"`
	Error       *ErrorBody                     `json:"error"`
	FinalResult any                            `json:"finalResult"`
	Success     bool                           `json:"success"`
}

// TestExecutionOperationResult is one step of a test execution.
type TestExecutionOperationResult struct {
	Step    int        `json:"step"`
	Name    string     `json:"name"`
	Success bool       `json:"success"`
	Error   *ErrorBody `json:"error"`
}

// ErrorBody is the SDK's ErrorBody, the API's error answer.
type ErrorBody struct {
	Status  int    `json:"status"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

// OAuthError is the token endpoint's error answer (RFC 6749 section 5.2).
type OAuthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

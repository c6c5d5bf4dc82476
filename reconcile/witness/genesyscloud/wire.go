package genesyscloud

// The wire types: what the emulator reads and answers, written from the
// models of the official Genesys Cloud JavaScript SDK,
// purecloud-platform-client-v2 262.0.0, index.d.ts (namespace Models).
// Only the fields the emulator serves are declared; every optional field
// of the SDK's is omitted when it has no value. Nothing here is shared
// with the client under test.

// Integration is the SDK's Models.Integration (index.d.ts).
type Integration struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// IntegrationType holds only the type's id and name.
	IntegrationType IntegrationType `json:"integrationType"`
	Notes           string          `json:"notes,omitempty"`
	// IntendedState is ENABLED or DISABLED.
	IntendedState string `json:"intendedState"`
	// Config is there only with expand=config.current.
	Config        *IntegrationConfigurationInfo `json:"config,omitempty"`
	ReportedState *IntegrationStatusInfo        `json:"reportedState,omitempty"`
	SelfURI       string                        `json:"selfUri,omitempty"`
}

// IntegrationConfigurationInfo is the SDK's
// Models.IntegrationConfigurationInfo (index.d.ts).
type IntegrationConfigurationInfo struct {
	Current *IntegrationConfiguration `json:"current,omitempty"`
}

// IntegrationStatusInfo is the SDK's Models.IntegrationStatusInfo
// (index.d.ts).
type IntegrationStatusInfo struct {
	// Code is the machine-readable status: ACTIVE, ACTIVATING, INACTIVE,
	// DEACTIVATING or ERROR.
	Code string `json:"code,omitempty"`
	// Effective is the "localized, human-readable" status (the SDK's
	// description); its wording here is invented.
	Effective string       `json:"effective,omitempty"`
	Detail    *MessageInfo `json:"detail,omitempty"`
	// LastUpdated is when Code last changed, ISO-8601.
	LastUpdated string `json:"lastUpdated,omitempty"`
}

// MessageInfo is the SDK's Models.MessageInfo (index.d.ts).
type MessageInfo struct {
	LocalizableMessageCode string `json:"localizableMessageCode,omitempty"`
	Message                string `json:"message,omitempty"`
}

// IntegrationType is the SDK's Models.IntegrationType (index.d.ts). In a
// Catalog it is a type the org offers; inside an Integration only ID and
// Name are set.
type IntegrationType struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// Credentials are the configuration's credential slots, by slot name.
	Credentials map[string]CredentialSpecification `json:"credentials,omitempty"`
	// MaxInstances is how many integrations of the type an org may have;
	// 0 means no limit.
	MaxInstances int    `json:"maxInstances,omitempty"`
	SelfURI      string `json:"selfUri,omitempty"`
}

// CredentialSpecification is the SDK's Models.CredentialSpecification
// (index.d.ts): one credential slot of an integration type.
type CredentialSpecification struct {
	// Required says an integration cannot be active with the slot empty.
	Required bool   `json:"required"`
	Title    string `json:"title,omitempty"`
	// CredentialTypes are the names of the credential types the slot takes.
	CredentialTypes []string `json:"credentialTypes"`
}

// CredentialType is the SDK's Models.CredentialType (index.d.ts). In the
// answer of GET /api/v2/integrations/credentials/types every field is
// there; as the type of a credential only Name is.
type CredentialType struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	// Properties are the credential's fields by name. The SDK types it
	// only as "object"; the {type, title} shape of each is our
	// assumption, after JSON Schema.
	Properties map[string]CredentialProperty `json:"properties,omitzero"`
	// DisplayOrder lists the fields in the order the admin UI shows them.
	DisplayOrder []string `json:"displayOrder,omitzero"`
	// Required lists the fields a credential must have.
	Required []string `json:"required,omitzero"`
}

// CredentialProperty is one field of a CredentialType's Properties: not an
// SDK model (the SDK says "object"), a JSON Schema property.
type CredentialProperty struct {
	Type  string `json:"type"`
	Title string `json:"title,omitempty"`
}

// CredentialInfo is the SDK's Models.CredentialInfo (index.d.ts): a
// credential without its fields.
type CredentialInfo struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// CreatedDate and ModifiedDate are ISO-8601.
	CreatedDate  string         `json:"createdDate,omitempty"`
	ModifiedDate string         `json:"modifiedDate,omitempty"`
	Type         CredentialType `json:"type,omitzero"`
	SelfURI      string         `json:"selfUri,omitempty"`
}

// CredentialInfoCursorListing is the SDK's
// Models.CredentialInfoCursorListing (index.d.ts), the answer of GET
// /api/v2/integrations/credentials/listing.
type CredentialInfoCursorListing struct {
	Entities []CredentialInfo `json:"entities"`
	// NextURI is there only when more entities follow; it carries after=.
	NextURI string `json:"nextUri,omitempty"`
	SelfURI string `json:"selfUri"`
	// PreviousURI is there only when entities precede; it carries before=.
	PreviousURI string `json:"previousUri,omitempty"`
}

// Credential is the SDK's Models.Credential (index.d.ts): the body of a
// credential POST or PUT, and the answer of a GET, which never carries
// CredentialFields.
type Credential struct {
	ID               string            `json:"id,omitempty"`
	Name             string            `json:"name"`
	Type             CredentialType    `json:"type"`
	CredentialFields map[string]string `json:"credentialFields,omitempty"`
	SelfURI          string            `json:"selfUri,omitempty"`
}

// CreateIntegrationRequest is the SDK's Models.CreateIntegrationRequest
// (index.d.ts), the body of POST /api/v2/integrations; name and
// integrationType are required.
type CreateIntegrationRequest struct {
	Name            string          `json:"name"`
	IntegrationType IntegrationType `json:"integrationType"`
}

// IntegrationConfiguration is the SDK's Models.IntegrationConfiguration
// (index.d.ts). Properties, Advanced and Credentials are never null in an
// answer. In a PUT each credential needs only its ID.
type IntegrationConfiguration struct {
	ID          string                    `json:"id,omitempty"`
	Name        string                    `json:"name"`
	Version     int                       `json:"version"`
	Properties  map[string]any            `json:"properties"`
	Advanced    map[string]any            `json:"advanced"`
	Notes       string                    `json:"notes"`
	Credentials map[string]CredentialInfo `json:"credentials"`
	SelfURI     string                    `json:"selfUri,omitempty"`
}

// ErrorBody is the SDK's Models.ErrorBody (index.d.ts): the body of every
// /api/v2 answer that is not a success.
type ErrorBody struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Status  int    `json:"status"`
}

// Action is the SDK's Models.Action (index.d.ts): a published data
// action, a draft, or an auth action an integration made for itself.
// Config is there only with includeConfig=true and Contract only with
// expand=contract, except in the answers about one draft, which always
// carry both. An auth action has neither.
type Action struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	IntegrationID string          `json:"integrationId"`
	Category      string          `json:"category,omitempty"`
	Contract      *ActionContract `json:"contract,omitempty"`
	Version       int             `json:"version,omitempty"`
	Secure        bool            `json:"secure"`
	Config        *ActionConfig   `json:"config,omitempty"`
	SelfURI       string          `json:"selfUri,omitempty"`
}

// ActionConfig is the SDK's Models.ActionConfig (index.d.ts): how the
// action calls its service. The *Uri fields of the SDK's RequestConfig
// and ResponseConfig are not declared, so a body naming them is refused.
type ActionConfig struct {
	// TimeoutSeconds is the call's timeout; 0 means the default, 30.
	TimeoutSeconds int             `json:"timeoutSeconds,omitempty"`
	Request        *RequestConfig  `json:"request,omitempty"`
	Response       *ResponseConfig `json:"response,omitempty"`
}

// RequestConfig is the SDK's Models.RequestConfig (index.d.ts). The
// templates are Velocity, of which the emulator runs a subset
// (execute.go).
type RequestConfig struct {
	RequestURLTemplate string            `json:"requestUrlTemplate,omitempty"`
	RequestTemplate    string            `json:"requestTemplate,omitempty"`
	RequestType        string            `json:"requestType,omitempty"`
	Headers            map[string]string `json:"headers,omitempty"`
}

// ResponseConfig is the SDK's Models.ResponseConfig (index.d.ts).
// TranslationMap maps a name to a JSONPath into the service's answer;
// TranslationMapDefaults holds, as JSON literals in strings, the value of
// a name whose path finds nothing.
type ResponseConfig struct {
	TranslationMap         map[string]string `json:"translationMap,omitempty"`
	TranslationMapDefaults map[string]string `json:"translationMapDefaults,omitempty"`
	SuccessTemplate        string            `json:"successTemplate,omitempty"`
}

// ActionContract is the SDK's Models.ActionContract (index.d.ts), as an
// answer carries it. The schemas (JsonSchemaDocument) are kept as generic
// JSON.
type ActionContract struct {
	Output *ActionOutput `json:"output,omitempty"`
	Input  *ActionInput  `json:"input,omitempty"`
}

// ActionInput is the SDK's Models.ActionInput (index.d.ts).
type ActionInput struct {
	InputSchema map[string]any `json:"inputSchema,omitempty"`
}

// ActionOutput is the SDK's Models.ActionOutput (index.d.ts).
type ActionOutput struct {
	SuccessSchema map[string]any `json:"successSchema,omitempty"`
}

// PostActionInput is the SDK's Models.PostActionInput (index.d.ts), the
// body of POST /api/v2/integrations/actions/drafts: all but Secure
// required (the pointers tell a missing field).
type PostActionInput struct {
	Category      string               `json:"category"`
	Name          string               `json:"name"`
	IntegrationID string               `json:"integrationId"`
	Config        *ActionConfig        `json:"config"`
	Contract      *ActionContractInput `json:"contract"`
	Secure        bool                 `json:"secure,omitempty"`
}

// ActionContractInput is the SDK's Models.ActionContractInput
// (index.d.ts): both fields required.
type ActionContractInput struct {
	Input  *PostInputContract  `json:"input"`
	Output *PostOutputContract `json:"output"`
}

// PostInputContract is the SDK's Models.PostInputContract (index.d.ts).
type PostInputContract struct {
	InputSchema map[string]any `json:"inputSchema"`
}

// PostOutputContract is the SDK's Models.PostOutputContract (index.d.ts).
type PostOutputContract struct {
	SuccessSchema map[string]any `json:"successSchema"`
}

// UpdateDraftInput is the SDK's Models.UpdateDraftInput (index.d.ts), the
// body of PATCH /api/v2/integrations/actions/{actionId}/draft: only
// Version is required; a field left out is kept.
type UpdateDraftInput struct {
	Category *string              `json:"category,omitempty"`
	Name     *string              `json:"name,omitempty"`
	Config   *ActionConfig        `json:"config,omitempty"`
	Contract *ActionContractInput `json:"contract,omitempty"`
	Secure   *bool                `json:"secure,omitempty"`
	Version  *int                 `json:"version"`
}

// PublishDraftInput is the SDK's Models.PublishDraftInput (index.d.ts).
type PublishDraftInput struct {
	Version *int `json:"version"`
}

// TestExecutionResult is the SDK's Models.TestExecutionResult
// (index.d.ts), the answer of the two test endpoints: a failed execution
// is still a 200, with Success false and the failing step's Error.
type TestExecutionResult struct {
	Operations  []TestExecutionOperationResult `json:"operations"`
	Error       *ErrorBody                     `json:"error,omitempty"`
	FinalResult any                            `json:"finalResult,omitempty"`
	Success     bool                           `json:"success"`
}

// TestExecutionOperationResult is the SDK's
// Models.TestExecutionOperationResult (index.d.ts): one step.
type TestExecutionOperationResult struct {
	Step    int        `json:"step"`
	Name    string     `json:"name"`
	Success bool       `json:"success"`
	Result  any        `json:"result,omitempty"`
	Error   *ErrorBody `json:"error,omitempty"`
}

// EntityListing is the page shape the SDK's *EntityListing models share
// (index.d.ts): entities, pageSize, pageNumber, total, pageCount and the
// navigation URIs.
type EntityListing[T any] struct {
	Entities    []T    `json:"entities"`
	PageSize    int    `json:"pageSize"`
	PageNumber  int    `json:"pageNumber"`
	Total       int    `json:"total"`
	PageCount   int    `json:"pageCount"`
	FirstURI    string `json:"firstUri"`
	SelfURI     string `json:"selfUri"`
	LastURI     string `json:"lastUri"`
	NextURI     string `json:"nextUri,omitempty"`
	PreviousURI string `json:"previousUri,omitempty"`
}

// IntegrationEntityListing is the SDK's Models.IntegrationEntityListing
// (index.d.ts), the answer of GET /api/v2/integrations.
type IntegrationEntityListing = EntityListing[Integration]

// IntegrationTypeEntityListing is the SDK's
// Models.IntegrationTypeEntityListing (index.d.ts), the answer of GET
// /api/v2/integrations/types.
type IntegrationTypeEntityListing = EntityListing[IntegrationType]

// ActionEntityListing is the SDK's Models.ActionEntityListing
// (index.d.ts), the answer of GET /api/v2/integrations/actions and of
// GET /api/v2/integrations/actions/drafts.
type ActionEntityListing = EntityListing[Action]

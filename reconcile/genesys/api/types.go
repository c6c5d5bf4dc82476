package api

// Wire types: only the fields reconcile reads or writes.

// Ref is a reference by id.
type Ref struct {
	ID string `json:"id"`
}

// Integration is an entry of GET /api/v2/integrations.
type Integration struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	IntegrationType Ref     `json:"integrationType"`
	Notes           string  `json:"notes,omitempty"`
	IntendedState   string  `json:"intendedState"` // ENABLED or DISABLED
	ReportedState   *State  `json:"reportedState,omitempty"`
	Config          *Config `json:"config,omitempty"` // with expand=config.current
}

// State is an integration's reported state.
type State struct {
	Code string `json:"code,omitempty"`
}

// Config wraps the current configuration in a listing.
type Config struct {
	Current *Configuration `json:"current,omitempty"`
}

// Configuration is GET/PUT /api/v2/integrations/{id}/config/current.
type Configuration struct {
	Name        string                   `json:"name"`
	Notes       string                   `json:"notes"`
	Version     int                      `json:"version"`
	Properties  map[string]any           `json:"properties"`
	Advanced    map[string]any           `json:"advanced"`
	Credentials map[string]CredentialRef `json:"credentials"`
}

// CredentialRef is a configuration's reference to a credential.
type CredentialRef struct {
	ID   string `json:"id"`
	Type string `json:"type,omitempty"`
}

// Page is a paged listing.
type Page[T any] struct {
	Entities   []T `json:"entities"`
	PageSize   int `json:"pageSize"`
	PageNumber int `json:"pageNumber"`
	PageCount  int `json:"pageCount"`
	Total      int `json:"total"`
}

// IntegrationType is an entry of GET /api/v2/integrations/types.
type IntegrationType struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	MaxInstances int    `json:"maxInstances,omitempty"`
}

// CredentialTypeInfo is an entry of GET /api/v2/integrations/credentials/types.
type CredentialTypeInfo struct {
	Name string `json:"name"`
}

// CredentialInfo is an entry of GET /api/v2/integrations/credentials/listing.
type CredentialInfo struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	Type TypeName `json:"type"`
}

// TypeName names a credential type.
type TypeName struct {
	Name string `json:"name"`
}

// Credential is the body of POST/PUT /api/v2/integrations/credentials.
// CredentialFields holds secrets: it is only ever sent, never logged.
type Credential struct {
	ID               string            `json:"id,omitempty"`
	Name             string            `json:"name"`
	Type             TypeName          `json:"type"`
	CredentialFields map[string]string `json:"credentialFields,omitempty"`
}

// Action is an entry of GET /api/v2/integrations/actions.
type Action struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	IntegrationID string `json:"integrationId"`
}

// ErrorBody is the API's error answer.
type ErrorBody struct {
	Status  int    `json:"status"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

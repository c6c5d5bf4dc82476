package genesyscloud

import (
	"net/http"
)

// routes registers every endpoint. The paths, methods and query
// parameters are the SDK's (src/purecloud-platform-client-v2/api/IntegrationsApi.js).
func (s *Server) routes() {
	a := &s.api
	a.handle("POST", "/oauth/token", s.oauthToken)
	a.handle("GET", "/api/v2/integrations/types", s.listIntegrationTypes)
	a.handle("GET", "/api/v2/integrations/types/{id}", s.getIntegrationType)
	a.handle("GET", "/api/v2/integrations", s.listIntegrations)
	a.handle("POST", "/api/v2/integrations", s.createIntegration)
	a.handle("GET", "/api/v2/integrations/{id}", s.getIntegration)
	a.handle("PATCH", "/api/v2/integrations/{id}", s.patchIntegration)
	a.handle("DELETE", "/api/v2/integrations/{id}", s.deleteIntegration)
	a.handle("GET", configPattern, s.getConfig)
	a.handle("PUT", configPattern, s.putConfig)
	a.handle("GET", "/api/v2/integrations/credentials/types", s.listCredentialTypes)
	a.handle("GET", "/api/v2/integrations/credentials/listing", s.listCredentials)
	a.handle("POST", "/api/v2/integrations/credentials", s.createCredential)
	a.handle("GET", "/api/v2/integrations/credentials/{id}", s.getCredential)
	a.handle("PUT", "/api/v2/integrations/credentials/{id}", s.putCredential)
	a.handle("DELETE", "/api/v2/integrations/credentials/{id}", s.deleteCredential)
	a.handle("GET", "/api/v2/integrations/actions", s.listActions)
	a.handle("GET", "/api/v2/integrations/actions/drafts", s.listDrafts)
	a.handle("POST", "/api/v2/integrations/actions/drafts", s.createDraft)
	a.handle("GET", "/api/v2/integrations/actions/{id}", s.getAction)
	a.handle("DELETE", "/api/v2/integrations/actions/{id}", s.deleteAction)
	a.handle("POST", "/api/v2/integrations/actions/{id}/test", s.testAction)
	a.handle("POST", "/api/v2/integrations/actions/{id}/draft", s.postDraft)
	a.handle("GET", "/api/v2/integrations/actions/{id}/draft", s.getDraft)
	a.handle("PATCH", "/api/v2/integrations/actions/{id}/draft", s.patchDraft)
	a.handle("DELETE", "/api/v2/integrations/actions/{id}/draft", s.deleteDraft)
	a.handle("POST", "/api/v2/integrations/actions/{id}/draft/publish", s.publishDraft)
	a.handle("POST", "/api/v2/integrations/actions/{id}/draft/test", s.testDraft)
	s.adminRoutes()
}

// listIntegrationTypes serves GET /api/v2/integrations/types
// (IntegrationTypeEntityListing), paged, in the catalogue's order.
func (s *Server) listIntegrationTypes(w http.ResponseWriter, r *http.Request, _ string) {
	p, err := parsePaging(r.URL.Query())
	if err != nil {
		writeErr(w, err)
		return
	}
	all := make([]IntegrationType, 0, len(s.cat.types))
	for _, t := range s.cat.types {
		all = append(all, wireIntegrationType(t))
	}
	writeJSON(w, http.StatusOK, page(p, all, r.URL))
}

// getIntegrationType serves GET /api/v2/integrations/types/{id}
// (IntegrationType).
func (s *Server) getIntegrationType(w http.ResponseWriter, _ *http.Request, id string) {
	t, ok := s.cat.typeByID[id]
	if !ok {
		writeErr(w, errorf(http.StatusNotFound, "integration type %s not found", id))
		return
	}
	writeJSON(w, http.StatusOK, wireIntegrationType(t))
}

// listCredentialTypes serves GET /api/v2/integrations/credentials/types:
// a bare array of CredentialType (the SDK's getIntegrationsCredentialsTypes
// returns Array<Models.CredentialType>).
func (s *Server) listCredentialTypes(w http.ResponseWriter, _ *http.Request, _ string) {
	all := make([]CredentialType, 0, len(s.cat.credTypes))
	for _, ct := range s.cat.credTypes {
		all = append(all, wireCredentialType(ct))
	}
	writeJSON(w, http.StatusOK, all)
}

package genesyscloud

import (
	"net/http"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// routes registers every endpoint.
func (s *Server) routes() {
	a := &s.api
	a.handle("POST", "/oauth/token", s.oauthToken)
	a.handle("GET", "/api/v2/integrations/types", s.listIntegrationTypes)
	a.handle("GET", "/api/v2/integrations", s.listIntegrations)
	a.handle("POST", "/api/v2/integrations", s.createIntegration)
	a.handle("GET", "/api/v2/integrations/{id}", s.getIntegration)
	a.handle("PATCH", "/api/v2/integrations/{id}", s.patchIntegration)
	a.handle("DELETE", "/api/v2/integrations/{id}", s.deleteIntegration)
	a.handle("GET", "/api/v2/integrations/{id}/config/current", s.getConfig)
	a.handle("PUT", "/api/v2/integrations/{id}/config/current", s.putConfig)
	a.handle("GET", "/api/v2/integrations/credentials/types", s.listCredentialTypes)
	a.handle("GET", "/api/v2/integrations/credentials/listing", s.listCredentials)
	a.handle("POST", "/api/v2/integrations/credentials", s.createCredential)
	a.handle("GET", "/api/v2/integrations/credentials/{id}", s.getCredential)
	a.handle("PUT", "/api/v2/integrations/credentials/{id}", s.putCredential)
	a.handle("DELETE", "/api/v2/integrations/credentials/{id}", s.deleteCredential)
	a.handle("GET", "/api/v2/integrations/actions", s.listActions)

	e := &s.admin
	e.handle("GET", "/emulator/stats", func(w http.ResponseWriter, _ *http.Request, _ string) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	e.handle("POST", "/emulator/reset", func(w http.ResponseWriter, _ *http.Request, _ string) {
		reply(w, http.StatusNoContent, nil, s.reset())
	})
	e.handle("POST", "/emulator/actions", s.postAction)
}

// postAction serves POST /emulator/actions {integrationId, name}.
func (s *Server) postAction(w http.ResponseWriter, r *http.Request, _ string) {
	var body api.Action
	if !decode(w, r, &body) {
		return
	}
	a, err := update(s, func(o *org) (api.Action, error) { return o.addAction(body.IntegrationID, body.Name) })
	reply(w, http.StatusOK, a, err)
}

// listActions serves GET /api/v2/integrations/actions, paged, in creation
// order. There are no auth actions, so includeAuthActions changes nothing.
func (s *Server) listActions(w http.ResponseWriter, r *http.Request, _ string) {
	p, err := parsePaging(r.URL.Query())
	if err != nil {
		writeErr(w, err)
		return
	}
	all, _ := view(s, func(o *org) ([]api.Action, error) { return append([]api.Action(nil), o.actions...), nil })
	writeJSON(w, http.StatusOK, page(p, all, r.URL))
}

// listIntegrationTypes serves GET /api/v2/integrations/types, paged.
func (s *Server) listIntegrationTypes(w http.ResponseWriter, r *http.Request, _ string) {
	p, err := parsePaging(r.URL.Query())
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, page(p, s.cat.types, r.URL))
}

// listCredentialTypes serves GET /api/v2/integrations/credentials/types: a
// bare array, as the API now answers.
func (s *Server) listCredentialTypes(w http.ResponseWriter, _ *http.Request, _ string) {
	writeJSON(w, http.StatusOK, s.cat.credentialTypes)
}

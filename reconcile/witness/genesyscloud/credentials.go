package genesyscloud

import (
	"net/http"
)

// Every answer about a credential is a CredentialInfo or a Credential
// without credentialFields: never the fields.

// listCredentials serves GET /api/v2/integrations/credentials/listing: a
// CredentialInfoCursorListing, in creation order.
func (s *Server) listCredentials(w http.ResponseWriter, r *http.Request, _ string) {
	v, err := view(s, func(o *org) (CredentialInfoCursorListing, error) { return cursorPage(o.credentials, r.URL) })
	reply(w, http.StatusOK, v, err)
}

// createCredential serves POST /api/v2/integrations/credentials
// (Credential → CredentialInfo).
func (s *Server) createCredential(w http.ResponseWriter, r *http.Request, _ string) {
	var body Credential
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (CredentialInfo, error) {
		c, err := o.createCredential(body)
		if err != nil {
			return CredentialInfo{}, err
		}
		return c.info(), nil
	})
	reply(w, http.StatusOK, v, err)
}

// getCredential serves GET /api/v2/integrations/credentials/{id}: a
// Credential without its credentialFields.
func (s *Server) getCredential(w http.ResponseWriter, _ *http.Request, id string) {
	v, err := view(s, func(o *org) (Credential, error) {
		c, err := o.credential(id)
		if err != nil {
			return Credential{}, err
		}
		return Credential{ID: c.id, Name: c.name, Type: CredentialType{Name: c.typ}, SelfURI: "/api/v2/integrations/credentials/" + c.id}, nil
	})
	reply(w, http.StatusOK, v, err)
}

// putCredential serves PUT /api/v2/integrations/credentials/{id}
// (Credential → CredentialInfo): it replaces the name, the type and the
// fields.
func (s *Server) putCredential(w http.ResponseWriter, r *http.Request, id string) {
	var body Credential
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (CredentialInfo, error) {
		c, err := o.putCredential(id, body)
		if err != nil {
			return CredentialInfo{}, err
		}
		return c.info(), nil
	})
	reply(w, http.StatusOK, v, err)
}

// deleteCredential serves DELETE /api/v2/integrations/credentials/{id}:
// 204, no body (the SDK's deleteIntegrationsCredential returns void).
func (s *Server) deleteCredential(w http.ResponseWriter, _ *http.Request, id string) {
	_, err := update(s, func(o *org) (struct{}, error) { return struct{}{}, o.deleteCredential(id) })
	reply(w, http.StatusNoContent, nil, err)
}

package genesyscloud

import (
	"net/http"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// Every answer about a credential is an api.CredentialInfo: id, name and
// type, never the fields.

// listCredentials serves GET /api/v2/integrations/credentials/listing: a
// bare array of every credential, in creation order.
func (s *Server) listCredentials(w http.ResponseWriter, _ *http.Request, _ string) {
	all, _ := view(s, func(o *org) ([]api.CredentialInfo, error) {
		out := []api.CredentialInfo{}
		for _, c := range o.credentials {
			out = append(out, c.wire())
		}
		return out, nil
	})
	writeJSON(w, http.StatusOK, all)
}

// createCredential serves POST /api/v2/integrations/credentials.
func (s *Server) createCredential(w http.ResponseWriter, r *http.Request, _ string) {
	var body api.Credential
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (api.CredentialInfo, error) {
		c, err := o.createCredential(body)
		if err != nil {
			return api.CredentialInfo{}, err
		}
		return c.wire(), nil
	})
	reply(w, http.StatusOK, v, err)
}

// getCredential serves GET /api/v2/integrations/credentials/{id}.
func (s *Server) getCredential(w http.ResponseWriter, _ *http.Request, id string) {
	v, err := view(s, func(o *org) (api.CredentialInfo, error) {
		c, err := o.credential(id)
		if err != nil {
			return api.CredentialInfo{}, err
		}
		return c.wire(), nil
	})
	reply(w, http.StatusOK, v, err)
}

// putCredential serves PUT /api/v2/integrations/credentials/{id}: it
// replaces the name, the type and the fields.
func (s *Server) putCredential(w http.ResponseWriter, r *http.Request, id string) {
	var body api.Credential
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (api.CredentialInfo, error) {
		c, err := o.putCredential(id, body)
		if err != nil {
			return api.CredentialInfo{}, err
		}
		return c.wire(), nil
	})
	reply(w, http.StatusOK, v, err)
}

// deleteCredential serves DELETE /api/v2/integrations/credentials/{id}.
// Configurations that refer to it keep the dangling reference: what the
// real API does then is unconfirmed.
func (s *Server) deleteCredential(w http.ResponseWriter, _ *http.Request, id string) {
	_, err := update(s, func(o *org) (struct{}, error) { return struct{}{}, o.deleteCredential(id) })
	reply(w, http.StatusNoContent, nil, err)
}

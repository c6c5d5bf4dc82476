package genesyscloud

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// expandConfig says whether a query asks for expand=config.current
// (expand takes a comma-separated list).
func expandConfig(q url.Values) bool {
	for _, e := range q["expand"] {
		if slices.Contains(strings.Split(e, ","), "config.current") {
			return true
		}
	}
	return false
}

// listIntegrations serves GET /api/v2/integrations: paged, in creation
// order, filtered by integrationType and ids, with expand=config.current.
func (s *Server) listIntegrations(w http.ResponseWriter, r *http.Request, _ string) {
	q := r.URL.Query()
	p, err := parsePaging(q)
	if err != nil {
		writeErr(w, err)
		return
	}
	expand := expandConfig(q)
	typeID := q.Get("integrationType")
	var ids []string
	for _, v := range q["ids"] {
		ids = append(ids, strings.Split(v, ",")...)
	}
	all, _ := view(s, func(o *org) ([]api.Integration, error) {
		out := []api.Integration{}
		for _, i := range o.integrations {
			if (typeID == "" || i.typeID == typeID) && (len(ids) == 0 || slices.Contains(ids, i.id)) {
				out = append(out, i.wire(expand))
			}
		}
		return out, nil
	})
	writeJSON(w, http.StatusOK, page(p, all, r.URL))
}

// createIntegration serves POST /api/v2/integrations {name,
// integrationType: {id}}.
func (s *Server) createIntegration(w http.ResponseWriter, r *http.Request, _ string) {
	var body struct {
		Name            string  `json:"name"`
		IntegrationType api.Ref `json:"integrationType"`
	}
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (api.Integration, error) {
		i, err := o.createIntegration(body.Name, body.IntegrationType.ID)
		if err != nil {
			return api.Integration{}, err
		}
		return i.wire(false), nil
	})
	reply(w, http.StatusOK, v, err)
}

// getIntegration serves GET /api/v2/integrations/{id}, with
// expand=config.current.
func (s *Server) getIntegration(w http.ResponseWriter, r *http.Request, id string) {
	expand := expandConfig(r.URL.Query())
	v, err := view(s, func(o *org) (api.Integration, error) {
		i, err := o.integration(id)
		if err != nil {
			return api.Integration{}, err
		}
		return i.wire(expand), nil
	})
	reply(w, http.StatusOK, v, err)
}

// patchIntegration serves PATCH /api/v2/integrations/{id} {intendedState}.
func (s *Server) patchIntegration(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		IntendedState string `json:"intendedState"`
	}
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (api.Integration, error) {
		i, err := o.setState(id, body.IntendedState)
		if err != nil {
			return api.Integration{}, err
		}
		return i.wire(false), nil
	})
	reply(w, http.StatusOK, v, err)
}

// deleteIntegration serves DELETE /api/v2/integrations/{id}.
func (s *Server) deleteIntegration(w http.ResponseWriter, _ *http.Request, id string) {
	_, err := update(s, func(o *org) (struct{}, error) { return struct{}{}, o.deleteIntegration(id) })
	reply(w, http.StatusNoContent, nil, err)
}

// getConfig serves GET /api/v2/integrations/{id}/config/current.
func (s *Server) getConfig(w http.ResponseWriter, _ *http.Request, id string) {
	v, err := view(s, func(o *org) (api.Configuration, error) {
		i, err := o.integration(id)
		if err != nil {
			return api.Configuration{}, err
		}
		return i.config, nil
	})
	reply(w, http.StatusOK, v, err)
}

// putConfig serves PUT /api/v2/integrations/{id}/config/current.
func (s *Server) putConfig(w http.ResponseWriter, r *http.Request, id string) {
	var body api.Configuration
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (api.Configuration, error) { return o.putConfig(id, body) })
	reply(w, http.StatusOK, v, err)
}

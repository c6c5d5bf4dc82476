package genesyscloud

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// expandConfig says whether a query asks for expand=config.current
// (expand is a list: repeated, or comma-separated).
func expandConfig(q url.Values) bool {
	return slices.Contains(list(q, "expand"), "config.current")
}

// list reads a list parameter, repeated or comma-separated.
func list(q url.Values, key string) []string {
	var out []string
	for _, v := range q[key] {
		for e := range strings.SplitSeq(v, ",") {
			if e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// listIntegrations serves GET /api/v2/integrations
// (IntegrationEntityListing): paged, in creation order, filtered by
// integrationType, ids and reportedState, with expand=config.current.
func (s *Server) listIntegrations(w http.ResponseWriter, r *http.Request, _ string) {
	q := r.URL.Query()
	p, err := parsePaging(q)
	if err != nil {
		writeErr(w, err)
		return
	}
	expand := expandConfig(q)
	typeID, state, ids := q.Get("integrationType"), q.Get("reportedState"), list(q, "ids")
	if len(ids) > 100 {
		writeErr(w, errorf(http.StatusBadRequest, "ids lists %d integrations: at most 100", len(ids)))
		return
	}
	all, _ := view(s, func(o *org) ([]Integration, error) {
		out := []Integration{}
		for _, i := range o.integrations {
			if (typeID == "" || i.typeID == typeID) && (len(ids) == 0 || slices.Contains(ids, i.id)) &&
				(state == "" || strings.EqualFold(state, i.reported.Code)) {
				out = append(out, o.wire(i, expand))
			}
		}
		return out, nil
	})
	writeJSON(w, http.StatusOK, page(p, all, r.URL))
}

// createIntegration serves POST /api/v2/integrations
// (CreateIntegrationRequest → Integration).
func (s *Server) createIntegration(w http.ResponseWriter, r *http.Request, _ string) {
	var body CreateIntegrationRequest
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (Integration, error) {
		i, err := o.createIntegration(body)
		if err != nil {
			return Integration{}, err
		}
		return o.wire(i, false), nil
	})
	if err == nil {
		s.lag.created(v.ID)
	}
	reply(w, http.StatusOK, v, err)
}

// getIntegration serves GET /api/v2/integrations/{id} (Integration), with
// expand=config.current, and the lag.
func (s *Server) getIntegration(w http.ResponseWriter, r *http.Request, id string) {
	expand := expandConfig(r.URL.Query())
	if s.lag.hide(id) {
		writeErr(w, errorf(http.StatusNotFound, "integration %s not found", id))
		return
	}
	v, err := view(s, func(o *org) (Integration, error) {
		i, err := o.integration(id)
		if err != nil {
			return Integration{}, err
		}
		return o.wire(i, expand), nil
	})
	if err != nil {
		if g, ok := s.lag.ghost(id); ok {
			v, err = g, nil
			if !expand {
				v.Config = nil
			}
		}
	}
	reply(w, http.StatusOK, v, err)
}

// patchIntegration serves PATCH /api/v2/integrations/{id}
// ({intendedState} → Integration).
func (s *Server) patchIntegration(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		IntendedState string `json:"intendedState"`
	}
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (Integration, error) {
		i, err := o.setState(id, body.IntendedState)
		if err != nil {
			return Integration{}, err
		}
		return o.wire(i, false), nil
	})
	reply(w, http.StatusOK, v, err)
}

// deleteIntegration serves DELETE /api/v2/integrations/{id}: the SDK's
// deleteIntegration returns the Integration, so it answers 200 with the
// integration as it was.
func (s *Server) deleteIntegration(w http.ResponseWriter, _ *http.Request, id string) {
	var withConfig Integration
	v, err := update(s, func(o *org) (Integration, error) {
		if i, err := o.integration(id); err == nil {
			withConfig = o.wire(i, true)
		}
		return o.deleteIntegration(id)
	})
	if err == nil {
		s.lag.deleted(withConfig)
	}
	reply(w, http.StatusOK, v, err)
}

// getConfig serves GET /api/v2/integrations/{id}/config/current
// (IntegrationConfiguration), with the lag.
func (s *Server) getConfig(w http.ResponseWriter, _ *http.Request, id string) {
	if s.lag.hide(id) {
		writeErr(w, errorf(http.StatusNotFound, "integration %s not found", id))
		return
	}
	v, err := view(s, func(o *org) (IntegrationConfiguration, error) {
		i, err := o.integration(id)
		if err != nil {
			return IntegrationConfiguration{}, err
		}
		return o.wireConfig(i), nil
	})
	reply(w, http.StatusOK, v, err)
}

// putConfig serves PUT /api/v2/integrations/{id}/config/current
// (IntegrationConfiguration → IntegrationConfiguration).
func (s *Server) putConfig(w http.ResponseWriter, r *http.Request, id string) {
	var body IntegrationConfiguration
	if !decode(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (IntegrationConfiguration, error) { return o.putConfig(id, body) })
	reply(w, http.StatusOK, v, err)
}

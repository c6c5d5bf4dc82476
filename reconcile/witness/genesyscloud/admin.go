package genesyscloud

import (
	"net/http"
)

// adminRoutes registers the /emulator endpoints: the witness hooks for
// tests, never faulted, limited, delayed or counted.
func (s *Server) adminRoutes() {
	e := &s.admin
	e.handle("GET", "/emulator/stats", func(w http.ResponseWriter, _ *http.Request, _ string) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	e.handle("POST", "/emulator/reset", func(w http.ResponseWriter, _ *http.Request, _ string) {
		reply(w, http.StatusNoContent, nil, s.reset())
	})
	e.handle("POST", "/emulator/actions", s.postAction)
	e.handle("POST", "/emulator/faults", s.postFault)
	e.handle("POST", "/emulator/reported-state", s.postReportedState)
}

// postAction serves POST /emulator/actions {integrationId, name, count}:
// it adds count (default 1) published data actions, each with a minimal
// valid config and contract, named name, name 2, name 3, ..., and
// answers the Action, or the list of them when count is more than 1.
func (s *Server) postAction(w http.ResponseWriter, r *http.Request, _ string) {
	var body struct {
		IntegrationID string `json:"integrationId"`
		Name          string `json:"name"`
		Count         *int   `json:"count"`
	}
	if !decode(w, r, &body) {
		return
	}
	count := 1
	if body.Count != nil {
		count = *body.Count
	}
	as, err := update(s, func(o *org) ([]action, error) { return o.addActions(body.IntegrationID, body.Name, count) })
	if err != nil {
		writeErr(w, err)
		return
	}
	out := make([]Action, len(as))
	for k, a := range as {
		out[k] = a.wire(false, false, false)
	}
	if count == 1 {
		writeJSON(w, http.StatusOK, out[0])
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// postFault serves POST /emulator/faults {method, pattern, status, count}
// as FailNext; 204.
func (s *Server) postFault(w http.ResponseWriter, r *http.Request, _ string) {
	var body struct {
		Method  string `json:"method"`
		Pattern string `json:"pattern"`
		Status  int    `json:"status"`
		Count   int    `json:"count"`
	}
	if !decode(w, r, &body) {
		return
	}
	reply(w, http.StatusNoContent, nil, s.FailNext(body.Method, body.Pattern, body.Status, body.Count))
}

// postReportedState serves POST /emulator/reported-state {integrationId,
// code, message} as SetReportedState; 204.
func (s *Server) postReportedState(w http.ResponseWriter, r *http.Request, _ string) {
	var body struct {
		IntegrationID string `json:"integrationId"`
		Code          string `json:"code"`
		Message       string `json:"message"`
	}
	if !decode(w, r, &body) {
		return
	}
	reply(w, http.StatusNoContent, nil, s.SetReportedState(body.IntegrationID, body.Code, body.Message))
}

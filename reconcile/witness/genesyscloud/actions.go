package genesyscloud

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The data action endpoints: published actions, drafts, publishing and
// test execution (the SDK's IntegrationsApi.js). The listings' filters
// (category, name, ids, secure) and sorting are not served: they are
// ignored, as every other unknown query parameter.

// flag says whether a boolean query parameter is true.
func flag(q url.Values, key string) bool { return strings.EqualFold(q.Get(key), "true") }

// expandContract says whether a query asks for expand=contract.
func expandContract(q url.Values) bool { return slices.Contains(list(q, "expand"), "contract") }

// listActions serves GET /api/v2/integrations/actions
// (ActionEntityListing): the published actions, paged, in creation order;
// auth actions only with includeAuthActions=true (the SDK: "Whether or not
// to include authentication actions in the response", default false);
// config only with includeConfig=true; never the contract.
func (s *Server) listActions(w http.ResponseWriter, r *http.Request, _ string) {
	s.listing(w, r, false)
}

// listDrafts serves GET /api/v2/integrations/actions/drafts
// (ActionEntityListing): the drafts, paged, in the order they were made,
// like listActions.
func (s *Server) listDrafts(w http.ResponseWriter, r *http.Request, _ string) {
	s.listing(w, r, true)
}

func (s *Server) listing(w http.ResponseWriter, r *http.Request, drafts bool) {
	q := r.URL.Query()
	p, err := parsePaging(q)
	if err != nil {
		writeErr(w, err)
		return
	}
	auth, config := flag(q, "includeAuthActions"), flag(q, "includeConfig")
	all, _ := view(s, func(o *org) ([]Action, error) {
		src := o.actions
		if drafts {
			src = o.drafts
		}
		out := []Action{}
		for _, a := range src {
			if auth || !a.auth {
				out = append(out, a.wire(drafts, config, false))
			}
		}
		return out, nil
	})
	writeJSON(w, http.StatusOK, page(p, all, r.URL))
}

// createDraft serves POST /api/v2/integrations/actions/drafts
// (PostActionInput → Action): a new draft-only action, with its config
// and contract.
func (s *Server) createDraft(w http.ResponseWriter, r *http.Request, _ string) {
	var body PostActionInput
	if !decodeStrict(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (Action, error) {
		a, err := o.createDraft(body)
		return a.wire(true, true, true), err
	})
	reply(w, http.StatusOK, v, err)
}

// getAction serves GET /api/v2/integrations/actions/{actionId} (Action):
// a published action, its contract with expand=contract, its config with
// includeConfig=true.
func (s *Server) getAction(w http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	v, err := view(s, func(o *org) (Action, error) {
		a, err := o.publishedAction(id)
		return a.wire(false, flag(q, "includeConfig"), expandContract(q)), err
	})
	reply(w, http.StatusOK, v, err)
}

// deleteAction serves DELETE /api/v2/integrations/actions/{actionId}: the
// published action and its draft go; 204.
func (s *Server) deleteAction(w http.ResponseWriter, _ *http.Request, id string) {
	_, err := update(s, func(o *org) (struct{}, error) { return struct{}{}, o.deleteAction(id) })
	reply(w, http.StatusNoContent, nil, err)
}

// postDraft serves POST /api/v2/integrations/actions/{actionId}/draft (no
// body → Action): a draft of the published action; 409 if it has one.
func (s *Server) postDraft(w http.ResponseWriter, _ *http.Request, id string) {
	v, err := update(s, func(o *org) (Action, error) {
		a, err := o.draftFromPublished(id)
		return a.wire(true, true, true), err
	})
	reply(w, http.StatusOK, v, err)
}

// getDraft serves GET /api/v2/integrations/actions/{actionId}/draft
// (Action): always with its config and contract, whatever expand and
// includeConfig say.
func (s *Server) getDraft(w http.ResponseWriter, _ *http.Request, id string) {
	v, err := view(s, func(o *org) (Action, error) {
		a, err := o.draftAction(id)
		return a.wire(true, true, true), err
	})
	reply(w, http.StatusOK, v, err)
}

// patchDraft serves PATCH /api/v2/integrations/actions/{actionId}/draft
// (UpdateDraftInput → Action).
func (s *Server) patchDraft(w http.ResponseWriter, r *http.Request, id string) {
	var body UpdateDraftInput
	if !decodeStrict(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (Action, error) {
		a, err := o.patchDraft(id, body)
		return a.wire(true, true, true), err
	})
	reply(w, http.StatusOK, v, err)
}

// deleteDraft serves DELETE /api/v2/integrations/actions/{actionId}/draft;
// 204.
func (s *Server) deleteDraft(w http.ResponseWriter, _ *http.Request, id string) {
	_, err := update(s, func(o *org) (struct{}, error) { return struct{}{}, o.deleteDraft(id) })
	reply(w, http.StatusNoContent, nil, err)
}

// publishDraft serves POST
// /api/v2/integrations/actions/{actionId}/draft/publish (PublishDraftInput
// → Action): the published action, with its config and contract.
func (s *Server) publishDraft(w http.ResponseWriter, r *http.Request, id string) {
	var body PublishDraftInput
	if !decodeStrict(w, r, &body) {
		return
	}
	v, err := update(s, func(o *org) (Action, error) {
		a, err := o.publishDraft(id, body.Version)
		return a.wire(false, true, true), err
	})
	reply(w, http.StatusOK, v, err)
}

// testDraft serves POST /api/v2/integrations/actions/{actionId}/draft/test
// (a JSON object of input values → TestExecutionResult).
func (s *Server) testDraft(w http.ResponseWriter, r *http.Request, id string) {
	s.test(w, r, id, true)
}

// testAction serves POST /api/v2/integrations/actions/{actionId}/test
// (a JSON object of input values → TestExecutionResult).
func (s *Server) testAction(w http.ResponseWriter, r *http.Request, id string) {
	s.test(w, r, id, false)
}

// test runs the draft, or the published action, id: 200 with a
// TestExecutionResult whether it succeeds or not; 404 if there is no such
// action. The query parameter flatten is ignored. The org is locked only
// while the action and its credential are read, not during the call.
func (s *Server) test(w http.ResponseWriter, r *http.Request, id string, draft bool) {
	var input map[string]any
	if !decodeStrict(w, r, &input) {
		return
	}
	if input == nil {
		writeErr(w, errorf(http.StatusBadRequest, "the body must be a JSON object of input values, not null"))
		return
	}
	ex, err := view(s, func(o *org) (execution, error) {
		var a action
		var err error
		if draft {
			a, err = o.draftAction(id)
		} else {
			a, err = o.publishedAction(id)
		}
		if err != nil {
			return execution{}, err
		}
		if a.auth {
			return execution{}, errorf(http.StatusBadRequest, "action %s is an auth action: it is not directly executable", id)
		}
		return o.execution(a), nil
	})
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ex.run(r.Context(), input))
}

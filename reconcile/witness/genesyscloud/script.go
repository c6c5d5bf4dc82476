package genesyscloud

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// configPattern is the route whose scripted 400, 408 and 409 carry the
// version-conflict message (genesys-api.md: the Terraform provider's
// IsVersionMismatch takes 409, 408, or 400 whose message says "does not
// match the current version").
const configPattern = "/api/v2/integrations/{id}/config/current"

// rule is one FailNext: the next left requests of method and pattern are
// answered with status.
type rule struct {
	method, pattern string
	status, left    int
}

// script holds the scripted failures, in the order they were added.
type script struct {
	mu    sync.Mutex
	rules []rule
}

func (s *script) add(r rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, r)
}

// take uses up one request of the first rule for method and pattern, and
// says its status.
func (s *script) take(method, pattern string) (status int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := slices.IndexFunc(s.rules, func(r rule) bool { return r.method == method && r.pattern == pattern })
	if k < 0 {
		return 0, false
	}
	status = s.rules[k].status
	if s.rules[k].left--; s.rules[k].left == 0 {
		s.rules = slices.Delete(s.rules, k, k+1)
	}
	return status, true
}

func (s *script) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// FailNext answers the next count requests whose method and route
// pattern (as Stats names it, e.g. "/api/v2/integrations/{id}/config/current")
// match with status and an ErrorBody, without applying them. A 400, 408 or
// 409 to a configuration PUT says the version "does not match the current
// version"; any other a generic message. The requests are counted in
// Stats like any other. Rules for the same request are used in the order
// they were added.
func (s *Server) FailNext(method, pattern string, status, count int) error {
	var errs []string
	if !slices.ContainsFunc(s.api.routes, func(r route) bool { return r.method == method && r.pattern == pattern }) {
		errs = append(errs, fmt.Sprintf("no route %s %s", method, pattern))
	}
	if status < 400 || status > 599 {
		errs = append(errs, fmt.Sprintf("status %d is not an error status (400 to 599)", status))
	}
	if count < 1 {
		errs = append(errs, fmt.Sprintf("count %d is not at least 1", count))
	}
	if errs != nil {
		return errorf(http.StatusBadRequest, "emulator: fail next: %s", strings.Join(errs, "; "))
	}
	s.script.add(rule{method: method, pattern: pattern, status: status, left: count})
	return nil
}

// answerScripted answers a request FailNext scripted.
func answerScripted(w http.ResponseWriter, method, pattern string, status int) {
	switch {
	case method == http.MethodPut && pattern == configPattern &&
		(status == http.StatusConflict || status == http.StatusRequestTimeout || status == http.StatusBadRequest):
		writeErr(w, errorf(status, "emulated fault: the version given does not match the current version of the configuration"))
	case pattern == "/oauth/token" && status == http.StatusUnauthorized:
		writeJSON(w, status, oauthError{"invalid_client", "emulated fault"})
	case pattern == "/oauth/token" && status == http.StatusBadRequest:
		writeJSON(w, status, oauthError{"invalid_request", "emulated fault"})
	default:
		writeErr(w, errorf(status, "emulated fault: %d %s", status, http.StatusText(status)))
	}
}

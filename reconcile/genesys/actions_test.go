package genesys_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestActionsInSyncAreNotReadOneByOne: once reconcile published them, a
// run reads no action's contract (the record says what each is), while a
// first run over actions it has no record of reads each once.
func TestActionsInSyncAreNotReadOneByOne(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	specs := withActions(manySpecs(12), 3)
	if _, err := e.reconcile(t, specs, plan.Options{}, false); err != nil {
		t.Fatal(err)
	}
	const one = "GET /api/v2/integrations/actions/{id}"
	before := e.emu.Stats().Requests[one]
	p, err := e.reconcile(t, specs, plan.Options{}, true)
	if err != nil || !p.Empty() {
		t.Fatalf("not in sync: %v %v", p.ActionSummary(), err)
	}
	if got := e.emu.Stats().Requests[one] - before; got != 0 {
		t.Errorf("a run in sync read %d actions one by one, want 0", got)
	}
}

// emuList lists the emulator's published data actions, or its drafts,
// through its own API.
func emuList(t *testing.T, emu *genesyscloud.Server, drafts bool) []genesyscloud.Action {
	t.Helper()
	path := "/api/v2/integrations/actions?includeConfig=true&"
	if drafts {
		path = "/api/v2/integrations/actions/drafts?includeConfig=true&"
	}
	var out []genesyscloud.Action
	for n := 1; ; n++ {
		var w *httptest.ResponseRecorder
		for try := 0; w == nil || w.Code != 200; try++ { // through the emulator's faults
			if try == 50 {
				t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
			}
			w = serve(emu, fmt.Sprintf("%spageSize=100&pageNumber=%d", path, n))
		}
		var page genesyscloud.ActionEntityListing
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Entities...)
		if n >= page.PageCount {
			return out
		}
	}
}

// serve answers one GET, a dropped connection (the emulator's fault,
// http.ErrAbortHandler) as a 599.
func serve(emu *genesyscloud.Server, target string) (w *httptest.ResponseRecorder) {
	w = httptest.NewRecorder()
	defer func() {
		if recover() != nil {
			w = httptest.NewRecorder()
			w.Code = 599
		}
	}()
	req := httptest.NewRequest("GET", target, nil)
	req.Header.Set("Authorization", "Bearer "+emu.Token())
	emu.ServeHTTP(w, req)
	return w
}

// TestActionsConvergeUnderFaults: data actions against an org that fails
// a fifth of the requests, some after applying the write (a lost answer:
// the draft made, or the publish done, the client does not know),
// converge: created, each published once with no draft left; then
// updated, each published as the spec says (a publish whose answer was
// lost is told from one that never happened).
func TestActionsConvergeUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("many runs")
	}
	synctest.Test(t, func(t *testing.T) {
		e := newMemEnv(t, genesyscloud.Options{FaultRate: 0.2, Seed: 11})
		specs := withActions(manySpecs(50), 4) // 6 web-services specs, 24 actions
		want := 0
		for _, s := range specs {
			want += len(s.Actions)
		}
		converge := func(phase string) {
			t.Helper()
			runs := 0
			for ; runs < 30; runs++ {
				p, err := e.reconcile(t, specs, plan.Options{}, false)
				if err == nil && p.Empty() {
					break
				}
			}
			if runs == 30 {
				t.Fatalf("%s: no convergence in 30 runs", phase)
			}
			t.Logf("%s: converged after %d applying runs", phase, runs)
		}
		converge("create")
		seen := map[string]bool{}
		for _, a := range emuList(t, e.emu, false) {
			k := a.IntegrationID + "/" + a.Name
			if seen[k] {
				t.Errorf("two published actions %q on %s", a.Name, a.IntegrationID)
			}
			seen[k] = true
		}
		if len(seen) != want {
			t.Errorf("%d published actions, want %d", len(seen), want)
		}
		if d := emuList(t, e.emu, true); len(d) != 0 {
			t.Errorf("%d drafts left after convergence", len(d))
		}
		t.Logf("%d draft creations asked for %d actions", e.emu.Stats().Requests["POST /api/v2/integrations/actions/drafts"], want)

		for _, s := range specs {
			for i := range s.Actions {
				s.Actions[i].Config = map[string]any{"request": map[string]any{"requestUrlTemplate": fmt.Sprintf("http://127.0.0.1:9/v2/%d", i), "requestType": "GET"}}
			}
		}
		converge("update")
		for _, a := range emuList(t, e.emu, false) {
			if got := a.Config.Request.RequestURLTemplate; !strings.Contains(got, "/v2/") {
				t.Errorf("action %q on %s is published with %s, not the spec's configuration", a.Name, a.IntegrationID, got)
			}
		}
	})
}

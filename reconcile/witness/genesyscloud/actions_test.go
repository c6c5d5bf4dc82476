package genesyscloud_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// objectSchema is a JSON Schema of an object with the given properties
// (name → type) and required names.
func objectSchema(props map[string]string, required ...string) map[string]any {
	p := map[string]any{}
	for name, typ := range props {
		p[name] = map[string]any{"type": typ}
	}
	s := map[string]any{"type": "object", "properties": p}
	if required != nil {
		s["required"] = required
	}
	return s
}

// draftBody is a valid PostActionInput for an integration, calling url.
func draftBody(integrationID, name, url string) map[string]any {
	return map[string]any{
		"category":      "Tests",
		"name":          name,
		"integrationId": integrationID,
		"config": map[string]any{
			"request":  map[string]any{"requestUrlTemplate": url, "requestType": "GET", "headers": map[string]string{}},
			"response": map[string]any{"translationMap": map[string]string{}, "successTemplate": "${rawResult}"},
		},
		"contract": map[string]any{
			"input":  map[string]any{"inputSchema": objectSchema(map[string]string{"id": "string"})},
			"output": map[string]any{"successSchema": objectSchema(nil)},
		},
	}
}

func (e *env) createDraft(body any) genesyscloud.Action {
	e.t.Helper()
	var a genesyscloud.Action
	e.do("POST", "/api/v2/integrations/actions/drafts", body, 200, &a)
	return a
}

func (e *env) listActions(path string) genesyscloud.ActionEntityListing {
	e.t.Helper()
	var p genesyscloud.ActionEntityListing
	e.do("GET", path, nil, 200, &p)
	return p
}

// TestActionLifecycle: a draft-only action, its first publish, a draft of
// it, patches, a second publish under the same id, the reads, the
// listings and the deletes.
func TestActionLifecycle(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("w", webServices)
	body := draftBody(i.ID, "Get thing", "http://127.0.0.1:9/thing")
	d := e.createDraft(body)
	if !strings.HasPrefix(d.ID, "custom_-_") || d.Version != 1 || d.Name != "Get thing" || d.Category != "Tests" ||
		d.IntegrationID != i.ID || d.Config == nil || d.Contract == nil || d.Contract.Input == nil ||
		d.Contract.Input.InputSchema["type"] != "object" || d.SelfURI != "/api/v2/integrations/actions/"+d.ID+"/draft" {
		t.Fatalf("POST drafts answered %+v", d)
	}
	// A draft-only action is a draft, not an action.
	if p := e.listActions("/api/v2/integrations/actions"); p.Total != 0 {
		t.Errorf("published actions before any publish: %+v", p.Entities)
	}
	e.do("GET", "/api/v2/integrations/actions/"+d.ID, nil, 404, nil)
	e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft", nil, 404, nil) // no published action to copy
	drafts := e.listActions("/api/v2/integrations/actions/drafts")
	if drafts.Total != 1 || drafts.Entities[0].ID != d.ID || drafts.Entities[0].Config != nil || drafts.Entities[0].Contract != nil {
		t.Errorf("drafts listing: %+v", drafts)
	}
	if p := e.listActions("/api/v2/integrations/actions/drafts?includeConfig=true"); p.Entities[0].Config == nil || p.Entities[0].Contract != nil {
		t.Errorf("drafts listing with includeConfig: %+v", p.Entities)
	}

	// First publish: version 1, the draft gone.
	e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/publish", map[string]int{"version": 2}, 409, nil)
	var pub genesyscloud.Action
	e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/publish", map[string]int{"version": 1}, 200, &pub)
	if pub.ID != d.ID || pub.Version != 1 || pub.Config == nil || pub.Contract == nil {
		t.Errorf("publish answered %+v", pub)
	}
	e.do("GET", "/api/v2/integrations/actions/"+d.ID+"/draft", nil, 404, nil)
	if p := e.listActions("/api/v2/integrations/actions/drafts"); p.Total != 0 {
		t.Errorf("drafts after publish: %+v", p.Entities)
	}

	// The published action, with and without its config and contract.
	for _, tt := range []struct {
		query            string
		config, contract bool
	}{{"", false, false}, {"?expand=contract", false, true}, {"?includeConfig=true", true, false},
		{"?expand=contract&includeConfig=true", true, true}} {
		var a genesyscloud.Action
		e.do("GET", "/api/v2/integrations/actions/"+d.ID+tt.query, nil, 200, &a)
		if (a.Config != nil) != tt.config || (a.Contract != nil) != tt.contract || a.Version != 1 || a.Name != "Get thing" {
			t.Errorf("GET action%s: %+v", tt.query, a)
		}
	}
	list := e.listActions("/api/v2/integrations/actions")
	if list.Total != 1 || list.Entities[0].Version != 1 || list.Entities[0].Config != nil || list.Entities[0].Contract != nil {
		t.Errorf("listing: %+v", list.Entities)
	}
	if list := e.listActions("/api/v2/integrations/actions?includeConfig=true"); list.Entities[0].Config == nil || list.Entities[0].Contract != nil {
		t.Errorf("listing with includeConfig: %+v", list.Entities)
	}

	// A draft of it: a copy at version 1; a second one is a conflict.
	var dd genesyscloud.Action
	e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft", nil, 200, &dd)
	if dd.ID != d.ID || dd.Version != 1 || dd.Contract == nil || dd.Config == nil {
		t.Errorf("draft of the published action: %+v", dd)
	}
	e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft", nil, 409, nil)
	var got genesyscloud.Action
	e.do("GET", "/api/v2/integrations/actions/"+d.ID+"/draft?expand=contract&includeConfig=true", nil, 200, &got)
	if d := cmp.Diff(dd, got); d != "" {
		t.Errorf("GET draft (-POST +GET):\n%s", d)
	}

	// Patches: a stale version, a new contract, a new secure are refused;
	// a new config and name are taken.
	draftPath := "/api/v2/integrations/actions/" + d.ID + "/draft"
	b := e.do("PATCH", draftPath, map[string]any{"version": 2, "name": "x"}, 409, nil)
	if msg := errorBody(t, 409, b); !strings.Contains(msg, "version") {
		t.Errorf("409 message %q does not say version", msg)
	}
	e.do("PATCH", draftPath, map[string]any{"name": "x"}, 400, nil) // no version
	newContract := map[string]any{
		"input":  map[string]any{"inputSchema": objectSchema(map[string]string{"id": "string", "more": "string"})},
		"output": map[string]any{"successSchema": objectSchema(nil)},
	}
	b = e.do("PATCH", draftPath, map[string]any{"version": 1, "contract": newContract}, 400, nil)
	if msg := errorBody(t, 400, b); !strings.Contains(msg, "the contract of a published action cannot be changed; create a new action") {
		t.Errorf("contract change: %q", msg)
	}
	e.do("PATCH", draftPath, map[string]any{"version": 1, "secure": true}, 400, nil)
	// The same contract again is no change.
	sameContract := body["contract"]
	var patched genesyscloud.Action
	e.do("PATCH", draftPath, map[string]any{"version": 1, "contract": sameContract, "secure": false, "name": "Get thing 2",
		"config": map[string]any{"timeoutSeconds": 5, "request": map[string]any{"requestUrlTemplate": "http://127.0.0.1:9/v2"}}}, 200, &patched)
	if patched.Version != 2 || patched.Name != "Get thing 2" || patched.Category != "Tests" || patched.Config.TimeoutSeconds != 5 ||
		patched.Config.Request.RequestURLTemplate != "http://127.0.0.1:9/v2" {
		t.Errorf("patched draft: %+v", patched)
	}
	// The published action is unchanged until the publish.
	var still genesyscloud.Action
	e.do("GET", "/api/v2/integrations/actions/"+d.ID+"?includeConfig=true", nil, 200, &still)
	if still.Name != "Get thing" || still.Config.Request.RequestURLTemplate != "http://127.0.0.1:9/thing" {
		t.Errorf("published action changed by a draft patch: %+v", still)
	}
	e.do("POST", draftPath+"/publish", map[string]int{"version": 1}, 409, nil)
	var pub2 genesyscloud.Action
	e.do("POST", draftPath+"/publish", map[string]int{"version": 2}, 200, &pub2)
	if pub2.ID != d.ID || pub2.Version != 2 || pub2.Name != "Get thing 2" {
		t.Errorf("second publish: %+v", pub2)
	}
	if list := e.listActions("/api/v2/integrations/actions"); list.Total != 1 || list.Entities[0].Version != 2 {
		t.Errorf("listing after the second publish: %+v", list.Entities)
	}

	// A draft-only action's contract may change.
	other := e.createDraft(draftBody(i.ID, "Other", "http://127.0.0.1:9/o"))
	e.do("PATCH", "/api/v2/integrations/actions/"+other.ID+"/draft", map[string]any{"version": 1, "contract": newContract, "secure": true}, 200, nil)

	// Deletes.
	e.do("POST", draftPath, nil, 200, nil)
	e.do("DELETE", draftPath, nil, 204, nil)
	e.do("DELETE", draftPath, nil, 404, nil)
	e.do("POST", draftPath, nil, 200, nil)
	e.do("DELETE", "/api/v2/integrations/actions/"+d.ID, nil, 204, nil) // and its draft
	e.do("GET", draftPath, nil, 404, nil)
	e.do("GET", "/api/v2/integrations/actions/"+d.ID, nil, 404, nil)
	e.do("DELETE", "/api/v2/integrations/actions/"+d.ID, nil, 404, nil)
	e.do("DELETE", "/api/v2/integrations/actions/"+other.ID, nil, 404, nil) // a draft only
	// Deleting the integration removes its drafts.
	e.do("DELETE", "/api/v2/integrations/"+i.ID, nil, 200, nil)
	if p := e.listActions("/api/v2/integrations/actions/drafts"); p.Total != 0 {
		t.Errorf("drafts after the integration's DELETE: %+v", p.Entities)
	}
}

// TestActionErrors: what the action endpoints refuse.
func TestActionErrors(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("w", webServices)
	pub, err := e.srv.AddAction(i.ID, "published")
	if err != nil {
		t.Fatal(err)
	}
	e.do("POST", "/api/v2/integrations/actions/"+pub+"/draft", nil, 200, nil)
	with := func(change func(map[string]any)) string {
		b := draftBody(i.ID, "a", "http://127.0.0.1:9/a")
		change(b)
		j, _ := json.Marshal(b)
		return string(j)
	}
	long := strings.Repeat("é", 257)
	const unknown = "custom_-_00000000-0000-4000-8000-000000000000"
	draft := "/api/v2/integrations/actions/" + pub + "/draft"
	tests := []struct {
		name, method, path, body string
		want                     int
		msg                      string // in the message
	}{
		{"unknown key", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { b["secured"] = true }), 400, `"secured"`},
		{"unknown nested key", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) {
			b["config"].(map[string]any)["request"].(map[string]any)["url"] = "x"
		}), 400, `"url"`},
		{"no category", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { delete(b, "category") }), 400, "category"},
		{"no name", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { delete(b, "name") }), 400, "name"},
		{"no config", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { delete(b, "config") }), 400, "config"},
		{"no contract", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { delete(b, "contract") }), 400, "contract"},
		{"no integration", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { delete(b, "integrationId") }), 400, "integrationId"},
		{"unknown integration", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { b["integrationId"] = "nope" }), 400, `"nope"`},
		{"name too long", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { b["name"] = long }), 400, "name"},
		{"category too long", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) { b["category"] = long }), 400, "category"},
		{"no input", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) {
			delete(b["contract"].(map[string]any), "input")
		}), 400, "contract.input"},
		{"no successSchema", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) {
			b["contract"].(map[string]any)["output"] = map[string]any{}
		}), 400, "successSchema"},
		{"schema not an object", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) {
			b["contract"].(map[string]any)["output"] = map[string]any{"successSchema": "object"}
		}), 400, ""},
		{"schema of type string", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) {
			b["contract"].(map[string]any)["input"] = map[string]any{"inputSchema": map[string]any{"type": "string"}}
		}), 400, `"object"`},
		{"bad requestType", "POST", "/api/v2/integrations/actions/drafts", with(func(b map[string]any) {
			b["config"].(map[string]any)["request"].(map[string]any)["requestType"] = "get"
		}), 400, "requestType"},
		{"GET unknown action", "GET", "/api/v2/integrations/actions/" + unknown, "", 404, ""},
		{"GET unknown draft", "GET", "/api/v2/integrations/actions/" + unknown + "/draft", "", 404, ""},
		{"PATCH unknown draft", "PATCH", "/api/v2/integrations/actions/" + unknown + "/draft", `{"version":1}`, 404, ""},
		{"publish unknown draft", "POST", "/api/v2/integrations/actions/" + unknown + "/draft/publish", `{"version":1}`, 404, ""},
		{"test unknown draft", "POST", "/api/v2/integrations/actions/" + unknown + "/draft/test", `{}`, 404, ""},
		{"test unknown action", "POST", "/api/v2/integrations/actions/" + unknown + "/test", `{}`, 404, ""},
		{"DELETE unknown draft", "DELETE", "/api/v2/integrations/actions/" + unknown + "/draft", "", 404, ""},
		{"UpdateDraftInput unknown key", "PATCH", draft, `{"version":1,"title":"x"}`, 400, `"title"`},
		{"UpdateDraftInput empty name", "PATCH", draft, `{"version":1,"name":""}`, 400, "name"},
		{"PublishDraftInput unknown key", "POST", draft + "/publish", `{"version":1,"force":true}`, 400, `"force"`},
		{"PublishDraftInput no version", "POST", draft + "/publish", `{}`, 400, "version"},
		{"test body not an object", "POST", draft + "/test", `[1]`, 400, ""},
		{"test body null", "POST", draft + "/test", `null`, 400, ""},
		{"wrong method", "PUT", draft, `{}`, 405, ""},
		{"emulator count 0", "POST", "/emulator/actions", `{"integrationId":"` + i.ID + `","name":"n","count":0}`, 400, "count"},
	}
	before := e.view()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := e.do(tt.method, tt.path, tt.body, tt.want, nil)
			if msg := errorBody(t, tt.want, b); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not contain %q", msg, tt.msg)
			}
		})
	}
	if d := cmp.Diff(before, e.view()); d != "" {
		t.Errorf("the refusals changed the org (-before +after):\n%s", d)
	}
	if p := e.listActions("/api/v2/integrations/actions/drafts"); p.Total != 1 || p.Entities[0].Version != 1 {
		t.Errorf("drafts after the refusals: %+v", p.Entities)
	}
}

// TestEmulatorActionsCount: POST /emulator/actions with a count seeds
// that many published actions, which the listing pages through.
func TestEmulatorActionsCount(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("w", webServices)
	var one genesyscloud.Action
	e.do("POST", "/emulator/actions", map[string]any{"integrationId": i.ID, "name": "single", "count": 1}, 200, &one)
	if one.Name != "single" || one.Version != 1 {
		t.Errorf("count 1 answered %+v", one)
	}
	var many []genesyscloud.Action
	e.do("POST", "/emulator/actions", map[string]any{"integrationId": i.ID, "name": "bulk", "count": 299}, 200, &many)
	if len(many) != 299 || many[0].Name != "bulk" || many[1].Name != "bulk 2" || many[298].Name != "bulk 299" {
		t.Fatalf("count 299 answered %d actions, first %+v", len(many), many[:min(2, len(many))])
	}
	seen := map[string]bool{}
	pages := 0
	for n := 1; ; n++ {
		p := e.listActions(fmt.Sprintf("/api/v2/integrations/actions?pageSize=100&pageNumber=%d", n))
		if p.Total != 300 || p.PageCount != 3 {
			t.Fatalf("page %d: total %d, pageCount %d", n, p.Total, p.PageCount)
		}
		if len(p.Entities) == 0 {
			break
		}
		pages++
		for _, a := range p.Entities {
			seen[a.ID] = true
		}
	}
	if len(seen) != 300 || pages != 3 {
		t.Errorf("%d distinct actions over %d pages, want 300 over 3", len(seen), pages)
	}
	// A seeded action is a valid published action: it can be drafted and
	// published again.
	e.do("POST", "/api/v2/integrations/actions/"+one.ID+"/draft", nil, 200, nil)
	var pub genesyscloud.Action
	e.do("POST", "/api/v2/integrations/actions/"+one.ID+"/draft/publish", map[string]int{"version": 1}, 200, &pub)
	if pub.Version != 2 || pub.Contract == nil || pub.Config == nil {
		t.Errorf("republished seeded action: %+v", pub)
	}
}

// TestActionStateRoundTrip: published actions and drafts survive a
// restart; a state file of format 2 still loads.
func TestActionStateRoundTrip(t *testing.T) {
	state := filepath.Join(t.TempDir(), "org.json")
	a := newEnv(t, genesyscloud.Options{StatePath: state, Seed: 3})
	i := a.createIntegration("w", webServices)
	body := draftBody(i.ID, "A", "http://127.0.0.1:9/a")
	body["contract"].(map[string]any)["input"].(map[string]any)["inputSchema"].(map[string]any)["maxLength"] = 1.5
	d := a.createDraft(body)
	a.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/publish", map[string]int{"version": 1}, 200, nil)
	a.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft", nil, 200, nil)
	a.do("PATCH", "/api/v2/integrations/actions/"+d.ID+"/draft", map[string]any{"version": 1, "name": "A2"}, 200, nil)
	a.createDraft(draftBody(i.ID, "B", "http://127.0.0.1:9/b"))
	if _, err := a.srv.AddAction(i.ID, "seeded"); err != nil {
		t.Fatal(err)
	}
	snapshot := func(e *env) []any {
		return []any{
			e.listActions("/api/v2/integrations/actions?includeConfig=true&includeAuthActions=true"),
			e.listActions("/api/v2/integrations/actions/drafts?includeConfig=true"),
			e.do("GET", "/api/v2/integrations/actions/"+d.ID+"?expand=contract&includeConfig=true", nil, 200, nil),
			e.do("GET", "/api/v2/integrations/actions/"+d.ID+"/draft", nil, 200, nil),
		}
	}
	want := snapshot(a)
	b := newEnv(t, genesyscloud.Options{StatePath: state, Seed: 3})
	if diff := cmp.Diff(want, snapshot(b), cmp.Transformer("json", func(b []byte) string { return string(b) })); diff != "" {
		t.Errorf("actions after a restart (-before +after):\n%s", diff)
	}
	// The loaded contract still compares equal to the same one sent again.
	b.do("PATCH", "/api/v2/integrations/actions/"+d.ID+"/draft", map[string]any{"version": 2, "contract": body["contract"]}, 200, nil)
	b.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/publish", map[string]int{"version": 3}, 200, nil)

	// Format 2.
	old := filepath.Join(t.TempDir(), "org.json")
	content := `{"format":2,"nextId":2,
		"integrations":[{"id":"i1","typeId":"custom-rest-actions","intendedState":"DISABLED","reportedState":{},"config":{"name":"w","version":1}}],
		"credentials":[],"actions":[{"id":"a1","name":"old","integrationId":"i1"}]}`
	if err := os.WriteFile(old, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newEnv(t, genesyscloud.Options{StatePath: old})
	var got genesyscloud.Action
	c.do("GET", "/api/v2/integrations/actions/a1?expand=contract&includeConfig=true", nil, 200, &got)
	if got.Name != "old" || got.Version != 1 || got.Config == nil || got.Contract == nil {
		t.Errorf("action of a format 2 file: %+v", got)
	}
	c.createDraft(draftBody("i1", "new", "http://127.0.0.1:9/n"))
	file, _ := os.ReadFile(old)
	if !strings.Contains(string(file), `"format": 3`) || !strings.Contains(string(file), `"drafts"`) {
		t.Errorf("the file was not saved in format 3:\n%s", file)
	}
}

// TestActionStats: the action routes are counted under {id} patterns.
func TestActionStats(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("w", webServices)
	d := e.createDraft(draftBody(i.ID, "A", "http://127.0.0.1:9/a"))
	p := "/api/v2/integrations/actions/" + d.ID
	e.do("GET", "/api/v2/integrations/actions/drafts", nil, 200, nil)
	e.do("GET", p+"/draft", nil, 200, nil)
	e.do("PATCH", p+"/draft", map[string]int{"version": 1}, 200, nil)
	e.do("POST", p+"/draft/test", map[string]any{}, 200, nil)
	e.do("POST", p+"/draft/publish", map[string]int{"version": 2}, 200, nil)
	e.do("GET", p, nil, 200, nil)
	e.do("POST", p+"/test", map[string]any{}, 200, nil)
	e.do("POST", p+"/draft", nil, 200, nil)
	e.do("DELETE", p+"/draft", nil, 204, nil)
	e.do("DELETE", p, nil, 204, nil)
	e.do("GET", "/api/v2/integrations/actions", nil, 200, nil)
	want := map[string]int{
		"POST /oauth/token":                                    1,
		"POST /api/v2/integrations":                            1,
		"POST /api/v2/integrations/actions/drafts":             1,
		"GET /api/v2/integrations/actions/drafts":              1,
		"GET /api/v2/integrations/actions/{id}/draft":          1,
		"PATCH /api/v2/integrations/actions/{id}/draft":        1,
		"POST /api/v2/integrations/actions/{id}/draft/test":    1,
		"POST /api/v2/integrations/actions/{id}/draft/publish": 1,
		"GET /api/v2/integrations/actions/{id}":                1,
		"POST /api/v2/integrations/actions/{id}/test":          1,
		"POST /api/v2/integrations/actions/{id}/draft":         1,
		"DELETE /api/v2/integrations/actions/{id}/draft":       1,
		"DELETE /api/v2/integrations/actions/{id}":             1,
		"GET /api/v2/integrations/actions":                     1,
	}
	if d := cmp.Diff(want, e.srv.Stats().Requests); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	// And a route can be failed on cue by its pattern.
	if err := e.srv.FailNext("GET", "/api/v2/integrations/actions/{id}", 503, 1); err != nil {
		t.Fatal(err)
	}
	e.do("GET", "/api/v2/integrations/actions/anything", nil, 503, nil)
}

package genesyscloud_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// received is a request a loopback service received.
type received struct {
	Method, Path, Query, Body string
	Header                    http.Header
	User, Password            string
	BasicAuth                 bool
}

// service is a loopback service answering status and body, recording
// what it receives.
type service struct {
	*httptest.Server
	mu  sync.Mutex
	got []received
}

func newService(t *testing.T, status int, body string) *service {
	s := &service{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		u, p, ok := r.BasicAuth()
		s.mu.Lock()
		s.got = append(s.got, received{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Body: string(b),
			Header: r.Header.Clone(), User: u, Password: p, BasicAuth: ok})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *service) requests() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

// ticketService answers like a ticketing API.
const ticketAnswer = `{"ticket":{"id":42,"subject":"Printer <on> fire","tags":[{"name":"hw"},{"name":"urgent"}]},"status":"open"}`

// ticketAction is a draft body that reads a ticket from base through
// every step.
func ticketAction(integrationID, base string) map[string]any {
	return map[string]any{
		"category":      "Tests",
		"name":          "Get ticket",
		"integrationId": integrationID,
		"config": map[string]any{
			"request": map[string]any{
				"requestUrlTemplate": base + "/tickets/${input.ticketId}?q=$esc.url($input.query)&cost=${esc.dollar}5&n=$!{input.missing}",
				"requestType":        "POST",
				"headers":            map[string]string{"X-Ticket": "t-${input.ticketId}", "X-Raw": "$input.absent"},
				"requestTemplate":    `{"id": "${input.ticketId}", "all": ${input.rawRequest}}`,
			},
			"response": map[string]any{
				"translationMap": map[string]string{
					"subject":  "$.ticket.subject",
					"tags":     "$.ticket.tags[*].name",
					"first":    "$['ticket'].tags[0].name",
					"priority": "$.ticket.priority",
				},
				"translationMapDefaults": map[string]string{"priority": `"normal"`},
				"successTemplate":        `{"subject": ${subject}, "tags": ${tags}, "first": $first, "priority": $!{priority}, "top": $successTemplateUtils.firstFromArray("${tags}"), "raw": ${rawResult}}`,
			},
		},
		"contract": map[string]any{
			"input": map[string]any{"inputSchema": objectSchema(map[string]string{
				"ticketId": "string", "query": "string", "missing": "string", "absent": "string"})},
			"output": map[string]any{"successSchema": map[string]any{
				"type":     "object",
				"required": []string{"subject", "tags"},
				"properties": map[string]any{
					"subject":  map[string]any{"type": "string"},
					"tags":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
					"priority": map[string]any{"type": "string"},
					"raw": map[string]any{"type": "object", "properties": map[string]any{
						"ticket": map[string]any{"type": "object", "properties": map[string]any{"id": map[string]any{"type": "integer"}}}}},
				},
			}},
		},
	}
}

// testResult posts input to a test endpoint and decodes the
// TestExecutionResult into a map, not the package's type, so that a
// wrong JSON name fails.
func (e *env) testResult(path string, input any) map[string]any {
	e.t.Helper()
	var res map[string]any
	e.do("POST", path, input, 200, &res)
	return res
}

// TestExecuteSuccess: a draft/test through every step, and the
// published action's test.
func TestExecuteSuccess(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	svc := newService(t, 200, ticketAnswer)
	i := e.createIntegration("w", webServices)
	cred := e.createCredential("c", "basicAuth", map[string]string{"userName": "u", "password": "pw-SECRET"})
	e.putConfig(i.ID, e.config(i.ID), map[string]string{"basicAuth": cred.ID}, 200)
	d := e.createDraft(ticketAction(i.ID, svc.URL))
	input := map[string]any{"ticketId": "T 1", "query": "a b&c"}
	res := e.testResult("/api/v2/integrations/actions/"+d.ID+"/draft/test?flatten=true", input)

	want := expect(t, `{"subject":"Printer <on> fire","tags":["hw","urgent"],"first":"hw","priority":"normal","top":"hw",
		"raw":`+ticketAnswer+`}`)
	if res["success"] != true {
		t.Fatalf("execution failed: %v", res)
	}
	if d := cmp.Diff(want, res["finalResult"]); d != "" {
		t.Errorf("finalResult (-want +got):\n%s", d)
	}
	ops, _ := res["operations"].([]any)
	names := []string{}
	for k, op := range ops {
		m := op.(map[string]any)
		names = append(names, m["name"].(string))
		if m["step"] != float64(k+1) || m["success"] != true {
			t.Errorf("operation %d: %v", k, m)
		}
		if r, ok := m["result"]; ok {
			if _, isObject := r.(map[string]any); !isObject {
				t.Errorf("operation %d: result %v is not an object (the SDK's type)", k, r)
			}
		}
	}
	wantNames := []string{"Resolve request URL template", "Resolve request body template", "Execute request",
		"Resolve translation map", "Resolve success template", "Validate output against schema"}
	if d := cmp.Diff(wantNames, names); d != "" {
		t.Errorf("operations (-want +got):\n%s", d)
	}
	if _, ok := res["error"]; ok {
		t.Errorf("an error in a success: %v", res["error"])
	}
	got := svc.requests()
	if len(got) != 1 {
		t.Fatalf("the service received %d requests", len(got))
	}
	r := got[0]
	if r.Method != "POST" || r.Path != "/tickets/T%201" || r.Query != "q=a+b%26c&cost=$5&n=" {
		t.Errorf("the service received %s %s?%s", r.Method, r.Path, r.Query)
	}
	if r.Header.Get("X-Ticket") != "t-T 1" || r.Header.Get("X-Raw") != "$input.absent" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers: %v", r.Header)
	}
	if !r.BasicAuth || r.User != "u" || r.Password != "pw-SECRET" {
		t.Errorf("basic auth: %v %q %q", r.BasicAuth, r.User, r.Password)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatalf("the body is not JSON: %s", r.Body)
	}
	if d := cmp.Diff(map[string]any{"id": "T 1", "all": map[string]any{"ticketId": "T 1", "query": "a b&c"}}, body); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
	if strings.Contains(string(e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/test", input, 200, nil)), "SECRET") {
		t.Error("a secret is in the TestExecutionResult")
	}

	// The published action runs the same, and credentials render masked.
	e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/publish", map[string]int{"version": 1}, 200, nil)
	res = e.testResult("/api/v2/integrations/actions/"+d.ID+"/test", input)
	if res["success"] != true {
		t.Errorf("the published action's test failed: %v", res)
	}
	e.do("GET", "/api/v2/integrations/actions/"+d.ID+"/draft/test", nil, 405, nil)
	e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/test", input, 404, nil)
}

// TestExecuteCredentials: ${credentials.NAME} and an explicit
// Authorization header, which replaces basic auth.
func TestExecuteCredentials(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	svc := newService(t, 200, `{}`)
	i := e.createIntegration("w", webServices)
	cred := e.createCredential("c", "basicAuth", map[string]string{"userName": "u", "password": "pw-SECRET"})
	e.putConfig(i.ID, e.config(i.ID), map[string]string{"basicAuth": cred.ID}, 200)
	body := draftBody(i.ID, "a", svc.URL+"/as/${credentials.userName}")
	body["config"].(map[string]any)["request"].(map[string]any)["headers"] = map[string]string{"Authorization": "Token ${credentials.password}"}
	d := e.createDraft(body)
	b := e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/test", map[string]any{}, 200, nil)
	var res genesyscloud.TestExecutionResult
	_ = json.Unmarshal(b, &res)
	if !res.Success {
		t.Fatalf("execution failed: %s", b)
	}
	if strings.Contains(string(b), "SECRET") || !cmp.Equal(res.Operations[0].Result, map[string]any{"requestUrl": svc.URL + "/as/********"}) {
		t.Errorf("the credentials are not masked: %s", b)
	}
	r := svc.requests()[0]
	if r.Path != "/as/u" || r.Header.Get("Authorization") != "Token pw-SECRET" || r.User != "" {
		t.Errorf("the service received %s with Authorization %q", r.Path, r.Header.Get("Authorization"))
	}
}

// TestExecuteFailures: a failure at each step is a 200 with success
// false, the failing step last and its error the result's.
func TestExecuteFailures(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	ok := newService(t, 200, ticketAnswer)
	broken := newService(t, 500, `{"message":"`+strings.Repeat("boom ", 100)+`"}`)
	notJSON := newService(t, 200, `<html>`)
	i := e.createIntegration("w", webServices)
	input := map[string]any{"ticketId": "1", "query": "q"}
	req := func(b map[string]any) map[string]any {
		return b["config"].(map[string]any)["request"].(map[string]any)
	}
	resp := func(b map[string]any) map[string]any {
		return b["config"].(map[string]any)["response"].(map[string]any)
	}
	tests := []struct {
		name   string
		base   string
		change func(map[string]any)
		input  map[string]any
		step   int
		status float64
		msg    string
	}{
		{"undeclared input in the URL", ok.URL, func(b map[string]any) {
			req(b)["requestUrlTemplate"] = ok.URL + "/${input.nope}"
		}, input, 1, 400, "${input.nope}"},
		{"absent input in the URL", ok.URL, func(b map[string]any) {
			req(b)["requestUrlTemplate"] = ok.URL + "/${input.missing}"
		}, input, 1, 400, "no value"},
		{"unknown tool", ok.URL, func(b map[string]any) {
			req(b)["requestUrlTemplate"] = ok.URL + "/${math.random}"
		}, input, 1, 400, "${math.random}"},
		{"non-loopback URL", ok.URL, func(b map[string]any) {
			req(b)["requestUrlTemplate"] = "https://example.com/${input.ticketId}"
		}, input, 1, 400, "the emulator only calls loopback services"},
		{"relative URL", ok.URL, func(b map[string]any) { req(b)["requestUrlTemplate"] = "/tickets" }, input, 1, 400, "absolute"},
		{"directive", ok.URL, func(b map[string]any) {
			req(b)["requestUrlTemplate"] = ok.URL + "/#if($input.ticketId)x#end"
		}, input, 1, 501, "the emulator does not support"},
		{"method call", ok.URL, func(b map[string]any) {
			req(b)["requestUrlTemplate"] = ok.URL + "/$input.ticketId.toUpperCase()"
		}, input, 1, 501, "the emulator does not support"},
		{"undeclared input in the body", ok.URL, func(b map[string]any) {
			req(b)["requestTemplate"] = `{"x": "${input.other}"}`
		}, input, 2, 400, "not declared"},
		{"service answers 500", broken.URL, nil, input, 3, 500, "boom"},
		{"nobody listens", "http://127.0.0.1:9", nil, input, 3, 502, "could not be reached"},
		{"answer not JSON", notJSON.URL, nil, input, 4, 400, "not JSON"},
		{"path missing without default", ok.URL, func(b map[string]any) {
			delete(resp(b)["translationMapDefaults"].(map[string]string), "priority")
		}, input, 4, 400, "priority"},
		{"bad default", ok.URL, func(b map[string]any) {
			resp(b)["translationMapDefaults"] = map[string]string{"priority": "normal"}
		}, input, 4, 400, "JSON literal"},
		{"unsupported path", ok.URL, func(b map[string]any) {
			resp(b)["translationMap"] = map[string]string{"x": "$..id"}
		}, input, 4, 501, "the emulator does not support"},
		{"success template not JSON", ok.URL, func(b map[string]any) {
			resp(b)["successTemplate"] = `{"subject": ${subject}`
		}, input, 5, 400, "the success template did not render valid JSON"},
		{"unknown name in the success template", ok.URL, func(b map[string]any) {
			resp(b)["successTemplate"] = `{"x": ${nope}}`
		}, input, 5, 400, "${nope}"},
		{"output misses a required property", ok.URL, func(b map[string]any) {
			resp(b)["successTemplate"] = `{"subject": ${subject}}`
		}, input, 6, 400, "finalResult.tags"},
		{"output of the wrong type", ok.URL, func(b map[string]any) {
			resp(b)["successTemplate"] = `{"subject": ${subject}, "tags": ${tags}, "raw": {"ticket": {"id": "42"}}}`
		}, input, 6, 400, "finalResult.raw.ticket.id"},
		{"output not an object", ok.URL, func(b map[string]any) {
			resp(b)["successTemplate"] = `${tags}`
		}, input, 6, 400, "finalResult"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := ticketAction(i.ID, tt.base)
			if tt.change != nil {
				tt.change(body)
			}
			d := e.createDraft(body)
			res := e.testResult("/api/v2/integrations/actions/"+d.ID+"/draft/test", tt.input)
			if res["success"] != false {
				t.Fatalf("success %v, want false: %v", res["success"], res)
			}
			if _, ok := res["finalResult"]; ok {
				t.Errorf("a finalResult in a failure: %v", res["finalResult"])
			}
			ops := res["operations"].([]any)
			if len(ops) != tt.step {
				t.Fatalf("%d operations, want %d: %v", len(ops), tt.step, ops)
			}
			last := ops[tt.step-1].(map[string]any)
			for _, op := range ops[:tt.step-1] {
				if op.(map[string]any)["success"] != true {
					t.Errorf("a step before the failing one failed: %v", op)
				}
			}
			if last["success"] != false || last["step"] != float64(tt.step) {
				t.Errorf("the failing step: %v", last)
			}
			errBody, _ := res["error"].(map[string]any)
			if d := cmp.Diff(last["error"], res["error"]); d != "" || errBody == nil {
				t.Errorf("the result's error is not the step's (-step +result):\n%s", d)
			}
			msg, _ := errBody["message"].(string)
			if errBody["status"] != tt.status || errBody["code"] == "" || !strings.Contains(msg, tt.msg) {
				t.Errorf("error %v, want status %v and a message with %q", errBody, tt.status, tt.msg)
			}
			if tt.name == "service answers 500" && len(msg) > 300 {
				t.Errorf("the message quotes more than 200 bytes of the body: %d bytes", len(msg))
			}
		})
	}
}

// TestExecuteTemplates: the Velocity subset, through the URL step's
// result.
func TestExecuteTemplates(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	svc := newService(t, 200, `{}`)
	i := e.createIntegration("w", webServices)
	input := map[string]any{"id": "a/b c", "n": 7, "flag": true, "obj": map[string]any{"k": "v"}}
	tests := []struct{ template, want string }{
		{"/x/${input.id}", "/x/a/b c"},
		{"/x/$input.id/y", "/x/a/b c/y"},
		{"/x/$!{input.none}", "/x/"},
		{"/x/$!input.none", "/x/"},
		{"/x/$input.none", "/x/$input.none"},
		{"/x/${esc.url($input.id)}", "/x/a%2Fb+c"},
		{"/x/$esc.url(${input.id})", "/x/a%2Fb+c"},
		{"/x/$esc.url(\"p-${input.id}\")", "/x/p-a%2Fb+c"},
		{"/x/$input.n/$input.flag/$input.obj", `/x/7/true/{"k":"v"}`},
		{"/x/$esc.dollar{input.id}", "/x/${input.id}"},
		{"/x/$ 1/$5/$!/a$", "/x/$ 1/$5/$!/a$"},
		{"/x/#a", "/x/#a"},
		{"/x/$input.id.", "/x/a/b c."},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			body := draftBody(i.ID, "t", svc.URL+tt.template)
			body["contract"].(map[string]any)["input"] = map[string]any{"inputSchema": objectSchema(map[string]string{
				"id": "string", "n": "integer", "flag": "boolean", "obj": "object", "none": "string"})}
			d := e.createDraft(body)
			var res genesyscloud.TestExecutionResult
			e.do("POST", "/api/v2/integrations/actions/"+d.ID+"/draft/test", input, 200, &res)
			if len(res.Operations) == 0 {
				t.Fatalf("no operations: %+v", res)
			}
			if got := res.Operations[0].Result; !cmp.Equal(got, map[string]any{"requestUrl": svc.URL + tt.want}) {
				t.Errorf("rendered %v, want %q (%+v)", got, svc.URL+tt.want, res.Operations[0])
			}
		})
	}
}

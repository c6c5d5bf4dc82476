package actiontest_test

import (
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/actiontest"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

func TestJudge(t *testing.T) {
	action := &spec.Action{Name: "Order status", Contract: map[string]any{
		"output": map[string]any{"successSchema": map[string]any{"type": "object", "required": []any{"status"},
			"properties": map[string]any{"status": map[string]any{"type": "string"}}}}}}
	secure := *action
	secure.Secure = true
	shipped := map[string]any{"status": "shipped"}
	tests := []struct {
		name   string
		action *spec.Action
		test   spec.ActionTest
		ex     actiontest.Execution
		want   string // "" for a pass; else the failure's text
	}{
		{"the output expected", action, spec.ActionTest{Name: "a", Output: map[string]any{"status": "shipped"}, HasOutput: true},
			actiontest.Execution{Success: true, Output: shipped}, ""},
		{"numbers compare as JSON holds them", action, spec.ActionTest{Name: "a", Output: map[string]any{"status": "shipped", "n": 2}, HasOutput: true},
			actiontest.Execution{Success: true, Output: map[string]any{"status": "shipped", "n": 2.0}}, ""},
		{"another output", action, spec.ActionTest{Name: "a", Output: map[string]any{"status": "delivered"}, HasOutput: true},
			actiontest.Execution{Success: true, Output: shipped}, `test "a" failed at output: got {"status":"shipped"}, want {"status":"delivered"}`},
		{"a failed step", action, spec.ActionTest{Name: "b"},
			actiontest.Execution{Steps: []actiontest.Step{{Number: 1, Name: "Resolve request URL template", Success: true}, {Number: 3, Name: "Execute request", Error: "HTTP 500"}}},
			`test "b" failed at step 3 (Execute request): HTTP 500`},
		{"the expected schema", action, spec.ActionTest{Name: "c", OutputSchema: map[string]any{"type": "object", "required": []any{"eta"}}},
			actiontest.Execution{Success: true, Output: shipped}, `test "c" failed at output schema: /: missing properties: 'eta'; the output: {"status":"shipped"}`},
		{"the output contract", action, spec.ActionTest{Name: "d"},
			actiontest.Execution{Success: true, Output: map[string]any{"status": 3}}, `test "d" failed at output contract: /status: expected string, but got number; the output: {"status":3}`},
		{"a secure action's values are not shown", &secure, spec.ActionTest{Name: "e", Output: map[string]any{"status": "delivered"}, HasOutput: true},
			actiontest.Execution{Success: true, Output: shipped}, `test "e" failed at output: got (not shown: the action is secure), want (not shown: the action is secure)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if f := actiontest.Judge(tt.action, tt.test, tt.ex); f != nil {
				got = f.Error()
			}
			if got != tt.want {
				t.Errorf("Judge:\n got %s\nwant %s", got, tt.want)
			}
			if tt.action.Secure && strings.Contains(got, "shipped") {
				t.Error("a secure action's output was printed")
			}
		})
	}
}

package load_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// srcActions is a web-services spec with one data action.
const srcActions = `name: Shipping
type: web-services
actions:
  - name: Order status
    category: Orders
    config:
      request:
        requestUrlTemplate: "https://api.example.com/orders/${input.orderId}"
        requestType: GET
    contract:
      input:
        inputSchema:
          type: object
          properties:
            orderId: {type: string}
      output:
        successSchema: {type: object}
    tests:
      - name: one
        input: {orderId: A-1}
        output: {status: shipped}
`

// export is a data action as the admin UI's export writes it.
const export = `{
  "name": "Refund",
  "integrationType": "custom-rest-actions",
  "actionType": "custom",
  "integrationId": "0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83",
  "category": "Orders",
  "config": {"request": {"requestUrlTemplate": "https://api.example.com/refunds/${input.orderId}", "requestType": "POST"},
             "response": {"translationMap": {}, "successTemplate": "${rawResult}"}},
  "contract": {"input": {"inputSchema": {"type": "object", "properties": {"orderId": {"type": "string"}}}},
               "output": {"successSchema": {"type": "object"}}},
  "secure": false
}
`

func TestActionsLoad(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ship.yaml", srcActions+"  - import: refund.custom.json\n")
	write(t, dir, "refund.custom.json", export)
	specs := mustLoad(t, dir, load.Options{})
	as := specs[0].Actions
	if len(as) != 2 {
		t.Fatalf("%d actions, want 2", len(as))
	}
	got := []string{as[0].Name, as[0].Category, as[1].Name, as[1].Import}
	if diff := cmp.Diff([]string{"Order status", "Orders", "Refund", "refund.custom.json"}, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	if len(as[0].Tests) != 1 || !as[0].Tests[0].HasOutput || as[0].Tests[0].Input["orderId"] != "A-1" {
		t.Errorf("tests: %+v", as[0].Tests)
	}
	if _, ok := as[1].Config["request"]; !ok || as[1].Contract["input"] == nil {
		t.Errorf("the imported action lost its config or contract: %+v", as[1])
	}
	if p := specs[0].Pos["/actions/1/import"]; p.Line != 22 {
		t.Errorf("the import's position is %+v, want line 22", p)
	}

	// The export file is part of the spec: its digest moves with it, and a
	// cache does not serve the old one.
	cache := load.NewCache()
	before := mustLoad(t, dir, load.Options{Cache: cache})[0]
	edit(t, dir, "refund.custom.json", func(s string) string { return strings.Replace(s, `"category": "Orders"`, `"category": "Refunds"`, 1) })
	after := mustLoad(t, dir, load.Options{Cache: cache})[0]
	if before.Digest == after.Digest {
		t.Error("the spec's digest did not change with its export file")
	}
	if after.Actions[1].Category != "Refunds" {
		t.Errorf("after editing the export file, the category is %q: a stale spec was served", after.Actions[1].Category)
	}
}

func TestActionProblems(t *testing.T) {
	tests := []struct {
		name, src string
		files     map[string]string
		keys      []string // where the problem is
		path, msg string
	}{
		{"an undeclared input in the URL", strings.Replace(srcActions, "${input.orderId}", "${input.orderid}", 1), nil,
			[]string{"actions", "config", "request", "requestUrlTemplate"}, "/actions/0/config/request/requestUrlTemplate",
			"$input.orderid in the request URL template at column 32 names no declared input…"},
		{"a nested input object", strings.Replace(srcActions, "orderId: {type: string}", "orderId: {type: string}\n            order: {type: object}", 1), nil,
			[]string{"actions", "contract", "input", "inputSchema", "properties", "order"}, "/actions/0/contract/input/inputSchema/properties/order",
			`input "order" is an object: Genesys data action inputs cannot nest objects…`},
		{"a reserved input name", strings.Replace(srcActions, "orderId: {type: string}", "orderId: {type: string}\n            rawRequest: {type: string}", 1), nil,
			[]string{"actions", "contract", "input", "inputSchema", "properties", "rawRequest"}, "/actions/0/contract/input/inputSchema/properties/rawRequest",
			`"rawRequest" is reserved by Genesys as an input name…`},
		{"two actions of one name", srcActions + "  - name: ORDER STATUS\n    category: Orders\n    config: {request: {requestUrlTemplate: u, requestType: GET}}\n    contract: {input: {inputSchema: {type: object}}, output: {successSchema: {type: object}}}\n", nil,
			[]string{"actions", "name: ORDER STATUS"}, "/actions/1/name",
			`action "ORDER STATUS" is already defined at /actions/0: action names are unique within an integration (compared case-insensitively)`},
		{"a missing export file", srcActions + "  - import: nope.custom.json\n", nil,
			[]string{"actions", "import"}, "/actions/1/import", `import "nope.custom.json": cannot read nope.custom.json: no such file`},
		{"an export file outside the spec directory", srcActions + "  - import: ../x.custom.json\n", nil,
			[]string{"actions", "import"}, "/actions/1/import", `import "../x.custom.json": the export file must be inside the spec directory`},
		{"a problem inside an export file", srcActions + "  - import: refund.custom.json\n",
			map[string]string{"refund.custom.json": strings.Replace(export, `"type": "string"`, `"$ref": "#/defs/id"`, 1)},
			[]string{"actions", "import"}, "/actions/1/contract/input/inputSchema/properties/orderId/$ref",
			`"$ref" is not allowed in the input contract…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "ship.yaml", tt.src)
			for name, body := range tt.files {
				write(t, dir, name, body)
			}
			ps := loadProblems(t, dir, load.Options{})
			var p spec.Position
			if strings.Contains(tt.keys[len(tt.keys)-1], ": ") { // a line's text
				for i, l := range strings.Split(tt.src, "\n") {
					if strings.Contains(l, tt.keys[len(tt.keys)-1]) {
						p = spec.Position{Line: i + 1, Column: strings.Index(l, "name:") + 1}
					}
				}
			} else {
				p = keyAt(t, tt.src, tt.keys...)
			}
			if len(ps) != 1 {
				t.Fatalf("%d problems, want 1: %v", len(ps), ps)
			}
			checkProblems(t, ps, spec.Problems{at("ship.yaml", p, tt.path, tt.msg)})
		})
	}
}

// TestAProblemInAnExportNamesIt: a key the spec file does not hold is in
// the export file, and the problem says so.
func TestAProblemInAnExportNamesIt(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ship.yaml", "name: Shipping\ntype: web-services\nactions:\n  - import: refund.custom.json\n")
	write(t, dir, "refund.custom.json", strings.Replace(export, `"category": "Orders",`, "", 1))
	ps := loadProblems(t, dir, load.Options{})
	if len(ps) != 1 || !strings.Contains(ps[0].Message, `missing required key "category"`) || !strings.Contains(ps[0].Message, "in the export file refund.custom.json") || ps[0].Line != 4 {
		t.Errorf("problems %v: want one at line 4 naming the missing category and the export file", ps)
	}
}

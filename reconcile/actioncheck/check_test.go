package actioncheck_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/actioncheck"
)

type problem = actioncheck.Problem

const (
	inSchema  = "/contract/input/inputSchema"
	inProps   = inSchema + "/properties"
	outSchema = "/contract/output/successSchema"
	outProps  = outSchema + "/properties"
	urlT      = "/config/request/requestUrlTemplate"
	bodyT     = "/config/request/requestTemplate"
	successT  = "/config/response/successTemplate"
	tmap      = "/config/response/translationMap"
)

const literalDollar = ": write $esc.dollar (or \\$) for a literal dollar sign"

type checkCase struct {
	name  string
	edits []edit
	want  []problem
}

func runCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := actioncheck.Check(action(t, tt.edits...))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check mismatch (-want +got):\n%s", diff)
			}
			checkMessages(t, got)
		})
	}
}

// checkMessages asserts the style of messages: lowercase, no period.
func checkMessages(t *testing.T, ps []problem) {
	t.Helper()
	for _, p := range ps {
		if p.Message == "" || unicode.IsUpper([]rune(p.Message)[0]) || strings.HasSuffix(p.Message, ".") {
			t.Errorf("badly styled message at %q: %q", p.At, p.Message)
		}
	}
}

func TestValidAction(t *testing.T) {
	if got := actioncheck.Check(action(t)); got != nil {
		t.Errorf("Check(valid action) = %v, want nil", got)
	}
}

func TestEmptyAndOddShapes(t *testing.T) {
	for _, a := range []map[string]any{
		nil,
		{},
		{"config": "x", "contract": 1, "tests": "y"},
		{"config": map[string]any{"request": []any{}, "response": true}},
		{"contract": map[string]any{"input": map[string]any{"inputSchema": []any{}}}},
		{"tests": []any{nil, 1, "x", map[string]any{"name": 2, "input": "z"}}},
	} {
		if got := actioncheck.Check(a); got != nil {
			t.Errorf("Check(%v) = %v, want nil", a, got)
		}
	}
}

func TestRefs(t *testing.T) {
	runCases(t, []checkCase{
		{"in the input contract", []edit{
			set(inProps+"/orderId", `{"$ref": "#/definitions/id"}`),
		}, []problem{
			{inProps + "/orderId/$ref", `"$ref" is not allowed in the input contract: Genesys refuses schema references; write the referenced schema ("#/definitions/id") inline`},
		}},
		{"deep in the output contract", []edit{
			set(outProps+"/items/items", `{"anyOf": [{"type": "string"}, {"$ref": 3}]}`),
		}, []problem{
			{outProps + "/items/items/anyOf/1/$ref", `"$ref" is not allowed in the output contract: Genesys refuses schema references; write the referenced schema inline`},
		}},
		{"in a test's output schema", []edit{
			set("/tests/1/outputSchema/properties", `{"status": {"$ref": "#/s"}}`),
		}, []problem{
			{"/tests/1/outputSchema/properties/status/$ref", `"$ref" is not allowed in a test's output schema: Genesys refuses schema references; write the referenced schema ("#/s") inline`},
		}},
		{"keys escaped in pointers", []edit{
			set(outProps+"/a~1b~0c", `{"$ref": "#/x"}`),
		}, []problem{
			{outProps + "/a~1b~0c/$ref", `"$ref" is not allowed in the output contract: Genesys refuses schema references; write the referenced schema ("#/x") inline`},
		}},
	})
}

func TestNestedInputs(t *testing.T) {
	const noNest = "Genesys data action inputs cannot nest objects"
	runCases(t, []checkCase{
		{"object with properties", []edit{
			set(inProps+"/customer", `{"type": "object", "properties": {"name": {"type": "string"}, "id": {"type": "string"}, "vip": {"type": "boolean"}}}`),
		}, []problem{
			{inProps + "/customer", `input "customer" is an object: ` + noNest + `; flatten it into top-level properties such as customerId and customerName`},
		}},
		{"type list with object", []edit{
			set(inProps+"/customer", `{"type": ["object", "null"]}`),
		}, []problem{
			{inProps + "/customer", `input "customer" is an object: ` + noNest + `; flatten it into top-level properties`},
		}},
		{"properties without type", []edit{
			set(inProps+"/customer", `{"properties": {"id": {}}}`),
		}, []problem{
			{inProps + "/customer", `input "customer" is an object: ` + noNest + `; flatten it into top-level properties such as customerId`},
		}},
		{"object in an object", []edit{
			set(inProps+"/customer", `{"type": "object", "properties": {"address": {"type": "object", "properties": {"city": {}}}}}`),
		}, []problem{
			{inProps + "/customer", `input "customer" is an object: ` + noNest + `; flatten it into top-level properties such as customerAddress`},
			{inProps + "/customer/properties/address", `input "customer.address" is an object: ` + noNest + `; flatten it into top-level properties such as customerAddressCity`},
		}},
		{"array of objects", []edit{
			set(inProps+"/lines", `{"type": "array", "items": {"type": "object", "properties": {"sku": {}, "qty": {}}}}`),
		}, []problem{
			{inProps + "/lines/items", `input "lines" is an array of objects: ` + noNest + `; use an array of strings, numbers or booleans, or flatten it into top-level properties such as linesQty and linesSku`},
		}},
		{"array of arrays of objects, tuple items", []edit{
			set(inProps+"/grid", `{"type": "array", "items": {"type": "array", "items": [{"type": "string"}, {"type": "object"}]}}`),
		}, []problem{
			{inProps + "/grid/items/items/1", `input "grid" is an array of objects: ` + noNest + `; use an array of strings, numbers or booleans, or flatten it into top-level properties`},
		}},
		{"arrays of scalars are fine", []edit{
			set(inProps+"/tags", `{"type": "array", "items": {"type": ["string", "null"]}}`),
		}, nil},
		{"root of another type", []edit{
			setString(inSchema+"/type", "array"),
		}, []problem{
			{inSchema + "/type", `the input schema is of type "array": Genesys requires the input contract to be of type object, with one property per input`},
		}},
		{"root type list without object", []edit{
			set(inSchema+"/type", `["array", "null"]`),
		}, []problem{
			{inSchema + "/type", `the input schema's types do not include object: Genesys requires the input contract to be of type object, with one property per input`},
		}},
		{"root without type", []edit{
			del(inSchema + "/type"),
		}, []problem{
			{inSchema, `the input schema has no type: set type: object, as Genesys requires the input contract to be an object with one property per input`},
		}},
		{"root type list with object", []edit{
			set(inSchema+"/type", `["object"]`),
		}, nil},
	})
}

func TestReservedInputs(t *testing.T) {
	runCases(t, []checkCase{
		{"exact", []edit{
			set(inProps+"/orgId", `{"type": "string"}`),
		}, []problem{
			{inProps + "/orgId", `"orgId" is reserved by Genesys as an input name (so are integrationId and rawRequest, in any letter case): rename it`},
		}},
		{"rawRequest", []edit{
			set(inProps+"/rawRequest", `{"type": "string"}`),
		}, []problem{
			{inProps + "/rawRequest", `"rawRequest" is reserved by Genesys as an input name (so are orgId and integrationId, in any letter case): rename it`},
		}},
		{"another letter case", []edit{
			set(inProps+"/IntegrationID", `{"type": "string"}`),
		}, []problem{
			{inProps + "/IntegrationID", `"IntegrationID" is reserved by Genesys as an input name: Genesys compares input names case-insensitively, so it clashes with integrationId; rename it`},
		}},
		{"only top-level names", []edit{
			set(inProps+"/ids", `{"type": "array", "items": {"type": "string", "title": "orgId"}}`),
			set(inProps+"/orgIdentifier", `{"type": "string"}`),
		}, nil},
	})
}

func TestNestedOutputArrays(t *testing.T) {
	const noNest = "is an array of arrays: Genesys output contracts cannot nest an array directly in an array; make the items objects that hold the inner array, e.g. items: {type: object, properties: {values: {type: array}}}"
	runCases(t, []checkCase{
		{"array of arrays", []edit{
			set(outProps+"/matrix", `{"type": "array", "items": {"type": "array", "items": {"type": "number"}}}`),
		}, []problem{
			{outProps + "/matrix/items", `output "matrix" ` + noNest},
		}},
		{"inner array known by its items", []edit{
			set(outProps+"/matrix", `{"type": "array", "items": {"items": {"type": "number"}}}`),
		}, []problem{
			{outProps + "/matrix/items", `output "matrix" ` + noNest},
		}},
		{"three levels", []edit{
			set(outProps+"/cube", `{"type": "array", "items": {"type": "array", "items": {"type": ["array", "null"]}}}`),
		}, []problem{
			{outProps + "/cube/items", `output "cube" ` + noNest},
			{outProps + "/cube/items/items", `output "cube[]" ` + noNest},
		}},
		{"root array of arrays", []edit{
			set(outSchema, `{"type": "array", "items": [{"type": "array"}]}`),
		}, []problem{
			{outSchema + "/items/0", `the output schema ` + noNest},
		}},
		{"inside an object inside an array, and in anyOf", []edit{
			set(outProps+"/orders", `{"type": "array", "items": {"type": "object", "properties": {"lines": {"anyOf": [{"type": "array", "items": {"type": "array"}}]}}}}`),
		}, []problem{
			{outProps + "/orders/items/properties/lines/anyOf/0/items", `output "orders[].lines" ` + noNest},
		}},
		{"arrays of objects holding arrays are fine", []edit{
			set(outProps+"/orders", `{"type": "array", "items": {"type": "object", "properties": {"lines": {"type": "array", "items": {"type": "string"}}}}}`),
		}, nil},
		{"nested objects in the output are fine", []edit{
			set(outProps+"/customer", `{"type": "object", "properties": {"address": {"type": "object"}}}`),
		}, nil},
	})
}

func TestDepth(t *testing.T) {
	// The schema is level 1 and "examples" level 2, so n nested lists under
	// it reach level n+1.
	runCases(t, []checkCase{
		{"input at the limit", []edit{
			set(inSchema+"/examples", nestedLists(actioncheck.MaxDepth-1)),
		}, nil},
		{"input over the limit", []edit{
			set(inSchema+"/examples", nestedLists(actioncheck.MaxDepth)),
		}, []problem{
			{inSchema, "the input schema nests 51 levels deep, more than the 50 Genesys allows: flatten it"},
		}},
		{"output over the limit", []edit{
			set(outProps+"/status/examples", nestedLists(60)),
		}, []problem{
			{outSchema, "the output schema nests 63 levels deep, more than the 50 Genesys allows: flatten it"},
		}},
	})
}

func TestRequestTemplates(t *testing.T) {
	const declared = "(declared: language, orderId)"
	runCases(t, []checkCase{
		{"unknown reference", []edit{
			setString(urlT, "https://x/$region/orders"),
		}, []problem{
			{urlT, "unknown reference $region in the request URL template at column 11" + literalDollar},
		}},
		{"literal dollars", []edit{
			setString(urlT, "https://x/price?min=$5&cur=US$ 10&x=$!&y=${&z=$"),
		}, nil},
		{"escaped dollar", []edit{
			setString(urlT, `https://x/\$region/\${region}`),
		}, nil},
		{"escape tool", []edit{
			setString(urlT, "https://x/$esc.dollar{region}"),
		}, nil},
		{"quiet reference to an undeclared input", []edit{
			setString(urlT, "https://x/$!{input.lang}"),
		}, []problem{
			{urlT, "$input.lang in the request URL template at column 11 names no declared input " + declared + ": declare lang in the input contract or fix the name"},
		}},
		{"input in another letter case", []edit{
			setString(urlT, "https://x/${input.orderid}"),
		}, []problem{
			{urlT, "$input.orderid in the request URL template at column 11 names no declared input: input names are case-sensitive; did you mean $input.orderId?"},
		}},
		{"input name without input", []edit{
			setString(urlT, "https://x/$orderId"),
		}, []problem{
			{urlT, "unknown reference $orderId in the request URL template at column 11: write $input.orderId for the input, or $esc.dollar (or \\$) for a literal dollar sign"},
		}},
		{"input without a name", []edit{
			setString(urlT, "https://x/${input}"),
		}, []problem{
			{urlT, "$input in the request URL template at column 11 does not name an input: write $input.language"},
		}},
		{"comments and unparsed content", []edit{
			setString(bodyT, "## $a\n#* $b\n *##[[$c]]#${input.rawRequest}"),
		}, nil},
		{"set and foreach variables", []edit{
			setString(bodyT, "#set($id = $input.orderId)#foreach($l in $input.language.split(','))$l $foreach.count $velocityCount#end$id"),
		}, nil},
		{"a variable set in another template is unknown", []edit{
			setString(bodyT, "#set($id = $input.orderId)$id"),
			setString(urlT, "https://x/$id"),
		}, []problem{
			{urlT, "unknown reference $id in the request URL template at column 11" + literalDollar},
		}},
		{"method call arguments", []edit{
			setString(urlT, "https://x/?q=$esc.url($input.q)&r=$esc.url('$r')"),
		}, []problem{
			{urlT, "$input.q in the request URL template at column 23 names no declared input " + declared + ": declare q in the input contract or fix the name"},
		}},
		{"directive arguments", []edit{
			setString(bodyT, "#if($debug)x#end"),
		}, []problem{
			{bodyT, "unknown reference $debug in the request body template at column 5" + literalDollar},
		}},
		{"multi-line template", []edit{
			setString(bodyT, "{\n  \"id\": \"$input.orderId\",\n  \"total\": $total\n}"),
		}, []problem{
			{bodyT, "unknown reference $total in the request body template at 3:12" + literalDollar},
		}},
		{"columns count characters", []edit{
			setString(urlT, "https://x/é/$a"),
		}, []problem{
			{urlT, "unknown reference $a in the request URL template at column 13" + literalDollar},
		}},
		{"header", []edit{
			setString("/config/request/headers/X-Api-Key", "Bearer ${credentials.token} $token"),
		}, []problem{
			{"/config/request/headers/X-Api-Key", "unknown reference $token in the X-Api-Key header at column 29" + literalDollar},
		}},
		{"rawResult belongs to the response", []edit{
			setString(urlT, "https://x/$rawResult"),
		}, []problem{
			{urlT, "unknown reference $rawResult in the request URL template at column 11" + literalDollar},
		}},
		{"tools and credentials", []edit{
			setString(bodyT, "$credentials $credentials.user $math.add(1, 2) $date $number.format('#', 1) $successTemplateUtils $esc.json($input.orderId)"),
		}, nil},
		{"every reference is reported", []edit{
			setString(urlT, "$a/$b/$a"),
		}, []problem{
			{urlT, "unknown reference $a in the request URL template at column 1" + literalDollar},
			{urlT, "unknown reference $a in the request URL template at column 7" + literalDollar},
			{urlT, "unknown reference $b in the request URL template at column 4" + literalDollar},
		}},
		{"without an input schema inputs are not checked", []edit{
			del(inSchema),
			setString(urlT, "https://x/${input.anything}"),
		}, nil},
	})
}

func TestSuccessTemplate(t *testing.T) {
	runCases(t, []checkCase{
		{"unknown reference", []edit{
			setString(successT, `{"total": ${total}}`),
		}, []problem{
			{successT, "the success template references $total at column 11, which the translation map does not define (it defines: items, status)"},
		}},
		{"translation map key in another letter case", []edit{
			setString(successT, `${Status}`),
		}, []problem{
			{successT, "the success template references $Status at column 1, which the translation map does not define (it defines: items, status); did you mean $status?"},
		}},
		{"declared inputs", []edit{
			setString(successT, `{"id": "${input.orderId}", "status": ${status}}`),
		}, nil},
		{"undeclared input", []edit{
			setString(successT, `$input.nope`),
		}, []problem{
			{successT, "$input.nope in the success template at column 1 names no declared input (declared: language, orderId): declare nope in the input contract or fix the name"},
		}},
		{"rawRequest is no input of the response", []edit{
			setString(successT, `$input.rawRequest`),
		}, []problem{
			{successT, "$input.rawRequest in the success template at column 1 names no declared input (declared: language, orderId): declare rawRequest in the input contract or fix the name"},
		}},
		{"rawResult, tools and variables", []edit{
			setString(successT, `#set($s = $esc.quote($status))$s $rawResult $math.add(1, 2) #foreach($i in $items)$i#end`),
		}, nil},
		{"credentials belong to the request", []edit{
			setString(successT, `$credentials.apiKey`),
		}, []problem{
			{successT, "the success template references $credentials at column 1, which the translation map does not define (it defines: items, status)"},
		}},
		{"without a translation map", []edit{
			del(tmap),
			del("/config/response/translationMapDefaults"),
			setString(successT, "${rawResult}\n${status}"),
		}, []problem{
			{successT, "the success template references $status at 2:1, which the translation map does not define (it defines nothing)"},
		}},
		{"translation map of the wrong type is skipped", []edit{
			set(tmap, `5`),
		}, nil},
	})
}

func TestTranslationMap(t *testing.T) {
	runCases(t, []checkCase{
		{"not a JSONPath", []edit{
			setString(tmap+"/status", "order.status"),
		}, []problem{
			{tmap + "/status", `translation map entry "status" is "order.status", not a JSONPath: JSONPaths start with "$", as in "$.order.status"`},
		}},
		{"missing root", []edit{
			setString(tmap+"/status", ".order.status"),
		}, []problem{
			{tmap + "/status", `translation map entry "status" is ".order.status", not a JSONPath: JSONPaths start with "$", as in "$.order.status"`},
		}},
		{"empty", []edit{
			setString(tmap+"/status", ""),
		}, []problem{
			{tmap + "/status", `translation map entry "status" is empty: write a JSONPath into the response starting with "$", such as "$.status"`},
		}},
		{"not a string", []edit{
			set(tmap+"/status", `5`),
		}, []problem{
			{tmap + "/status", `translation map entry "status" is a number, not a JSONPath: write a string starting with "$", such as "$.status"`},
		}},
		{"default without entry", []edit{
			setString("/config/response/translationMapDefaults/itemz", "[]"),
		}, []problem{
			{"/config/response/translationMapDefaults/itemz", `default for "itemz", which the translation map does not have: add "itemz" to translationMap or remove this default`},
		}},
	})
}

func TestTests(t *testing.T) {
	runCases(t, []checkCase{
		{"duplicate name", []edit{
			setString("/tests/1/name", "A Shipped Order"),
		}, []problem{
			{"/tests/1/name", `test name "A Shipped Order" is already used by tests[0] (names are compared case-insensitively): rename this test`},
		}},
		{"undeclared input", []edit{
			setString("/tests/0/input/custId", "C-1"),
		}, []problem{
			{"/tests/0/input/custId", `test input "custId" is not a declared input (declared: language, orderId): declare it in the input contract or remove it from the test`},
		}},
		{"input in another letter case, required input missing", []edit{
			set("/tests/0/input", `{"OrderId": "A-1"}`),
		}, []problem{
			{"/tests/0/input", `the test lacks required input "orderId": add it to the test's input`},
			{"/tests/0/input/OrderId", `test input "OrderId" is not a declared input: input names are case-sensitive; did you mean "orderId"?`},
		}},
		{"no input", []edit{
			del("/tests/1/input"),
		}, []problem{
			{"/tests/1", `the test has no input, but input "orderId" is required: add an input with a value for it`},
		}},
		{"output and outputSchema", []edit{
			set("/tests/0/outputSchema", `{"type": "object"}`),
		}, []problem{
			{"/tests/0", "the test has both output and outputSchema: keep output to expect an exact result, or outputSchema to expect its shape"},
		}},
		{"neither output nor outputSchema", []edit{
			del("/tests/0/output"),
		}, nil},
	})
}

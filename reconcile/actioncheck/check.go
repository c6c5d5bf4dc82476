package actioncheck

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Problem is one broken rule. At is a JSON pointer into the action
// ("" for the action itself); Message is lowercase, says what is wrong and
// how to fix it, and never ends with a period.
type Problem struct{ At, Message string }

// MaxDepth is the deepest a contract schema may nest (Genesys: 50).
const MaxDepth = 50

// Reserved are the input names Genesys reserves: orgId, integrationId,
// rawRequest.
var Reserved = []string{"orgId", "integrationId", "rawRequest"}

// Pointers to the two contract schemas.
const (
	inputSchemaPtr   = "/contract/input/inputSchema"
	successSchemaPtr = "/contract/output/successSchema"
)

// tools are the Velocity tools Genesys puts in every template's context.
var tools = map[string]bool{
	"esc": true, "math": true, "successTemplateUtils": true, "date": true, "number": true,
}

// Check returns every rule the action breaks, sorted by At then Message,
// or nil if it breaks none. It never panics on any input shape: values of
// the wrong type are left to the JSON Schema and skipped silently.
func Check(action map[string]any) []Problem {
	c := &checker{}
	in := readInputs(action)
	c.inputSchema(action)
	c.outputSchema(action)
	c.request(action, in)
	c.response(action, in)
	c.tests(action, in)
	slices.SortFunc(c.problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.At, b.At), cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(c.problems)
}

type checker struct{ problems []Problem }

func (c *checker) add(at, format string, args ...any) {
	c.problems = append(c.problems, Problem{At: at, Message: fmt.Sprintf(format, args...)})
}

// child returns the pointer to key under ptr (RFC 6901).
func child(ptr, key string) string {
	if strings.ContainsAny(key, "~/") {
		key = strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
	}
	return ptr + "/" + key
}

// lookup follows keys through nested maps; nil if any is missing.
func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// guard holds the maps and lists on the current walk path, so that a
// (never decoded, but constructible) cyclic value cannot loop forever.
type guard map[uintptr]bool

func (g guard) enter(v any) (uintptr, bool) {
	var p uintptr
	switch x := v.(type) {
	case map[string]any:
		p = reflect.ValueOf(x).Pointer()
	case []any:
		if len(x) == 0 {
			return 0, true
		}
		p = reflect.ValueOf(x).Pointer()
	}
	if p == 0 {
		return 0, true
	}
	if g[p] {
		return 0, false
	}
	g[p] = true
	return p, true
}

func (g guard) leave(p uintptr) { delete(g, p) }

// isType reports whether a schema's type is t, or a list of types with t.
func isType(schema map[string]any, t string) bool {
	switch x := schema["type"].(type) {
	case string:
		return x == t
	case []any:
		return slices.Contains(x, any(t))
	}
	return false
}

func isArraySchema(schema map[string]any) bool {
	switch schema["items"].(type) {
	case map[string]any, []any:
		return true
	}
	return isType(schema, "array")
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// inputs is what the input contract declares.
type inputs struct {
	known    bool // the input schema's properties could be read
	names    map[string]bool
	list     []string // names, sorted
	required []string
}

func readInputs(action map[string]any) inputs {
	schema, ok := lookup(action, "contract", "input", "inputSchema").(map[string]any)
	if !ok {
		return inputs{}
	}
	in := inputs{known: true, names: map[string]bool{}}
	switch props := schema["properties"].(type) {
	case nil:
	case map[string]any:
		for k := range props {
			in.names[k] = true
		}
		in.list = slices.Sorted(maps.Keys(props))
	default:
		return inputs{}
	}
	if req, ok := schema["required"].([]any); ok {
		for _, r := range req {
			if s, ok := r.(string); ok {
				in.required = append(in.required, s)
			}
		}
	}
	return in
}

// fold returns the declared input equal to name ignoring case.
func (in inputs) fold(name string) (string, bool) {
	for _, n := range in.list {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

func (in inputs) declared() string {
	if len(in.list) == 0 {
		return "no input is declared"
	}
	return "declared: " + strings.Join(in.list, ", ")
}

// inputSchema checks rules 1, 2, 3 and 5 on the input contract.
func (c *checker) inputSchema(action map[string]any) {
	schema, ok := lookup(action, "contract", "input", "inputSchema").(map[string]any)
	if !ok {
		return
	}
	c.refs(schema, inputSchemaPtr, "the input contract", guard{})
	c.depth(schema, inputSchemaPtr, "input")
	switch t := schema["type"].(type) {
	case nil:
		c.add(inputSchemaPtr, "the input schema has no type: set type: object, as Genesys requires the input contract to be an object with one property per input")
	case string:
		if t != "object" {
			c.add(child(inputSchemaPtr, "type"), "the input schema is of type %q: Genesys requires the input contract to be of type object, with one property per input", t)
		}
	case []any:
		if !isType(schema, "object") {
			c.add(child(inputSchemaPtr, "type"), "the input schema's types do not include object: Genesys requires the input contract to be of type object, with one property per input")
		}
	}
	props, _ := schema["properties"].(map[string]any)
	g := guard{}
	g.enter(schema)
	for _, name := range slices.Sorted(maps.Keys(props)) {
		at := child(child(inputSchemaPtr, "properties"), name)
		c.reserved(name, at)
		c.nested(props[name], at, []string{name}, false, g)
	}
}

// reserved checks rule 3 on a top-level input name.
func (c *checker) reserved(name, at string) {
	others := func(r string) string {
		var o []string
		for _, x := range Reserved {
			if x != r {
				o = append(o, x)
			}
		}
		return strings.Join(o, " and ")
	}
	for _, r := range Reserved {
		if name == r {
			c.add(at, "%q is reserved by Genesys as an input name (so are %s, in any letter case): rename it", name, others(r))
			return
		}
	}
	for _, r := range Reserved {
		if strings.EqualFold(name, r) {
			c.add(at, "%q is reserved by Genesys as an input name: Genesys compares input names case-insensitively, so it clashes with %s; rename it", name, r)
			return
		}
	}
}

// nested checks rule 2 on an input property, or on the items of one
// (items is true), and on everything below it.
func (c *checker) nested(v any, at string, label []string, items bool, g guard) {
	node, ok := v.(map[string]any)
	if !ok {
		return
	}
	p, ok := g.enter(node)
	if !ok {
		return
	}
	defer g.leave(p)
	props, hasProps := node["properties"].(map[string]any)
	if hasProps || isType(node, "object") {
		name := strings.Join(label, ".")
		var b strings.Builder
		b.WriteString(label[0])
		for _, l := range label[1:] {
			b.WriteString(capitalize(l))
		}
		flat := b.String()
		fix := "flatten it into top-level properties"
		if keys := slices.Sorted(maps.Keys(props)); len(keys) > 0 {
			var such []string
			for _, k := range keys[:min(2, len(keys))] {
				such = append(such, flat+capitalize(k))
			}
			fix += " such as " + strings.Join(such, " and ")
		}
		if items {
			c.add(at, "input %q is an array of objects: Genesys data action inputs cannot nest objects; use an array of strings, numbers or booleans, or %s", name, fix)
		} else {
			c.add(at, "input %q is an object: Genesys data action inputs cannot nest objects; %s", name, fix)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		c.nested(props[k], child(child(at, "properties"), k), append(slices.Clip(label), k), false, g)
	}
	switch it := node["items"].(type) {
	case map[string]any:
		c.nested(it, child(at, "items"), label, true, g)
	case []any:
		for i, e := range it {
			c.nested(e, child(child(at, "items"), strconv.Itoa(i)), label, true, g)
		}
	}
}

// outputSchema checks rules 1, 4 and 5 on the output contract.
func (c *checker) outputSchema(action map[string]any) {
	schema, ok := lookup(action, "contract", "output", "successSchema").(map[string]any)
	if !ok {
		return
	}
	c.refs(schema, successSchemaPtr, "the output contract", guard{})
	c.depth(schema, successSchemaPtr, "output")
	c.arrays(schema, successSchemaPtr, "", guard{})
}

// arrays checks rule 4 on an output schema and everything below it.
func (c *checker) arrays(v any, at, label string, g guard) {
	node, ok := v.(map[string]any)
	if !ok {
		return
	}
	p, ok := g.enter(node)
	if !ok {
		return
	}
	defer g.leave(p)
	join := func(name string) string {
		if label == "" {
			return name
		}
		return label + "." + name
	}
	inner := func(v any, at string) {
		if m, ok := v.(map[string]any); ok && isArraySchema(m) {
			what := "the output schema"
			if label != "" {
				what = fmt.Sprintf("output %q", label)
			}
			c.add(at, "%s is an array of arrays: Genesys output contracts cannot nest an array directly in an array; make the items objects that hold the inner array, e.g. items: {type: object, properties: {values: {type: array}}}", what)
		}
		c.arrays(v, at, label+"[]", g)
	}
	switch it := node["items"].(type) {
	case map[string]any:
		inner(it, child(at, "items"))
	case []any:
		for i, e := range it {
			inner(e, child(child(at, "items"), strconv.Itoa(i)))
		}
	}
	if m, ok := node["additionalItems"].(map[string]any); ok {
		inner(m, child(at, "additionalItems"))
	}
	for _, kw := range []string{"properties", "patternProperties", "definitions", "$defs"} {
		m, _ := node[kw].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			c.arrays(m[k], child(child(at, kw), k), join(k), g)
		}
	}
	for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
		l, _ := node[kw].([]any)
		for i, e := range l {
			c.arrays(e, child(child(at, kw), strconv.Itoa(i)), label, g)
		}
	}
	for _, kw := range []string{"additionalProperties", "not"} {
		c.arrays(node[kw], child(at, kw), label, g)
	}
}

// refs checks rule 1: no "$ref" anywhere in v.
func (c *checker) refs(v any, at, where string, g guard) {
	p, ok := g.enter(v)
	if !ok {
		return
	}
	defer g.leave(p)
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if k == "$ref" {
				target := ""
				if s, ok := x[k].(string); ok {
					target = fmt.Sprintf(" (%q)", s)
				}
				c.add(child(at, k), "\"$ref\" is not allowed in %s: Genesys refuses schema references; write the referenced schema%s inline", where, target)
			}
			c.refs(x[k], child(at, k), where, g)
		}
	case []any:
		for i, e := range x {
			c.refs(e, child(at, strconv.Itoa(i)), where, g)
		}
	}
}

// depth checks rule 5 on a contract schema.
func (c *checker) depth(schema map[string]any, at, which string) {
	if d := depthOf(schema, guard{}); d > MaxDepth {
		c.add(at, "the %s schema nests %d levels deep, more than the %d Genesys allows: flatten it", which, d, MaxDepth)
	}
}

// depthOf counts one level per map or list, v itself included.
func depthOf(v any, g guard) int {
	p, ok := g.enter(v)
	if !ok {
		return 0
	}
	defer g.leave(p)
	deepest := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			deepest = max(deepest, depthOf(e, g))
		}
	case []any:
		for _, e := range x {
			deepest = max(deepest, depthOf(e, g))
		}
	default:
		return 0
	}
	return deepest + 1
}

// positions tells where offsets lie in a template: "column N" for a
// template of one line, "LINE:COLUMN" otherwise, both 1-based and counted
// in characters. Offsets must come in increasing order, as references do.
type positions struct {
	s         string
	oneLine   bool
	off       int // where line and col were counted to
	line, col int
}

func newPositions(template string) *positions {
	return &positions{s: template, oneLine: !strings.Contains(template, "\n"), line: 1, col: 1}
}

func (p *positions) at(offset int) string {
	for ; p.off < offset; p.off++ {
		switch b := p.s[p.off]; {
		case b == '\n':
			p.line, p.col = p.line+1, 1
		case !utf8.RuneStart(b):
		default:
			p.col++
		}
	}
	if p.oneLine {
		return fmt.Sprintf("column %d", p.col)
	}
	return fmt.Sprintf("%d:%d", p.line, p.col)
}

// request checks rule 6 on the request templates.
func (c *checker) request(action map[string]any, in inputs) {
	req, ok := lookup(action, "config", "request").(map[string]any)
	if !ok {
		return
	}
	const base = "/config/request"
	if s, ok := req["requestUrlTemplate"].(string); ok {
		c.requestTemplate(child(base, "requestUrlTemplate"), "the request URL template", s, in)
	}
	if s, ok := req["requestTemplate"].(string); ok {
		c.requestTemplate(child(base, "requestTemplate"), "the request body template", s, in)
	}
	headers, _ := req["headers"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		if s, ok := headers[k].(string); ok {
			c.requestTemplate(child(child(base, "headers"), k), "the "+k+" header", s, in)
		}
	}
}

func (c *checker) requestTemplate(at, where, template string, in inputs) {
	sc := scan(template)
	posOf := newPositions(template)
	for _, r := range sc.refs {
		pos := posOf.at(r.Offset)
		switch {
		case r.Root == "input":
			c.inputRef(at, where, pos, r, in, true)
		case r.Root == "credentials", tools[r.Root], sc.vars[r.Root]:
		default:
			hint := ""
			if n, ok := in.fold(r.Root); ok {
				hint = "$input." + n + " for the input, or "
			}
			c.add(at, "unknown reference $%s in %s at %s: write %s$esc.dollar (or \\$) for a literal dollar sign", r.Root, where, pos, hint)
		}
	}
}

// inputRef checks that an $input reference names a declared input.
func (c *checker) inputRef(at, where, pos string, r Reference, in inputs, request bool) {
	if !in.known {
		return
	}
	if len(r.Path) == 0 {
		example := "NAME"
		if len(in.list) > 0 {
			example = in.list[0]
		}
		c.add(at, "$input in %s at %s does not name an input: write $input.%s", where, pos, example)
		return
	}
	n := r.Path[0]
	if in.names[n] || request && n == "rawRequest" {
		return
	}
	if m, ok := in.fold(n); ok {
		c.add(at, "$input.%s in %s at %s names no declared input: input names are case-sensitive; did you mean $input.%s?", n, where, pos, m)
		return
	}
	c.add(at, "$input.%s in %s at %s names no declared input (%s): declare %s in the input contract or fix the name", n, where, pos, in.declared(), n)
}

// response checks rules 7 and 8.
func (c *checker) response(action map[string]any, in inputs) {
	resp, ok := lookup(action, "config", "response").(map[string]any)
	if !ok {
		return
	}
	const base = "/config/response"
	keys := map[string]bool{}
	switch tm := resp["translationMap"].(type) {
	case nil:
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(tm)) {
			keys[k] = true
			c.jsonPath(child(child(base, "translationMap"), k), k, tm[k])
		}
	default:
		return
	}
	defaults, _ := resp["translationMapDefaults"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(defaults)) {
		if !keys[k] {
			c.add(child(child(base, "translationMapDefaults"), k), "default for %q, which the translation map does not have: add %q to translationMap or remove this default", k, k)
		}
	}
	if s, ok := resp["successTemplate"].(string); ok {
		c.successTemplate(child(base, "successTemplate"), s, keys, in)
	}
}

// jsonPath checks rule 8 on one translation map value.
func (c *checker) jsonPath(at, key string, v any) {
	s, ok := v.(string)
	switch {
	case ok && strings.HasPrefix(s, "$"):
	case ok && s == "":
		c.add(at, "translation map entry %q is empty: write a JSONPath into the response starting with \"$\", such as %q", key, "$."+key)
	case ok:
		such := "$." + s
		if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "[") {
			such = "$" + s
		}
		c.add(at, "translation map entry %q is %q, not a JSONPath: JSONPaths start with \"$\", as in %q", key, s, such)
	default:
		c.add(at, "translation map entry %q is %s, not a JSONPath: write a string starting with \"$\", such as %q", key, kind(v), "$."+key)
	}
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64, float32, int, int64, int32, uint, uint64, uint32:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("a %T", v)
}

// successTemplate checks rule 7.
func (c *checker) successTemplate(at, template string, keys map[string]bool, in inputs) {
	const where = "the success template"
	sc := scan(template)
	posOf := newPositions(template)
	for _, r := range sc.refs {
		pos := posOf.at(r.Offset)
		switch {
		case keys[r.Root], r.Root == "rawResult", tools[r.Root], sc.vars[r.Root]:
		case r.Root == "input":
			c.inputRef(at, where, pos, r, in, false)
		default:
			defines := "it defines nothing"
			if len(keys) > 0 {
				defines = "it defines: " + strings.Join(slices.Sorted(maps.Keys(keys)), ", ")
			}
			hint := ""
			for _, k := range slices.Sorted(maps.Keys(keys)) {
				if strings.EqualFold(k, r.Root) {
					hint = "; did you mean $" + k + "?"
					break
				}
			}
			c.add(at, "the success template references $%s at %s, which the translation map does not define (%s)%s", r.Root, pos, defines, hint)
		}
	}
}

// tests checks rule 9.
func (c *checker) tests(action map[string]any, in inputs) {
	list, _ := action["tests"].([]any)
	seen := map[string]int{}
	for i, t := range list {
		test, ok := t.(map[string]any)
		if !ok {
			continue
		}
		at := child("/tests", strconv.Itoa(i))
		if name, ok := test["name"].(string); ok {
			key := strings.ToLower(name)
			if j, dup := seen[key]; dup {
				c.add(child(at, "name"), "test name %q is already used by tests[%d] (names are compared case-insensitively): rename this test", name, j)
			} else {
				seen[key] = i
			}
		}
		switch input := test["input"].(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(input)) {
				if !in.known || in.names[k] {
					continue
				}
				if m, ok := in.fold(k); ok {
					c.add(child(child(at, "input"), k), "test input %q is not a declared input: input names are case-sensitive; did you mean %q?", k, m)
				} else {
					c.add(child(child(at, "input"), k), "test input %q is not a declared input (%s): declare it in the input contract or remove it from the test", k, in.declared())
				}
			}
			for _, r := range in.required {
				if _, ok := input[r]; !ok {
					c.add(child(at, "input"), "the test lacks required input %q: add it to the test's input", r)
				}
			}
		case nil:
			for _, r := range in.required {
				c.add(at, "the test has no input, but input %q is required: add an input with a value for it", r)
			}
		}
		_, hasOutput := test["output"]
		schema, hasSchema := test["outputSchema"]
		if hasOutput && hasSchema {
			c.add(at, "the test has both output and outputSchema: keep output to expect an exact result, or outputSchema to expect its shape")
		}
		c.refs(schema, child(at, "outputSchema"), "a test's output schema", guard{})
	}
}

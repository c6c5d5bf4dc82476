package actioncheck

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The rules of the two contracts: references, nesting, reserved names, depth.

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

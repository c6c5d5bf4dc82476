package actioncheck

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The rules of the test cases.

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

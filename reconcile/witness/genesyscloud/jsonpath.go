package genesyscloud

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The subset of JSONPath (the paths of a translationMap) the emulator
// evaluates: $, then any of .name, ['name'] or ["name"], [n] (n ≥ 0) and
// [*] (on an array). A path with [*] is indefinite: it finds the list of
// what it reaches, empty included (like Jayway JsonPath, which Genesys is
// said to use; unconfirmed). A definite path finds nothing when a name or
// index is missing. Deep scan (..), filters, slices, unions, negative
// indexes and .* are refused as unsupported.

// evalPath evaluates path on doc.
func evalPath(doc any, path string) (v any, found bool, err error) {
	steps, err := parsePath(path)
	if err != nil {
		return nil, false, err
	}
	nodes := []any{doc}
	definite := true
	for _, st := range steps {
		var next []any
		for _, n := range nodes {
			switch {
			case st.wildcard:
				if list, ok := n.([]any); ok {
					next = append(next, list...)
				} else if definite {
					return nil, false, nil
				}
			case st.name != nil:
				if m, ok := n.(map[string]any); ok {
					if e, ok := m[*st.name]; ok {
						next = append(next, e)
					}
				}
			default:
				if list, ok := n.([]any); ok && st.index < len(list) {
					next = append(next, list[st.index])
				}
			}
		}
		if st.wildcard {
			definite = false
		}
		nodes = next
	}
	if !definite {
		if nodes == nil {
			nodes = []any{}
		}
		return nodes, true, nil
	}
	if len(nodes) != 1 {
		return nil, false, nil
	}
	return nodes[0], true, nil
}

// pathStep is one step of a path: a name, an index or [*].
type pathStep struct {
	name     *string
	index    int
	wildcard bool
}

func parsePath(path string) ([]pathStep, error) {
	if !strings.HasPrefix(path, "$") {
		return nil, failf(http.StatusBadRequest, "the JSONPath %q does not start with $", path)
	}
	var steps []pathStep
	no := func(what string) error { return unsupported("%s in JSONPath (%s)", what, path) }
	for s := path[1:]; s != ""; {
		switch {
		case strings.HasPrefix(s, ".."):
			return nil, no("deep scan (..)")
		case strings.HasPrefix(s, ".*"):
			return nil, no(".*")
		case s[0] == '.':
			k := 1
			for k < len(s) && s[k] != '.' && s[k] != '[' {
				k++
			}
			if k == 1 {
				return nil, failf(http.StatusBadRequest, "the JSONPath %q has an empty name", path)
			}
			name := s[1:k]
			steps = append(steps, pathStep{name: &name})
			s = s[k:]
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if q := s[1:min(2, len(s))]; q == "'" || q == `"` {
				e := strings.Index(s[2:], q+"]")
				if e < 0 {
					return nil, failf(http.StatusBadRequest, "the JSONPath %q has an unclosed [%s", path, q)
				}
				name := s[2 : 2+e]
				if strings.Contains(name, q) {
					return nil, no("unions of names")
				}
				steps = append(steps, pathStep{name: &name})
				s = s[2+e+2:]
				continue
			}
			if end < 0 {
				return nil, failf(http.StatusBadRequest, "the JSONPath %q has an unclosed [", path)
			}
			in := s[1:end]
			switch n, err := strconv.Atoi(in); {
			case in == "*":
				steps = append(steps, pathStep{wildcard: true})
			case err == nil && n >= 0:
				steps = append(steps, pathStep{index: n})
			case strings.HasPrefix(in, "?"):
				return nil, no("filters")
			case strings.Contains(in, ":"):
				return nil, no("slices")
			case strings.Contains(in, ","):
				return nil, no("unions")
			case err == nil:
				return nil, no("negative indexes")
			default:
				return nil, no(fmt.Sprintf("[%s]", in))
			}
			s = s[end+1:]
		default:
			return nil, failf(http.StatusBadRequest, "the JSONPath %q: unexpected %q", path, s)
		}
	}
	return steps, nil
}

// The subset of JSON Schema the emulator checks an output against: type
// (object, array, string, number, integer, boolean, null, or a list of
// them), through properties and items, and required. Other keywords are
// not checked.

// validate checks v against schema; at names v in messages.
func validate(schema map[string]any, v any, at string) error {
	if schema == nil {
		return nil
	}
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, e := range t {
				s, ok := e.(string)
				if !ok {
					return unsupported("the schema type %v at %s", t, at)
				}
				types = append(types, s)
			}
		default:
			return unsupported("the schema type %v at %s", t, at)
		}
		matched := false
		for _, typ := range types {
			ok, err := isType(typ, v)
			if err != nil {
				return fmt.Errorf("%s: %w", at, err)
			}
			matched = matched || ok
		}
		if !matched {
			return failf(http.StatusBadRequest, "%s is %s, but the success schema wants %s", at, kindOf(v), strings.Join(types, " or "))
		}
	}
	if m, ok := v.(map[string]any); ok {
		if req, ok := schema["required"].([]any); ok {
			for _, e := range req {
				name, _ := e.(string)
				if _, ok := m[name]; !ok {
					return failf(http.StatusBadRequest, "%s.%s is required by the success schema but missing", at, name)
				}
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(props)) {
			sub, ok := props[name].(map[string]any)
			e, present := m[name]
			if !ok || !present {
				continue
			}
			if err := validate(sub, e, at+"."+name); err != nil {
				return err
			}
		}
	}
	if list, ok := v.([]any); ok {
		switch items := schema["items"].(type) {
		case map[string]any:
			for k, e := range list {
				if err := validate(items, e, fmt.Sprintf("%s[%d]", at, k)); err != nil {
					return err
				}
			}
		case nil:
		default:
			return unsupported("items that is not one schema, at %s", at)
		}
	}
	return nil
}

// isType says whether v, decoded with json.Number, is of the JSON Schema
// type typ.
func isType(typ string, v any) (bool, error) {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok, nil
	case "array":
		_, ok := v.([]any)
		return ok, nil
	case "string":
		_, ok := v.(string)
		return ok, nil
	case "boolean":
		_, ok := v.(bool)
		return ok, nil
	case "null":
		return v == nil, nil
	case "number", "integer":
		var f float64
		switch n := v.(type) {
		case json.Number:
			var err error
			if f, err = n.Float64(); err != nil {
				return false, nil
			}
		case float64:
			f = n
		default:
			return false, nil
		}
		return typ == "number" || f == math.Trunc(f), nil
	}
	return false, unsupported("the schema type %q", typ)
}

// kindOf names the JSON type of v.
func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

package actioncheck

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
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

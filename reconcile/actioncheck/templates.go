package actioncheck

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// The rules of the Velocity templates and the translation map.

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

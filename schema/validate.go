package schema

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Violation is one way a document breaks its schema.
type Violation struct {
	// Path is the JSON pointer of the offending key. For a missing key it is
	// the key that should be there; its parent is At.
	Path string
	// At is the JSON pointer of the value the problem shows on in the file:
	// Path itself, or the parent of a missing key.
	At      string
	Message string
}

// Validate checks doc, a decoded YAML document made of map[string]any,
// []any, string, bool, int and float64, against the schema of vendor type
// t. Messages never quote a value of the document.
func (s *Set) Validate(t string, doc any) ([]Violation, error) {
	sch, ok := s.byType[t]
	if !ok {
		return nil, fmt.Errorf("no schema for type %q", t)
	}
	err := sch.Validate(doc)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	var out []Violation
	for _, leaf := range leaves(ve, nil) {
		out = append(out, s.explain(leaf, doc)...)
	}
	// An empty value breaks its pattern too; "must not be empty" says it all.
	empty := map[string]bool{}
	for _, v := range out {
		if v.Message == msgEmpty {
			empty[v.Path] = true
		}
	}
	out = slices.DeleteFunc(out, func(v Violation) bool { return empty[v.Path] && v.Message != msgEmpty })
	slices.SortFunc(out, func(a, b Violation) int { return strings.Compare(a.Path, b.Path) })
	return slices.CompactFunc(out, func(a, b Violation) bool { return a == b }), nil
}

func leaves(ve *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(out, ve)
	}
	for _, c := range ve.Causes {
		out = leaves(c, out)
	}
	return out
}

const msgEmpty = "must not be empty"

// explain turns a leaf of the validator's error tree into violations with
// messages written for the person editing the file.
func (s *Set) explain(ve *jsonschema.ValidationError, doc any) []Violation {
	at := ve.InstanceLocation
	keyword := ve.KeywordLocation[strings.LastIndexByte(ve.KeywordLocation, '/')+1:]
	sch := s.byLoc[strings.TrimSuffix(ve.AbsoluteKeywordLocation, "/"+keyword)]
	switch keyword {
	case "required":
		var out []Violation
		if sch != nil {
			obj, _ := Lookup(doc, at).(map[string]any)
			for _, k := range sch.Required {
				if _, ok := obj[k]; !ok {
					out = append(out, Violation{Path: at + "/" + Escape(k), At: at, Message: fmt.Sprintf("missing required key %q", k)})
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	case "additionalProperties":
		if sch != nil {
			obj, _ := Lookup(doc, at).(map[string]any)
			allowed := make([]string, 0, len(sch.Properties))
			for k := range sch.Properties {
				allowed = append(allowed, k)
			}
			slices.Sort(allowed)
			var out []Violation
			for k := range obj {
				if _, ok := sch.Properties[k]; !ok {
					p := at + "/" + Escape(k)
					hint := ""
					if near := Suggest(k, allowed); near != "" {
						hint = "did you mean " + near + "? "
					}
					out = append(out, Violation{Path: p, At: p, Message: fmt.Sprintf("unknown key %q; %sallowed here: %s", k, hint, strings.Join(allowed, ", "))})
				}
			}
			if len(out) > 0 {
				return out
			}
		}
	case "pattern", "format":
		msg := "has the wrong format"
		if sch != nil && sch.Description != "" {
			msg = "must be " + sch.Description
		}
		return []Violation{{Path: at, At: at, Message: msg}}
	case "minLength":
		if strings.Contains(ve.KeywordLocation, "/propertyNames/") {
			return []Violation{{Path: at, At: at, Message: "keys must not be empty"}}
		}
		if sch != nil && sch.MinLength == 1 {
			return []Violation{{Path: at, At: at, Message: msgEmpty}}
		}
	case "maxLength":
		if sch != nil {
			n := len([]rune(fmt.Sprint(Lookup(doc, at))))
			return []Violation{{Path: at, At: at, Message: fmt.Sprintf("must be at most %d characters long (it has %d)", sch.MaxLength, n)}}
		}
	case "minItems":
		if sch != nil {
			return []Violation{{Path: at, At: at, Message: fmt.Sprintf("must list at least %d %s", sch.MinItems, plural(sch.MinItems, "item", "items"))}}
		}
	case "uniqueItems":
		return []Violation{{Path: at, At: at, Message: "must not list the same item twice"}}
	case "enum":
		if sch != nil {
			opts := make([]string, len(sch.Enum))
			for i, e := range sch.Enum {
				opts[i] = fmt.Sprint(e)
			}
			return []Violation{{Path: at, At: at, Message: "must be one of: " + strings.Join(opts, ", ")}}
		}
	case "type":
		msg := strings.Replace(ve.Message, "expected", "must be a", 1)
		for _, vowel := range []string{"a object", "a array", "a integer"} {
			msg = strings.ReplaceAll(msg, vowel, "an"+vowel[1:])
		}
		return []Violation{{Path: at, At: at, Message: msg}}
	}
	return []Violation{{Path: at, At: at, Message: ve.Message}}
}

// Built once: a Replacer builds its tables on first use, which cost a
// quarter of all allocations when made per call.
var (
	escaper   = strings.NewReplacer("~", "~0", "/", "~1")
	unescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// Escape escapes a key for use in a JSON pointer (RFC 6901).
func Escape(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return escaper.Replace(k)
}

// Split returns the unescaped keys of a JSON pointer.
func Split(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		if strings.Contains(p, "~") {
			parts[i] = unescaper.Replace(p)
		}
	}
	return parts
}

// Lookup returns the value at ptr in doc, or nil.
func Lookup(doc any, ptr string) any {
	v := doc
	for _, k := range Split(ptr) {
		switch c := v.(type) {
		case map[string]any:
			v = c[k]
		case []any:
			var i int
			if _, err := fmt.Sscanf(k, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// maxSuggestEdits is how far a misspelling may be from what it suggests.
const maxSuggestEdits = 2

// Suggest returns the choice nearest to word, ignoring case, if it is at
// most two edits (Levenshtein distance) away; else "". Of choices equally
// near, the first wins.
func Suggest(word string, choices []string) string {
	w := []rune(strings.ToLower(word))
	best, bestDist := "", maxSuggestEdits+1
	for _, c := range choices {
		cr := []rune(strings.ToLower(c))
		if abs(len(cr)-len(w)) >= bestDist {
			continue // at least that many edits: a hostile long key costs nothing
		}
		if d := editDistance(w, cr); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean returns "; did you mean CHOICE?", to end a message about
// word, if Suggest finds a choice; else "".
func DidYouMean(word string, choices []string) string {
	if near := Suggest(word, choices); near != "" {
		return "; did you mean " + near + "?"
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b (a copy of the
// command line's, for flags, over runes).
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

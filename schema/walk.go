package schema

import (
	"slices"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// PEMMediaType marks a string schema whose value is a PEM block.
const PEMMediaType = "application/x-pem-file"

// Annotations are what the schema says about the values of one document.
type Annotations struct {
	// Secrets holds the JSON pointer of every value the schema marks
	// writeOnly, and of every leaf below such a value.
	Secrets []string
	// PEM holds the JSON pointer of every string the schema says is a PEM
	// block.
	PEM []string
}

// Annotate walks doc with the schema of vendor type t. Conditional
// subschemas (if/then/else, anyOf, oneOf) count only where they apply to
// doc, so a document that does not validate still gets the annotations of
// the parts that can be told.
func (s *Set) Annotate(t string, doc any) Annotations {
	var a Annotations
	sch, ok := s.byType[t]
	if !ok {
		return a
	}
	secret, pem := map[string]bool{}, map[string]bool{}
	visit(sch, doc, "", func(sc *jsonschema.Schema, v any, ptr string) {
		if sc.WriteOnly && !secret[ptr] {
			for _, leaf := range leafPointers(v, ptr, nil) {
				if !secret[leaf] {
					secret[leaf] = true
					a.Secrets = append(a.Secrets, leaf)
				}
			}
		}
		if sc.ContentMediaType == PEMMediaType && !pem[ptr] {
			if _, isString := v.(string); isString {
				pem[ptr] = true
				a.PEM = append(a.PEM, ptr)
			}
		}
	})
	slices.Sort(a.Secrets)
	slices.Sort(a.PEM)
	return a
}

// ApplyDefaults fills in, in place, every absent key of doc whose schema
// gives a default.
func (s *Set) ApplyDefaults(t string, doc any) {
	sch, ok := s.byType[t]
	if !ok {
		return
	}
	var fill func(sc *jsonschema.Schema, v any, ptr string)
	fill = func(sc *jsonschema.Schema, v any, ptr string) {
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, p := range sc.Properties {
			d := p.Default
			if d == nil && p.Ref != nil {
				d = p.Ref.Default
			}
			if _, present := obj[k]; !present && d != nil {
				obj[k] = clone(d)
				visit(p, obj[k], ptr+"/"+Escape(k), fill)
			}
		}
	}
	visit(sch, doc, "", fill)
}

// visit calls fn for every (subschema, value) pair that applies to doc.
func visit(s *jsonschema.Schema, v any, ptr string, fn func(*jsonschema.Schema, any, string)) {
	if s == nil {
		return
	}
	fn(s, v, ptr)
	visit(s.Ref, v, ptr, fn)
	for _, c := range s.AllOf {
		visit(c, v, ptr, fn)
	}
	for _, group := range [][]*jsonschema.Schema{s.AnyOf, s.OneOf} {
		for _, c := range group {
			if c.Validate(v) == nil {
				visit(c, v, ptr, fn)
			}
		}
	}
	if s.If != nil {
		if s.If.Validate(v) == nil {
			visit(s.Then, v, ptr, fn)
		} else {
			visit(s.Else, v, ptr, fn)
		}
	}
	switch c := v.(type) {
	case map[string]any:
		for k, cv := range c {
			cp := ptr + "/" + Escape(k)
			if p, ok := s.Properties[k]; ok {
				visit(p, cv, cp, fn)
				continue
			}
			matched := false
			for re, p := range s.PatternProperties {
				if re.MatchString(k) {
					matched = true
					visit(p, cv, cp, fn)
				}
			}
			if a, ok := s.AdditionalProperties.(*jsonschema.Schema); ok && !matched {
				visit(a, cv, cp, fn)
			}
		}
	case []any:
		for i, cv := range c {
			cp := ptr + "/" + strconv.Itoa(i)
			switch {
			case i < len(s.PrefixItems):
				visit(s.PrefixItems[i], cv, cp, fn)
			case s.Items2020 != nil:
				visit(s.Items2020, cv, cp, fn)
			}
			if it, ok := s.Items.(*jsonschema.Schema); ok {
				visit(it, cv, cp, fn)
			}
		}
	}
}

// leafPointers returns the pointers of every scalar at or below v.
func leafPointers(v any, ptr string, out []string) []string {
	switch c := v.(type) {
	case map[string]any:
		for k, cv := range c {
			out = leafPointers(cv, ptr+"/"+Escape(k), out)
		}
	case []any:
		for i, cv := range c {
			out = leafPointers(cv, ptr+"/"+strconv.Itoa(i), out)
		}
	default:
		out = append(out, ptr)
	}
	return out
}

func clone(v any) any {
	switch c := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(c))
		for k, cv := range c {
			m[k] = clone(cv)
		}
		return m
	case []any:
		l := make([]any, len(c))
		for i, cv := range c {
			l[i] = clone(cv)
		}
		return l
	}
	return v
}

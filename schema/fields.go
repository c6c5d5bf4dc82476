package schema

import (
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Field is one key of a credentials block, as the schema describes it.
type Field struct {
	Name     string
	Required bool
	Secret   bool   // writeOnly
	Kind     string // "string", "array" or "object" (a map of secret values)
}

// CredentialFields lists the keys of vendor type t's credentials block for
// credential type credType (the vendor itself for single-type vendors),
// the block's `type` key excepted, sorted by name.
func (s *Set) CredentialFields(t, credType string) []Field {
	sch, ok := s.byType[t]
	if !ok {
		return nil
	}
	creds := sch.Properties["credentials"]
	if creds == nil {
		return nil
	}
	byName := map[string]*Field{}
	collect := func(c *jsonschema.Schema) {
		for name, p := range c.Properties {
			if name == "type" {
				continue
			}
			f := byName[name]
			if f == nil {
				f = &Field{Name: name}
				byName[name] = f
			}
			f.Secret = f.Secret || p.WriteOnly || (p.Ref != nil && p.Ref.WriteOnly)
			f.Kind = kindOf(p)
		}
		for _, r := range c.Required {
			if f := byName[r]; f != nil {
				f.Required = true
			}
		}
	}
	sample := map[string]any{"type": credType}
	var branches []*jsonschema.Schema
	for _, a := range creds.AllOf {
		if a.If != nil && a.If.Validate(sample) == nil && a.Then != nil {
			branches = append(branches, a.Then)
		}
	}
	if len(branches) == 0 {
		collect(creds)
	}
	for _, b := range branches { // a typed block's keys are its branch's
		collect(b)
	}
	var out []Field
	for _, f := range byName {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Field) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

func kindOf(s *jsonschema.Schema) string {
	for s != nil {
		for _, t := range s.Types {
			if t == "array" || t == "object" {
				return t
			}
		}
		if len(s.Types) > 0 {
			return "string"
		}
		s = s.Ref
	}
	return "string"
}

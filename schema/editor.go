package schema

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// EncryptedPattern matches a value sops encrypted with its data key: a
// string, a number or a boolean of the plain file alike
// ("ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]").
const EncryptedPattern = `^ENC\[AES256_GCM,data:.*\]$`

// Dispatcher is the name of the editor schema that picks a vendor's schema
// by a spec's `type`: one association for every spec.
const Dispatcher = "reconcile.json"

// Editor returns the schema files `reconcile schema DIR` writes, by file
// name: for an editor that opens the files as they are on disk, encrypted.
// They are derived from the embedded strict schemas, which the loader
// keeps using: every vendor file (zendesk.json, ...) also accepts the
// top-level `sops` block; every value sops may encrypt (a string, number
// or boolean, the `fields` maps' values among them) also accepts an
// encrypted value (EncryptedPattern); and Dispatcher, reconcile.json,
// picks the vendor's file by `type`. Nothing else is loosened, but for
// what an encrypted discriminator hides: a credentials block whose `type`
// is encrypted gets no type's branch, and a spec whose `type` is
// encrypted must meet one vendor's file, any.
func Editor() (map[string][]byte, error) {
	names, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	var vendors []string
	for _, n := range names {
		if n == Dispatcher {
			return nil, fmt.Errorf("schema %s: the name is the dispatcher's", n)
		}
		b, _ := files.ReadFile(n)
		doc, err := decodeOrdered(b)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", n, err)
		}
		root, ok := doc.(*object)
		if !ok {
			return nil, fmt.Errorf("schema %s: not an object", n)
		}
		root = acceptEncrypted(root)
		if n != "common.json" {
			vendors = append(vendors, strings.TrimSuffix(n, ".json"))
			props, ok := root.vals["properties"].(*object)
			if !ok {
				return nil, fmt.Errorf("schema %s: no properties", n)
			}
			props.set("sops", sopsBlock())
		}
		if out[n], err = encodeOrdered(root); err != nil {
			return nil, fmt.Errorf("schema %s: %w", n, err)
		}
	}
	slices.Sort(vendors)
	if out[Dispatcher], err = encodeOrdered(dispatcher(vendors)); err != nil {
		return nil, err
	}
	return out, nil
}

// encrypted is what an encrypted value meets. It has no description: an
// editor's hover over an encrypted value shows the value's own
// (yaml-language-server shows the first description it meets).
func encrypted() *object {
	return newObject().
		set("type", "string").
		set("pattern", EncryptedPattern).
		set("$comment", "a value encrypted by sops")
}

func sopsBlock() *object {
	return newObject().
		set("type", "object").
		set("title", "sops metadata").
		set("description", "what sops keeps to decrypt the file (recipients, data key, MAC); sops writes it, edit the values through sops instead")
}

// Keywords whose values are subschemas that apply to the value or its
// children. Not `if` (an encrypted value there would pick every branch),
// `not` (it would invert) nor `propertyNames` (sops never encrypts keys).
var (
	schemaMaps  = []string{"properties", "patternProperties", "$defs", "dependentSchemas"}
	schemaLists = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	schemaOnes  = []string{"additionalProperties", "items", "then", "else", "contains", "unevaluatedProperties", "unevaluatedItems"}
	// kept on a wrapper rather than its first alternative, so hovers and
	// completions show them whatever the value.
	annotations = []string{"$id", "$anchor", "$schema", "$comment", "title", "description", "markdownDescription", "default", "examples", "deprecated", "readOnly", "writeOnly"}
	// assertions only a scalar can meet.
	scalarAssertions = []string{"pattern", "format", "minLength", "maxLength", "contentMediaType", "contentEncoding",
		"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)

// acceptEncrypted returns s with every subschema that a scalar meets
// turned into `if: encrypted(), else: the subschema`, its annotations kept
// on top: an encrypted value passes, any other must meet the subschema.
// That is anyOf [subschema, encrypted()], written so that an editor shows
// the subschema's error for a readable value, and one hover, not one per
// alternative that an encrypted string meets.
func acceptEncrypted(s *object) *object {
	for _, k := range schemaMaps {
		if m, ok := s.vals[k].(*object); ok {
			for _, name := range m.keys {
				if sub, ok := m.vals[name].(*object); ok {
					m.vals[name] = acceptEncrypted(sub)
				}
			}
		}
	}
	for _, k := range schemaLists {
		if l, ok := s.vals[k].([]any); ok {
			for i, e := range l {
				if sub, ok := e.(*object); ok {
					l[i] = acceptEncrypted(sub)
				}
			}
		}
	}
	for _, k := range schemaOnes {
		if sub, ok := s.vals[k].(*object); ok {
			s.vals[k] = acceptEncrypted(sub)
		}
	}
	if !scalar(s) {
		return s
	}
	wrapper, inner := newObject(), newObject()
	for _, k := range s.keys {
		if slices.Contains(annotations, k) {
			wrapper.set(k, s.vals[k])
		} else {
			inner.set(k, s.vals[k])
		}
	}
	if len(inner.keys) == 1 && inner.vals["type"] == "string" {
		return s // any string, so an encrypted one too
	}
	return wrapper.set("if", encrypted()).set("else", inner)
}

// scalar reports whether s describes a string, number or boolean: by its
// type, or, typeless, by a const, enum or assertion only a scalar meets.
func scalar(s *object) bool {
	if t, ok := s.vals["type"]; ok {
		types, _ := t.([]any)
		if name, ok := t.(string); ok {
			types = []any{name}
		}
		for _, t := range types {
			switch t {
			case "string", "number", "integer", "boolean":
				return true
			}
		}
		return false
	}
	if c, ok := s.vals["const"]; ok && isScalar(c) {
		return true
	}
	if e, ok := s.vals["enum"].([]any); ok && len(e) > 0 && !slices.ContainsFunc(e, func(v any) bool { return !isScalar(v) }) {
		return true
	}
	for _, k := range scalarAssertions {
		if _, ok := s.vals[k]; ok {
			return true
		}
	}
	return false
}

func isScalar(v any) bool {
	switch v.(type) {
	case string, bool:
		return true
	}
	_, isNumber := v.(interface{ Float64() (float64, error) })
	return isNumber
}

// dispatcher is reconcile.json: `type` names the vendor whose file the
// spec must meet; an encrypted `type` (a file sops encrypted whole) must
// meet one of them.
func dispatcher(vendors []string) *object {
	names := make([]any, len(vendors))
	var branches, all []any
	for i, v := range vendors {
		names[i] = v
		ref := newObject().set("$ref", v+".json")
		all = append(all, ref)
		branches = append(branches, newObject().
			set("if", newObject().
				set("required", []any{"type"}).
				set("properties", newObject().set("type", newObject().set("const", v)))).
			set("then", ref))
	}
	branches = append(branches, newObject().
		set("if", newObject().
			set("required", []any{"type"}).
			set("properties", newObject().set("type", encrypted()))).
		set("then", newObject().set("anyOf", all)))
	return newObject().
		set("$schema", "https://json-schema.org/draft/2020-12/schema").
		set("$id", Dispatcher).
		set("title", "reconcile integration spec").
		set("description", "One integration spec of any vendor, as it is on disk: its type picks the vendor's schema ("+strings.Join(vendors, ", ")+"); sops-encrypted values are accepted.").
		set("type", "object").
		set("required", []any{"type"}).
		set("properties", newObject().set("type", newObject().
			set("title", "Type").
			set("description", "the vendor: "+strings.Join(vendors, ", ")).
			set("if", encrypted()).
			set("else", newObject().set("enum", names)))).
		set("allOf", branches)
}

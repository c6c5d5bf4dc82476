// Package schema holds the JSON Schema of each vendor's spec, the single
// source of truth for what a spec may hold, which values are secret
// ("writeOnly": true), which are PEM blocks, and the defaults. The schemas
// are embedded and compiled once; `reconcile schema DIR` writes the
// editor schemas derived from them (Editor).
package schema

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed *.json
var files embed.FS

// base is the URL the embedded files are compiled under; relative $refs
// between them resolve against it, as they do beside each other on disk.
const base = "file:///reconcile/schema/"

// Set is the compiled schemas, one per vendor.
type Set struct {
	byType map[string]*jsonschema.Schema
	byLoc  map[string]*jsonschema.Schema // every subschema, by absolute location
}

var (
	compiled    *Set
	compileErr  error
	compileOnce sync.Once
)

// Compiled returns the embedded schemas, compiled on first use.
func Compiled() (*Set, error) {
	compileOnce.Do(func() { compiled, compileErr = compile() })
	return compiled, compileErr
}

func compile() (*Set, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.ExtractAnnotations = true
	names, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		b, _ := files.ReadFile(n)
		if err := c.AddResource(base+n, bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("schema %s: %w", n, err)
		}
	}
	s := &Set{byType: map[string]*jsonschema.Schema{}, byLoc: map[string]*jsonschema.Schema{}}
	for _, n := range names {
		if n == "common.json" {
			continue
		}
		sch, err := c.Compile(base + n)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", n, err)
		}
		s.byType[strings.TrimSuffix(n, ".json")] = sch
		index(sch, s.byLoc)
	}
	return s, nil
}

// Types returns the vendor types that have a schema.
func (s *Set) Types() []string {
	out := make([]string, 0, len(s.byType))
	for t := range s.byType {
		out = append(out, t)
	}
	return out
}

// For returns the schema of vendor type t.
func (s *Set) For(t string) (*jsonschema.Schema, bool) {
	sch, ok := s.byType[t]
	return sch, ok
}

// Write writes the editor schemas (see Editor) into dir, creating it if
// needed: zendesk.json and every other vendor's file under the name a
// spec's modeline gives, common.json, and reconcile.json.
func Write(dir string) error {
	out, err := Editor()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), out[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// index records every subschema reachable from s by its location.
func index(s *jsonschema.Schema, m map[string]*jsonschema.Schema) {
	if s == nil || m[s.Location] != nil {
		return
	}
	m[s.Location] = s
	for _, c := range children(s) {
		index(c, m)
	}
}

func children(s *jsonschema.Schema) []*jsonschema.Schema {
	out := []*jsonschema.Schema{s.Ref, s.Not, s.If, s.Then, s.Else, s.PropertyNames, s.Items2020, s.Contains}
	out = append(out, s.AllOf...)
	out = append(out, s.AnyOf...)
	out = append(out, s.OneOf...)
	out = append(out, s.PrefixItems...)
	for _, p := range s.Properties {
		out = append(out, p)
	}
	for _, p := range s.PatternProperties {
		out = append(out, p)
	}
	if a, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
		out = append(out, a)
	}
	if a, ok := s.Items.(*jsonschema.Schema); ok {
		out = append(out, a)
	}
	return out
}

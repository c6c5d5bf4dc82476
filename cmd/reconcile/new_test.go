package main

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// TestNewForEveryVendor: the spec `new` writes for each vendor has every
// key the schema knows, a comment on each, and fails validation only at
// its placeholders, so it validates once they are filled.
func TestNewForEveryVendor(t *testing.T) {
	set, err := schema.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range spec.Vendors {
		t.Run(v.Type, func(t *testing.T) {
			b, err := skeleton(set, v.Type, "My "+v.Type, "../../schema/"+v.Type+".json")
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := yaml.Unmarshal(b, &doc); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if doc["name"] != "My "+v.Type || doc["type"] != v.Type {
				t.Errorf("name %v type %v", doc["name"], doc["type"])
			}
			for _, p := range load.Check("new.yaml", b) {
				value, _ := lookup(doc, p.Path).(string)
				if !strings.HasPrefix(value, "REPLACE-ME") {
					t.Errorf("a problem that is not a placeholder's: %v\n%s", p, b)
				}
			}
			// The check does look: the skeleton with a key misspelt fails it.
			if ps := load.Check("new.yaml", []byte(strings.Replace(string(b), "\nnotes:", "\nnote:", 1))); len(ps) == 0 {
				t.Errorf("a misspelt key passed the check:\n%s", b)
			}
			if strings.Count(string(b), "\n#") < 4 {
				t.Errorf("too few comments:\n%s", b)
			}
		})
	}
}

// lookup returns the value at a JSON pointer of doc.
func lookup(doc any, ptr string) any {
	for _, k := range schema.Split(ptr) {
		m, ok := doc.(map[string]any)
		if !ok {
			if l, ok := doc.([]any); ok && len(l) > 0 {
				doc = l[0]
				continue
			}
			return nil
		}
		doc = m[k]
	}
	return doc
}

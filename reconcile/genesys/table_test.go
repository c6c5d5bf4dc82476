package genesys_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// credentialTypes are our credential types per vendor, as the schemas'
// `credentials.type` keys name them (single-type vendors use their own
// type).
var credentialTypes = map[string][]string{
	"web-services": {"basic", "user-defined", "user-defined-oauth"},
	"google":       {"cloud-platform", "g-suite"},
}

// TestEveryCredentialFieldMapsToAnAPIField: every key a schema allows in a
// credentials block is sent to the org under some API field, and the table
// maps no key the schemas do not have. Otherwise a value would be dropped
// silently (a Salesforce securityToken never sent).
func TestEveryCredentialFieldMapsToAnAPIField(t *testing.T) {
	set, err := schema.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, vendor := range spec.VendorTypes() {
		v, ok := api.Vendors[vendor]
		if !ok {
			t.Errorf("%s: no entry in api.Vendors", vendor)
			continue
		}
		types := credentialTypes[vendor]
		if types == nil {
			types = []string{vendor}
		}
		if got := slices.Sorted(maps.Keys(v.Credentials)); !slices.Equal(got, slices.Sorted(slices.Values(types))) {
			t.Errorf("%s: the table has credential types %v, the schema %v", vendor, got, types)
		}
		for _, ct := range types {
			fields := set.CredentialFields(vendor, ct)
			if len(fields) == 0 {
				t.Errorf("%s %s: the schema has no credential fields", vendor, ct)
				continue
			}
			m, ok := v.Credentials[ct]
			if !ok {
				continue
			}
			if m.Fields == nil { // user-defined: the fields map is sent as it is
				if len(fields) != 1 || fields[0].Name != "fields" || fields[0].Kind != "object" {
					t.Errorf("%s %s: sent as user-defined fields, but the schema's keys are %v", vendor, ct, fields)
				}
				continue
			}
			var names []string
			for _, f := range fields {
				names = append(names, f.Name)
				if m.Fields[f.Name] == "" {
					t.Errorf("%s %s: the schema's credentials key %q maps to no API field: it would never be sent", vendor, ct, f.Name)
				}
			}
			for ours := range m.Fields {
				if !slices.Contains(names, ours) {
					t.Errorf("%s %s: the table maps %q, which the schema does not allow", vendor, ct, ours)
				}
			}
			if seen := map[string]bool{}; true {
				for _, theirs := range m.Fields {
					if seen[theirs] {
						t.Errorf("%s %s: two keys map to the API field %q", vendor, ct, theirs)
					}
					seen[theirs] = true
				}
			}
		}
	}
}

package genesyscloud_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestIntegrationTypes checks the types are exactly the vendor table's,
// with the maxInstances of spec.Vendors, and that a vendor with an
// unconfirmed id can be discovered by its NameHint.
func TestIntegrationTypes(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var p api.Page[api.IntegrationType]
	e.do("GET", "/api/v2/integrations/types?pageSize=100", nil, 200, &p)

	var want []api.IntegrationType
	for _, v := range api.Vendors {
		sv, ok := spec.LookupVendor(v.Type)
		if !ok {
			t.Fatalf("vendor %s is not in spec.Vendors", v.Type)
		}
		id := v.IntegrationType
		if id == "" {
			id = api.EmulatorGoogleType
		}
		want = append(want, api.IntegrationType{ID: id, MaxInstances: sv.Limit})
	}
	slices.SortFunc(want, func(a, b api.IntegrationType) int { return strings.Compare(a.ID, b.ID) })
	got := slices.Clone(p.Entities)
	for i := range got {
		if got[i].Name == "" {
			t.Errorf("type %s has no name", got[i].ID)
		}
		got[i].Name = ""
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("types (-want +got):\n%s", d)
	}
	if p.Total != len(want) || p.PageCount != 1 {
		t.Errorf("total %d, pageCount %d", p.Total, p.PageCount)
	}
	// Spot checks that do not read the tables.
	byID := map[string]api.IntegrationType{}
	for _, it := range p.Entities {
		byID[it.ID] = it
	}
	if byID["zendesk-data-actions"].MaxInstances != 10 || byID["custom-rest-actions"].MaxInstances != 50 {
		t.Errorf("maxInstances: zendesk %d, web services %d", byID["zendesk-data-actions"].MaxInstances, byID["custom-rest-actions"].MaxInstances)
	}
	if g := byID[api.EmulatorGoogleType]; g.Name != "Google Cloud Data Actions" || g.MaxInstances != 100 {
		t.Errorf("google type %+v", g)
	}
	for _, v := range api.Vendors {
		if v.NameHint == "" {
			continue
		}
		var found []string
		for _, it := range p.Entities {
			if strings.Contains(strings.ToLower(it.Name), strings.ToLower(v.NameHint)) {
				found = append(found, it.ID)
			}
		}
		if len(found) != 1 {
			t.Errorf("name hint %q finds %v, want exactly one type", v.NameHint, found)
		}
	}
}

func TestCredentialTypes(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var got []api.CredentialTypeInfo
	e.do("GET", "/api/v2/integrations/credentials/types", nil, 200, &got)
	names := map[string]bool{}
	for _, v := range api.Vendors {
		for _, c := range v.Credentials {
			names[c.Name] = true
		}
	}
	var want []api.CredentialTypeInfo
	for n := range names {
		want = append(want, api.CredentialTypeInfo{Name: n})
	}
	slices.SortFunc(want, func(a, b api.CredentialTypeInfo) int { return strings.Compare(a.Name, b.Name) })
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("credential types (-want +got):\n%s", d)
	}
	if !slices.Contains(got, api.CredentialTypeInfo{Name: "zendeskApiToken"}) {
		t.Errorf("no zendeskApiToken in %v", got)
	}
}

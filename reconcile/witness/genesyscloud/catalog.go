package genesyscloud

import (
	"maps"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// googleTypeName is the name served for api.EmulatorGoogleType; it holds
// the vendor's NameHint, so the client discovers the type by name.
const googleTypeName = "Google Cloud Data Actions"

// catalog is what the org offers: integration types and credential types,
// read from api.Vendors and spec.Vendors. It never changes after newCatalog.
type catalog struct {
	types           []api.IntegrationType // sorted by id
	typeByID        map[string]api.IntegrationType
	credentialTypes []api.CredentialTypeInfo // sorted by name
	credentialType  map[string]bool
}

func newCatalog() *catalog {
	c := &catalog{typeByID: map[string]api.IntegrationType{}, credentialType: map[string]bool{}}
	for _, v := range api.Vendors {
		t := api.IntegrationType{ID: v.IntegrationType, Name: typeName(v.Type)}
		switch {
		case t.ID != "":
		case v.Type == "google":
			// Unconfirmed id: the client discovers it by NameHint.
			t.ID, t.Name = api.EmulatorGoogleType, googleTypeName
		default:
			t.ID = v.Type + "-data-actions"
		}
		if sv, ok := spec.LookupVendor(v.Type); ok {
			t.MaxInstances = sv.Limit
		}
		c.typeByID[t.ID] = t
		for _, ct := range v.Credentials {
			c.credentialType[ct.Name] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(c.typeByID)) {
		c.types = append(c.types, c.typeByID[id])
	}
	for _, n := range slices.Sorted(maps.Keys(c.credentialType)) {
		c.credentialTypes = append(c.credentialTypes, api.CredentialTypeInfo{Name: n})
	}
	return c
}

// typeName makes a display name from our vendor type: "web-services" is
// "Web Services Data Actions".
func typeName(vendor string) string {
	words := strings.Split(vendor, "-")
	for i, w := range words {
		switch {
		case w == "aws":
			words[i] = "AWS"
		case w != "":
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ") + " Data Actions"
}

package spec

import (
	"slices"
	"strings"
)

// Vendor is one kind of data action integration, named in our words (the
// `type` key of a spec). The API's names for it live with the Genesys client.
type Vendor struct {
	Type  string // the spec's `type`, e.g. "zendesk"
	Limit int    // the most integrations of this type one org may hold
}

// Vendors lists every supported vendor, sorted by Type. Each has a JSON
// Schema named Type+".json" in the schema package (a test keeps the two in
// step).
var Vendors = []Vendor{
	{Type: "aws-lambda", Limit: 10},
	{Type: "genesys-cloud", Limit: 10},
	{Type: "genesys-cloud-function", Limit: 10},
	{Type: "google", Limit: 100},
	{Type: "microsoft-dynamics-365", Limit: 10},
	{Type: "salesforce", Limit: 50},
	{Type: "web-services", Limit: 50},
	{Type: "zendesk", Limit: 10},
}

// LookupVendor returns the vendor named t.
func LookupVendor(t string) (Vendor, bool) {
	i, ok := slices.BinarySearchFunc(Vendors, t, func(v Vendor, t string) int { return strings.Compare(v.Type, t) })
	if !ok {
		return Vendor{}, false
	}
	return Vendors[i], true
}

// VendorTypes returns every vendor's Type, sorted.
func VendorTypes() []string {
	out := make([]string, len(Vendors))
	for i, v := range Vendors {
		out[i] = v.Type
	}
	return out
}

package genesys

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// Fact is one fact of the vendor table checked against what the org says
// of itself (GET /integrations/types, /integrations/credentials/types).
type Fact struct {
	Vendor string // our vendor type
	What   string // e.g. "integration type id", "slot of amazonWebServicesARN"
	Want   string // what reconcile's table says ("" when the table leaves it to the org)
	Org    string // what the org says
	OK     bool
	// Unchecked says the org could not confirm the fact either way (e.g.
	// it holds no integration to look at); OK is false then too.
	Unchecked bool
	// Problem says what is wrong when !OK, or why it is unchecked.
	Problem string
}

// vendorFacts is what the client uses for one vendor: the table's words
// where the org agrees, the org's where the table leaves them open.
type vendorFacts struct {
	typeID       string
	slot         string
	maxInstances int
	problems     []string
}

// checkFacts compares the table with the org's catalogue. It returns every
// fact checked, and per vendor what the client uses; a vendor with
// problems is refused before any write.
func checkFacts(types []api.IntegrationType, credTypes []api.CredentialTypeInfo) ([]Fact, map[string]*vendorFacts) {
	byName := map[string]api.CredentialTypeInfo{}
	for _, ct := range credTypes {
		byName[ct.Name] = ct
	}
	var facts []Fact
	out := map[string]*vendorFacts{}
	for _, vendor := range slices.Sorted(maps.Keys(api.Vendors)) {
		v := api.Vendors[vendor]
		vf := &vendorFacts{}
		out[vendor] = vf
		add := func(f Fact) {
			f.Vendor = vendor
			facts = append(facts, f)
			if !f.OK {
				vf.problems = append(vf.problems, f.Problem)
			}
		}
		t, f := findType(v, types)
		add(f)
		if !f.OK {
			continue
		}
		vf.typeID, vf.maxInstances = t.ID, t.MaxInstances
		for _, ours := range slices.Sorted(maps.Keys(v.Credentials)) {
			ct := v.Credentials[ours]
			slot, f := findSlot(v, t, ct.Name)
			add(f)
			if f.OK {
				vf.slot = slot
			}
			for _, f := range checkFields(ct, byName) {
				add(f)
			}
		}
	}
	return facts, out
}

// findType finds the vendor's integration type: by the table's id, or,
// where the table leaves it open, as the one type with a slot that takes
// the vendor's credential types.
func findType(v api.Vendor, types []api.IntegrationType) (api.IntegrationType, Fact) {
	if v.IntegrationType != "" {
		for _, t := range types {
			if t.ID == v.IntegrationType {
				return t, Fact{What: "integration type", Want: v.IntegrationType, Org: t.ID, OK: true}
			}
		}
		return api.IntegrationType{}, Fact{What: "integration type", Want: v.IntegrationType, Org: "(none)",
			Problem: fmt.Sprintf("the org offers no integration type %s, which %s integrations need", v.IntegrationType, v.Type)}
	}
	var names []string
	for _, ct := range v.Credentials {
		names = append(names, ct.Name)
	}
	slices.Sort(names)
	var found []api.IntegrationType
	for _, t := range types {
		if takesAll(t, names) {
			found = append(found, t)
		}
	}
	what := "integration type (found by its credential types " + strings.Join(names, ", ") + ")"
	switch len(found) {
	case 1:
		return found[0], Fact{What: what, Org: found[0].ID, OK: true}
	case 0:
		return api.IntegrationType{}, Fact{What: what, Org: "(none)",
			Problem: fmt.Sprintf("the org offers no integration type whose credentials take %s, which %s integrations need", strings.Join(names, " and "), v.Type)}
	}
	ids := make([]string, len(found))
	for i, t := range found {
		ids[i] = t.ID
	}
	return api.IntegrationType{}, Fact{What: what, Org: strings.Join(ids, ", "),
		Problem: fmt.Sprintf("several of the org's integration types take %s (%s): reconcile cannot tell which one %s integrations are", strings.Join(names, " and "), strings.Join(ids, ", "), v.Type)}
}

// takesAll says whether some slot of t takes every credential type named.
func takesAll(t api.IntegrationType, names []string) bool {
	for _, spec := range t.Credentials {
		all := true
		for _, n := range names {
			all = all && slices.Contains(spec.CredentialTypes, n)
		}
		if all {
			return true
		}
	}
	return false
}

// findSlot finds the slot of t that takes credential type name and checks
// it against the table.
func findSlot(v api.Vendor, t api.IntegrationType, name string) (string, Fact) {
	f := Fact{What: "slot for credential type " + name, Want: v.Slot}
	var slots []string
	for _, slot := range slices.Sorted(maps.Keys(t.Credentials)) {
		if slices.Contains(t.Credentials[slot].CredentialTypes, name) {
			slots = append(slots, slot)
		}
	}
	f.Org = strings.Join(slots, ", ")
	switch {
	case len(slots) == 0:
		f.Org = "(none)"
		f.Problem = fmt.Sprintf("the org's %s type takes credential type %s in no slot (its slots: %s)", t.ID, name, describeSlots(t))
	case len(slots) > 1:
		f.Problem = fmt.Sprintf("the org's %s type takes credential type %s in several slots (%s)", t.ID, name, f.Org)
	case v.Slot != "" && slots[0] != v.Slot:
		f.Problem = fmt.Sprintf("the org's %s type takes credential type %s in slot %s; reconcile's table says %s", t.ID, name, slots[0], v.Slot)
	default:
		f.OK = true
		return slots[0], f
	}
	return "", f
}

func describeSlots(t api.IntegrationType) string {
	if len(t.Credentials) == 0 {
		return "none"
	}
	var parts []string
	for _, slot := range slices.Sorted(maps.Keys(t.Credentials)) {
		parts = append(parts, slot+" takes "+strings.Join(t.Credentials[slot].CredentialTypes, ", "))
	}
	return strings.Join(parts, "; ")
}

// checkFields checks one of the table's credential types against the
// org's: it exists, every field we send is one of its fields, and every
// field it requires is one we send.
func checkFields(ct api.CredentialType, orgTypes map[string]api.CredentialTypeInfo) []Fact {
	org, ok := orgTypes[ct.Name]
	if !ok {
		return []Fact{{What: "credential type " + ct.Name, Want: ct.Name, Org: "(none)",
			Problem: fmt.Sprintf("the org has no credential type %s", ct.Name)}}
	}
	if ct.Fields == nil {
		return []Fact{{What: "credential type " + ct.Name, Want: "user-defined fields", Org: "exists", OK: true}}
	}
	orgFields := slices.Sorted(maps.Keys(org.Properties))
	sent := slices.Sorted(maps.Values(ct.Fields))
	f := Fact{What: "fields of credential type " + ct.Name, Want: strings.Join(sent, ", "), Org: strings.Join(orgFields, ", "), OK: true}
	var problems []string
	for _, field := range sent {
		if _, ok := org.Properties[field]; !ok {
			problems = append(problems, fmt.Sprintf("credential type %s has no field %s (its fields: %s)", ct.Name, field, f.Org))
		}
	}
	for _, field := range org.Required {
		if !slices.Contains(sent, field) {
			problems = append(problems, fmt.Sprintf("credential type %s requires field %s, which reconcile's table does not send", ct.Name, field))
		}
	}
	if len(problems) > 0 {
		f.OK, f.Problem = false, strings.Join(problems, "; ")
	}
	return []Fact{f}
}

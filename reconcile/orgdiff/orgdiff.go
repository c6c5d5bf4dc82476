package orgdiff

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// Diff is the comparison of two orgs, Left and Right. Every list is
// sorted by name (case-insensitively), then type.
type Diff struct {
	// Left and Right are the names of the two environments compared.
	Left, Right string
	// Differ holds the integrations both orgs hold with some attribute
	// that differs.
	Differ []Integration
	// OnlyLeft and OnlyRight hold the integrations only one org holds.
	OnlyLeft, OnlyRight []Only
	// Ambiguous holds the keys both orgs hold, at least one of them
	// several times: they are not compared, since which pairs with which
	// would be a guess.
	Ambiguous []Ambiguous
	// Same counts the integrations both orgs hold with no difference.
	Same int
}

// Integration is an integration both orgs hold, with the attributes that
// differ (at least one).
type Integration struct {
	// Name is the left org's name for it; the right's differs at most in
	// case, which the "name" attribute then shows.
	Name string `json:"name"`
	Type string `json:"type"`
	// Attributes is sorted by name.
	Attributes []Attribute `json:"attributes"`
}

// Attribute is one attribute that differs: its value in each org, nil
// where an org has none.
type Attribute struct {
	// Name is "name", "notes", "active", "mtls", "credentials.type",
	// "credentials.<field>" for a readable credential field, or
	// "actions.<action>.category", ".secure", ".config" or ".contract"
	// (the last two as short digests) for a data action.
	Name  string `json:"name"`
	Left  any    `json:"left"`
	Right any    `json:"right"`
}

// Only is an integration that one org holds and the other does not.
type Only struct {
	Name string `json:"name"`
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Ambiguous is a key (a name, case-insensitively, and a type) that both
// orgs hold, at least one several times, with the ids on each side
// (sorted).
type Ambiguous struct {
	// Name is the first of the names holding the key, in sort order.
	Name  string   `json:"name"`
	Type  string   `json:"type"`
	Left  []string `json:"left"`
	Right []string `json:"right"`
}

// Empty says the two orgs hold the same integrations, and no key is
// ambiguous.
func (d Diff) Empty() bool {
	return len(d.Differ) == 0 && len(d.OnlyLeft) == 0 && len(d.OnlyRight) == 0 && len(d.Ambiguous) == 0
}

// key matches integrations across orgs: the name without case, and the
// vendor type.
type key struct{ name, typ string }

func keyOf(i org.Integration) key { return key{spec.NameKey(i.Name), i.Type} }

// Compare compares the integrations of left and right, observed in the
// environments named leftName and rightName. It reads only non-secret
// attributes (see the package doc).
func Compare(leftName string, left org.State, rightName string, right org.State) Diff {
	d := Diff{Left: leftName, Right: rightName}
	l, r := group(left.Integrations), group(right.Integrations)
	for k, ls := range l {
		rs, ok := r[k]
		switch {
		case !ok:
			d.OnlyLeft = append(d.OnlyLeft, only(ls)...)
		case len(ls) > 1 || len(rs) > 1:
			name := ls[0].Name
			if cmpName(rs[0].Name, name) < 0 {
				name = rs[0].Name
			}
			d.Ambiguous = append(d.Ambiguous, Ambiguous{Name: name, Type: k.typ, Left: ids(ls), Right: ids(rs)})
		default:
			if attrs := compare(ls[0], rs[0]); len(attrs) > 0 {
				d.Differ = append(d.Differ, Integration{Name: ls[0].Name, Type: k.typ, Attributes: attrs})
			} else {
				d.Same++
			}
		}
	}
	for k, rs := range r {
		if _, ok := l[k]; !ok {
			d.OnlyRight = append(d.OnlyRight, only(rs)...)
		}
	}
	slices.SortFunc(d.Differ, func(a, b Integration) int { return order(a.Name, a.Type, "", b.Name, b.Type, "") })
	slices.SortFunc(d.Ambiguous, func(a, b Ambiguous) int { return order(a.Name, a.Type, "", b.Name, b.Type, "") })
	for _, list := range [][]Only{d.OnlyLeft, d.OnlyRight} {
		slices.SortFunc(list, func(a, b Only) int { return order(a.Name, a.Type, a.ID, b.Name, b.Type, b.ID) })
	}
	return d
}

// group maps each key to the integrations holding it, sorted by name and id.
func group(is []org.Integration) map[key][]org.Integration {
	out := map[key][]org.Integration{}
	for _, i := range is {
		out[keyOf(i)] = append(out[keyOf(i)], i)
	}
	for _, g := range out {
		slices.SortFunc(g, func(a, b org.Integration) int { return order(a.Name, a.Type, a.ID, b.Name, b.Type, b.ID) })
	}
	return out
}

func only(is []org.Integration) []Only {
	out := make([]Only, len(is))
	for n, i := range is {
		out[n] = Only{Name: i.Name, Type: i.Type, ID: i.ID}
	}
	return out
}

func ids(is []org.Integration) []string {
	out := make([]string, len(is))
	for n, i := range is {
		out[n] = i.ID
	}
	return out
}

// cmpName orders names case-insensitively, then exactly, so the order is
// total.
func cmpName(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func order(aName, aType, aID, bName, bType, bID string) int {
	if c := cmpName(aName, bName); c != 0 {
		return c
	}
	if c := strings.Compare(aType, bType); c != 0 {
		return c
	}
	return strings.Compare(aID, bID)
}

// compare returns the attributes of a and b that differ, sorted by name.
func compare(a, b org.Integration) []Attribute {
	// A side whose credential fields are unknown says nothing about them,
	// so fields are compared only when both sides know theirs.
	fields := known(a) && known(b)
	av, bv := attributes(a, fields), attributes(b, fields)
	var out []Attribute
	for k := range org.Keys(av, bv) {
		if !org.SameValue(av[k], bv[k]) {
			out = append(out, Attribute{Name: k, Left: av[k], Right: bv[k]})
		}
	}
	slices.SortFunc(out, func(x, y Attribute) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// attributes returns i's comparable attributes by name, with the readable
// credential fields of its record when fields is set (and so the record
// describes its credential).
func attributes(i org.Integration, fields bool) map[string]any {
	m := map[string]any{
		"name":             i.Name,
		"notes":            orNil(i.Notes),
		"active":           i.Active,
		"mtls":             orNil(i.MTLS),
		"credentials.type": nil,
	}
	if i.Credential != nil {
		m["credentials.type"] = i.Credential.Type
	}
	for _, a := range i.DataActions {
		// An action's category, secure and configuration (by digest: a
		// template is long); the contract only when the org showed it.
		p := "actions." + a.Name + "."
		m[p+"category"] = a.Category
		m[p+"secure"] = a.Secure
		if a.Config != nil {
			m[p+"config"] = short(a.Config)
		}
		if a.Contract != nil {
			m[p+"contract"] = short(a.Contract)
		}
	}
	if fields {
		for f, v := range i.Applied.Credential.Fields {
			if _, ok := m["credentials."+f]; !ok { // a field named "type" does not hide the type
				m["credentials."+f] = v
			}
		}
	}
	return m
}

// known says i's record describes the credential i holds, so the record's
// fields are the credential's.
func known(i org.Integration) bool {
	return i.Applied != nil && i.Applied.Credential != nil && i.Credential != nil &&
		i.Credential.Fingerprint != "" && i.Credential.Fingerprint == i.Applied.Credential.Fingerprint
}

// short is a short digest of a JSON value, to tell two apart.
func short(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:6])
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// Action is one step of a change, applied in the order of Actions.
type Action string

const (
	Create      Action = "create"      // install the integration, inactive, with its name, notes and mTLS authority
	Configure   Action = "configure"   // set name, notes or mTLS authority
	Credentials Action = "credentials" // attach, replace or remove the credential
	Activate    Action = "activate"
	Deactivate  Action = "deactivate"
	Delete      Action = "delete" // only with prune, only what reconcile created
)

// Actions lists every action in the order they are applied.
var Actions = []Action{Create, Configure, Credentials, Activate, Deactivate, Delete}

// Change is everything that must happen to one integration.
type Change struct {
	Name    string
	Type    string
	File    string   // the spec's file; empty for a delete
	Actions []Action // in the order of the Actions list
	// Why explains each action for people, without secret values.
	Why map[Action]string
	// Spec is the desired state; nil for a delete.
	Spec *spec.Spec
	// Current is the org's integration; nil for a create.
	Current *org.Integration
}

// Has says whether c includes action a.
func (c Change) Has(a Action) bool { return slices.Contains(c.Actions, a) }

// Plan is every change, in the order they are applied: deletes first (they
// free room under the per-type limits), then the specs' changes by file.
type Plan struct {
	Changes []Change
	// InSync counts the specs that need no change.
	InSync int
}

// Empty says there is nothing to do.
func (p Plan) Empty() bool { return len(p.Changes) == 0 }

// Summary counts each action over the plan.
func (p Plan) Summary() map[Action]int {
	out := make(map[Action]int, len(Actions))
	for _, a := range Actions {
		out[a] = 0
	}
	for _, c := range p.Changes {
		for _, a := range c.Actions {
			out[a]++
		}
	}
	return out
}

// Options change what Build plans.
type Options struct {
	// Prune deletes the integrations reconcile created that no spec names.
	Prune bool
	// AllowCredentialTypeChange lets a credential change type on an
	// integration that has data actions.
	AllowCredentialTypeChange bool
}

// Build returns the plan that makes state match specs, or a spec.Problems
// error when the specs cannot be applied to this org (limits, names taken,
// ambiguous matches, a refused credential type change). specs must all be
// valid and carry their credential fingerprints.
func Build(specs []*spec.Spec, state org.State, opts Options) (Plan, error) {
	var p Plan
	var problems spec.Problems
	byKey := map[string][]*org.Integration{}
	byName := map[string][]*org.Integration{}
	for i := range state.Integrations {
		in := &state.Integrations[i]
		byKey[key(in.Name, in.Type)] = append(byKey[key(in.Name, in.Type)], in)
		byName[strings.ToLower(in.Name)] = append(byName[strings.ToLower(in.Name)], in)
	}
	matched := map[string]bool{} // integration ids some spec names
	for _, s := range specs {
		for _, in := range byKey[key(s.Name, s.Type)] {
			matched[in.ID] = true
		}
	}

	var deletes []Change
	if opts.Prune {
		for i := range state.Integrations {
			in := &state.Integrations[i]
			if in.Owned && !matched[in.ID] {
				deletes = append(deletes, Change{Name: in.Name, Type: in.Type, Actions: []Action{Delete},
					Why: map[Action]string{Delete: "created by reconcile; no spec names it"}, Current: in})
			}
		}
		slices.SortFunc(deletes, func(a, b Change) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Current.ID, b.Current.ID))
		})
	}
	if len(specs) == 0 && len(deletes) > 0 {
		// An empty spec directory is far more often a mistake (a wrong
		// path, an unmounted volume) than a wish to delete everything.
		return Plan{}, spec.Problems{{Message: fmt.Sprintf("refusing to prune: the spec directory holds no spec, and pruning would delete all %d integrations reconcile created; delete them by hand if that is what you want", len(deletes))}}
	}
	deleted := map[string]bool{}
	for _, d := range deletes {
		deleted[d.Current.ID] = true
	}

	var changes []Change
	for _, s := range specs {
		matches := byKey[key(s.Name, s.Type)]
		switch len(matches) {
		case 0:
			if other := nameTaken(byName[strings.ToLower(s.Name)], deleted); other != nil {
				problems = append(problems, s.At("/name", "name %q is already used in the org by integration %s of type %s; rename one, or delete that one (with --prune if reconcile created it)", s.Name, other.ID, other.Type))
				continue
			}
			changes = append(changes, create(s))
		case 1:
			c, err := update(s, matches[0], opts)
			if err != nil {
				problems = append(problems, *err)
				continue
			}
			if len(c.Actions) == 0 {
				p.InSync++
				continue
			}
			changes = append(changes, c)
		default:
			ids := make([]string, len(matches))
			for i, m := range matches {
				ids[i] = m.ID
			}
			slices.Sort(ids)
			problems = append(problems, s.At("/name", "%d integrations of type %s in the org are named %q (ids %s); reconcile will not guess which one this spec means: delete or rename the others by hand", len(matches), s.Type, s.Name, strings.Join(ids, ", ")))
		}
	}
	problems = append(problems, Limits(specs, state, matched, deleted)...)
	if err := problems.Err(); err != nil {
		return Plan{}, err
	}
	p.Changes = append(deletes, changes...)
	return p, nil
}

func key(name, typ string) string { return strings.ToLower(name) + "\x00" + typ }

// nameTaken returns an integration of another type that holds the name and
// stays in the org.
func nameTaken(same []*org.Integration, deleted map[string]bool) *org.Integration {
	for _, in := range same {
		if !deleted[in.ID] {
			return in
		}
	}
	return nil
}

func create(s *spec.Spec) Change {
	c := Change{Name: s.Name, Type: s.Type, File: s.File, Spec: s, Actions: []Action{Create}, Why: map[Action]string{}}
	var details []string
	if s.Notes != "" {
		details = append(details, fmt.Sprintf("notes %q", s.Notes))
	}
	if s.MTLS != "" {
		details = append(details, "mTLS authority "+s.MTLS)
	}
	c.Why[Create] = strings.Join(details, ", ")
	if s.Credential != nil {
		c.Actions = append(c.Actions, Credentials)
		c.Why[Credentials] = "new " + s.Credential.Type + " credential"
	}
	if s.Active {
		c.Actions = append(c.Actions, Activate)
	}
	return c
}

func update(s *spec.Spec, cur *org.Integration, opts Options) (Change, *spec.Problem) {
	c := Change{Name: s.Name, Type: s.Type, File: s.File, Spec: s, Current: cur, Why: map[Action]string{}}
	var diffs []string
	if s.Name != cur.Name {
		diffs = append(diffs, fmt.Sprintf("name %q → %q", cur.Name, s.Name))
	}
	if s.Notes != cur.Notes {
		diffs = append(diffs, fmt.Sprintf("notes %q → %q", cur.Notes, s.Notes))
	}
	if s.MTLS != cur.MTLS {
		diffs = append(diffs, fmt.Sprintf("mTLS authority %s → %s", orNone(cur.MTLS), orNone(s.MTLS)))
	}
	if cur.Pending {
		diffs = append([]string{"finish an interrupted create"}, diffs...)
	}
	if len(diffs) > 0 {
		c.Actions = append(c.Actions, Configure)
		c.Why[Configure] = strings.Join(diffs, ", ")
	}
	switch want, have := s.Credential, cur.Credential; {
	case want == nil && have != nil:
		c.Actions = append(c.Actions, Credentials)
		c.Why[Credentials] = "remove the " + have.Type + " credential"
	case want == nil:
	case have == nil:
		c.Actions = append(c.Actions, Credentials)
		c.Why[Credentials] = "new " + want.Type + " credential"
	case want.Type != have.Type:
		if cur.Actions > 0 && !opts.AllowCredentialTypeChange {
			p := s.At("/credentials", "changing the credential type from %s to %s would break the integration's %d data actions; pass --allow-credential-type-change to do it anyway", have.Type, want.Type, cur.Actions)
			return c, &p
		}
		c.Actions = append(c.Actions, Credentials)
		c.Why[Credentials] = fmt.Sprintf("credential type %s → %s", have.Type, want.Type)
	case want.Fingerprint != have.Fingerprint:
		c.Actions = append(c.Actions, Credentials)
		c.Why[Credentials] = "(sensitive value changed)"
	}
	switch {
	case s.Active && !cur.Active:
		c.Actions = append(c.Actions, Activate)
	case !s.Active && cur.Active:
		c.Actions = append(c.Actions, Deactivate)
	}
	return c, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Limits checks that, per vendor type, the integrations that will exist
// after the plan (the specs, plus the org's integrations of that type that
// no spec names and the plan does not delete) stay within the vendor's
// limit. It reports once per type, at the first spec over the limit in
// path order. matched and deleted are sets of integration ids.
func Limits(specs []*spec.Spec, state org.State, matched, deleted map[string]bool) spec.Problems {
	kept := map[string]int{}
	for _, in := range state.Integrations {
		if !matched[in.ID] && !deleted[in.ID] {
			kept[in.Type]++
		}
	}
	byType := map[string][]*spec.Spec{}
	for _, s := range specs {
		byType[s.Type] = append(byType[s.Type], s)
	}
	var out spec.Problems
	for _, v := range spec.Vendors {
		limit := v.Limit
		if l := state.Limits[v.Type]; l > 0 {
			limit = l // the org's own word
		}
		ss := byType[v.Type]
		total := len(ss) + kept[v.Type]
		if total <= limit || len(ss) == 0 {
			continue
		}
		first := ss[max(0, min(len(ss)-1, limit-kept[v.Type]))]
		out = append(out, first.At("/type", "too many %s integrations: %d would exist (%d specs and %d already in the org that no spec names), the limit is %d", v.Type, total, len(ss), kept[v.Type], limit))
	}
	return out
}

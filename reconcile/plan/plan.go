package plan

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
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
	Delete      Action = "delete" // only with prune, only what this deployment's owner created
)

// Actions lists every action in the order they are applied.
var Actions = []Action{Create, Configure, Credentials, Activate, Deactivate, Delete}

// DefaultOwner is the owner of a deployment whose configuration names none.
const DefaultOwner = "reconcile"

// Change is everything that must happen to one integration.
type Change struct {
	Name    string
	Type    string
	File    string   // the spec's file; empty for a delete
	ID      string   // the integration's id; empty for a create
	Actions []Action // in the order of the Actions list
	// Why explains each action for people, without secret values.
	Why map[Action]string
	// Before and After hold the non-secret attributes that differ, by
	// name ("name", "notes", "active", "mtls", "credentials.type",
	// "credentials.loginUrl"): the org's value and the spec's. nil is
	// "none". An attribute whose value in the org is unknown (a credential
	// field reconcile has no record of) is in After only.
	Before, After map[string]any
	// Sensitive names the secret fields that change ("credentials.password"),
	// never their values.
	Sensitive []string
	// Drift says the org was changed outside reconcile since reconcile
	// last applied this integration, and the change undoes that.
	Drift bool
	// Spec is the desired state; nil for a delete.
	Spec *spec.Spec
	// Current is the org's integration; nil for a create.
	Current *org.Integration
	// Owner is the mark a create (or the interrupted create it finishes)
	// leaves: this deployment's owner.
	Owner string
	// Record is what the org records of the integration once the change
	// is applied; nil for a delete. Its Actions are the data actions that
	// stay as they are: the target adds those it publishes.
	Record *org.Record
	// DataActions are the changes to the integration's data actions,
	// applied after Actions: creates, updates and replaces in the spec's
	// order, then deletes.
	DataActions []ActionChange
}

// Has says whether c includes action a.
func (c Change) Has(a Action) bool { return slices.Contains(c.Actions, a) }

// Steps names what c does, for people: its actions, then each data
// action's change ("update action \"Order status\"").
func (c Change) Steps() []string {
	out := make([]string, 0, len(c.Actions)+len(c.DataActions))
	for _, a := range c.Actions {
		out = append(out, string(a))
	}
	for _, a := range c.DataActions {
		out = append(out, fmt.Sprintf("%s action %q", a.Op, a.Name))
	}
	return out
}

// Plan is every change, in the order they are applied: deletes first (they
// free room under the per-type limits), then the specs' changes by file.
type Plan struct {
	Changes []Change
	// Orphans are the integrations this deployment owns that no spec
	// names, sorted by name; with prune, each also has a delete. They are
	// not changes.
	Orphans []org.Integration
	// OrphanActions are the data actions reconcile published that no
	// spec names any more, on integrations specs still name; with prune,
	// each also has a delete.
	OrphanActions []OrphanAction
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
	// Prune deletes the orphans: the integrations this deployment's owner
	// created that no spec names.
	Prune bool
	// AllowCredentialTypeChange lets a credential change type on an
	// integration that has data actions.
	AllowCredentialTypeChange bool
	// AllowDeleteWithActions lets prune delete an integration that has
	// data actions.
	AllowDeleteWithActions bool
	// Owner scopes ownership: creates are marked with it, and only
	// integrations marked with it are orphans. Empty means DefaultOwner.
	Owner string
	// Targets, when not empty, limits the plan to the specs (and orphans)
	// of these names, compared case-insensitively.
	Targets []string
	// AllowActionReplace lets a data action whose contract or secure
	// changed be replaced by a new one (a new id).
	AllowActionReplace bool
	// Test has each data action that is created, updated or replaced
	// tested against its draft, and published only if its cases pass.
	Test bool
}

func (o Options) owner() string { return cmp.Or(o.Owner, DefaultOwner) }

// Build returns the plan that makes state match specs, or a spec.Problems
// error when the specs cannot be applied to this org (limits, names taken,
// ambiguous matches, a refused credential type change or delete). specs
// must all be valid and carry their credential fingerprints.
func Build(specs []*spec.Spec, state org.State, opts Options) (Plan, error) {
	var p Plan
	var problems spec.Problems
	owner := opts.owner()
	byKey := map[string][]*org.Integration{}
	byName := map[string][]*org.Integration{}
	for i := range state.Integrations {
		in := &state.Integrations[i]
		byKey[key(in.Name, in.Type)] = append(byKey[key(in.Name, in.Type)], in)
		byName[spec.NameKey(in.Name)] = append(byName[spec.NameKey(in.Name)], in)
	}
	matched := map[string]bool{} // integration ids some spec names
	for _, s := range specs {
		for _, in := range byKey[key(s.Name, s.Type)] {
			matched[in.ID] = true
		}
	}
	renamed, ps := renames(specs, byKey, matched, owner)
	problems = append(problems, ps...)
	for _, in := range renamed {
		matched[in.ID] = true
	}

	targets := map[string]bool{}
	for _, t := range opts.Targets {
		targets[spec.NameKey(t)] = true
	}
	targeted := func(name string) bool { return len(targets) == 0 || targets[spec.NameKey(name)] }
	found := map[string]bool{}

	for i := range state.Integrations {
		in := &state.Integrations[i]
		if (in.Owner == owner || in.Pending) && !matched[in.ID] {
			p.Orphans = append(p.Orphans, *in)
		}
	}
	slices.SortFunc(p.Orphans, func(a, b org.Integration) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	var deletes []Change
	if opts.Prune {
		for i := range p.Orphans {
			in := &p.Orphans[i]
			if !targeted(in.Name) {
				continue
			}
			found[spec.NameKey(in.Name)] = true
			if in.Actions > 0 && !opts.AllowDeleteWithActions {
				problems = append(problems, spec.Problem{Message: fmt.Sprintf("refusing to delete integration %q (%s, id %s): it has %d data actions, which would be lost; pass --allow-delete-with-actions to delete it anyway, or give it a spec again", in.Name, in.Type, in.ID, in.Actions)})
				continue
			}
			deletes = append(deletes, remove(in))
		}
	}
	if len(specs) == 0 && len(deletes) > 0 {
		// An empty spec directory is far more often a mistake (a wrong
		// path, an unmounted volume) than a wish to delete everything.
		return Plan{}, spec.Problems{{Message: fmt.Sprintf("refusing to prune: the spec directory holds no spec, and pruning would delete all %d integrations reconcile created; delete them by hand if that is what you want", len(deletes))}}
	}
	deleted := map[string]bool{}
	for _, d := range deletes {
		deleted[d.ID] = true
	}

	var changes []Change
	for _, s := range specs {
		if !targeted(s.Name) {
			continue
		}
		found[spec.NameKey(s.Name)] = true
		matches := byKey[key(s.Name, s.Type)]
		if len(matches) == 0 && renamed[s] != nil {
			matches = []*org.Integration{renamed[s]}
		}
		switch len(matches) {
		case 0:
			if other := nameTaken(byName[spec.NameKey(s.Name)], deleted); other != nil {
				problems = append(problems, s.At("/name", "name %q is already used in the org by integration %s of type %s; rename one, or delete that one (with --prune if reconcile created it)", s.Name, other.ID, other.Type))
				continue
			}
			c := create(s, owner)
			c.dataActions(s, nil, nil, opts)
			changes = append(changes, c)
		case 1:
			if renamed[s] != nil {
				if other := nameTaken(byName[spec.NameKey(s.Name)], deleted); other != nil {
					problems = append(problems, s.At("/name", "cannot rename integration %s to %q: the name is already used in the org by integration %s of type %s", renamed[s].ID, s.Name, other.ID, other.Type))
					continue
				}
			}
			c, err := update(s, matches[0], opts)
			if err != nil {
				problems = append(problems, *err)
				continue
			}
			rec := matches[0].Applied
			if matches[0].Pending {
				rec = nil
			}
			kept, orphans, ps := c.dataActions(s, matches[0], rec, opts)
			problems = append(problems, ps...)
			p.OrphanActions = append(p.OrphanActions, orphans...)
			if len(c.Actions) == 0 && len(c.DataActions) == 0 {
				p.InSync++
				continue
			}
			if c.Record == nil {
				c.Record = record(s)
			}
			c.Record.Actions = kept
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
	for _, t := range opts.Targets {
		if !found[spec.NameKey(t)] && !slices.ContainsFunc(p.Orphans, func(in org.Integration) bool { return spec.SameName(in.Name, t) }) {
			problems = append(problems, spec.Problem{Message: fmt.Sprintf("--target %q names no spec and no integration this deployment owns", t)})
		}
	}
	problems = append(problems, Limits(specs, state, matched, deleted)...)
	if err := problems.Err(); err != nil {
		return Plan{}, err
	}
	p.Changes = append(deletes, changes...)
	sortOrphanActions(p.OrphanActions)
	return p, nil
}

// renames finds, for each spec that no integration matches by name, the
// integration of its type this deployment owns under one of its former
// names.
func renames(specs []*spec.Spec, byKey map[string][]*org.Integration, matched map[string]bool, owner string) (map[*spec.Spec]*org.Integration, spec.Problems) {
	out := map[*spec.Spec]*org.Integration{}
	var problems spec.Problems
	claimed := map[string]*spec.Spec{}
	for _, s := range specs {
		if len(s.FormerNames) == 0 || len(byKey[key(s.Name, s.Type)]) > 0 {
			continue
		}
		var found []*org.Integration
		for _, former := range s.FormerNames {
			for _, in := range byKey[key(former, s.Type)] {
				if in.Owner == owner && !matched[in.ID] && !slices.Contains(found, in) {
					found = append(found, in)
				}
			}
		}
		switch {
		case len(found) > 1:
			ids := make([]string, len(found))
			for i, in := range found {
				ids[i] = in.ID
			}
			slices.Sort(ids)
			problems = append(problems, s.At("/formerNames", "%d integrations this deployment owns match the former names (ids %s); reconcile will not guess which one to rename: delete the others by hand", len(found), strings.Join(ids, ", ")))
		case len(found) == 1:
			if other := claimed[found[0].ID]; other != nil {
				problems = append(problems, s.At("/formerNames", "integration %s (%q) is a former name of both this spec and %s; keep it in one", found[0].ID, found[0].Name, other.File))
				continue
			}
			claimed[found[0].ID] = s
			out[s] = found[0]
		}
	}
	return out, problems
}

func key(name, typ string) string { return spec.NameKey(name) + "\x00" + typ }

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

func remove(in *org.Integration) Change {
	c := Change{Name: in.Name, Type: in.Type, ID: in.ID, Actions: []Action{Delete}, Current: in,
		Why:    map[Action]string{Delete: "created by reconcile; no spec names it"},
		Before: map[string]any{"name": in.Name, "active": in.Active}, After: map[string]any{}}
	if in.Notes != "" {
		c.Before["notes"] = in.Notes
	}
	if in.MTLS != "" {
		c.Before["mtls"] = in.MTLS
	}
	if in.Credential != nil {
		c.Before["credentials.type"] = in.Credential.Type
	}
	if in.Pending {
		c.Why[Delete] = "an interrupted create; no spec names it"
	}
	return c
}

// record is what the org records once s is applied.
func record(s *spec.Spec) *org.Record {
	r := &org.Record{Name: s.Name, Notes: s.Notes, Active: s.Active, MTLS: s.MTLS}
	if c := s.Credential; c != nil {
		values, _ := c.Flatten()
		r.Credential = &org.RecordCredential{Type: c.Type, Fingerprint: c.Fingerprint, Fields: values, Secrets: maps.Clone(c.Secrets)}
	}
	return r
}

func create(s *spec.Spec, owner string) Change {
	c := Change{Name: s.Name, Type: s.Type, File: s.File, Spec: s, Actions: []Action{Create}, Why: map[Action]string{},
		Before: map[string]any{}, After: map[string]any{"name": s.Name, "active": s.Active}, Owner: owner, Record: record(s)}
	var details []string
	if s.Notes != "" {
		details = append(details, fmt.Sprintf("notes %q", s.Notes))
		c.After["notes"] = s.Notes
	}
	if s.MTLS != "" {
		details = append(details, "mTLS authority "+s.MTLS)
		c.After["mtls"] = s.MTLS
	}
	c.Why[Create] = strings.Join(details, ", ")
	if s.Credential != nil {
		c.Actions = append(c.Actions, Credentials)
		c.Why[Credentials] = "new " + s.Credential.Type + " credential"
		c.After["credentials.type"] = s.Credential.Type
		values, _ := s.Credential.Flatten()
		for k, v := range values {
			c.After["credentials."+k] = v
		}
		for k := range s.Credential.Secrets {
			c.Sensitive = append(c.Sensitive, "credentials."+k)
		}
		slices.Sort(c.Sensitive)
	}
	if s.Active {
		c.Actions = append(c.Actions, Activate)
	}
	return c
}

// outside marks a difference the org's edit made.
const outside = " (changed outside reconcile)"

func update(s *spec.Spec, cur *org.Integration, opts Options) (Change, *spec.Problem) {
	c := Change{Name: s.Name, Type: s.Type, File: s.File, ID: cur.ID, Spec: s, Current: cur, Why: map[Action]string{}}
	rec := cur.Applied
	if cur.Pending {
		c.Owner, rec = opts.owner(), nil
	}
	// differ records an attribute that differs and says how, for people;
	// it is drift when reconcile's record says it applied something else.
	differ := func(attr string, before, after, recorded any, text string) string {
		c.set(attr, before, after)
		if rec != nil && before != recorded {
			c.Drift = true
			return text + outside
		}
		return text
	}

	var diffs []string
	if cur.Pending {
		diffs = append(diffs, "finish an interrupted create")
	}
	if s.Name != cur.Name {
		text := fmt.Sprintf("name %q → %q", cur.Name, s.Name)
		if !spec.SameName(s.Name, cur.Name) {
			text = fmt.Sprintf("rename %q → %q (a former name; the id stays)", cur.Name, s.Name)
		}
		diffs = append(diffs, differ("name", cur.Name, s.Name, recorded(rec, func(r *org.Record) any { return r.Name }), text))
	}
	if s.Notes != cur.Notes {
		diffs = append(diffs, differ("notes", cur.Notes, s.Notes, recorded(rec, func(r *org.Record) any { return r.Notes }), fmt.Sprintf("notes %q → %q", cur.Notes, s.Notes)))
	}
	if s.MTLS != cur.MTLS {
		diffs = append(diffs, differ("mtls", orNil(cur.MTLS), orNil(s.MTLS), recorded(rec, func(r *org.Record) any { return orNil(r.MTLS) }), fmt.Sprintf("mTLS authority %s → %s", orNone(cur.MTLS), orNone(s.MTLS))))
	}
	if len(diffs) > 0 {
		c.Actions = append(c.Actions, Configure)
		c.Why[Configure] = strings.Join(diffs, ", ")
	}
	if why, p := c.credentials(s, cur, rec, opts); p != nil {
		return c, p
	} else if why != "" {
		c.Actions = append(c.Actions, Credentials)
		c.Why[Credentials] = why
	}
	if s.Active != cur.Active {
		a := map[bool]Action{true: Activate, false: Deactivate}[s.Active]
		c.Actions = append(c.Actions, a)
		if why := differ("active", cur.Active, s.Active, recorded(rec, func(r *org.Record) any { return r.Active }), ""); why != "" {
			c.Why[a] = strings.TrimPrefix(why, " ")
		}
	}
	slices.Sort(c.Sensitive)
	if len(c.Actions) > 0 { // a spec in sync writes nothing, so needs no record
		c.Record = record(s)
	}
	return c, nil
}

func recorded(rec *org.Record, f func(*org.Record) any) any {
	if rec == nil {
		return nil
	}
	return f(rec)
}

// credentials plans the credential of an existing integration: whether it
// changes (by type and whole fingerprint, as reconcile always has) and, when
// reconcile's record describes the org's credential, which fields.
func (c *Change) credentials(s *spec.Spec, cur *org.Integration, rec *org.Record, opts Options) (string, *spec.Problem) {
	want, have := s.Credential, cur.Credential
	var rc *org.RecordCredential
	if rec != nil {
		rc = rec.Credential
	}
	// Drift is a credential attached or removed outside reconcile, or one
	// reconcile did not make. A fingerprint of reconcile's own that
	// differs from the record's is a record left behind by an interrupted
	// apply: the fields before are unknown, but nobody else changed them.
	drift := rec != nil && (rc == nil) != (have == nil) ||
		rc != nil && have != nil && (have.Type != rc.Type || have.Fingerprint == "")
	mark := func(why string) string {
		if drift {
			c.Drift = true
			return why + outside
		}
		return why
	}
	switch {
	case want == nil && have == nil:
		return "", nil
	case want == nil:
		c.set("credentials.type", have.Type, nil)
		return mark("remove the " + cmp.Or(have.Type, "unknown") + " credential"), nil
	case have == nil:
		c.newCredential(want)
		return mark("new " + want.Type + " credential"), nil
	case want.Type != have.Type:
		if cur.Actions > 0 && !opts.AllowCredentialTypeChange {
			p := s.At("/credentials", "changing the credential type from %s to %s would break the integration's %d data actions; pass --allow-credential-type-change to do it anyway", have.Type, want.Type, cur.Actions)
			return "", &p
		}
		c.newCredential(want)
		c.set("credentials.type", orNil(have.Type), want.Type)
		return mark(fmt.Sprintf("credential type %s → %s", orNone(have.Type), want.Type)), nil
	case want.Fingerprint == have.Fingerprint:
		return "", nil
	}
	if drift || rc == nil || have.Fingerprint != rc.Fingerprint {
		// What the org holds is not what reconcile recorded: its values
		// are unknown, so the readable ones are shown as they will be,
		// and each secret may have changed.
		values, _ := want.Flatten()
		for k, v := range values {
			c.setAfter("credentials."+k, v)
		}
		for k := range want.Secrets {
			c.Sensitive = append(c.Sensitive, "credentials."+k)
		}
		return mark("(sensitive value changed)"), nil
	}
	values, _ := want.Flatten()
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(org.Keys(rc.Fields, values))) {
		before, after := rc.Fields[k], values[k]
		if !org.SameValue(before, after) {
			c.set("credentials."+k, before, after)
			parts = append(parts, fmt.Sprintf("%s %s → %s", k, show(before), show(after)))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(org.Keys(rc.Secrets, want.Secrets))) {
		if rc.Secrets[k] != want.Secrets[k] {
			c.Sensitive = append(c.Sensitive, "credentials."+k)
			parts = append(parts, k+": (sensitive value changed)")
		}
	}
	if len(parts) == 0 { // the same fields, yet another fingerprint: another key
		parts = append(parts, "(sensitive value changed)")
	}
	return strings.Join(parts, ", "), nil
}

// newCredential records a credential set whole: its type and readable
// fields after, every secret field sensitive.
func (c *Change) newCredential(want *spec.Credential) {
	c.set("credentials.type", nil, want.Type)
	values, _ := want.Flatten()
	for k, v := range values {
		c.setAfter("credentials."+k, v)
	}
	for k := range want.Secrets {
		c.Sensitive = append(c.Sensitive, "credentials."+k)
	}
}

// set records an attribute that differs.
func (c *Change) set(attr string, before, after any) {
	if c.Before == nil {
		c.Before = map[string]any{}
	}
	c.Before[attr] = before
	c.setAfter(attr, after)
}

// setAfter records an attribute whose value in the org is unknown.
func (c *Change) setAfter(attr string, after any) {
	if c.After == nil {
		c.After = map[string]any{}
	}
	c.After[attr] = after
}

// show prints a readable value for people: strings quoted, none as (none).
func show(v any) string {
	if v == nil {
		return "(none)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
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

package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// ActionOp is what happens to one data action.
type ActionOp string

const (
	// ActionCreate makes a draft, then publishes it: a new action.
	ActionCreate ActionOp = "create"
	// ActionUpdate makes a draft from the published action, changes its
	// category or configuration, then publishes it: the id stays.
	ActionUpdate ActionOp = "update"
	// ActionReplace is a contract (or secure) change, which a published
	// action cannot take: a new action is published and the old one
	// deleted, so the id changes and flows that use the old one break.
	// Planned only with Options.AllowActionReplace.
	ActionReplace ActionOp = "replace"
	// ActionDelete deletes an action reconcile published that the spec no
	// longer names; only with prune.
	ActionDelete ActionOp = "delete"
)

// ActionOps lists every op in the order they are counted.
var ActionOps = []ActionOp{ActionCreate, ActionUpdate, ActionReplace, ActionDelete}

// ActionChange is what must happen to one data action of an integration.
// A change's data actions are applied after its integration's own actions,
// deletes last.
type ActionChange struct {
	Op   ActionOp
	Name string
	// ID is the published action's; empty for a create.
	ID string
	// Spec is the desired action; nil for a delete.
	Spec *spec.Action
	// Current is the org's action; nil for a create.
	Current *org.Action
	// Why explains the change for people.
	Why string
	// Drift says the action was published outside reconcile since
	// reconcile last published it.
	Drift bool
	// Test says to run the spec's test cases against the draft, and to
	// publish only if every one passes.
	Test bool
}

// OrphanAction is a data action reconcile published that no spec names
// any more, on an integration a spec still names.
type OrphanAction struct {
	Integration string // the integration's name
	Type        string
	ID, Name    string
}

// ActionSummary counts each data action op over the plan.
func (p Plan) ActionSummary() map[ActionOp]int {
	out := make(map[ActionOp]int, len(ActionOps))
	for _, op := range ActionOps {
		out[op] = 0
	}
	for _, c := range p.Changes {
		for _, a := range c.DataActions {
			out[a.Op]++
		}
	}
	return out
}

// dataActions plans the data actions of spec s on the org's integration
// cur (nil for a create), against reconcile's record rec. It returns the
// record's actions that stay as they are, and the orphans.
func (c *Change) dataActions(s *spec.Spec, cur *org.Integration, rec *org.Record, opts Options) (kept []org.RecordAction, orphans []OrphanAction, problems spec.Problems) {
	test := func(a *spec.Action) bool { return opts.Test && len(a.Tests) > 0 }
	create := func(a *spec.Action) {
		c.DataActions = append(c.DataActions, ActionChange{Op: ActionCreate, Name: a.Name, Spec: a, Test: test(a),
			Why: fmt.Sprintf("new action in category %q", a.Category)})
	}
	if cur == nil {
		for i := range s.Actions {
			create(&s.Actions[i])
		}
		return nil, nil, nil
	}
	byName := map[string][]*org.Action{}
	for i := range cur.DataActions {
		o := &cur.DataActions[i]
		byName[spec.NameKey(o.Name)] = append(byName[spec.NameKey(o.Name)], o)
	}
	named := map[string]bool{} // action ids a spec action names
	var deletes []ActionChange
	for i := range s.Actions {
		a := &s.Actions[i]
		at := fmt.Sprintf("/actions/%d", a.Index)
		matches := byName[spec.NameKey(a.Name)]
		switch len(matches) {
		case 0:
			create(a)
			continue
		case 1:
		default:
			ids := make([]string, len(matches))
			for j, m := range matches {
				ids[j] = m.ID
			}
			slices.Sort(ids)
			problems = append(problems, s.At(at+"/name", "%d data actions of integration %q are named %q (ids %s); reconcile will not guess which one this spec means: delete or rename the others by hand", len(matches), cur.Name, a.Name, strings.Join(ids, ", ")))
			continue
		}
		o := matches[0]
		named[o.ID] = true
		// The digests are computed once an action: a plan in sync needs them
		// for the comparison and for the record.
		want := Published(a, o.ID, o.Version)
		configChanged, contractChanged, drift := compareAction(a, want, o, rec.RecordedAction(o.ID))
		ch := ActionChange{Name: a.Name, ID: o.ID, Spec: a, Current: o, Drift: drift, Test: test(a)}
		switch {
		case contractChanged:
			what := "the contract"
			if a.Secure != o.Secure {
				what = fmt.Sprintf("secure (%t → %t)", o.Secure, a.Secure)
			}
			if !opts.AllowActionReplace {
				problems = append(problems, s.At(at+"/contract", "%s of data action %q changed: a published action cannot take it, so it would be replaced by a new action with a new id (%s now), and the flows that use the old one would break; pass --allow-action-replace to replace it, or give the changed action a new name", what, a.Name, o.ID))
				continue
			}
			ch.Op, ch.Why = ActionReplace, what+" changed; the action gets a new id and flows that use the old one break"
		case configChanged:
			ch.Op, ch.Why = ActionUpdate, "category or configuration changed; a new version, the id stays"
			if drift {
				ch.Why = "published outside reconcile (version " + fmt.Sprint(o.Version) + "); a new version from the spec, the id stays"
			}
		default:
			kept = append(kept, want)
			continue
		}
		if drift {
			c.Drift = true
		}
		c.DataActions = append(c.DataActions, ch)
	}
	if rec != nil {
		for _, r := range rec.Actions {
			i := slices.IndexFunc(cur.DataActions, func(o org.Action) bool { return o.ID == r.ID })
			if i < 0 || named[r.ID] {
				continue // gone from the org, or still named
			}
			o := &cur.DataActions[i]
			orphans = append(orphans, OrphanAction{Integration: cur.Name, Type: cur.Type, ID: o.ID, Name: o.Name})
			if opts.Prune {
				deletes = append(deletes, ActionChange{Op: ActionDelete, Name: o.Name, ID: o.ID, Current: o,
					Why: "published by reconcile; the spec no longer names it"})
			} else {
				kept = append(kept, r) // still reconcile's, until pruned
			}
		}
	}
	c.DataActions = append(c.DataActions, deletes...)
	return kept, orphans, problems
}

// compareAction says whether the spec's action a, by its digests in want,
// differs from the org's o in what an update can change, and in what only
// a replace can; drift says o was published outside reconcile since its
// record r. While the org's version is the recorded one, the record's
// digests say what o is; otherwise o itself is compared, as far as the org
// showed it (a contract it did not show is taken as unchanged, but for
// secure, which the listing shows).
func compareAction(a *spec.Action, want org.RecordAction, o *org.Action, r *org.RecordAction) (configChanged, contractChanged, drift bool) {
	if r != nil && r.Version == o.Version {
		return want.Config != r.Config, want.Contract != r.Contract, false
	}
	seen := spec.Action{Category: o.Category, Config: o.Config, Contract: o.Contract, Secure: o.Secure}
	configChanged = o.Config == nil || seen.ConfigDigest() != want.Config
	if o.Contract != nil {
		contractChanged = seen.ContractDigest() != want.Contract
	} else {
		contractChanged = o.Secure != a.Secure
	}
	return configChanged, contractChanged, r != nil
}

// sortOrphanActions orders orphan actions by integration, then name.
func sortOrphanActions(as []OrphanAction) {
	slices.SortFunc(as, func(a, b OrphanAction) int {
		return cmp.Or(cmp.Compare(a.Integration, b.Integration), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
}

// Published is the record of spec action a once published as id, version.
func Published(a *spec.Action, id string, version int) org.RecordAction {
	return org.RecordAction{ID: id, Name: a.Name, Config: a.ConfigDigest(), Contract: a.ContractDigest(), Version: version}
}

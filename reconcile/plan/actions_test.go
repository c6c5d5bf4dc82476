package plan_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// lookup is a data action whose URL and input property vary.
func lookup(name, url, input string) spec.Action {
	return spec.Action{Name: name, Category: "Orders",
		Config: map[string]any{"request": map[string]any{"requestUrlTemplate": url, "requestType": "GET"}},
		Contract: map[string]any{
			"input":  map[string]any{"inputSchema": map[string]any{"type": "object", "properties": map[string]any{input: map[string]any{"type": "string"}}}},
			"output": map[string]any{"successSchema": map[string]any{"type": "object"}},
		}}
}

// withActions is a web-services spec with the given actions.
func withActions(as ...spec.Action) *spec.Spec {
	s := sp("web.yaml", "Web", "web-services")
	for i := range as {
		as[i].Index = i
	}
	s.Actions = as
	return s
}

// published is the org's copy of a, published by reconcile as id at
// version v: listed with its config, not its contract (as Genesys lists).
func published(id string, v int, a spec.Action) org.Action {
	return org.Action{ID: id, Name: a.Name, Category: a.Category, Secure: a.Secure, Version: v, Config: a.Config}
}

// orgWith is the integration reconcile applied from s, holding the given
// actions, recorded as reconcile published them when recorded.
func orgWith(s *spec.Spec, recorded bool, as ...org.Action) org.Integration {
	in := applied("1", s)
	in.DataActions = as
	in.Actions = len(as)
	if recorded {
		for _, a := range as {
			sa := s.Action(a.Name)
			if sa == nil {
				sa = &spec.Action{Name: a.Name, Category: a.Category, Config: a.Config, Contract: a.Contract, Secure: a.Secure}
			}
			in.Applied.Actions = append(in.Applied.Actions, plan.Published(sa, a.ID, a.Version))
		}
	}
	return in
}

type actionBrief struct {
	Op    plan.ActionOp
	Name  string
	ID    string
	Drift bool
	Test  bool
}

func actionBriefs(p plan.Plan) []actionBrief {
	var out []actionBrief
	for _, c := range p.Changes {
		for _, a := range c.DataActions {
			out = append(out, actionBrief{a.Op, a.Name, a.ID, a.Drift, a.Test})
		}
	}
	return out
}

func TestDataActionPlans(t *testing.T) {
	a1 := lookup("Order status", "https://x/orders/${input.id}", "id")
	a1moved := lookup("Order status", "https://x/v2/orders/${input.id}", "id")
	a1contract := lookup("Order status", "https://x/orders/${input.id}", "orderId")
	a1secure := a1
	a1secure.Secure = true
	a1tested := a1moved
	a1tested.Tests = []spec.ActionTest{{Name: "one", Input: map[string]any{"id": "1"}}}
	a2 := lookup("Refund", "https://x/refunds/${input.id}", "id")

	tests := []struct {
		name  string
		spec  *spec.Spec
		state []org.Integration // nil: the integration does not exist
		opts  plan.Options
		want  []actionBrief
	}{
		{"a new integration creates its actions", withActions(a1, a2), nil, plan.Options{},
			[]actionBrief{{Op: plan.ActionCreate, Name: "Order status"}, {Op: plan.ActionCreate, Name: "Refund"}}},
		{"an action as recorded plans nothing", withActions(a1), []org.Integration{orgWith(withActions(a1), true, published("A", 3, a1))}, plan.Options{},
			nil},
		{"a new action on an integration", withActions(a1, a2), []org.Integration{orgWith(withActions(a1), true, published("A", 3, a1))}, plan.Options{},
			[]actionBrief{{Op: plan.ActionCreate, Name: "Refund"}}},
		{"a configuration change updates, keeping the id", withActions(a1moved), []org.Integration{orgWith(withActions(a1), true, published("A", 3, a1))}, plan.Options{},
			[]actionBrief{{Op: plan.ActionUpdate, Name: "Order status", ID: "A"}}},
		{"a contract change replaces, when allowed", withActions(a1contract), []org.Integration{orgWith(withActions(a1), true, published("A", 3, a1))}, plan.Options{AllowActionReplace: true},
			[]actionBrief{{Op: plan.ActionReplace, Name: "Order status", ID: "A"}}},
		{"a secure change replaces, when allowed", withActions(a1secure), []org.Integration{orgWith(withActions(a1), true, published("A", 3, a1))}, plan.Options{AllowActionReplace: true},
			[]actionBrief{{Op: plan.ActionReplace, Name: "Order status", ID: "A"}}},
		{"published outside reconcile, differently: drift", withActions(a1), []org.Integration{
			func() org.Integration {
				in := orgWith(withActions(a1), true, published("A", 3, a1))
				in.DataActions[0] = published("A", 4, a1moved) // someone published version 4
				in.DataActions[0].Contract = a1.Contract
				return in
			}()}, plan.Options{},
			[]actionBrief{{Op: plan.ActionUpdate, Name: "Order status", ID: "A", Drift: true}}},
		{"an action nobody recorded that matches is in sync", withActions(a1), []org.Integration{
			func() org.Integration {
				in := orgWith(withActions(a1), false, published("A", 7, a1))
				in.DataActions[0].Contract = a1.Contract
				return in
			}()}, plan.Options{}, nil},
		{"tests run only where there are cases, and only with Test", withActions(a1tested, a2), []org.Integration{orgWith(withActions(a1), true, published("A", 3, a1))}, plan.Options{Test: true},
			[]actionBrief{{Op: plan.ActionUpdate, Name: "Order status", ID: "A", Test: true}, {Op: plan.ActionCreate, Name: "Refund"}}},
		{"an action reconcile published and the spec dropped is deleted with prune", withActions(a1), []org.Integration{orgWith(withActions(a1, a2), true, published("A", 3, a1), published("B", 1, a2))}, plan.Options{Prune: true},
			[]actionBrief{{Op: plan.ActionDelete, Name: "Refund", ID: "B"}}},
		{"without prune it stays", withActions(a1), []org.Integration{orgWith(withActions(a1, a2), true, published("A", 3, a1), published("B", 1, a2))}, plan.Options{},
			nil},
		{"an action reconcile did not publish is never deleted", withActions(a1), []org.Integration{
			func() org.Integration {
				in := orgWith(withActions(a1), true, published("A", 3, a1))
				in.DataActions = append(in.DataActions, published("U", 1, a2))
				return in
			}()}, plan.Options{Prune: true, AllowDeleteWithActions: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, []*spec.Spec{tt.spec}, tt.state, tt.opts)
			if diff := cmp.Diff(tt.want, actionBriefs(p)); diff != "" {
				t.Errorf("data action changes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReplaceIsRefusedByDefault: a contract change would give the action a
// new id, breaking the flows that use it: refused, at the contract's key.
func TestReplaceIsRefusedByDefault(t *testing.T) {
	a1 := lookup("Order status", "https://x/orders/${input.id}", "id")
	s := withActions(lookup("Order status", "https://x/orders/${input.id}", "orderId"))
	s.Pos["/actions/0/contract"] = spec.Position{Line: 9, Column: 5}
	_, err := plan.Build([]*spec.Spec{s}, org.State{Integrations: []org.Integration{orgWith(withActions(a1), true, published("A", 3, a1))}}, plan.Options{})
	ps, ok := spec.AsProblems(err)
	if !ok || len(ps) != 1 {
		t.Fatalf("Build: %v, want one problem", err)
	}
	if ps[0].Line != 9 || !strings.Contains(ps[0].Message, "--allow-action-replace") || !strings.Contains(ps[0].Message, "new id") {
		t.Errorf("problem %+v: want line 9, naming --allow-action-replace and the new id", ps[0])
	}
}

// TestTwoActionsOfOneName: the org holds two actions the spec's one could
// mean; reconcile stops rather than guess, naming both ids.
func TestTwoActionsOfOneName(t *testing.T) {
	a1 := lookup("Order status", "https://x/orders/${input.id}", "id")
	in := orgWith(withActions(a1), false, published("A", 1, a1), published("B", 1, lookup("order STATUS", "u", "id")))
	_, err := plan.Build([]*spec.Spec{withActions(a1)}, org.State{Integrations: []org.Integration{in}}, plan.Options{})
	if err == nil || !strings.Contains(err.Error(), "ids A, B") {
		t.Fatalf("Build: %v, want an error naming ids A, B", err)
	}
}

// TestOrphanActionsAreListed: the orphan list names the action and its
// integration, with or without prune; and the record keeps an unpruned one.
func TestOrphanActionsAreListed(t *testing.T) {
	a1, a2 := lookup("Order status", "u1", "id"), lookup("Refund", "u2", "id")
	state := []org.Integration{orgWith(withActions(a1, a2), true, published("A", 3, a1), published("B", 1, a2))}
	for _, prune := range []bool{false, true} {
		s := withActions(lookup("Order status", "u1-moved", "id"))
		p := build(t, []*spec.Spec{s}, state, plan.Options{Prune: prune})
		want := []plan.OrphanAction{{Integration: "Web", Type: "web-services", ID: "B", Name: "Refund"}}
		if diff := cmp.Diff(want, p.OrphanActions); diff != "" {
			t.Errorf("prune %t: orphan actions (-want +got):\n%s", prune, diff)
		}
		kept := only(t, p).Record.Actions
		if got := len(kept); prune && got != 0 || !prune && (got != 1 || kept[0].ID != "B") {
			t.Errorf("prune %t: the record keeps %+v", prune, kept)
		}
	}
}

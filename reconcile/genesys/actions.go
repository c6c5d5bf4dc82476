package genesys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/reconcile-dev/reconcile/reconcile/actiontest"
	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

const actionsPath = "/api/v2/integrations/actions"

// Scope tells the client which integrations declare data actions, before
// it observes the org: their actions that reconcile has no record of are
// read one by one, for the contract the listing does not carry. Others'
// are not, so a run costs no more calls for actions nobody manages.
func (c *Client) Scope(specs []*spec.Spec) {
	c.scope = map[string]bool{}
	for _, s := range specs {
		if len(s.Actions) > 0 {
			c.scope[s.Type+"\x00"+spec.NameKey(s.Name)] = true
			for _, n := range s.FormerNames {
				c.scope[s.Type+"\x00"+spec.NameKey(n)] = true
			}
		}
	}
}

// ScopeAll has the client read the contract of every action it has no
// record of, on every integration: for import, which writes them all.
func (c *Client) ScopeAll() { c.scopeAll = true }

// dataActions fills each observed integration's data actions (and their
// count) from the listing, and reads the contract of those Scope asked for that reconcile
// has not recorded at the version the org shows.
func (c *Client) dataActions(ctx context.Context, st *org.State, listed []api.Action) error {
	byIntegration := map[string][]api.Action{}
	c.published = map[string]bool{}
	for _, a := range listed {
		c.published[a.ID] = true
		if !strings.HasPrefix(a.Name, api.AuthActionPrefix) { // Genesys' own, for userDefinedOAuth
			byIntegration[a.IntegrationID] = append(byIntegration[a.IntegrationID], a)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range st.Integrations {
		in := &st.Integrations[i]
		in.DataActions = make([]org.Action, len(byIntegration[in.ID]))
		in.Actions = len(in.DataActions)
		scoped := c.scopeAll || c.scope[in.Type+"\x00"+spec.NameKey(in.Name)]
		for j, a := range byIntegration[in.ID] {
			in.DataActions[j] = orgAction(a)
			if r := in.Applied.RecordedAction(a.ID); !scoped || r != nil && r.Version == a.Version {
				continue
			}
			oa := &in.DataActions[j]
			g.Go(func() error {
				var full api.Action
				if err := c.t.do(gctx, http.MethodGet, actionsPath+"/"+url.PathEscape(oa.ID)+"?expand=contract&includeConfig=true", nil, &full); err != nil {
					return fmt.Errorf("read data action %q of %s: %w", oa.Name, in.Name, err)
				}
				*oa = orgAction(full)
				return nil
			})
		}
	}
	return g.Wait()
}

func orgAction(a api.Action) org.Action {
	return org.Action{ID: a.ID, Name: a.Name, Category: a.Category, Secure: a.Secure, Version: a.Version, Config: a.Config, Contract: a.Contract}
}

// applyActions carries out a change's data actions on integration id, in
// order, and returns the records of those it published. One that fails
// (a test case, the org) does not stop the others: their errors are
// joined, and what was published stays reconcile's.
//
// Each step can be repeated. A create first looks for a draft of its name
// with no published action (an interrupted run's) and reuses it; an update
// reuses the action's open draft. A replace publishes the new action only
// after deleting the old one, so an interruption between the two leaves a
// draft the next run's create picks up, never two published actions of
// one name.
func (c *Client) applyActions(ctx context.Context, id string, ch plan.Change) ([]org.RecordAction, error) {
	var published []org.RecordAction
	var errs []error
	for _, a := range ch.DataActions {
		var (
			rec org.RecordAction
			err error
		)
		switch a.Op {
		case plan.ActionCreate, plan.ActionReplace:
			rec, err = c.createAction(ctx, id, a)
		case plan.ActionUpdate:
			rec, err = c.updateAction(ctx, a)
		case plan.ActionDelete:
			err = c.deleteAction(ctx, a.ID)
		default:
			err = fmt.Errorf("unknown data action change %q", a.Op)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("data action %q: %s: %w", a.Name, a.Op, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if rec.ID != "" {
			published = append(published, rec)
		}
	}
	return published, errors.Join(errs...)
}

// createAction makes (or reuses) a draft of the spec's action, tests it if
// asked, deletes the action it replaces, and publishes it.
func (c *Client) createAction(ctx context.Context, integrationID string, a plan.ActionChange) (org.RecordAction, error) {
	d, err := c.newDraft(ctx, integrationID, a.Spec)
	if err != nil {
		return org.RecordAction{}, err
	}
	if a.Test {
		if err := c.runTests(ctx, d.ID, a.Spec, true); err != nil {
			return org.RecordAction{}, err
		}
	}
	if a.Op == plan.ActionReplace {
		if err := c.deleteAction(ctx, a.ID); err != nil {
			return org.RecordAction{}, fmt.Errorf("delete the action it replaces (%s): %w", a.ID, err)
		}
	}
	return c.publish(ctx, d, a.Spec, 0)
}

// newDraft returns a draft of the spec's action on the integration: a
// draft-only one of its name if an interrupted run left one (updated to the
// spec), else a new one. A create whose answer was lost is found the same
// way before it is sent again.
func (c *Client) newDraft(ctx context.Context, integrationID string, s *spec.Action) (api.Action, error) {
	for try := 0; ; try++ {
		d, found, err := c.leftDraft(ctx, integrationID, s.Name)
		if err != nil {
			return api.Action{}, err
		}
		if found {
			secure := s.Secure
			var got api.Action
			body := api.UpdateDraftInput{Category: s.Category, Name: s.Name, Config: s.Config, Contract: s.Contract, Secure: &secure, Version: d.Version}
			if err := c.t.do(ctx, http.MethodPatch, actionsPath+"/"+url.PathEscape(d.ID)+"/draft", body, &got); err != nil {
				return api.Action{}, fmt.Errorf("update the draft an earlier run left (%s): %w", d.ID, err)
			}
			return got, nil
		}
		var got api.Action
		body := api.PostActionInput{Category: s.Category, Name: s.Name, IntegrationID: integrationID, Config: s.Config, Contract: s.Contract, Secure: s.Secure}
		err = c.t.do(ctx, http.MethodPost, actionsPath+"/drafts", body, &got)
		if err == nil {
			return got, nil
		}
		if !Transient(err) || try >= 3 || ctx.Err() != nil {
			return api.Action{}, fmt.Errorf("create a draft: %w", err)
		}
		c.drafts = nil // the answer may be lost, not the draft: list again
		if err := sleep(ctx, c.t.backoff(try)); err != nil {
			return api.Action{}, err
		}
	}
}

// leftDraft finds a draft of the name on the integration that no published
// action has (as observed, or published since by this run): one an
// interrupted create or replace left.
func (c *Client) leftDraft(ctx context.Context, integrationID, name string) (api.Action, bool, error) {
	if c.drafts == nil {
		all, err := listAll[api.Action](ctx, c.t, actionsPath+"/drafts")
		if err != nil {
			return api.Action{}, false, fmt.Errorf("list the drafts: %w", err)
		}
		c.drafts = all
	}
	for _, d := range c.drafts {
		if d.IntegrationID == integrationID && spec.SameName(d.Name, name) && !c.published[d.ID] {
			return d, true, nil
		}
	}
	return api.Action{}, false, nil
}

// updateAction opens a draft of the published action (or takes the one
// open), sets the spec's category and configuration, tests it if asked,
// and publishes it: a new version, the same id.
func (c *Client) updateAction(ctx context.Context, a plan.ActionChange) (org.RecordAction, error) {
	path := actionsPath + "/" + url.PathEscape(a.ID) + "/draft"
	var d api.Action
	err := c.t.do(ctx, http.MethodPost, path, nil, &d)
	var ae *APIError
	if err != nil && (errors.As(err, &ae) && ae.Status == http.StatusConflict || Transient(err)) {
		// a draft is open already: someone's, or ours after a lost answer
		err = c.t.do(ctx, http.MethodGet, path, nil, &d)
	}
	if err != nil {
		return org.RecordAction{}, fmt.Errorf("open a draft: %w", err)
	}
	s := a.Spec
	var got api.Action
	if err := c.t.do(ctx, http.MethodPatch, path, api.UpdateDraftInput{Category: s.Category, Name: s.Name, Config: s.Config, Version: d.Version}, &got); err != nil {
		return org.RecordAction{}, fmt.Errorf("update the draft: %w", err)
	}
	if a.Test {
		if err := c.runTests(ctx, a.ID, s, true); err != nil {
			return org.RecordAction{}, err
		}
	}
	got.ID = a.ID
	return c.publish(ctx, got, s, a.Current.Version)
}

// publish publishes the draft d of the spec's action, whose published
// version is before (0 for an action never published). A publish whose
// answer was lost is found published at a later version; at the same
// version it did not happen, and the error says so.
func (c *Client) publish(ctx context.Context, d api.Action, s *spec.Action, before int) (org.RecordAction, error) {
	var got api.Action
	err := c.t.do(ctx, http.MethodPost, actionsPath+"/"+url.PathEscape(d.ID)+"/draft/publish", api.PublishDraftInput{Version: d.Version}, &got)
	if err != nil && Transient(err) && ctx.Err() == nil {
		var now api.Action
		if c.t.do(ctx, http.MethodGet, actionsPath+"/"+url.PathEscape(d.ID), nil, &now) == nil && now.Version > before {
			got, err = now, nil
		}
	}
	if err != nil {
		return org.RecordAction{}, fmt.Errorf("publish: %w", err)
	}
	c.published[d.ID] = true
	return plan.Published(s, d.ID, got.Version), nil
}

// deleteAction deletes a published action; one already gone is fine.
func (c *Client) deleteAction(ctx context.Context, id string) error {
	err := c.t.do(ctx, http.MethodDelete, actionsPath+"/"+url.PathEscape(id), nil, nil)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil
	}
	return err
}

// runTests runs each of the spec action's cases against the action id (its
// draft, when draft) and returns those that fail, each an
// *actiontest.Failure, joined.
func (c *Client) runTests(ctx context.Context, id string, s *spec.Action, draft bool) error {
	var errs []error
	for _, tc := range s.Tests {
		ex, err := c.execute(ctx, id, tc.Input, draft)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("test %q: %w", tc.Name, err))...)
		}
		if f := actiontest.Judge(s, tc, ex); f != nil {
			errs = append(errs, f)
		}
	}
	return errors.Join(errs...)
}

// execute runs the action (or its draft) on input with the org's test
// endpoint, which reports each step. It writes nothing, so a lost answer
// is asked again.
func (c *Client) execute(ctx context.Context, id string, input map[string]any, draft bool) (actiontest.Execution, error) {
	path := actionsPath + "/" + url.PathEscape(id) + "/test"
	if draft {
		path = actionsPath + "/" + url.PathEscape(id) + "/draft/test"
	}
	if input == nil {
		input = map[string]any{}
	}
	var res api.TestExecutionResult
	var err error
	for try := 0; try < 3; try++ {
		if err = c.t.do(ctx, http.MethodPost, path, input, &res); err == nil || !Transient(err) || ctx.Err() != nil {
			break
		}
		if err := sleep(ctx, c.t.backoff(try)); err != nil {
			return actiontest.Execution{}, err
		}
	}
	if err != nil {
		return actiontest.Execution{}, err
	}
	ex := actiontest.Execution{Success: res.Success, Output: res.FinalResult}
	if res.Error != nil {
		ex.Error = res.Error.Message
	}
	for _, op := range res.Operations {
		st := actiontest.Step{Number: op.Step, Name: op.Name, Success: op.Success}
		if op.Error != nil {
			st.Error = op.Error.Message
		}
		ex.Steps = append(ex.Steps, st)
	}
	return ex, nil
}

// TestPublished runs each case of the spec's action against the published
// action id, read-only (a smoke test after a deploy), and returns each
// case's outcome in order: nil when it passed.
func (c *Client) TestPublished(ctx context.Context, id string, s *spec.Action) []error {
	out := make([]error, len(s.Tests))
	for i, tc := range s.Tests {
		ex, err := c.execute(ctx, id, tc.Input, false)
		if err != nil {
			out[i] = fmt.Errorf("test %q: %w", tc.Name, err)
		} else if f := actiontest.Judge(s, tc, ex); f != nil {
			out[i] = f
		}
	}
	return out
}

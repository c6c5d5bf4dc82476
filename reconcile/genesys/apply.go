package genesys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// ErrReadOnly is returned by writes to a client opened read-only.
var ErrReadOnly = errors.New("the genesys org is open read-only (dry run)")

// maxTries bounds the attempts of a create after lost answers, and of a
// configuration write after version conflicts.
const maxTries = 10

// Apply carries out one change. Every step can be repeated: a create
// looks for its own pending integration before posting, credentials are
// found again by name, a configuration is written against the version just
// read. So a run interrupted anywhere is finished by the next one.
func (c *Client) Apply(ctx context.Context, ch plan.Change) error {
	if c.readOnly {
		return ErrReadOnly
	}
	id := ""
	if ch.Current != nil {
		id = ch.Current.ID
	}
	created, configured := false, false
	for _, a := range ch.Actions {
		var err error
		switch a {
		case plan.Delete:
			err = c.delete(ctx, id)
		case plan.Create:
			id, err = c.create(ctx, ch)
			created = err == nil
		case plan.Configure, plan.Credentials:
			if configured {
				continue // one configuration write covers both
			}
			configured = true
			err = c.configure(ctx, id, ch, created)
		case plan.Activate, plan.Deactivate:
			err = c.setState(ctx, id, a == plan.Activate)
		default:
			err = fmt.Errorf("unknown action %q", a)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", a, err)
		}
	}
	if len(ch.DataActions) > 0 {
		published, err := c.applyActions(ctx, id, ch)
		if ch.Record != nil {
			// The record names what was published, even part way, so that
			// it stays reconcile's.
			rec := *ch.Record
			rec.Actions = append(slices.Clone(rec.Actions), published...)
			ch.Record = &rec
		}
		if configured {
			again := ch
			again.Actions = nil // the credential is set: write the record alone
			if werr := c.configure(ctx, id, again, false); werr != nil && err == nil {
				return fmt.Errorf("record the data actions: %w", werr)
			}
			return err
		}
		if err != nil {
			if werr := c.configure(ctx, id, ch, created); werr != nil {
				err = errors.Join(err, fmt.Errorf("record the data actions: %w", werr))
			}
			return err
		}
	}
	if !configured && ch.Record != nil {
		// name, notes and the mark of a create; the record of a change of
		// state alone, or of data actions
		return c.configure(ctx, id, ch, created)
	}
	return nil
}

// nameKey is how integrations of one type are told apart by name: as the
// planner compares names, case-insensitively, a pending one under its
// spec's name.
func nameKey(typeID, name string) string {
	return typeID + "\x00" + spec.NameKey(strings.TrimPrefix(name, PendingPrefix))
}

// relist lists the org's integrations again, once an apply, right before
// its first create: an integration of the same name made since this run
// observed the org means another writer.
func (c *Client) relist(ctx context.Context) error {
	if c.relisted {
		return nil
	}
	all, err := listAll[api.Integration](ctx, c.t, "/api/v2/integrations")
	if err != nil {
		return err
	}
	c.existing = map[string][]api.Integration{}
	for _, in := range all {
		k := nameKey(in.IntegrationType.ID, in.Name)
		c.existing[k] = append(c.existing[k], in)
	}
	c.relisted = true
	return nil
}

// create posts the integration under its pending name, after checking the
// org: an integration of the same name made since this run observed the
// org means another writer, and is an error; a pending one (an
// interrupted run's) is reused, and so is ours after a lost answer.
func (c *Client) create(ctx context.Context, ch plan.Change) (string, error) {
	s := ch.Spec
	typeID := c.vendors[s.Type].typeID
	if typeID == "" {
		return "", fmt.Errorf("the org offers no integration type for %s", s.Type)
	}
	if err := c.relist(ctx); err != nil {
		return "", err
	}
	existing := c.existing[nameKey(typeID, s.Name)]
	for try := 0; ; try++ {
		for _, in := range existing {
			if !strings.HasPrefix(in.Name, PendingPrefix) {
				return "", fmt.Errorf("integration %s named %q appeared since this run read the org: another writer is at work; run again", in.ID, in.Name)
			}
		}
		if len(existing) > 0 {
			c.made = append(c.made, made{change: ch.Name, typeID: typeID, name: s.Name, integration: existing[0].ID})
			return existing[0].ID, nil
		}
		var in api.Integration
		err := c.t.do(ctx, http.MethodPost, "/api/v2/integrations",
			map[string]any{"name": PendingPrefix + s.Name, "integrationType": api.Ref{ID: typeID}}, &in)
		if err == nil {
			c.made = append(c.made, made{change: ch.Name, typeID: typeID, name: s.Name, integration: in.ID})
			return in.ID, nil
		}
		if !Transient(err) || try >= maxTries || ctx.Err() != nil {
			return "", err
		}
		// The answer was lost, not necessarily the write: look again.
		if err := sleep(ctx, c.t.backoff(try)); err != nil {
			return "", err
		}
		if existing, err = c.named(ctx, typeID, s.Name); err != nil {
			return "", err
		}
	}
}

// Finish checks, once after the last change of an apply, that no other
// writer made what this apply made at the same moment: an integration of
// the same name, or a credential for the same integration. Of two such
// writers the later one always sees the other, as its check comes after
// both creates; seeing one, a writer deletes its own and backs off, so no
// duplicate survives (both may back off; the next run creates once). It
// returns the changes that backed off, by name. Checking once, not after
// each create, costs two listings an apply instead of two calls a create.
func (c *Client) Finish(ctx context.Context) map[string]error {
	if len(c.made) == 0 {
		return nil
	}
	made := c.made
	c.made, c.relisted, c.existing = nil, false, nil
	failed := map[string]error{}
	var ints map[string][]api.Integration
	var creds []api.CredentialInfo
	for _, m := range made {
		if m.credential == "" && ints == nil {
			all, err := listAll[api.Integration](ctx, c.t, "/api/v2/integrations")
			if err != nil {
				return everyChange(made, fmt.Errorf("check for another writer: %w", err))
			}
			ints = map[string][]api.Integration{}
			for _, in := range all {
				k := nameKey(in.IntegrationType.ID, in.Name)
				ints[k] = append(ints[k], in)
			}
		}
		if m.credential != "" && creds == nil {
			all, err := listCredentials(ctx, c.t)
			if err != nil {
				return everyChange(made, fmt.Errorf("check for another writer: %w", err))
			}
			creds = all
		}
	}
	for _, m := range made {
		if failed[m.change] != nil {
			continue
		}
		var others []string
		if m.credential == "" {
			for _, in := range ints[nameKey(m.typeID, m.name)] {
				if in.ID != m.integration {
					others = append(others, in.ID)
				}
			}
		} else {
			for _, ci := range creds {
				if owner, _, ok := parseCredentialName(ci.Name); ok && owner == m.integration && ci.ID != m.credential {
					others = append(others, ci.ID)
				}
			}
		}
		if len(others) == 0 {
			continue
		}
		var err error
		if m.credential == "" {
			err = c.delete(ctx, m.integration)
		} else {
			err = c.deleteCredential(ctx, m.credential)
		}
		what := fmt.Sprintf("integration %q", m.name)
		if m.credential != "" {
			what = "the credential of integration " + m.integration
		}
		if err != nil {
			failed[m.change] = fmt.Errorf("%s was made at the same moment by another writer (%s), and deleting ours failed: %w", what, strings.Join(others, ", "), err)
		} else {
			failed[m.change] = fmt.Errorf("%s was made at the same moment by another writer (%s): another writer is at work; this run backed off, run again", what, strings.Join(others, ", "))
		}
	}
	return failed
}

func everyChange(made []made, err error) map[string]error {
	out := map[string]error{}
	for _, m := range made {
		out[m.change] = err
	}
	return out
}

// named returns the integrations of a type named name, pending or not.
func (c *Client) named(ctx context.Context, typeID, name string) ([]api.Integration, error) {
	all, err := listAll[api.Integration](ctx, c.t, "/api/v2/integrations?integrationType="+url.QueryEscape(typeID))
	if err != nil {
		return nil, err
	}
	var out []api.Integration
	for _, in := range all {
		if nameKey(in.IntegrationType.ID, in.Name) == nameKey(typeID, name) {
			out = append(out, in)
		}
	}
	return out, nil
}

// setState sets the intended state; an activation the org answers with an
// ERROR reported state fails, with the org's reason.
func (c *Client) setState(ctx context.Context, id string, active bool) error {
	state := map[bool]string{true: "ENABLED", false: "DISABLED"}[active]
	var in api.Integration
	if err := c.t.do(ctx, http.MethodPatch, "/api/v2/integrations/"+id, map[string]string{"intendedState": state}, &in); err != nil {
		return err
	}
	if rs := in.ReportedState; active && rs != nil && rs.Code == "ERROR" {
		return fmt.Errorf("the org activated the integration, and reports it in error: %s", reason(rs))
	}
	return nil
}

// configure sets the credential (when the change says so) and writes the
// configuration once: name, notes, mTLS authority, the ownership mark of
// an integration reconcile created, and the credential slot.
func (c *Client) configure(ctx context.Context, id string, ch plan.Change, created bool) error {
	s := ch.Spec
	v := api.Vendors[s.Type]
	slot := c.vendors[s.Type].slot
	cur, err := c.readConfig(ctx, id, created, created)
	if err != nil {
		return err
	}
	ref := cur.Credentials[slot].ID
	var stale string // our credential to delete once detached
	if ch.Has(plan.Credentials) {
		if s.Credential == nil {
			if ours := c.ourCredential(id); ours != nil {
				stale = ours.ID
			}
			ref = ""
		} else if ref, err = c.putCredential(ctx, ch.Name, id, v, s.Credential); err != nil {
			return err
		}
	}
	for try := 0; ; try++ {
		if try > 0 {
			if cur, err = c.readConfig(ctx, id, true, false); err != nil {
				return err
			}
		}
		want := desiredConfig(cur, s, slot, ref, ch.Owner, ch.Record)
		if sameConfig(cur, want) {
			break
		}
		var got api.Configuration
		err = c.t.do(ctx, http.MethodPut, "/api/v2/integrations/"+id+"/config/current", want, &got)
		var ae *APIError
		if errors.As(err, &ae) && api.IsVersionConflict(ae.Status, ae.Message) && try < maxTries {
			// Someone wrote in between, or our own write's answer was
			// lost: wait a little, read again.
			if err := sleep(ctx, c.t.backoff(try)); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if got.Version == 0 { // no answer body: what we sent, one up
			got = *want
			got.Version++
		}
		c.configs[id] = &got
		break
	}
	if stale != "" {
		return c.deleteCredential(ctx, stale)
	}
	return nil
}

// settle bounds the reads retried while a new integration is not yet
// visible (eventual consistency) and a deleted one still is.
const settle = 6

// readConfig reads the configuration. Unless fresh, it reuses the one seen
// last. An integration just created may not be shown for a moment: for
// one, a 404 is retried.
func (c *Client) readConfig(ctx context.Context, id string, fresh, justCreated bool) (*api.Configuration, error) {
	if cfg := c.configs[id]; cfg != nil && !fresh {
		return cfg, nil
	}
	for try := 0; ; try++ {
		var cfg api.Configuration
		err := c.t.do(ctx, http.MethodGet, "/api/v2/integrations/"+id+"/config/current", nil, &cfg)
		var ae *APIError
		if justCreated && errors.As(err, &ae) && ae.Status == http.StatusNotFound && try < settle {
			if err := sleep(ctx, c.t.backoff(try)); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.configs == nil {
			c.configs = map[string]*api.Configuration{}
		}
		c.configs[id] = &cfg
		return &cfg, nil
	}
}

// desiredConfig is the configuration to write: cur with the spec's
// attributes, the credential ref in the slot and reconcile's mark, whose
// owner is set when owner is given (a create) and kept otherwise.
func desiredConfig(cur *api.Configuration, s *spec.Spec, slot, ref, owner string, rec *org.Record) *api.Configuration {
	want := &api.Configuration{Name: s.Name, Notes: s.Notes, Version: cur.Version,
		Properties: maps.Clone(cur.Properties), Advanced: maps.Clone(cur.Advanced), Credentials: map[string]api.CredentialInfo{}}
	if want.Properties == nil {
		want.Properties = map[string]any{}
	}
	if want.Advanced == nil {
		want.Advanced = map[string]any{}
	}
	for k, ci := range cur.Credentials {
		want.Credentials[k] = api.CredentialInfo{ID: ci.ID} // a PUT names each credential by id alone
	}
	if s.MTLS != "" {
		want.Properties[api.MTLSProperty] = api.MTLSValues[s.MTLS]
	}
	m := markOf(cur)
	if owner != "" {
		m.Owner = owner
	}
	if rec != nil {
		m.Applied = rec
	}
	if m.Owner != "" || m.Applied != nil {
		setMark(want, m)
	}
	if ref == "" {
		delete(want.Credentials, slot)
	} else {
		want.Credentials[slot] = api.CredentialInfo{ID: ref}
	}
	return want
}

func sameConfig(a, b *api.Configuration) bool {
	refs := func(m map[string]api.CredentialInfo) map[string]string {
		out := map[string]string{}
		for k, r := range m {
			out[k] = r.ID
		}
		return out
	}
	props := func(m map[string]any) map[string]any {
		if m == nil {
			return map[string]any{}
		}
		return m
	}
	return a.Name == b.Name && a.Notes == b.Notes && reflect.DeepEqual(refs(a.Credentials), refs(b.Credentials)) &&
		reflect.DeepEqual(props(a.Properties), props(b.Properties)) && reflect.DeepEqual(markOf(a), markOf(b))
}

// ourCredential returns the credential reconcile made for the integration,
// attached or not (an interrupted run may have made it and not attached
// it).
func (c *Client) ourCredential(integrationID string) *api.CredentialInfo {
	ids := slices.Sorted(maps.Keys(c.creds))
	for _, id := range ids {
		ci := c.creds[id]
		if owner, _, ok := parseCredentialName(ci.Name); ok && owner == integrationID {
			return &ci
		}
	}
	return nil
}

// putCredential writes the credential's values into reconcile's credential
// for the integration, creating it if needed, and returns its id.
func (c *Client) putCredential(ctx context.Context, change, integrationID string, v api.Vendor, cred *spec.Credential) (string, error) {
	ct, ok := v.Credentials[cred.Type]
	if !ok {
		return "", fmt.Errorf("no API credential type for %s %s", v.Type, cred.Type)
	}
	body := api.Credential{Name: credentialName(integrationID, cred.Fingerprint), Type: api.TypeName{Name: ct.Name},
		CredentialFields: apiFields(ct, cred)}
	if ours := c.ourCredential(integrationID); ours != nil {
		if err := c.t.do(ctx, http.MethodPut, "/api/v2/integrations/credentials/"+ours.ID, body, nil); err != nil {
			return "", fmt.Errorf("update credential %s: %w", ours.ID, redact(err, body.CredentialFields))
		}
		c.creds[ours.ID] = api.CredentialInfo{ID: ours.ID, Name: body.Name, Type: &api.TypeName{Name: ct.Name}}
		return ours.ID, nil
	}
	for try := 0; ; try++ {
		var got api.CredentialInfo
		err := c.t.do(ctx, http.MethodPost, "/api/v2/integrations/credentials", body, &got)
		if err == nil {
			c.creds[got.ID] = api.CredentialInfo{ID: got.ID, Name: body.Name, Type: &api.TypeName{Name: ct.Name}}
			c.made = append(c.made, made{change: change, integration: integrationID, credential: got.ID})
			return got.ID, nil
		}
		if !Transient(err) || try >= maxTries || ctx.Err() != nil {
			return "", fmt.Errorf("create credential: %w", redact(err, body.CredentialFields))
		}
		// The answer may be lost but the credential made: look for it.
		all, lerr := listCredentials(ctx, c.t)
		if lerr != nil {
			return "", lerr
		}
		for _, ci := range all {
			if ci.Name == body.Name {
				c.creds[ci.ID] = ci
				c.made = append(c.made, made{change: change, integration: integrationID, credential: ci.ID})
				return ci.ID, nil
			}
		}
	}
}

// redact removes the values just sent from an API error, in case the API
// quotes what it refused.
func redact(err error, sent map[string]string) error {
	var ae *APIError
	if !errors.As(err, &ae) {
		return err
	}
	clean := *ae
	for _, v := range sent {
		// The value as sent, as JSON escapes it (an echoed request body),
		// and line by line (a PEM key quoted in part).
		quoted, _ := json.Marshal(v)
		forms := append([]string{v, string(quoted[1 : len(quoted)-1])}, strings.Split(v, "\n")...)
		for _, f := range forms {
			if len(strings.TrimSpace(f)) >= 4 && !strings.HasPrefix(f, "-----") {
				clean.Message = strings.ReplaceAll(clean.Message, f, spec.Mask)
			}
		}
	}
	return &clean
}

// apiFields maps the spec's credential to the API's field names; secret
// values are revealed here, into the request body only.
func apiFields(ct api.CredentialType, cred *spec.Credential) map[string]string {
	out := map[string]string{}
	str := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case spec.Secret:
			return x.Reveal(), true
		case []any:
			parts := make([]string, len(x))
			for i, p := range x {
				parts[i] = fmt.Sprint(p)
			}
			return strings.Join(parts, ","), true
		}
		return "", false
	}
	if ct.Fields == nil { // user-defined: the fields map as it is
		fields, _ := cred.Fields["fields"].(map[string]any)
		for k, v := range fields {
			if s, ok := str(v); ok {
				out[k] = s
			}
		}
		return out
	}
	for ours, theirs := range ct.Fields {
		if s, ok := str(cred.Fields[ours]); ok {
			out[theirs] = s
		}
	}
	return out
}

// delete removes the integration and the credential reconcile made for it,
// the credential first, so an interruption cannot leave it orphaned; then
// it waits until the org no longer shows the integration.
func (c *Client) delete(ctx context.Context, id string) error {
	if ours := c.ourCredential(id); ours != nil {
		if err := c.deleteCredential(ctx, ours.ID); err != nil {
			return err
		}
	}
	err := c.t.do(ctx, http.MethodDelete, "/api/v2/integrations/"+id, nil, nil)
	var ae *APIError
	if err != nil && !(errors.As(err, &ae) && ae.Status == http.StatusNotFound) {
		return err // a 404 is a retried delete whose first answer was lost
	}
	for try := 0; ; try++ {
		err := c.t.do(ctx, http.MethodGet, "/api/v2/integrations/"+id, nil, nil)
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			delete(c.configs, id)
			return nil
		}
		if err != nil {
			return fmt.Errorf("confirm the delete: %w", err)
		}
		if try >= settle {
			return fmt.Errorf("the org still shows integration %s after deleting it", id)
		}
		if err := sleep(ctx, c.t.backoff(try)); err != nil {
			return err
		}
	}
}

func (c *Client) deleteCredential(ctx context.Context, id string) error {
	err := c.t.do(ctx, http.MethodDelete, "/api/v2/integrations/credentials/"+id, nil, nil)
	var ae *APIError
	if err != nil && !(errors.As(err, &ae) && ae.Status == http.StatusNotFound) {
		return fmt.Errorf("delete credential %s: %w", id, err)
	}
	delete(c.creds, id)
	return nil
}

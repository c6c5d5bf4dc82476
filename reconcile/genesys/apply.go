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
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// ErrReadOnly is returned by writes to a client opened read-only.
var ErrReadOnly = errors.New("the genesys org is open read-only (dry run)")

// maxTries bounds the attempts of a create after lost answers, and of a
// configuration write after version conflicts.
const maxTries = 10

// Apply carries out one change. Every step can be repeated: a create looks
// for its own pending integration before posting, credentials are found
// again by name, a configuration is written against the version just read.
// So a run interrupted anywhere is finished by the next one.
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
			id, err = c.create(ctx, ch.Spec)
			created = err == nil
		case plan.Configure, plan.Credentials:
			if configured {
				continue // one configuration write covers both
			}
			configured = true
			err = c.configure(ctx, id, ch, created)
		case plan.Activate, plan.Deactivate:
			state := map[bool]string{true: "ENABLED", false: "DISABLED"}[a == plan.Activate]
			err = c.t.do(ctx, http.MethodPatch, "/api/v2/integrations/"+id, map[string]string{"intendedState": state}, nil)
		default:
			err = fmt.Errorf("unknown action %q", a)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", a, err)
		}
	}
	if created && !configured {
		return c.configure(ctx, id, ch, true) // name, notes and the mark
	}
	return nil
}

// create posts the integration under its pending name, after checking the
// org: an integration of the same name made since this run observed the
// org means another writer, and is an error; our own pending one from a
// lost answer or an interrupted run is reused.
func (c *Client) create(ctx context.Context, s *spec.Spec) (string, error) {
	typeID := c.typeID[s.Type]
	if typeID == "" {
		return "", fmt.Errorf("the org offers no integration type for %s", s.Type)
	}
	for try := 0; ; try++ {
		existing, err := c.named(ctx, typeID, s.Name)
		if err != nil {
			return "", err
		}
		for _, in := range existing {
			if !strings.HasPrefix(in.Name, PendingPrefix) {
				return "", fmt.Errorf("integration %s named %q appeared since this run read the org: another writer is at work; run again", in.ID, in.Name)
			}
		}
		if len(existing) > 0 {
			return existing[0].ID, nil
		}
		var in api.Integration
		err = c.t.do(ctx, http.MethodPost, "/api/v2/integrations",
			map[string]any{"name": PendingPrefix + s.Name, "integrationType": api.Ref{ID: typeID}}, &in)
		if err == nil {
			return in.ID, c.alone(ctx, typeID, s.Name, in.ID)
		}
		if !Transient(err) || try >= maxTries {
			return "", err
		}
		// The answer was lost, not necessarily the write: look again.
		if err := sleep(ctx, c.t.backoff(try)); err != nil {
			return "", err
		}
	}
}

// alone checks, right after a create, that no other integration of the
// name exists: a writer that listed at the same moment and created too.
// Of two such writers the later one always sees the other, as its check
// comes after both creates; seeing one, a writer deletes its own and backs
// off, so no duplicate survives (both may back off; the next run creates
// once).
func (c *Client) alone(ctx context.Context, typeID, name, id string) error {
	existing, err := c.named(ctx, typeID, name)
	if err != nil {
		return err
	}
	var others []string
	for _, in := range existing {
		if in.ID != id {
			others = append(others, in.ID)
		}
	}
	if len(others) == 0 {
		return nil
	}
	if err := c.delete(ctx, id); err != nil {
		return fmt.Errorf("integration %q was created at the same moment by another writer (%s), and deleting ours (%s) failed: %w", name, strings.Join(others, ", "), id, err)
	}
	return fmt.Errorf("integration %q was created at the same moment by another writer (%s): another writer is at work; this run backed off, run again", name, strings.Join(others, ", "))
}

// named returns the integrations of a type named name, pending or not,
// compared case-insensitively.
func (c *Client) named(ctx context.Context, typeID, name string) ([]api.Integration, error) {
	all, err := listAll[api.Integration](ctx, c.t, "/api/v2/integrations?integrationType="+url.QueryEscape(typeID))
	if err != nil {
		return nil, err
	}
	var out []api.Integration
	for _, in := range all {
		n := strings.TrimPrefix(in.Name, PendingPrefix)
		if strings.EqualFold(n, name) {
			out = append(out, in)
		}
	}
	return out, nil
}

// configure sets the credential (when the change says so) and writes the
// configuration once: name, notes, mTLS authority, the ownership mark of
// an integration reconcile created, and the credential slot.
func (c *Client) configure(ctx context.Context, id string, ch plan.Change, created bool) error {
	s := ch.Spec
	v := api.Vendors[s.Type]
	ref, err := c.currentRef(ctx, id, v.Slot)
	if err != nil {
		return err
	}
	var stale string // our credential to delete once detached
	if ch.Has(plan.Credentials) {
		if s.Credential == nil {
			if ours := c.ourCredential(id); ours != nil {
				stale = ours.ID
			}
			ref = ""
		} else if ref, err = c.putCredential(ctx, id, v, s.Credential); err != nil {
			return err
		}
	}
	mark := created || (ch.Current != nil && ch.Current.Pending)
	for try := 0; ; try++ {
		cur, err := c.readConfig(ctx, id, try > 0)
		if err != nil {
			return err
		}
		want := desiredConfig(cur, s, v, ref, mark)
		if sameConfig(cur, want) {
			break
		}
		err = c.t.do(ctx, http.MethodPut, "/api/v2/integrations/"+id+"/config/current", want, nil)
		var ae *APIError
		if errors.As(err, &ae) && api.IsVersionConflict(ae.Status, ae.Message) && try < maxTries {
			continue // someone wrote in between, or our own write's answer was lost: read again
		}
		if err != nil {
			return err
		}
		want.Version++
		c.configs[id] = want
		break
	}
	if stale != "" {
		return c.deleteCredential(ctx, stale)
	}
	return nil
}

func (c *Client) currentRef(ctx context.Context, id, slot string) (string, error) {
	cfg, err := c.readConfig(ctx, id, false)
	if err != nil {
		return "", err
	}
	return cfg.Credentials[slot].ID, nil
}

// readConfig returns the configuration seen last, or reads it.
func (c *Client) readConfig(ctx context.Context, id string, fresh bool) (*api.Configuration, error) {
	if cfg := c.configs[id]; cfg != nil && !fresh {
		return cfg, nil
	}
	var cfg api.Configuration
	if err := c.t.do(ctx, http.MethodGet, "/api/v2/integrations/"+id+"/config/current", nil, &cfg); err != nil {
		return nil, err
	}
	if c.configs == nil {
		c.configs = map[string]*api.Configuration{}
	}
	c.configs[id] = &cfg
	return &cfg, nil
}

func desiredConfig(cur *api.Configuration, s *spec.Spec, v api.Vendor, ref string, mark bool) *api.Configuration {
	want := &api.Configuration{Name: s.Name, Notes: s.Notes, Version: cur.Version,
		Properties: maps.Clone(cur.Properties), Advanced: maps.Clone(cur.Advanced), Credentials: maps.Clone(cur.Credentials)}
	if want.Properties == nil {
		want.Properties = map[string]any{}
	}
	if want.Credentials == nil {
		want.Credentials = map[string]api.CredentialRef{}
	}
	if s.MTLS != "" {
		want.Properties[api.MTLSProperty] = api.MTLSValues[s.MTLS]
	}
	if mark {
		setOwned(want)
	}
	if ref == "" {
		delete(want.Credentials, v.Slot)
	} else {
		want.Credentials[v.Slot] = api.CredentialRef{ID: ref}
	}
	return want
}

func sameConfig(a, b *api.Configuration) bool {
	refs := func(m map[string]api.CredentialRef) map[string]string {
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
		reflect.DeepEqual(props(a.Properties), props(b.Properties)) && owned(a) == owned(b)
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
func (c *Client) putCredential(ctx context.Context, integrationID string, v api.Vendor, cred *spec.Credential) (string, error) {
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
		c.creds[ours.ID] = api.CredentialInfo{ID: ours.ID, Name: body.Name, Type: body.Type}
		return ours.ID, nil
	}
	for try := 0; ; try++ {
		var made api.Credential
		err := c.t.do(ctx, http.MethodPost, "/api/v2/integrations/credentials", body, &made)
		if err == nil {
			c.creds[made.ID] = api.CredentialInfo{ID: made.ID, Name: body.Name, Type: body.Type}
			return made.ID, c.credentialAlone(ctx, integrationID, made.ID)
		}
		if !Transient(err) || try >= maxTries {
			return "", fmt.Errorf("create credential: %w", redact(err, body.CredentialFields))
		}
		// The answer may be lost but the credential made: look for it.
		var listing rawList[api.CredentialInfo]
		if lerr := c.t.do(ctx, http.MethodGet, "/api/v2/integrations/credentials/listing", nil, &listing); lerr != nil {
			return "", lerr
		}
		for _, ci := range listing.items {
			if ci.Name == body.Name {
				c.creds[ci.ID] = ci
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

// credentialAlone is alone for credentials: right after making one, a
// credential another writer made for the same integration at the same
// moment makes this run delete its own and back off.
func (c *Client) credentialAlone(ctx context.Context, integrationID, id string) error {
	var listing rawList[api.CredentialInfo]
	if err := c.t.do(ctx, http.MethodGet, "/api/v2/integrations/credentials/listing", nil, &listing); err != nil {
		return err
	}
	var others []string
	for _, ci := range listing.items {
		if owner, _, ok := parseCredentialName(ci.Name); ok && owner == integrationID && ci.ID != id {
			others = append(others, ci.ID)
		}
	}
	if len(others) == 0 {
		return nil
	}
	if err := c.deleteCredential(ctx, id); err != nil {
		return err
	}
	return fmt.Errorf("a credential for integration %s was made at the same moment by another writer (%s): another writer is at work; this run backed off, run again", integrationID, strings.Join(others, ", "))
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
// the credential first, so an interruption cannot leave it orphaned.
func (c *Client) delete(ctx context.Context, id string) error {
	if ours := c.ourCredential(id); ours != nil {
		if err := c.deleteCredential(ctx, ours.ID); err != nil {
			return err
		}
	}
	err := c.t.do(ctx, http.MethodDelete, "/api/v2/integrations/"+id, nil, nil)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil // a retried delete whose first answer was lost
	}
	return err
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

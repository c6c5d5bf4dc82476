package genesys

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/org"
)

// Observe reads the org in bulk: every integration with its configuration
// inline (expand=config.current), every credential (a cursor listing, 200
// a page), and the data actions, concurrently. A no-op run therefore costs
// a handful of calls however many integrations there are.
func (c *Client) Observe(ctx context.Context) (org.State, error) {
	var (
		ints    []api.Integration
		creds   []api.CredentialInfo
		actions []api.Action
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		ints, err = listAll[api.Integration](gctx, c.t, "/api/v2/integrations?expand=config.current")
		return err
	})
	g.Go(func() (err error) {
		creds, err = listCredentials(gctx, c.t)
		return err
	})
	g.Go(func() (err error) {
		actions, err = listAll[api.Action](gctx, c.t, "/api/v2/integrations/actions?includeAuthActions=true&includeConfig=true")
		return err
	})
	if err := g.Wait(); err != nil {
		return org.State{}, fmt.Errorf("observe the org: %w", err)
	}
	c.creds = map[string]api.CredentialInfo{}
	for _, ci := range creds {
		c.creds[ci.ID] = ci
	}
	c.configs = map[string]*api.Configuration{}
	c.relisted, c.existing, c.made, c.drafts = false, nil, nil, nil
	st := org.State{Limits: map[string]int{}}
	for vendor, vf := range c.vendors {
		if vf.maxInstances > 0 {
			st.Limits[vendor] = vf.maxInstances
		}
	}
	for _, in := range ints {
		vendor, ok := c.vendorOf[in.IntegrationType.ID]
		if !ok {
			continue // not a data action integration reconcile knows
		}
		cfg, err := c.config(ctx, in)
		if err != nil {
			return org.State{}, err
		}
		c.configs[in.ID] = cfg
		m := markOf(cfg)
		oi := org.Integration{ID: in.ID, Name: in.Name, Type: vendor, Notes: cfg.Notes,
			Active: in.IntendedState == "ENABLED", Owner: m.Owner, Applied: m.Applied}
		if name, pending := strings.CutPrefix(in.Name, PendingPrefix); pending {
			oi.Name, oi.Pending, oi.Owner, oi.Applied = name, true, "", nil
		}
		if vendor == "web-services" {
			oi.MTLS = mtlsOf(cfg)
		}
		if rs := in.ReportedState; rs != nil && rs.Code == "ERROR" {
			c.log.Warn("the org reports this integration in error", "integration", in.Name, "id", in.ID, "reason", reason(rs))
		}
		oi.Credential = c.attached(in.ID, vendor, cfg)
		st.Integrations = append(st.Integrations, oi)
	}
	if err := c.dataActions(ctx, &st, actions); err != nil {
		return org.State{}, fmt.Errorf("observe the org: %w", err)
	}
	return st, nil
}

// config returns the integration's configuration: inline when the listing
// expanded it, else one GET (the fallback should expand not be honoured).
func (c *Client) config(ctx context.Context, in api.Integration) (*api.Configuration, error) {
	if in.Config != nil && in.Config.Current != nil {
		return in.Config.Current, nil
	}
	var cfg api.Configuration
	if err := c.t.do(ctx, http.MethodGet, "/api/v2/integrations/"+in.ID+"/config/current", nil, &cfg); err != nil {
		return nil, fmt.Errorf("read the configuration of %s: %w", in.Name, err)
	}
	return &cfg, nil
}

// attached describes the credential in the configuration's slot, with the
// fingerprint its name carries when reconcile made it for this integration.
func (c *Client) attached(integrationID, vendor string, cfg *api.Configuration) *org.Credential {
	v := api.Vendors[vendor]
	ref, ok := cfg.Credentials[c.vendors[vendor].slot]
	if !ok || ref.ID == "" {
		return nil
	}
	oc := &org.Credential{ID: ref.ID}
	ci, known := c.creds[ref.ID]
	if !known {
		return oc // attached but gone: planned as a credential to replace or remove
	}
	oc.Type = ci.TypeOf()
	for ours, ct := range v.Credentials {
		if ct.Name == ci.TypeOf() {
			oc.Type = ours
		}
	}
	if id, fp, ours := parseCredentialName(ci.Name); ours && id == integrationID {
		oc.Fingerprint = fp
	}
	return oc
}

func mtlsOf(cfg *api.Configuration) string {
	stored, _ := cfg.Properties[api.MTLSProperty].(string)
	for ours, s := range api.MTLSValues {
		if s == stored {
			return ours
		}
	}
	if stored == "" {
		return "genesys-cloud" // the API's default
	}
	return stored
}

// reason is what the org says of an integration in error.
func reason(rs *api.IntegrationStatus) string {
	if rs.Detail != nil && rs.Detail.Message != "" {
		return rs.Detail.Message
	}
	return "no reason given"
}

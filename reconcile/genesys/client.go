package genesys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/time/rate"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// Regions are the Genesys Cloud domains, as the official SDK's region
// table (PureCloudRegionHosts) has them: the API is api.<domain>, the
// token endpoint login.<domain>/oauth/token.
var Regions = []string{
	"mypurecloud.com", "usw2.pure.cloud", "cac1.pure.cloud", "use2.us-gov-pure.cloud", "sae1.pure.cloud",
	"mypurecloud.ie", "euw2.pure.cloud", "mypurecloud.de", "euc2.pure.cloud", "aps1.pure.cloud",
	"apne2.pure.cloud", "mypurecloud.com.au", "mypurecloud.jp", "apne3.pure.cloud", "mec1.pure.cloud",
	"mxc1.pure.cloud", "apse1.pure.cloud", "edee1.eusc-pure.cloud",
}

// Options configure a Client.
type Options struct {
	// Region is a domain of Regions; or APIURL (e.g. the emulator) with an
	// optional TokenURL, which otherwise is APIURL + "/oauth/token".
	Region, APIURL, TokenURL string
	ClientID, ClientSecret   string
	// RequestsPerMinute paces requests on the client side; 0 means 300,
	// the community figure for one token.
	RequestsPerMinute int
	// Retries bounds the tries after a transient fault; 0 means 8.
	Retries int
	// Timeout bounds one request; 0 means 30 s.
	Timeout time.Duration
	// RetryBudget bounds how long one request is retried while the org
	// gives no answer at all (connection refused, DNS, TLS, timeouts) or
	// the token endpoint fails (429, 5xx); 0 means 30 s.
	RetryBudget time.Duration
	// Backoff replaces the wait before retry number attempt (tests).
	Backoff func(attempt int) time.Duration
	// Transport, if set, sends the requests (tests); else the default.
	Transport http.RoundTripper
	// Log gets a warning for each retry; nil discards them.
	Log *slog.Logger
}

// Endpoints returns the API base URL and the token URL of o. A URL that
// holds a user name or password is refused, and so is plain http to a
// host other than this machine (127.0.0.1, ::1, localhost: the
// emulator), which would carry the client secret in clear.
func (o Options) Endpoints() (apiURL, tokenURL string, err error) {
	switch {
	case o.APIURL != "" && o.Region != "":
		return "", "", fmt.Errorf("give a region or an apiUrl, not both")
	case o.APIURL != "":
		if err := checkURL("apiUrl", o.APIURL); err != nil {
			return "", "", err
		}
		apiURL = strings.TrimSuffix(o.APIURL, "/")
		tokenURL = o.TokenURL
		if tokenURL == "" {
			tokenURL = apiURL + "/oauth/token"
		} else if err := checkURL("tokenUrl", tokenURL); err != nil {
			return "", "", err
		}
		return apiURL, tokenURL, nil
	case slices.Contains(Regions, o.Region):
		return "https://api." + o.Region, "https://login." + o.Region + "/oauth/token", nil
	}
	return "", "", fmt.Errorf("unknown region %q; one of: %s", o.Region, strings.Join(Regions, ", "))
}

// checkURL says what is wrong with raw as the URL named name, quoting it
// without its user name and password.
func checkURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a password
		}
		return fmt.Errorf("%s is not a URL: %v", name, err)
	}
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	switch {
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return fmt.Errorf("%s %s is not an http(s) URL", name, shown)
	case u.User != nil:
		return fmt.Errorf("%s %s holds a user name or password: give neither there (the client id and secret are GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET)", name, shown)
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return fmt.Errorf("%s %s is plain http to another machine: the client secret would travel in clear; use https (http is for 127.0.0.1, ::1 and localhost)", name, shown)
	}
	return nil
}

// loopback says whether host names this machine.
func loopback(host string) bool {
	return host == "127.0.0.1" || host == "::1" || strings.EqualFold(host, "localhost")
}

// Client is an org reached through the Platform API.
type Client struct {
	t        *transport
	readOnly bool
	log      *slog.Logger
	// What the org says of itself, checked against the table at Open.
	facts    []Fact
	vendors  map[string]*vendorFacts // by our vendor type
	vendorOf map[string]string       // integration type id → our vendor type
	// The org's catalogue, for doctor.
	typeIDs, credTypeNames []string

	// cache of the last observation, used by Apply.
	creds   map[string]api.CredentialInfo // by id
	configs map[string]*api.Configuration // by integration id
	// scope holds the integrations that declare data actions (Scope), by
	// vendor type and name key; published the ids of the published actions
	// (observed, and published since); drafts the org's drafts, listed once
	// an apply, when a create first needs them.
	scope     map[string]bool
	scopeAll  bool
	published map[string]bool
	drafts    []api.Action

	// What this apply made, checked once after the last change for a
	// writer that made the same at the same moment (see Finish).
	relisted bool                         // the org was listed again before the first create
	existing map[string][]api.Integration // that listing, by nameKey
	made     []made
}

// made is an integration or credential this apply created.
type made struct {
	change      string // the plan change's name
	typeID      string // integration: its type
	name        string // integration: its spec name
	integration string // the integration's id
	credential  string // the credential's id, for a credential
}

// Open authenticates and discovers the org's integration and credential
// types. A read-only client refuses every write.
func Open(ctx context.Context, o Options, readOnly bool) (*Client, error) {
	apiURL, tokenURL, err := o.Endpoints()
	if err != nil {
		return nil, err
	}
	if o.ClientID == "" || o.ClientSecret == "" {
		return nil, fmt.Errorf("the genesys target needs GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET")
	}
	perMinute := o.RequestsPerMinute
	if perMinute <= 0 {
		perMinute = 300
	}
	retries := o.Retries
	if retries <= 0 {
		retries = 8
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	budget := o.RetryBudget
	if budget <= 0 {
		budget = 30 * time.Second
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bo := o.Backoff
	if bo == nil {
		bo = backoff
	}
	c := &Client{readOnly: readOnly, log: log, t: &transport{
		base:     apiURL,
		http:     &http.Client{Timeout: timeout, Transport: o.Transport},
		clientID: o.ClientID,
		login:    tokenURL,
		budget:   budget,
		log:      log,
		secrets:  clientForms(o.ClientID, o.ClientSecret),
		oauth: &clientcredentials.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, TokenURL: tokenURL,
			AuthStyle: oauth2.AuthStyleInHeader},
		limiter:  rate.NewLimiter(rate.Limit(float64(perMinute)/60), max(1, perMinute/60)),
		retries:  retries,
		backoff:  bo,
		requests: map[string]int{},
	}}
	if err := c.discover(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Close releases nothing; the API has no session.
func (c *Client) Close() error { return nil }

// Requests returns the requests sent, by "METHOD CODE".
func (c *Client) Requests() map[string]int { return c.t.Requests() }

func (c *Client) discover(ctx context.Context) error {
	types, err := listAll[api.IntegrationType](ctx, c.t, "/api/v2/integrations/types")
	if err != nil {
		return fmt.Errorf("discover integration types: %w", err)
	}
	var raw rawList[api.CredentialTypeInfo]
	if err := c.t.do(ctx, http.MethodGet, "/api/v2/integrations/credentials/types", nil, &raw); err != nil {
		return fmt.Errorf("discover credential types: %w", err)
	}
	c.facts, c.vendors = checkFacts(types, raw.items)
	c.typeIDs, c.credTypeNames = nil, nil
	for _, t := range types {
		c.typeIDs = append(c.typeIDs, t.ID)
	}
	for _, ct := range raw.items {
		c.credTypeNames = append(c.credTypeNames, ct.Name)
	}
	slices.Sort(c.typeIDs)
	slices.Sort(c.credTypeNames)
	c.vendorOf = map[string]string{}
	for vendor, vf := range c.vendors {
		if vf.typeID != "" {
			c.vendorOf[vf.typeID] = vendor
		}
	}
	return nil
}

// Facts returns every fact of reconcile's table as checked against the org
// at Open, in vendor order.
func (c *Client) Facts() []Fact { return slices.Clone(c.facts) }

// Missing returns the vendors whose facts the org contradicts or lacks,
// with what is wrong; reconcile refuses specs of those vendors before any
// write.
func (c *Client) Missing() map[string]string {
	out := map[string]string{}
	for vendor, vf := range c.vendors {
		if len(vf.problems) > 0 {
			out[vendor] = strings.Join(vf.problems, "; ")
		}
	}
	return out
}

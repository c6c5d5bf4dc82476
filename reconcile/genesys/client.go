package genesys

import (
	"context"
	"fmt"
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

// Regions are the Genesys Cloud domains: the API is api.<domain>, the
// token endpoint login.<domain>/oauth/token.
var Regions = []string{
	"mypurecloud.com", "usw2.pure.cloud", "cac1.pure.cloud", "use2.us-gov-pure.cloud", "sae1.pure.cloud",
	"mypurecloud.ie", "euw2.pure.cloud", "mypurecloud.de", "euc2.pure.cloud", "aps1.pure.cloud",
	"apne2.pure.cloud", "mypurecloud.com.au", "mypurecloud.jp", "apne3.pure.cloud", "mec1.pure.cloud", "me.pure.cloud",
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
	// Backoff replaces the wait before retry number attempt (tests).
	Backoff func(attempt int) time.Duration
}

// Endpoints returns the API base URL and the token URL of o.
func (o Options) Endpoints() (apiURL, tokenURL string, err error) {
	switch {
	case o.APIURL != "" && o.Region != "":
		return "", "", fmt.Errorf("give a region or an apiUrl, not both")
	case o.APIURL != "":
		u, err := url.Parse(o.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", "", fmt.Errorf("apiUrl %q is not an http(s) URL", o.APIURL)
		}
		apiURL = strings.TrimSuffix(o.APIURL, "/")
		tokenURL = o.TokenURL
		if tokenURL == "" {
			tokenURL = apiURL + "/oauth/token"
		}
		return apiURL, tokenURL, nil
	case slices.Contains(Regions, o.Region):
		return "https://api." + o.Region, "https://login." + o.Region + "/oauth/token", nil
	}
	return "", "", fmt.Errorf("unknown region %q; one of: %s", o.Region, strings.Join(Regions, ", "))
}

// Client is an org reached through the Platform API.
type Client struct {
	t        *transport
	readOnly bool
	// types maps our vendor type to the org's integration type id, and
	// back; found at Open.
	typeID       map[string]string
	vendorOf     map[string]string
	credTypes    map[string]bool
	maxInstances map[string]int

	// cache of the last observation, used by Apply.
	creds   map[string]api.CredentialInfo // by id
	configs map[string]*api.Configuration // by integration id
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
	bo := o.Backoff
	if bo == nil {
		bo = backoff
	}
	c := &Client{readOnly: readOnly, t: &transport{
		base: apiURL,
		http: &http.Client{Timeout: timeout},
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
	c.typeID, c.vendorOf, c.maxInstances = map[string]string{}, map[string]string{}, map[string]int{}
	for _, v := range api.Vendors {
		for _, t := range types {
			if (v.IntegrationType != "" && t.ID == v.IntegrationType) ||
				(v.IntegrationType == "" && strings.Contains(strings.ToLower(t.Name), v.NameHint)) {
				c.typeID[v.Type], c.vendorOf[t.ID], c.maxInstances[v.Type] = t.ID, v.Type, t.MaxInstances
				break
			}
		}
	}
	var raw rawList[api.CredentialTypeInfo]
	if err := c.t.do(ctx, http.MethodGet, "/api/v2/integrations/credentials/types", nil, &raw); err != nil {
		return fmt.Errorf("discover credential types: %w", err)
	}
	c.credTypes = map[string]bool{}
	for _, ct := range raw.items {
		c.credTypes[ct.Name] = true
	}
	return nil
}

// Missing returns the vendors whose integration type or credential types
// the org does not offer, with what is missing; reconcile refuses specs of
// those vendors.
func (c *Client) Missing() map[string]string {
	out := map[string]string{}
	for _, v := range api.Vendors {
		if c.typeID[v.Type] == "" {
			if v.IntegrationType != "" {
				out[v.Type] = "integration type " + v.IntegrationType
			} else {
				out[v.Type] = "an integration type named like " + v.NameHint
			}
			continue
		}
		for _, ct := range v.Credentials {
			if !c.credTypes[ct.Name] {
				out[v.Type] = "credential type " + ct.Name
			}
		}
	}
	return out
}

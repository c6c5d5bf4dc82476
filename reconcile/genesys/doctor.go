package genesys

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// Doctor returns every fact reconcile relies on, as the org confirms or
// contradicts it: the table's (see Facts), and what only the org's own
// integrations can show: whether the listing honours
// expand=config.current, and whether the org keeps reconcile's mark in a
// configuration's advanced object. It only reads.
func (c *Client) Doctor(ctx context.Context) ([]Fact, error) {
	facts := c.Facts()
	var page api.Page[api.Integration]
	if err := c.t.do(ctx, http.MethodGet, fmt.Sprintf("/api/v2/integrations?pageSize=%d&pageNumber=1&expand=config.current", pageSize), nil, &page); err != nil {
		return nil, fmt.Errorf("list the integrations: %w", err)
	}
	expand := Fact{Vendor: "org", What: "the integration listing honours expand=config.current", Want: "configurations inline"}
	mark := Fact{Vendor: "org", What: "the org keeps reconcile's mark in a configuration's advanced object", Want: fmt.Sprintf("advanced.%s.owner", markKey)}
	ours, inline, marked := 0, 0, 0
	for _, in := range page.Entities {
		if _, known := c.vendorOf[in.IntegrationType.ID]; !known {
			continue
		}
		ours++
		if in.Config != nil && in.Config.Current != nil {
			inline++
			if _, ok := in.Config.Current.Advanced[markKey].(map[string]any); ok {
				marked++
			}
		}
	}
	switch {
	case ours == 0:
		expand.Unchecked, expand.Problem = true, "the org holds no data action integration to look at"
	case inline == ours:
		expand.OK, expand.Org = true, fmt.Sprintf("%d of %d inline", inline, ours)
	default:
		expand.Org = fmt.Sprintf("%d of %d inline", inline, ours)
		expand.Problem = "the listing does not return every configuration inline: each run reads them one GET at a time (slower, still correct)"
	}
	switch {
	case marked > 0:
		mark.OK, mark.Org = true, fmt.Sprintf("seen on %d integrations", marked)
	default:
		mark.Unchecked, mark.Problem = true, "no integration carries reconcile's mark yet: run doctor again after the first apply"
	}
	return append(facts, expand, mark), nil
}

// Catalogue returns the ids of the org's integration types and the names of
// its credential types, as read at Open.
func (c *Client) Catalogue() (types, credentialTypes []string) {
	return slices.Clone(c.typeIDs), slices.Clone(c.credTypeNames)
}

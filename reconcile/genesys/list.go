package genesys

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// pageSize is the largest page known to work.
const pageSize = 100

// listAll reads every page of a paged listing.
func listAll[T any](ctx context.Context, t *transport, path string) ([]T, error) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var out []T
	for n := 1; ; n++ {
		var page api.Page[T]
		if err := t.do(ctx, http.MethodGet, fmt.Sprintf("%s%spageSize=%d&pageNumber=%d", path, sep, pageSize, n), nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Entities...)
		if n >= page.PageCount || len(page.Entities) == 0 {
			return out, nil
		}
		if n >= maxPages {
			return nil, fmt.Errorf("GET %s: more than %d pages", path, maxPages)
		}
	}
}

// credentialPageSize is the credential listing's largest page.
const credentialPageSize = 200

// listCredentials reads every page of the credential cursor listing,
// following each page's nextUri (its after cursor) until there is none or
// a page is empty, as the Terraform provider does.
func listCredentials(ctx context.Context, t *transport) ([]api.CredentialInfo, error) {
	var out []api.CredentialInfo
	after := ""
	for n := 0; ; n++ {
		path := fmt.Sprintf("/api/v2/integrations/credentials/listing?pageSize=%d", credentialPageSize)
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		var page api.CursorPage[api.CredentialInfo]
		if err := t.do(ctx, http.MethodGet, path, nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Entities...)
		next := cursor(page.NextURI)
		if len(page.Entities) == 0 || next == "" {
			return out, nil
		}
		if next == after || n >= maxPages {
			return nil, fmt.Errorf("GET /api/v2/integrations/credentials/listing: the cursor does not move on after %d pages", n+1)
		}
		after = next
	}
}

// maxPages bounds a listing that never ends.
const maxPages = 10000

// cursor returns the after parameter of a nextUri.
func cursor(nextURI string) string {
	if nextURI == "" {
		return ""
	}
	u, err := url.Parse(nextURI)
	if err != nil {
		return ""
	}
	return u.Query().Get("after")
}

// rawList decodes either a bare array or {"entities": [...]}: the
// credential types answer changed from one to the other.
type rawList[T any] struct{ items []T }

func (r *rawList[T]) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &r.items)
	}
	var page api.Page[T]
	if err := json.Unmarshal(b, &page); err != nil {
		return err
	}
	r.items = page.Entities
	return nil
}

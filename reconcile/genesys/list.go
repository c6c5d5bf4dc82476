package genesys

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// pageSize is the largest page known to work.
const pageSize = 100

// maxPages bounds a listing: 100,000 integrations or actions, 200,000
// credentials. An org that counts more, or does not stop, is taken to be
// broken, not read for ever.
const maxPages = 1000

// pages checks that the pages of one listing are each new: an org that
// answers a page twice would otherwise be read in circles, and one
// entity counted twice.
type pages map[[sha256.Size]byte]int // a page's entities → its number

// repeat returns the number of an earlier page with the same entities as
// page n, or 0.
func (p pages) repeat(n int, entities []byte) int {
	sum := sha256.Sum256(entities)
	if m, ok := p[sum]; ok {
		return m
	}
	p[sum] = n
	return 0
}

// listAll reads every page of a paged listing. It stops with an error at
// the first page that contradicts the others: answered as another page,
// the same as an earlier page, counting more pages than before or than
// maxPages, or empty before the last.
func listAll[T any](ctx context.Context, t *transport, path string) ([]T, error) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var out []T
	seen := pages{}
	count := 0 // the page count the previous page gave
	for n := 1; ; n++ {
		var page struct {
			Entities   json.RawMessage `json:"entities"`
			PageNumber int             `json:"pageNumber"`
			PageCount  int             `json:"pageCount"`
		}
		if err := t.do(ctx, http.MethodGet, fmt.Sprintf("%s%spageSize=%d&pageNumber=%d", path, sep, pageSize, n), nil, &page); err != nil {
			return nil, err
		}
		var entities []T
		if len(page.Entities) > 0 {
			if err := json.Unmarshal(page.Entities, &entities); err != nil {
				return nil, fmt.Errorf("GET %s: decode page %d: %w", path, n, err)
			}
		}
		var problem string
		switch {
		case page.PageNumber != 0 && page.PageNumber != n:
			problem = fmt.Sprintf("page %d was answered as page %d", n, page.PageNumber)
		case page.PageCount > maxPages:
			problem = fmt.Sprintf("the org counts %d pages, more than the %d read at most", page.PageCount, maxPages)
		case n > 1 && page.PageCount > count:
			problem = fmt.Sprintf("the page count grew from %d to %d at page %d", count, page.PageCount, n)
		case len(entities) == 0 && n < page.PageCount:
			problem = fmt.Sprintf("page %d of %d is empty", n, page.PageCount)
		case len(entities) > 0:
			if m := seen.repeat(n, page.Entities); m > 0 {
				problem = fmt.Sprintf("page %d repeats page %d", n, m)
			}
		}
		if problem != "" {
			return nil, fmt.Errorf("GET %s: %s", path, problem)
		}
		out = append(out, entities...)
		if n >= page.PageCount || len(entities) == 0 {
			return out, nil
		}
		count = page.PageCount
	}
}

// credentialPageSize is the credential listing's largest page.
const credentialPageSize = 200

// maxCursor bounds the length of an after cursor an org may give.
const maxCursor = 1024

// listCredentials reads every page of the credential cursor listing,
// following each page's nextUri (its after cursor) until there is none,
// as the Terraform provider does. It stops with an error at the first
// page that is empty yet names a next one, names a next page it cannot
// follow or has already followed, or repeats an earlier page, and after
// maxPages.
func listCredentials(ctx context.Context, t *transport) ([]api.CredentialInfo, error) {
	const listing = "/api/v2/integrations/credentials/listing"
	var out []api.CredentialInfo
	seen := pages{}
	followed := map[string]bool{}
	after := ""
	for n := 1; n <= maxPages; n++ {
		path := fmt.Sprintf("%s?pageSize=%d", listing, credentialPageSize)
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		var page struct {
			Entities json.RawMessage `json:"entities"`
			NextURI  string          `json:"nextUri"`
		}
		if err := t.do(ctx, http.MethodGet, path, nil, &page); err != nil {
			return nil, err
		}
		var entities []api.CredentialInfo
		if len(page.Entities) > 0 {
			if err := json.Unmarshal(page.Entities, &entities); err != nil {
				return nil, fmt.Errorf("GET %s: decode page %d: %w", listing, n, err)
			}
		}
		next := cursor(page.NextURI)
		var problem string
		switch {
		case page.NextURI == "":
			return append(out, entities...), nil
		case next == "":
			problem = fmt.Sprintf("page %d names a next page with no after cursor (%s)", n, summarise(page.NextURI, 80, nil))
		case len(next) > maxCursor:
			problem = fmt.Sprintf("page %d names a cursor of %d characters, more than %d", n, len(next), maxCursor)
		case len(entities) == 0:
			problem = fmt.Sprintf("page %d is empty yet names a next page", n)
		case followed[next]:
			problem = fmt.Sprintf("page %d leads back to cursor %q", n, summarise(next, 80, nil))
		default:
			if m := seen.repeat(n, page.Entities); m > 0 {
				problem = fmt.Sprintf("page %d repeats page %d", n, m)
			}
		}
		if problem != "" {
			return nil, fmt.Errorf("GET %s: %s", listing, problem)
		}
		out = append(out, entities...)
		followed[next], after = true, next
	}
	return nil, fmt.Errorf("GET %s: more than %d pages: the listing does not end", listing, maxPages)
}

// cursor returns the after parameter of a nextUri, or "" if it has none.
func cursor(nextURI string) string {
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

package genesys

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
	}
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

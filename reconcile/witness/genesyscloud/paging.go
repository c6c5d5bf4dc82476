package genesyscloud

import (
	"net/http"
	"net/url"
	"strconv"
)

// Paging limits of the entity listings (pageSize / pageNumber).
const (
	defaultPageSize = 25  // the SDK's documented default
	maxPageSize     = 100 // genesys-api.md: 100 is known to work; larger is capped, not refused
)

// paging is a listing's pageSize and pageNumber (1-based).
type paging struct {
	size, number int
}

// parsePaging reads pageSize and pageNumber from q.
func parsePaging(q url.Values) (paging, error) {
	p := paging{size: defaultPageSize, number: 1}
	for _, f := range []struct {
		name string
		to   *int
	}{{"pageSize", &p.size}, {"pageNumber", &p.number}} {
		s := q.Get(f.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, errorf(http.StatusBadRequest, "%s must be a whole number of at least 1, not %q", f.name, s)
		}
		*f.to = n
	}
	p.size = min(p.size, maxPageSize)
	return p, nil
}

// page returns the page p of all, its URIs built from u (the request's).
func page[T any](p paging, all []T, u *url.URL) EntityListing[T] {
	total := len(all)
	count := (total + p.size - 1) / p.size
	lo := min((p.number-1)*p.size, total)
	hi := min(lo+p.size, total)
	entities := make([]T, hi-lo)
	copy(entities, all[lo:hi])
	uri := func(n int) string {
		q := u.Query()
		q.Set("pageSize", strconv.Itoa(p.size))
		q.Set("pageNumber", strconv.Itoa(n))
		return u.Path + "?" + q.Encode()
	}
	b := EntityListing[T]{
		Entities: entities, PageSize: p.size, PageNumber: p.number, PageCount: count, Total: total,
		FirstURI: uri(1),
		SelfURI:  uri(p.number),
		LastURI:  uri(max(count, 1)),
	}
	if p.number < count {
		b.NextURI = uri(p.number + 1)
	}
	if p.number > 1 {
		b.PreviousURI = uri(min(p.number-1, max(count, 1)))
	}
	return b
}

package genesyscloud

import (
	"net/http"
	"slices"
	"strings"
)

// handler serves one route; id is the path's {id}, if the pattern has one.
type handler func(w http.ResponseWriter, r *http.Request, id string)

// route is one method and path pattern. A "{id}" segment matches any
// non-empty segment.
type route struct {
	method, pattern string
	segs            []string
	h               handler
}

// router matches like http.ServeMux (the most specific pattern wins, a
// path known under other methods is a 405) but answers with ErrorBody and
// names the matched pattern, which is what the stats count.
type router struct {
	routes []route
}

func (rt *router) handle(method, pattern string, h handler) {
	rt.routes = append(rt.routes, route{method: method, pattern: pattern, segs: strings.Split(pattern, "/"), h: h})
}

// match returns the route for method and path, the id it captured, and
// the pattern to count the request under: the route's, or the most
// specific pattern of the path under another method (then allow lists
// those methods), or the path itself when no pattern matches.
func (rt *router) match(method, path string) (r *route, id, pattern string, allow []string) {
	segs := strings.Split(path, "/")
	var best, bestAny *route
	var bestID string
	for k := range rt.routes {
		c := &rt.routes[k]
		cid, ok := matchSegs(c.segs, segs)
		if !ok {
			continue
		}
		if bestAny == nil || moreSpecific(c, bestAny) {
			bestAny = c
		}
		if c.method == method && (best == nil || moreSpecific(c, best)) {
			best, bestID = c, cid
		}
	}
	switch {
	case best != nil:
		return best, bestID, best.pattern, nil
	case bestAny != nil:
		for _, c := range rt.routes {
			if _, ok := matchSegs(c.segs, segs); ok && !slices.Contains(allow, c.method) {
				allow = append(allow, c.method)
			}
		}
		slices.Sort(allow)
		return nil, "", bestAny.pattern, allow
	}
	return nil, "", path, nil
}

// matchSegs matches a path's segments against a pattern's.
func matchSegs(pattern, path []string) (id string, ok bool) {
	if len(pattern) != len(path) {
		return "", false
	}
	for i, p := range pattern {
		switch {
		case p == "{id}" && path[i] != "":
			id = path[i]
		case p != path[i]:
			return "", false
		}
	}
	return id, true
}

// moreSpecific says whether a has a literal segment where b first has a
// wildcard.
func moreSpecific(a, b *route) bool {
	for i := range a.segs {
		aw, bw := a.segs[i] == "{id}", b.segs[i] == "{id}"
		if aw != bw {
			return bw
		}
	}
	return false
}

// serve answers r with its route, or 404 or 405.
func (rt *router) serve(w http.ResponseWriter, r *http.Request) {
	c, id, _, allow := rt.match(r.Method, r.URL.Path)
	switch {
	case c != nil:
		c.h(w, r, id)
	case allow != nil:
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeErr(w, errorf(http.StatusMethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path))
	default:
		writeErr(w, errorf(http.StatusNotFound, "no resource at %s", r.URL.Path))
	}
}

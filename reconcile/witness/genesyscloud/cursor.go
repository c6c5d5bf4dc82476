package genesyscloud

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Limits of the cursor listing of credentials (the SDK:
// getIntegrationsCredentialsListing, "pageSize: Number of entities to
// return. Maximum of 200."; the default 25 is genesys-api.md's).
const (
	defaultCursorPageSize = 25
	maxCursorPageSize     = 200
)

// cursorPrefix starts every cursor, so that a random string is refused.
const cursorPrefix = "seq:"

// encodeCursor makes the opaque cursor of a credential's creation
// sequence number.
func encodeCursor(seq uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatUint(seq, 10)))
}

func decodeCursor(name, s string) (uint64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	n, perr := strconv.ParseUint(rest, 10, 64)
	if err != nil || !ok || perr != nil {
		return 0, errorf(http.StatusBadRequest, "%s is not a cursor this listing made", name)
	}
	return n, nil
}

// cursorPage returns the page of creds (in creation order) that q asks
// for: pageSize of them after the cursor after, or before the cursor
// before, or from the start.
func cursorPage(creds []*credential, u *url.URL) (CredentialInfoCursorListing, error) {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return CredentialInfoCursorListing{}, errorf(http.StatusBadRequest, "the query is not valid: %v", err)
	}
	size := defaultCursorPageSize
	if s := q.Get("pageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxCursorPageSize {
			return CredentialInfoCursorListing{}, errorf(http.StatusBadRequest,
				"pageSize must be a whole number from 1 to %d, not %q", maxCursorPageSize, s)
		}
		size = n
	}
	after, before := q.Get("after"), q.Get("before")
	lo, hi := 0, min(size, len(creds))
	switch {
	case after != "" && before != "":
		return CredentialInfoCursorListing{}, errorf(http.StatusBadRequest, "give after or before, not both")
	case after != "":
		seq, err := decodeCursor("after", after)
		if err != nil {
			return CredentialInfoCursorListing{}, err
		}
		lo = len(creds)
		for k, c := range creds {
			if c.seq > seq {
				lo = k
				break
			}
		}
		hi = min(lo+size, len(creds))
	case before != "":
		seq, err := decodeCursor("before", before)
		if err != nil {
			return CredentialInfoCursorListing{}, err
		}
		hi = 0
		for k, c := range creds {
			if c.seq < seq {
				hi = k + 1
			}
		}
		lo = max(hi-size, 0)
	}
	out := CredentialInfoCursorListing{Entities: []CredentialInfo{}, SelfURI: u.Path}
	if u.RawQuery != "" {
		out.SelfURI += "?" + u.RawQuery
	}
	for _, c := range creds[lo:hi] {
		out.Entities = append(out.Entities, c.info())
	}
	link := func(key string, seq uint64) string {
		v := url.Values{key: {encodeCursor(seq)}, "pageSize": {strconv.Itoa(size)}}
		return u.Path + "?" + v.Encode()
	}
	if hi < len(creds) && hi > lo {
		out.NextURI = link("after", creds[hi-1].seq)
	}
	if lo > 0 && lo < len(creds) {
		out.PreviousURI = link("before", creds[lo].seq)
	}
	return out, nil
}

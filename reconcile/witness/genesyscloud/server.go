package genesyscloud

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Server.
type Options struct {
	// ClientID and ClientSecret are the only OAuth client /oauth/token
	// accepts. Both are required.
	ClientID, ClientSecret string
	// Catalog is the integration and credential types the org offers;
	// nil means DefaultCatalog(). New copies it.
	Catalog *Catalog
	// FaultRate is the fraction, in [0, 1], of /oauth/token and /api/v2
	// requests answered with 500, 503 or a dropped connection.
	FaultRate float64
	// RateLimit is the most /oauth/token and /api/v2 requests a minute,
	// all clients together; 0 means no limit. Over it: 429 and Retry-After.
	RateLimit int
	// Latency is added to each /oauth/token and /api/v2 answer.
	Latency time.Duration
	// Lag is the eventual consistency, in requests: the first Lag GETs of
	// a new integration (/api/v2/integrations/{id} or its
	// /config/current) answer 404, and the first Lag GETs of
	// /api/v2/integrations/{id} after its DELETE still answer it. 0 means
	// none.
	Lag int
	// Seed makes the faults, and the ids, repeatable.
	Seed int64
	// StatePath, if set, is a JSON file the org is loaded from at start
	// (when it exists) and saved to, atomically, after each write.
	StatePath string
}

// Stats are the request counts and the size of the org, as GET
// /emulator/stats answers them.
type Stats struct {
	// Requests counts /oauth/token and /api/v2 requests, faulted and rate
	// limited ones included, by "METHOD pattern" with path parameters as
	// {id}; a path no pattern matches is counted as it is.
	Requests     map[string]int `json:"requests"`
	Integrations int            `json:"integrations"`
	Credentials  int            `json:"credentials"`
}

// Server is the emulated org and its HTTP API. It is an http.Handler, safe
// for concurrent use.
type Server struct {
	opts    Options
	cat     *catalog
	now     func() time.Time
	api     router // /oauth/token and /api/v2
	admin   router // /emulator
	tokens  tokens
	faults  *faults
	limiter *limiter
	script  script
	lag     *lag

	mu  sync.Mutex // guards org and the state file
	org *org

	statsMu  sync.Mutex
	requests map[string]int
}

// New returns a Server, with the org of opts.StatePath if that file
// exists, else an empty one.
func New(opts Options) (*Server, error) {
	var errs []error
	if opts.ClientID == "" || opts.ClientSecret == "" {
		errs = append(errs, errors.New("a client id and a client secret are required"))
	}
	if !(opts.FaultRate >= 0 && opts.FaultRate <= 1) {
		errs = append(errs, fmt.Errorf("the fault rate must be between 0 and 1, not %v", opts.FaultRate))
	}
	if opts.RateLimit < 0 {
		errs = append(errs, fmt.Errorf("the rate limit must not be negative, not %d", opts.RateLimit))
	}
	if opts.Latency < 0 {
		errs = append(errs, fmt.Errorf("the latency must not be negative, not %v", opts.Latency))
	}
	if opts.Lag < 0 {
		errs = append(errs, fmt.Errorf("the lag must not be negative, not %d", opts.Lag))
	}
	c := DefaultCatalog()
	if opts.Catalog != nil {
		c = *opts.Catalog
	}
	cat, err := newCatalog(c)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	s := &Server{
		opts:     opts,
		cat:      cat,
		now:      time.Now,
		faults:   newFaults(opts.FaultRate, opts.Seed),
		limiter:  newLimiter(opts.RateLimit),
		lag:      newLag(opts.Lag),
		requests: map[string]int{},
	}
	s.org = newOrg(cat, opts.Seed, s.now)
	if opts.StatePath != "" {
		o, err := loadState(opts.StatePath, s.org)
		if err != nil {
			return nil, fmt.Errorf("emulator: %w", err)
		}
		s.org = o
	}
	s.routes()
	return s, nil
}

// ServeHTTP answers r: /emulator directly; /oauth/token and /api/v2 after
// counting, rate limiting, scripted and random faults and latency;
// anything else 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path == "/emulator" || strings.HasPrefix(path, "/emulator/") {
		s.admin.serve(w, r)
		return
	}
	if path != "/oauth/token" && path != "/api/v2" && !strings.HasPrefix(path, "/api/v2/") {
		writeErr(w, errorf(http.StatusNotFound, "no resource at %s", path))
		return
	}
	_, _, pattern, _ := s.api.match(r.Method, path)
	s.count(r.Method + " " + pattern)
	ok, retryAfter := s.limiter.take()
	f := s.faults.draw() // drawn for every request, so the sequence is the seed's
	if !sleep(r.Context(), s.opts.Latency) {
		return // the client is gone
	}
	if status, scripted := s.script.take(r.Method, pattern); scripted {
		answerScripted(w, r.Method, pattern, status)
		return
	}
	switch {
	case !ok:
		w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
		writeErr(w, errorf(http.StatusTooManyRequests, "rate limit of %d requests a minute exceeded: retry after %d s", s.opts.RateLimit, retryAfter))
	case f.kind == noFault:
		s.serveAPI(w, r)
	default:
		if f.after && isWrite(r.Method) {
			s.serveAPI(&discard{}, r)
		}
		f.answer(w)
	}
}

// serveAPI answers an /oauth/token or /api/v2 request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/oauth/token" && !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeErr(w, errorf(http.StatusUnauthorized, "a valid bearer token from /oauth/token is required"))
		return
	}
	s.api.serve(w, r)
}

func (s *Server) count(key string) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.requests[key]++
}

// Stats returns the request counts and the size of the org, as GET
// /emulator/stats does.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	req := maps.Clone(s.requests)
	s.statsMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Requests: req, Integrations: len(s.org.integrations), Credentials: len(s.org.credentials)}
}

// Reset empties the org and the request counts, forgets the scripted
// faults and the lag, and starts the ids, the random faults and the rate
// limit over, as if the Server were new and the state file empty (which
// it saves). Tokens already issued stay valid.
func (s *Server) Reset() { _ = s.reset() }

func (s *Server) reset() error {
	s.statsMu.Lock()
	s.requests = map[string]int{}
	s.statsMu.Unlock()
	s.faults.reset()
	s.limiter.reset()
	s.script.reset()
	s.lag.reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.org = newOrg(s.cat, s.opts.Seed, s.now)
	return s.save()
}

// AddAction adds a data action named name to an integration, as a person
// would in the admin UI, and returns its id.
func (s *Server) AddAction(integrationID, name string) (string, error) {
	a, err := update(s, func(o *org) (action, error) { return o.addAction(integrationID, name, false) })
	if err != nil {
		return "", fmt.Errorf("emulator: %w", err)
	}
	return a.id, nil
}

// SetReportedState sets an integration's reportedState, as the
// integration itself would report it: code is ACTIVE, ACTIVATING,
// INACTIVE, DEACTIVATING or ERROR, message (if not empty) its
// detail.message. The next PATCH or configuration PUT of an enabled
// integration sets it again.
func (s *Server) SetReportedState(integrationID, code, message string) error {
	_, err := update(s, func(o *org) (struct{}, error) {
		return struct{}{}, o.setReportedState(integrationID, code, message)
	})
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	return nil
}

// Token issues an access token as POST /oauth/token does, but outside the
// request path: it is not counted, faulted, rate limited or delayed. Tests
// use it to reach /api/v2 when faults or a tight rate limit would stop them
// getting one.
func (s *Server) Token() string { return s.tokens.issue() }

// update runs a write on the org under the lock and saves the state file
// after it succeeded.
func update[T any](s *Server, fn func(*org) (T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := fn(s.org)
	if err != nil {
		return v, err
	}
	if err := s.save(); err != nil {
		var zero T
		return zero, errorf(http.StatusInternalServerError, "the write was applied but the state file was not saved: %v", err)
	}
	return v, nil
}

// view runs a read of the org under the lock.
func view[T any](s *Server, fn func(*org) (T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(s.org)
}

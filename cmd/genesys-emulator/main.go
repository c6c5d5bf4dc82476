// Command genesys-emulator serves an in-memory Genesys Cloud org speaking
// the subset of the Platform API reconcile uses, for tests and demos: the
// witness of package reconcile/witness/genesyscloud. --catalog serves the
// integration and credential types of a JSON file (a genesyscloud.Catalog)
// instead of the built-in ones; --lag makes it eventually consistent.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }() // a second signal kills at once
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// shutdownGrace is how long requests in flight get to finish after a signal.
const shutdownGrace = 5 * time.Second

// run serves until ctx is done; it never calls os.Exit. Logs and errors go
// to stderr; stdout is unused.
func run(ctx context.Context, args []string, _, stderr io.Writer) int {
	listen, catalogPath, opts, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if catalogPath != "" {
		c, err := readCatalog(catalogPath)
		if err != nil {
			fmt.Fprintf(stderr, "genesys-emulator: %v\n", err)
			return exitError
		}
		opts.Catalog = &c
	}
	srv, err := genesyscloud.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "genesys-emulator: %v\n", err)
		return exitError
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		fmt.Fprintf(stderr, "genesys-emulator: %v\n", err)
		return exitError
	}
	state := opts.StatePath
	if state == "" {
		state = "none"
	}
	limit := "none"
	if opts.RateLimit > 0 {
		limit = fmt.Sprintf("%d/min", opts.RateLimit)
	}
	catalog := "default"
	if catalogPath != "" {
		catalog = catalogPath
	}
	fmt.Fprintf(stderr, "genesys-emulator: serving http://%s (state %s, catalog %s, seed %d, fault rate %g, rate limit %s, latency %v, lag %d)\n",
		ln.Addr(), state, catalog, opts.Seed, opts.FaultRate, limit, opts.Latency, opts.Lag)

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "genesys-emulator: %v\n", err)
		return exitError
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "genesys-emulator: shut down: %v\n", err)
		_ = hs.Close()
		return exitError
	}
	fmt.Fprintln(stderr, "genesys-emulator: stopped")
	return exitOK
}

// parseArgs reads the flags, and the client id and secret from the
// environment when the flags do not give them. Usage errors are reported
// on stderr.
func parseArgs(args []string, stderr io.Writer) (listen, catalog string, o genesyscloud.Options, err error) {
	fs := flag.NewFlagSet("genesys-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: genesys-emulator [flags]\n\n"+
			"The client id and secret default to $GENESYS_CLIENT_ID and $GENESYS_CLIENT_SECRET.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&listen, "listen", "127.0.0.1:8080", "`address` to listen on")
	fs.StringVar(&o.ClientID, "client-id", "", "the OAuth client `id` to accept (default $GENESYS_CLIENT_ID)")
	fs.StringVar(&o.ClientSecret, "client-secret", "", "the OAuth client `secret` to accept (default $GENESYS_CLIENT_SECRET)")
	fs.StringVar(&o.StatePath, "state", "", "JSON `file` to load the org from and save it to (default: memory only)")
	fs.StringVar(&catalog, "catalog", "", "JSON `file` of the integration and credential types to serve, a genesyscloud.Catalog (default: the built-in one)")
	fs.Func("lag", "eventual consistency: the first `N` GETs of a new integration answer 404, of a deleted one 200 (default 0)", func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return errors.New("want a whole number, not negative")
		}
		o.Lag = n
		return nil
	})
	fs.Int64Var(&o.Seed, "seed", 0, "seed of the faults and ids")
	fs.Func("fault-rate", "`fraction` of requests answered with 500, 503 or a dropped connection (0 to 1)", func(s string) error {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= 0 && f <= 1) {
			return errors.New("want a number from 0 to 1")
		}
		o.FaultRate = f
		return nil
	})
	fs.Func("rate-limit", "most requests, as `N/min` or N/s (default no limit)", func(s string) (err error) {
		o.RateLimit, err = parseRate(s)
		return err
	})
	fs.Func("latency", "`duration` added to each answer, e.g. 20ms", func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return errors.New("want a duration such as 20ms, not negative")
		}
		o.Latency = d
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return "", "", o, err
	}
	fail := func(format string, args ...any) error {
		err := fmt.Errorf(format, args...)
		fmt.Fprintf(stderr, "genesys-emulator: %v\n", err)
		return err
	}
	if fs.NArg() > 0 {
		return "", "", o, fail("unexpected argument %q: every setting is a flag", fs.Arg(0))
	}
	if o.ClientID == "" {
		o.ClientID = os.Getenv("GENESYS_CLIENT_ID")
	}
	if o.ClientSecret == "" {
		o.ClientSecret = os.Getenv("GENESYS_CLIENT_SECRET")
	}
	var missing []string
	if o.ClientID == "" {
		missing = append(missing, "a client id (--client-id or $GENESYS_CLIENT_ID)")
	}
	if o.ClientSecret == "" {
		missing = append(missing, "a client secret (--client-secret or $GENESYS_CLIENT_SECRET)")
	}
	if missing != nil {
		verb := map[bool]string{true: "is", false: "are"}[len(missing) == 1]
		return "", "", o, fail("%s %s required", strings.Join(missing, " and "), verb)
	}
	return listen, catalog, o, nil
}

// maxCatalog caps the catalogue file.
const maxCatalog = 1 << 20

// readCatalog reads a Catalog from a JSON file; a field it does not know
// is an error. genesyscloud.New checks what it says.
func readCatalog(path string) (genesyscloud.Catalog, error) {
	var c genesyscloud.Catalog
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("catalog: %w", err)
	}
	if len(b) > maxCatalog {
		return c, fmt.Errorf("catalog: %s is larger than %d bytes", path, maxCatalog)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("catalog: %s: %w", path, err)
	}
	if dec.More() {
		return c, fmt.Errorf("catalog: %s: more than one JSON value", path)
	}
	return c, nil
}

// parseRate reads N/min or N/s as requests a minute.
func parseRate(s string) (int, error) {
	n, unit, ok := strings.Cut(s, "/")
	v, err := strconv.Atoi(n)
	if !ok || err != nil || v < 0 {
		return 0, errors.New("want N/min or N/s, N a whole number")
	}
	switch unit {
	case "min":
		return v, nil
	case "s":
		return v * 60, nil
	}
	return 0, fmt.Errorf("unit %q: want min or s", unit)
}

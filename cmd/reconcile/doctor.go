package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/config"
	"github.com/reconcile-dev/reconcile/reconcile/genesys"
)

// doctor checks, reading only, every fact reconcile relies on in the
// configured Genesys org, and prints each with ✓, ✗ or – (not checkable
// yet). It exits 1 on any ✗.
func doctor(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout, stderr io.Writer) int {
	g := cfg.Target.Genesys
	if g == nil {
		fmt.Fprintln(stderr, "reconcile: doctor checks a Genesys Cloud target; the configured target is the local org")
		return exitError
	}
	opts := genesysOptions(cfg, log)
	apiURL, tokenURL, err := opts.Endpoints()
	if err != nil {
		fmt.Fprintf(stderr, "reconcile: %v\n", err)
		return exitError
	}
	where := "region " + g.Region
	if g.Region == "" {
		where = "apiUrl " + apiURL // as Endpoints checked it: no user or password
	}
	fmt.Fprintf(stdout, "Checking the Genesys Cloud org at %s (%s), client id %q. Nothing is written.\n\n", apiURL, where, opts.ClientID)
	c, err := genesys.Open(ctx, opts, true)
	if err != nil {
		fmt.Fprintf(stdout, "✗ login and catalogue: %v\n", err)
		var le *genesys.LoginError
		if errors.As(err, &le) {
			fmt.Fprintf(stdout, "  the token endpoint is %s; GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET must be an OAuth client with the client-credentials grant in this region\n", tokenURL)
		}
		return exitError
	}
	defer c.Close()
	types, creds := c.Catalogue()
	fmt.Fprintf(stdout, "✓ login: a token for client id %q from %s\n", opts.ClientID, tokenURL)
	fmt.Fprintf(stdout, "✓ integration types: the org offers %d: %s\n", len(types), strings.Join(types, ", "))
	fmt.Fprintf(stdout, "✓ credential types: the org offers %d: %s\n", len(creds), strings.Join(creds, ", "))
	facts, err := c.Doctor(ctx)
	if err != nil {
		fmt.Fprintf(stdout, "✗ %v\n", err)
		return exitError
	}
	bad, unchecked := 0, 0
	for _, f := range facts {
		switch {
		case f.OK:
			fmt.Fprintf(stdout, "✓ %s: %s: %s\n", f.Vendor, f.What, f.Org)
		case f.Unchecked:
			unchecked++
			fmt.Fprintf(stdout, "– %s: %s: not checked: %s\n", f.Vendor, f.What, f.Problem)
		default:
			bad++
			fmt.Fprintf(stdout, "✗ %s: %s: %s\n", f.Vendor, f.What, f.Problem)
			fmt.Fprintf(stdout, "  reconcile's table: %s; the org: %s\n", orNone(f.Want), orNone(f.Org))
		}
	}
	fmt.Fprintf(stdout, "\n%d facts: %d ✓, %d ✗, %d not checked.\n", len(facts)+3, len(facts)+3-bad-unchecked, bad, unchecked)
	if bad > 0 {
		fmt.Fprintln(stdout, "Specs of the vendors marked ✗ are refused before any write; see the README's section \"Genesys Cloud\".")
		return exitError
	}
	return exitOK
}

func orNone(s string) string {
	if s == "" {
		return "(left to the org)"
	}
	return s
}

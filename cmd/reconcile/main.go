// Command reconcile applies data action integration specs, kept in git and
// encrypted with sops, to a Genesys Cloud org or the embedded local org.
package main

import (
	"context"
	"os"
)

func main() {
	ctx, stop := interruptible(context.Background())
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

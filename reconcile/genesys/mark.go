package genesys

import (
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// PendingPrefix starts the name of an integration reconcile has created
// but not yet configured.
const PendingPrefix = "reconcile-pending:"

// credentialPrefix starts the name of every credential reconcile makes.
const credentialPrefix = "reconcile-"

// credentialName names the credential reconcile attaches to an
// integration: its id, then the keyed fingerprint of the values.
func credentialName(integrationID, fingerprint string) string {
	return credentialPrefix + integrationID + " " + fingerprint
}

// parseCredentialName returns the integration id and fingerprint of a
// credential reconcile made; ok is false for any other credential.
func parseCredentialName(name string) (integrationID, fingerprint string, ok bool) {
	rest, found := strings.CutPrefix(name, credentialPrefix)
	if !found {
		return "", "", false
	}
	integrationID, fingerprint, _ = strings.Cut(rest, " ")
	return integrationID, fingerprint, integrationID != ""
}

// markKey is the key of reconcile's object in a configuration's advanced
// settings; owner is its ownership mark.
const (
	markKey = "reconcile"
	owner   = "reconcile"
)

func owned(cfg *api.Configuration) bool {
	m, _ := cfg.Advanced[markKey].(map[string]any)
	return m["owner"] == owner
}

func setOwned(cfg *api.Configuration) {
	if cfg.Advanced == nil {
		cfg.Advanced = map[string]any{}
	}
	cfg.Advanced[markKey] = map[string]any{"owner": owner}
}

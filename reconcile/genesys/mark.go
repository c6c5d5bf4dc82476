package genesys

import (
	"encoding/json"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// PendingPrefix starts the name of an integration reconcile has created
// but not yet configured.
const PendingPrefix = spec.ReservedPrefix

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
// settings: {"owner": OWNER, "applied": RECORD}, where OWNER is the owner
// of the deployment that created the integration and RECORD an
// org.Record, what reconcile last applied.
const markKey = "reconcile"

// mark is reconcile's object in a configuration's advanced settings.
type mark struct {
	Owner   string      `json:"owner,omitempty"`
	Applied *org.Record `json:"applied,omitempty"`
}

// markOf reads the mark of a configuration; a malformed one reads as none.
func markOf(cfg *api.Configuration) mark {
	var m mark
	raw, ok := cfg.Advanced[markKey]
	if !ok {
		return m
	}
	b, err := json.Marshal(raw)
	if err != nil || json.Unmarshal(b, &m) != nil {
		return mark{}
	}
	return m
}

// setMark writes m into the configuration, as the generic JSON the API
// round-trips.
func setMark(cfg *api.Configuration, m mark) {
	if cfg.Advanced == nil {
		cfg.Advanced = map[string]any{}
	}
	var v map[string]any
	b, _ := json.Marshal(m)
	json.Unmarshal(b, &v)
	cfg.Advanced[markKey] = v
}

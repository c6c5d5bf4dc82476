// Package org describes an org's integrations as reconcile observes them:
// the "current state" side of the plan. Its implementations (the embedded
// local org in org/local, the Genesys Cloud client) translate their
// storage to these types.
package org

import (
	"bytes"
	"encoding/json"
)

// Integration is one integration as the org holds it.
type Integration struct {
	ID     string
	Name   string
	Type   string // a spec.Vendor's Type
	Notes  string
	Active bool
	MTLS   string // web-services only: "genesys-cloud" or "digicert"
	// Credential is nil when no credential is attached.
	Credential *Credential
	// Owner is the ownership mark reconcile left when it created the
	// integration: the owner of the deployment that made it (see
	// plan.Options.Owner). Empty when reconcile did not create it; only
	// the integrations of a deployment's owner are its orphans, and pruned.
	Owner string
	// Applied is reconcile's record of what it last applied to the
	// integration, kept in the org beside the owner; nil when reconcile
	// never changed it, or last did before records were kept.
	Applied *Record
	// Actions counts the integration's data actions, which break when its
	// credential type changes.
	Actions int
	// Pending says reconcile created the integration but was interrupted
	// before configuring it (its name, notes and mark are not set yet, so
	// its owner is unknown).
	Pending bool
}

// Credential is the credential attached to an integration. The org never
// holds a secret value, only its keyed fingerprint.
type Credential struct {
	ID   string
	Type string // in our words, as spec.Credential.Type
	// Fingerprint is the one stored with the credential when reconcile set
	// it; empty when something else set it.
	Fingerprint string
}

// State is everything observed of an org.
type State struct {
	Integrations []Integration
	// Limits holds the org's own limit per vendor type where it says one
	// (Genesys: the integration type's maxInstances); the planner uses it
	// instead of the built-in limit.
	Limits map[string]int
}

// Record is what reconcile last applied to an integration. It is kept in
// the org itself (Genesys: in the configuration's advanced settings; the
// local org: beside the integration), so that any machine can tell a
// change made outside reconcile (the org differs from the record: drift)
// from a change in a spec (the spec differs from it). It never holds a
// secret value: a secret field is recorded by its keyed fingerprint.
type Record struct {
	Name       string            `json:"name"`
	Notes      string            `json:"notes,omitempty"`
	Active     bool              `json:"active"`
	MTLS       string            `json:"mtls,omitempty"`
	Credential *RecordCredential `json:"credential,omitempty"`
}

// RecordCredential is the credential as reconcile last set it.
type RecordCredential struct {
	Type string `json:"type"`
	// Fingerprint is the whole credential's, as the org's credential
	// carries it: while the two agree, the record describes it.
	Fingerprint string `json:"fingerprint"`
	// Fields holds each non-secret field's value by key path, such as
	// "loginUrl" or "scopes".
	Fields map[string]any `json:"fields,omitempty"`
	// Secrets holds each secret field's keyed fingerprint by key path,
	// such as "password" or "fields.apiKey".
	Secrets map[string]string `json:"secrets,omitempty"`
}

// SameValue compares two recorded values as JSON holds them: a record
// read back from an org has float64 numbers and []any lists, a spec's may
// have others.
func SameValue(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// Keys returns the keys of a and b, once each.
func Keys[V any](a, b map[string]V) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

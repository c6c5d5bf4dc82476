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
	// DataActions are the integration's published data actions, in the
	// org's order (Genesys' own auth actions left out).
	DataActions []Action
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

// Action is a published data action as the org holds it.
type Action struct {
	ID       string
	Name     string
	Category string
	Secure   bool
	Version  int
	// Config is the action's configuration as the API has it; Contract
	// its contract ({input: {inputSchema}, output: {successSchema}}).
	// Either is nil when the org was not asked for it (Genesys lists
	// actions without their contract: it is read only for the actions
	// reconcile has no record of).
	Config, Contract map[string]any
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
	// Actions are the data actions reconcile published on the
	// integration, as it published them: the ones it owns.
	Actions []RecordAction `json:"actions,omitempty"`
}

// RecordAction is a data action as reconcile last published it.
type RecordAction struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Config and Contract are the spec's digests (spec.Action's
	// ConfigDigest and ContractDigest) of what was published.
	Config   string `json:"config"`
	Contract string `json:"contract"`
	// Version is the published version reconcile made: while the org's is
	// the same, the action is as the digests say.
	Version int `json:"version"`
}

// RecordedAction returns the record of the action id, or nil.
func (r *Record) RecordedAction(id string) *RecordAction {
	if r == nil {
		return nil
	}
	for i := range r.Actions {
		if r.Actions[i].ID == id {
			return &r.Actions[i]
		}
	}
	return nil
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

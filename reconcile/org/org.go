// Package org describes an org's integrations as reconcile observes them:
// the "current state" side of the plan. Its implementations (the embedded
// local org in org/local, the Genesys Cloud client) translate their
// storage to these types.
package org

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
	// Owned says reconcile created the integration; only owned
	// integrations are ever pruned.
	Owned bool
	// Actions counts the integration's data actions, which break when its
	// credential type changes.
	Actions int
	// Pending says reconcile created the integration but was interrupted
	// before configuring it (its name, notes and mark are not set yet).
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

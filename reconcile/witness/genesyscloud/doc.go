// Package genesyscloud is an in-memory Genesys Cloud org served over HTTP:
// an independent witness for tests of the Genesys client, and the org the
// genesys-emulator command serves.
//
// It is written from its own sources, never from the client's: the wire
// types (wire.go) from the models of the official JavaScript SDK,
// purecloud-platform-client-v2 (index.d.ts), and the routes from its
// IntegrationsApi.js; the catalogue of integration and credential types
// (DefaultCatalog) from shared/contract/genesys-api.md, each fact there
// marked when no public source confirms it, and some invented on purpose
// (the Google slot) so that a client that guesses rather than reads the
// types fails. It imports nothing of this module but reconcile/atomicfile
// (TestImportsNothingOfTheClient holds it to that), so a wrong fact in the
// client fails a test instead of being mirrored.
//
// It speaks the subset of the Platform API reconcile uses: OAuth client
// credentials (/oauth/token, with RFC 6749 errors), integrations and
// their current configuration, credentials (cursor listing, secrets never
// returned), integration and credential types, and data actions: drafts
// (a new action, or a copy of a published one), their patches with a
// version check, publishing (version up, same id), reads with
// expand=contract and includeConfig, listings, deletes, and test
// execution of a draft or a published action. The contract of a
// published action cannot change. Test execution (execute.go) runs a
// small, stated subset of Velocity, JSONPath and JSON Schema, refuses
// what it does not support rather than guessing, and calls loopback
// services only, so no test reaches the network. Like a real
// org it allows duplicate integration names, enforces maxInstances,
// rejects stale configuration versions with 409, refuses a credential slot
// the type does not declare, a credential type the slot does not take, a
// credential with unknown or missing fields, reports ERROR for an enabled
// integration whose required slot is empty, and makes the auth action
// customAuth_-_<integrationId> when a userDefinedOAuth credential is
// attached.
//
// To exercise a client's resilience it can answer a fraction of the
// /oauth/token and /api/v2 requests with 500, 503 or a dropped connection
// (for writes, half of them after the write was applied: the lost
// response), rate limit them with 429 and Retry-After, delay them, fail
// the next requests of a route on cue (FailNext), and lag like an
// eventually consistent store (Options.Lag). The random faults come from a
// source seeded by Options.Seed, so a given request order meets the same
// faults and gets the same ids every run. The /emulator endpoints (stats,
// reset, actions, faults, reported-state) are never faulted, limited,
// delayed or counted.
//
// With Options.StatePath the org survives restarts: it is loaded at start
// and saved atomically after each write, credential fields replaced by a
// SHA-256 so that the file holds no secret.
package genesyscloud

// Package emulator is an in-memory Genesys Cloud org that speaks the subset
// of the Platform API reconcile uses (see shared/contract/genesys-api.md):
// OAuth client credentials, integrations and their current configuration,
// credentials, integration and credential types, and data actions.
//
// It is the test double of the real Genesys client: end-to-end tests and
// benchmarks run the client against a *Server, usually through
// httptest.NewServer, and the genesys-emulator command serves one on a
// port. Like the real API it allows duplicate integration names, enforces
// maxInstances per integration type, rejects stale configuration versions
// with 409, and never returns credential fields.
//
// Every fact about types comes from the one vendor table, api.Vendors,
// and spec.LookupVendor for maxInstances, so the emulator serves exactly
// what the client expects to discover.
//
// To exercise a client's resilience it can answer a fraction of the
// /oauth/token and /api/v2 requests with 500, 503 or a dropped connection
// (for writes, half of them after the write was applied: the lost
// response), rate limit them with 429 and Retry-After, and delay them. The
// faults come from a random source seeded by Options.Seed, so a given
// request order meets the same faults every run. The /emulator endpoints
// (stats, reset, actions) are never faulted, limited, delayed or counted.
//
// With Options.StatePath the org survives restarts: it is loaded at start
// and saved atomically after each write, credential fields replaced by a
// SHA-256 so that the file holds no secret.
package genesyscloud

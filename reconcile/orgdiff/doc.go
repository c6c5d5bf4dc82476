// Package orgdiff compares what two orgs hold, for reconcile diff ENV1
// ENV2 (contract section 10). It sits beside the plan stage, after
// observe: Compare is a pure function from two observed org.States to a
// Diff value, with no I/O, and Text and JSON print that value.
//
// Only observed, non-secret attributes are compared: an integration's
// name, notes, active flag, mTLS provider, credential type and the
// readable credential fields of reconcile's record, where the record
// describes the org's credential. Secrets and fingerprints (keyed per org,
// so they always differ) are never read, so they cannot be printed.
package orgdiff

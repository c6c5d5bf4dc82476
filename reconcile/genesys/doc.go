// Package genesys is the Genesys Cloud target: an org reached through the
// Platform API, observed in bulk and changed with the fewest calls.
//
// Where reconcile keeps its marks in the org:
//   - an integration it created carries {"reconcile": {"owner": "reconcile"}}
//     in its configuration's advanced object;
//   - while being created, before that configuration is written, it is
//     named PendingPrefix + its name, so a run interrupted between the two
//     calls leaves an integration the next run recognises and finishes;
//   - the credential it attaches is named "reconcile-<integration id>
//     <fingerprint>", which holds the keyed fingerprint of the values and
//     lets a later run find the credential again after a lost response.
package genesys

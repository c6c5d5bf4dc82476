// Package watch is the daemon's last stage: Loop calls a reconcile
// function at start, after changes under a directory (debounced), at every
// resync, and again with backoff after a failure; Tree turns file-system
// events under a directory into the change signals Loop waits for. Neither
// knows anything about specs.
package watch

// Package spec holds the domain vocabulary shared by every stage of the
// pipeline: a desired integration (Spec), its credential, the vendors and
// their per-org limits, the Secret type that cannot be printed by accident,
// and Problem, the located error every stage reports.
package spec

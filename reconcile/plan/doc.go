// Package plan computes what must change in an org for it to match the
// specs. Build is a pure function: from the desired state (loaded specs)
// and the observed state (org.State) to a Plan value, with no I/O. The
// apply stage consumes the Plan; the render package prints it.
package plan

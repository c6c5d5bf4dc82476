// Package planfile is the saved plan: the JSON plan of a dry run plus what
// applying it later needs to be sure it applies exactly what was reviewed.
// It holds the digest of every spec file the plan was computed from and of
// every integration observed in the org, never a secret value: spec files
// are digested as they are on disk (sops-encrypted), and what the org holds
// of credentials is already a keyed fingerprint.
package planfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/atomicfile"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// FormatVersion is the version of the saved part of the file.
const FormatVersion = 1

// File is a saved plan: the JSON plan, and under "saved" what it was
// computed from.
type File struct {
	render.JSONReport
	Saved Saved `json:"saved"`
}

// Saved is what a plan was computed from.
type Saved struct {
	FormatVersion int `json:"formatVersion"`
	// Env is the environment the plan is of, when the configuration has
	// several; apply FILE selects it.
	Env string `json:"env,omitempty"`
	// Target names the org: "local PATH" or "genesys API-URL".
	Target  string  `json:"target"`
	Options Options `json:"options"`
	// Specs is the digest of each spec file, by path in the spec directory.
	Specs map[string]string `json:"specs"`
	// Org is the digest of each integration observed, by id, and of the
	// org's limits under "limits".
	Org map[string]string `json:"org"`
}

// Options are the plan options the plan was made with; applying it uses
// them, not the command line's.
type Options struct {
	Prune                     bool     `json:"prune"`
	AllowCredentialTypeChange bool     `json:"allowCredentialTypeChange"`
	AllowDeleteWithActions    bool     `json:"allowDeleteWithActions"`
	Owner                     string   `json:"owner"`
	Targets                   []string `json:"targets"`
	AllowActionReplace        bool     `json:"allowActionReplace,omitempty"`
	Test                      bool     `json:"test,omitempty"`
}

// PlanOptions returns o as the planner takes them.
func (o Options) PlanOptions() plan.Options {
	return plan.Options{Prune: o.Prune, AllowCredentialTypeChange: o.AllowCredentialTypeChange,
		AllowDeleteWithActions: o.AllowDeleteWithActions, Owner: o.Owner, Targets: o.Targets,
		AllowActionReplace: o.AllowActionReplace, Test: o.Test}
}

// New returns the saved plan of r, computed from specs and state with opts
// against target.
func New(r render.Report, specs []*spec.Spec, state org.State, target string, opts plan.Options) File {
	f := File{JSONReport: render.Object(r), Saved: Saved{FormatVersion: FormatVersion, Env: r.Env, Target: target,
		Options: Options{Prune: opts.Prune, AllowCredentialTypeChange: opts.AllowCredentialTypeChange,
			AllowDeleteWithActions: opts.AllowDeleteWithActions, Owner: opts.Owner, Targets: append([]string{}, opts.Targets...),
			AllowActionReplace: opts.AllowActionReplace, Test: opts.Test},
		Specs: specDigests(specs), Org: orgDigests(state)}}
	return f
}

// Write writes f to path, atomically, readable by its owner only (it names
// the org's integrations and ids).
func Write(path string, f File) error {
	var b bytes.Buffer
	if err := render.Encode(&b, f); err != nil {
		return err
	}
	if err := atomicfile.Write(path, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write the plan: %w", err)
	}
	return nil
}

// Read reads a saved plan.
func Read(path string) (File, error) {
	b, err := safefile.ReadFile(path, 64<<20) // a plan of 250 integrations is a few hundred KiB
	if err != nil {
		return File{}, fmt.Errorf("read the saved plan: %w", err)
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil {
		return File{}, fmt.Errorf("%s is not a saved plan: %v", path, err)
	}
	switch {
	case f.Saved.FormatVersion == 0:
		return File{}, fmt.Errorf("%s is not a saved plan: it has no \"saved\" object (make one with reconcile plan --out FILE)", path)
	case f.Saved.FormatVersion != FormatVersion || f.FormatVersion != render.JSONFormatVersion:
		return File{}, fmt.Errorf("%s is a saved plan of format %d/%d; this reconcile reads %d/%d", path, f.FormatVersion, f.Saved.FormatVersion, render.JSONFormatVersion, FormatVersion)
	case len(f.Errors) > 0:
		return File{}, fmt.Errorf("%s is the plan of a failed run (%d errors); it cannot be applied", path, len(f.Errors))
	}
	return f, nil
}

// ErrStale is the error of a plan whose inputs changed since it was made.
var ErrStale = errors.New("the saved plan is stale")

// Check says whether f still holds for specs and state, observed now
// against target, with p the plan they give: it fails, saying every
// difference, when a spec file or an integration changed, appeared or went
// since the plan was made, or when p differs from the saved plan.
func (f File) Check(target string, specs []*spec.Spec, state org.State, p plan.Plan) error {
	var why []string
	if f.Saved.Target != target {
		why = append(why, fmt.Sprintf("it was made for %s, not %s", f.Saved.Target, target))
	}
	why = append(why, differences("spec file", f.Saved.Specs, specDigests(specs), func(k string) string { return k })...)
	names := map[string]string{}
	for _, in := range state.Integrations {
		names[in.ID] = fmt.Sprintf("integration %q (%s, id %s)", in.Name, in.Type, in.ID)
	}
	why = append(why, differences("", f.Saved.Org, orgDigests(state), func(id string) string {
		if id == limitsKey {
			return "the org's limits"
		}
		return cmpOr(names[id], "integration "+id)
	})...)
	if len(why) == 0 {
		saved, _ := json.Marshal(f.Changes)
		now, _ := json.Marshal(render.Changes(p))
		if !bytes.Equal(saved, now) {
			why = append(why, "the plan computed now differs from the saved one (was the fingerprint key changed?)")
		}
	}
	if len(why) > 0 {
		return fmt.Errorf("%w: %s since it was made; make a new plan and review it", ErrStale, strings.Join(why, "; "))
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// differences words what changed between two digest maps.
func differences(what string, was, now map[string]string, name func(string) string) []string {
	prefix := ""
	if what != "" {
		prefix = what + " "
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(was)) {
		switch d, ok := now[k]; {
		case !ok && k == limitsKey:
			out = append(out, name(k)+" changed")
		case !ok:
			out = append(out, prefix+name(k)+" is gone")
		case d != was[k]:
			out = append(out, prefix+name(k)+" changed")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(now)) {
		if _, ok := was[k]; !ok {
			out = append(out, prefix+name(k)+" appeared")
		}
	}
	return out
}

func specDigests(specs []*spec.Spec) map[string]string {
	out := map[string]string{}
	for _, s := range specs {
		out[s.File] = s.Digest
	}
	return out
}

// limitsKey holds the digest of the org's limits among the integrations'.
const limitsKey = "limits"

func orgDigests(state org.State) map[string]string {
	out := map[string]string{}
	for _, in := range state.Integrations {
		out[in.ID] = digest(in)
	}
	out[limitsKey] = digest(state.Limits)
	return out
}

func digest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // observed state is JSON by construction
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

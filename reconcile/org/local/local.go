// Package local is the embedded org: a JSON file that stands in for a
// Genesys Cloud org, for demos, tests and teams that want a record without
// an API. It holds no secret value, only credential fingerprints. Writes
// are atomic (temp file, fsync, rename) and one run at a time holds a lock
// beside it.
package local

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/gofrs/flock"

	"github.com/reconcile-dev/reconcile/reconcile/atomicfile"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
)

// FormatVersion is the version of the file format this package writes.
const FormatVersion = 1

// file is the org file's content.
type file struct {
	FormatVersion int           `json:"formatVersion"`
	Integrations  []integration `json:"integrations"`
}

type integration struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Notes  string `json:"notes,omitempty"`
	Active bool   `json:"active"`
	MTLS   string `json:"mtls,omitempty"`
	// Owner is the owner of the deployment that created the integration
	// (plan.Options.Owner): the mark that allows pruning it.
	Owner      string      `json:"owner,omitempty"`
	Credential *credential `json:"credential,omitempty"`
	// Applied is reconcile's record of what it last applied (org.Record).
	Applied *org.Record `json:"applied,omitempty"`
	// Actions counts data actions people add by editing the file, beside
	// DataActions; reconcile refuses to change the credential type under
	// either.
	Actions int `json:"actions,omitempty"`
	// DataActions are the published data actions.
	DataActions []action `json:"dataActions,omitempty"`
}

// action is a published data action. The local org keeps no drafts: it
// publishes at once, and cannot run an action's tests.
type action struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Category string         `json:"category"`
	Secure   bool           `json:"secure,omitempty"`
	Version  int            `json:"version"`
	Config   map[string]any `json:"config"`
	Contract map[string]any `json:"contract"`
}

// ErrNoTests is returned when a change asks the local org to test a data
// action: only an org that runs actions can.
var ErrNoTests = errors.New("the local org cannot run data action tests (--test needs a Genesys Cloud target)")

type credential struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Org is an open local org file.
type Org struct {
	path     string
	readOnly bool
	lock     *flock.Flock
	data     file
}

// ErrReadOnly is returned by writes to an org opened read-only.
var ErrReadOnly = errors.New("the local org is open read-only (dry run)")

// Open opens the org file at path; a missing file is an empty org. Unless
// readOnly, it takes the lock path+".lock" (failing at once if another run
// holds it) until Close. A read-only org creates nothing on disk.
func Open(path string, readOnly bool) (*Org, error) {
	o := &Org{path: path, readOnly: readOnly}
	if !readOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		o.lock = flock.New(path + ".lock")
		ok, err := o.lock.TryLock()
		if err != nil {
			return nil, fmt.Errorf("lock the local org: %w", err)
		}
		if !ok {
			return nil, fmt.Errorf("the local org %s is locked by another reconcile run (lock file %s.lock)", path, path)
		}
	}
	if err := o.read(); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// Close releases the lock.
func (o *Org) Close() error {
	if o.lock != nil {
		return o.lock.Unlock()
	}
	return nil
}

// Path returns the org file's path.
func (o *Org) Path() string { return o.path }

// MaxFileSize caps the org file, far above what it needs: one org holds
// at most 250 integrations, of a few KiB each.
const MaxFileSize = 16 << 20

func (o *Org) read() error {
	b, err := safefile.ReadFile(o.path, MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		o.data = file{FormatVersion: FormatVersion}
		return nil
	}
	if err != nil {
		return err
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("the local org %s is not valid JSON (%v); reconcile will not overwrite it", o.path, err)
	}
	if f.FormatVersion != FormatVersion {
		return fmt.Errorf("the local org %s has format version %d; this reconcile reads version %d", o.path, f.FormatVersion, FormatVersion)
	}
	o.data = f
	return nil
}

// Observe returns the org's integrations, as of the file on disk.
func (o *Org) Observe(ctx context.Context) (org.State, error) {
	if err := o.read(); err != nil {
		return org.State{}, err
	}
	var st org.State
	for _, in := range o.data.Integrations {
		oi := org.Integration{ID: in.ID, Name: in.Name, Type: in.Type, Notes: in.Notes, Active: in.Active,
			MTLS: in.MTLS, Owner: in.Owner, Applied: in.Applied, Actions: in.Actions + len(in.DataActions)}
		for _, a := range in.DataActions {
			oi.DataActions = append(oi.DataActions, org.Action{ID: a.ID, Name: a.Name, Category: a.Category, Secure: a.Secure,
				Version: a.Version, Config: a.Config, Contract: a.Contract})
		}
		if c := in.Credential; c != nil {
			oi.Credential = &org.Credential{ID: c.ID, Type: c.Type, Fingerprint: c.Fingerprint}
		}
		st.Integrations = append(st.Integrations, oi)
	}
	return st, nil
}

// Apply carries out one change and writes the file once, so an integration
// is never left half-changed on disk. The change is made on a copy, kept
// only once the file is written: a failed write leaves memory and disk as
// they were.
func (o *Org) Apply(ctx context.Context, c plan.Change) error {
	if o.readOnly {
		return ErrReadOnly
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	next := file{FormatVersion: o.data.FormatVersion, Integrations: slices.Clone(o.data.Integrations)}
	i := -1
	if c.Current != nil {
		i = slices.IndexFunc(next.Integrations, func(in integration) bool { return in.ID == c.Current.ID })
		if i < 0 {
			return fmt.Errorf("integration %s (%s) is no longer in the org", c.Current.ID, c.Name)
		}
	}
	for _, a := range c.Actions {
		switch a {
		case plan.Create:
			next.Integrations = append(next.Integrations, integration{ID: newID(), Type: c.Type, Owner: cmp.Or(c.Owner, plan.DefaultOwner),
				Name: c.Spec.Name, Notes: c.Spec.Notes, MTLS: c.Spec.MTLS})
			i = len(next.Integrations) - 1
		case plan.Configure:
			in := &next.Integrations[i]
			in.Name, in.Notes, in.MTLS = c.Spec.Name, c.Spec.Notes, c.Spec.MTLS
		case plan.Credentials:
			in := &next.Integrations[i]
			if want := c.Spec.Credential; want == nil {
				in.Credential = nil
			} else {
				in.Credential = &credential{ID: newID(), Type: want.Type, Fingerprint: want.Fingerprint}
			}
		case plan.Activate:
			next.Integrations[i].Active = true
		case plan.Deactivate:
			next.Integrations[i].Active = false
		case plan.Delete:
			next.Integrations = slices.Delete(next.Integrations, i, i+1)
			i = -1
		default:
			return fmt.Errorf("unknown action %q", a)
		}
	}
	var published []org.RecordAction
	if i >= 0 && len(c.DataActions) > 0 {
		in := &next.Integrations[i]
		var err error
		if published, err = dataActions(in, c.DataActions); err != nil {
			return err
		}
	}
	if i >= 0 && c.Record != nil {
		rec := *c.Record
		rec.Actions = append(slices.Clone(rec.Actions), published...)
		next.Integrations[i].Applied = &rec
	}
	if err := o.write(next); err != nil {
		return err
	}
	o.data = next
	return nil
}

// dataActions applies the data action changes to in, on a copy of its
// list, and returns the records of the actions it published.
func dataActions(in *integration, changes []plan.ActionChange) ([]org.RecordAction, error) {
	list := slices.Clone(in.DataActions)
	var published []org.RecordAction
	find := func(id string) int { return slices.IndexFunc(list, func(a action) bool { return a.ID == id }) }
	for _, ch := range changes {
		if ch.Test {
			return nil, ErrNoTests
		}
		switch ch.Op {
		case plan.ActionCreate, plan.ActionReplace:
			if ch.Op == plan.ActionReplace {
				if j := find(ch.ID); j >= 0 {
					list = slices.Delete(list, j, j+1)
				}
			}
			a := action{ID: newID(), Name: ch.Spec.Name, Category: ch.Spec.Category, Secure: ch.Spec.Secure, Version: 1,
				Config: ch.Spec.Config, Contract: ch.Spec.Contract}
			list = append(list, a)
			published = append(published, plan.Published(ch.Spec, a.ID, a.Version))
		case plan.ActionUpdate:
			j := find(ch.ID)
			if j < 0 {
				return nil, fmt.Errorf("data action %s (%s) is no longer in the org", ch.ID, ch.Name)
			}
			a := &list[j]
			a.Name, a.Category, a.Config, a.Version = ch.Spec.Name, ch.Spec.Category, ch.Spec.Config, a.Version+1
			published = append(published, plan.Published(ch.Spec, a.ID, a.Version))
		case plan.ActionDelete:
			if j := find(ch.ID); j >= 0 {
				list = slices.Delete(list, j, j+1)
			}
		default:
			return nil, fmt.Errorf("unknown data action change %q", ch.Op)
		}
	}
	in.DataActions = list
	return published, nil
}

// write replaces the file atomically (see package atomicfile).
func (o *Org) write(f file) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(o.path, append(b, '\n'), 0o644)
}

func newID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

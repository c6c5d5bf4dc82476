package genesyscloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/reconcile-dev/reconcile/reconcile/atomicfile"
	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// stateFormat is the version of the state file's layout.
const stateFormat = 1

// stateFile is the org on disk. It holds no secret: a credential's fields
// are kept as a SHA-256, enough to know the credential exists.
type stateFile struct {
	Format       int                `json:"format"`
	NextID       uint64             `json:"nextId"`
	Integrations []stateIntegration `json:"integrations"`
	Credentials  []stateCredential  `json:"credentials"`
	Actions      []api.Action       `json:"actions"`
}

type stateIntegration struct {
	ID              string            `json:"id"`
	IntegrationType api.Ref           `json:"integrationType"`
	IntendedState   string            `json:"intendedState"`
	Config          api.Configuration `json:"config"`
}

type stateCredential struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Type         api.TypeName `json:"type"`
	FieldsSHA256 string       `json:"fieldsSha256"`
}

// loadState reads the org from path; a missing file is an empty org.
func loadState(path string, cat *catalog, seed int64) (*org, error) {
	o := newOrg(cat, seed)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return o, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load the state: %w", err)
	}
	var st stateFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("load the state: %s: %w", path, err)
	}
	if st.Format != stateFormat {
		return nil, fmt.Errorf("load the state: %s: format %d, want %d", path, st.Format, stateFormat)
	}
	o.nextID = st.NextID
	var errs []error
	seen := map[string]bool{}
	id := func(kind, id string) {
		if id == "" || seen[id] {
			errs = append(errs, fmt.Errorf("%s id %q is empty or not unique", kind, id))
		}
		seen[id] = true
	}
	for _, si := range st.Integrations {
		id("integration", si.ID)
		if _, ok := cat.typeByID[si.IntegrationType.ID]; !ok {
			errs = append(errs, fmt.Errorf("integration %s: unknown type %q", si.ID, si.IntegrationType.ID))
		}
		if si.IntendedState != enabled && si.IntendedState != disabled {
			errs = append(errs, fmt.Errorf("integration %s: intendedState %q", si.ID, si.IntendedState))
		}
		c := si.Config
		if c.Properties == nil {
			c.Properties = map[string]any{}
		}
		if c.Advanced == nil {
			c.Advanced = map[string]any{}
		}
		if c.Credentials == nil {
			c.Credentials = map[string]api.CredentialRef{}
		}
		o.integrations = append(o.integrations, &integration{id: si.ID, typeID: si.IntegrationType.ID, state: si.IntendedState, config: c})
	}
	for _, sc := range st.Credentials {
		id("credential", sc.ID)
		if !cat.credentialType[sc.Type.Name] {
			errs = append(errs, fmt.Errorf("credential %s: unknown type %q", sc.ID, sc.Type.Name))
		}
		o.credentials = append(o.credentials, &credential{id: sc.ID, name: sc.Name, typ: sc.Type.Name, sum: sc.FieldsSHA256})
	}
	for _, a := range st.Actions {
		id("action", a.ID)
		if !seen[a.IntegrationID] {
			errs = append(errs, fmt.Errorf("action %s: unknown integration %q", a.ID, a.IntegrationID))
		}
		o.actions = append(o.actions, a)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("load the state: %s: %w", path, err)
	}
	return o, nil
}

// save writes the org to the state file, if there is one. The caller
// holds s.mu, so saves happen in the order of the writes.
func (s *Server) save() error {
	if s.opts.StatePath == "" {
		return nil
	}
	o := s.org
	st := stateFile{Format: stateFormat, NextID: o.nextID,
		Integrations: []stateIntegration{}, Credentials: []stateCredential{}, Actions: o.actions}
	if st.Actions == nil {
		st.Actions = []api.Action{}
	}
	for _, i := range o.integrations {
		st.Integrations = append(st.Integrations, stateIntegration{ID: i.id, IntegrationType: api.Ref{ID: i.typeID}, IntendedState: i.state, Config: i.config})
	}
	for _, c := range o.credentials {
		st.Credentials = append(st.Credentials, stateCredential{ID: c.id, Name: c.name, Type: api.TypeName{Name: c.typ}, FieldsSHA256: c.sum})
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.opts.StatePath, append(b, '\n'), 0o600)
}

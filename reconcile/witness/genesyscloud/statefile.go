package genesyscloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/reconcile-dev/reconcile/reconcile/atomicfile"
)

// stateFormat is the version of the state file's layout. Format 2,
// whose actions had only an id, a name and an integration, still loads:
// its data actions get the config and contract /emulator/actions gives.
const (
	stateFormat    = 3
	oldStateFormat = 2
)

// stateFile is the org on disk, in the emulator's own layout (not a wire
// shape). It holds no secret: a credential's fields are kept as a
// SHA-256 of its id and fields, enough to know the credential exists.
type stateFile struct {
	Format       int                `json:"format"`
	NextID       uint64             `json:"nextId"`
	Integrations []stateIntegration `json:"integrations"`
	Credentials  []stateCredential  `json:"credentials"`
	Actions      []stateAction      `json:"actions"`
	Drafts       []stateAction      `json:"drafts"`
}

type stateIntegration struct {
	ID            string                `json:"id"`
	TypeID        string                `json:"typeId"`
	IntendedState string                `json:"intendedState"`
	ReportedState IntegrationStatusInfo `json:"reportedState"`
	Config        stateConfig           `json:"config"`
}

type stateConfig struct {
	Name        string            `json:"name"`
	Notes       string            `json:"notes"`
	Version     int               `json:"version"`
	Properties  map[string]any    `json:"properties"`
	Advanced    map[string]any    `json:"advanced"`
	Credentials map[string]string `json:"credentials"` // slot → credential id
}

type stateCredential struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Seq          uint64 `json:"seq"`
	CreatedDate  string `json:"createdDate"`
	ModifiedDate string `json:"modifiedDate"`
	FieldsSHA256 string `json:"fieldsSha256"`
}

type stateAction struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	IntegrationID string         `json:"integrationId"`
	Auth          bool           `json:"auth,omitempty"`
	Category      string         `json:"category,omitempty"`
	Secure        bool           `json:"secure,omitempty"`
	Version       int            `json:"version,omitempty"`
	Config        *ActionConfig  `json:"config,omitempty"`
	InputSchema   map[string]any `json:"inputSchema,omitempty"`
	SuccessSchema map[string]any `json:"successSchema,omitempty"`
}

func (a action) state() stateAction {
	return stateAction{ID: a.id, Name: a.name, IntegrationID: a.integrationID, Auth: a.auth, Category: a.category,
		Secure: a.secure, Version: a.version, Config: a.config, InputSchema: a.input, SuccessSchema: a.output}
}

// action returns the action a state entry holds; old says it is of
// format 2.
func (sa stateAction) action(old bool) action {
	a := action{id: sa.ID, name: sa.Name, integrationID: sa.IntegrationID, auth: sa.Auth, category: sa.Category,
		secure: sa.Secure, version: sa.Version, config: cloneConfig(sa.Config), input: sa.InputSchema, output: sa.SuccessSchema}
	if old {
		a.version = 1
		if !a.auth {
			a.config, a.input, a.output = seedConfig(), seedSchema(), seedSchema()
		}
	}
	return a
}

// loadState reads the org from path into o, an empty org; a missing file
// leaves it empty. The types it names must be in o's catalogue.
func loadState(path string, o *org) (*org, error) {
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
	dec.UseNumber() // as the API reads schemas, so that they compare alike
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("load the state: %s: %w", path, err)
	}
	if st.Format != stateFormat && st.Format != oldStateFormat {
		return nil, fmt.Errorf("load the state: %s: format %d, want %d (or %d)", path, st.Format, stateFormat, oldStateFormat)
	}
	old := st.Format == oldStateFormat
	if old && st.Drafts != nil {
		return nil, fmt.Errorf("load the state: %s: format %d has no drafts", path, oldStateFormat)
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
		if _, ok := o.cat.typeByID[si.TypeID]; !ok {
			errs = append(errs, fmt.Errorf("integration %s: unknown type %q", si.ID, si.TypeID))
		}
		if si.IntendedState != enabled && si.IntendedState != disabled {
			errs = append(errs, fmt.Errorf("integration %s: intendedState %q", si.ID, si.IntendedState))
		}
		c := si.Config
		creds := map[string]string{}
		for slot, id := range c.Credentials {
			creds[slot] = id
		}
		o.integrations = append(o.integrations, &integration{id: si.ID, typeID: si.TypeID, state: si.IntendedState,
			reported: si.ReportedState, config: config{name: c.Name, notes: c.Notes, version: c.Version,
				properties: cloneJSON(c.Properties), advanced: cloneJSON(c.Advanced), credentials: creds}})
	}
	for _, sc := range st.Credentials {
		id("credential", sc.ID)
		if _, ok := o.cat.credTypeByName[sc.Type]; !ok {
			errs = append(errs, fmt.Errorf("credential %s: unknown type %q", sc.ID, sc.Type))
		}
		o.credentials = append(o.credentials, &credential{id: sc.ID, name: sc.Name, typ: sc.Type, seq: sc.Seq,
			created: sc.CreatedDate, modified: sc.ModifiedDate, sum: sc.FieldsSHA256})
	}
	integrationIDs := map[string]bool{}
	for _, i := range o.integrations {
		integrationIDs[i.id] = true
	}
	for _, a := range st.Actions {
		id("action", a.ID)
		if !integrationIDs[a.IntegrationID] {
			errs = append(errs, fmt.Errorf("action %s: unknown integration %q", a.ID, a.IntegrationID))
		}
		o.actions = append(o.actions, a.action(old))
	}
	drafts := map[string]bool{}
	for _, a := range st.Drafts {
		if a.ID == "" || drafts[a.ID] {
			errs = append(errs, fmt.Errorf("draft id %q is empty or not unique", a.ID))
		}
		drafts[a.ID] = true
		if !integrationIDs[a.IntegrationID] {
			errs = append(errs, fmt.Errorf("draft %s: unknown integration %q", a.ID, a.IntegrationID))
		}
		if a.Auth {
			errs = append(errs, fmt.Errorf("draft %s: a draft is never an auth action", a.ID))
		}
		o.drafts = append(o.drafts, a.action(false))
	}
	for _, a := range append(slices.Clone(o.actions), o.drafts...) {
		if a.version < 1 || !a.auth && (a.config == nil || a.input == nil || a.output == nil) {
			errs = append(errs, fmt.Errorf("action %s: a version of at least 1, and a config and a contract, are required", a.id))
		}
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
		Integrations: []stateIntegration{}, Credentials: []stateCredential{}, Actions: []stateAction{}, Drafts: []stateAction{}}
	for _, i := range o.integrations {
		c := i.config
		st.Integrations = append(st.Integrations, stateIntegration{ID: i.id, TypeID: i.typeID, IntendedState: i.state,
			ReportedState: i.reported, Config: stateConfig{Name: c.name, Notes: c.notes, Version: c.version,
				Properties: c.properties, Advanced: c.advanced, Credentials: c.credentials}})
	}
	for _, c := range o.credentials {
		st.Credentials = append(st.Credentials, stateCredential{ID: c.id, Name: c.name, Type: c.typ, Seq: c.seq,
			CreatedDate: c.created, ModifiedDate: c.modified, FieldsSHA256: c.sum})
	}
	for _, a := range o.actions {
		st.Actions = append(st.Actions, a.state())
	}
	for _, a := range o.drafts {
		st.Drafts = append(st.Drafts, a.state())
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.opts.StatePath, append(b, '\n'), 0o600)
}

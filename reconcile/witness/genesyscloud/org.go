package genesyscloud

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// Integration states.
const (
	enabled  = "ENABLED"
	disabled = "DISABLED"
)

// org is the emulated organisation. Its slices are in creation order,
// the order of every listing. It is not safe for concurrent use: the
// Server guards it.
type org struct {
	cat    *catalog
	seed   int64  // with nextID, makes ids repeatable
	nextID uint64 // ids made so far; survives restarts through the state file

	integrations []*integration
	credentials  []*credential
	actions      []api.Action
}

// integration is one integration. Its name and notes are its current
// configuration's, as in the API.
type integration struct {
	id     string
	typeID string
	state  string // enabled or disabled
	// config is replaced whole on every change, never modified in place,
	// so a copy handed out under the lock stays valid after.
	config api.Configuration
}

// credential is one credential. fields are its secret values: they are
// never written in an answer or the state file, and are nil after a load.
type credential struct {
	id, name, typ string
	fields        map[string]string
	sum           string // hex SHA-256 of id and fields; what the state file keeps
}

func newOrg(cat *catalog, seed int64) *org { return &org{cat: cat, seed: seed} }

// newID returns a fresh id shaped like a UUID v4, derived from the seed
// and a counter so that the same requests make the same ids.
func (o *org) newID() string {
	o.nextID++
	b := sha256.Sum256(fmt.Appendf(nil, "genesys-emulator/%d/%d", o.seed, o.nextID))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// wire returns the integration as the API sends it; expand adds its
// configuration.
func (i *integration) wire(expand bool) api.Integration {
	code := "INACTIVE"
	if i.state == enabled {
		code = "ACTIVE"
	}
	out := api.Integration{
		ID:              i.id,
		Name:            i.config.Name,
		IntegrationType: api.Ref{ID: i.typeID},
		Notes:           i.config.Notes,
		IntendedState:   i.state,
		ReportedState:   &api.State{Code: code},
	}
	if expand {
		c := i.config
		out.Config = &api.Config{Current: &c}
	}
	return out
}

func (c *credential) wire() api.CredentialInfo {
	return api.CredentialInfo{ID: c.id, Name: c.name, Type: api.TypeName{Name: c.typ}}
}

func (o *org) integration(id string) (*integration, error) {
	for _, i := range o.integrations {
		if i.id == id {
			return i, nil
		}
	}
	return nil, errorf(http.StatusNotFound, "integration %s not found", id)
}

func (o *org) credential(id string) (*credential, error) {
	for _, c := range o.credentials {
		if c.id == id {
			return c, nil
		}
	}
	return nil, errorf(http.StatusNotFound, "credential %s not found", id)
}

// createIntegration adds a disabled integration of type typeID with an
// empty configuration at version 1. Names need not be unique.
func (o *org) createIntegration(name, typeID string) (*integration, error) {
	if name == "" {
		return nil, errorf(http.StatusBadRequest, "an integration needs a name")
	}
	t, ok := o.cat.typeByID[typeID]
	if !ok {
		return nil, errorf(http.StatusBadRequest, "integration type %q does not exist", typeID)
	}
	if t.MaxInstances > 0 {
		n := 0
		for _, i := range o.integrations {
			if i.typeID == typeID {
				n++
			}
		}
		if n >= t.MaxInstances {
			return nil, errorf(http.StatusBadRequest,
				"the org already has %d integrations of type %s, its maxInstances: the maximum number of instances has been reached", n, typeID)
		}
	}
	i := &integration{id: o.newID(), typeID: typeID, state: disabled, config: api.Configuration{
		Name:        name,
		Version:     1,
		Properties:  map[string]any{},
		Advanced:    map[string]any{},
		Credentials: map[string]api.CredentialRef{},
	}}
	o.integrations = append(o.integrations, i)
	return i, nil
}

// setState sets an integration's intendedState.
func (o *org) setState(id, state string) (*integration, error) {
	i, err := o.integration(id)
	if err != nil {
		return nil, err
	}
	if state != enabled && state != disabled {
		return nil, errorf(http.StatusBadRequest, "intendedState must be %s or %s, not %q", enabled, disabled, state)
	}
	i.state = state
	return i, nil
}

// deleteIntegration removes an integration and its actions. Its
// credentials stay, as orphans, as in the API.
func (o *org) deleteIntegration(id string) error {
	if _, err := o.integration(id); err != nil {
		return err
	}
	o.integrations = slices.DeleteFunc(o.integrations, func(i *integration) bool { return i.id == id })
	o.actions = slices.DeleteFunc(o.actions, func(a api.Action) bool { return a.IntegrationID == id })
	return nil
}

// putConfig replaces an integration's configuration if c.Version is the
// current one, and returns the new configuration, one version up.
func (o *org) putConfig(id string, c api.Configuration) (api.Configuration, error) {
	i, err := o.integration(id)
	if err != nil {
		return api.Configuration{}, err
	}
	if c.Version != i.config.Version {
		return api.Configuration{}, errorf(http.StatusConflict,
			"version %d does not match the current version %d of the configuration of integration %s", c.Version, i.config.Version, id)
	}
	if c.Name == "" {
		return api.Configuration{}, errorf(http.StatusBadRequest, "a configuration needs a name")
	}
	for _, slot := range slices.Sorted(maps.Keys(c.Credentials)) {
		if _, err := o.credential(c.Credentials[slot].ID); err != nil {
			return api.Configuration{}, errorf(http.StatusBadRequest, "credentials.%s: credential %q does not exist", slot, c.Credentials[slot].ID)
		}
	}
	c.Version = i.config.Version + 1
	if c.Properties == nil {
		c.Properties = map[string]any{}
	}
	if c.Advanced == nil {
		c.Advanced = map[string]any{}
	}
	if c.Credentials == nil {
		c.Credentials = map[string]api.CredentialRef{}
	}
	i.config = c
	return c, nil
}

// checkCredential validates a credential body.
func (o *org) checkCredential(c api.Credential) error {
	if c.Name == "" {
		return errorf(http.StatusBadRequest, "a credential needs a name")
	}
	if !o.cat.credentialType[c.Type.Name] {
		return errorf(http.StatusBadRequest, "credential type %q does not exist", c.Type.Name)
	}
	return nil
}

// createCredential adds a credential.
func (o *org) createCredential(c api.Credential) (*credential, error) {
	if err := o.checkCredential(c); err != nil {
		return nil, err
	}
	cr := &credential{id: o.newID()}
	cr.set(c)
	o.credentials = append(o.credentials, cr)
	return cr, nil
}

// putCredential replaces a credential's name, type and fields.
func (o *org) putCredential(id string, c api.Credential) (*credential, error) {
	cr, err := o.credential(id)
	if err != nil {
		return nil, err
	}
	if err := o.checkCredential(c); err != nil {
		return nil, err
	}
	cr.set(c)
	return cr, nil
}

func (cr *credential) set(c api.Credential) {
	cr.name, cr.typ = c.Name, c.Type.Name
	cr.fields = maps.Clone(c.CredentialFields)
	cr.sum = fieldsSum(cr.id, cr.fields)
}

// fieldsSum is the SHA-256 of a credential's id and fields, in hex.
func fieldsSum(id string, fields map[string]string) string {
	b, _ := json.Marshal(fields) // sorted keys: canonical
	h := sha256.New()
	h.Write([]byte(id))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func (o *org) deleteCredential(id string) error {
	if _, err := o.credential(id); err != nil {
		return err
	}
	o.credentials = slices.DeleteFunc(o.credentials, func(c *credential) bool { return c.id == id })
	return nil
}

// addAction adds a data action to an integration.
func (o *org) addAction(integrationID, name string) (api.Action, error) {
	if name == "" {
		return api.Action{}, errorf(http.StatusBadRequest, "an action needs a name")
	}
	if _, err := o.integration(integrationID); err != nil {
		return api.Action{}, errorf(http.StatusBadRequest, "integration %q does not exist", integrationID)
	}
	a := api.Action{ID: "custom_-_" + o.newID(), Name: name, IntegrationID: integrationID}
	o.actions = append(o.actions, a)
	return a, nil
}

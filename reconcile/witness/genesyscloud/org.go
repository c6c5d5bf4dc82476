package genesyscloud

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"
)

// Integration states.
const (
	enabled  = "ENABLED"
	disabled = "DISABLED"
)

// Reported states: the codes of IntegrationStatusInfo in the public API
// reference (the SDK types code only as a string).
var reportedCodes = map[string]string{
	"ACTIVE":       "Active",
	"ACTIVATING":   "Activating",
	"INACTIVE":     "Inactive",
	"DEACTIVATING": "Deactivating",
	"ERROR":        "Error",
}

// org is the emulated organisation. Its slices are in creation order,
// the order of every listing. It is not safe for concurrent use: the
// Server guards it.
type org struct {
	cat    *catalog
	now    func() time.Time
	seed   int64  // with nextID, makes ids repeatable
	nextID uint64 // ids made so far; survives restarts through the state file

	integrations []*integration
	credentials  []*credential
	actions      []action // published, and auth actions
	drafts       []action // in the order they were made
}

// integration is one integration. Its name and notes are its current
// configuration's, as in the API.
type integration struct {
	id     string
	typeID string
	state  string // enabled or disabled
	// reported is replaced whole on every change, never modified in place.
	reported IntegrationStatusInfo
	config   config
}

// config is an integration's current configuration. It is replaced whole
// on every change, never modified in place, so a copy handed out under
// the lock stays valid after.
type config struct {
	name, notes          string
	version              int
	properties, advanced map[string]any
	credentials          map[string]string // slot → credential id
}

// credential is one credential. fields are its secret values: they are
// never written in an answer or the state file, and are nil after a load.
type credential struct {
	id, name, typ string
	seq           uint64 // creation order, what the listing's cursors hold
	created       string
	modified      string
	fields        map[string]string
	sum           string // hex SHA-256 of id and fields; what the state file keeps
}

func newOrg(cat *catalog, seed int64, now func() time.Time) *org {
	return &org{cat: cat, seed: seed, now: now}
}

// newID returns a fresh id shaped like a UUID v4, derived from the seed
// and a counter so that the same requests make the same ids.
func (o *org) newID() string {
	o.nextID++
	b := sha256.Sum256(fmt.Appendf(nil, "genesys-emulator/%d/%d", o.seed, o.nextID))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// timestamp is the time now as the API writes dates: ISO-8601 in UTC with
// milliseconds (yyyy-MM-ddTHH:mm:ss.SSSZ, the SDK's documentation).
func (o *org) timestamp() string {
	return o.now().UTC().Format("2006-01-02T15:04:05.000Z")
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

// wire returns the integration as the API sends it; expand adds its
// configuration.
func (o *org) wire(i *integration, expand bool) Integration {
	t := o.cat.typeByID[i.typeID]
	rs := i.reported
	if rs.Detail != nil {
		d := *rs.Detail
		rs.Detail = &d
	}
	out := Integration{
		ID:              i.id,
		Name:            i.config.name,
		IntegrationType: IntegrationType{ID: t.ID, Name: t.Name, SelfURI: "/api/v2/integrations/types/" + t.ID},
		Notes:           i.config.notes,
		IntendedState:   i.state,
		ReportedState:   &rs,
		SelfURI:         "/api/v2/integrations/" + i.id,
	}
	if expand {
		c := o.wireConfig(i)
		out.Config = &IntegrationConfigurationInfo{Current: &c}
	}
	return out
}

// wireConfig returns the integration's configuration as the API sends
// it: each slot's credential a full CredentialInfo. A credential deleted
// since it was attached is only its id (what the API does then is
// unconfirmed).
func (o *org) wireConfig(i *integration) IntegrationConfiguration {
	c := i.config
	out := IntegrationConfiguration{
		ID:          i.id, // unconfirmed: the SDK says only that id is optional
		Name:        c.name,
		Version:     c.version,
		Properties:  cloneJSON(c.properties),
		Advanced:    cloneJSON(c.advanced),
		Notes:       c.notes,
		Credentials: map[string]CredentialInfo{},
		SelfURI:     "/api/v2/integrations/" + i.id + "/config/current",
	}
	for slot, id := range c.credentials {
		if cr, err := o.credential(id); err == nil {
			out.Credentials[slot] = cr.info()
		} else {
			out.Credentials[slot] = CredentialInfo{ID: id}
		}
	}
	return out
}

// info returns the credential as CredentialInfo: never its fields.
func (c *credential) info() CredentialInfo {
	return CredentialInfo{ID: c.id, Name: c.name, CreatedDate: c.created, ModifiedDate: c.modified,
		Type: CredentialType{Name: c.typ}, SelfURI: "/api/v2/integrations/credentials/" + c.id}
}

// cloneJSON deep-copies a decoded JSON object, never returning nil.
func cloneJSON(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneJSON(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}

// setReported sets an integration's reported state; an empty message
// means no detail.
func (o *org) setReported(i *integration, code, message string) {
	rs := IntegrationStatusInfo{Code: code, Effective: reportedCodes[code], LastUpdated: o.timestamp()}
	if message != "" {
		rs.Detail = &MessageInfo{Message: message}
	}
	i.reported = rs
}

// evaluate sets the reported state that follows from the intended state:
// INACTIVE when disabled; when enabled, ACTIVE, or ERROR when a required
// slot is empty or its credential is gone.
func (o *org) evaluate(i *integration) {
	if i.state != enabled {
		o.setReported(i, "INACTIVE", "")
		return
	}
	t := o.cat.typeByID[i.typeID]
	for _, slot := range slices.Sorted(maps.Keys(t.Credentials)) {
		if !t.Credentials[slot].Required {
			continue
		}
		id, ok := i.config.credentials[slot]
		if !ok {
			o.setReported(i, "ERROR", fmt.Sprintf("the required credential %s is not configured", slot))
			return
		}
		if _, err := o.credential(id); err != nil {
			o.setReported(i, "ERROR", fmt.Sprintf("the credential %s of slot %s does not exist", id, slot))
			return
		}
	}
	o.setReported(i, "ACTIVE", "")
}

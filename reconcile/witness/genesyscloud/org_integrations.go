package genesyscloud

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// createIntegration adds a disabled integration with an empty
// configuration at version 1. Names need not be unique (genesys-api.md:
// Genesys allows two integrations with the same name).
func (o *org) createIntegration(req CreateIntegrationRequest) (*integration, error) {
	if req.Name == "" {
		return nil, errorf(http.StatusBadRequest, "an integration needs a name")
	}
	typeID := req.IntegrationType.ID
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
	i := &integration{id: o.newID(), typeID: typeID, state: disabled, config: config{
		name:        req.Name,
		version:     1,
		properties:  map[string]any{},
		advanced:    map[string]any{},
		credentials: map[string]string{},
	}}
	o.evaluate(i)
	o.integrations = append(o.integrations, i)
	return i, nil
}

// setState sets an integration's intendedState, and its reported state
// with it.
func (o *org) setState(id, state string) (*integration, error) {
	i, err := o.integration(id)
	if err != nil {
		return nil, err
	}
	if state != enabled && state != disabled {
		return nil, errorf(http.StatusBadRequest, "intendedState must be %s or %s, not %q", enabled, disabled, state)
	}
	i.state = state
	o.evaluate(i)
	return i, nil
}

// setReportedState overrides an integration's reported state, as the
// integration itself would report it.
func (o *org) setReportedState(id, code, message string) error {
	i, err := o.integration(id)
	if err != nil {
		return err
	}
	if _, ok := reportedCodes[code]; !ok {
		return errorf(http.StatusBadRequest, "reported state code %q: want one of %s", code,
			strings.Join(slices.Sorted(maps.Keys(reportedCodes)), ", "))
	}
	o.setReported(i, code, message)
	return nil
}

// deleteIntegration removes an integration, its actions and their
// drafts, and returns it as it was. Its credentials stay, as orphans, as
// in the API.
func (o *org) deleteIntegration(id string) (Integration, error) {
	i, err := o.integration(id)
	if err != nil {
		return Integration{}, err
	}
	old := o.wire(i, false)
	o.integrations = slices.DeleteFunc(o.integrations, func(i *integration) bool { return i.id == id })
	o.actions = slices.DeleteFunc(o.actions, func(a action) bool { return a.integrationID == id })
	o.drafts = slices.DeleteFunc(o.drafts, func(a action) bool { return a.integrationID == id })
	return old, nil
}

// putConfig replaces an integration's configuration if c.Version is the
// current one, and returns the new configuration, one version up. It
// refuses a slot the type does not declare, and a credential that does
// not exist or whose type the slot does not take.
func (o *org) putConfig(id string, c IntegrationConfiguration) (IntegrationConfiguration, error) {
	i, err := o.integration(id)
	if err != nil {
		return IntegrationConfiguration{}, err
	}
	if c.Version != i.config.version {
		return IntegrationConfiguration{}, errorf(http.StatusConflict,
			"version %d does not match the current version %d of the configuration of integration %s", c.Version, i.config.version, id)
	}
	if c.Name == "" {
		return IntegrationConfiguration{}, errorf(http.StatusBadRequest, "a configuration needs a name")
	}
	t := o.cat.typeByID[i.typeID]
	var problems []string
	slots := map[string]string{}
	oauth := false
	for _, slot := range slices.Sorted(maps.Keys(c.Credentials)) {
		spec, ok := t.Credentials[slot]
		if !ok {
			problems = append(problems, fmt.Sprintf("credentials.%s: integration type %s has no credential slot %q (its slots: %s)",
				slot, t.ID, slot, slotNames(t)))
			continue
		}
		ref := c.Credentials[slot].ID
		cr, err := o.credential(ref)
		if ref == "" || err != nil {
			problems = append(problems, fmt.Sprintf("credentials.%s: credential %q does not exist", slot, ref))
			continue
		}
		if !slices.Contains(spec.CredentialTypes, cr.typ) {
			problems = append(problems, fmt.Sprintf("credentials.%s: slot %s of integration type %s takes credential types %s, not %s",
				slot, slot, t.ID, strings.Join(spec.CredentialTypes, ", "), cr.typ))
			continue
		}
		slots[slot] = cr.id
		oauth = oauth || cr.typ == userDefinedOAuth
	}
	if problems != nil {
		return IntegrationConfiguration{}, errorf(http.StatusBadRequest, "%s", strings.Join(problems, "; "))
	}
	i.config = config{
		name:        c.Name,
		notes:       c.Notes,
		version:     i.config.version + 1,
		properties:  cloneJSON(c.Properties),
		advanced:    cloneJSON(c.Advanced),
		credentials: slots,
	}
	if oauth && !slices.ContainsFunc(o.actions, func(a action) bool { return a.auth && a.integrationID == id }) {
		// genesys-api.md: a userDefinedOAuth credential makes Genesys
		// create the auth action customAuth_-_<integrationId>. Whether it
		// goes when the credential does is unconfirmed: it stays.
		if _, err := o.addAction(id, "customAuth_-_"+id, true); err != nil {
			return IntegrationConfiguration{}, err
		}
	}
	if i.state == enabled {
		o.evaluate(i) // assumed: a new configuration is re-checked
	}
	return o.wireConfig(i), nil
}

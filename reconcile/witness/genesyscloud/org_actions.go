package genesyscloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// action is a data action, published or a draft, or an auth action (auth)
// an integration made. A draft of a published action has its id. Its
// config and schemas are replaced whole, never modified in place, so a
// copy handed out under the lock stays valid after.
type action struct {
	id, name, integrationID, category string
	auth, secure                      bool
	version                           int
	config                            *ActionConfig  // nil for an auth action
	input, output                     map[string]any // the contract's inputSchema and successSchema; nil for an auth action
}

// The limits of an action's name and category, in characters
// (unconfirmed: the SDK gives none).
const maxActionText = 256

// wire returns the action as the API sends it. A draft's selfUri is its
// draft resource.
func (a action) wire(draft, withConfig, withContract bool) Action {
	out := Action{ID: a.id, Name: a.name, IntegrationID: a.integrationID, Category: a.category,
		Version: a.version, Secure: a.secure, SelfURI: "/api/v2/integrations/actions/" + a.id}
	if draft {
		out.SelfURI += "/draft"
	}
	if withConfig && a.config != nil {
		out.Config = cloneConfig(a.config)
	}
	if withContract && (a.input != nil || a.output != nil) {
		out.Contract = &ActionContract{Input: &ActionInput{InputSchema: cloneJSON(a.input)},
			Output: &ActionOutput{SuccessSchema: cloneJSON(a.output)}}
	}
	return out
}

// cloneConfig deep-copies an ActionConfig.
func cloneConfig(c *ActionConfig) *ActionConfig {
	if c == nil {
		return nil
	}
	out := &ActionConfig{TimeoutSeconds: c.TimeoutSeconds}
	if q := c.Request; q != nil {
		out.Request = &RequestConfig{RequestURLTemplate: q.RequestURLTemplate, RequestTemplate: q.RequestTemplate,
			RequestType: q.RequestType, Headers: cloneStrings(q.Headers)}
	}
	if p := c.Response; p != nil {
		out.Response = &ResponseConfig{TranslationMap: cloneStrings(p.TranslationMap),
			TranslationMapDefaults: cloneStrings(p.TranslationMapDefaults), SuccessTemplate: p.SuccessTemplate}
	}
	return out
}

func cloneStrings(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// seedConfig and seedSchema make the minimal valid config and contract of
// an action added through /emulator/actions (or loaded from a state file
// of format 2, which kept none): a GET to a loopback port nothing serves.
func seedConfig() *ActionConfig {
	return &ActionConfig{
		Request:  &RequestConfig{RequestURLTemplate: "http://127.0.0.1:9/emulator-seeded-action", RequestType: "GET"},
		Response: &ResponseConfig{SuccessTemplate: "${rawResult}"},
	}
}

func seedSchema() map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{}}
}

// published returns the index of the published action id, or -1.
func (o *org) published(id string) int {
	return slices.IndexFunc(o.actions, func(a action) bool { return a.id == id })
}

// draft returns the index of the draft id, or -1.
func (o *org) draft(id string) int {
	return slices.IndexFunc(o.drafts, func(a action) bool { return a.id == id })
}

func (o *org) publishedAction(id string) (action, error) {
	if k := o.published(id); k >= 0 {
		return o.actions[k], nil
	}
	return action{}, errorf(http.StatusNotFound, "action %s not found", id)
}

func (o *org) draftAction(id string) (action, error) {
	if k := o.draft(id); k >= 0 {
		return o.drafts[k], nil
	}
	return action{}, errorf(http.StatusNotFound, "draft of action %s not found", id)
}

// addAction adds a published data action, with seedConfig and a contract
// of two empty object schemas, or an auth action, to an integration. Its
// category is the integration's name (unconfirmed).
func (o *org) addAction(integrationID, name string, auth bool) (action, error) {
	if name == "" {
		return action{}, errorf(http.StatusBadRequest, "an action needs a name")
	}
	i, err := o.integration(integrationID)
	if err != nil {
		return action{}, errorf(http.StatusBadRequest, "integration %q does not exist", integrationID)
	}
	prefix := "custom_-_"
	if auth {
		prefix = "customAuth_-_" // the id of an auth action is invented
	}
	a := action{id: prefix + o.newID(), name: name, integrationID: integrationID, category: i.config.name,
		auth: auth, version: 1}
	if !auth {
		a.config, a.input, a.output = seedConfig(), seedSchema(), seedSchema()
	}
	o.actions = append(o.actions, a)
	return a, nil
}

// addActions adds count data actions named name, name 2, name 3, ...
// (just name when count is 1).
func (o *org) addActions(integrationID, name string, count int) ([]action, error) {
	if count < 1 || count > 10000 {
		return nil, errorf(http.StatusBadRequest, "count must be between 1 and 10000, not %d", count)
	}
	out := make([]action, 0, count)
	for n := 1; n <= count; n++ {
		nm := name
		if n > 1 {
			nm = fmt.Sprintf("%s %d", name, n)
		}
		a, err := o.addAction(integrationID, nm, false)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// checkText checks a name or category: 1 to maxActionText characters.
func checkText(field, s string) error {
	if n := utf8.RuneCountInString(s); n < 1 || n > maxActionText {
		return errorf(http.StatusBadRequest, "the action's %s must be 1 to %d characters, not %d", field, maxActionText, n)
	}
	return nil
}

// checkContract checks an ActionContractInput and returns its two
// schemas: input.inputSchema and output.successSchema must be there, each
// a JSON object whose type is "object".
func checkContract(c *ActionContractInput) (in, out map[string]any, err error) {
	var problems []string
	switch {
	case c.Input == nil:
		problems = append(problems, "contract.input is required")
	case c.Input.InputSchema == nil:
		problems = append(problems, "contract.input.inputSchema is required (a JSON object)")
	case c.Input.InputSchema["type"] != "object":
		problems = append(problems, fmt.Sprintf(`contract.input.inputSchema.type must be "object", not %s`, jsonText(c.Input.InputSchema["type"])))
	}
	switch {
	case c.Output == nil:
		problems = append(problems, "contract.output is required")
	case c.Output.SuccessSchema == nil:
		problems = append(problems, "contract.output.successSchema is required (a JSON object)")
	case c.Output.SuccessSchema["type"] != "object":
		problems = append(problems, fmt.Sprintf(`contract.output.successSchema.type must be "object", not %s`, jsonText(c.Output.SuccessSchema["type"])))
	}
	if problems != nil {
		return nil, nil, errorf(http.StatusBadRequest, "%s", strings.Join(problems, "; "))
	}
	return cloneJSON(c.Input.InputSchema), cloneJSON(c.Output.SuccessSchema), nil
}

// checkConfig checks what the emulator can check of an ActionConfig
// before running it: a known requestType and a timeout that is not
// negative.
func checkConfig(c *ActionConfig) error {
	if c.TimeoutSeconds < 0 {
		return errorf(http.StatusBadRequest, "config.timeoutSeconds must not be negative, not %d", c.TimeoutSeconds)
	}
	if c.Request != nil && c.Request.RequestType != "" && !slices.Contains(requestTypes, c.Request.RequestType) {
		return errorf(http.StatusBadRequest, "config.request.requestType must be one of %s, not %q",
			strings.Join(requestTypes, ", "), c.Request.RequestType)
	}
	return nil
}

// requestTypes are the requestType values an action may have (the public
// API reference's enum for RequestConfig.requestType).
var requestTypes = []string{"GET", "PUT", "POST", "PATCH", "DELETE"}

// jsonText is v as JSON, for messages.
func jsonText(v any) string {
	if v == nil {
		return "absent"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// sameJSON says whether two generic JSON values are the same, by their
// canonical encoding (sorted keys), so that a number read as json.Number
// and one read as float64 compare by value.
func sameJSON(a, b any) bool {
	ja, err1 := canonical(a)
	jb, err2 := canonical(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

func canonical(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil { // numbers as float64
		return nil, err
	}
	return json.Marshal(generic)
}

// createDraft adds a draft-only action, version 1. Names need not be
// unique, as for integrations.
func (o *org) createDraft(in PostActionInput) (action, error) {
	var missing []string
	for _, f := range []struct {
		name string
		ok   bool
	}{{"category", in.Category != ""}, {"name", in.Name != ""}, {"integrationId", in.IntegrationID != ""},
		{"config", in.Config != nil}, {"contract", in.Contract != nil}} {
		if !f.ok {
			missing = append(missing, f.name)
		}
	}
	if missing != nil {
		return action{}, errorf(http.StatusBadRequest, "PostActionInput requires %s", strings.Join(missing, ", "))
	}
	if err := checkText("name", in.Name); err != nil {
		return action{}, err
	}
	if err := checkText("category", in.Category); err != nil {
		return action{}, err
	}
	if _, err := o.integration(in.IntegrationID); err != nil {
		return action{}, errorf(http.StatusBadRequest, "integration %q does not exist", in.IntegrationID)
	}
	if err := checkConfig(in.Config); err != nil {
		return action{}, err
	}
	input, output, err := checkContract(in.Contract)
	if err != nil {
		return action{}, err
	}
	a := action{id: "custom_-_" + o.newID(), name: in.Name, integrationID: in.IntegrationID, category: in.Category,
		secure: in.Secure, version: 1, config: cloneConfig(in.Config), input: input, output: output}
	o.drafts = append(o.drafts, a)
	return a, nil
}

// draftFromPublished makes a draft of a published action, version 1.
func (o *org) draftFromPublished(id string) (action, error) {
	p, err := o.publishedAction(id)
	if err != nil {
		return action{}, err
	}
	if o.draft(id) >= 0 {
		return action{}, errorf(http.StatusConflict, "action %s already has a draft", id)
	}
	d := p
	d.version = 1
	o.drafts = append(o.drafts, d)
	return d, nil
}

// patchDraft replaces the fields in of a draft whose version is
// in.Version, one version up. The contract and secure of a published
// action cannot change.
func (o *org) patchDraft(id string, in UpdateDraftInput) (action, error) {
	k := o.draft(id)
	if k < 0 {
		return action{}, errorf(http.StatusNotFound, "draft of action %s not found", id)
	}
	d := o.drafts[k]
	if in.Version == nil {
		return action{}, errorf(http.StatusBadRequest, "UpdateDraftInput requires version")
	}
	if *in.Version != d.version {
		return action{}, errorf(http.StatusConflict,
			"version %d does not match the current version %d of the draft of action %s", *in.Version, d.version, id)
	}
	if in.Name != nil {
		if err := checkText("name", *in.Name); err != nil {
			return action{}, err
		}
		d.name = *in.Name
	}
	if in.Category != nil {
		if err := checkText("category", *in.Category); err != nil {
			return action{}, err
		}
		d.category = *in.Category
	}
	if in.Config != nil {
		if err := checkConfig(in.Config); err != nil {
			return action{}, err
		}
		d.config = cloneConfig(in.Config)
	}
	if in.Contract != nil {
		input, output, err := checkContract(in.Contract)
		if err != nil {
			return action{}, err
		}
		d.input, d.output = input, output
	}
	if in.Secure != nil {
		d.secure = *in.Secure
	}
	if p := o.published(id); p >= 0 {
		pa := o.actions[p]
		if d.secure != pa.secure || !sameJSON(d.input, pa.input) || !sameJSON(d.output, pa.output) {
			return action{}, errorf(http.StatusBadRequest,
				"the contract of a published action cannot be changed; create a new action (action %s: its contract or secure differs from the published one)", id)
		}
	}
	d.version++
	o.drafts[k] = d
	return d, nil
}

// publishDraft makes the draft whose version is version the published
// action, one version above the one it replaces (1 for a first publish),
// and removes the draft.
func (o *org) publishDraft(id string, version *int) (action, error) {
	k := o.draft(id)
	if k < 0 {
		return action{}, errorf(http.StatusNotFound, "draft of action %s not found", id)
	}
	d := o.drafts[k]
	if version == nil {
		return action{}, errorf(http.StatusBadRequest, "PublishDraftInput requires version")
	}
	if *version != d.version {
		return action{}, errorf(http.StatusConflict,
			"version %d does not match the current version %d of the draft of action %s", *version, d.version, id)
	}
	o.drafts = slices.Delete(o.drafts, k, k+1)
	if p := o.published(id); p >= 0 {
		d.version = o.actions[p].version + 1
		o.actions[p] = d
		return d, nil
	}
	d.version = 1
	o.actions = append(o.actions, d)
	return d, nil
}

// deleteAction removes a published action and its draft.
func (o *org) deleteAction(id string) error {
	if _, err := o.publishedAction(id); err != nil {
		return err
	}
	o.actions = slices.DeleteFunc(o.actions, func(a action) bool { return a.id == id })
	o.drafts = slices.DeleteFunc(o.drafts, func(a action) bool { return a.id == id })
	return nil
}

// deleteDraft removes a draft.
func (o *org) deleteDraft(id string) error {
	if _, err := o.draftAction(id); err != nil {
		return err
	}
	o.drafts = slices.DeleteFunc(o.drafts, func(a action) bool { return a.id == id })
	return nil
}

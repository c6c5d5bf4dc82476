package genesyscloud_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// isoDate is the API's date format, yyyy-MM-ddTHH:mm:ss.SSSZ.
var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)

// shape decodes a JSON answer and replaces what varies from run to run:
// each id of names by its name in angle brackets, wherever it appears,
// and every ISO-8601 date by "<date>".
func shape(t *testing.T, b []byte, names map[string]string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				v[k] = walk(e)
			}
		case []any:
			for k, e := range v {
				v[k] = walk(e)
			}
		case string:
			if isoDate.MatchString(v) {
				return "<date>"
			}
			for id, name := range names {
				v = strings.ReplaceAll(v, id, "<"+name+">")
			}
			return v
		}
		return v
	}
	return walk(v)
}

// expect decodes a JSON literal written in the test.
func expect(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad expectation %s: %v", s, err)
	}
	return v
}

// TestWireShapes checks the raw JSON of each answer against the SDK's
// models, written out by hand from index.d.ts, so that a wrong JSON name
// in wire.go fails here even though the other tests decode with it.
func TestWireShapes(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	check := func(what string, got []byte, names map[string]string, want string) {
		t.Helper()
		if d := cmp.Diff(expect(t, want), shape(t, got, names)); d != "" {
			t.Errorf("%s (-want +got):\n%s", what, d)
		}
	}
	b := e.do("POST", "/api/v2/integrations", map[string]any{"name": "Z", "integrationType": map[string]string{"id": zendesk}}, 200, nil)
	var i genesyscloud.Integration
	_ = json.Unmarshal(b, &i)
	ids := map[string]string{i.ID: "i"}
	const integration = `{"id":"<i>","name":"Z","intendedState":"%s","selfUri":"/api/v2/integrations/<i>",
		"integrationType":{"id":"zendesk-data-actions","name":"Zendesk Data Actions","selfUri":"/api/v2/integrations/types/zendesk-data-actions"},
		"reportedState":{"code":"%s","effective":"%s","lastUpdated":"<date>"%s}}`
	check("POST integration (Integration)", b, ids, fmt.Sprintf(integration, "DISABLED", "INACTIVE", "Inactive", ""))

	b = e.do("PATCH", "/api/v2/integrations/"+i.ID, map[string]string{"intendedState": "ENABLED"}, 200, nil)
	check("PATCH ENABLED without credential (Integration)", b, ids, fmt.Sprintf(integration, "ENABLED", "ERROR", "Error",
		`,"detail":{"message":"the required credential zendeskApiToken is not configured"}`))

	b = e.do("POST", "/api/v2/integrations/credentials", credential("z", "zendeskApiToken", zendeskFields("t")), 200, nil)
	var c genesyscloud.CredentialInfo
	_ = json.Unmarshal(b, &c)
	ids[c.ID] = "c"
	const info = `{"id":"<c>","name":"z","createdDate":"<date>","modifiedDate":"<date>","type":{"name":"zendeskApiToken"},
		"selfUri":"/api/v2/integrations/credentials/<c>"}`
	check("POST credential (CredentialInfo)", b, ids, info)
	check("PUT credential (CredentialInfo)", e.do("PUT", "/api/v2/integrations/credentials/"+c.ID,
		credential("z", "zendeskApiToken", zendeskFields("t2")), 200, nil), ids, info)
	check("GET credential (Credential, no fields)", e.do("GET", "/api/v2/integrations/credentials/"+c.ID, nil, 200, nil), ids,
		`{"id":"<c>","name":"z","type":{"name":"zendeskApiToken"},"selfUri":"/api/v2/integrations/credentials/<c>"}`)
	check("credential listing (CredentialInfoCursorListing)", e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, nil), ids,
		`{"entities":[`+info+`],"selfUri":"/api/v2/integrations/credentials/listing"}`)

	const emptyConfig = `{"id":"<i>","name":"Z","version":1,"properties":{},"advanced":{},"notes":"","credentials":{},
		"selfUri":"/api/v2/integrations/<i>/config/current"}`
	check("GET config (IntegrationConfiguration)", e.do("GET", "/api/v2/integrations/"+i.ID+"/config/current", nil, 200, nil), ids, emptyConfig)
	cfg := e.config(i.ID)
	cfg.Notes = "n"
	const config = `{"id":"<i>","name":"Z","version":2,"properties":{},"advanced":{},"notes":"n",
		"credentials":{"zendeskApiToken":` + info + `},"selfUri":"/api/v2/integrations/<i>/config/current"}`
	check("PUT config (IntegrationConfiguration)", e.putConfig(i.ID, cfg, map[string]string{"zendeskApiToken": c.ID}, 200), ids, config)
	check("PUT config with null maps", e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current",
		`{"name":"Z","version":2,"notes":"","properties":null,"advanced":null,"credentials":null}`, 200, nil), ids,
		strings.Replace(emptyConfig, `"version":1`, `"version":3`, 1))
	cfg = e.config(i.ID)
	cfg.Notes = "n"
	e.putConfig(i.ID, cfg, map[string]string{"zendeskApiToken": c.ID}, 200)

	b = e.do("GET", "/api/v2/integrations?expand=config.current", nil, 200, nil)
	check("GET integrations (IntegrationEntityListing)", b, ids, `{"entities":[`+
		strings.Replace(fmt.Sprintf(integration, "ENABLED", "ACTIVE", "Active", ""), `"name":"Z",`,
			`"name":"Z","notes":"n","config":{"current":`+strings.Replace(config, `"version":2`, `"version":4`, 1)+`},`, 1)+`],
		"pageSize":25,"pageNumber":1,"total":1,"pageCount":1,
		"firstUri":"/api/v2/integrations?expand=config.current&pageNumber=1&pageSize=25",
		"selfUri":"/api/v2/integrations?expand=config.current&pageNumber=1&pageSize=25",
		"lastUri":"/api/v2/integrations?expand=config.current&pageNumber=1&pageSize=25"}`)

	b = e.do("GET", "/api/v2/integrations/credentials/types", nil, 200, nil)
	var types []map[string]any
	if err := json.Unmarshal(b, &types); err != nil {
		t.Fatalf("credential types are not a bare array: %s", b)
	}
	for _, ct := range types {
		raw, _ := json.Marshal(ct)
		switch ct["name"] {
		case "basicAuth":
			check("credential type basicAuth", raw, nil, `{"name":"basicAuth",
				"properties":{"userName":{"type":"string","title":"userName"},"password":{"type":"string","title":"password"}},
				"displayOrder":["userName","password"],"required":["userName"]}`)
		case "userDefinedOAuth":
			check("credential type userDefinedOAuth", raw, nil, `{"name":"userDefinedOAuth","properties":{},"displayOrder":[],"required":[]}`)
		}
	}

	check("ErrorBody", e.do("GET", "/api/v2/integrations/credentials/nope", nil, 404, nil), nil,
		`{"message":"credential nope not found","code":"not.found","status":404}`)
	check("DELETE integration (Integration)", e.do("DELETE", "/api/v2/integrations/"+i.ID, nil, 200, nil), ids,
		strings.Replace(fmt.Sprintf(integration, "ENABLED", "ACTIVE", "Active", ""), `"name":"Z",`, `"name":"Z","notes":"n",`, 1))
	if b := e.do("DELETE", "/api/v2/integrations/credentials/"+c.ID, nil, 204, nil); len(b) != 0 {
		t.Errorf("DELETE credential answered a body: %s", b)
	}
	var status int
	status, b = e.send(tokenRequest(e.ts.URL, clientID, "wrong", "client_credentials"))
	if status != 401 {
		t.Fatalf("token with a wrong secret: %d", status)
	}
	check("OAuth error", b, nil, `{"error":"invalid_client","error_description":"the client id or secret is wrong"}`)
}

package genesyscloud_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

func TestCredentials(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	a := e.createCredential("a", "basicAuth", map[string]string{"userName": "u", "password": "p"})
	if a.ID == "" || a.Name != "a" || a.Type.Name != "basicAuth" || !isoDate.MatchString(a.CreatedDate) || a.ModifiedDate != a.CreatedDate {
		t.Fatalf("created %+v", a)
	}
	b := e.createCredential("b", "zendeskApiToken", zendeskFields("t"))
	var list genesyscloud.CredentialInfoCursorListing
	e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, &list)
	if d := cmp.Diff([]genesyscloud.CredentialInfo{a, b}, list.Entities); d != "" {
		t.Errorf("listing (-want +got):\n%s", d)
	}
	var got genesyscloud.Credential
	e.do("GET", "/api/v2/integrations/credentials/"+a.ID, nil, 200, &got)
	want := genesyscloud.Credential{ID: a.ID, Name: "a", Type: genesyscloud.CredentialType{Name: "basicAuth"}, SelfURI: a.SelfURI}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("GET (-want +got):\n%s", d)
	}
	var put genesyscloud.CredentialInfo
	e.do("PUT", "/api/v2/integrations/credentials/"+a.ID, credential("a2", "userDefined", map[string]string{"k": "v"}), 200, &put)
	if put.ID != a.ID || put.Name != "a2" || put.Type.Name != "userDefined" || put.CreatedDate != a.CreatedDate {
		t.Errorf("PUT answer %+v", put)
	}
	e.do("GET", "/api/v2/integrations/credentials/"+a.ID, nil, 200, &got)
	if got.Name != "a2" || got.Type.Name != "userDefined" {
		t.Errorf("GET after PUT: %+v", got)
	}
	if body := e.do("DELETE", "/api/v2/integrations/credentials/"+a.ID, nil, 204, nil); len(body) != 0 {
		t.Errorf("DELETE answered %s", body)
	}
	e.do("GET", "/api/v2/integrations/credentials/"+a.ID, nil, 404, nil)
	e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, &list)
	if d := cmp.Diff([]genesyscloud.CredentialInfo{b}, list.Entities); d != "" {
		t.Errorf("listing after DELETE (-want +got):\n%s", d)
	}
	e.do("DELETE", "/api/v2/integrations/credentials/"+b.ID, nil, 204, nil)
	if body := e.do("GET", "/api/v2/integrations/credentials/listing", nil, 200, nil); !bytes.Contains(body, []byte(`"entities":[]`)) {
		t.Errorf("empty listing is %s, want entities []", body)
	}
}

// TestCredentialRefusals: an unknown type, an unknown field of a typed
// credential, a missing required field; the message names the fields but
// never a value. Free-form types take any field.
func TestCredentialRefusals(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	existing := e.createCredential("ok", "basicAuth", map[string]string{"userName": "u"})
	tests := []struct {
		name   string
		typ    string
		fields map[string]string
		want   []string
	}{
		{"unknown type", "nope", map[string]string{"k": "SECRET"}, []string{`credential type "nope" does not exist`}},
		{"unknown field", "basicAuth", map[string]string{"userName": "u", "username": "SECRET"},
			[]string{`basicAuth has no field "username"`, "password, userName"}},
		{"missing required field", "salesforce", map[string]string{"username": "u", "password": "SECRET"},
			[]string{`requires the field "securityToken"`}},
		{"empty required field", "amazonWebServicesARN", map[string]string{"ARN": ""}, []string{`requires the field "ARN"`}},
		{"no fields", "zendeskApiToken", nil, []string{`"userEmail"`, `"baseUrl"`, `"apiToken"`}},
		{"salesforce userName", "salesforce", map[string]string{"userName": "u", "password": "SECRET", "securityToken": "SECRET"},
			[]string{`no field "userName"`, `requires the field "username"`}},
	}
	for _, tt := range tests {
		for _, method := range []string{"POST", "PUT"} {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				path := "/api/v2/integrations/credentials"
				if method == "PUT" {
					path += "/" + existing.ID
				}
				msg := errorBody(t, 400, e.do(method, path, credential("c", tt.typ, tt.fields), 400, nil))
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("message %q does not say %q", msg, w)
					}
				}
				if strings.Contains(msg, "SECRET") {
					t.Errorf("message %q quotes a value", msg)
				}
			})
		}
	}
	for _, typ := range []string{"userDefined", "userDefinedOAuth"} {
		e.createCredential("free", typ, map[string]string{"whatever": "x", "clientSecret": "y"})
		e.createCredential("free", typ, nil)
	}
	if n := e.srv.Stats().Credentials; n != 5 {
		t.Errorf("%d credentials, want the 5 accepted", n)
	}
}

// TestCredentialCursorListing pages with pageSize, after and before, and
// refuses a page size outside 1 to 200 and a cursor it did not make.
func TestCredentialCursorListing(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var all []string
	for n := range 60 {
		all = append(all, e.createCredential(fmt.Sprintf("c%02d", n), "userDefined", nil).Name)
		if n%7 == 0 { // deleted ones leave no hole in the pages
			c := e.createCredential("gone", "userDefined", nil)
			e.do("DELETE", "/api/v2/integrations/credentials/"+c.ID, nil, 204, nil)
		}
	}
	get := func(path string) genesyscloud.CredentialInfoCursorListing {
		var l genesyscloud.CredentialInfoCursorListing
		e.do("GET", path, nil, 200, &l)
		return l
	}
	names := func(l genesyscloud.CredentialInfoCursorListing) []string {
		var out []string
		for _, c := range l.Entities {
			out = append(out, c.Name)
		}
		return out
	}
	if l := get("/api/v2/integrations/credentials/listing"); len(l.Entities) != 25 || l.NextURI == "" || l.PreviousURI != "" {
		t.Errorf("default page: %d entities, next %q, previous %q", len(l.Entities), l.NextURI, l.PreviousURI)
	}
	var pages [][]string
	var got []string
	next := "/api/v2/integrations/credentials/listing?pageSize=20"
	var last genesyscloud.CredentialInfoCursorListing
	for next != "" {
		if !strings.Contains(next, "after=") && len(pages) > 0 {
			t.Fatalf("nextUri %q carries no after", next)
		}
		last = get(next)
		pages = append(pages, names(last))
		got = append(got, names(last)...)
		next = last.NextURI
	}
	if d := cmp.Diff(all, got); d != "" {
		t.Errorf("following nextUri (-want +got):\n%s", d)
	}
	if len(pages) != 3 {
		t.Errorf("%d pages of 20 for 60, want 3 (no nextUri on the last)", len(pages))
	}
	// previousUri goes back a page.
	if prev := get(last.PreviousURI); !cmp.Equal(pages[1], names(prev)) || !strings.Contains(last.PreviousURI, "before=") {
		t.Errorf("previousUri %q gave %v, want %v", last.PreviousURI, names(prev), pages[1])
	}
	// An after past the end (its credential since deleted): an empty page.
	extra := e.createCredential("extra", "userDefined", nil)
	page := get("/api/v2/integrations/credentials/listing?pageSize=60")
	if len(page.Entities) != 60 || page.NextURI == "" {
		t.Fatalf("60 of 61: %d entities, next %q", len(page.Entities), page.NextURI)
	}
	e.do("DELETE", "/api/v2/integrations/credentials/"+extra.ID, nil, 204, nil)
	if end := get(page.NextURI); len(end.Entities) != 0 || end.NextURI != "" {
		t.Errorf("after past the end: %v, next %q", names(end), end.NextURI)
	}
	if l := get("/api/v2/integrations/credentials/listing?pageSize=200"); len(l.Entities) != 60 || l.NextURI != "" {
		t.Errorf("pageSize 200: %d entities, next %q", len(l.Entities), l.NextURI)
	}
	cursor := regexp.MustCompile(`after=([^&]+)`).FindStringSubmatch(page.NextURI)[1]
	for _, q := range []string{"pageSize=0", "pageSize=201", "pageSize=x", "after=bm9wZQ", "after=%%%", "before=x", "after=" + cursor + "&before=" + cursor} {
		errorBody(t, 400, e.do("GET", "/api/v2/integrations/credentials/listing?"+q, nil, 400, nil))
	}
}

// TestSecretsNeverReturned writes credential fields holding SECRET through
// every write, then scans every answer and the state file for them.
func TestSecretsNeverReturned(t *testing.T) {
	state := filepath.Join(t.TempDir(), "org.json")
	e := newEnv(t, genesyscloud.Options{StatePath: state})
	var bodies [][]byte
	keep := func(b []byte) { bodies = append(bodies, b) }

	i := e.createIntegration("z", zendesk)
	w := e.createIntegration("w", webServices)
	var c, o genesyscloud.CredentialInfo
	keep(e.do("POST", "/api/v2/integrations/credentials", credential("z", "zendeskApiToken", zendeskFields("tok-SECRET-1")), 200, &c))
	keep(e.do("POST", "/api/v2/integrations/credentials", credential("o", "userDefinedOAuth",
		map[string]string{"clientSecret": "oauth-SECRET-2", "SECRET-key": "v"}), 200, &o))
	keep(e.do("PUT", "/api/v2/integrations/credentials/"+c.ID, credential("z", "zendeskApiToken", zendeskFields("tok-SECRET-3")), 200, nil))
	keep(e.putConfig(i.ID, e.config(i.ID), map[string]string{"zendeskApiToken": c.ID}, 200))
	keep(e.putConfig(w.ID, e.config(w.ID), map[string]string{"basicAuth": o.ID}, 200))
	// A refused write must not echo the body either.
	keep(e.do("POST", "/api/v2/integrations/credentials", `{"name":"x","type":{"name":"nope"},"credentialFields":{"k":"bad-SECRET-4"}}`, 400, nil))
	keep(e.do("POST", "/api/v2/integrations/credentials", `{"name":"x","type":{"name":"basicAuth"},"credentialFields":{"userName":"bad-SECRET-5","x":"bad-SECRET-6"}}`, 400, nil))
	keep(e.do("POST", "/api/v2/integrations/credentials", `{"name":"x","credentialFields":{"k":"bad-SECRET-7"`, 400, nil))

	for _, p := range []string{
		"/api/v2/integrations/credentials/listing",
		"/api/v2/integrations/credentials/" + c.ID,
		"/api/v2/integrations?expand=config.current",
		"/api/v2/integrations/" + i.ID + "?expand=config.current",
		"/api/v2/integrations/" + i.ID + "/config/current",
		"/api/v2/integrations/credentials/types",
		"/api/v2/integrations/types",
		"/api/v2/integrations/actions?includeAuthActions=true",
		"/emulator/stats",
	} {
		keep(e.do("GET", p, nil, 200, nil))
	}
	file, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	keep(file)
	for _, b := range bodies {
		if bytes.Contains(b, []byte("SECRET")) {
			t.Errorf("a secret leaked: %s", b)
		}
		if bytes.Contains(b, []byte("credentialFields")) {
			t.Errorf("credentialFields in %s", b)
		}
	}
	// The file keeps a digest of each credential's fields instead.
	if n := len(regexp.MustCompile(`"fieldsSha256": "[0-9a-f]{64}"`).FindAll(file, -1)); n != 2 {
		t.Errorf("%d field digests in the state file, want 2:\n%s", n, file)
	}
}

// TestDeleteIntegrationKeepsCredential: like the API, deleting an
// integration leaves its credential, an orphan, and removes its actions;
// a configuration whose credential was deleted shows only its id.
func TestDeleteIntegrationKeepsCredential(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("z", zendesk)
	other := e.createIntegration("w", webServices)
	c := e.createCredential("Integration-"+i.ID, "zendeskApiToken", zendeskFields("t"))
	e.putConfig(i.ID, e.config(i.ID), map[string]string{"zendeskApiToken": c.ID}, 200)
	if _, err := e.srv.AddAction(i.ID, "Get ticket"); err != nil {
		t.Fatal(err)
	}
	keep, err := e.srv.AddAction(other.ID, "Call")
	if err != nil {
		t.Fatal(err)
	}

	e.do("DELETE", "/api/v2/integrations/"+i.ID, nil, 200, nil)
	e.do("GET", "/api/v2/integrations/credentials/"+c.ID, nil, 200, nil)
	var actions genesyscloud.ActionEntityListing
	e.do("GET", "/api/v2/integrations/actions?includeAuthActions=true", nil, 200, &actions)
	want := []genesyscloud.Action{{ID: keep, Name: "Call", IntegrationID: other.ID, Category: "w", Version: 1,
		SelfURI: "/api/v2/integrations/actions/" + keep}}
	if d := cmp.Diff(want, actions.Entities); d != "" {
		t.Errorf("actions after the DELETE (-want +got):\n%s", d)
	}

	d := e.createCredential("d", "basicAuth", map[string]string{"userName": "u"})
	e.putConfig(other.ID, e.config(other.ID), map[string]string{"basicAuth": d.ID}, 200)
	e.do("DELETE", "/api/v2/integrations/credentials/"+d.ID, nil, 204, nil)
	if diff := cmp.Diff(genesyscloud.CredentialInfo{ID: d.ID}, e.config(other.ID).Credentials["basicAuth"]); diff != "" {
		t.Errorf("slot of a deleted credential (-want +got):\n%s", diff)
	}
}

func TestActions(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	a := e.createIntegration("a", zendesk)
	b := e.createIntegration("b", webServices)
	x, err := e.srv.AddAction(a.ID, "x")
	if err != nil {
		t.Fatal(err)
	}
	var y genesyscloud.Action
	e.do("POST", "/emulator/actions", map[string]string{"integrationId": b.ID, "name": "y"}, 200, &y)
	z, err := e.srv.AddAction(a.ID, "z")
	if err != nil {
		t.Fatal(err)
	}
	if y.ID == "" || y.Name != "y" || y.IntegrationID != b.ID {
		t.Errorf("POST /emulator/actions answered %+v", y)
	}
	var p1, p2 genesyscloud.ActionEntityListing
	e.do("GET", "/api/v2/integrations/actions?pageSize=2&pageNumber=1", nil, 200, &p1)
	e.do("GET", "/api/v2/integrations/actions?pageSize=2&pageNumber=2", nil, 200, &p2)
	var got []string
	for _, act := range append(p1.Entities, p2.Entities...) {
		got = append(got, act.ID)
	}
	if d := cmp.Diff([]string{x, y.ID, z}, got); d != "" {
		t.Errorf("actions over two pages (-want +got):\n%s", d)
	}
	if p1.Total != 3 || p1.PageCount != 2 || p2.PageNumber != 2 {
		t.Errorf("paging: %+v %+v", p1, p2)
	}
	for _, tt := range []struct{ integration, name string }{{"nope", "n"}, {a.ID, ""}} {
		if _, err := e.srv.AddAction(tt.integration, tt.name); err == nil {
			t.Errorf("AddAction(%q, %q) succeeded", tt.integration, tt.name)
		}
	}
}

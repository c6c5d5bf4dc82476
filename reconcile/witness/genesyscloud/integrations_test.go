package genesyscloud_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// ignoreDates leaves out what depends on the clock.
var ignoreDates = cmpopts.IgnoreFields(genesyscloud.IntegrationStatusInfo{}, "LastUpdated")

func TestIntegrationLifecycle(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("Zendesk one", zendesk)
	want := genesyscloud.Integration{ID: i.ID, Name: "Zendesk one", IntendedState: "DISABLED",
		IntegrationType: genesyscloud.IntegrationType{ID: zendesk, Name: "Zendesk Data Actions", SelfURI: "/api/v2/integrations/types/" + zendesk},
		ReportedState:   &genesyscloud.IntegrationStatusInfo{Code: "INACTIVE", Effective: "Inactive"},
		SelfURI:         "/api/v2/integrations/" + i.ID}
	if d := cmp.Diff(want, i, ignoreDates); d != "" {
		t.Fatalf("created (-want +got):\n%s", d)
	}
	var got genesyscloud.Integration
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 200, &got)
	if d := cmp.Diff(i, got); d != "" {
		t.Errorf("GET (-POST +GET):\n%s", d)
	}

	cred := e.createCredential("z", "zendeskApiToken", zendeskFields("t"))
	put := e.config(i.ID)
	put.Name, put.Notes = "Renamed", "managed"
	put.Properties = map[string]any{"k": "v"}
	put.Advanced = map[string]any{"a": map[string]any{"b": 1.0}}
	var stored genesyscloud.IntegrationConfiguration
	e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", map[string]any{"name": put.Name, "notes": put.Notes, "version": 1,
		"properties": put.Properties, "advanced": put.Advanced, "credentials": map[string]any{"zendeskApiToken": map[string]string{"id": cred.ID}}}, 200, &stored)
	put.Version = 2
	put.Credentials = map[string]genesyscloud.CredentialInfo{"zendeskApiToken": cred}
	if d := cmp.Diff(put, stored); d != "" {
		t.Errorf("PUT answer (-want +got):\n%s", d)
	}
	if d := cmp.Diff(put, e.config(i.ID)); d != "" {
		t.Errorf("GET after PUT (-want +got):\n%s", d)
	}
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 200, &got)
	if got.Name != "Renamed" || got.Notes != "managed" {
		t.Errorf("integration after PUT: %+v", got)
	}

	e.do("PATCH", "/api/v2/integrations/"+i.ID, map[string]string{"intendedState": "ENABLED"}, 200, &got)
	if got.IntendedState != "ENABLED" || got.ReportedState.Code != "ACTIVE" || got.ReportedState.Detail != nil {
		t.Errorf("after PATCH ENABLED: %+v %+v", got, got.ReportedState)
	}
	e.do("PATCH", "/api/v2/integrations/"+i.ID, map[string]string{"intendedState": "DISABLED"}, 200, &got)
	if got.IntendedState != "DISABLED" || got.ReportedState.Code != "INACTIVE" {
		t.Errorf("after PATCH DISABLED: %+v", got)
	}
	var deleted genesyscloud.Integration
	e.do("DELETE", "/api/v2/integrations/"+i.ID, nil, 200, &deleted)
	if d := cmp.Diff(got, deleted); d != "" {
		t.Errorf("DELETE answer (-last GET +DELETE):\n%s", d)
	}
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 404, nil)
	if p := e.listIntegrations(""); p.Total != 0 || len(p.Entities) != 0 {
		t.Errorf("listing after DELETE: %+v", p)
	}
}

// TestReportedState: enabling reports ACTIVE, or ERROR saying which
// required slot is empty; an optional empty slot is fine; SetReportedState
// and its endpoint override it.
func TestReportedState(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	z := e.createIntegration("z", zendesk)
	w := e.createIntegration("w", webServices) // its slot is optional
	enable := func(id string) *genesyscloud.IntegrationStatusInfo {
		var got genesyscloud.Integration
		e.do("PATCH", "/api/v2/integrations/"+id, map[string]string{"intendedState": "ENABLED"}, 200, &got)
		return got.ReportedState
	}
	if rs := enable(z.ID); rs.Code != "ERROR" || rs.Detail == nil || !strings.Contains(rs.Detail.Message, "zendeskApiToken") {
		t.Errorf("zendesk without credential: %+v", rs)
	}
	if rs := enable(w.ID); rs.Code != "ACTIVE" {
		t.Errorf("web services without credential: %+v", rs)
	}
	// A configuration PUT of an enabled integration re-checks it.
	c := e.createCredential("z", "zendeskApiToken", zendeskFields("t"))
	e.putConfig(z.ID, e.config(z.ID), map[string]string{"zendeskApiToken": c.ID}, 200)
	var got genesyscloud.Integration
	e.do("GET", "/api/v2/integrations/"+z.ID, nil, 200, &got)
	if got.ReportedState.Code != "ACTIVE" {
		t.Errorf("zendesk after its credential was set: %+v", got.ReportedState)
	}

	if err := e.srv.SetReportedState(z.ID, "ERROR", "the token was revoked"); err != nil {
		t.Fatal(err)
	}
	e.do("GET", "/api/v2/integrations/"+z.ID, nil, 200, &got)
	want := &genesyscloud.IntegrationStatusInfo{Code: "ERROR", Effective: "Error", Detail: &genesyscloud.MessageInfo{Message: "the token was revoked"}}
	if d := cmp.Diff(want, got.ReportedState, ignoreDates); d != "" {
		t.Errorf("after SetReportedState (-want +got):\n%s", d)
	}
	e.do("POST", "/emulator/reported-state", map[string]string{"integrationId": w.ID, "code": "ACTIVATING"}, 204, nil)
	if p := e.listIntegrations("?reportedState=activating"); len(p.Entities) != 1 || p.Entities[0].ID != w.ID || p.Entities[0].ReportedState.Detail != nil {
		t.Errorf("filter by reported state: %+v", p.Entities)
	}
	for _, tt := range []struct{ id, code string }{{"nope", "ACTIVE"}, {z.ID, "BROKEN"}, {z.ID, ""}} {
		if err := e.srv.SetReportedState(tt.id, tt.code, ""); err == nil {
			t.Errorf("SetReportedState(%q, %q) succeeded", tt.id, tt.code)
		}
	}
	errorBody(t, 404, e.do("POST", "/emulator/reported-state", map[string]string{"integrationId": "nope", "code": "ACTIVE"}, 404, nil))
	errorBody(t, 400, e.do("POST", "/emulator/reported-state", map[string]string{"integrationId": z.ID, "code": "on"}, 400, nil))
}

func TestPaging(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	for n := range 250 {
		e.createIntegration(fmt.Sprintf("i-%03d", n), imap)
	}
	e.createIntegration("z", zendesk)
	tests := []struct {
		query                         string
		size, number, count, total, n int
		first                         string
	}{
		{query: "", size: 25, number: 1, count: 11, total: 251, n: 25, first: "i-000"},
		{query: "?pageSize=100&pageNumber=1", size: 100, number: 1, count: 3, total: 251, n: 100, first: "i-000"},
		{query: "?pageSize=100&pageNumber=2", size: 100, number: 2, count: 3, total: 251, n: 100, first: "i-100"},
		{query: "?pageSize=100&pageNumber=3", size: 100, number: 3, count: 3, total: 251, n: 51, first: "i-200"},
		{query: "?pageSize=100&pageNumber=4", size: 100, number: 4, count: 3, total: 251, n: 0},
		{query: "?pageSize=500", size: 100, number: 1, count: 3, total: 251, n: 100, first: "i-000"},
		{query: "?pageSize=7&pageNumber=36", size: 7, number: 36, count: 36, total: 251, n: 6, first: "i-245"},
		{query: "?pageSize=100&integrationType=" + zendesk, size: 100, number: 1, count: 1, total: 1, n: 1, first: "z"},
		{query: "?integrationType=nope", size: 25, number: 1, count: 0, total: 0, n: 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := e.listIntegrations(tt.query)
			if p.PageSize != tt.size || p.PageNumber != tt.number || p.PageCount != tt.count || p.Total != tt.total || len(p.Entities) != tt.n {
				t.Errorf("pageSize %d pageNumber %d pageCount %d total %d entities %d, want %d %d %d %d %d",
					p.PageSize, p.PageNumber, p.PageCount, p.Total, len(p.Entities), tt.size, tt.number, tt.count, tt.total, tt.n)
			}
			if tt.first != "" && len(p.Entities) > 0 && p.Entities[0].Name != tt.first {
				t.Errorf("first entity %s, want %s", p.Entities[0].Name, tt.first)
			}
			if (p.NextURI != "") != (p.PageNumber < p.PageCount) {
				t.Errorf("page %d of %d: nextUri %q", p.PageNumber, p.PageCount, p.NextURI)
			}
			for _, i := range p.Entities {
				if i.Config != nil {
					t.Errorf("%s has a config without expand", i.Name)
				}
			}
		})
	}
	// Following nextUri gives every integration once, in creation order.
	var names []string
	for next := "/api/v2/integrations?pageSize=100"; next != ""; {
		var p genesyscloud.IntegrationEntityListing
		e.do("GET", next, nil, 200, &p)
		for _, i := range p.Entities {
			names = append(names, i.Name)
		}
		next = p.NextURI
	}
	if len(names) != 251 || names[0] != "i-000" || names[249] != "i-249" || names[250] != "z" {
		t.Errorf("%d names over the pages, from %v", len(names), names[:min(3, len(names))])
	}
}

func TestFilterByIDs(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	a, b, c := e.createIntegration("a", zendesk), e.createIntegration("b", zendesk), e.createIntegration("c", zendesk)
	for _, q := range []string{"?ids=" + a.ID + "," + c.ID, "?ids=" + a.ID + "&ids=" + c.ID} {
		var names []string
		for _, i := range e.listIntegrations(q).Entities {
			names = append(names, i.Name)
		}
		if d := cmp.Diff([]string{"a", "c"}, names); d != "" {
			t.Errorf("%s (-want +got):\n%s", q, d)
		}
	}
	_ = b
	many := strings.Repeat("x,", 101)
	errorBody(t, 400, e.do("GET", "/api/v2/integrations?ids="+many, nil, 400, nil))
}

// TestMaxInstancesEveryType fills every limited type to its maxInstances:
// one more of any type is a 400 that says why; after a DELETE there is
// room again.
func TestMaxInstancesEveryType(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var types genesyscloud.IntegrationTypeEntityListing
	e.do("GET", "/api/v2/integrations/types?pageSize=100", nil, 200, &types)
	for _, it := range types.Entities {
		for n := range it.MaxInstances {
			e.createIntegration(fmt.Sprintf("%s-%d", it.ID, n), it.ID)
		}
	}
	for _, it := range types.Entities {
		if it.MaxInstances == 0 {
			continue
		}
		b := e.do("POST", "/api/v2/integrations", map[string]any{"name": "one too many", "integrationType": map[string]string{"id": it.ID}}, 400, nil)
		if msg := errorBody(t, 400, b); !strings.Contains(msg, "maximum") || !strings.Contains(msg, it.ID) {
			t.Errorf("%s: message %q does not say the limit was reached", it.ID, msg)
		}
	}
	p := e.listIntegrations("?pageSize=1&integrationType=" + zendesk)
	e.do("DELETE", "/api/v2/integrations/"+p.Entities[0].ID, nil, 200, nil)
	e.createIntegration("room again", zendesk)
}

func TestDuplicateNamesAllowed(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	a := e.createIntegration("Same", zendesk)
	b := e.createIntegration("Same", zendesk)
	if a.ID == b.ID {
		t.Fatalf("same id %s", a.ID)
	}
	p := e.listIntegrations("")
	if len(p.Entities) != 2 || p.Entities[0].Name != "Same" || p.Entities[1].Name != "Same" {
		t.Errorf("listing %+v", p.Entities)
	}
}

func TestExpandConfig(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	a := e.createIntegration("a", zendesk)
	b := e.createIntegration("b", webServices)
	c := e.config(b.ID)
	c.Notes, c.Properties = "n", map[string]any{"p": "q"}
	cred := e.createCredential("w", "basicAuth", map[string]string{"userName": "u", "password": "p"})
	e.putConfig(b.ID, c, map[string]string{"basicAuth": cred.ID}, 200)

	for _, q := range []string{"?expand=config.current", "?expand=other,config.current", "?expand=other&expand=config.current"} {
		p := e.listIntegrations(q)
		for _, i := range p.Entities {
			if i.Config == nil || i.Config.Current == nil {
				t.Fatalf("%s: %s has no config", q, i.Name)
			}
			if d := cmp.Diff(e.config(i.ID), *i.Config.Current); d != "" {
				t.Errorf("%s: %s inline config (-GET +listing):\n%s", q, i.Name, d)
			}
		}
	}
	var one genesyscloud.Integration
	e.do("GET", "/api/v2/integrations/"+a.ID+"?expand=config.current", nil, 200, &one)
	if one.Config == nil || one.Config.Current == nil || one.Config.Current.Version != 1 {
		t.Errorf("GET with expand: %+v", one)
	}
	for _, path := range []string{"/api/v2/integrations", "/api/v2/integrations/" + a.ID, "/api/v2/integrations?expand=other"} {
		if body := e.do("GET", path, nil, 200, nil); bytes.Contains(body, []byte(`"config"`)) {
			t.Errorf("%s without expand has a config: %s", path, body)
		}
	}
}

// TestConcurrentCreates checks the limit holds under concurrent POSTs.
func TestConcurrentCreates(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var wg sync.WaitGroup
	statuses := make([]int, 60)
	for n := range statuses {
		wg.Go(func() {
			body := fmt.Sprintf(`{"name":"w%d","integrationType":{"id":%q}}`, n, webServices)
			resp, err := e.client.Do(e.request("POST", "/api/v2/integrations", body))
			if err != nil {
				return
			}
			resp.Body.Close()
			statuses[n] = resp.StatusCode
		})
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if d := cmp.Diff(map[int]int{200: 50, 400: 10}, count); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if n := len(e.listIntegrations("?pageSize=100").Entities); n != 50 {
		t.Errorf("%d integrations, want 50", n)
	}
}

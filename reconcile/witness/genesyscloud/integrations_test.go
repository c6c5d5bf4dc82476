package genesyscloud_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

const (
	zendesk     = "zendesk-data-actions"
	webServices = "custom-rest-actions"
)

func TestIntegrationLifecycle(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("Zendesk one", zendesk)
	if i.ID == "" || i.Name != "Zendesk one" || i.IntegrationType.ID != zendesk || i.IntendedState != "DISABLED" || i.Config != nil {
		t.Fatalf("created %+v", i)
	}
	var got api.Integration
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 200, &got)
	if d := cmp.Diff(i, got); d != "" {
		t.Errorf("GET (-POST +GET):\n%s", d)
	}
	want := api.Configuration{Name: "Zendesk one", Version: 1, Properties: map[string]any{}, Advanced: map[string]any{}, Credentials: map[string]api.CredentialRef{}}
	if d := cmp.Diff(want, e.config(i.ID)); d != "" {
		t.Errorf("initial configuration (-want +got):\n%s", d)
	}

	e.do("PATCH", "/api/v2/integrations/"+i.ID, map[string]string{"intendedState": "ENABLED"}, 200, &got)
	if got.IntendedState != "ENABLED" || got.ReportedState == nil || got.ReportedState.Code != "ACTIVE" {
		t.Errorf("after PATCH ENABLED: %+v", got)
	}

	cred := e.createCredential("z", "zendeskApiToken", map[string]string{"apiToken": "t"})
	put := api.Configuration{Name: "Renamed", Notes: "managed", Version: 1,
		Properties:  map[string]any{"k": "v"},
		Advanced:    map[string]any{"a": map[string]any{"b": 1.0}},
		Credentials: map[string]api.CredentialRef{"zendeskApiToken": {ID: cred.ID, Type: "zendeskApiToken"}}}
	var stored api.Configuration
	e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", put, 200, &stored)
	put.Version = 2
	if d := cmp.Diff(put, stored); d != "" {
		t.Errorf("PUT answer (-want +got):\n%s", d)
	}
	if d := cmp.Diff(put, e.config(i.ID)); d != "" {
		t.Errorf("GET after PUT (-want +got):\n%s", d)
	}
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 200, &got)
	if got.Name != "Renamed" || got.Notes != "managed" || got.IntendedState != "ENABLED" {
		t.Errorf("integration after PUT: %+v", got)
	}

	e.do("PATCH", "/api/v2/integrations/"+i.ID, map[string]string{"intendedState": "DISABLED"}, 200, &got)
	if got.IntendedState != "DISABLED" || got.ReportedState.Code != "INACTIVE" {
		t.Errorf("after PATCH DISABLED: %+v", got)
	}
	e.do("DELETE", "/api/v2/integrations/"+i.ID, nil, 204, nil)
	e.do("GET", "/api/v2/integrations/"+i.ID, nil, 404, nil)
	if p := e.listIntegrations(""); p.Total != 0 || len(p.Entities) != 0 {
		t.Errorf("listing after DELETE: %+v", p)
	}
}

// fill creates one integration per unit of every type's maxInstances,
// named i-000 up in creation order: 250 with the current table.
func fill(e *env) []api.IntegrationType {
	e.t.Helper()
	var types api.Page[api.IntegrationType]
	e.do("GET", "/api/v2/integrations/types?pageSize=100", nil, 200, &types)
	n := 0
	for _, it := range types.Entities {
		for range it.MaxInstances {
			e.createIntegration(fmt.Sprintf("i-%03d", n), it.ID)
			n++
		}
	}
	if n != 250 {
		e.t.Fatalf("the types allow %d integrations; the paging cases assume 250", n)
	}
	return types.Entities
}

func TestPaging(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	fill(e)
	tests := []struct {
		query                         string
		size, number, count, total, n int
		first                         string
	}{
		{query: "", size: 25, number: 1, count: 10, total: 250, n: 25, first: "i-000"},
		{query: "?pageSize=100&pageNumber=1", size: 100, number: 1, count: 3, total: 250, n: 100, first: "i-000"},
		{query: "?pageSize=100&pageNumber=2", size: 100, number: 2, count: 3, total: 250, n: 100, first: "i-100"},
		{query: "?pageSize=100&pageNumber=3", size: 100, number: 3, count: 3, total: 250, n: 50, first: "i-200"},
		{query: "?pageSize=100&pageNumber=4", size: 100, number: 4, count: 3, total: 250, n: 0},
		{query: "?pageSize=500", size: 100, number: 1, count: 3, total: 250, n: 100, first: "i-000"},
		{query: "?pageSize=7&pageNumber=36", size: 7, number: 36, count: 36, total: 250, n: 5, first: "i-245"},
		{query: "?pageSize=100&integrationType=" + api.EmulatorGoogleType, size: 100, number: 1, count: 1, total: 100, n: 100},
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
			for _, i := range p.Entities {
				if i.Config != nil {
					t.Errorf("%s has a config without expand", i.Name)
				}
			}
		})
	}
	// Walking the pages gives every integration once, in creation order.
	var names []string
	for n := 1; ; n++ {
		var raw map[string]json.RawMessage
		b := e.do("GET", fmt.Sprintf("/api/v2/integrations?pageSize=100&pageNumber=%d", n), nil, 200, &raw)
		var p api.Page[api.Integration]
		_ = json.Unmarshal(b, &p)
		for _, i := range p.Entities {
			names = append(names, i.Name)
		}
		_, hasNext := raw["nextUri"]
		if hasNext != (n < p.PageCount) {
			t.Errorf("page %d of %d: nextUri present %v", n, p.PageCount, hasNext)
		}
		if n >= p.PageCount {
			break
		}
	}
	var want []string
	for n := range 250 {
		want = append(want, fmt.Sprintf("i-%03d", n))
	}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("names over the pages (-want +got):\n%s", d)
	}
}

// TestMaxInstancesEveryType fills every type to its maxInstances: one more
// of any type is a 400 that says why; after a DELETE there is room again.
func TestMaxInstancesEveryType(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	types := fill(e)
	for _, it := range types {
		b := e.do("POST", "/api/v2/integrations", map[string]any{"name": "one too many", "integrationType": map[string]string{"id": it.ID}}, 400, nil)
		if eb := errorBody(t, 400, b); !strings.Contains(eb.Message, "maxInstances") || !strings.Contains(eb.Message, it.ID) {
			t.Errorf("%s: message %q does not say the limit was reached", it.ID, eb.Message)
		}
	}
	p := e.listIntegrations("?pageSize=1&integrationType=" + zendesk)
	e.do("DELETE", "/api/v2/integrations/"+p.Entities[0].ID, nil, 204, nil)
	e.createIntegration("room again", zendesk)
}

func TestMaxInstancesZendesk(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	for n := range 10 {
		e.createIntegration(fmt.Sprintf("z%d", n), zendesk)
	}
	b := e.do("POST", "/api/v2/integrations", map[string]any{"name": "z10", "integrationType": map[string]string{"id": zendesk}}, 400, nil)
	if eb := errorBody(t, 400, b); !strings.Contains(eb.Message, "maximum") {
		t.Errorf("message %q", eb.Message)
	}
	e.createIntegration("other type", webServices)
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
	e.do("PUT", "/api/v2/integrations/"+b.ID+"/config/current", c, 200, nil)

	for _, q := range []string{"?expand=config.current", "?expand=other,config.current"} {
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
	var one api.Integration
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

func TestVersionConflict(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("a", zendesk)
	stale := e.config(i.ID)
	first := stale
	first.Notes = "first"
	var got api.Configuration
	e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", first, 200, &got)
	if got.Version != 2 {
		t.Fatalf("version after PUT: %d, want 2", got.Version)
	}
	stale.Notes = "second"
	b := e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", stale, http.StatusConflict, nil)
	eb := errorBody(t, 409, b)
	if !strings.Contains(eb.Message, "does not match the current version") || !api.IsVersionConflict(409, eb.Message) {
		t.Errorf("message %q", eb.Message)
	}
	if c := e.config(i.ID); c.Version != 2 || c.Notes != "first" {
		t.Errorf("a stale PUT changed the configuration: %+v", c)
	}
	// A future version is as wrong as a past one.
	stale.Version = 3
	e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", stale, http.StatusConflict, nil)
}

// TestConcurrentCreates checks the limit holds under concurrent POSTs.
func TestConcurrentCreates(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	var wg sync.WaitGroup
	statuses := make([]int, 60)
	for n := range statuses {
		wg.Go(func() {
			body := fmt.Sprintf(`{"name":"w%d","integrationType":{"id":%q}}`, n, webServices)
			r := e.request("POST", "/api/v2/integrations", body)
			resp, err := e.client.Do(r)
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
	ids := map[string]bool{}
	for _, i := range e.listIntegrations("?pageSize=100").Entities {
		ids[i.ID] = true
	}
	if len(ids) != 50 {
		t.Errorf("%d distinct integrations, want 50", len(ids))
	}
}

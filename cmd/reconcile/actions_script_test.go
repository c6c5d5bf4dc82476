package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// The data action commands of the scripts:
//
//	actionid [-new] INTEGRATION ACTION KEY   remember the action's id as KEY, or fail if
//	                          KEY was another id; with -new, fail if it was the same
//	actionversion INTEGRATION ACTION N       fail unless the published version is N
//	actions INTEGRATION N     fail unless the integration has N published data actions
//	service                   [genesys] start a loopback order service for the
//	                          emulator's action tests: $SERVICE is its URL

// orgAction is a published data action as a script sees it.
type orgAction struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version int    `json:"version"`
}

// orgActions returns the published data actions of the integration named.
func orgActions(ts *testscript.TestScript, integration string) []orgAction {
	id := integrationID(ts, integration)
	if ts.Getenv("TARGET") == "local" {
		for _, in := range readLocal(ts).Integrations {
			if in["id"] != id {
				continue
			}
			b, err := json.Marshal(in["dataActions"])
			ts.Check(err)
			var out []orgAction
			ts.Check(json.Unmarshal(b, &out))
			return out
		}
	}
	e := emulatorFor(ts, 0)
	listed, err := listActions(e.url, e.srv.Token(), false)
	ts.Check(err)
	var out []orgAction
	for _, a := range listed {
		if a.IntegrationID == id {
			out = append(out, orgAction{ID: a.ID, Name: a.Name, Version: a.Version})
		}
	}
	return out
}

func findAction(ts *testscript.TestScript, integration, name string) orgAction {
	var found []orgAction
	for _, a := range orgActions(ts, integration) {
		if a.Name == name {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		ts.Fatalf("%d published data actions named %q on %q, want 1", len(found), name, integration)
	}
	return found[0]
}

func cmdActionID(ts *testscript.TestScript, neg bool, args []string) {
	isNew := len(args) == 4 && args[0] == "-new"
	if isNew {
		args = args[1:]
	}
	if len(args) != 3 || neg {
		ts.Fatalf("usage: actionid [-new] INTEGRATION ACTION KEY")
	}
	id := findAction(ts, args[0], args[1]).ID
	m := remembered(ts)
	key := "action:" + args[2]
	was, ok := m[key]
	switch {
	case isNew && (!ok || was == id):
		ts.Fatalf("action %q has the id %s it had before (%s), want a new one", args[1], id, args[2])
	case !isNew && ok && was != id:
		ts.Fatalf("action %q has id %s, but had %s (%s)", args[1], id, was, args[2])
	}
	m[key] = id
}

func cmdActionVersion(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: actionversion INTEGRATION ACTION N")
	}
	want, err := strconv.Atoi(args[2])
	ts.Check(err)
	if got := findAction(ts, args[0], args[1]).Version; got != want {
		ts.Fatalf("action %q is at version %d, want %d", args[1], got, want)
	}
}

func cmdActions(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: actions INTEGRATION N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	if got := orgActions(ts, args[0]); len(got) != want {
		ts.Fatalf("%q has %d published data actions (%v), want %d", args[0], len(got), got, want)
	}
}

// cmdService starts the order service (orderService) for the script; its
// URL is $SERVICE.
func cmdService(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: service")
	}
	srv := orderService()
	ts.Defer(srv.Close)
	ts.Setenv("SERVICE", srv.URL)
}

// orderService is the loopback service the tests' data actions call:
// GET /orders/A-1 answers a shipped order of two items; any other order
// is 404.
func orderService() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := strings.CutPrefix(r.URL.Path, "/orders/")
		if !ok || r.Method != http.MethodGet {
			http.Error(w, "no such route", http.StatusNotFound)
			return
		}
		if id != "A-1" {
			http.Error(w, `{"message":"no such order"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"order":{"id":"A-1","status":"shipped","items":[{"sku":"sku-1"},{"sku":"sku-2"}]}}`)
	}))
}

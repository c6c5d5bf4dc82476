package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestTrustScripts runs every testdata/trust/*.txtar twice: against the
// local org and against the Genesys emulator ($TARGET, and the conditions
// [local] and [genesys], say which). Besides TestScripts' commands:
//
//	target [-latency D] [-config FILE] [-specs DIR] [LINE...]  write reconcile.yaml (or FILE)
//	                          for $TARGET, plus LINEs; the emulator is
//	                          started once a script
//	org NAME notes TEXT | active BOOL | actions N | add TYPE
//	                          change the org as a person would, outside
//	                          reconcile (add: an integration made by hand)
//	orgstate save | same      remember the org / fail if it changed since:
//	                          the local org's file, the emulator's writes
//	keepid NAME KEY           remember NAME's id as KEY, or fail if KEY
//	                          was another id
//	waitorg N                 wait until the org holds N integrations
//	failnext METHOD PATTERN STATUS COUNT   [genesys] fail the next requests
func TestTrustScripts(t *testing.T) {
	for _, target := range []string{"local", "genesys"} {
		t.Run(target, func(t *testing.T) {
			p := scriptParams("testdata/trust", func(env *testscript.Env) error {
				env.Setenv("TARGET", target)
				return nil
			})
			p.Condition = func(cond string) (bool, error) {
				switch cond {
				case "local", "genesys":
					return cond == target, nil
				}
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			testscript.Run(t, p)
		})
	}
}

// emulatorFor returns the script's emulator, starting it if need be.
func emulatorFor(ts *testscript.TestScript, latency time.Duration) *scriptEmulator {
	if v, ok := emulators.Load(ts); ok {
		return v.(*scriptEmulator)
	}
	return startEmulator(ts, genesyscloud.Options{ClientID: ts.Getenv("GENESYS_CLIENT_ID"),
		ClientSecret: ts.Getenv("GENESYS_CLIENT_SECRET"), Seed: 1, Latency: latency})
}

func cmdTarget(ts *testscript.TestScript, neg bool, args []string) {
	file, specs, latency := "reconcile.yaml", "specs", time.Duration(0)
	for len(args) > 1 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-config":
			file = args[1]
		case "-specs":
			specs = args[1]
		case "-latency":
			d, err := time.ParseDuration(args[1])
			ts.Check(err)
			latency = d
		default:
			ts.Fatalf("target: unknown flag %s", args[0])
		}
		args = args[2:]
	}
	cfg := "specs: specs\n"
	if ts.Getenv("TARGET") == "genesys" {
		cfg = emulatorFor(ts, latency).config()
	}
	cfg = strings.Replace(cfg, "specs: specs\n", "specs: "+specs+"\n", 1)
	for _, l := range args {
		cfg += l + "\n"
	}
	ts.Check(os.WriteFile(ts.MkAbs(file), []byte(cfg), 0o644))
}

// localOrg is the part of the local org file the commands edit; the rest
// of each integration is kept as it is.
type localOrg struct {
	FormatVersion int              `json:"formatVersion"`
	Integrations  []map[string]any `json:"integrations"`
}

func readLocal(ts *testscript.TestScript) localOrg {
	var o localOrg
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(".reconcile/org.json")), &o))
	return o
}

func writeLocal(ts *testscript.TestScript, o localOrg) {
	b, err := json.MarshalIndent(o, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(".reconcile/org.json"), b, 0o644))
}

// api calls the emulator's Platform API as a person's tool would.
func (e *scriptEmulator) api(ts *testscript.TestScript, method, path string, body, out any) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		ts.Check(err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	ts.Check(err)
	req.Header.Set("Authorization", "Bearer "+e.srv.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		ts.Fatalf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	if out != nil {
		ts.Check(json.Unmarshal(b, out))
	}
}

// integrationID returns the id of the integration named name.
func integrationID(ts *testscript.TestScript, name string) string {
	if ts.Getenv("TARGET") == "local" {
		for _, in := range readLocal(ts).Integrations {
			if in["name"] == name {
				return in["id"].(string)
			}
		}
		ts.Fatalf("no integration named %q in the local org", name)
	}
	var page struct {
		Entities []struct{ ID, Name string } `json:"entities"`
	}
	emulatorFor(ts, 0).api(ts, http.MethodGet, "/api/v2/integrations?pageSize=100", nil, &page)
	for _, in := range page.Entities {
		if in.Name == name {
			return in.ID
		}
	}
	ts.Fatalf("no integration named %q in the emulator", name)
	return ""
}

// typeIDs are the emulator's integration type ids of the vendors the
// scripts add by hand.
var typeIDs = map[string]string{"aws-lambda": "aws-lambda-data-actions", "zendesk": "zendesk-data-actions",
	"web-services": "custom-rest-actions", "salesforce": "salesforce-datadip"}

func cmdOrg(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: org NAME notes TEXT | active BOOL | actions N | add TYPE")
	}
	name, what, value := args[0], args[1], args[2]
	if ts.Getenv("TARGET") == "local" {
		o := readLocal(ts)
		if what == "add" {
			in := map[string]any{"id": "hand-" + strconv.Itoa(len(o.Integrations)), "name": name, "type": value, "active": true}
			if value == "web-services" {
				in["mtls"] = "genesys-cloud" // the admin UI's default, as a Genesys org reports it
			}
			o.Integrations = append(o.Integrations, in)
			writeLocal(ts, o)
			return
		}
		i := slices.IndexFunc(o.Integrations, func(in map[string]any) bool { return in["name"] == name })
		if i < 0 {
			ts.Fatalf("no integration named %q in the local org", name)
		}
		switch what {
		case "notes":
			o.Integrations[i]["notes"] = value
		case "active":
			o.Integrations[i]["active"] = value == "true"
		case "actions":
			n, err := strconv.Atoi(value)
			ts.Check(err)
			list, _ := o.Integrations[i]["dataActions"].([]any)
			for j := range n { // made by hand: reconcile has no record of them
				list = append(list, map[string]any{"id": fmt.Sprintf("hand-action-%d", len(list)+1), "name": fmt.Sprintf("Action %d", j+1),
					"category": "Hand", "version": 1,
					"config":   map[string]any{"request": map[string]any{"requestUrlTemplate": "https://example.com/hand", "requestType": "GET"}},
					"contract": map[string]any{"input": map[string]any{"inputSchema": map[string]any{"type": "object"}}, "output": map[string]any{"successSchema": map[string]any{"type": "object"}}}})
			}
			o.Integrations[i]["dataActions"] = list
		default:
			ts.Fatalf("org: unknown change %q", what)
		}
		writeLocal(ts, o)
		return
	}
	e := emulatorFor(ts, 0)
	if what == "add" {
		e.api(ts, http.MethodPost, "/api/v2/integrations", map[string]any{"name": name, "integrationType": map[string]string{"id": typeIDs[value]}}, nil)
		return
	}
	id := integrationID(ts, name)
	switch what {
	case "notes":
		var cfg map[string]any
		e.api(ts, http.MethodGet, "/api/v2/integrations/"+id+"/config/current", nil, &cfg)
		cfg["notes"] = value
		e.api(ts, http.MethodPut, "/api/v2/integrations/"+id+"/config/current", cfg, nil)
	case "active":
		state := map[bool]string{true: "ENABLED", false: "DISABLED"}[value == "true"]
		e.api(ts, http.MethodPatch, "/api/v2/integrations/"+id, map[string]string{"intendedState": state}, nil)
	case "actions":
		n, err := strconv.Atoi(value)
		ts.Check(err)
		for i := range n {
			_, err := e.srv.AddAction(id, fmt.Sprintf("Action %d", i+1))
			ts.Check(err)
		}
	default:
		ts.Fatalf("org: unknown change %q", what)
	}
}

// saved holds each script's remembered org state and ids.
var saved sync.Map // *testscript.TestScript → map[string]string

func remembered(ts *testscript.TestScript) map[string]string {
	v, _ := saved.LoadOrStore(ts, map[string]string{})
	return v.(map[string]string)
}

// orgWrites is what "orgstate" compares: the local org file, or the
// emulator's count of write requests.
func orgWrites(ts *testscript.TestScript) string {
	if ts.Getenv("TARGET") == "local" {
		b, err := os.ReadFile(ts.MkAbs(".reconcile/org.json"))
		if os.IsNotExist(err) {
			return "no org file"
		}
		ts.Check(err)
		return string(b)
	}
	writes := 0
	for k, n := range emulatorFor(ts, 0).srv.Stats().Requests {
		if !strings.HasPrefix(k, "GET ") && k != "POST /oauth/token" {
			writes += n
		}
	}
	return fmt.Sprintf("%d writes", writes)
}

func cmdOrgState(ts *testscript.TestScript, neg bool, args []string) {
	m := remembered(ts)
	switch {
	case len(args) == 1 && args[0] == "save":
		m["org state"] = orgWrites(ts)
	case len(args) == 1 && args[0] == "same":
		if now := orgWrites(ts); now != m["org state"] {
			ts.Fatalf("the org changed: was\n%s\nnow\n%s", m["org state"], now)
		}
	default:
		ts.Fatalf("usage: orgstate save | same")
	}
}

func cmdKeepID(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: keepid NAME KEY")
	}
	id, m := integrationID(ts, args[0]), remembered(ts)
	if was, ok := m["id "+args[1]]; ok && was != id {
		ts.Fatalf("%s has id %s, was %s", args[0], id, was)
	}
	m["id "+args[1]] = id
}

func cmdWaitOrg(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: waitorg N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	count := func() int {
		if ts.Getenv("TARGET") == "genesys" {
			return emulatorFor(ts, 0).srv.Stats().Integrations
		}
		var o localOrg
		b, _ := os.ReadFile(ts.MkAbs(".reconcile/org.json"))
		json.Unmarshal(b, &o)
		return len(o.Integrations)
	}
	for deadline := time.Now().Add(time.Minute); count() < want; {
		if time.Now().After(deadline) { // a hang guard, not a budget
			ts.Fatalf("the org still holds %d integrations, want %d", count(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func cmdFailNext(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 || ts.Getenv("TARGET") != "genesys" {
		ts.Fatalf("usage: [genesys] failnext METHOD PATTERN STATUS COUNT")
	}
	status, err := strconv.Atoi(args[2])
	ts.Check(err)
	count, err := strconv.Atoi(args[3])
	ts.Check(err)
	ts.Check(emulatorFor(ts, 0).srv.FailNext(args[0], args[1], status, count))
}

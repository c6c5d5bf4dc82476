package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// actionCrashSpec is a web-services spec of three data actions; version
// moves the first one's URL (an update) and contract the second one's
// input (a replace).
func actionCrashSpec(i, version int, contract string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: Actions %02d\ntype: web-services\nactions:\n", i)
	for j, name := range []string{"Lookup", "Refund", "Cancel"} {
		input := "orderId"
		if j == 1 {
			input = contract
		}
		fmt.Fprintf(&b, `  - name: %s
    category: Orders
    config:
      request: {requestUrlTemplate: "https://orders.example.com/v%d/%s/${input.%s}", requestType: GET}
    contract:
      input: {inputSchema: {type: object, properties: {%s: {type: string}}}}
      output: {successSchema: {type: object}}
`, name, version, strings.ToLower(name), input, input)
	}
	return b.String()
}

// listedAction is a data action, or a draft, as the emulator lists it.
type listedAction struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	IntegrationID string `json:"integrationId"`
	Version       int    `json:"version"`
}

// listActions lists the published actions of the emulator at url, or its
// drafts, every page, through its Platform API.
func listActions(url, token string, drafts bool) ([]listedAction, error) {
	path := "/api/v2/integrations/actions"
	if drafts {
		path += "/drafts"
	}
	var out []listedAction
	for n := 1; ; n++ {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s%s?pageSize=100&pageNumber=%d", url, path, n), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		var page struct {
			Entities  []listedAction `json:"entities"`
			PageCount int            `json:"pageCount"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("GET %s: %s: %w", path, resp.Status, err)
		}
		out = append(out, page.Entities...)
		if n >= page.PageCount {
			return out, nil
		}
	}
}

func emulatorActions(t *testing.T, url, token string, drafts bool) []listedAction {
	t.Helper()
	out, err := listActions(url, token, drafts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestKilledActionApplyConverges kills reconcile (SIGKILL) at random
// moments while it creates, then updates and replaces, data actions, until
// a run completes: then every action is published exactly once (no
// duplicate action, no draft left behind), and a further run plans
// nothing.
func TestKilledActionApplyConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes for several seconds")
	}
	const specs = 6
	seeds := *crashSeeds
	if seeds == 0 {
		seeds = 4
	}
	self, _ := os.Executable()
	keys := t.TempDir()
	leftDrafts := 0
	for seed := range seeds {
		emu, err := genesyscloud.New(genesyscloud.Options{ClientID: "c", ClientSecret: "s", Latency: 2 * time.Millisecond, Seed: int64(seed)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(emu)
		work := t.TempDir()
		specDir := filepath.Join(work, "specs")
		os.Mkdir(specDir, 0o755)
		os.WriteFile(filepath.Join(work, "reconcile.yaml"), []byte("specs: specs\ntarget:\n  genesys:\n    apiUrl: "+srv.URL+"\n    requestsPerMinute: 600000\n"), 0o644)
		rng := rand.New(rand.NewPCG(uint64(seed), 3))
		cli := func(args ...string) (*exec.Cmd, *bytes.Buffer) {
			cmd := exec.Command(self, append([]string{"--log-level", "error"}, args...)...)
			cmd.Dir = work
			cmd.Env = append(os.Environ(), asCLI+"=1", "HOME="+keys, "GENESYS_CLIENT_ID=c", "GENESYS_CLIENT_SECRET=s")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			return cmd, &out
		}
		for phase, edit := range []struct{ version int }{{1}, {2}} {
			for i := range specs {
				contract := "orderId"
				if edit.version == 2 {
					contract = "refundId" // a replace: a new id
				}
				os.WriteFile(filepath.Join(specDir, fmt.Sprintf("actions-%02d.yaml", i)), []byte(actionCrashSpec(i, edit.version, contract)), 0o644)
			}
			kills := 0
			for attempt := 0; ; attempt++ {
				cmd, out := cli("--allow-action-replace")
				cmd.Start()
				after := time.Duration(rng.Int64N(int64(40+20*attempt))) * time.Millisecond
				if attempt >= killAttempts {
					after = noKill // the last attempt is let finish
				}
				timer := time.AfterFunc(after, func() { cmd.Process.Signal(syscall.SIGKILL) })
				err := cmd.Wait()
				timer.Stop()
				if ee, ok := err.(*exec.ExitError); ok && ee.Sys().(syscall.WaitStatus).Signaled() {
					kills++
					leftDrafts += len(emulatorActions(t, srv.URL, emu.Token(), true))
					continue
				}
				if err != nil {
					t.Fatalf("seed %d phase %d: reconcile failed: %v\n%s", seed, phase, err, out)
				}
				break
			}
			published := emulatorActions(t, srv.URL, emu.Token(), false)
			seen := map[string]int{}
			for _, a := range published {
				seen[a.IntegrationID+"/"+a.Name]++
			}
			if len(published) != 3*specs || len(seen) != 3*specs {
				t.Errorf("seed %d phase %d: %d published actions under %d names after %d kills, want %d of each", seed, phase, len(published), len(seen), kills, 3*specs)
			}
			if d := emulatorActions(t, srv.URL, emu.Token(), true); len(d) != 0 {
				t.Errorf("seed %d phase %d: %d drafts left after convergence: %v", seed, phase, len(d), d)
			}
			if cmd, out := cli("--dry-run", "--detailed-exitcode"); cmd.Run() != nil {
				t.Errorf("seed %d phase %d: the run after convergence is not a no-op:\n%s", seed, phase, out)
			}
			t.Logf("seed %d phase %d: converged after %d kills", seed, phase, kills)
		}
		srv.Close()
	}
	if leftDrafts == 0 {
		t.Error("no kill left a draft between its creation and its publish: the test must hit that window")
	}
	t.Logf("%d drafts were left by killed runs, and taken up by the next", leftDrafts)
}

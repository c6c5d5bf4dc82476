package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/genesys"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// crashSpecs is how many specs the kill tests apply; crashSeeds how many
// times each kills its way to convergence. The defaults keep the suite
// fast; the figures use -crash.specs 100 -crash.seeds 50.
var (
	crashSpecsFlag = flag.Int("crash.specs", 24, "specs applied by the kill tests (at most 250)")
	crashSeeds     = flag.Int("crash.seeds", 0, "seeds of the kill tests (0: 8 local, 6 Genesys)")
)

// crashSpecs is the number of specs the kill and concurrency tests use.
const crashSpecs = 24

// crashSetup makes a test age identity (in keys) and n specs encrypted for
// it (in specs), n and the number of seeds coming from the flags.
func crashSetup(t *testing.T, defaultSeeds int) (keys, keyFile, specs string, n, seeds int) {
	t.Helper()
	keys = t.TempDir()
	keyFile, recipient, err := sopstest.NewIdentity(keys, "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	specs = t.TempDir()
	n, seeds = *crashSpecsFlag, *crashSeeds
	if seeds == 0 {
		seeds = defaultSeeds
	}
	if _, err := sopstest.WriteSpecs(specs, n, recipient); err != nil {
		t.Fatal(err)
	}
	return keys, keyFile, specs, n, seeds
}

// killAttempts is how many runs a seed may kill; the next one is let finish.
const killAttempts = 30

// noKill is a kill that never comes.
const noKill = time.Duration(1<<63 - 1)

// TestKilledApplyConverges kills reconcile (SIGKILL) at random moments of
// an apply, again and again, until one run completes; then the org must
// hold every spec exactly once, the local org file must be valid JSON at
// every step, and a further run must plan nothing.
func TestKilledApplyConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes for several seconds")
	}
	keys, keyFile, specs, n, seeds := crashSetup(t, 8)
	self, _ := os.Executable()
	runCLI := func(orgPath string, kill time.Duration) (killed bool, out string) {
		cmd := exec.Command(self, "--specs", specs, "--log-level", "error")
		cmd.Dir = filepath.Dir(filepath.Dir(orgPath)) // the default org is .reconcile/org.json
		cmd.Env = append(os.Environ(), asCLI+"=1", "SOPS_AGE_KEY_FILE="+keyFile, "HOME="+keys)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		timer := time.AfterFunc(kill, func() { cmd.Process.Signal(syscall.SIGKILL) })
		err := cmd.Wait()
		timer.Stop()
		if ee, ok := err.(*exec.ExitError); ok && ee.Sys().(syscall.WaitStatus).Signaled() {
			return true, buf.String()
		}
		if err != nil {
			t.Fatalf("reconcile failed: %v\n%s", err, buf.String())
		}
		return false, buf.String()
	}

	partial := 0
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), 1))
		work := t.TempDir()
		orgPath := filepath.Join(work, ".reconcile", "org.json")
		kills := 0
		for attempt := 0; ; attempt++ {
			// Early attempts die soon (often before any write), later ones
			// get longer, so every phase of the apply is hit; after
			// killAttempts none is killed, so the test ends however slow
			// the machine (-race) and depends on no wall-clock budget.
			after := time.Duration(rng.Int64N(int64((40+20*attempt)*max(1, n/24)))) * time.Millisecond
			if attempt >= killAttempts {
				after = noKill
			}
			killed, out := runCLI(orgPath, after)
			if got := len(checkOrgFile(t, orgPath)); killed && got > 0 && got < n {
				partial++ // killed part way through the apply
			}
			if strings.Contains(out, "SECRET") {
				t.Fatalf("seed %d: a secret in the output:\n%s", seed, out)
			}
			if !killed {
				break
			}
			kills++
		}
		got := checkOrgFile(t, orgPath)
		if len(got) != n {
			t.Errorf("seed %d: %d integrations after %d kills, want %d", seed, len(got), kills, n)
		}
		names := map[string]bool{}
		for _, in := range got {
			if names[in.Name] {
				t.Errorf("seed %d: duplicate integration %q", seed, in.Name)
			}
			names[in.Name] = true
		}
		if _, out := runCLI(orgPath, noKill); !strings.HasPrefix(out, "No changes.") {
			t.Errorf("seed %d: the run after convergence planned changes:\n%s", seed, out)
		}
		t.Logf("seed %d: converged after %d kills", seed, kills)
	}
	if partial == 0 {
		t.Error("no kill landed part way through an apply; the test proves nothing (make the kills later)")
	}
	t.Logf("%d kills left a partly applied org", partial)
}

type orgEntry struct {
	Name       string `json:"name"`
	Owner      string `json:"owner"`
	Credential *struct {
		Fingerprint string `json:"fingerprint"`
	} `json:"credential"`
}

// checkOrgFile fails unless the org file is absent or valid and holds no
// secret; it returns the integrations.
func checkOrgFile(t *testing.T, path string) []orgEntry {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("SECRET")) {
		t.Fatalf("the org file holds a secret:\n%s", b)
	}
	var f struct {
		Integrations []orgEntry `json:"integrations"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("the org file is corrupt after a kill: %v\n%s", err, b)
	}
	return f.Integrations
}

// TestKilledApplyConvergesAgainstGenesys is the kill test against the
// Genesys emulator: SIGKILL at random moments between and during API
// calls, then the next runs must converge to exactly one integration and
// one credential per spec (no duplicate from a lost POST, no orphan
// credential from a half-made integration).
func TestKilledApplyConvergesAgainstGenesys(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes for several seconds")
	}
	keys, keyFile, specs, n, seeds := crashSetup(t, 6)
	self, _ := os.Executable()
	partial, pending := 0, 0
	for seed := range seeds {
		emu, err := genesyscloud.New(genesyscloud.Options{ClientID: "c", ClientSecret: "s", Latency: 2 * time.Millisecond, Seed: int64(seed)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(emu)
		work := t.TempDir()
		os.WriteFile(filepath.Join(work, "reconcile.yaml"), []byte("specs: "+specs+"\ntarget:\n  genesys:\n    apiUrl: "+srv.URL+"\n    requestsPerMinute: 600000\n"), 0o644)
		rng := rand.New(rand.NewPCG(uint64(seed), 2))
		kills := 0
		for attempt := 0; ; attempt++ {
			cmd := exec.Command(self, "--log-level", "error")
			cmd.Dir = work
			cmd.Env = append(os.Environ(), asCLI+"=1", "SOPS_AGE_KEY_FILE="+keyFile, "HOME="+keys, "GENESYS_CLIENT_ID=c", "GENESYS_CLIENT_SECRET=s")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			cmd.Start()
			after := time.Duration(rng.Int64N(int64((60+30*attempt)*max(1, n/24)))) * time.Millisecond
			if attempt >= killAttempts {
				after = noKill
			}
			timer := time.AfterFunc(after, func() { cmd.Process.Signal(syscall.SIGKILL) })
			err := cmd.Wait()
			timer.Stop()
			if strings.Contains(out.String(), "SECRET") {
				t.Fatalf("seed %d: a secret in the output:\n%s", seed, &out)
			}
			if ee, ok := err.(*exec.ExitError); ok && ee.Sys().(syscall.WaitStatus).Signaled() {
				kills++
				if got := emu.Stats().Integrations; got > 0 && got < n {
					partial++
				}
				pending += pendingIn(t, srv.URL)
				continue
			}
			if err != nil {
				t.Fatalf("seed %d: reconcile failed: %v\n%s", seed, err, &out)
			}
			break
		}
		st := emu.Stats()
		if st.Integrations != n || st.Credentials != n {
			t.Errorf("seed %d: %d integrations and %d credentials after %d kills, want %d and %d",
				seed, st.Integrations, st.Credentials, kills, n, n)
		}
		out, err := func() ([]byte, error) {
			cmd := exec.Command(self, "--log-level", "error", "--dry-run", "--detailed-exitcode")
			cmd.Dir = work
			cmd.Env = append(os.Environ(), asCLI+"=1", "SOPS_AGE_KEY_FILE="+keyFile, "HOME="+keys, "GENESYS_CLIENT_ID=c", "GENESYS_CLIENT_SECRET=s")
			return cmd.CombinedOutput()
		}()
		if err != nil {
			t.Errorf("seed %d: the run after convergence is not a no-op: %v\n%s", seed, err, out)
		}
		srv.Close()
		t.Logf("seed %d: converged after %d kills", seed, kills)
	}
	if partial == 0 || pending == 0 {
		t.Errorf("%d kills left a partly applied org, %d an integration between its POST and its configuration: the test must hit both", partial, pending)
	}
	t.Logf("%d kills left a partly applied org; %d integrations were caught half-created (pending)", partial, pending)
}

// pendingIn counts the integrations a killed run left between their POST
// and their first configuration write.
func pendingIn(t *testing.T, url string) int {
	c, err := genesys.Open(context.Background(), genesys.Options{APIURL: url, ClientID: "c", ClientSecret: "s", RequestsPerMinute: 600000}, true)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Observe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range st.Integrations {
		if in.Pending {
			n++
		}
	}
	return n
}

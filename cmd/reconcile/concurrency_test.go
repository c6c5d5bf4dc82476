package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// runTogether starts two reconcile processes at the same moment in work
// and returns their exit codes and output.
func runTogether(t *testing.T, work, keyFile string, env ...string) (codes [2]int, outs [2]string) {
	self, _ := os.Executable()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(self, "--log-level", "error")
			cmd.Dir = work
			cmd.Env = append(append(os.Environ(), asCLI+"=1", "SOPS_AGE_KEY_FILE="+keyFile, "HOME="+work), env...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			<-start
			err := cmd.Run()
			codes[i] = -1 // did not run at all
			if ee, ok := err.(*exec.ExitError); ok {
				codes[i] = ee.ExitCode()
			} else if err == nil {
				codes[i] = 0
			}
			outs[i] = out.String()
		}()
	}
	close(start)
	wg.Wait()
	return codes, outs
}

// TestTwoRunsAtOnceLocal: against the local org, two runs started together
// never both apply: one is refused by the lock, or runs after the other
// and finds nothing to do.
func TestTwoRunsAtOnceLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes")
	}
	keyFile, recipient, err := sopstest.NewIdentity(t.TempDir(), "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		work := t.TempDir()
		os.Mkdir(filepath.Join(work, "specs"), 0o755)
		if _, err := sopstest.WriteSpecs(filepath.Join(work, "specs"), crashSpecs, recipient); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(work, "reconcile.yaml"), []byte("specs: specs\n"), 0o644)
		codes, outs := runTogether(t, work, keyFile)
		applied := 0
		for i := range 2 {
			switch {
			case codes[i] == 0 && strings.Contains(outs[i], "Apply complete"):
				applied++
			case codes[i] == 0 && strings.Contains(outs[i], "No changes"):
			case codes[i] == 1 && strings.Contains(outs[i], "locked by another reconcile run"):
			default:
				t.Fatalf("round %d, run %d: exit %d\n%s", round, i, codes[i], outs[i])
			}
		}
		if applied != 1 {
			t.Errorf("round %d: %d runs applied, want exactly 1", round, applied)
		}
		if got := checkOrgFile(t, filepath.Join(work, ".reconcile", "org.json")); len(got) != crashSpecs {
			t.Errorf("round %d: %d integrations, want %d", round, len(got), crashSpecs)
		}
	}
}

// TestTwoRunsAtOnceGenesys: against Genesys, which has no lock, two runs
// started together in lockstep (each lists, then creates, spec by spec)
// leave no duplicate: each create is checked right after, and the writer
// that sees another backs off. The next run then converges.
func TestTwoRunsAtOnceGenesys(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes")
	}
	keyFile, recipient, err := sopstest.NewIdentity(t.TempDir(), "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	backedOff := 0
	for round := range 5 {
		emu, _ := genesyscloud.New(genesyscloud.Options{ClientID: "c", ClientSecret: "s"})
		srv := httptest.NewServer(emu)
		work := t.TempDir()
		os.Mkdir(filepath.Join(work, "specs"), 0o755)
		if _, err := sopstest.WriteSpecs(filepath.Join(work, "specs"), crashSpecs, recipient); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(work, "reconcile.yaml"), []byte("specs: specs\ntarget:\n  genesys:\n    apiUrl: "+srv.URL+"\n    requestsPerMinute: 600000\n"), 0o644)
		env := []string{"GENESYS_CLIENT_ID=c", "GENESYS_CLIENT_SECRET=s"}
		codes, outs := runTogether(t, work, keyFile, env...)
		for i := range 2 {
			if codes[i] != 0 && !strings.Contains(outs[i], "another writer is at work") {
				t.Fatalf("round %d, run %d: exit %d with an unexpected error\n%s", round, i, codes[i], outs[i])
			}
		}
		self, _ := os.Executable()
		cmd := exec.Command(self, "--log-level", "error")
		cmd.Dir = work
		cmd.Env = append(append(os.Environ(), asCLI+"=1", "SOPS_AGE_KEY_FILE="+keyFile, "HOME="+work), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("round %d: the next run: %v\n%s", round, err, out)
		}
		if st := emu.Stats(); st.Integrations != crashSpecs || st.Credentials != crashSpecs {
			t.Errorf("round %d: %d integrations and %d credentials, want %d each (no duplicate)", round, st.Integrations, st.Credentials, crashSpecs)
		}
		for i := range 2 {
			if codes[i] != 0 {
				backedOff++
			}
		}
		srv.Close()
	}
	t.Logf("%d of 10 runs backed off on seeing the other writer", backedOff)
}

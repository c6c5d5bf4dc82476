package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
)

// TestApprovalOnATerminal: reconcile on a terminal prints the plan and
// asks; "no" writes nothing, "yes" applies, --auto-approve does not ask,
// and neither does a saved plan (it was approved by its review).
func TestApprovalOnATerminal(t *testing.T) {
	keys := t.TempDir()
	keyFile, recipient, err := sopstest.NewIdentity(keys, "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := sopstest.WriteSpecs(filepath.Join(dir, "specs"), 3, recipient); err != nil {
		t.Fatal(err)
	}
	self, _ := os.Executable()
	cli := func(args ...string) *exec.Cmd {
		cmd := exec.Command(self, append([]string{"--specs", "specs"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), asCLI+"=1", "SOPS_AGE_KEY_FILE="+keyFile, "HOME="+keys)
		return cmd
	}
	orgFile := filepath.Join(dir, ".reconcile", "org.json")

	out, err := runOnPTY(t, cli(), "no")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("answer no: err %v, want exit 1\n%s", err, out)
	}
	for _, want := range []string{"reconcile will make these changes:", "Apply these 3 changes? Only 'yes' is accepted: no\r\n", "Apply cancelled: nothing was written."} {
		if !strings.Contains(out, want) {
			t.Errorf("answer no: the terminal lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(orgFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("answer no wrote the org (%v)", err)
	}

	if out, err = runOnPTY(t, cli(), "yes"); err != nil || !strings.Contains(out, "Apply complete: 3 changes applied.") {
		t.Fatalf("answer yes: err %v\n%s", err, out)
	}

	// With --auto-approve, or a saved plan, there is no question: runOnPTY
	// says "never asked".
	os.RemoveAll(filepath.Join(dir, ".reconcile"))
	if out, err = runOnPTY(t, cli("--auto-approve"), "yes"); err == nil || !strings.Contains(err.Error(), "never asked") || !strings.Contains(out, "Apply complete: 3 changes applied.") {
		t.Errorf("--auto-approve: err %v\n%s", err, out)
	}
	os.RemoveAll(filepath.Join(dir, ".reconcile"))
	if out, err := cli("plan", "--out", "plan.json").CombinedOutput(); err != nil {
		t.Fatalf("plan --out: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "plan.json")); len(b) == 0 || strings.Contains(string(b), "SECRET") {
		t.Errorf("the saved plan is empty or holds a secret:\n%s", b)
	}
	if out, err = runOnPTY(t, cli("apply", "plan.json"), "yes"); err == nil || !strings.Contains(err.Error(), "never asked") || !strings.Contains(out, "Apply complete: 3 changes applied.") {
		t.Errorf("apply plan.json: err %v\n%s", err, out)
	}
}

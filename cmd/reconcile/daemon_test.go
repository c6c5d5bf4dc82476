package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventually polls cond until it holds or ten seconds pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type daemonRun struct {
	t      testing.TB
	cancel context.CancelFunc
	done   chan int
	stderr *syncBuffer
	addr   string
}

// startDaemon runs reconcile --watch in this process, in the working
// directory, and waits for its listen address.
func startDaemon(t testing.TB, args ...string) *daemonRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &daemonRun{t: t, cancel: cancel, done: make(chan int, 1), stderr: &syncBuffer{}}
	go func() {
		d.done <- run(ctx, append([]string{"--watch", "--log-format", "json"}, args...), io.Discard, d.stderr)
	}()
	eventually(t, "the daemon to listen", func() bool {
		sc := bufio.NewScanner(strings.NewReader(d.stderr.String()))
		for sc.Scan() {
			var line struct{ Msg, Listen string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "watching" {
				d.addr = line.Listen
				return true
			}
		}
		return false
	})
	return d
}

func (d *daemonRun) get(path string) (int, string) {
	resp, err := http.Get("http://" + d.addr + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (d *daemonRun) stop() {
	d.t.Helper()
	d.cancel()
	select {
	case code := <-d.done:
		if code != 0 {
			d.t.Errorf("the daemon exited %d, want 0\n%s", code, d.stderr)
		}
	case <-time.After(10 * time.Second):
		d.t.Fatal("the daemon did not stop within 10 s")
	}
}

// orgNotes returns each integration's notes and active state in the local
// org file.
func orgNotes(t *testing.T) map[string]string {
	b, err := os.ReadFile(".reconcile/org.json")
	if err != nil {
		return nil
	}
	var f struct {
		Integrations []struct {
			Name, Notes string
			Active      bool
		}
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("org file: %v", err)
	}
	out := map[string]string{}
	for _, in := range f.Integrations {
		out[in.Name] = fmt.Sprintf("%s/%v", in.Notes, in.Active)
	}
	return out
}

func lambda(name, notes string) []byte {
	return []byte(fmt.Sprintf("name: %s\ntype: aws-lambda\nnotes: %s\ncredentials:\n  roleArn: arn:aws:iam::123456789012:role/r\n", name, notes))
}

func TestDaemon(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Chdir(t.TempDir())
	os.MkdirAll("specs", 0o755)
	os.WriteFile("reconcile.yaml", []byte("specs: specs\nwatch:\n  listen: 127.0.0.1:0\n  debounce: 50ms\n  resync: 400ms\n"), 0o644)
	os.WriteFile("specs/a.yaml", lambda("A", "one"), 0o644)
	os.WriteFile("specs/b.yaml", lambda("B", "one"), 0o644)
	// One spec with secrets, so the logs and /metrics have something to leak.
	keyFile, recipient, err := sopstest.NewIdentity(t.TempDir(), "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	t.Setenv("HOME", t.TempDir())
	os.WriteFile("specs/s.yaml", []byte("name: S\ntype: salesforce\ncredentials:\n  userName: u\n  password: pw-SECRET-daemon\n  securityToken: st-SECRET-daemon\n"), 0o644)
	if err := sopstest.EncryptFile("specs/s.yaml", sopstest.Options{Recipients: []string{recipient}, EncryptedRegex: sopstest.SecretsRegex}); err != nil {
		t.Fatal(err)
	}

	d := startDaemon(t)
	eventually(t, "the first apply and /readyz", func() bool {
		code, _ := d.get("/readyz")
		return code == 200 && orgNotes(t)["A"] == "one/true"
	})
	if code, _ := d.get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}

	os.WriteFile("specs/a.yaml", lambda("A", "two"), 0o644)
	eventually(t, "the edit applied", func() bool { return orgNotes(t)["A"] == "two/true" })
	// The run's log lines say what started it, and which file.
	if !strings.Contains(d.stderr.String(), `"trigger":"change","files":["a.yaml"]`) {
		t.Errorf("no log line names the changed file:\n%s", d.stderr)
	}

	// A broken edit: nothing applied, not ready, the error counted.
	os.WriteFile("specs/a.yaml", lambda("A", "three")[:20], 0o644)
	os.WriteFile("specs/c.yaml", lambda("C", "new"), 0o644)
	eventually(t, "/readyz to fail", func() bool { code, _ := d.get("/readyz"); return code == 503 })
	_, metrics := d.get("/metrics")
	for _, want := range []string{"reconcile_spec_errors 1", `reconcile_runs_total{result="error"}`, "reconcile_pending_changes",
		"reconcile_last_success_timestamp_seconds", "reconcile_run_duration_seconds_bucket"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if got := orgNotes(t); got["A"] != "two/true" || got["C"] != "" {
		t.Errorf("a broken directory changed the org: %v", got)
	}
	if !strings.Contains(d.stderr.String(), `"msg":"spec error","run":`) || !strings.Contains(d.stderr.String(), `"file":"a.yaml"`) {
		t.Errorf("the spec error was not logged with its file:\n%s", d.stderr)
	}

	os.WriteFile("specs/a.yaml", lambda("A", "three"), 0o644)
	eventually(t, "the fix applied", func() bool {
		code, _ := d.get("/readyz")
		return code == 200 && orgNotes(t)["A"] == "three/true" && orgNotes(t)["C"] == "new/true"
	})

	// Drift made by hand in the org is corrected at the next resync.
	b, _ := os.ReadFile(".reconcile/org.json")
	os.WriteFile(".reconcile/org.json", bytes.Replace(b, []byte(`"active": true`), []byte(`"active": false`), 1), 0o644)
	eventually(t, "the drift corrected", func() bool {
		for _, v := range orgNotes(t) {
			if strings.HasSuffix(v, "/false") {
				return false
			}
		}
		return true
	})

	// A deleted spec without prune: the integration stays.
	os.Remove("specs/b.yaml")
	runs := strings.Count(d.stderr.String(), `"msg":"reconcile done"`)
	eventually(t, "a reconcile after the delete", func() bool {
		return strings.Count(d.stderr.String(), `"msg":"reconcile done"`) > runs+1
	})
	if orgNotes(t)["B"] == "" {
		t.Error("B was deleted without prune")
	}
	// It is an orphan, in the plan and in the metrics.
	if _, m := d.get("/metrics"); !strings.Contains(m, "reconcile_orphans 1") {
		t.Error("/metrics does not count B as an orphan")
	}
	if strings.Contains(d.stderr.String(), "SECRET") {
		t.Error("a secret in the logs")
	}
	if _, m := d.get("/metrics"); strings.Contains(m, "SECRET") || !strings.Contains(m, "reconcile_runs_total") {
		t.Error("a secret in /metrics, or no metrics")
	}
	d.stop()

	// With prune, it goes.
	d = startDaemon(t, "--prune")
	eventually(t, "the prune", func() bool { _, ok := orgNotes(t)["B"]; return !ok })
	d.stop()

	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 { // +2: net/http keeps idle client connections briefly
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the daemons stopped, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestSIGTERMDuringApply: the daemon, stopped by SIGTERM while applying,
// exits 0 within 10 seconds, and the next run finishes the job.
func TestSIGTERMDuringApply(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes")
	}
	keys := t.TempDir()
	keyFile, recipient, err := sopstest.NewIdentity(keys, "age.txt")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	specs := filepath.Join(work, "specs")
	os.Mkdir(specs, 0o755)
	if _, err := sopstest.WriteSpecs(specs, crashSpecs, recipient); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(work, "reconcile.yaml"), []byte("specs: specs\nwatch:\n  listen: 127.0.0.1:0\n"), 0o644)
	self, _ := os.Executable()
	cli := func(args ...string) *exec.Cmd {
		cmd := exec.Command(self, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), asCLI+"=1", "SOPS_AGE_KEY_FILE="+keyFile, "HOME="+keys)
		return cmd
	}
	cmd := cli("--watch", "--log-level", "error")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond) // into the first apply, or just before it
	cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the daemon exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the daemon did not exit within 10 s of SIGTERM")
	}
	out, err := cli("--log-level", "error").CombinedOutput()
	if err != nil {
		t.Fatalf("the next run: %v\n%s", err, out)
	}
	if got := checkOrgFile(t, filepath.Join(work, ".reconcile", "org.json")); len(got) != crashSpecs {
		t.Errorf("%d integrations after the next run, want %d", len(got), crashSpecs)
	}
}

// TestDaemonWithAnEnvironment: --watch --env prod applies prod's values to
// prod's org only, labels its metrics with env="prod", and applies an edit
// of the environment's values file.
func TestDaemonWithAnEnvironment(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("HOME", t.TempDir())
	os.WriteFile("reconcile.yaml", []byte(`specs: specs
environments:
  test:
    target: {local: {path: .reconcile/test.json}}
    values: env/test.yaml
  prod:
    target: {local: {path: .reconcile/org.json}}
    values: env/prod.yaml
watch:
  listen: 127.0.0.1:0
  debounce: 50ms
  resync: 1h
`), 0o644)
	os.MkdirAll("specs", 0o755)
	os.MkdirAll("env", 0o755)
	os.WriteFile("specs/a.yaml", lambda("A", "${values.stage}"), 0o644)
	os.WriteFile("env/test.yaml", []byte("stage: test\n"), 0o644)
	os.WriteFile("env/prod.yaml", []byte("stage: prod\n"), 0o644)

	d := startDaemon(t, "--env", "prod")
	defer d.stop()
	eventually(t, "prod's values applied", func() bool { return orgNotes(t)["A"] == "prod/true" })
	if _, err := os.Stat(".reconcile/test.json"); err == nil {
		t.Error("the prod daemon wrote test's org")
	}
	if _, m := d.get("/metrics"); !strings.Contains(m, `reconcile_runs_total{env="prod",result="success"}`) {
		t.Errorf("/metrics lacks the env label:\n%s", m)
	}
	// The values file is watched too: an edit there is applied at once,
	// not at the next resync (an hour away).
	os.WriteFile("env/prod.yaml", []byte("stage: production\n"), 0o644)
	eventually(t, "the values edit applied", func() bool { return orgNotes(t)["A"] == "production/true" })
}

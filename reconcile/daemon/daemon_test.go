package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/daemon"
	"github.com/reconcile-dev/reconcile/reconcile/engine"
	"github.com/reconcile-dev/reconcile/reconcile/fingerprint"
	"github.com/reconcile-dev/reconcile/reconcile/org/local"
	"github.com/reconcile-dev/reconcile/reconcile/watch"
)

const (
	lambda    = "name: A\ntype: aws-lambda\ncredentials:\n  roleArn: arn:aws:iam::123456789012:role/genesys-lambda\n"
	badType   = "name: B\ntype: web-service\n"
	badARN    = "name: C\ntype: aws-lambda\ncredentials:\n  roleArn: arn:aws:iam::1234:role/x\n"
	noRetries = time.Hour // a backoff that keeps a failed run the only one
)

// logs is the daemon's JSON log, safe for the daemon to write while the
// test reads.
type logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the lines logged so far, decoded.
func (l *logs) lines(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(l.b.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// at returns the lines logged at level.
func (l *logs) at(t *testing.T, level string) []map[string]any {
	return slices.DeleteFunc(l.lines(t), func(m map[string]any) bool { return m["level"] != level })
}

// runs returns the outcome lines of the runs so far.
func (l *logs) runs(t *testing.T) []map[string]any {
	return slices.DeleteFunc(l.lines(t), func(m map[string]any) bool {
		return m["msg"] != "reconcile done" && m["msg"] != "reconcile failed"
	})
}

// eventually polls cond until it holds or ten seconds pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// specDir writes files, name → content, into a new spec directory.
func specDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// newEngine reconciles dir with open; the fingerprint key is the same in
// every run.
func newEngine(dir string, open func(context.Context, bool) (engine.Org, error)) *engine.Engine {
	key := fingerprint.Generate()
	return &engine.Engine{Specs: dir, Open: open, Key: func(bool) (fingerprint.Key, error) { return key, nil }}
}

// start runs a daemon of eng until the test ends or the returned stop is
// called, logging JSON into the returned logs.
func start(t *testing.T, eng *engine.Engine, opts watch.Options) (*logs, func()) {
	t.Helper()
	l := &logs{}
	log := slog.New(slog.NewJSONHandler(l, nil))
	eng.Log = log
	d := &daemon.Daemon{Engine: eng, Listen: "127.0.0.1:0", Log: log, Watch: opts}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the daemon did not stop within 10 s")
			}
		})
	}
	t.Cleanup(stop)
	return l, stop
}

// TestBrokenSpecsLogEachProblemOnce: one run over a directory with two
// spec problems logs three error lines: the run's, which counts them, and
// one for each, with its file and place. The run says what started it,
// and its duration is readable in JSON.
func TestBrokenSpecsLogEachProblemOnce(t *testing.T) {
	dir := specDir(t, map[string]string{"a.yaml": lambda, "b.yaml": badType, "c.yaml": badARN})
	eng := newEngine(dir, func(context.Context, bool) (engine.Org, error) {
		t.Error("the org was opened for broken specs")
		return nil, errors.New("no org")
	})
	l, stop := start(t, eng, watch.Options{Debounce: 10 * time.Millisecond, Backoff: func(int) time.Duration { return noRetries }})
	eventually(t, "the run", func() bool { return len(l.runs(t)) == 1 })
	stop()

	type line struct{ Msg, File, Path, Message, Err, Trigger, Duration any }
	var got []line
	for _, m := range l.at(t, "ERROR") {
		got = append(got, line{m["msg"], m["file"], m["path"], m["message"], m["err"], m["trigger"], m["duration"] != nil})
		if m["run"] != 1.0 {
			t.Errorf("an error line of run %v, want run 1: %v", m["run"], m)
		}
	}
	want := []line{
		{Msg: "reconcile failed", Trigger: "start", Duration: true},
		{Msg: "spec error", File: "b.yaml", Path: "/type", Trigger: "start", Duration: false,
			Message: "unknown type; one of: aws-lambda, genesys-cloud, genesys-cloud-function, google, microsoft-dynamics-365, salesforce, web-services, zendesk; did you mean web-services?"},
		{Msg: "spec error", File: "c.yaml", Path: "/credentials/roleArn", Trigger: "start", Duration: false,
			Message: "must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error lines (-want +got):\n%s", diff)
	}
	run := l.runs(t)[0]
	if run["errors"] != 2.0 {
		t.Errorf("the run counts %v errors, want 2", run["errors"])
	}
	if d, ok := run["duration"].(string); !ok {
		t.Errorf("duration %v (%T), want a string such as 12ms", run["duration"], run["duration"])
	} else if _, err := time.ParseDuration(d); err != nil {
		t.Errorf("duration %q: %v", d, err)
	}
	for _, m := range l.lines(t) {
		if m["msg"] == "watching" && (m["debounce"] != "10ms" || m["resync"] != "0s") {
			t.Errorf("watching with debounce %v and resync %v, want 10ms and 0s", m["debounce"], m["resync"])
		}
	}
}

// TestFailedRunLogsItsCauseOnce: an org that cannot be opened makes one
// error line, with the cause.
func TestFailedRunLogsItsCauseOnce(t *testing.T) {
	eng := newEngine(specDir(t, map[string]string{"a.yaml": lambda}), func(context.Context, bool) (engine.Org, error) {
		return nil, errors.New("the org is unreachable")
	})
	l, stop := start(t, eng, watch.Options{Debounce: 10 * time.Millisecond, Backoff: func(int) time.Duration { return noRetries }})
	eventually(t, "the run", func() bool { return len(l.runs(t)) == 1 })
	stop()
	errs := l.at(t, "ERROR")
	if len(errs) != 1 || errs[0]["msg"] != "reconcile failed" || errs[0]["err"] != "the org is unreachable" {
		t.Errorf("error lines %v, want one: reconcile failed, with the cause", errs)
	}
}

// TestRunAbandonedAtShutdownLogsNoError: a run that the daemon's stop cuts
// short is no failure: it logs a warning, not an error.
func TestRunAbandonedAtShutdownLogsNoError(t *testing.T) {
	opened := make(chan struct{})
	eng := newEngine(specDir(t, map[string]string{"a.yaml": lambda}), func(ctx context.Context, _ bool) (engine.Org, error) {
		close(opened)
		<-ctx.Done() // an org slow to answer
		return nil, ctx.Err()
	})
	l, stop := start(t, eng, watch.Options{Debounce: 10 * time.Millisecond})
	<-opened
	stop()
	if errs := l.at(t, "ERROR"); len(errs) != 0 {
		t.Errorf("error lines %v, want none", errs)
	}
	warns := l.at(t, "WARN")
	if len(warns) != 1 || warns[0]["msg"] != "reconcile interrupted" || warns[0]["err"] != "context canceled" {
		t.Errorf("warnings %v, want one: reconcile interrupted, context canceled", warns)
	}
}

// TestTriggers: each run says why it runs: the start, a change of the
// specs, a retry after a failure, and the resync.
func TestTriggers(t *testing.T) {
	dir := specDir(t, map[string]string{"a.yaml": lambda})
	orgPath := filepath.Join(t.TempDir(), "org.json")
	eng := newEngine(dir, func(_ context.Context, readOnly bool) (engine.Org, error) { return local.Open(orgPath, readOnly) })
	l, _ := start(t, eng, watch.Options{Debounce: 10 * time.Millisecond, Resync: 500 * time.Millisecond,
		Backoff: func(int) time.Duration { return 50 * time.Millisecond }})
	seen := func(trigger, msg string) func() bool {
		return func() bool {
			return slices.ContainsFunc(l.runs(t), func(m map[string]any) bool { return m["trigger"] == trigger && m["msg"] == msg })
		}
	}
	eventually(t, "the first run", seen("start", "reconcile done"))
	os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(badType), 0o644)
	eventually(t, "the run of the broken spec", seen("change", "reconcile failed"))
	eventually(t, "a retry", seen("retry", "reconcile failed"))
	os.Remove(filepath.Join(dir, "b.yaml"))
	eventually(t, "a resync", seen("resync", "reconcile done"))

	var triggers []string
	for _, m := range l.runs(t) {
		triggers = append(triggers, m["trigger"].(string))
	}
	// A retry due as the fix lands may read it; either way the change
	// gets a run.
	if got, want := slices.Compact(triggers), []string{"start", "change", "retry", "change", "resync"}; !slices.Equal(got, want) {
		t.Errorf("triggers %v, want runs of %v", triggers, want)
	}
}

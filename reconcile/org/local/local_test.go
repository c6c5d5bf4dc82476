package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/org/local"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

var ctx = context.Background()

func open(t *testing.T, path string, readOnly bool) *local.Org {
	t.Helper()
	o, err := local.Open(path, readOnly)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

func observe(t *testing.T, o *local.Org) []org.Integration {
	t.Helper()
	st, err := o.Observe(ctx)
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	return st.Integrations
}

func zendesk(fp string) *spec.Spec {
	return &spec.Spec{File: "z.yaml", Name: "Zendesk", Type: "zendesk", Notes: "n", Active: true,
		Credential: &spec.Credential{Type: "zendesk", Fingerprint: fp,
			Fields: map[string]any{"apiToken": spec.NewSecret("tok-SECRET")}}}
}

func TestMissingFileIsAnEmptyOrgAndReadOnlyWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	path := filepath.Join(dir, "org.json")
	o := open(t, path, true)
	if got := observe(t, o); len(got) != 0 {
		t.Errorf("integrations = %v, want none", got)
	}
	c := plan.Change{Name: "Zendesk", Type: "zendesk", Spec: zendesk("fp"), Actions: []plan.Action{plan.Create}}
	if err := o.Apply(ctx, c); !errors.Is(err, local.ErrReadOnly) {
		t.Errorf("Apply on a read-only org = %v, want ErrReadOnly", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a read-only org created %s (err %v)", dir, err)
	}
}

func TestApplyEveryAction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	o := open(t, path, false)
	s := zendesk("hmac-sha256:1")
	if err := o.Apply(ctx, plan.Change{Name: s.Name, Type: s.Type, Spec: s, Actions: []plan.Action{plan.Create, plan.Credentials, plan.Activate}}); err != nil {
		t.Fatal(err)
	}
	got := observe(t, o)
	if len(got) != 1 {
		t.Fatalf("integrations = %+v, want one", got)
	}
	want := org.Integration{Name: "Zendesk", Type: "zendesk", Notes: "n", Active: true, Owner: "reconcile",
		Credential: &org.Credential{Type: "zendesk", Fingerprint: "hmac-sha256:1"}}
	ignoreIDs := cmpopts.IgnoreFields(org.Integration{}, "ID")
	ignoreCredID := cmpopts.IgnoreFields(org.Credential{}, "ID")
	if diff := cmp.Diff(want, got[0], ignoreIDs, ignoreCredID); diff != "" {
		t.Errorf("after create (-want +got):\n%s", diff)
	}
	if got[0].ID == "" || got[0].Credential.ID == "" {
		t.Errorf("ids not set: %+v", got[0])
	}

	cur := got[0]
	s2 := zendesk("hmac-sha256:2")
	s2.Notes, s2.Active = "m", false
	if err := o.Apply(ctx, plan.Change{Spec: s2, Current: &cur, Actions: []plan.Action{plan.Configure, plan.Credentials, plan.Deactivate}}); err != nil {
		t.Fatal(err)
	}
	got = observe(t, o)
	want.Notes, want.Active, want.Credential.Fingerprint = "m", false, "hmac-sha256:2"
	if diff := cmp.Diff(want, got[0], ignoreIDs, ignoreCredID); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}
	if got[0].ID != cur.ID {
		t.Errorf("id changed from %s to %s", cur.ID, got[0].ID)
	}

	cur = got[0]
	s3 := zendesk("")
	s3.Credential = nil
	if err := o.Apply(ctx, plan.Change{Spec: s3, Current: &cur, Actions: []plan.Action{plan.Credentials, plan.Activate}}); err != nil {
		t.Fatal(err)
	}
	if got = observe(t, o); got[0].Credential != nil || !got[0].Active {
		t.Errorf("after removing the credential and activating: %+v", got[0])
	}

	cur = got[0]
	if err := o.Apply(ctx, plan.Change{Current: &cur, Actions: []plan.Action{plan.Delete}}); err != nil {
		t.Fatal(err)
	}
	if got = observe(t, o); len(got) != 0 {
		t.Errorf("after delete: %+v", got)
	}
	if err := o.Apply(ctx, plan.Change{Name: "Zendesk", Current: &cur, Actions: []plan.Action{plan.Activate}}); err == nil || !strings.Contains(err.Error(), "no longer in the org") {
		t.Errorf("Apply to a deleted integration = %v", err)
	}
}

// TestFileHoldsNoSecretAndNoTempFiles reads the file as another program
// would.
func TestFileHoldsNoSecretAndNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "org.json")
	o := open(t, path, false)
	s := zendesk("hmac-sha256:1")
	if err := o.Apply(ctx, plan.Change{Name: s.Name, Type: s.Type, Spec: s, Actions: []plan.Action{plan.Create, plan.Credentials}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "SECRET") {
		t.Errorf("the org file holds a secret:\n%s", b)
	}
	var f struct {
		FormatVersion int `json:"formatVersion"`
		Integrations  []struct {
			Owner string `json:"owner"`
		} `json:"integrations"`
	}
	if err := json.Unmarshal(b, &f); err != nil || f.FormatVersion != local.FormatVersion || f.Integrations[0].Owner != plan.DefaultOwner {
		t.Errorf("file = %s (err %v), want format %d and the owner mark", b, err, local.FormatVersion)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
}

func TestOneWriterAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	first := open(t, path, false)
	if _, err := local.Open(path, false); err == nil || !strings.Contains(err.Error(), "locked by another reconcile run") {
		t.Fatalf("second Open = %v, want a lock error", err)
	}
	if o, err := local.Open(path, true); err != nil {
		t.Errorf("a read-only Open must not wait for the lock: %v", err)
	} else {
		o.Close()
	}
	first.Close()
	again, err := local.Open(path, false)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()
}

func TestCorruptFileIsRefusedNotOverwritten(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":      `{"formatVersion": 1, "integrations": [`,
		"other version": `{"formatVersion": 99, "integrations": []}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "org.json")
			os.WriteFile(path, []byte(content), 0o644)
			if o, err := local.Open(path, false); err == nil {
				o.Close()
				t.Fatal("Open succeeded")
			}
			if b, _ := os.ReadFile(path); string(b) != content {
				t.Errorf("the file changed to %q", b)
			}
		})
	}
}

// TestObserveRereads: an org file deleted or edited between runs is seen
// as it is now.
func TestObserveRereads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	o := open(t, path, false)
	s := zendesk("fp")
	if err := o.Apply(ctx, plan.Change{Name: s.Name, Type: s.Type, Spec: s, Actions: []plan.Action{plan.Create}}); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if got := observe(t, o); len(got) != 0 {
		t.Errorf("after the file was deleted: %+v, want an empty org", got)
	}
}

// TestAFailedWriteChangesNothing: a change whose write fails leaves the org
// as it was, in memory too, so the next change's write does not carry it.
func TestAFailedWriteChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	o := open(t, path, false)
	create := func(name string) error {
		s := zendesk("fp")
		s.Name = name
		return o.Apply(ctx, plan.Change{Name: name, Type: "zendesk", Spec: s, Actions: []plan.Action{plan.Create}})
	}
	if err := create("A"); err != nil {
		t.Fatal(err)
	}
	// A non-empty directory where the file is: the rename that publishes
	// the write fails, even for root.
	if err := os.Rename(path, path+".saved"); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(path, "x"), 0o755)
	if err := create("B"); err == nil {
		t.Fatal("the write over a directory succeeded")
	}
	os.RemoveAll(path)
	if err := os.Rename(path+".saved", path); err != nil {
		t.Fatal(err)
	}
	if err := create("C"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range observe(t, o) {
		names = append(names, in.Name)
	}
	if diff := cmp.Diff([]string{"A", "C"}, names); diff != "" {
		t.Errorf("after a failed write (-want +got):\n%s", diff)
	}
}

// TestAFileOfTheLastVersion: an org file written before owners and records
// (the mark "owner": "reconcile", one fingerprint per credential) reads
// as reconcile's, and an unchanged spec plans nothing.
func TestAFileOfTheLastVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "org.json")
	old := `{"formatVersion": 1, "integrations": [{"id": "i1", "name": "Zendesk", "type": "zendesk", "notes": "n", "active": true,
		"owner": "reconcile", "credential": {"id": "c1", "type": "zendesk", "fingerprint": "hmac-sha256:abc"}}]}`
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := open(t, path, true).Observe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if in := st.Integrations[0]; in.Owner != plan.DefaultOwner || in.Applied != nil {
		t.Errorf("read as owner %q, record %+v", in.Owner, in.Applied)
	}
	p, err := plan.Build([]*spec.Spec{zendesk("hmac-sha256:abc")}, st, plan.Options{})
	if err != nil || !p.Empty() {
		t.Errorf("an unchanged spec over the last version's file plans %+v (err %v)", p.Changes, err)
	}
}

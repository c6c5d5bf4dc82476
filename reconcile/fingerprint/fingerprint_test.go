package fingerprint_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/fingerprint"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

func key(t *testing.T, s string) fingerprint.Key {
	t.Helper()
	k, err := fingerprint.NewKey([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func cred(typ, token string) *spec.Credential {
	return &spec.Credential{Type: typ, Fields: map[string]any{
		"email":    "a@example.com",
		"apiToken": spec.NewSecret(token),
		"fields":   map[string]any{"b": spec.NewSecret("2"), "a": spec.NewSecret("1")},
		"scopes":   []any{"x", "y"},
	}}
}

func TestSumTellsChangesApart(t *testing.T) {
	k := key(t, "0123456789abcdef0123456789abcdef")
	base := k.Sum(cred("zendesk", "tok-SECRET-1"))
	if !strings.HasPrefix(base, fingerprint.Prefix) || len(base) != len(fingerprint.Prefix)+64 {
		t.Fatalf("Sum = %q, want %s and 64 hex digits", base, fingerprint.Prefix)
	}
	if strings.Contains(base, "SECRET") {
		t.Fatal("the fingerprint holds the secret")
	}
	for i := range 20 { // map iteration order must not matter
		if got := k.Sum(cred("zendesk", "tok-SECRET-1")); got != base {
			t.Fatalf("run %d: Sum = %s, want %s", i, got, base)
		}
	}
	differ := map[string]string{
		"rotated secret":  k.Sum(cred("zendesk", "tok-SECRET-2")),
		"credential type": k.Sum(cred("basic", "tok-SECRET-1")),
		"another key":     key(t, "fedcba9876543210fedcba9876543210").Sum(cred("zendesk", "tok-SECRET-1")),
	}
	c := cred("zendesk", "tok-SECRET-1")
	c.Fields["email"] = "b@example.com"
	differ["readable field"] = k.Sum(c)
	c = cred("zendesk", "tok-SECRET-1")
	c.Fields["fields"].(map[string]any)["a"] = spec.NewSecret("3")
	differ["nested secret"] = k.Sum(c)
	for what, got := range differ {
		if got == base {
			t.Errorf("%s: fingerprint unchanged", what)
		}
	}
}

func TestKeyNeverPrints(t *testing.T) {
	k := key(t, "0123456789abcdef-SECRET")
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %q", k, k, k, k, k)} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("the key printed: %s", s)
		}
	}
	if _, err := fingerprint.NewKey([]byte("short")); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}

func TestDeriveIsStable(t *testing.T) {
	c := cred("zendesk", "tok-SECRET")
	a, b := fingerprint.Derive("client-secret-1"), fingerprint.Derive("client-secret-1")
	if a.Sum(c) != b.Sum(c) {
		t.Error("the same client secret derived two keys")
	}
	if a.Sum(c) == fingerprint.Derive("client-secret-2").Sum(c) {
		t.Error("a rotated client secret derived the same key")
	}
}

func TestLoadOrCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "fingerprint.key")
	if _, _, err := fingerprint.LoadOrCreate(path, false); !errors.Is(err, fingerprint.ErrNoKeyFile) {
		t.Fatalf("read-only with no file: err = %v, want ErrNoKeyFile", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("read-only LoadOrCreate created the folder")
	}
	k1, created, err := fingerprint.LoadOrCreate(path, true)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreate: created %v, err %v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v (err %v), want 0600", fi.Mode().Perm(), err)
	}
	k2, created, err := fingerprint.LoadOrCreate(path, true)
	if err != nil || created {
		t.Fatalf("second LoadOrCreate: created %v, err %v", created, err)
	}
	c := cred("zendesk", "tok-SECRET")
	if k1.Sum(c) != k2.Sum(c) {
		t.Error("the key read back differs from the one generated")
	}
}

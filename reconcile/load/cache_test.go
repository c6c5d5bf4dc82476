package load_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// TestCacheDecryptsOnlyChangedFiles: with a cache, a second load decrypts
// nothing, one edited file costs one decryption, and a deleted file is
// forgotten.
func TestCacheDecryptsOnlyChangedFiles(t *testing.T) {
	keyFile, rec, err := sopstest.NewIdentity(t.TempDir(), "key.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	dir := t.TempDir()
	enc := func(i, token int) {
		path := filepath.Join(dir, fmt.Sprintf("%02d.yaml", i))
		os.WriteFile(path, []byte(fmt.Sprintf("name: Z%d\ntype: salesforce\ncredentials:\n  userName: u\n  password: pw-SECRET-%d\n  securityToken: t-SECRET\n", i, token)), 0o644)
		if err := sopstest.EncryptFile(path, sopstest.Options{Recipients: []string{rec}, EncryptedRegex: sopstest.SecretsRegex}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 20 {
		enc(i, 1)
	}
	cache := load.NewCache()
	loadAll := func() []*spec.Spec {
		t.Helper()
		specs, err := load.Load(context.Background(), dir, load.Options{Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		return specs
	}
	if loadAll(); cache.Misses() != 20 {
		t.Fatalf("first load: %d misses, want 20", cache.Misses())
	}
	if loadAll(); cache.Misses() != 20 {
		t.Errorf("an unchanged directory was decrypted again: %d misses", cache.Misses())
	}
	enc(7, 2) // one secret rotated
	specs := loadAll()
	if cache.Misses() != 21 {
		t.Errorf("one changed file cost %d decryptions, want 1", cache.Misses()-20)
	}
	if got := specs[7].Credential.Fields["password"].(spec.Secret).Reveal(); got != "pw-SECRET-2" {
		t.Errorf("the changed file's secret is %q after the reload", got)
	}
	same, _ := os.ReadFile(filepath.Join(dir, "07.yaml"))
	os.Remove(filepath.Join(dir, "07.yaml"))
	if n := len(loadAll()); n != 19 {
		t.Errorf("%d specs after a delete, want 19", n)
	}
	os.WriteFile(filepath.Join(dir, "07.yaml"), same, 0o644) // the very bytes back: forgotten, so loaded again
	loadAll()
	if cache.Misses() != 22 {
		t.Errorf("a deleted file was served from the cache after it came back (%d misses)", cache.Misses())
	}
}

func TestTooManyFiles(t *testing.T) {
	dir := t.TempDir()
	for i := range 4 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.yaml", i)), []byte("name: x\n"), 0o644)
	}
	_, err := load.Load(context.Background(), dir, load.Options{MaxFiles: 3})
	if err == nil || !strings.Contains(err.Error(), "holds 4 spec files, more than the limit of 3") {
		t.Errorf("err = %v", err)
	}
}

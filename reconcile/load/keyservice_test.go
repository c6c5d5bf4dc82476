package load_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
)

// vaultServer stands in for a Vault named in a file's sops block: it counts
// the requests that reach it, and answers none of them until the test ends.
func vaultServer(t *testing.T) (url string, hits *atomic.Int32, asked chan struct{}) {
	hits, asked = &atomic.Int32{}, make(chan struct{}, 100)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		asked <- struct{}{}
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	t.Setenv("VAULT_TOKEN", "test-vault-token")
	return srv.URL, hits, asked
}

// namingVault writes an age-encrypted spec whose sops block also names a
// Vault transit key at url, as a pull request could.
func namingVault(t *testing.T, dir, recipient, url string) {
	t.Helper()
	text := writeEnc(t, dir, "z.yaml", srcZendesk, recipient, "")
	vault := "    hc_vault:\n        - vault_address: " + url + "\n          engine_path: sops\n          key_name: k\n          created_at: \"2024-01-01T00:00:00Z\"\n          enc: vault:v1:AAAA\n"
	text = strings.Replace(text, "\nsops:\n", "\nsops:\n"+vault, 1)
	if err := os.WriteFile(filepath.Join(dir, "z.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLocalKeysComeFirst: a file naming a Vault is opened with the age key
// held here, and the Vault is never contacted (the sops CLI's order), so a
// pull request cannot make CI send its Vault token to an address it chose.
func TestLocalKeysComeFirst(t *testing.T) {
	recipient := sopsEnv(t)
	url, hits, _ := vaultServer(t)
	dir := t.TempDir()
	namingVault(t, dir, recipient, url)
	if specs := mustLoad(t, dir, load.Options{}); len(specs) != 1 {
		t.Fatalf("%d specs", len(specs))
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the Vault the file names was contacted %d times, with the age key at hand", n)
	}
}

// TestAKeyServiceThatNeverAnswers is given up after the timeout, and at
// once when the run is cancelled (SIGTERM), instead of hanging the run.
func TestAKeyServiceThatNeverAnswers(t *testing.T) {
	_, recipient, err := sopstest.NewIdentity(t.TempDir(), "other.txt")
	if err != nil {
		t.Fatal(err)
	}
	sopsEnv(t) // this process holds another age key: only the Vault could open the file
	url, _, asked := vaultServer(t)
	dir := t.TempDir()
	namingVault(t, dir, recipient, url)

	loadWithin := func(ctx context.Context, opts load.Options) error {
		done := make(chan error, 1)
		go func() { _, err := load.Load(ctx, dir, opts); done <- err }()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute): // a hang guard, not a budget
			t.Fatal("Load still waits on the key service")
			return nil
		}
	}
	err = loadWithin(context.Background(), load.Options{KeyServiceTimeout: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "the HashiCorp Vault key service did not answer within 50ms") {
		t.Errorf("err = %v, want the Vault given up after 50ms", err)
	}

	ctx, cancel := context.WithCancelCause(context.Background())
	sigterm := errors.New("interrupted by SIGTERM")
	go func() { <-asked; cancel(sigterm) }()
	for len(asked) > 0 {
		<-asked
	}
	err = loadWithin(ctx, load.Options{KeyServiceTimeout: time.Hour})
	if err == nil {
		t.Error("a cancelled Load succeeded")
	}
}

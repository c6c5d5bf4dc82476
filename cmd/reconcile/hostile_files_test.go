package main

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/config"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/safefile/safefiletest"
)

// TestKeySourceWritesNothingBesideABadOrgFile: the local org's key is not
// generated beside an org file that will be refused.
func TestKeySourceWritesNothingBesideABadOrgFile(t *testing.T) {
	t.Setenv("RECONCILE_FINGERPRINT_KEY", "") // empty: not used
	for _, tt := range []struct {
		name    string
		setup   func(t *testing.T, org string)
		created bool
		wantErr error // nil: any error
	}{
		{name: "no org file yet", setup: func(*testing.T, string) {}, created: true},
		{name: "a valid org file", setup: func(t *testing.T, org string) { writeFile(t, org, `{"formatVersion": 1}`) }, created: true},
		{name: "not JSON", setup: func(t *testing.T, org string) { writeFile(t, org, `{"formatVersion": 1, "integrations": [`) }},
		{name: "empty", setup: func(t *testing.T, org string) { writeFile(t, org, "") }},
		{name: "a FIFO", setup: func(t *testing.T, org string) { safefiletest.Mkfifo(t, org) }, wantErr: safefile.ErrNotRegular},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			org := filepath.Join(dir, "org.json")
			tt.setup(t, org)
			cfg := &config.Config{Target: config.Target{Local: &config.Local{Path: org}}}
			key := keySource(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			err := safefiletest.Returns(t, "keySource", func() error {
				_, err := key(false)
				return err
			})
			_, statErr := os.Lstat(filepath.Join(dir, KeyFileName))
			switch {
			case tt.created && (err != nil || statErr != nil):
				t.Errorf("error %v, key file %v: want the key generated", err, statErr)
			case !tt.created && (err == nil || statErr == nil):
				t.Errorf("error %v, key file %v: want an error and no key file", err, statErr)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

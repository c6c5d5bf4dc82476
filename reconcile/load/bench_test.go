package load_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/getsops/sops/v3/cmd/sops/formats"
	"github.com/getsops/sops/v3/decrypt"
	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
)

const benchFiles = 50

// BenchmarkDecrypt compares, on the same 50 encrypted specs, the sops
// library's decrypt-and-parse (the baseline) with Load, on one CPU and on
// all of them. ns/file is the time per file.
func BenchmarkDecrypt(b *testing.B) {
	keyFile, rec, err := sopstest.NewIdentity(b.TempDir(), "key.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	b.Setenv("HOME", b.TempDir())
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	for _, k := range []string{"SOPS_AGE_KEY", "SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_FILE"} {
		b.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := b.TempDir()
	files := make([][]byte, benchFiles)
	for i := range files {
		src := fmt.Sprintf("name: Zendesk %02d\ntype: zendesk\nnotes: Tier 1 customer lookups\ncredentials:\n  email: agent%d@example.com\n  baseServiceUrl: https://acme.zendesk.com\n  apiToken: tok-SECRET-%d\n", i, i, i)
		enc, err := sopstest.Encrypt([]byte(src), sopstest.Options{Recipients: []string{rec}, EncryptedRegex: sopstest.SecretsRegex})
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("zendesk-%02d.yaml", i)), enc, 0o644); err != nil {
			b.Fatal(err)
		}
		files[i] = enc
	}
	perFile := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchFiles), "ns/file")
	}

	b.Run("library", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			for _, data := range files {
				clear, err := decrypt.DataWithFormat(data, formats.Yaml)
				if err != nil {
					b.Fatal(err)
				}
				var doc map[string]any
				if err := yaml.Unmarshal(clear, &doc); err != nil {
					b.Fatal(err)
				}
			}
		}
		perFile(b)
	})
	runLoad := func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			specs, err := load.Load(context.Background(), dir, load.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if len(specs) != benchFiles {
				b.Fatalf("loaded %d specs, want %d", len(specs), benchFiles)
			}
		}
		perFile(b)
	}
	b.Run("load-1cpu", func(b *testing.B) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		runLoad(b)
	})
	b.Run("load", runLoad)
}

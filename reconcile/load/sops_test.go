package load_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// replaceOnce replaces the first match of re in s with repl, which may use
// $1 and the like.
func replaceOnce(re, repl string) func(string) string {
	return func(s string) string {
		loc := regexp.MustCompile(re).FindStringSubmatchIndex(s)
		if loc == nil {
			return s // edit reports that nothing changed
		}
		var out []byte
		out = regexp.MustCompile(re).ExpandString(out, repl, s, loc)
		return s[:loc[0]] + string(out) + s[loc[1]:]
	}
}

// flipFirst changes the first base64 character of the ciphertext of key.
func flipFirst(key string) func(string) string {
	return func(s string) string {
		re := regexp.MustCompile(`(?m)^\s*` + key + `: ENC\[AES256_GCM,data:(.)`)
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			return s
		}
		c := "A"
		if s[m[2]] == 'A' {
			c = "B"
		}
		return s[:m[2]] + c + s[m[3]:]
	}
}

func TestSopsFailures(t *testing.T) {
	tests := []struct {
		name  string
		regex string
		// env changes the environment after the file is encrypted for the
		// test's identity; other encrypts it for another identity only.
		env   func(t *testing.T)
		other bool
		edit  func(string) string
		want  string // the message; a trailing … matches any rest
	}{
		{name: "encrypted for another identity", regex: sopstest.SecretsRegex, other: true,
			want: msgDataKey + "failed to create reader for decrypting sops data key with age: identity did not match any of the recipients…"},
		{name: "no age key file", regex: sopstest.SecretsRegex,
			env:  func(t *testing.T) { t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(t.TempDir(), "missing.txt")) },
			want: msgDataKey + "failed to load age identities. Errors while loading age identities: failed to open SOPS_AGE_KEY_FILE file: …"},
		{name: "SOPS_AGE_KEY_CMD set but empty", regex: sopstest.SecretsRegex,
			env:  func(t *testing.T) { t.Setenv("SOPS_AGE_KEY_CMD", "") },
			want: msgDataKey + "SOPS_AGE_KEY_CMD is set but empty: unset it or give it a command"},
		{name: "tampered ciphertext of a value", regex: sopstest.SecretsRegex, edit: flipFirst("apiToken"),
			want: msgCiphertext},
		{name: "tampered ciphertext, whole file", edit: flipFirst("type"),
			want: msgCiphertext},
		{name: "encrypted key renamed", regex: sopstest.SecretsRegex, edit: replaceOnce(`apiToken:`, "password:"),
			want: msgCiphertext},
		{name: "tampered mac", regex: sopstest.SecretsRegex, edit: flipFirst("mac"),
			want: msgMACAltered},
		{name: "edited lastmodified", regex: sopstest.SecretsRegex, edit: replaceOnce(`lastmodified: "\d{4}`, `lastmodified: "1999`),
			want: msgMACAltered},
		{name: "readable value edited by hand", regex: sopstest.SecretsRegex, edit: replaceOnce(`agent@example\.com`, "attacker@example.com"),
			want: msgMACMismatch},
		{name: "readable value added by hand", regex: sopstest.SecretsRegex, edit: replaceOnce(`(?m)^type: zendesk\n`, "type: zendesk\nactive: false\n"),
			want: msgMACMismatch},
		{name: "readable value edited by hand, credentials block", regex: "^credentials$", edit: replaceOnce(`Tier 1`, "Tier 2"),
			want: msgMACMismatch},
		{name: "mac line deleted", regex: sopstest.SecretsRegex, edit: replaceOnce(`(?m)^    mac: .*\n`, ""),
			want: msgMACMismatch},
		{name: "lastmodified line deleted", regex: sopstest.SecretsRegex, edit: replaceOnce(`(?m)^    lastmodified: .*\n`, ""),
			want: msgBadMetadata + "…"},
		{name: "version line deleted", regex: sopstest.SecretsRegex, edit: replaceOnce(`(?m)^    version: .*\n`, ""),
			want: msgBadMetadata + "no version"},
		{name: "empty sops block", regex: sopstest.SecretsRegex, edit: replaceOnce(`(?s)\nsops:\n.*`, "\nsops: {}\n"),
			want: msgBadMetadata + "…"},
		{name: "sops block not a mapping", regex: sopstest.SecretsRegex, edit: replaceOnce(`(?s)\nsops:\n.*`, "\nsops: encrypted\n"),
			want: msgBadMetadata + "…"},
		{name: "age recipients deleted", regex: sopstest.SecretsRegex, edit: replaceOnce(`(?s)    age:.*?recipient: \S+\n`, ""),
			want: msgBadMetadata + "No keys found in file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := sopsEnv(t)
			if tt.other {
				_, other, err := sopstest.NewIdentity(t.TempDir(), "other.txt")
				if err != nil {
					t.Fatal(err)
				}
				rec = other
			}
			dir := t.TempDir()
			writeEnc(t, dir, "zendesk.yaml", srcZendesk, rec, tt.regex)
			if tt.edit != nil {
				edit(t, dir, "zendesk.yaml", tt.edit)
			}
			if tt.env != nil {
				tt.env(t)
			}
			disk := readFile(t, filepath.Join(dir, "zendesk.yaml"))
			checkProblems(t, loadProblems(t, dir, load.Options{}), spec.Problems{at("zendesk.yaml", keyAt(t, disk, "sops"), "", tt.want)})
		})
	}
}

// TestSopsKeys checks the ways of finding the age identity, and that the
// identity cache does not mix up files.
func TestSopsKeys(t *testing.T) {
	t.Run("file for two recipients, one of them ours", func(t *testing.T) {
		rec := sopsEnv(t)
		_, other, err := sopstest.NewIdentity(t.TempDir(), "other.txt")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := write(t, dir, "zendesk.yaml", srcZendesk)
		if err := sopstest.EncryptFile(path, sopstest.Options{Recipients: []string{other, rec}, EncryptedRegex: sopstest.SecretsRegex}); err != nil {
			t.Fatal(err)
		}
		if specs := mustLoad(t, dir, load.Options{}); len(specs) != 1 || specs[0].Credential.Fields["apiToken"].(spec.Secret).Reveal() != "tok-SECRET-1" {
			t.Errorf("loaded %v, want the zendesk spec with its token", specs)
		}
	})
	t.Run("identity in SOPS_AGE_KEY", func(t *testing.T) {
		rec := sopsEnv(t)
		key := readFile(t, os.Getenv("SOPS_AGE_KEY_FILE"))
		unsetenv(t, "SOPS_AGE_KEY_FILE")
		t.Setenv("SOPS_AGE_KEY", key)
		dir := t.TempDir()
		writeEnc(t, dir, "zendesk.yaml", srcZendesk, rec, sopstest.SecretsRegex)
		if specs := mustLoad(t, dir, load.Options{}); len(specs) != 1 {
			t.Errorf("loaded %d specs, want 1", len(specs))
		}
	})
	t.Run("only the files of another identity fail", func(t *testing.T) {
		rec := sopsEnv(t)
		_, other, err := sopstest.NewIdentity(t.TempDir(), "other.txt")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		var want spec.Problems
		for _, f := range []struct{ rel, recipient string }{{"a.yaml", rec}, {"b.yaml", other}, {"c.yaml", rec}, {"d.yaml", other}, {"e.yaml", rec}} {
			src := strings.Replace(srcZendesk, "Zendesk Support", "Zendesk "+f.rel, 1)
			disk := writeEnc(t, dir, f.rel, src, f.recipient, sopstest.SecretsRegex)
			if f.recipient == other {
				want = append(want, at(f.rel, keyAt(t, disk, "sops"), "", msgDataKey+"…"))
			}
		}
		checkProblems(t, loadProblems(t, dir, load.Options{}), want)
	})
}

package load

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/schema"
)

var fuzzSeeds = []string{
	"name: Z\ntype: zendesk\ncredentials:\n  email: a@example.com\n  baseServiceUrl: https://a.zendesk.com\n  apiToken: t\n",
	"name: W\ntype: web-services\nmtls: {clientCertificateAuthority: digicert}\n",
	"name: G\ntype: google\ncredentials:\n  type: g-suite\n  serviceAccountEmail: a@b.co\n  privateKeyId: k\n  privateKey: \"-----BEGIN PRIVATE KEY-----\\nQUJD\\n-----END PRIVATE KEY-----\"\n  scopes: [a]\n",
	"a: &x [1]\nb: *x\n", "--- \n---\n", "\xef\xbb\xbfname: x\n", "name: x\r\ntype: y\r\n", "{", "- 1", "k: v\nk: w\n",
	"name:\n  - [[[[[[[[[[]]]]]]]]]]\n", "1: 2\n", "sops: {}\nname: x\n", "\x00", "name: 2024-01-02\ntype: aws-lambda\n",
}

// FuzzLoad: any bytes load as one spec or as problems that name the file;
// nothing panics (a panic would surface as an "internal error" problem).
func FuzzLoad(f *testing.F) {
	keyFile, rec, err := sopstest.NewIdentity(f.TempDir(), "key.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
		if enc, err := sopstest.Encrypt([]byte(s), sopstest.Options{Recipients: []string{rec}, EncryptedRegex: sopstest.SecretsRegex}); err == nil {
			f.Add(enc)
		}
	}
	schemas, err := schema.Compiled()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := newDecrypter()
		dec.ks.ageOnly = true // mutated metadata must not send the fuzzer to a KMS
		l := &fileLoader{dir: ".", schemas: schemas, dec: dec}
		s, problems := l.loadBytes("f.yaml", data)
		if (s == nil) == (len(problems) == 0) {
			t.Fatalf("spec %v with problems %v", s, problems)
		}
		for _, p := range problems {
			if p.File != "f.yaml" || p.Message == "" {
				t.Fatalf("problem without file or message: %+v", p)
			}
			if strings.HasPrefix(p.Message, "internal error") {
				t.Fatalf("panic while loading %q: %s", data, p.Message)
			}
		}
	})
}

// FuzzLocate: for every key of any YAML mapping, locate returns that
// key's own position, however keys are spelt (JSON-pointer escapes).
func FuzzLocate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add("a/b: {c~d: {e: 1}}\n\"\": x\n")
	f.Fuzz(func(t *testing.T, text string) {
		root, problems := parse([]byte(text))
		if root == nil || len(problems) > 0 {
			return
		}
		var walk func(n *yaml.Node, ptr string)
		walk = func(n *yaml.Node, ptr string) {
			if n.Kind != yaml.MappingNode {
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				p := ptr + "/" + schema.Escape(k.Value)
				if got := locate(root, p); got != pos(k) {
					t.Fatalf("locate(%q) = %v, want %v (%d:%d) in %q", p, got, pos(k), k.Line, k.Column, text)
				}
				walk(n.Content[i+1], p)
			}
		}
		walk(root, "")
	})
}

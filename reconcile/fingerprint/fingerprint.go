// Package fingerprint computes the keyed digest (HMAC-SHA256) of a
// credential that the org stores in place of its secret values, so a
// changed secret can be told from an unchanged one without the org ever
// holding a secret or the key.
package fingerprint

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/atomicfile"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// Prefix starts every fingerprint, naming its algorithm.
const Prefix = "hmac-sha256:"

// MinKeyLen is the shortest key accepted, in bytes.
const MinKeyLen = 16

// Key is a fingerprint key. It prints as a mask.
type Key struct{ k spec.Secret }

// NewKey returns a key made of b, which must be at least MinKeyLen bytes.
func NewKey(b []byte) (Key, error) {
	if len(b) < MinKeyLen {
		return Key{}, fmt.Errorf("a fingerprint key needs at least %d bytes, got %d", MinKeyLen, len(b))
	}
	return Key{spec.NewSecret(string(b))}, nil
}

// Derive returns a key derived (HKDF-SHA256) from a secret, such as the
// Genesys client secret, so that no key needs keeping.
func Derive(secret string) Key {
	b, err := hkdf.Key(sha256.New, []byte(secret), nil, "reconcile credential fingerprint v1", 32)
	if err != nil {
		panic(err) // HKDF-SHA256 yields up to 8160 bytes
	}
	return Key{spec.NewSecret(string(b))}
}

// Generate returns a new random key.
func Generate() Key {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return Key{spec.NewSecret(string(b))}
}

func (k Key) String() string   { return spec.Mask }
func (k Key) GoString() string { return spec.Mask }

// Sum returns the fingerprint of a credential: the HMAC of a canonical
// encoding of its type and every field, secret or not.
func (k Key) Sum(c *spec.Credential) string {
	canonical, err := json.Marshal(struct {
		Type   string `json:"type"`
		Fields any    `json:"fields"`
	}{c.Type, reveal(c.Fields)})
	if err != nil {
		panic(err) // fields are JSON values by construction
	}
	m := hmac.New(sha256.New, []byte(k.k.Reveal()))
	m.Write(canonical)
	return Prefix + hex.EncodeToString(m.Sum(nil))
}

// Field returns the fingerprint of one secret field: the HMAC of its key
// path and value, so equal secrets in two fields do not look alike.
func (k Key) Field(path string, v spec.Secret) string {
	canonical, err := json.Marshal([]string{path, v.Reveal()})
	if err != nil {
		panic(err)
	}
	m := hmac.New(sha256.New, []byte(k.k.Reveal()))
	m.Write([]byte("field\x00"))
	m.Write(canonical)
	return Prefix + hex.EncodeToString(m.Sum(nil))
}

// Apply sets the fingerprints of every spec's credential: the whole
// credential's and each secret field's.
func (k Key) Apply(specs []*spec.Spec) {
	for _, s := range specs {
		if c := s.Credential; c != nil {
			c.Fingerprint = k.Sum(c)
			_, secrets := c.Flatten()
			c.Secrets = make(map[string]string, len(secrets))
			for p, v := range secrets {
				c.Secrets[p] = k.Field(p, v)
			}
		}
	}
}

// reveal copies v with every Secret replaced by its value; encoding/json
// then sorts map keys, which makes the encoding canonical.
func reveal(v any) any {
	switch c := v.(type) {
	case spec.Secret:
		return c.Reveal()
	case map[string]any:
		m := make(map[string]any, len(c))
		for k, cv := range c {
			m[k] = reveal(cv)
		}
		return m
	case []any:
		l := make([]any, len(c))
		for i, cv := range c {
			l[i] = reveal(cv)
		}
		return l
	}
	return v
}

// ReadFile reads a key file: the key is its content less surrounding
// space. A FIFO, a device or a file over safefile.DefaultLimit is refused.
func ReadFile(path string) (Key, error) {
	b, err := safefile.ReadFile(path, safefile.DefaultLimit)
	if err != nil {
		return Key{}, err
	}
	k, err := NewKey([]byte(strings.TrimSpace(string(b))))
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// ErrNoKeyFile is returned by LoadOrCreate in read-only mode when the key
// file does not exist yet.
var ErrNoKeyFile = errors.New("no fingerprint key file yet")

// LoadOrCreate reads the key file at path, or, when it does not exist and
// create is true, writes a new random key there with mode 0600. created
// says a key was made.
func LoadOrCreate(path string, create bool) (k Key, created bool, err error) {
	k, err = ReadFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	if !create {
		return Key{}, false, ErrNoKeyFile
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Key{}, false, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Key{}, false, err
	}
	text := hex.EncodeToString(raw)
	// Published whole and only if absent: a concurrent run never reads a
	// key file half written, and exactly one run's key wins.
	err = atomicfile.Create(path, []byte(text+"\n"), 0o600)
	if errors.Is(err, fs.ErrExist) {
		k, err = ReadFile(path) // another run made it first
		return k, false, err
	}
	if err != nil {
		return Key{}, false, err
	}
	k, err = NewKey([]byte(text))
	return k, true, err
}

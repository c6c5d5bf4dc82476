// Package sopstest encrypts files with the sops library pinned in go.mod,
// exactly as `sops encrypt` does, so that tests, fixtures and the bundled
// example are made by the real sops code path. It is for tests and
// generators; the product only decrypts.
package sopstest

import (
	"fmt"
	"os"
	"path/filepath"

	"filippo.io/age"
	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/cmd/sops/common"
	"github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keys"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
	"github.com/getsops/sops/v3/version"
)

// SecretsRegex is the --encrypted-regex that encrypts exactly the values
// the schemas mark secret, leaving the rest readable.
const SecretsRegex = "^(password|apiToken|clientSecret|securityToken|privateKey|fields)$"

// Options say how to encrypt.
type Options struct {
	// Recipients are the age public keys (age1...) the file is encrypted
	// for.
	Recipients []string
	// EncryptedRegex encrypts only the values under matching keys, as
	// `sops --encrypted-regex`; empty encrypts every value.
	EncryptedRegex string
	// UnencryptedSuffix leaves keys with this suffix readable; empty means
	// sops' default, "_unencrypted", unless EncryptedRegex is set.
	UnencryptedSuffix string
}

// Encrypt returns plain, a YAML document, encrypted by sops.
func Encrypt(plain []byte, opts Options) ([]byte, error) {
	store := sopsyaml.NewStore(&config.YAMLStoreConfig{})
	branches, err := store.LoadPlainFile(plain)
	if err != nil {
		return nil, err
	}
	var group sops.KeyGroup
	for _, r := range opts.Recipients {
		mks, err := sopsage.MasterKeysFromRecipients(r)
		if err != nil {
			return nil, err
		}
		for _, mk := range mks {
			group = append(group, keys.MasterKey(mk))
		}
	}
	md := sops.Metadata{
		KeyGroups:      []sops.KeyGroup{group},
		EncryptedRegex: opts.EncryptedRegex,
		Version:        version.Version,
	}
	if opts.EncryptedRegex == "" {
		md.UnencryptedSuffix = opts.UnencryptedSuffix
		if md.UnencryptedSuffix == "" {
			md.UnencryptedSuffix = sops.DefaultUnencryptedSuffix
		}
	}
	tree := sops.Tree{Branches: branches, Metadata: md}
	dataKey, errs := tree.GenerateDataKey()
	if len(errs) > 0 {
		return nil, fmt.Errorf("generate data key: %v", errs)
	}
	if err := common.EncryptTree(common.EncryptTreeOpts{DataKey: dataKey, Tree: &tree, Cipher: aes.NewCipher()}); err != nil {
		return nil, err
	}
	return store.EmitEncryptedFile(tree)
}

// EncryptFile encrypts the file at path in place.
func EncryptFile(path string, opts Options) error {
	plain, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	enc, err := Encrypt(plain, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, enc, 0o644)
}

// NewIdentity makes an age identity and writes it, in the format of
// age-keygen, to dir/name. It returns the file's path and the recipient.
func NewIdentity(dir, name string) (keyFile, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", err
	}
	keyFile = filepath.Join(dir, name)
	content := fmt.Sprintf("# TEST-ONLY age identity, made by reconcile's sopstest package. Never use it for real secrets.\n# public key: %s\n%s\n", id.Recipient(), id)
	if err := os.WriteFile(keyFile, []byte(content), 0o600); err != nil {
		return "", "", err
	}
	return keyFile, id.Recipient().String(), nil
}

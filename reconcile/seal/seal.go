// Package seal encrypts spec files with the sops library, as `sops
// encrypt` and `sops edit` do, for `reconcile new` and `reconcile edit`:
// a new file by the repository's .sops.yaml creation rules, an edited one
// again with its own data key, keys and encryption style.
package seal

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	"github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keyservice"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
)

// New encrypts plain, the YAML of the file at path, by the creation rule
// of the sops configuration file sopsConfig that matches path.
func New(sopsConfig, path string, plain []byte) ([]byte, error) {
	conf, err := config.LoadCreationRuleForFile(sopsConfig, path, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sopsConfig, err)
	}
	if conf == nil || len(conf.KeyGroups) == 0 {
		return nil, fmt.Errorf("%s has no creation rule with keys for %s", sopsConfig, path)
	}
	store := sopsyaml.NewStore(&config.YAMLStoreConfig{})
	branches, err := store.LoadPlainFile(plain)
	if err != nil {
		return nil, err
	}
	md := sops.Metadata{KeyGroups: conf.KeyGroups, ShamirThreshold: conf.ShamirThreshold,
		UnencryptedSuffix: conf.UnencryptedSuffix, EncryptedSuffix: conf.EncryptedSuffix,
		UnencryptedRegex: conf.UnencryptedRegex, EncryptedRegex: conf.EncryptedRegex,
		UnencryptedCommentRegex: conf.UnencryptedCommentRegex, EncryptedCommentRegex: conf.EncryptedCommentRegex,
		MACOnlyEncrypted: conf.MACOnlyEncrypted, Version: sopsVersion()}
	if md.UnencryptedSuffix == "" && md.EncryptedSuffix == "" && md.UnencryptedRegex == "" && md.EncryptedRegex == "" &&
		md.UnencryptedCommentRegex == "" && md.EncryptedCommentRegex == "" {
		md.UnencryptedSuffix = sops.DefaultUnencryptedSuffix // as sops encrypt
	}
	tree := sops.Tree{Branches: branches, Metadata: md}
	dataKey, errs := tree.GenerateDataKey()
	if len(errs) > 0 {
		return nil, fmt.Errorf("make the data key: %v", errors.Join(errs...))
	}
	return emit(store, &tree, dataKey)
}

// Again encrypts plain, the edited cleartext of encrypted, with
// encrypted's data key, keys and style, as `sops edit` saves a file.
func Again(encrypted, plain []byte) ([]byte, error) {
	store := sopsyaml.NewStore(&config.YAMLStoreConfig{})
	old, err := store.LoadEncryptedFile(encrypted)
	if err != nil {
		return nil, err
	}
	dataKey, err := old.Metadata.GetDataKeyWithKeyServices([]keyservice.KeyServiceClient{keyservice.NewLocalClient()}, sops.DefaultDecryptionOrder)
	if err != nil {
		return nil, fmt.Errorf("cannot decrypt the data key with any key available here: %s", strings.Join(strings.Fields(err.Error()), " "))
	}
	branches, err := store.LoadPlainFile(plain)
	if err != nil {
		return nil, err
	}
	tree := sops.Tree{Branches: branches, Metadata: old.Metadata}
	return emit(store, &tree, dataKey)
}

func emit(store *sopsyaml.Store, tree *sops.Tree, dataKey []byte) ([]byte, error) {
	cipher := aes.NewCipher()
	mac, err := tree.Encrypt(dataKey, cipher)
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	tree.Metadata.LastModified = time.Now().UTC()
	if tree.Metadata.MessageAuthenticationCode, err = cipher.Encrypt(mac, dataKey, tree.Metadata.LastModified.Format(time.RFC3339)); err != nil {
		return nil, fmt.Errorf("encrypt the MAC: %w", err)
	}
	return store.EmitEncryptedFile(*tree)
}

// sopsVersion is the version of the sops library built in, which the file
// records as `sops encrypt` does.
func sopsVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/getsops/sops/v3" {
				return strings.TrimPrefix(d.Version, "v")
			}
		}
	}
	return "3.13.3" // go.mod's, when build information is missing (tests)
}

// Open decrypts encrypted to its cleartext YAML, comments kept, for an
// editor: local keys first (age, then PGP), as the loader does, and the
// MAC checked.
func Open(encrypted []byte) ([]byte, error) {
	store := sopsyaml.NewStore(&config.YAMLStoreConfig{})
	tree, err := store.LoadEncryptedFile(encrypted)
	if err != nil {
		return nil, err
	}
	dataKey, err := tree.Metadata.GetDataKeyWithKeyServices([]keyservice.KeyServiceClient{keyservice.NewLocalClient()}, sops.DefaultDecryptionOrder)
	if err != nil {
		return nil, fmt.Errorf("cannot decrypt the data key with any key available here: %s", strings.Join(strings.Fields(err.Error()), " "))
	}
	cipher := aes.NewCipher()
	mac, err := tree.Decrypt(dataKey, cipher)
	if err != nil {
		return nil, errors.New("a value does not decrypt with the file's data key: the ciphertext was altered")
	}
	stored, err := cipher.Decrypt(tree.Metadata.MessageAuthenticationCode, dataKey, tree.Metadata.LastModified.Format(time.RFC3339))
	if err != nil || stored != mac {
		return nil, errors.New("MAC mismatch: the file was changed after sops encrypted it")
	}
	return store.EmitPlainFile(tree.Branches)
}

package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/blang/semver"
	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keyservice"
	"github.com/getsops/sops/v3/logging"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
)

func init() {
	// sops logs through logrus to stderr; our logs are slog's alone.
	for _, l := range logging.Loggers {
		l.SetOutput(io.Discard)
	}
}

// encryptedPrefix starts every value sops has encrypted.
const encryptedPrefix = "ENC[AES256_GCM,"

// decrypter decrypts sops YAML files. It is the sops decrypt package's
// DataWithFormat taken apart, for two savings the benchmarks measure: the
// decrypted tree is read directly instead of being emitted as YAML and
// parsed again, and age identities are loaded once per decrypter instead of
// once per file. A decrypter is not safe for concurrent use; each worker
// has its own.
type decrypter struct {
	store *sopsyaml.Store
	ks    *keyServer
	keys  []keyservice.KeyServiceClient
}

func newDecrypter() *decrypter {
	ks := &keyServer{age: map[string]*sopsage.MasterKey{}}
	return &decrypter{
		store: sopsyaml.NewStore(&config.YAMLStoreConfig{}),
		ks:    ks,
		keys:  []keyservice.KeyServiceClient{keyservice.NewCustomLocalClient(ks)},
	}
}

// decryptError is a failed decryption, worded for the person who owns the
// file. It never carries a decrypted value.
type decryptError struct{ msg string }

func (e decryptError) Error() string { return e.msg }

// decrypt returns the cleartext document of a sops-encrypted YAML file,
// after checking its MAC.
func (d *decrypter) decrypt(data []byte) (doc map[string]any, err error) {
	tree, err := d.store.LoadEncryptedFile(data)
	if err != nil {
		msg := firstLine(err.Error())
		if strings.Contains(msg, "parsing time") {
			msg = "lastmodified is missing or not a time (is the sops block complete?)"
		}
		return nil, decryptError{"invalid sops metadata: " + msg}
	}
	if tree.Metadata.Version == "" {
		// `sops decrypt` refuses such a file too (it cannot tell which
		// sops bugs the file was written with).
		return nil, decryptError{"invalid sops metadata: no version"}
	}
	if v := strings.TrimPrefix(tree.Metadata.Version, "v"); !strings.HasPrefix(v, "1.") {
		if _, err := semver.Make(v); err != nil { // as `sops decrypt` checks it
			return nil, decryptError{fmt.Sprintf("invalid sops metadata: version %q is not a sops version", tree.Metadata.Version)}
		}
	}
	if tree.Metadata.MACOnlyEncrypted {
		// Its MAC covers the encrypted values only: a readable value (the
		// URL a password is sent to) edited by hand would pass.
		return nil, decryptError{"mac_only_encrypted is true: the sops MAC then covers only the encrypted values, so a readable value (a URL, a user name) edited by hand would go unnoticed; encrypt the file again without --mac-only-encrypted"}
	}
	if len(tree.Branches) != 1 {
		return nil, decryptError{"more than one YAML document: a spec file holds exactly one integration"}
	}
	d.ks.ageErr, d.ks.remoteErr = nil, nil
	// Local keys first (age, then PGP), as the sops command line does: a
	// key service the file names (Vault, a KMS) is contacted only when no
	// local key opens the file. The file comes from a pull request; its
	// addresses are not to be trusted before that.
	key, err := tree.Metadata.GetDataKeyWithKeyServices(d.keys, sops.DefaultDecryptionOrder)
	if err != nil {
		if d.ks.ageErr != nil {
			err = d.ks.ageErr // sops' own error says only how many key groups failed
		}
		if d.ks.remoteErr != nil {
			if d.ks.ageErr != nil {
				err = fmt.Errorf("%v; and %w", d.ks.ageErr, d.ks.remoteErr)
			} else {
				err = d.ks.remoteErr
			}
		}
		if errors.Is(err, context.Canceled) || (d.ks.ctx != nil && d.ks.ctx.Err() != nil) {
			return nil, context.Cause(d.ks.ctx)
		}
		return nil, decryptError{"cannot decrypt the data key with any key available here (check SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, GnuPG or KMS credentials): " + oneLine(err.Error())}
	}
	cipher := aes.NewCipher()
	mac, err := tree.Decrypt(key, cipher)
	if err != nil {
		return nil, decryptError{"a value does not decrypt with the file's data key: the ciphertext was altered"}
	}
	stored, err := cipher.Decrypt(tree.Metadata.MessageAuthenticationCode, key, tree.Metadata.LastModified.Format(time.RFC3339))
	if err != nil {
		return nil, decryptError{"the sops MAC does not decrypt: the mac or lastmodified field was altered"}
	}
	if stored != mac {
		return nil, decryptError{"MAC mismatch: the file was changed after sops encrypted it (a value edited by hand?); edit it with `sops` instead"}
	}
	v, err := treeValue(tree.Branches[0])
	if err != nil {
		return nil, decryptError{err.Error()}
	}
	return v.(map[string]any), nil
}

// treeValue converts a decrypted sops tree to map[string]any, []any and
// JSON scalars, dropping comments.
func treeValue(v any) (any, error) {
	switch c := v.(type) {
	case sops.TreeBranch:
		m := make(map[string]any, len(c))
		for _, item := range c {
			if _, isComment := item.Key.(sops.Comment); isComment {
				continue
			}
			k, ok := item.Key.(string)
			if !ok {
				return nil, fmt.Errorf("keys must be plain strings")
			}
			cv, err := treeValue(item.Value)
			if err != nil {
				return nil, err
			}
			m[k] = cv
		}
		return m, nil
	case []any:
		l := make([]any, 0, len(c))
		for _, item := range c {
			if _, isComment := item.(sops.Comment); isComment {
				continue
			}
			cv, err := treeValue(item)
			if err != nil {
				return nil, err
			}
			l = append(l, cv)
		}
		return l, nil
	}
	return scalar(v), nil
}

// scalar returns v as one of the types a JSON Schema validator knows.
func scalar(v any) any {
	switch c := v.(type) {
	case nil, string, bool, int, int64, uint64, float64:
		return v
	case []byte:
		return string(c)
	case time.Time:
		return c.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// keyServer is sops' local key service, except that each age recipient's
// master key is kept, so the identities it loads (SOPS_AGE_KEY_FILE and the
// rest, found exactly as sops finds them) are parsed once, not per file.
type keyServer struct {
	keyservice.Server
	age    map[string]*sopsage.MasterKey
	ageErr error // why the last age key failed
	// remoteErr is why the last key service failed.
	remoteErr error
	// ageOnly refuses every other kind of key without trying it: a file's
	// metadata names KMS, Vault or PGP keys, and trying them means network
	// calls to the addresses it gives (used by the fuzz tests).
	ageOnly bool
	// ctx is the run's: a key service still waited on when it is done is
	// given up. timeout bounds each call to a key service.
	ctx     context.Context
	timeout time.Duration
}

// DefaultKeyServiceTimeout bounds each call to a key service a file names
// (Vault, AWS, GCP or Azure KMS, and PGP's gpg).
const DefaultKeyServiceTimeout = 10 * time.Second

// remote asks sops' own key service for a key that is not age's, within
// the timeout and the run's context. sops' clients take no context of
// their own, so a call that does not return is abandoned to finish in the
// background.
func (s *keyServer) remote(req *keyservice.DecryptRequest) (*keyservice.DecryptResponse, error) {
	parent := s.ctx
	if parent == nil {
		parent = context.Background()
	}
	timeout := s.timeout
	if timeout <= 0 {
		timeout = DefaultKeyServiceTimeout
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	type result struct {
		rsp *keyservice.DecryptResponse
		err error
	}
	done := make(chan result, 1)
	go func() {
		rsp, err := s.Server.Decrypt(ctx, req)
		done <- result{rsp, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			s.remoteErr = fmt.Errorf("the %s key service: %s", keyKind(req), firstLine(r.err.Error()))
		}
		return r.rsp, r.err
	case <-ctx.Done():
		if parent.Err() != nil {
			s.remoteErr = context.Cause(parent)
		} else {
			s.remoteErr = fmt.Errorf("the %s key service did not answer within %s", keyKind(req), timeout)
		}
		return nil, s.remoteErr
	}
}

// keyKind names the kind of key a request is for.
func keyKind(req *keyservice.DecryptRequest) string {
	switch req.Key.GetKeyType().(type) {
	case *keyservice.Key_KmsKey:
		return "AWS KMS"
	case *keyservice.Key_GcpKmsKey:
		return "GCP KMS"
	case *keyservice.Key_AzureKeyvaultKey:
		return "Azure Key Vault"
	case *keyservice.Key_VaultKey:
		return "HashiCorp Vault"
	case *keyservice.Key_PgpKey:
		return "PGP"
	}
	return "remote"
}

func (s *keyServer) Decrypt(ctx context.Context, req *keyservice.DecryptRequest) (*keyservice.DecryptResponse, error) {
	k, ok := req.Key.GetKeyType().(*keyservice.Key_AgeKey)
	if !ok && s.ageOnly {
		return nil, fmt.Errorf("only age keys are tried here")
	}
	if !ok {
		return s.remote(req)
	}
	if cmd, set := os.LookupEnv(sopsage.SopsAgeKeyCmdEnv); set && strings.TrimSpace(cmd) == "" {
		// sops would index the empty command line and panic.
		s.ageErr = fmt.Errorf("%s is set but empty: unset it or give it a command", sopsage.SopsAgeKeyCmdEnv)
		return nil, s.ageErr
	}
	mk := s.age[k.AgeKey.Recipient]
	if mk == nil {
		mk = &sopsage.MasterKey{Recipient: k.AgeKey.Recipient}
		s.age[k.AgeKey.Recipient] = mk
	}
	mk.EncryptedKey = string(req.Ciphertext)
	plain, err := mk.Decrypt()
	if err != nil {
		s.ageErr = err
		return nil, err
	}
	return &keyservice.DecryptResponse{Plaintext: plain}, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

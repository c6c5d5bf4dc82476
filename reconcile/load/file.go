package load

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// DefaultMaxFileSize caps a spec file's size. The largest real spec, a
// Google service account whose key is encrypted, is under 8 KiB. It caps
// the decrypted size too: a value never decrypts to more bytes than its
// ciphertext takes in the file.
const DefaultMaxFileSize = 1 << 20

// DefaultMaxFiles caps the spec files of a directory: one org holds at
// most 250 integrations, and a tree of many orgs is loaded folder by folder.
const DefaultMaxFiles = 10000

// Options change how files are loaded.
type Options struct {
	// AllowPlaintext accepts secret values that are not sops-encrypted on
	// disk, for local experiments.
	AllowPlaintext bool
	// MaxFileSize caps each file; zero means DefaultMaxFileSize.
	MaxFileSize int64
	// MaxFiles caps the number of spec files; zero means DefaultMaxFiles.
	MaxFiles int
	// Cache, if set, serves files whose content has not changed since a
	// previous Load with the same options.
	Cache *Cache
	// KeyServiceTimeout bounds each call to a key service a file's sops
	// block names; zero means DefaultKeyServiceTimeout.
	KeyServiceTimeout time.Duration
	// Env, if set, is the environment the specs are loaded for: its
	// overlay merged over each spec, then its values substituted, before
	// validation.
	Env *Env
}

// maxProblems bounds the schema problems listed for one file: a file with
// 100,000 unknown keys gets a readable answer, quickly (locating each key
// is a walk of its mapping).
const maxProblems = 50

// positions lists the keys whose place in the file a Spec keeps, for the
// problems found after loading.
var positions = []string{"", "/name", "/type", "/notes", "/formerNames", "/active", "/credentials", "/credentials/type", "/mtls"}

// fileLoader reads one file at a time; each worker has its own.
type fileLoader struct {
	dir     string
	opts    Options
	schemas *schema.Set
	dec     *decrypter
	vals    *values // the environment's, shared by every worker; read only
}

// load reads, decrypts and validates the file rel.
func (l *fileLoader) load(rel string) (s *spec.Spec, problems spec.Problems) {
	defer func() {
		if r := recover(); r != nil {
			s, problems = nil, spec.Problems{{File: rel, Message: fmt.Sprintf("internal error while loading this file (%T); please report it", r)}}
		}
	}()
	data, p := l.read(rel)
	if p != nil {
		return nil, spec.Problems{*p}
	}
	return l.loadBytes(rel, data)
}

// loadBytes does the work of load on the file's content.
func (l *fileLoader) loadBytes(rel string, data []byte) (s *spec.Spec, problems spec.Problems) {
	defer func() {
		if r := recover(); r != nil {
			s, problems = nil, spec.Problems{{File: rel, Message: fmt.Sprintf("internal error while loading this file (%T); please report it", r)}}
		}
	}()
	sum := sha256.Sum256(data)
	ov := l.readOverlay(rel)
	if l.opts.Env != nil {
		// What the spec is made of in this environment: the file, its
		// overlay and the values.
		h := sha256.New()
		h.Write(sum[:])
		o := sha256.Sum256(ov.data)
		h.Write(o[:])
		h.Write(l.vals.digest[:])
		h.Sum(sum[:0])
	}
	digest := "sha256:" + hex.EncodeToString(sum[:])
	cacheable := true
	if l.opts.Cache != nil {
		if s := l.opts.Cache.get(rel, sum); s != nil {
			return s, nil
		}
		defer func() {
			if s != nil && cacheable {
				l.opts.Cache.put(rel, sum, s)
			}
		}()
	}
	root, found := parse(data)
	if len(found) > 0 {
		return nil, in(rel, found)
	}
	s, files, found := l.interpret(rel, root, data, ov)
	if s != nil {
		s.File, s.Digest = rel, digest
		if len(files) > 0 {
			// The export files are part of the spec: a saved plan is stale
			// when one changes, and the cache, keyed by the file alone,
			// must not serve it.
			cacheable = false
			folded := importsDigest(sum, files)
			s.Digest = "sha256:" + hex.EncodeToString(folded[:])
		}
	}
	return s, in(rel, found)
}

func in(file string, ps []problemAt) spec.Problems {
	out := make(spec.Problems, len(ps))
	for i, p := range ps {
		out[i] = p.in(file)
	}
	return out
}

// maxSize is the cap of one spec or overlay file.
func (l *fileLoader) maxSize() int64 {
	if l.opts.MaxFileSize > 0 {
		return l.opts.MaxFileSize
	}
	return DefaultMaxFileSize
}

// read returns the content of the file rel; it refuses, without waiting
// or reading on, a file that is not regular or is larger than the limit.
func (l *fileLoader) read(rel string) ([]byte, *spec.Problem) {
	max := l.maxSize()
	data, err := safefile.ReadFile(filepath.Join(l.dir, filepath.FromSlash(rel)), max)
	var tooBig *safefile.TooLargeError
	switch {
	case errors.Is(err, safefile.ErrNotRegular):
		return nil, &spec.Problem{File: rel, Message: "not a regular file"}
	case errors.As(err, &tooBig):
		return nil, &spec.Problem{File: rel, Message: fmt.Sprintf("the file is larger than the %d-byte limit for a spec", max)}
	case err != nil:
		return nil, &spec.Problem{File: rel, Message: "cannot read: " + pathless(err)}
	}
	return data, nil
}

// interpret decrypts the parsed file if sops encrypted it, validates it
// and builds its Spec.
func (l *fileLoader) interpret(rel string, root *yaml.Node, data []byte, ov overlayFile) (*spec.Spec, map[int]imported, []problemAt) {
	sopsKey, _ := node(root, "/sops")
	var doc map[string]any
	if sopsKey != nil {
		var err error
		if doc, err = l.dec.decrypt(data); err != nil {
			return nil, nil, []problemAt{{pos: pos(sopsKey), msg: err.Error()}}
		}
	} else {
		v, err := value(root)
		if err != nil {
			return nil, nil, []problemAt{{msg: err.Error()}}
		}
		doc = v.(map[string]any)
	}
	var dated []problemAt
	timestamps(root, &dated)
	if len(dated) > 0 {
		return nil, nil, dated
	}
	ly := &layered{base: source{root: root, encrypted: sopsKey != nil}, fromOverlay: map[string]bool{}, refs: map[string][]string{}, whole: map[string]string{}}
	if env := l.opts.Env; env != nil {
		deleted, problems := l.overlayFor(ov, doc, ly)
		if len(problems) > 0 || deleted {
			return nil, nil, problems
		}
		if problems := substitute(doc, "", l.vals, env.Name, ly); len(problems) > 0 {
			return nil, nil, problems
		}
	}
	at := func(ptr, msg string) problemAt { return ly.at(l.vals, ptr, msg) }
	files, found := l.imports(rel, doc, at)
	if len(found) > 0 {
		return nil, files, found
	}

	t, isString := doc["type"].(string)
	switch _, known := spec.LookupVendor(t); {
	case doc["type"] == nil:
		return nil, files, []problemAt{at("/type", `missing required key "type"; one of: `+strings.Join(spec.VendorTypes(), ", "))}
	case !isString || !known:
		return nil, files, []problemAt{at("/type", "unknown type; one of: "+strings.Join(spec.VendorTypes(), ", ")+schema.DidYouMean(t, spec.VendorTypes()))}
	}

	ann := l.schemas.Annotate(t, doc)
	for _, ptr := range ann.PEM {
		setString(doc, ptr, normalizePEM)
	}
	var problems []problemAt
	violations, err := l.schemas.Validate(t, doc)
	if err != nil {
		return nil, files, []problemAt{{msg: err.Error()}}
	}
	more := len(violations) - maxProblems
	if more > 0 { // the same 50 each run
		slices.SortFunc(violations, func(a, b schema.Violation) int {
			return cmp.Or(cmp.Compare(a.At, b.At), cmp.Compare(a.Message, b.Message))
		})
		violations = violations[:maxProblems]
	}
	for _, v := range violations {
		p := at(v.At, v.Message)
		p.path = v.Path
		problems = append(problems, p)
	}
	if more > 0 {
		problems = append(problems, problemAt{pos: pos(root), msg: fmt.Sprintf("and %d more problems of the schema in this file, not listed", more)})
	}
	if len(problems) == 0 {
		problems = append(problems, checkActions(doc, at)...)
	}
	inImport(problems, root, files)
	switch {
	case l.opts.AllowPlaintext:
	case l.opts.Env != nil:
		problems = append(problems, envSecrets(ly, l.vals, doc, ann.Secrets)...)
	default:
		problems = append(problems, plaintextSecrets(root, doc, ann.Secrets, sopsKey != nil)...)
	}
	if len(problems) > 0 {
		return nil, files, redact(problems, doc, ann.Secrets)
	}
	l.schemas.ApplyDefaults(t, doc)
	s := build(t, doc, ann.Secrets, root)
	buildActions(s, doc, root, files)
	return s, files, nil
}

// plaintextSecrets returns a problem for each secret value that is not
// sops-encrypted in the file on disk.
func plaintextSecrets(root *yaml.Node, doc map[string]any, secrets []string, encrypted bool) []problemAt {
	var out []problemAt
	for _, ptr := range secrets {
		key, raw := node(root, ptr)
		if raw == nil || raw.Kind != yaml.ScalarNode || raw.Value == "" {
			continue // not a string: the schema reports it
		}
		clear, _ := schema.Lookup(doc, ptr).(string)
		if encrypted && strings.HasPrefix(raw.Value, encryptedPrefix) && clear != raw.Value {
			continue
		}
		msg := "secret value in plaintext: encrypt it with sops (the file is not sops-encrypted), or pass --allow-plaintext for a local experiment"
		if encrypted {
			msg = "secret value in plaintext: sops left it unencrypted (check --encrypted-regex or the .sops.yaml creation rule), or pass --allow-plaintext for a local experiment"
		}
		out = append(out, problemAt{pos: pos(key), path: ptr, msg: msg}) // at the key, as every problem
	}
	return out
}

// redact removes the document's secret values from messages, in case a
// library quoted one.
func redact(ps []problemAt, doc map[string]any, secrets []string) []problemAt {
	var values []string
	for _, ptr := range secrets {
		if s, ok := schema.Lookup(doc, ptr).(string); ok && len(s) >= 4 {
			values = append(values, s)
		}
	}
	for i := range ps {
		for _, v := range values {
			ps[i].msg = strings.ReplaceAll(ps[i].msg, v, spec.Mask)
		}
	}
	return ps
}

// normalizePEM accepts a key pasted from a JSON key file: surrounding
// quotes, literal \n escapes, CRLF line ends and a missing final newline.
func normalizePEM(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	s = strings.ReplaceAll(s, `\n`, "\n")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(s) + "\n"
}

func setString(doc any, ptr string, f func(string) string) {
	keys := schema.Split(ptr)
	if len(keys) == 0 {
		return
	}
	if m, ok := schema.Lookup(doc, parent(ptr)).(map[string]any); ok {
		if s, ok := m[keys[len(keys)-1]].(string); ok {
			m[keys[len(keys)-1]] = f(s)
		}
	}
}

// build makes the Spec of a valid document, wrapping secrets in
// spec.Secret.
func build(t string, doc map[string]any, secrets []string, root *yaml.Node) *spec.Spec {
	s := &spec.Spec{Type: t, Pos: map[string]spec.Position{}}
	s.Name, _ = doc["name"].(string)
	s.Notes, _ = doc["notes"].(string)
	if names, ok := doc["formerNames"].([]any); ok {
		for _, n := range names {
			if n, ok := n.(string); ok {
				s.FormerNames = append(s.FormerNames, n)
			}
		}
	}
	s.Active, _ = doc["active"].(bool)
	if m, ok := doc["mtls"].(map[string]any); ok {
		s.MTLS, _ = m["clientCertificateAuthority"].(string)
	}
	for _, ptr := range positions {
		if k, _ := node(root, ptr); k != nil {
			s.Pos[ptr] = pos(k)
		}
	}
	creds, ok := doc["credentials"].(map[string]any)
	if !ok {
		return s
	}
	for _, ptr := range secrets {
		keys := schema.Split(ptr)
		if m, ok := schema.Lookup(doc, parent(ptr)).(map[string]any); ok {
			if v, ok := m[keys[len(keys)-1]].(string); ok {
				m[keys[len(keys)-1]] = spec.NewSecret(v)
			}
		}
	}
	c := &spec.Credential{Type: t, Fields: creds}
	if ct, ok := creds["type"].(string); ok {
		c.Type = ct
		delete(creds, "type")
	}
	s.Credential = c
	return s
}

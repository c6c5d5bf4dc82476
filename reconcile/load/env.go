package load

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// Env is what an environment adds to the spec directory (contract section
// 10): the values ${values.KEY} stands for, and the overlay folder whose
// files merge over the base specs of the same relative path.
type Env struct {
	Name string
	// Values is the values file (KEY: value pairs, sops-encrypted or
	// not); empty for none.
	Values string
	// Overlay is the overlay folder; empty for none.
	Overlay string
}

// deleteKey, set to true in an overlay file, removes its spec from the
// environment.
const deleteKey = "$delete"

// values is an environment's values file, loaded once a Load.
type values struct {
	file   string // as problems name it: relative to the spec directory
	byKey  map[string]valueEntry
	digest [sha256.Size]byte
}

type valueEntry struct {
	value     string
	pos       spec.Position
	encrypted bool // sops-encrypted in the file on disk
}

var valueKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// loadValues reads and decrypts the values file of env.
func (l *fileLoader) loadValues(env *Env) (*values, spec.Problems) {
	v := &values{byKey: map[string]valueEntry{}}
	if env == nil || env.Values == "" {
		return v, nil
	}
	v.file = l.display(env.Values)
	data, err := safefile.ReadFile(env.Values, safefile.DefaultLimit)
	if err != nil {
		return nil, spec.Problems{{File: v.file, Message: fmt.Sprintf("cannot read environment %s's values file: %s", env.Name, pathless(err))}}
	}
	v.digest = sha256.Sum256(data)
	root, found := parse(data)
	if len(found) > 0 {
		return nil, in(v.file, found)
	}
	sopsKey, _ := node(root, "/sops")
	var doc map[string]any
	if sopsKey != nil {
		if doc, err = l.dec.decrypt(data); err != nil {
			return nil, spec.Problems{{File: v.file, Line: sopsKey.Line, Column: sopsKey.Column, Message: err.Error()}}
		}
	} else {
		raw, err := value(root)
		m, ok := raw.(map[string]any)
		if err != nil || !ok {
			return nil, spec.Problems{{File: v.file, Line: root.Line, Column: root.Column, Message: "a values file is a mapping of KEY: value"}}
		}
		doc = m
	}
	var ps spec.Problems
	for k, val := range doc {
		key, raw := node(root, "/"+schema.Escape(k))
		p := spec.Position{}
		if key != nil {
			p = pos(key)
		}
		at := spec.Problem{File: v.file, Line: p.Line, Column: p.Column, Path: "/" + schema.Escape(k)}
		var text string
		switch x := val.(type) {
		case string:
			text = x
		case bool, int, int64, float64:
			text = fmt.Sprint(x)
		default:
			at.Message = "a value is a string, a number or a boolean"
			ps = append(ps, at)
			continue
		}
		if !valueKeyRE.MatchString(k) {
			at.Message = "a key is letters, digits, '_', '.' or '-', starting with a letter or '_'"
			ps = append(ps, at)
			continue
		}
		enc := sopsKey != nil && raw != nil && raw.Kind == yaml.ScalarNode && strings.HasPrefix(raw.Value, encryptedPrefix)
		v.byKey[k] = valueEntry{value: text, pos: p, encrypted: enc}
	}
	if err := ps.Err(); err != nil {
		return nil, ps
	}
	return v, nil
}

// display names a file for problems: relative to the spec directory, so
// that joined to it, as every problem's file is printed, it opens.
func (l *fileLoader) display(path string) string {
	abs, err1 := filepath.Abs(path)
	dir, err2 := filepath.Abs(l.dir)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(path)
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// source is a file a spec's keys came from: the base spec, or its overlay.
type source struct {
	file      string // as problems name it; "" for the base spec
	root      *yaml.Node
	encrypted bool
}

// layered is one spec as an environment sees it: the base document with
// its overlay merged in and the values substituted, and where each key
// came from.
type layered struct {
	base    source
	overlay *source
	// fromOverlay holds the key paths the overlay set.
	fromOverlay map[string]bool
	// refs holds, per key path whose string used ${values.KEY}, the keys.
	refs map[string][]string
	// whole holds the key paths whose string was one ${values.KEY} alone:
	// problems of their value point at the values file.
	whole map[string]string
}

// sourceOf returns the file that holds ptr: the overlay if it set ptr or
// a parent of it, else the base.
func (ly *layered) sourceOf(ptr string) source {
	if ly.overlay != nil {
		for p := ptr; ; p = parent(p) {
			if ly.fromOverlay[p] {
				return *ly.overlay
			}
			if p == "" {
				break
			}
		}
	}
	return ly.base
}

// at locates a problem about ptr in the file that holds it.
func (ly *layered) at(v *values, ptr, msg string) problemAt {
	if key, ok := ly.whole[ptr]; ok {
		if e, ok := v.byKey[key]; ok {
			return problemAt{file: v.file, pos: e.pos, path: ptr, msg: msg + fmt.Sprintf(" (the value of %s)", key)}
		}
	}
	src := ly.sourceOf(ptr)
	return problemAt{file: src.file, pos: locate(src.root, ptr), path: ptr, msg: msg}
}

// overlayFile is the overlay file of one spec, read once: its bytes feed
// the spec's digest and its merge.
type overlayFile struct {
	display string // as problems name it
	data    []byte // nil when there is none
	err     error  // why it could not be read, other than not existing
}

// readOverlay reads the environment's overlay file of rel, if there is one.
func (l *fileLoader) readOverlay(rel string) overlayFile {
	env := l.opts.Env
	if env == nil || env.Overlay == "" {
		return overlayFile{}
	}
	path := filepath.Join(env.Overlay, filepath.FromSlash(rel))
	data, err := safefile.ReadFile(path, l.maxSize())
	if errors.Is(err, fs.ErrNotExist) {
		return overlayFile{}
	}
	return overlayFile{display: l.display(path), data: data, err: err}
}

// overlayFor decrypts and merges the spec's overlay file into doc.
// deleted says the overlay removes the spec.
func (l *fileLoader) overlayFor(ov overlayFile, doc map[string]any, ly *layered) (deleted bool, problems []problemAt) {
	display, data := ov.display, ov.data
	if ov.err != nil {
		return false, []problemAt{{file: display, msg: "cannot read: " + pathless(ov.err)}}
	}
	if data == nil {
		return false, nil
	}
	var err error
	root, found := parse(data)
	if len(found) > 0 {
		for i := range found {
			found[i].file = display
		}
		return false, found
	}
	sopsKey, _ := node(root, "/sops")
	var over map[string]any
	if sopsKey != nil {
		if over, err = l.dec.decrypt(data); err != nil {
			return false, []problemAt{{file: display, pos: pos(sopsKey), msg: err.Error()}}
		}
	} else {
		raw, err := value(root)
		m, ok := raw.(map[string]any)
		if err != nil || !ok {
			return false, []problemAt{{file: display, pos: pos(root), msg: "an overlay file is a mapping of the keys it replaces"}}
		}
		over = m
	}
	ly.overlay = &source{file: display, root: root, encrypted: sopsKey != nil}
	if d, ok := over[deleteKey]; ok {
		if d != true || len(over) != 1 {
			return false, []problemAt{{file: display, pos: locate(root, "/"+schema.Escape(deleteKey)), path: "/" + schema.Escape(deleteKey),
				msg: deleteKey + " removes the spec from this environment: it is `" + deleteKey + ": true`, alone in its file"}}
		}
		return true, nil
	}
	merge(doc, over, "", ly.fromOverlay)
	return false, nil
}

// merge sets over's keys in base: maps key by key, lists and scalars
// replaced whole. It records each key path it set in set.
func merge(base, over map[string]any, ptr string, set map[string]bool) {
	for k, v := range over {
		p := ptr + "/" + schema.Escape(k)
		if bm, ok := base[k].(map[string]any); ok {
			if om, ok := v.(map[string]any); ok {
				merge(bm, om, p, set)
				continue
			}
		}
		base[k] = v
		set[p] = true
	}
}

// valueRef is ${values.KEY}; with one more $ in front it is an escape,
// written as the text ${values.KEY}. Any other ${...} (Velocity's
// ${input.x}) is not a reference, and stays as written.
var valueRef = regexp.MustCompile(`\$?\$\{values\.([^}]*)\}`)

// substitute replaces every ${values.KEY} in doc's strings.
func substitute(doc any, ptr string, v *values, env string, ly *layered) []problemAt {
	var problems []problemAt
	switch x := doc.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p := ptr + "/" + schema.Escape(k)
			if s, ok := x[k].(string); ok {
				out, ps := expand(s, p, v, env, ly)
				x[k] = out
				problems = append(problems, ps...)
				continue
			}
			problems = append(problems, substitute(x[k], p, v, env, ly)...)
		}
	case []any:
		for i := range x {
			p := fmt.Sprintf("%s/%d", ptr, i)
			if s, ok := x[i].(string); ok {
				out, ps := expand(s, p, v, env, ly)
				x[i] = out
				problems = append(problems, ps...)
				continue
			}
			problems = append(problems, substitute(x[i], p, v, env, ly)...)
		}
	}
	return problems
}

func expand(s, ptr string, v *values, env string, ly *layered) (string, []problemAt) {
	if !strings.Contains(s, "${values.") {
		return s, nil
	}
	var problems []problemAt
	var used []string
	out := valueRef.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "$$") {
			return m[1:] // the escape: the text ${values.KEY}
		}
		key := valueRef.FindStringSubmatch(m)[1]
		e, ok := v.byKey[key]
		if !ok {
			where := "it has no values file"
			if v.file != "" {
				where = "its values file " + v.file + " defines no " + key
			}
			src := ly.sourceOf(ptr)
			problems = append(problems, problemAt{file: src.file, pos: locate(src.root, ptr), path: ptr,
				msg: fmt.Sprintf("unknown value ${values.%s}: environment %s has no value %s (%s)", key, env, key, where)})
			return m
		}
		used = append(used, key)
		return e.value
	})
	if len(used) > 0 {
		ly.refs[ptr] = used
		if m := valueRef.FindStringSubmatch(s); m != nil && m[0] == s && !strings.HasPrefix(s, "$$") {
			ly.whole[ptr] = m[1]
		}
	}
	return out, problems
}

// envSecrets returns a problem for each secret value that did not come
// from an encrypted file: the spec or overlay that holds it must have it
// sops-encrypted, unless it is made of ${values.KEY} alone, and then each
// KEY must be encrypted in the values file.
func envSecrets(ly *layered, v *values, doc map[string]any, secrets []string) []problemAt {
	var out []problemAt
	for _, ptr := range secrets {
		src := ly.sourceOf(ptr)
		key, raw := node(src.root, ptr)
		if raw == nil || raw.Kind != yaml.ScalarNode || raw.Value == "" {
			continue // not a string: the schema reports it
		}
		refs := ly.refs[ptr]
		onlyRefs := len(refs) > 0 && strings.TrimSpace(valueRef.ReplaceAllString(raw.Value, "")) == ""
		for _, k := range refs {
			if e := v.byKey[k]; !e.encrypted {
				out = append(out, problemAt{file: v.file, pos: e.pos, path: "/" + schema.Escape(k),
					msg: fmt.Sprintf("secret value in plaintext: %s is a secret (%s), and the values file does not sops-encrypt it; encrypt the values file, or pass --allow-plaintext for a local experiment", k, ptr)})
			}
		}
		if onlyRefs {
			continue
		}
		clear, _ := schema.Lookup(doc, ptr).(string)
		if src.encrypted && strings.HasPrefix(raw.Value, encryptedPrefix) && clear != raw.Value {
			continue
		}
		msg := "secret value in plaintext: encrypt it with sops (the file is not sops-encrypted), or pass --allow-plaintext for a local experiment"
		if src.encrypted {
			msg = "secret value in plaintext: sops left it unencrypted (check --encrypted-regex or the .sops.yaml creation rule), or pass --allow-plaintext for a local experiment"
		}
		out = append(out, problemAt{file: src.file, pos: pos(key), path: ptr, msg: msg})
	}
	return out
}

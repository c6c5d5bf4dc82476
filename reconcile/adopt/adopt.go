// Package adopt writes specs for what an org already holds, so a team can
// bring integrations made by hand under reconcile: `reconcile import`.
// The org never returns credential values, so every credential field is a
// placeholder to fill; the schema says which are secret.
package adopt

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/schema"
)

// Placeholders mark the values to fill in an imported spec.
const (
	Placeholder       = "REPLACE-ME"
	SecretPlaceholder = "REPLACE-ME-SECRET"
)

// header starts every imported spec.
const header = `# Imported by reconcile import. The org never returns credential values:
# replace every REPLACE-ME value, then encrypt the secrets with sops (see
# .sops.yaml beside this folder) before committing.
`

// sopsYAML is the suggested sops configuration: only secret values are
// encrypted, so reviews see the rest.
const sopsYAML = `# Suggested by reconcile import: encrypt exactly the values reconcile's
# schemas mark secret. Put your own recipients (age, KMS, PGP) below.
creation_rules:
  - path_regex: \.ya?ml$
    encrypted_regex: '^(password|apiToken|clientSecret|securityToken|privateKey|fields)$'
    age: age1REPLACE-WITH-YOUR-RECIPIENT
`

// Options are what Write needs to know beyond the integrations.
type Options struct {
	// Schema, when set, is where the editor schema reconcile.json is (what
	// `reconcile schema DIR` writes into DIR): a URL, written as is, or a
	// file path, absolute or relative to the working directory, written
	// relative to each spec's folder. Each spec then starts with the
	// modeline `# yaml-language-server: $schema=<it>`. The path is right
	// while the specs stay at the depth Write puts them (DIR/<type>/), so
	// Options.Schema should be reconcile.json as seen from the folder the
	// specs will live in, if that is not dir. Empty: no modeline.
	Schema string
}

// modelinePrefix starts the comment by which yaml-language-server (and so
// the editors built on it) finds a file's schema.
const modelinePrefix = "# yaml-language-server: $schema="

// Write writes into dir one spec per integration, in a folder per vendor,
// plus .sops.yaml when dir has none. It returns the files written, slash
// separated and relative to dir. It is WriteWith without options.
func Write(dir string, ints []org.Integration, schemas *schema.Set) ([]string, error) {
	return WriteWith(dir, ints, schemas, Options{})
}

// WriteWith is Write with options.
func WriteWith(dir string, ints []org.Integration, schemas *schema.Set, opts Options) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	used := map[string]bool{}
	for _, in := range ints {
		rel := path(in, used)
		full := filepath.Join(dir, filepath.FromSlash(rel))
		first, err := opts.modeline(filepath.Dir(full))
		if err != nil {
			return written, err
		}
		body, err := spec(in, schemas)
		if err != nil {
			return written, fmt.Errorf("%s: %w", in.Name, err)
		}
		body = append([]byte(first), body...)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return written, err
		}
		f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return written, fmt.Errorf("%s: %w (import never overwrites a file)", rel, err)
		}
		_, err = f.Write(body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, err
		}
		written = append(written, rel)
	}
	if _, err := os.Stat(filepath.Join(dir, ".sops.yaml")); os.IsNotExist(err) {
		if err := os.WriteFile(filepath.Join(dir, ".sops.yaml"), []byte(sopsYAML), 0o644); err != nil {
			return written, err
		}
		written = append(written, ".sops.yaml")
	}
	return written, nil
}

// modeline returns the first line of a spec written into folder: the
// modeline to Schema, or nothing.
func (o Options) modeline(folder string) (string, error) {
	ref := o.Schema
	if ref == "" {
		return "", nil
	}
	if !strings.Contains(ref, "://") {
		target, err := filepath.Abs(ref)
		if err != nil {
			return "", fmt.Errorf("schema %s: %w", ref, err)
		}
		from, err := filepath.Abs(folder)
		if err != nil {
			return "", err
		}
		if rel, err := filepath.Rel(from, target); err == nil {
			ref = rel
		} else { // another volume
			ref = target
		}
		ref = filepath.ToSlash(ref)
	}
	if strings.ContainsAny(ref, " \t\r\n") { // the modeline's value ends at a space
		return "", fmt.Errorf("schema %q: a modeline cannot hold a space", ref)
	}
	return modelinePrefix + ref + "\n", nil
}

var unsafe = regexp.MustCompile(`[^a-z0-9]+`)

// path names an integration's file: its vendor's folder and its name.
func path(in org.Integration, used map[string]bool) string {
	base := strings.Trim(unsafe.ReplaceAllString(strings.ToLower(in.Name), "-"), "-")
	if base == "" {
		base = "integration"
	}
	rel := in.Type + "/" + base + ".yaml"
	for n := 2; used[rel]; n++ {
		rel = fmt.Sprintf("%s/%s-%d.yaml", in.Type, base, n)
	}
	used[rel] = true
	return rel
}

// spec returns the YAML of one integration's spec.
func spec(in org.Integration, schemas *schema.Set) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, value *yaml.Node) {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, value)
	}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s, Style: styleFor(s)} }
	add("name", str(in.Name))
	add("type", str(in.Type))
	if in.Notes != "" {
		add("notes", str(in.Notes))
	}
	add("active", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(in.Active)})
	if in.Type == "web-services" && in.MTLS != "" {
		mtls := &yaml.Node{Kind: yaml.MappingNode}
		mtls.Content = append(mtls.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "clientCertificateAuthority"}, str(in.MTLS))
		add("mtls", mtls)
	}
	if in.Credential != nil {
		creds := &yaml.Node{Kind: yaml.MappingNode}
		if in.Credential.Type != in.Type { // a typed block names its type
			creds.Content = append(creds.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "type"}, str(in.Credential.Type))
		}
		fields := schemas.CredentialFields(in.Type, in.Credential.Type)
		if len(fields) == 0 && in.Credential.Type != in.Type {
			return nil, fmt.Errorf("credential type %q is not one reconcile knows for %s", in.Credential.Type, in.Type)
		}
		slices.SortStableFunc(fields, func(a, b schema.Field) int { // required first
			if a.Required != b.Required && a.Required {
				return -1
			} else if a.Required != b.Required {
				return 1
			}
			return 0
		})
		for _, f := range fields {
			var v *yaml.Node
			switch {
			case f.Kind == "object": // a map whose every value is secret
				v = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("REPLACE-ME-FIELD-NAME"), str(SecretPlaceholder)}}
			case f.Kind == "array":
				v = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{str(Placeholder)}}
			case f.Secret:
				v = str(SecretPlaceholder)
			default:
				v = str(Placeholder)
			}
			key := &yaml.Node{Kind: yaml.ScalarNode, Value: f.Name}
			if !f.Required {
				key.LineComment = "optional"
			}
			creds.Content = append(creds.Content, key, v)
		}
		add("credentials", creds)
	}
	if len(in.DataActions) > 0 {
		list, err := actions(in.DataActions)
		if err != nil {
			return nil, err
		}
		add("actions", list)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), out...), nil
}

// actions returns the YAML list of the integration's data actions, each as
// the API has it: name, category, secure, config and contract.
func actions(as []org.Action) (*yaml.Node, error) {
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, a := range as {
		m := map[string]any{"name": a.Name, "category": a.Category, "config": a.Config, "contract": a.Contract}
		if a.Secure {
			m["secure"] = true
		}
		if a.Config == nil || a.Contract == nil {
			return nil, fmt.Errorf("data action %q: the org did not give its configuration and contract", a.Name)
		}
		var n yaml.Node
		if err := n.Encode(m); err != nil {
			return nil, fmt.Errorf("data action %q: %w", a.Name, err)
		}
		// name, category and secure first, as people write them
		order := map[string]int{"name": 0, "category": 1, "secure": 2, "config": 3, "contract": 4}
		pairs := make([][2]*yaml.Node, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			pairs = append(pairs, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
		}
		slices.SortFunc(pairs, func(x, y [2]*yaml.Node) int { return order[x[0].Value] - order[y[0].Value] })
		n.Content = n.Content[:0]
		for _, p := range pairs {
			n.Content = append(n.Content, p[0], p[1])
		}
		list.Content = append(list.Content, &n)
	}
	return list, nil
}

// styleFor quotes values YAML would otherwise read as another type.
func styleFor(s string) yaml.Style {
	var v any
	if yaml.Unmarshal([]byte(s), &v) != nil {
		return yaml.DoubleQuotedStyle
	}
	if _, isString := v.(string); !isString || v != s {
		return yaml.DoubleQuotedStyle
	}
	return 0
}

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	sopsconfig "github.com/getsops/sops/v3/config"
	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/adopt"
	"github.com/reconcile-dev/reconcile/reconcile/atomicfile"
	"github.com/reconcile-dev/reconcile/reconcile/seal"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// defaultCredentialType is the credential type `new` writes for vendors
// with several.
var defaultCredentialType = map[string]string{"web-services": "basic", "google": "cloud-platform"}

// newSpec is `reconcile new TYPE NAME`: a spec for the vendor with every
// key, each with its schema's description as a comment, placeholders to
// fill, and the modeline; encrypted by the repository's .sops.yaml rules.
func newSpec(specs, typ, name string, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "reconcile: new: "+format+"\n", a...)
		return exitError
	}
	if _, ok := spec.LookupVendor(typ); !ok {
		return fail("unknown type %q; one of: %s", typ, strings.Join(spec.VendorTypes(), ", "))
	}
	if why := spec.CheckName(name); why != "" {
		return fail("%s", why)
	}
	set, err := schema.Compiled()
	if err != nil {
		return fail("%v", err)
	}
	rel := typ + "/" + slug(name) + ".yaml"
	path := filepath.Join(specs, filepath.FromSlash(rel))
	plain, err := skeleton(set, typ, name, "../../schema/"+typ+".json")
	if err != nil {
		return fail("%v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fail("%v", err)
	}
	abs, _ := filepath.Abs(path)
	conf, err := sopsconfig.FindConfigFile(filepath.Dir(abs))
	if err != nil {
		return fail("no .sops.yaml in %s or above it: reconcile init writes one (%v)", filepath.Dir(path), err)
	}
	enc, err := seal.New(conf, abs, plain)
	if err != nil {
		return fail("encrypt %s: %v", path, err)
	}
	if err := atomicfile.Create(path, enc, 0o644); err != nil {
		return fail("%s: %v (new never overwrites a file)", path, err)
	}
	fmt.Fprintf(stdout, "wrote %s, encrypted by %s\nfill in its %s values with: reconcile edit %s\n", filepath.ToSlash(path), conf, adopt.Placeholder, filepath.ToSlash(path))
	return exitOK
}

var unsafeSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(name string) string {
	s := strings.Trim(unsafeSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if s == "" {
		s = "integration"
	}
	return s
}

// skeleton is the YAML of a new spec of type typ named name.
func skeleton(set *schema.Set, typ, name, schemaPath string) ([]byte, error) {
	sch, ok := set.For(typ)
	if !ok {
		return nil, fmt.Errorf("no schema for %s", typ)
	}
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(parent *yaml.Node, key, comment string, value *yaml.Node) {
		parent.Content = append(parent.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key, HeadComment: comment}, value)
	}
	str := func(s string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: s}
		if s == "" || strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`") {
			n.Style = yaml.DoubleQuotedStyle
		}
		return n
	}
	add(doc, "name", describe(sch, "name"), str(name))
	add(doc, "type", describe(sch, "type"), str(typ))
	add(doc, "notes", describe(sch, "notes"), str(""))
	add(doc, "active", describe(sch, "active"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	if typ == "web-services" {
		mtls := &yaml.Node{Kind: yaml.MappingNode}
		add(mtls, "clientCertificateAuthority", "genesys-cloud or digicert", str("genesys-cloud"))
		add(doc, "mtls", describe(sch, "mtls"), mtls)
	}
	credType := typ
	if d, ok := defaultCredentialType[typ]; ok {
		credType = d
	}
	fields := set.CredentialFields(typ, credType)
	if len(fields) > 0 || credType != typ {
		creds := &yaml.Node{Kind: yaml.MappingNode}
		credsSchema := sch.Properties["credentials"]
		if credType != typ {
			add(creds, "type", "the credential type; see the schema for the others", str(credType))
		}
		for _, f := range fields {
			comment := describeIn(credsSchema, f.Name, credType)
			if !f.Required {
				comment = strings.TrimSpace(comment + " (optional)")
			}
			var v *yaml.Node
			switch {
			case f.Kind == "object":
				v = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str(adopt.Placeholder + "-FIELD-NAME"), str(adopt.SecretPlaceholder)}}
			case f.Kind == "array":
				v = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{str(adopt.Placeholder)}}
			case f.Secret:
				v = str(adopt.SecretPlaceholder)
			default:
				v = str(adopt.Placeholder)
			}
			add(creds, f.Name, comment, v)
		}
		add(doc, "credentials", describe(sch, "credentials"), creds)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("# yaml-language-server: $schema=%s\n# Made by reconcile new: replace every %s value (reconcile edit this file).\n", schemaPath, adopt.Placeholder)
	return append([]byte(head), out...), nil
}

// describe is the description of sch's property key.
func describe(sch *jsonschema.Schema, key string) string {
	return description(sch.Properties[key])
}

// describeIn finds key's description in a credentials schema, in the
// branch of credType when the block has several.
func describeIn(creds *jsonschema.Schema, key, credType string) string {
	if creds == nil {
		return ""
	}
	if d := description(creds.Properties[key]); d != "" {
		return d
	}
	sample := map[string]any{"type": credType}
	for _, a := range creds.AllOf {
		if a.If != nil && a.If.Validate(sample) == nil && a.Then != nil {
			if d := description(a.Then.Properties[key]); d != "" {
				return d
			}
		}
	}
	return ""
}

func description(p *jsonschema.Schema) string {
	for ; p != nil; p = p.Ref {
		if p.Description != "" {
			return p.Description
		}
	}
	return ""
}

package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// maxDepth bounds the nesting of a spec; the deepest legitimate key
// (/credentials/fields/NAME) is at depth 3.
const maxDepth = 16

// problemAt is a problem in the file being read, before the file name is
// known to the caller's Problem.
type problemAt struct {
	file string // the file that holds it, when not the spec's own: an overlay, a values file
	pos  spec.Position
	path string
	msg  string
}

func (p problemAt) in(file string) spec.Problem {
	if p.file != "" {
		file = p.file
	}
	return spec.Problem{File: file, Line: p.pos.Line, Column: p.pos.Column, Path: p.path, Message: p.msg}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserErrors are the messages of yaml.v3's parser, as opposed to its
// scanner. yaml.v3 adds one to the 0-based line of a scanner error only, so
// the line it gives for these is one short.
var parserErrors = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// parse reads one YAML document and checks what the decoder lets through:
// one document only, a mapping at the top, string keys without duplicates,
// no anchors or aliases, bounded nesting.
func parse(data []byte) (*yaml.Node, []problemAt) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []problemAt{{msg: "empty file: a spec needs at least name and type"}}
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, []problemAt{{msg: "not a YAML text file: it holds binary data (NUL bytes or invalid UTF-8)"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF): // only comments
		return nil, []problemAt{{msg: "empty file: a spec needs at least name and type"}}
	case err != nil:
		if m := unknownAnchor.FindStringSubmatch(err.Error()); m != nil {
			// An unquoted value starting with * reads as an alias; the
			// library's message quotes it, and it may be a secret.
			return nil, []problemAt{{pos: findAlias(data, m[1]),
				msg: "YAML anchors and aliases are not allowed in a spec: an unquoted value starting with * is an alias; quote it"}}
		}
		return nil, []problemAt{syntaxProblem(err)}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, []problemAt{syntaxProblem(err)}
	default:
		return nil, []problemAt{{pos: spec.Position{Line: next.Line, Column: next.Column},
			msg: "more than one YAML document: a spec file holds exactly one integration"}}
	}
	if len(doc.Content) == 0 {
		return nil, []problemAt{{msg: "empty file: a spec needs at least name and type"}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, []problemAt{{pos: pos(root), msg: "a spec must be a mapping of keys (name, type, ...)"}}
	}
	var problems []problemAt
	check(root, "", 1, &problems)
	return root, problems
}

var (
	unknownAnchor = regexp.MustCompile(`unknown anchor '(.*)' referenced`)
	// quoted is text the YAML library quotes in a message: it may be
	// input, and input may be a secret. Its own quoted punctuation (',' or
	// ']', and the ' or ' between them) is short or spaced, and stays.
	quoted = regexp.MustCompile("'[^'\\s][^']{2,}[^'\\s]'|`[^`]{4,}`")
)

func syntaxProblem(err error) problemAt {
	msg := quoted.ReplaceAllString(err.Error(), "'…'")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if parserErrors[m[2]] {
			line++
		}
		return problemAt{pos: spec.Position{Line: line}, msg: "invalid YAML: " + m[2]}
	}
	return problemAt{msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// findAlias returns where *name stands in the text as an alias.
func findAlias(data []byte, name string) spec.Position {
	for i, line := range strings.Split(string(data), "\n") {
		for from := 0; ; {
			j := strings.Index(line[from:], "*"+name)
			if j < 0 {
				break
			}
			j += from
			if j == 0 || strings.ContainsRune(" \t:-[{,", rune(line[j-1])) {
				return spec.Position{Line: i + 1, Column: j + 1}
			}
			from = j + 1
		}
	}
	return spec.Position{}
}

func check(n *yaml.Node, ptr string, depth int, out *[]problemAt) {
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		*out = append(*out, problemAt{pos: pos(n), path: ptr, msg: "YAML anchors and aliases are not allowed in a spec"})
		return
	}
	if depth > maxDepth {
		*out = append(*out, problemAt{pos: pos(n), path: ptr, msg: fmt.Sprintf("nested deeper than %d levels", maxDepth)})
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
				*out = append(*out, problemAt{pos: pos(k), path: ptr, msg: "keys must be plain strings"})
				continue
			}
			kp := ptr + "/" + schema.Escape(k.Value)
			if first, dup := seen[k.Value]; dup {
				*out = append(*out, problemAt{pos: pos(k), path: kp, msg: fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, first.Line)})
				continue
			}
			seen[k.Value] = k
			check(v, kp, depth+1, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			check(c, ptr+"/"+strconv.Itoa(i), depth+1, out)
		}
	}
}

func pos(n *yaml.Node) spec.Position { return spec.Position{Line: n.Line, Column: n.Column} }

// value converts a checked node to map[string]any, []any and scalars.
func value(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := value(c)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return l, nil
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" {
			return n.Value, nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: cannot read the value", n.Line)
		}
		return scalar(v), nil // as sops does: a timestamp becomes a string
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// node returns the node of ptr below root: for a key, the key's node (so a
// position points at the key); nil if root does not hold ptr. valueNode
// returns the value instead.
func node(root *yaml.Node, ptr string) (key, val *yaml.Node) {
	key, val = root, root
	for _, k := range schema.Split(ptr) {
		switch val.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(val.Content); i += 2 {
				if val.Content[i].Value == k {
					key, val, found = val.Content[i], val.Content[i+1], true
					break
				}
			}
			if !found {
				return nil, nil
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(val.Content) {
				return nil, nil
			}
			key, val = val.Content[i], val.Content[i]
		default:
			return nil, nil
		}
	}
	return key, val
}

// locate returns where ptr is in the file: its key, or the closest parent
// the file holds.
func locate(root *yaml.Node, ptr string) spec.Position {
	for {
		if k, _ := node(root, ptr); k != nil {
			return pos(k)
		}
		if ptr == "" {
			return pos(root)
		}
		ptr = parent(ptr)
	}
}

func parent(ptr string) string {
	for i := len(ptr) - 1; i >= 0; i-- {
		if ptr[i] == '/' {
			return ptr[:i]
		}
	}
	return ""
}

// timestamps returns a problem for every unquoted date or time the file
// holds readable: YAML reads `notes: 2024-01-05` as a timestamp, which sops
// rewrites as 2024-01-05T00:00:00Z when it encrypts the file, so the text
// would change under the user's feet. Quoted, it is text.
func timestamps(n *yaml.Node, out *[]problemAt) {
	for i, c := range n.Content {
		if c.Kind == yaml.ScalarNode && c.ShortTag() == "!!timestamp" && c.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			at := c
			if n.Kind == yaml.MappingNode && i%2 == 1 {
				at = n.Content[i-1] // at the key, as every problem
			}
			*out = append(*out, problemAt{pos: pos(at), msg: fmt.Sprintf("unquoted date or time %s: YAML reads it as a timestamp (and sops rewrites it when it encrypts the file); quote it, \"%s\", to keep it as written", c.Value, c.Value)})
			continue
		}
		if n.Kind == yaml.MappingNode && i%2 == 1 && n.Content[i-1].Value == "sops" {
			continue // sops' own metadata: its times are its own business
		}
		timestamps(c, out)
	}
}

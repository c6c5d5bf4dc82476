package load_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

func TestYAMLProblems(t *testing.T) {
	const f = "f.yaml"
	p := func(line, col int, path, msg string) spec.Problem {
		return spec.Problem{File: f, Line: line, Column: col, Path: path, Message: msg}
	}
	deepFields := "name: x\ntype: genesys-cloud-function\ncredentials:\n  fields:\n    a: " +
		strings.Repeat("[", 20) + "v" + strings.Repeat("]", 20) + "\n"
	tests := []struct {
		name string
		src  string
		opts load.Options
		want spec.Problems
	}{
		// Syntax errors are reported at the line they are on.
		{"unclosed flow sequence", "name: x\ntype: zendesk\ncredentials:\n  email: [a\n  apiToken: tok-SECRET-1\n", load.Options{},
			spec.Problems{p(4, 0, "", "invalid YAML: did not find expected ',' or ']'")}},
		{"unclosed flow mapping", "name: x\ntype: {a: b\n", load.Options{},
			spec.Problems{p(2, 0, "", "invalid YAML: did not find expected ',' or '}'")}},
		{"list item in a mapping", "name: x\ntype: web-services\n- item\n", load.Options{},
			spec.Problems{p(3, 0, "", "invalid YAML: did not find expected key")}},
		{"bad indentation in credentials", "name: x\ntype: web-services\ncredentials:\n  type: basic\n userName: u\n", load.Options{},
			spec.Problems{p(5, 0, "", "invalid YAML: did not find expected key")}},
		{"value indented under a scalar", "name: x\ntype: web-services\n  bad: z\n", load.Options{},
			spec.Problems{p(3, 0, "", "invalid YAML: mapping values are not allowed in this context")}},
		{"tab indentation", "name: x\n\ttype: web-services\n", load.Options{},
			spec.Problems{p(2, 0, "", "invalid YAML: found a tab character that violates indentation")}},
		{"character that cannot start a token", "name: x\ntype: web-services\nnotes: @x\n", load.Options{},
			spec.Problems{p(3, 0, "", "invalid YAML: found character that cannot start any token")}},

		// One document, a mapping.
		{"two documents", "name: x\ntype: web-services\n---\nname: y\ntype: web-services\n", load.Options{},
			spec.Problems{p(3, 1, "", msgTwoDocs)}},
		{"two documents, both started", "---\nname: x\ntype: web-services\n---\nname: y\n", load.Options{},
			spec.Problems{p(4, 1, "", msgTwoDocs)}},
		{"empty file", "", load.Options{}, spec.Problems{p(0, 0, "", msgEmptyFile)}},
		{"blank lines only", " \n\n\t\n", load.Options{}, spec.Problems{p(0, 0, "", msgEmptyFile)}},
		{"comments only", "# name: x\n# type: web-services\n", load.Options{}, spec.Problems{p(0, 0, "", msgEmptyFile)}},
		{"a top-level list", "- name: x\n- type: web-services\n", load.Options{}, spec.Problems{p(1, 1, "", msgNotMapping)}},
		{"a scalar document", "# a note\nname x type web-services\n", load.Options{}, spec.Problems{p(2, 1, "", msgNotMapping)}},

		// Anchors and aliases.
		{"anchor and alias", "name: &n x\ntype: web-services\nnotes: *n\n", load.Options{},
			spec.Problems{p(1, 7, "/name", msgAnchors), p(3, 8, "/notes", msgAnchors)}},
		{"merge key", "name: x\ntype: web-services\ncredentials: &c\n  type: basic\n  userName: u\nmtls:\n  <<: *c\n", load.Options{},
			spec.Problems{p(3, 14, "/credentials", msgAnchors), p(7, 3, "/mtls", msgKeysStrings)}},

		// Keys.
		{"duplicate top-level key", "name: x\ntype: web-services\nname: y\n", load.Options{},
			spec.Problems{p(3, 1, "/name", `duplicate key "name" (first at line 1)`)}},
		{"duplicate key in credentials", "name: x\ntype: web-services\ncredentials:\n  type: basic\n  password: pw-SECRET-1\n  userName: a\n  password: pw-SECRET-2\n", load.Options{},
			spec.Problems{p(7, 3, "/credentials/password", `duplicate key "password" (first at line 5)`)}},
		{"number and boolean keys", "name: x\ntype: web-services\n1: x\ntrue: y\n", load.Options{},
			spec.Problems{p(3, 1, "", msgKeysStrings), p(4, 1, "", msgKeysStrings)}},
		{"null and complex keys in credentials", "name: x\ntype: web-services\ncredentials:\n  type: basic\n  userName: u\n  null: z\n  [a]: b\n", load.Options{},
			spec.Problems{p(6, 3, "/credentials", msgKeysStrings), p(7, 3, "/credentials", msgKeysStrings)}},

		// Not text.
		{"NUL bytes", "name: x\x00\ntype: web-services\n", load.Options{}, spec.Problems{p(0, 0, "", msgBinary)}},
		{"invalid UTF-8", "name: x\xff\xfe\ntype: web-services\n", load.Options{}, spec.Problems{p(0, 0, "", msgBinary)}},
		{"UTF-16", "\xff\xfen\x00a\x00m\x00e\x00:\x00 \x00x\x00", load.Options{}, spec.Problems{p(0, 0, "", msgBinary)}},

		// Size and depth.
		{"larger than MaxFileSize", "name: x\ntype: web-services\nnotes: " + strings.Repeat("n", 1024) + "\n", load.Options{MaxFileSize: 1024},
			spec.Problems{p(0, 0, "", "the file is larger than the 1024-byte limit for a spec")}},
		{"larger than the default limit", "name: x\ntype: web-services\nnotes: " + strings.Repeat("n", load.DefaultMaxFileSize) + "\n", load.Options{},
			spec.Problems{p(0, 0, "", fmt.Sprintf("the file is larger than the %d-byte limit for a spec", load.DefaultMaxFileSize))}},
		{"nested deeper than the cap", deepFields, load.Options{},
			spec.Problems{p(5, 21, "/credentials/fields/a"+strings.Repeat("/0", 13), "nested deeper than 16 levels")}},
		{"nested deeper than the YAML parser allows", "name: x\ntype: web-services\nnotes: " + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n", load.Options{},
			spec.Problems{p(3, 0, "", "invalid YAML: exceeded max depth of 10000")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sopsEnv(t)
			dir := t.TempDir()
			write(t, dir, f, tt.src)
			checkProblems(t, loadProblems(t, dir, tt.opts), tt.want)
		})
	}
}

func TestYAMLMaxFileSizeIsInclusive(t *testing.T) {
	sopsEnv(t)
	dir := t.TempDir()
	src := "name: x\ntype: web-services\nnotes: "
	src += strings.Repeat("n", 1024-len(src)-1) + "\n"
	write(t, dir, "f.yaml", src)
	if specs := mustLoad(t, dir, load.Options{MaxFileSize: int64(len(src))}); len(specs) != 1 {
		t.Fatalf("loaded %d specs, want 1", len(specs))
	}
}

// TestYAMLAliasBomb checks that a "billion laughs" file fails at once, on
// its anchors, without expanding them.
func TestYAMLAliasBomb(t *testing.T) {
	sopsEnv(t)
	var b strings.Builder
	b.WriteString("name: x\ntype: web-services\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	var want spec.Problems
	want = append(want, spec.Problem{File: "bomb.yaml", Line: 3, Column: 5, Path: "/l0", Message: msgAnchors})
	for i := 1; i < 20; i++ { // 10^20 strings, expanded
		prev := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(prev+", ", 10), ", "))
		want = append(want, spec.Problem{File: "bomb.yaml", Line: 3 + i, Column: len(fmt.Sprintf("l%d: ", i)) + 1, Path: fmt.Sprintf("/l%d", i), Message: msgAnchors})
	}
	dir := t.TempDir()
	write(t, dir, "bomb.yaml", b.String())

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ps := loadProblems(t, dir, load.Options{})
	runtime.ReadMemStats(&after)
	checkProblems(t, ps, want)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("loading the alias bomb allocated %d MiB", alloc>>20)
	}
}

// TestYAMLTimestamp checks that an unquoted date means the same plain as
// encrypted.
func TestYAMLTimestamp(t *testing.T) {
	rec := sopsEnv(t)
	src := "name: Dated\ntype: web-services\nnotes: 2024-01-02\n"
	plain, enc := t.TempDir(), t.TempDir()
	write(t, plain, "f.yaml", src)
	writeEnc(t, enc, "f.yaml", src, rec, "")
	// Readable, an unquoted date is refused: sops would rewrite it.
	checkProblems(t, loadProblems(t, plain, load.Options{}), spec.Problems{at("f.yaml", keyAt(t, src, "notes"), "",
		`unquoted date or time 2024-01-02: YAML reads it as a timestamp (and sops rewrites it when it encrypts the file); quote it, "2024-01-02", to keep it as written`)})
	// Encrypted whole, sops has already rewritten it: it is that text.
	if e := mustLoad(t, enc, load.Options{}); e[0].Notes != "2024-01-02T00:00:00Z" {
		t.Errorf("notes %q, want what sops wrote", e[0].Notes)
	}
	// Quoted, it is text as written.
	write(t, plain, "f.yaml", strings.Replace(src, "2024-01-02", `"2024-01-02"`, 1))
	if p := mustLoad(t, plain, load.Options{}); p[0].Notes != "2024-01-02" {
		t.Errorf("notes %q, want 2024-01-02", p[0].Notes)
	}
}

// TestYAMLPositionsAfterComments checks that a missing key is reported at
// the document's first key, after leading comments and blank lines.
func TestYAMLPositionsAfterComments(t *testing.T) {
	sopsEnv(t)
	dir := t.TempDir()
	src := "# Orders\n\n# owned by the web team\nnotes: orders\ntype: web-services\n"
	write(t, dir, "f.yaml", src)
	got := loadProblems(t, dir, load.Options{})
	checkProblems(t, got, spec.Problems{at("f.yaml", keyAt(t, src, "notes"), "/name", `missing required key "name"`)})
	if len(got) > 0 && got[0].Line != 4 {
		t.Errorf("line %d, want 4, after the comments", got[0].Line)
	}
}

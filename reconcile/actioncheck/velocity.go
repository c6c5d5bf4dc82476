package actioncheck

import "strings"

// Reference is one Velocity reference found in a template.
type Reference struct {
	Offset int    // of the '$'
	Text   string // as written, e.g. "${input.orderId}"
	// Root is the first name: "input", "credentials", "esc", a translation
	// map key, ...
	Root string
	// Path holds the dotted names after the root, e.g. ["orderId"]; a
	// method call like $esc.url(...) gives Path ["url"] and Call true.
	Path  []string
	Call  bool
	Quiet bool // $!{...} or $!name
}

// References returns the Velocity references of a template in order of
// appearance, each with its byte offset.
//
// It follows Velocity's lexical rules: a '$' not followed by '{', '!' or a
// letter is a literal dollar sign ("$5", "US$ 10"); "\$" is an escaped
// dollar; "##" starts a line comment, "#* ... *#" is a block comment and
// "#[[ ... ]]#" is unparsed content, none of which holds references. The
// arguments of method calls ($esc.url($input.q)), of index brackets and of
// directives (#set, #if, #foreach, ...) are scanned too, except inside
// single-quoted strings, which Velocity does not interpolate.
func References(template string) []Reference {
	return scan(template).refs
}

// scanned is the result of scanning a template.
type scanned struct {
	refs []Reference
	// vars are the names the template introduces itself, with #set,
	// #foreach (which also introduces $foreach) or #macro.
	vars map[string]bool
}

// frame is an open argument list: of a method call or index of the
// reference refs[ref], or of a directive when ref is -1.
type frame struct {
	ref       int
	formal    bool // the reference is ${...}: a '}' ends it
	closer    byte // ')' or ']'
	depth     int  // parentheses and brackets opened inside
	inString  bool // inside a double-quoted string
	directive string
	first     bool // no reference seen yet directly in the directive
}

type scanner struct {
	s     string
	i     int
	stack []frame
	out   scanned
}

// directives are those whose parenthesised arguments hold references.
var directives = map[string]bool{
	"set": true, "foreach": true, "if": true, "elseif": true, "macro": true,
	"define": true, "evaluate": true, "parse": true, "include": true,
}

func scan(s string) scanned {
	sc := &scanner{s: s, out: scanned{vars: map[string]bool{}}}
	for sc.i < len(s) {
		if len(sc.stack) == 0 {
			sc.text()
		} else {
			sc.args()
		}
	}
	// Unterminated argument lists run to the end of the template.
	for _, f := range sc.stack {
		if f.ref >= 0 {
			r := &sc.out.refs[f.ref]
			r.Text = s[r.Offset:]
		}
	}
	return sc.out
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isIdent(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// identEnd returns the end of the identifier starting at i.
func (sc *scanner) identEnd(i int) int {
	for i < len(sc.s) && isIdent(sc.s[i]) {
		i++
	}
	return i
}

// text scans one step of template text, outside any argument list.
func (sc *scanner) text() {
	s := sc.s
	switch s[sc.i] {
	case '#':
		rest := s[sc.i:]
		switch {
		case strings.HasPrefix(rest, "##"):
			if n := strings.IndexByte(rest, '\n'); n >= 0 {
				sc.i += n + 1
			} else {
				sc.i = len(s)
			}
		case strings.HasPrefix(rest, "#*"):
			sc.skipTo(2, "*#")
		case strings.HasPrefix(rest, "#[["):
			sc.skipTo(3, "]]#")
		case sc.directive():
		default:
			sc.i++
		}
	case '\\':
		sc.backslash()
	case '$':
		sc.reference()
	default:
		sc.i++
	}
}

// skipTo skips an opening of n bytes and everything up to and including
// end, or to the end of the template.
func (sc *scanner) skipTo(n int, end string) {
	if k := strings.Index(sc.s[sc.i+n:], end); k >= 0 {
		sc.i += n + k + len(end)
	} else {
		sc.i = len(sc.s)
	}
}

// backslash skips a run of backslashes and, when their number is odd, the
// dollar sign they escape.
func (sc *scanner) backslash() {
	j := sc.i
	for j < len(sc.s) && sc.s[j] == '\\' {
		j++
	}
	if (j-sc.i)%2 == 1 && j < len(sc.s) && sc.s[j] == '$' {
		j++
	}
	sc.i = j
}

// directive opens the argument list of a directive such as #set( or
// #{foreach} (, and reports whether it did.
func (sc *scanner) directive() bool {
	s := sc.s
	j := sc.i + 1
	braced := j < len(s) && s[j] == '{'
	if braced {
		j++
	}
	k := j
	for k < len(s) && isLetter(s[k]) {
		k++
	}
	name := s[j:k]
	if braced {
		if k >= len(s) || s[k] != '}' {
			return false
		}
		k++
	}
	for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	if !directives[name] || k >= len(s) || s[k] != '(' {
		return false
	}
	if name == "foreach" {
		for _, v := range []string{"foreach", "velocityCount", "velocityHasNext"} {
			sc.out.vars[v] = true
		}
	}
	sc.stack = append(sc.stack, frame{ref: -1, closer: ')', directive: name, first: true})
	sc.i = k + 1
	return true
}

// args scans one step inside the innermost argument list.
func (sc *scanner) args() {
	s := sc.s
	f := &sc.stack[len(sc.stack)-1]
	c := s[sc.i]
	if f.inString {
		switch c {
		case '"':
			f.inString = false
			sc.i++
		case '\\':
			sc.backslash()
		case '$':
			sc.reference()
		default:
			sc.i++
		}
		return
	}
	switch c {
	case '\'':
		if k := strings.IndexByte(s[sc.i+1:], '\''); k >= 0 {
			sc.i += k + 2
		} else {
			sc.i = len(s)
		}
	case '"':
		f.inString = true
		sc.i++
	case '(', '[':
		f.depth++
		sc.i++
	case ')', ']':
		sc.i++
		if f.depth > 0 {
			f.depth--
			return
		}
		if c != f.closer {
			return
		}
		done := *f
		sc.stack = sc.stack[:len(sc.stack)-1]
		if done.ref >= 0 {
			sc.chain(done.ref, done.formal)
		}
	case '\\':
		sc.backslash()
	case '$':
		sc.reference()
	default:
		sc.i++
	}
}

// reference scans the reference, or literal dollar sign, at sc.i.
func (sc *scanner) reference() {
	s := sc.s
	start := sc.i
	j := start + 1
	quiet := j < len(s) && s[j] == '!'
	if quiet {
		j++
	}
	formal := j < len(s) && s[j] == '{'
	if formal {
		j++
	}
	if j >= len(s) || !isLetter(s[j]) {
		sc.i = start + 1 // a literal dollar sign
		return
	}
	k := sc.identEnd(j)
	root := s[j:k]
	if n := len(sc.stack); n > 0 {
		if f := &sc.stack[n-1]; f.ref < 0 && !f.inString {
			if f.directive == "macro" || f.first && (f.directive == "set" || f.directive == "foreach") {
				sc.out.vars[root] = true
			}
			f.first = false
		}
	}
	sc.out.refs = append(sc.out.refs, Reference{Offset: start, Root: root, Quiet: quiet})
	sc.i = k
	sc.chain(len(sc.out.refs)-1, formal)
}

// chain continues reference refs[idx] after its root or after a closed
// argument list: with .names, a method call, an index, and for a formal
// reference the closing brace.
func (sc *scanner) chain(idx int, formal bool) {
	s := sc.s
	r := &sc.out.refs[idx]
	afterName := false // a '(' makes a method call only right after a name
	for sc.i+1 < len(s) && s[sc.i] == '.' && isLetter(s[sc.i+1]) {
		k := sc.identEnd(sc.i + 1)
		r.Path = append(r.Path, s[sc.i+1:k])
		sc.i = k
		afterName = true
	}
	if sc.i < len(s) {
		switch {
		case s[sc.i] == '(' && afterName:
			r.Call = true
			sc.stack = append(sc.stack, frame{ref: idx, formal: formal, closer: ')'})
			sc.i++
			return
		case s[sc.i] == '[':
			sc.stack = append(sc.stack, frame{ref: idx, formal: formal, closer: ']'})
			sc.i++
			return
		case s[sc.i] == '}' && formal:
			sc.i++
		}
	}
	r.Text = s[r.Offset:sc.i]
}

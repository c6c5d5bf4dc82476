package genesyscloud

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The subset of Velocity (the templates of a data action) the emulator
// renders:
//
//   - references: ${a.b}, $!{a.b}, and the shorthands $a.b and $!a.b;
//   - $esc.dollar (and ${esc.dollar}): "$";
//   - $esc.url(X) (and ${esc.url(X)}, $!...): X URL-encoded as a query
//     value (space as +, like Java's URLEncoder), X a reference, a
//     "double-quoted" template or a 'single-quoted' literal;
//   - in a success template, $successTemplateUtils.firstFromArray(X) and
//     firstFromArray(X, Y): the JSON of the first element of the JSON
//     array X renders to, or Y (else "") when it is empty.
//
// A reference with no value fails the step in ${...}, renders "" in
// $!{...} and $!a, and renders as written in $a (Velocity's rule). A $
// not followed by {, ! or a letter is literal, and so is a # that starts
// no directive. Directives (#if, #set, #foreach, ...), comments (##,
// #*), the escapes \$ and \#, other method calls, and any other
// expression inside ${...} are refused as unsupported.

// resolver resolves a reference, by its dotted path, to the text it
// renders; an *absentError says it has no value.
type resolver func(path []string) (string, error)

// absentError is a reference without a value.
type absentError struct{ msg string }

func (e *absentError) Error() string { return e.msg }

func absentf(format string, args ...any) error {
	return &absentError{msg: fmt.Sprintf(format, args...)}
}

// renderer renders templates with a resolver; utils allows
// $successTemplateUtils.
type renderer struct {
	resolve resolver
	utils   bool
}

// directives are the Velocity directives, all refused.
var directives = map[string]bool{"if": true, "elseif": true, "else": true, "end": true, "set": true, "foreach": true,
	"macro": true, "define": true, "parse": true, "include": true, "evaluate": true, "stop": true, "break": true}

// render renders the template t.
func (r *renderer) render(t string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case c == '\\' && i+1 < len(t) && (t[i+1] == '$' || t[i+1] == '#'):
			return "", unsupported("Velocity escapes such as \\%c", t[i+1])
		case c == '#':
			if d := directiveAt(t, i); d != "" {
				return "", unsupported("Velocity directives and comments such as %s", d)
			}
			b.WriteByte(c)
			i++
		case c == '$':
			rf, n, err := parseRef(t, i)
			if err != nil {
				return "", err
			}
			if n == 0 {
				b.WriteByte(c)
				i++
				continue
			}
			v, err := r.eval(rf)
			var absent *absentError
			switch {
			case errors.As(err, &absent) && rf.quiet:
				v = ""
			case errors.As(err, &absent) && rf.braced:
				return "", failf(http.StatusBadRequest, "%s cannot be resolved: %s", rf.src, absent.msg)
			case errors.As(err, &absent):
				v = rf.src
			case err != nil:
				return "", err
			}
			b.WriteString(v)
			i += n
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// directiveAt returns the directive or comment that starts at t[i] (a
// '#'), or "".
func directiveAt(t string, i int) string {
	rest := t[i+1:]
	switch {
	case strings.HasPrefix(rest, "#"), strings.HasPrefix(rest, "*"), strings.HasPrefix(rest, "{"):
		return t[i : i+2]
	}
	k := 0
	for k < len(rest) && isLetter(rest[k]) {
		k++
	}
	if directives[rest[:k]] {
		return "#" + rest[:k]
	}
	return ""
}

// ref is a parsed reference.
type ref struct {
	src           string // as written
	quiet, braced bool
	path          []string
	call          bool
	args          []string // the arguments' source texts, when call
}

// parseRef parses the reference at t[i] (a '$'); n is its length, 0 when
// the $ starts none and is literal.
func parseRef(t string, i int) (rf ref, n int, err error) {
	j := i + 1
	if j < len(t) && t[j] == '!' {
		rf.quiet = true
		j++
	}
	if j >= len(t) {
		return ref{}, 0, nil
	}
	var end int // where the reference ends
	var body string
	switch {
	case t[j] == '{':
		rf.braced = true
		c := closing(t, j, '{', '}')
		if c < 0 {
			return ref{}, 0, failf(http.StatusBadRequest, "the template has a ${ without its }: %s", t[i:])
		}
		body, end = t[j+1:c], c+1
	case isLetter(t[j]):
		k := scanPath(t, j, false)
		if k < len(t) && t[k] == '(' {
			c := closing(t, k, '(', ')')
			if c < 0 {
				return ref{}, 0, failf(http.StatusBadRequest, "the template has a ( without its ): %s", t[i:])
			}
			k = c + 1
		}
		body, end = t[j:k], k
	default:
		return ref{}, 0, nil
	}
	rf.src = t[i:end]
	k := scanPath(body, 0, rf.braced)
	if k == 0 {
		return ref{}, 0, unsupported("the Velocity expression %s", rf.src)
	}
	rf.path = strings.Split(body[:k], ".")
	if rest := body[k:]; rest != "" {
		if rest[0] != '(' || closing(rest, 0, '(', ')') != len(rest)-1 {
			return ref{}, 0, unsupported("the Velocity expression %s", rf.src)
		}
		rf.call, rf.args = true, splitArgs(rest[1:len(rest)-1])
	}
	return rf, end - i, nil
}

// scanPath returns the end of the dotted identifiers at s[j:]: letters,
// digits and _ (and - in braces) after a leading letter; a dot continues
// only before a letter.
func scanPath(s string, j int, braced bool) int {
	k := j
	for {
		if k >= len(s) || !isLetter(s[k]) {
			return k
		}
		for k < len(s) && (isLetter(s[k]) || s[k] >= '0' && s[k] <= '9' || s[k] == '_' || braced && s[k] == '-') {
			k++
		}
		if k+1 < len(s) && s[k] == '.' && isLetter(s[k+1]) {
			k++
			continue
		}
		return k
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// closing returns the index of the close matching the open at s[j],
// skipping quoted strings, or -1.
func closing(s string, j int, open, close byte) int {
	depth := 0
	for k := j; k < len(s); k++ {
		switch c := s[k]; c {
		case '"', '\'':
			e := strings.IndexByte(s[k+1:], c)
			if e < 0 {
				return -1
			}
			k += e + 1
		case open:
			depth++
		case close:
			if depth--; depth == 0 {
				return k
			}
		}
	}
	return -1
}

// splitArgs splits a call's arguments at the commas outside quotes and
// brackets.
func splitArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	for k := 0; k < len(s); k++ {
		switch c := s[k]; c {
		case '"', '\'':
			if e := strings.IndexByte(s[k+1:], c); e >= 0 {
				k += e + 1
			}
		case '(', '{', '[':
			depth++
		case ')', '}', ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:k])
				start = k + 1
			}
		}
	}
	if strings.TrimSpace(s) != "" {
		out = append(out, s[start:])
	}
	return out
}

// eval evaluates a reference.
func (r *renderer) eval(rf ref) (string, error) {
	name := strings.Join(rf.path, ".")
	if !rf.call {
		if name == "esc.dollar" {
			return "$", nil
		}
		return r.resolve(rf.path)
	}
	switch {
	case name == "esc.url" && len(rf.args) == 1:
		v, err := r.arg(rf.args[0])
		if err != nil {
			return "", err
		}
		return url.QueryEscape(v), nil
	case name == "successTemplateUtils.firstFromArray" && r.utils && (len(rf.args) == 1 || len(rf.args) == 2):
		v, err := r.arg(rf.args[0])
		if err != nil {
			return "", err
		}
		doc, err := parseJSON([]byte(v))
		list, ok := doc.([]any)
		if err != nil || !ok {
			return "", failf(http.StatusBadRequest, "%s: the argument renders %q, not a JSON array", rf.src, v)
		}
		if len(list) == 0 {
			if len(rf.args) == 2 {
				return r.arg(rf.args[1])
			}
			return "", nil
		}
		return encodeJSON(list[0])
	}
	return "", unsupported("the Velocity method call %s", rf.src)
}

// arg evaluates a call's argument: a reference (whose absence makes the
// call absent, unless quiet), a "double-quoted" template or a
// 'single-quoted' literal.
func (r *renderer) arg(a string) (string, error) {
	a = strings.TrimSpace(a)
	switch {
	case len(a) >= 2 && a[0] == '"' && a[len(a)-1] == '"':
		return r.render(a[1 : len(a)-1])
	case len(a) >= 2 && a[0] == '\'' && a[len(a)-1] == '\'':
		return a[1 : len(a)-1], nil
	case strings.HasPrefix(a, "$"):
		rf, n, err := parseRef(a, 0)
		if err != nil {
			return "", err
		}
		if n != len(a) {
			return "", unsupported("the argument %s: only a reference, a quoted string or a quoted template", a)
		}
		v, err := r.eval(rf)
		var absent *absentError
		if errors.As(err, &absent) && rf.quiet {
			return "", nil
		}
		return v, err
	}
	return "", unsupported("the argument %s: only a reference, a quoted string or a quoted template", a)
}

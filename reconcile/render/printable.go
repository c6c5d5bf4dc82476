package render

import (
	"fmt"
	"strings"
	"unicode"
)

// Printable returns s with every control or format character written as
// an escape (\x1b, \r, \u202e ...), so that a name or a path from a spec
// or from the org cannot move the cursor, recolour the terminal, hide
// text, or start a line of its own (a forged GitHub workflow command).
func Printable(s string) string {
	if strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !unsafe(r):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar
}

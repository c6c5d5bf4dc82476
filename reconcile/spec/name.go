package spec

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// ReservedPrefix starts the name reconcile gives an integration while it
// creates it (the Genesys client's pending marker); no spec may use it.
const ReservedPrefix = "reconcile-pending:"

// NameKey is the one form names are compared in, everywhere (planner,
// both targets, import, diff): Unicode NFC, then full case folding. So
// "Café" written composed or decomposed, "ΛΟΓΟΣ" and "λογος", "Acme ſupport"
// and "Acme Support" are one name, as Genesys compares them.
func NameKey(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			// A Caser holds state: one a call, so callers may run at once.
			return cases.Fold().String(norm.NFC.String(name))
		}
	}
	return strings.ToLower(name) // ASCII: NFC changes nothing, folding is lowering
}

// SameName says whether a and b are one name.
func SameName(a, b string) bool { return NameKey(a) == NameKey(b) }

// CheckName returns why name cannot name an integration, or "": it is
// blank once Unicode spaces are trimmed, holds a control or format
// character (zero-width, right-to-left override, ESC, NUL...), or starts
// with ReservedPrefix.
func CheckName(name string) string {
	if strings.TrimFunc(name, unicode.IsSpace) == "" {
		return "a name must hold something other than spaces"
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Sprintf("a name must not hold control or format characters (it holds %U)", r)
		}
	}
	if strings.HasPrefix(NameKey(name), NameKey(ReservedPrefix)) {
		return fmt.Sprintf("names beginning %q are reserved: reconcile gives them to integrations it is creating", ReservedPrefix)
	}
	return ""
}

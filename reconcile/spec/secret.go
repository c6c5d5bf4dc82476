package spec

import "log/slog"

// Mask is what a Secret prints as, wherever it is printed.
const Mask = "(sensitive value)"

// Secret holds a value that must never reach an output. Every way of
// printing or encoding it (fmt verbs, JSON, YAML, slog) yields Mask; only
// Reveal returns the value, and only code that sends it to the org or
// fingerprints it calls Reveal. The value sits behind a pointer so that
// printers which bypass methods (%#v of a struct holding a Secret in an
// unexported field, reflection-based dumpers) print an address, not it.
type Secret struct{ v *string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: &s} }

// Reveal returns the secret value; the zero Secret is empty.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

func (s Secret) String() string               { return Mask }
func (s Secret) GoString() string             { return Mask }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(Mask) }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Mask + `"`), nil }
func (s Secret) MarshalYAML() (any, error)    { return Mask, nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte(Mask), nil }

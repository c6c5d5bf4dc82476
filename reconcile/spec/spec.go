package spec

// Spec is one desired integration, loaded from one file of the spec
// directory. Every field has been validated against its vendor's schema.
type Spec struct {
	File   string // path relative to the spec directory, with forward slashes
	Name   string // unique in the directory, compared case-insensitively
	Type   string // a Vendor's Type
	Notes  string
	Active bool
	// MTLS is the web-services client certificate authority, "genesys-cloud"
	// or "digicert"; it is empty for every other vendor.
	MTLS string
	// Credential is nil when the spec has no credentials block.
	Credential *Credential
	// Pos says where keys are in the file on disk, keyed by JSON pointer
	// ("" for the document, "/name", "/type", "/credentials", ...), for the
	// problems found after loading (limits, conflicts with the org).
	Pos map[string]Position
}

// Credential is a spec's credentials block.
type Credential struct {
	// Type is the credential type in our words: the vendor's Type for
	// vendors with one kind of credential, otherwise the block's own `type`
	// ("basic", "user-defined", "user-defined-oauth", "cloud-platform",
	// "g-suite").
	Type string
	// Fields holds the block's keys but `type`. Leaves are string, bool,
	// float64 or Secret; lists are []any and maps map[string]any. Values
	// the schema marks writeOnly are Secret.
	Fields map[string]any
	// Fingerprint is the keyed digest of Type and Fields that the org stores
	// in place of the values (see package fingerprint).
	Fingerprint string
}

// Position is a place in a file on disk, 1-based.
type Position struct {
	Line, Column int
}

// At returns a Problem in s's file at the position of the key path ptr, or
// of the document when the spec does not hold ptr.
func (s *Spec) At(ptr, format string, args ...any) Problem {
	p, ok := s.Pos[ptr]
	if !ok {
		p = s.Pos[""]
	}
	return Errorf(s.File, p, ptr, format, args...)
}

package spec

// Spec is one desired integration, loaded from one file of the spec
// directory. Every field has been validated against its vendor's schema.
type Spec struct {
	File string // path relative to the spec directory, with forward slashes
	Name string // unique in the directory, compared case-insensitively
	// FormerNames are names the integration had before: an owned
	// integration under one of them is renamed rather than replaced.
	FormerNames []string
	Type        string // a Vendor's Type
	Notes       string
	Active      bool
	// MTLS is the web-services client certificate authority, "genesys-cloud"
	// or "digicert"; it is empty for every other vendor.
	MTLS string
	// Credential is nil when the spec has no credentials block.
	Credential *Credential
	// Actions are the integration's data actions, in the file's order;
	// names are unique (compared as names are).
	Actions []Action
	// Digest is the SHA-256 of the file on disk ("sha256:" and hex), which
	// a saved plan records to tell whether the file changed since.
	Digest string
	// Pos says where keys are in the file on disk, keyed by JSON pointer
	// ("" for the document, "/name", "/type", "/credentials", "/actions/0/contract", ...), for the
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
	// Secrets holds the keyed digest of each secret field by key path (see
	// Flatten), which tells which secret changed without keeping any.
	Secrets map[string]string
}

// Flatten returns the credential's fields by key path: a top-level key
// ("loginUrl", "scopes") or, inside a map, the key under it
// ("fields.apiKey"). values holds the readable ones as they are (lists
// stay lists); secrets the ones the schema marks writeOnly.
func (c *Credential) Flatten() (values map[string]any, secrets map[string]Secret) {
	values, secrets = map[string]any{}, map[string]Secret{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch x := v.(type) {
			case Secret:
				secrets[prefix+k] = x
			case map[string]any:
				walk(prefix+k+".", x)
			default:
				values[prefix+k] = x
			}
		}
	}
	walk("", c.Fields)
	return values, secrets
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

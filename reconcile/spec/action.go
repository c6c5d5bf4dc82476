package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Action is one data action of a spec: what Genesys Cloud calls an
// integration's action, identified by the integration and its name.
type Action struct {
	Name     string
	Category string
	// Secure says the action handles sensitive data; like the contract,
	// it cannot change on a published action.
	Secure bool
	// Config is the action's configuration as the API takes it
	// (ActionConfig: timeoutSeconds, request, response), generic JSON.
	Config map[string]any
	// Contract is {input: {inputSchema}, output: {successSchema}}, as the
	// API takes it (ActionContractInput), generic JSON.
	Contract map[string]any
	// Tests are the cases run against a draft before it is published.
	Tests []ActionTest
	// Index is the action's place in the spec's actions list: its
	// problems are at /actions/Index.
	Index int
	// Import is the export file the action was read from (relative to the
	// spec directory, with forward slashes), or "".
	Import string
}

// ActionTest is one test case of an action.
type ActionTest struct {
	Name  string
	Input map[string]any
	// Output is the output expected exactly, when HasOutput.
	Output    any
	HasOutput bool
	// OutputSchema, if not nil, is a JSON Schema the output must satisfy.
	OutputSchema map[string]any
}

// ConfigDigest is the digest of what an update can change in place: the
// category and the configuration.
func (a *Action) ConfigDigest() string {
	return digest(map[string]any{"category": a.Category, "config": a.Config})
}

// ContractDigest is the digest of what only a new action can change: the
// contract and secure.
func (a *Action) ContractDigest() string {
	return digest(map[string]any{"contract": a.Contract, "secure": a.Secure})
}

// digest is the SHA-256 of v's JSON (encoding/json sorts map keys, so
// equal values have equal digests), as "sha256:" and hex.
func digest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // values decoded from YAML or JSON always marshal
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Action returns the spec's action of the given name (compared as names
// are), or nil.
func (s *Spec) Action(name string) *Action {
	for i := range s.Actions {
		if SameName(s.Actions[i].Name, name) {
			return &s.Actions[i]
		}
	}
	return nil
}

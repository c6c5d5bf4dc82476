package load

import (
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

// Check validates the cleartext of one spec file as Load validates a file,
// but for the encryption of its secrets, which is done after: for
// `reconcile edit`, which checks an edit before encrypting it. rel names
// the file in the problems.
func Check(rel string, data []byte) spec.Problems {
	schemas, err := schema.Compiled()
	if err != nil {
		return spec.Problems{{File: rel, Message: err.Error()}}
	}
	l := &fileLoader{dir: ".", opts: Options{AllowPlaintext: true}, schemas: schemas, dec: newDecrypter(),
		vals: &values{byKey: map[string]valueEntry{}}}
	s, problems := l.loadBytes(rel, data)
	if len(problems) > 0 {
		return problems
	}
	return badNames([]*spec.Spec{s})
}

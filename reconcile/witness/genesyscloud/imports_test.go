package genesyscloud_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNothingOfTheClient keeps the witness independent: its
// non-test files import nothing of this module but reconcile/atomicfile,
// so none of the client's types or tables can leak into it.
func TestImportsNothingOfTheClient(t *testing.T) {
	const module = "github.com/reconcile-dev/reconcile"
	allowed := map[string]bool{module + "/reconcile/atomicfile": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if (path == module || strings.HasPrefix(path, module+"/")) && !allowed[path] {
				t.Errorf("%s imports %s: the witness may import only the standard library and reconcile/atomicfile", name, path)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("checked %d files: run from the package directory", checked)
	}
}

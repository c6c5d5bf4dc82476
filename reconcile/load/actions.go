package load

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/actioncheck"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// exportOnly are the keys of a Genesys export file (*.custom.json) that
// describe where it came from, not the action: they are ignored.
var exportOnly = []string{"id", "integrationId", "integrationType", "actionType", "version", "selfUri"}

// imported is an export file an action of a spec reads.
type imported struct {
	file string // relative to the spec directory, with forward slashes
	sum  [sha256.Size]byte
}

// imports replaces each `import: FILE` entry of the spec's actions with the
// export file's action, the entry's other keys (tests, name, category)
// laid over it. FILE is relative to the spec's folder and must stay inside
// the spec directory. It returns the files read, by action index.
func (l *fileLoader) imports(rel string, doc map[string]any, at func(ptr, msg string) problemAt) (map[int]imported, []problemAt) {
	list, _ := doc["actions"].([]any)
	var out map[int]imported
	var problems []problemAt
	for i, entry := range list {
		m, ok := entry.(map[string]any)
		if !ok {
			continue
		}
		raw, has := m["import"]
		if !has {
			continue
		}
		ptr := fmt.Sprintf("/actions/%d/import", i)
		name, ok := raw.(string)
		if !ok || name == "" {
			problems = append(problems, at(ptr, "import must name an export file, such as order-status.custom.json"))
			continue
		}
		file := path.Join(path.Dir(rel), filepath.ToSlash(name))
		if filepath.IsAbs(name) || !filepath.IsLocal(filepath.FromSlash(file)) {
			problems = append(problems, at(ptr, fmt.Sprintf("import %q: the export file must be inside the spec directory", name)))
			continue
		}
		data, err := safefile.ReadFile(filepath.Join(l.dir, filepath.FromSlash(file)), l.maxSize())
		if err != nil {
			why := pathless(err)
			if errors.Is(err, fs.ErrNotExist) {
				why = "no such file"
			}
			problems = append(problems, at(ptr, fmt.Sprintf("import %q: cannot read %s: %s", name, file, why)))
			continue
		}
		var action map[string]any
		if err := json.Unmarshal(data, &action); err != nil {
			problems = append(problems, at(ptr, fmt.Sprintf("import %q: %s is not a JSON export of a data action: %v", name, file, err)))
			continue
		}
		for _, k := range exportOnly {
			delete(action, k)
		}
		for k, v := range m {
			if k != "import" {
				action[k] = v
			}
		}
		list[i] = action
		if out == nil {
			out = map[int]imported{}
		}
		out[i] = imported{file: file, sum: sha256.Sum256(data)}
	}
	return out, problems
}

// checkActions applies the offline rules of package actioncheck to each
// action, and checks names are unique within the integration.
func checkActions(doc map[string]any, at func(ptr, msg string) problemAt) []problemAt {
	list, _ := doc["actions"].([]any)
	var problems []problemAt
	seen := map[string]int{}
	for i, entry := range list {
		m, ok := entry.(map[string]any)
		if !ok {
			continue
		}
		base := "/actions/" + strconv.Itoa(i)
		if name, ok := m["name"].(string); ok {
			if why := spec.CheckName(name); why != "" {
				problems = append(problems, at(base+"/name", why))
			} else if j, dup := seen[spec.NameKey(name)]; dup {
				problems = append(problems, at(base+"/name", fmt.Sprintf("action %q is already defined at /actions/%d: action names are unique within an integration (compared case-insensitively)", name, j)))
			} else {
				seen[spec.NameKey(name)] = i
			}
		}
		for _, p := range actioncheck.Check(m) {
			problems = append(problems, at(base+p.At, p.Message))
		}
	}
	return problems
}

// inImport names the export file in the problems about an imported
// action's keys that the spec file does not hold itself.
func inImport(ps []problemAt, root *yaml.Node, files map[int]imported) {
	for i := range ps {
		rest, ok := strings.CutPrefix(ps[i].path, "/actions/")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, "/")
		idx, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		imp, ok := files[idx]
		if !ok {
			continue
		}
		if k, _ := node(root, ps[i].path); k == nil {
			within := strings.TrimPrefix(ps[i].path, "/actions/"+n)
			ps[i].msg += fmt.Sprintf(" (in the export file %s, at %s)", imp.file, cmp.Or(within, "/"))
		}
	}
}

// actionPositions lists, per action, the keys whose place a Spec keeps.
var actionPositions = []string{"", "/name", "/import", "/contract", "/secure", "/config", "/tests"}

// buildActions makes the spec's actions of a valid document.
func buildActions(s *spec.Spec, doc map[string]any, root *yaml.Node, files map[int]imported) {
	list, _ := doc["actions"].([]any)
	if k, _ := node(root, "/actions"); k != nil {
		s.Pos["/actions"] = pos(k)
	}
	for i, entry := range list {
		m, _ := entry.(map[string]any)
		a := spec.Action{Index: i, Import: files[i].file}
		a.Name, _ = m["name"].(string)
		a.Category, _ = m["category"].(string)
		a.Secure, _ = m["secure"].(bool)
		a.Config, _ = m["config"].(map[string]any)
		a.Contract, _ = m["contract"].(map[string]any)
		tests, _ := m["tests"].([]any)
		for _, t := range tests {
			tm, _ := t.(map[string]any)
			var c spec.ActionTest
			c.Name, _ = tm["name"].(string)
			c.Input, _ = tm["input"].(map[string]any)
			c.Output, c.HasOutput = tm["output"]
			c.OutputSchema, _ = tm["outputSchema"].(map[string]any)
			a.Tests = append(a.Tests, c)
		}
		base := "/actions/" + strconv.Itoa(i)
		for _, p := range actionPositions {
			if k, _ := node(root, base+p); k != nil {
				s.Pos[base+p] = pos(k)
			}
		}
		for j := range a.Tests {
			if k, _ := node(root, fmt.Sprintf("%s/tests/%d", base, j)); k != nil {
				s.Pos[fmt.Sprintf("%s/tests/%d", base, j)] = pos(k)
			}
		}
		s.Actions = append(s.Actions, a)
	}
}

// importsDigest folds the export files' digests into a spec's.
func importsDigest(sum [sha256.Size]byte, files map[int]imported) [sha256.Size]byte {
	if len(files) == 0 {
		return sum
	}
	h := sha256.New()
	h.Write(sum[:])
	for _, i := range slices.Sorted(maps.Keys(files)) {
		f := files[i]
		h.Write([]byte(f.file))
		h.Write(f.sum[:])
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

package actioncheck_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/actioncheck"
)

// FuzzCheck feeds Check arbitrary JSON values and References arbitrary
// templates. Input that is no JSON object is used as every template of the
// valid action.
func FuzzCheck(f *testing.F) {
	seeds := []map[string]any{
		action(f),
		action(f, set(inProps+"/customer", `{"type": "object", "properties": {"id": {"$ref": "#/x"}}}`)),
		action(f, set(outProps+"/m", `{"type": "array", "items": {"items": [[{"$ref": 1}]]}}`)),
		action(f, setString(bodyT, "#set($x = $esc.url($input.q))## $y\n#* $z *#$x ${a.b(\"$c\", '$d')[0]} \\$e $5"), set("/tests/0/outputSchema", `{"$ref": "#"}`)),
		action(f, set(tmap, `{"a": 1, "b": "x"}`), set("/config/response/translationMapDefaults", `{"c": 2}`)),
		action(f, set("/tests", `[{"name": "x", "input": 3}, {"name": "X"}, null]`)),
	}
	for _, s := range seeds {
		b, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{"", "$", "${", "$!{a", "$a.b(", "#set(", "#*", "$a[$b(", `"$a`, "é$é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var v any
		var a map[string]any
		ok := false
		if json.Unmarshal([]byte(data), &v) == nil {
			a, ok = v.(map[string]any)
		}
		if !ok {
			a = action(t,
				setString(urlT, data),
				setString(bodyT, data),
				setString("/config/request/headers/X", data),
				setString(successT, data))
		}
		for _, p := range actioncheck.Check(a) {
			if p.Message == "" || strings.HasSuffix(p.Message, ".") {
				t.Errorf("bad message at %q: %q", p.At, p.Message)
			}
		}
		walkStrings(v, func(s string) { checkReferences(t, s) })
		checkReferences(t, data)
	})
}

func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case map[string]any:
		for k, e := range x {
			f(k)
			walkStrings(e, f)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	}
}

// checkReferences asserts that the references of s are in order, each at a
// '$' and written as found there.
func checkReferences(t *testing.T, s string) {
	t.Helper()
	last := -1
	for _, r := range actioncheck.References(s) {
		if r.Offset <= last || r.Offset >= len(s) || s[r.Offset] != '$' {
			t.Fatalf("References(%q): reference %+v is not at a '$' after offset %d", s, r, last)
		}
		if !strings.HasPrefix(s[r.Offset:], r.Text) || !strings.HasPrefix(r.Text, "$") || r.Root == "" {
			t.Fatalf("References(%q): reference %+v is not as written", s, r)
		}
		last = r.Offset
	}
}

package orgdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/render"
)

// Text prints d for people: a summary line, then each integration that
// differs with its attributes, the integrations only one org holds, and
// the ambiguous keys, in the order of d's lists.
func Text(w io.Writer, d Diff) {
	if d.Empty() {
		fmt.Fprintf(w, "reconcile diff %s %s: the two orgs hold the same integrations (%d).\n", d.Left, d.Right, d.Same)
		return
	}
	fmt.Fprintf(w, "reconcile diff %s %s: %s, %d only in %s, %d only in %s", d.Left, d.Right,
		count(len(d.Differ), "integration differs", "integrations differ"), len(d.OnlyLeft), d.Left, len(d.OnlyRight), d.Right)
	if n := len(d.Ambiguous); n > 0 {
		fmt.Fprintf(w, ", %d ambiguous", n)
	}
	fmt.Fprintf(w, " (%d the same).\n", d.Same)
	for _, i := range d.Differ {
		fmt.Fprintf(w, "\n  ~ %s (%s)\n", p(i.Name), p(i.Type))
		for _, a := range i.Attributes {
			fmt.Fprintf(w, "      %s: %s (%s) ≠ %s (%s)\n", p(a.Name), p(show(a.Left)), d.Left, p(show(a.Right)), d.Right)
		}
	}
	if len(d.OnlyLeft)+len(d.OnlyRight) > 0 {
		fmt.Fprintln(w)
	}
	for _, o := range d.OnlyLeft {
		fmt.Fprintf(w, "  < %s (%s): only in %s\n", p(o.Name), p(o.Type), d.Left)
	}
	for _, o := range d.OnlyRight {
		fmt.Fprintf(w, "  > %s (%s): only in %s\n", p(o.Name), p(o.Type), d.Right)
	}
	if len(d.Ambiguous) > 0 {
		fmt.Fprintln(w)
	}
	for _, a := range d.Ambiguous {
		fmt.Fprintf(w, "  ? %s (%s): ambiguous, not compared (ids in %s: %s; in %s: %s)\n",
			p(a.Name), p(a.Type), d.Left, strings.Join(a.Left, ", "), d.Right, strings.Join(a.Right, ", "))
	}
}

// p escapes what an org's names and values may hold that a terminal would
// act on.
func p(s string) string { return render.Printable(s) }

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// show prints a value for people: as JSON (strings quoted), none as
// (none).
func show(v any) string {
	if v == nil {
		return "(none)"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

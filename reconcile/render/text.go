package render

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

var symbols = map[plan.Action]string{
	plan.Create: "+", plan.Configure: "~", plan.Credentials: "~",
	plan.Activate: "+", plan.Deactivate: "-", plan.Delete: "-",
}

// Plan prints p for people, in the style of terraform plan. dir is the
// spec directory, joined to file names so they can be opened as printed.
func Plan(w io.Writer, p plan.Plan, dir string, dryRun bool) {
	if p.Empty() {
		fmt.Fprintf(w, "No changes. The org matches the specs (%d in sync).\n", p.InSync)
		Orphans(w, p)
		return
	}
	fmt.Fprintf(w, "reconcile will make these changes:\n\n")
	for _, c := range p.Changes {
		sym := "~"
		switch {
		case c.Has(plan.Create):
			sym = "+"
		case c.Has(plan.Delete):
			sym = "-"
		}
		fmt.Fprintf(w, "  %s %s (%s)", sym, Printable(c.Name), Printable(c.Type))
		if c.File != "" {
			fmt.Fprintf(w, "  %s", Printable(filepath.ToSlash(filepath.Join(dir, c.File))))
		}
		fmt.Fprintln(w)
		for _, a := range c.Actions {
			fmt.Fprintf(w, "      %s %s", symbols[a], a)
			if why := c.Why[a]; why != "" {
				fmt.Fprintf(w, ": %s", Printable(why))
			}
			fmt.Fprintln(w)
		}
		for _, a := range c.DataActions {
			dataAction(w, a)
		}
		fmt.Fprintln(w)
	}
	if len(p.Orphans) > 0 || len(p.OrphanActions) > 0 {
		Orphans(w, p)
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Plan: %s.\n", summary(p.Summary()))
	if as := p.ActionSummary(); as[plan.ActionCreate]+as[plan.ActionUpdate]+as[plan.ActionReplace]+as[plan.ActionDelete] > 0 {
		fmt.Fprintf(w, "Data actions: %d create, %d update, %d replace, %d delete.\n", as[plan.ActionCreate], as[plan.ActionUpdate], as[plan.ActionReplace], as[plan.ActionDelete])
	}
	if dryRun {
		fmt.Fprintln(w, "This was a dry run: nothing was written.")
	}
}

// Orphans lists the integrations this deployment owns that no spec names.
func Orphans(w io.Writer, p plan.Plan) {
	for i, o := range p.Orphans {
		if i == 0 && p.Empty() {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  ! %s (%s): no spec names it; --prune deletes it\n", Printable(o.Name), Printable(o.Type))
	}
	for i, o := range p.OrphanActions {
		if i == 0 && p.Empty() && len(p.Orphans) == 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  ! data action %s of %s (%s): its spec no longer names it; --prune deletes it\n", Printable(o.Name), Printable(o.Integration), Printable(o.Type))
	}
}

// actionSymbols mark each data action op, in the style of terraform plan.
var actionSymbols = map[plan.ActionOp]string{
	plan.ActionCreate: "+", plan.ActionUpdate: "~", plan.ActionReplace: "-/+", plan.ActionDelete: "-",
}

// dataAction prints one data action's change; a replace loudly.
func dataAction(w io.Writer, a plan.ActionChange) {
	fmt.Fprintf(w, "      %s action %q: %s", actionSymbols[a.Op], Printable(a.Name), a.Op)
	if a.Why != "" {
		fmt.Fprintf(w, ": %s", Printable(a.Why))
	}
	if a.ID != "" {
		fmt.Fprintf(w, " (id %s)", a.ID)
	}
	if a.Drift {
		fmt.Fprint(w, " (changed outside reconcile)")
	}
	if a.Test {
		fmt.Fprint(w, " [tested before publish]")
	}
	fmt.Fprintln(w)
}

func summary(counts map[plan.Action]int) string {
	parts := make([]string, len(plan.Actions))
	for i, a := range plan.Actions {
		parts[i] = fmt.Sprintf("%d %s", counts[a], a)
	}
	return strings.Join(parts, ", ")
}

// Applied prints one line for a change carried out.
func Applied(w io.Writer, c plan.Change, err error) {
	acts := c.Steps()
	if err != nil {
		fmt.Fprintf(w, "failed:  %s (%s): %s\n", Printable(c.Name), Printable(c.Type), Printable(strings.Join(acts, ", ")))
		return
	}
	fmt.Fprintf(w, "applied: %s (%s): %s\n", Printable(c.Name), Printable(c.Type), Printable(strings.Join(acts, ", ")))
}

// Done prints the closing line of an apply.
func Done(w io.Writer, r Report) {
	if r.Cancelled && r.Err == nil {
		fmt.Fprintln(w, "Apply cancelled: nothing was written.")
	}
	if r.Result == nil {
		return
	}
	if res := r.Result; res.Interrupted != nil {
		n, skipped := len(res.Failed)-len(res.NotAttempted), len(res.NotAttempted)
		fmt.Fprintf(w, "Apply interrupted (%v): %s applied, %d failed, %d not attempted; run again to finish.\n",
			res.Interrupted, ofChanges(len(res.Applied), len(res.Status)), n, skipped)
		return
	}
	if n := len(r.Result.Failed); n > 0 {
		fmt.Fprintf(w, "Apply failed: %s applied, %d failed; run again to finish.\n", ofChanges(len(r.Result.Applied), len(r.Result.Applied)+n), n)
		return
	}
	fmt.Fprintf(w, "Apply complete: %d %s applied.\n", len(r.Result.Applied), plural(len(r.Result.Applied), "change", "changes"))
}

// ofChanges says "done of total changes", the noun agreeing with total.
func ofChanges(done, total int) string {
	return fmt.Sprintf("%d of %d %s", done, total, plural(total, "change", "changes"))
}

// Errors prints err for people, one problem a line, file names joined to
// the spec directory; spec problems end with their count and "nothing was
// applied".
func Errors(w io.Writer, err error, dir string) { errorLines(w, err, dir, "nothing was applied") }

// ValidateErrors is Errors for validate, which reads no org: the count
// of spec problems ends with "nothing was checked against the org".
func ValidateErrors(w io.Writer, err error, dir string) {
	errorLines(w, err, dir, "nothing was checked against the org")
}

func errorLines(w io.Writer, err error, dir, closing string) {
	if ps, ok := spec.AsProblems(err); ok {
		for _, p := range ps {
			if p.File != "" {
				p.File = filepath.ToSlash(filepath.Join(dir, p.File))
			}
			fmt.Fprintf(w, "error: %s\n", Printable(p.Error()))
		}
		fmt.Fprintf(w, "%d %s; %s.\n", len(ps), plural(len(ps), "error", "errors"), closing)
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(w, "error: %s\n", Printable(line))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

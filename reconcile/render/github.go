package render

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// GitHub prints r for GitHub Actions: the text plan for people reading
// the log, an ::error workflow command for every problem (so it shows on
// the pull request's diff, at its line), and a ::notice with the plan's
// summary. dir is the spec directory, joined to file names so they are
// paths from the repository root when reconcile runs there.
func GitHub(w io.Writer, r Report, dir string) {
	if r.Planned {
		Plan(w, r.Plan, dir, r.DryRun)
	}
	if ps, ok := spec.AsProblems(r.Err); ok {
		for _, p := range ps {
			props := []string{}
			if p.File != "" {
				props = append(props, "file="+escapeProperty(filepath.ToSlash(filepath.Join(dir, p.File))))
			}
			if p.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", p.Line))
			}
			if p.Column > 0 {
				props = append(props, fmt.Sprintf("col=%d", p.Column))
			}
			title := "reconcile"
			if p.Path != "" {
				title = "reconcile: " + p.Path
			}
			props = append(props, "title="+escapeProperty(title))
			fmt.Fprintf(w, "::error %s::%s\n", strings.Join(props, ","), escapeData(p.Message))
		}
	} else if r.Err != nil {
		for _, line := range strings.Split(r.Err.Error(), "\n") {
			fmt.Fprintf(w, "::error title=reconcile::%s\n", escapeData(line))
		}
	}
	if r.Planned {
		for _, o := range r.Plan.Orphans {
			fmt.Fprintf(w, "::warning title=reconcile orphan::%s\n", escapeData(fmt.Sprintf("%s (%s, id %s): owned by this deployment, and no spec names it; --prune deletes it", o.Name, o.Type, o.ID)))
		}
	}
	switch {
	case r.Err != nil:
		fmt.Fprintf(w, "::notice title=reconcile::%s\n", escapeData("nothing was applied: see the errors"))
	case !r.Planned:
	case r.Plan.Empty():
		fmt.Fprintf(w, "::notice title=reconcile::%s\n", escapeData(fmt.Sprintf("No changes: the org matches the specs (%d in sync).", r.Plan.InSync)))
	default:
		fmt.Fprintf(w, "::notice title=reconcile plan::%s\n", escapeData("Plan: "+summary(r.Plan.Summary())+"."))
	}
}

// escapeData and escapeProperty follow GitHub's workflow command format.
// Other control characters are escaped for the log reader, as Printable
// does (after the workflow command escapes, so that % stays literal).
func escapeData(s string) string {
	return Printable(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s))
}

func escapeProperty(s string) string {
	return Printable(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s))
}

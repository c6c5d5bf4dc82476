package render_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/render"
)

// TestHostileNamesPrintInert: names and file names from the org or a spec
// folder that hold ESC, CR, LF, NUL, DEL, C1 or bidi characters print as
// escapes, in text and in GitHub output, and cannot start a workflow
// command of their own.
func TestHostileNamesPrintInert(t *testing.T) {
	hostile := "Acme\x1b[2J\r\n::warning::forged\x00\x7f\u0085\u202e"
	p := plan.Plan{
		Changes: []plan.Change{{Name: hostile, Type: "zendesk", File: "a\nb.yaml", ID: "1", Actions: []plan.Action{plan.Delete},
			Why: map[plan.Action]string{plan.Delete: hostile}, Current: &org.Integration{ID: "1"}}},
		Orphans: []org.Integration{{ID: "1", Name: hostile, Type: "zendesk"}},
	}
	var text, gh bytes.Buffer
	render.Plan(&text, p, "specs", true)
	render.GitHub(&gh, render.Report{Plan: p, Planned: true, DryRun: true}, "specs")
	for name, out := range map[string]string{"text": text.String(), "github": gh.String()} {
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if strings.HasPrefix(line, "::warning::forged") {
				t.Errorf("%s: a name started a workflow command of its own: %q", name, line)
			}
			for _, r := range line {
				if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
					t.Errorf("%s: %U reached the output: %q", name, r, line)
				}
			}
		}
	}
	if !strings.Contains(text.String(), `Acme\x1b[2J\r\n::warning::forged\x00\x7f\x85\u202e`) {
		t.Errorf("the name is not shown escaped:\n%s", &text)
	}
}

// Package actiontest judges the result of running a data action's test
// case: the output the org computed against the output expected (exactly,
// or as a JSON Schema) and against the action's output contract. The
// targets run the cases; this package says whether each passed, and why
// not, in words that name the case, the step and the difference.
package actiontest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// Failure is a test case that did not pass.
type Failure struct {
	Action string // the action's name
	Case   string // the case's name
	// Step is where it failed: the org's execution step ("3 Execute
	// request") or reconcile's own check ("output", "output contract").
	Step string
	// Detail is the difference, or the org's error message.
	Detail string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("test %q failed at %s: %s", f.Case, f.Step, f.Detail)
}

// Step is one step of an execution, as the org reports it.
type Step struct {
	Number  int
	Name    string
	Success bool
	Error   string
}

// Execution is what the org answered to a test: the steps, whether it
// succeeded, its error and its final output.
type Execution struct {
	Steps   []Step
	Success bool
	Error   string
	Output  any
}

// Judge returns nil if the case passed: the execution succeeded, its output
// is the expected one (or satisfies the expected schema), and it satisfies
// the action's output contract.
func Judge(a *spec.Action, c spec.ActionTest, ex Execution) *Failure {
	show := show
	if a.Secure { // its inputs and outputs are sensitive: never printed
		show = func(any) string { return "(not shown: the action is secure)" }
	}
	fail := func(step, format string, args ...any) *Failure {
		return &Failure{Action: a.Name, Case: c.Name, Step: step, Detail: fmt.Sprintf(format, args...)}
	}
	if !ex.Success {
		step := "execution"
		for _, s := range ex.Steps {
			if !s.Success {
				step = fmt.Sprintf("step %d (%s)", s.Number, s.Name)
				if ex.Error == "" {
					ex.Error = s.Error
				}
				break
			}
		}
		return fail(step, "%s", orText(ex.Error, "the org reports a failure and gives no reason"))
	}
	if c.HasOutput && !org.SameValue(c.Output, ex.Output) {
		return fail("output", "got %s, want %s", show(ex.Output), show(c.Output))
	}
	if c.OutputSchema != nil {
		if why := validate(c.OutputSchema, ex.Output); why != "" {
			return fail("output schema", "%s; the output: %s", why, show(ex.Output))
		}
	}
	if success := successSchema(a.Contract); success != nil {
		if why := validate(success, ex.Output); why != "" {
			return fail("output contract", "%s; the output: %s", why, show(ex.Output))
		}
	}
	return nil
}

func successSchema(contract map[string]any) map[string]any {
	out, _ := contract["output"].(map[string]any)
	s, _ := out["successSchema"].(map[string]any)
	return s
}

// validate checks v against the JSON Schema s and returns why it fails, or
// "" (also when s does not compile: the loader reported that).
func validate(s map[string]any, v any) string {
	b, err := json.Marshal(s)
	if err != nil {
		return ""
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("case.json", bytes.NewReader(b)); err != nil {
		return ""
	}
	sch, err := c.Compile("case.json")
	if err != nil {
		return ""
	}
	// Validate takes values as encoding/json decodes them.
	jb, _ := json.Marshal(v)
	var doc any
	json.Unmarshal(jb, &doc)
	if err := sch.Validate(doc); err != nil {
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			var leaves []string
			for _, l := range leavesOf(ve) {
				at := l.InstanceLocation
				if at == "" {
					at = "/"
				}
				leaves = append(leaves, at+": "+l.Message)
			}
			return strings.Join(leaves, "; ")
		}
		return err.Error()
	}
	return ""
}

func leavesOf(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leavesOf(c)...)
	}
	return out
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func orText(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

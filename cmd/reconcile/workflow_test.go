package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestTheGitHubWorkflowUsesSavedPlans: the example workflow plans into
// plan.json and applies exactly that file, behind an environment gate, and
// every reconcile command line in it is one this reconcile accepts.
func TestTheGitHubWorkflowUsesSavedPlans(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "config.example", "ci", "github-workflow.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Needs       any    `yaml:"needs"`
			Environment string `yaml:"environment"`
			Strategy    struct {
				Matrix map[string]any `yaml:"matrix"`
			} `yaml:"strategy"`
			Steps []struct {
				Run  string         `yaml:"run"`
				Uses string         `yaml:"uses"`
				With map[string]any `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	commands := map[string][]string{} // job → reconcile command lines
	cmdRE := regexp.MustCompile(`(?m)^\s*(reconcile\s[^\n]*)$`)
	for name, job := range wf.Jobs {
		for _, st := range job.Steps {
			for _, m := range cmdRE.FindAllStringSubmatch(st.Run, -1) {
				line := strings.ReplaceAll(m[1], `"${{ matrix.env }}"`, "test") // as the runner expands it
				args := strings.Fields(line)[1:]
				if _, err := parseArgs(args, io.Discard, io.Discard); err != nil {
					t.Errorf("job %s: reconcile refuses %q", name, m[1])
				}
				commands[name] = append(commands[name], m[1])
			}
		}
	}
	plan, apply := strings.Join(commands["plan"], "\n"), strings.Join(commands["apply"], "\n")
	if !strings.Contains(plan, "reconcile plan ") || !strings.Contains(plan, "--out plan.json") {
		t.Errorf("the plan job does not save plan.json: %q", plan)
	}
	if !strings.HasPrefix(apply, "reconcile apply plan.json") {
		t.Errorf("the apply job does not apply the saved plan: %q", apply)
	}
	if wf.Jobs["apply"].Environment == "" || wf.Jobs["apply"].Needs != "plan" {
		t.Errorf("the apply job is not gated: environment %q, needs %v", wf.Jobs["apply"].Environment, wf.Jobs["apply"].Needs)
	}
	// Every environment planned on a pull request: a matrix over them.
	if m := wf.Jobs["plan"].Strategy.Matrix["env"]; !strings.Contains(plan, "--env") || m == nil ||
		!strings.Contains(fmt.Sprint(m), `'["test","prod"]'`) {
		t.Errorf("the plan job is no matrix over the environments: %v, %q", m, plan)
	}
}

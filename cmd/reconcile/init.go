package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/reconcile-dev/reconcile/reconcile/atomicfile"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/schema"
)

// initRepo is `reconcile init [DIR]`: a new spec repository, ready for git.
// It never overwrites a file, and writes nothing secret inside dir: a new
// age identity goes where sops looks for one, outside it.
func initRepo(dir string, stdout, stderr io.Writer) int {
	if dir == "" {
		dir = "."
	}
	recipient, from, err := ageRecipient(dir)
	if err != nil {
		fmt.Fprintf(stderr, "reconcile: init: %v\n", err)
		return exitError
	}
	files := []struct{ rel, content string }{
		{"reconcile.yaml", initConfig},
		{".sops.yaml", fmt.Sprintf(initSops, recipient)},
		{".gitignore", ".reconcile/\nplan.json\n"},
		{".vscode/settings.json", initVSCode},
		{".github/workflows/reconcile.yaml", initWorkflow},
		{"integrations/.gitkeep", ""},
	}
	var made, kept []string
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fmt.Fprintf(stderr, "reconcile: init: %v\n", err)
			return exitError
		}
		switch err := atomicfile.Create(path, []byte(f.content), 0o644); {
		case errors.Is(err, fs.ErrExist):
			kept = append(kept, f.rel)
		case err != nil:
			fmt.Fprintf(stderr, "reconcile: init: %v\n", err)
			return exitError
		default:
			made = append(made, f.rel)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "schema")); errors.Is(err, fs.ErrNotExist) {
		if err := schema.Write(filepath.Join(dir, "schema")); err != nil {
			fmt.Fprintf(stderr, "reconcile: init: write the schemas: %v\n", err)
			return exitError
		}
		made = append(made, "schema/")
	} else {
		kept = append(kept, "schema/")
	}
	for _, f := range made {
		fmt.Fprintf(stdout, "wrote %s\n", filepath.ToSlash(filepath.Join(dir, f)))
	}
	for _, f := range kept {
		fmt.Fprintf(stdout, "kept  %s (it exists; init never overwrites a file)\n", filepath.ToSlash(filepath.Join(dir, f)))
	}
	fmt.Fprintf(stdout, "\nSpecs are encrypted for the age recipient %s (%s).\n", recipient, from)
	fmt.Fprintf(stdout, "Next: reconcile new zendesk \"Zendesk Support\" --config %s, then reconcile edit FILE, then reconcile plan --config %s\n",
		filepath.ToSlash(filepath.Join(dir, "reconcile.yaml")), filepath.ToSlash(filepath.Join(dir, "reconcile.yaml")))
	return exitOK
}

// ageRecipient finds the user's age recipient as sops finds the identity:
// SOPS_AGE_KEY_FILE, then SOPS_AGE_KEY, then sops' default key file; with
// none, it makes a new identity into the default key file (mode 0600),
// which must be outside dir. from says where the recipient came from.
func ageRecipient(dir string) (recipient, from string, err error) {
	parse := func(text, where string) (string, string, error) {
		ids, err := age.ParseIdentities(strings.NewReader(text))
		if err != nil {
			return "", "", fmt.Errorf("%s: %w", where, err)
		}
		for _, id := range ids {
			if x, ok := id.(*age.X25519Identity); ok {
				return x.Recipient().String(), where, nil
			}
		}
		return "", "", fmt.Errorf("%s holds no X25519 age identity", where)
	}
	if path := os.Getenv("SOPS_AGE_KEY_FILE"); path != "" {
		b, err := safefile.ReadFile(path, safefile.DefaultLimit)
		if err != nil {
			return "", "", err
		}
		return parse(string(b), "the identity in SOPS_AGE_KEY_FILE, "+path)
	}
	if key := os.Getenv("SOPS_AGE_KEY"); key != "" {
		return parse(key, "the identity in SOPS_AGE_KEY")
	}
	path, err := defaultAgeKeyFile()
	if err != nil {
		return "", "", err
	}
	if b, err := safefile.ReadFile(path, safefile.DefaultLimit); err == nil {
		return parse(string(b), "the identity in "+path)
	}
	if inside(dir, path) {
		return "", "", fmt.Errorf("the new age identity would go to %s, inside %s: set SOPS_AGE_KEY_FILE to a file elsewhere", path, dir)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", "", err
	}
	content := fmt.Sprintf("# made by reconcile init\n# public key: %s\n%s\n", id.Recipient(), id)
	if err := atomicfile.Create(path, []byte(content), 0o600); err != nil {
		return "", "", err
	}
	return id.Recipient().String(), "a new identity, written to " + path + " (mode 0600): back it up, and never commit it", nil
}

// defaultAgeKeyFile is where sops looks for age identities by default:
// sops/age/keys.txt under $XDG_CONFIG_HOME, else the user's configuration
// folder (~/.config on Linux, ~/Library/Application Support on macOS).
func defaultAgeKeyFile() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		var err error
		if dir, err = os.UserConfigDir(); err != nil {
			return "", fmt.Errorf("no configuration folder for the age identity: set SOPS_AGE_KEY_FILE (%w)", err)
		}
	}
	return filepath.Join(dir, "sops", "age", "keys.txt"), nil
}

// inside says whether path is dir or below it.
func inside(dir, path string) bool {
	d, err1 := filepath.Abs(dir)
	p, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return true
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

const initConfig = `# reconcile's configuration: see https://github.com/reconcile-dev/reconcile
specs: integrations            # one YAML spec per integration, secrets sops-encrypted
target:
  local:
    path: .reconcile/org.json  # the embedded local org, to try things; for a real org:
  # genesys:
  #   region: mypurecloud.com  # client id and secret from GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET
prune: false                   # delete integrations this deployment created that no spec names
owner: reconcile               # the ownership mark of what this deployment creates
`

const initSops = `# sops creation rules: encrypt exactly the values reconcile's schemas mark
# secret, so names, types and URLs stay readable in review. Add each
# teammate's and each CI job's age recipient (comma separated).
creation_rules:
  - path_regex: \.ya?ml$
    encrypted_regex: '^(password|apiToken|clientSecret|securityToken|privateKey|fields)$'
    age: %s
`

const initVSCode = `{
  "yaml.schemas": {
    "./schema/reconcile.json": "integrations/**/*.yaml"
  }
}
`

const initWorkflow = `# Plan every pull request (errors on the diff, the plan in the log), and
# apply the reviewed, saved plan on a push to main. Set the secrets
# SOPS_AGE_KEY (a CI age identity, added to .sops.yaml) and, for a Genesys
# target, GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET.
name: reconcile
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
env:
  RECONCILE_VERSION: latest # pin a release, e.g. v1.2.3
  SOPS_AGE_KEY: ${{ secrets.SOPS_AGE_KEY }}
  GENESYS_CLIENT_ID: ${{ secrets.GENESYS_CLIENT_ID }}
  GENESYS_CLIENT_SECRET: ${{ secrets.GENESYS_CLIENT_SECRET }}
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with: {go-version: stable, cache: false}
      - uses: actions/cache@v4
        with: {path: ~/go/bin/reconcile, key: "reconcile-${{ env.RECONCILE_VERSION }}"}
      - run: test -x ~/go/bin/reconcile || go install github.com/reconcile-dev/reconcile/cmd/reconcile@${RECONCILE_VERSION}
      - name: reconcile plan
        run: |
          set +e
          ~/go/bin/reconcile plan --detailed-exitcode --output github --out plan.json
          code=$?
          set -e
          if [ "$code" -eq 2 ]; then exit 0; fi
          exit "$code"
      - uses: actions/upload-artifact@v4
        with: {name: plan, path: plan.json, retention-days: 7}
  apply:
    needs: plan
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    environment: production # require a reviewer: Settings > Environments
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with: {go-version: stable, cache: false}
      - uses: actions/cache@v4
        with: {path: ~/go/bin/reconcile, key: "reconcile-${{ env.RECONCILE_VERSION }}"}
      - run: test -x ~/go/bin/reconcile || go install github.com/reconcile-dev/reconcile/cmd/reconcile@${RECONCILE_VERSION}
      - uses: actions/download-artifact@v4
        with: {name: plan}
      - run: ~/go/bin/reconcile apply plan.json --output github
`

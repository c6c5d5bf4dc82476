package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// refereeDir is the npm project of the official SDK (.ci/referee), from
// this package's folder.
const refereeDir = "../../.ci/referee"

// sdkSource is IntegrationsApi.js of the pinned SDK: the paths, methods,
// query and body parameters of every operation.
const sdkSource = "node_modules/purecloud-platform-client-v2/src/purecloud-platform-client-v2/api/IntegrationsApi.js"

// needReferee skips the test when the referee's node_modules is missing,
// unless CI is set, when it fails: CI must run the referee. It returns the
// referee folder, absolute.
func needReferee(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(refereeDir)
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "purecloud-platform-client-v2", "index.d.ts")); err != nil {
		missing = "the official SDK is not installed: run `npm ci --prefix .ci/referee` (or `make conformance`)"
	} else if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH: install Node.js to run the referee"
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s", missing)
		}
		t.Skip(missing)
	}
	return dir
}

// sdkOperation is one operation of the SDK's IntegrationsApi.
type sdkOperation struct {
	Name   string   // the method, e.g. putIntegrationConfigCurrent
	Method string   // GET, PUT, ...
	Path   string   // the template, e.g. /api/v2/integrations/{integrationId}/config/current
	Params []string // the method's parameters, e.g. [integrationId opts]
	// Body is how callApi gets its body: "" for none (null), "opts" for
	// opts['body'], or the name of a positional parameter.
	Body     string
	segments []string
}

var (
	sdkMethodRE = regexp.MustCompile(`(?m)^\t(\w+)\(([\w, ]*)\) \{`)
	sdkCallRE   = regexp.MustCompile(`callApi\(\s*'([^']+)',\s*'(\w+)',\s*\{[^}]*\},\s*\{[^}]*\},\s*\{[^}]*\},\s*\{[^}]*\},\s*([^,]+?),`)
)

// loadOperations parses IntegrationsApi.js: each method whose body calls
// callApi is an operation.
func loadOperations(referee string) ([]sdkOperation, error) {
	src, err := os.ReadFile(filepath.Join(referee, sdkSource))
	if err != nil {
		return nil, err
	}
	heads := sdkMethodRE.FindAllSubmatchIndex(src, -1)
	var ops []sdkOperation
	for i, h := range heads {
		end := len(src)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		call := sdkCallRE.FindSubmatch(src[h[1]:end])
		if call == nil {
			continue // the constructor
		}
		op := sdkOperation{
			Name:   string(src[h[2]:h[3]]),
			Path:   string(call[1]),
			Method: strings.ToUpper(string(call[2])),
		}
		for _, p := range strings.Split(string(src[h[4]:h[5]]), ",") {
			if p = strings.TrimSpace(p); p != "" {
				op.Params = append(op.Params, p)
			}
		}
		switch body := strings.TrimSpace(string(call[3])); {
		case body == "null":
		case body == "opts['body']":
			op.Body = "opts"
		case regexp.MustCompile(`^\w+$`).MatchString(body):
			op.Body = body
		default:
			return nil, fmt.Errorf("%s: %s: a body argument this referee cannot read: %s", sdkSource, op.Name, body)
		}
		op.segments = strings.Split(strings.Trim(op.Path, "/"), "/")
		ops = append(ops, op)
	}
	if len(ops) < 50 {
		return nil, fmt.Errorf("%s: only %d operations found: the parser no longer fits the SDK", sdkSource, len(ops))
	}
	return ops, nil
}

// findOperation returns the operation for method and path. Where several
// templates match (/integrations/credentials and /integrations/{id}), the
// one with a literal segment where the other has a parameter, leftmost
// first, wins, as a router would choose.
func findOperation(ops []sdkOperation, method, path string) (sdkOperation, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *sdkOperation
	for i := range ops {
		op := &ops[i]
		if op.Method != method || len(op.segments) != len(segs) {
			continue
		}
		ok := true
		for j, s := range op.segments {
			if !isParam(s) && s != segs[j] {
				ok = false
				break
			}
		}
		if ok && (best == nil || moreLiteral(op.segments, best.segments)) {
			best = op
		}
	}
	if best == nil {
		return sdkOperation{}, false
	}
	return *best, true
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// moreLiteral says whether template a is more specific than b (same length).
func moreLiteral(a, b []string) bool {
	for i := range a {
		if isParam(a[i]) != isParam(b[i]) {
			return !isParam(a[i])
		}
	}
	return false
}

// bodyType is the TypeScript type of op's request body.
func (op sdkOperation) bodyType() string {
	if op.Body == "opts" {
		return fmt.Sprintf("NonNullable<IntegrationsApi.%sOptions['body']>", op.Name)
	}
	for i, p := range op.Params {
		if p == op.Body {
			return fmt.Sprintf("Parameters<IntegrationsApi['%s']>[%d]", op.Name, i)
		}
	}
	return "never"
}

// answerType is the TypeScript type of op's successful answer.
func (op sdkOperation) answerType() string { return fmt.Sprintf("Answer<'%s'>", op.Name) }

// queryType is the TypeScript type of op's query parameters.
func (op sdkOperation) queryType() string {
	return fmt.Sprintf("Query<IntegrationsApi.%sOptions>", op.Name)
}

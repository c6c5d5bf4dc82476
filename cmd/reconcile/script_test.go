package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// asCLI makes the test binary run as reconcile itself.
const asCLI = "RECONCILE_TEST_AS_CLI"

var update = flag.Bool("update", false, "rewrite the golden output in testdata/script")

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" { // the crash tests run this binary as the CLI, as main does
		ctx, stop := interruptible(context.Background())
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	testscript.Main(m, map[string]func(){
		"fake-editor": fakeEditor,
		"reconcile": func() { // as main does
			ctx, stop := interruptible(context.Background())
			code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
			stop()
			if f := os.Getenv("RECONCILE_TEST_STATUS"); f != "" {
				os.WriteFile(f, []byte(strconv.Itoa(code)), 0o644)
			}
			os.Exit(code)
		},
	})
}

// TestScripts runs every testdata/script/*.txtar. Each script starts with
// two fresh age identities: SOPS_AGE_KEY_FILE (recipient $AGE_RECIPIENT),
// which reconcile uses, and $OTHER_AGE_RECIPIENT, whose key it has only
// when a script sets SOPS_AGE_KEY_FILE=$BOTH_AGE_KEY_FILE.
//
// Extra commands:
//
//	encrypt [-whole | -regex RE] [-other] FILE...  sops-encrypt in place
//	tamper FILE KEY           flip one ciphertext byte of KEY's value
//	replace FILE OLD NEW      replace text (e.g. a readable value)
//	status N                  the last reconcile exited with status N
//	emulator [-fault-rate F]  start a Genesys emulator for this script and
//	                          write reconcile.yaml (specs: specs) to use it
//	apicalls WRITES [MAXALL]  the emulator saw WRITES write calls (and at
//	                          most MAXALL calls) since the last apicalls
//	nosecrets [FILE...]       fail if "SECRET" is in the last stdout or
//	                          stderr, under $WORK/.reconcile, in a saved
//	                          plan ($WORK/*.json), or in FILEs
//
// Fixtures follow one convention: every secret value contains SECRET.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams("testdata/script", nil))
}

// scriptParams are the parameters every script suite shares; setup, if
// set, adds to each script's environment.
func scriptParams(dir string, setup func(*testscript.Env) error) testscript.Params {
	return testscript.Params{
		Dir:           dir,
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			keys := filepath.Join(env.WorkDir, ".keys")
			if err := os.Mkdir(keys, 0o700); err != nil {
				return err
			}
			keyFile, recipient, err := sopstest.NewIdentity(keys, "age.txt")
			if err != nil {
				return err
			}
			_, other, err := sopstest.NewIdentity(keys, "other.txt")
			if err != nil {
				return err
			}
			a, _ := os.ReadFile(keyFile)
			b, _ := os.ReadFile(filepath.Join(keys, "other.txt"))
			if err := os.WriteFile(filepath.Join(keys, "both.txt"), append(a, b...), 0o600); err != nil {
				return err
			}
			env.Setenv("BOTH_AGE_KEY_FILE", filepath.Join(keys, "both.txt"))
			env.Setenv("SOPS_AGE_KEY_FILE", keyFile)
			env.Setenv("AGE_RECIPIENT", recipient)
			env.Setenv("OTHER_AGE_RECIPIENT", other)
			env.Setenv("HOME", env.WorkDir) // no stray sops keys from the real home
			env.Setenv("RECONCILE_TEST_STATUS", filepath.Join(keys, "status"))
			env.Setenv("GENESYS_CLIENT_ID", "script-client")
			env.Setenv("GENESYS_CLIENT_SECRET", "script-client-secret")
			if setup != nil {
				return setup(env)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"encrypt":       cmdEncrypt,
			"tamper":        cmdTamper,
			"replace":       cmdReplace,
			"nosecrets":     cmdNoSecrets,
			"status":        cmdStatus,
			"emulator":      cmdEmulator,
			"apicalls":      cmdAPICalls,
			"target":        cmdTarget,
			"org":           cmdOrg,
			"orgstate":      cmdOrgState,
			"keepid":        cmdKeepID,
			"waitorg":       cmdWaitOrg,
			"failnext":      cmdFailNext,
			"actionid":      cmdActionID,
			"actionversion": cmdActionVersion,
			"actions":       cmdActions,
			"service":       cmdService,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "local", "genesys":
				return false, fmt.Errorf("condition %s is only known to the suites that run on both targets", cond)
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	}
}

func cmdEncrypt(ts *testscript.TestScript, neg bool, args []string) {
	opts := sopstest.Options{Recipients: []string{ts.Getenv("AGE_RECIPIENT")}, EncryptedRegex: sopstest.SecretsRegex}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-whole":
			opts.EncryptedRegex = ""
		case "-regex":
			opts.EncryptedRegex, args = args[1], args[1:]
		case "-other":
			opts.Recipients = []string{ts.Getenv("OTHER_AGE_RECIPIENT")}
		default:
			ts.Fatalf("encrypt: unknown flag %s", args[0])
		}
		args = args[1:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: encrypt [-whole | -regex RE] [-other] FILE...")
	}
	for _, f := range args {
		ts.Check(sopstest.EncryptFile(ts.MkAbs(f), opts))
	}
}

func cmdTamper(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: tamper FILE KEY")
	}
	path := ts.MkAbs(args[0])
	b, err := os.ReadFile(path)
	ts.Check(err)
	re := regexp.MustCompile(`(?m)^(\s*` + regexp.QuoteMeta(args[1]) + `: ENC\[AES256_GCM,data:)(.)`)
	loc := re.FindSubmatchIndex(b)
	if loc == nil {
		ts.Fatalf("tamper: no encrypted %s in %s", args[1], args[0])
	}
	i := loc[4] // the first ciphertext character
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	ts.Check(os.WriteFile(path, b, 0o644))
}

func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	path := ts.MkAbs(args[0])
	b, err := os.ReadFile(path)
	ts.Check(err)
	if !bytes.Contains(b, []byte(args[1])) {
		ts.Fatalf("replace: %q not in %s", args[1], args[0])
	}
	ts.Check(os.WriteFile(path, bytes.ReplaceAll(b, []byte(args[1]), []byte(args[2])), 0o644))
}

func cmdNoSecrets(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! nosecrets")
	}
	found := func(where, text string) {
		if i := strings.Index(text, "SECRET"); i >= 0 {
			ts.Fatalf("secret value in %s: ...%s...", where, text[max(0, i-40):min(len(text), i+40)])
		}
	}
	found("stdout", ts.ReadFile("stdout"))
	found("stderr", ts.ReadFile("stderr"))
	state := ts.MkAbs(".reconcile")
	filepath.WalkDir(state, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, err := os.ReadFile(path)
			ts.Check(err)
			found(path, string(b))
		}
		return nil
	})
	// Every plan a script saves (a JSON file at the top of $WORK).
	plans, _ := filepath.Glob(ts.MkAbs("*.json"))
	for _, f := range plans {
		b, err := os.ReadFile(f)
		ts.Check(err)
		found(f, string(b))
	}
	for _, f := range args {
		found(f, ts.ReadFile(f))
	}
}

func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: status N")
	}
	got := ts.ReadFile(ts.Getenv("RECONCILE_TEST_STATUS"))
	if got != args[0] {
		ts.Fatalf("reconcile exited with status %s, want %s", got, args[0])
	}
}

// emulators holds each script's emulator and the stats seen last.
var emulators sync.Map // *testscript.TestScript → *scriptEmulator

type scriptEmulator struct {
	srv  *genesyscloud.Server
	url  string
	last genesyscloud.Stats
}

// cmdEmulator starts an emulator and writes reconcile.yaml for it. Its
// catalogue can differ from the default, as another org's might:
//
//	emulator [-fault-rate F] [-drop-type ID] [-rename-slot TYPE OLD NEW] [-rename-field CREDTYPE OLD NEW]
func cmdEmulator(ts *testscript.TestScript, neg bool, args []string) {
	opts := genesyscloud.Options{ClientID: ts.Getenv("GENESYS_CLIENT_ID"), ClientSecret: ts.Getenv("GENESYS_CLIENT_SECRET"), Seed: 1}
	cat := genesyscloud.DefaultCatalog()
	need := func(n int) []string {
		if len(args) < n+1 {
			ts.Fatalf("emulator: %s takes %d arguments", args[0], n)
		}
		a := args[1 : n+1]
		args = args[n+1:]
		return a
	}
	for len(args) > 0 {
		switch args[0] {
		case "-fault-rate":
			f, err := strconv.ParseFloat(need(1)[0], 64)
			ts.Check(err)
			opts.FaultRate = f
		case "-drop-type":
			id := need(1)[0]
			cat.IntegrationTypes = slices.DeleteFunc(cat.IntegrationTypes, func(t genesyscloud.IntegrationType) bool { return t.ID == id })
		case "-rename-slot":
			a := need(3)
			for i, t := range cat.IntegrationTypes {
				if spec, ok := t.Credentials[a[1]]; ok && t.ID == a[0] {
					delete(cat.IntegrationTypes[i].Credentials, a[1])
					cat.IntegrationTypes[i].Credentials[a[2]] = spec
				}
			}
		case "-rename-field":
			a := need(3)
			rename := func(s string) string {
				if s == a[1] {
					return a[2]
				}
				return s
			}
			for i, ct := range cat.CredentialTypes {
				if p, ok := ct.Properties[a[1]]; ok && ct.Name == a[0] {
					delete(cat.CredentialTypes[i].Properties, a[1])
					cat.CredentialTypes[i].Properties[a[2]] = p
					for j := range ct.Required {
						ct.Required[j] = rename(ct.Required[j])
					}
					for j := range ct.DisplayOrder {
						ct.DisplayOrder[j] = rename(ct.DisplayOrder[j])
					}
				}
			}
		default:
			ts.Fatalf("emulator: unknown flag %s", args[0])
		}
	}
	opts.Catalog = &cat
	e := startEmulator(ts, opts)
	ts.Check(os.WriteFile(ts.MkAbs("reconcile.yaml"), []byte(e.config()), 0o644))
}

// startEmulator starts an emulator for the script, stopped when it ends.
func startEmulator(ts *testscript.TestScript, opts genesyscloud.Options) *scriptEmulator {
	srv, err := genesyscloud.New(opts)
	ts.Check(err)
	hs := httptest.NewServer(srv)
	ts.Defer(hs.Close)
	e := &scriptEmulator{srv: srv, url: hs.URL}
	emulators.Store(ts, e)
	return e
}

// config is the configuration that targets the emulator.
func (e *scriptEmulator) config() string {
	return "specs: specs\ntarget:\n  genesys:\n    apiUrl: " + e.url + "\n    requestsPerMinute: 60000\n"
}

func cmdAPICalls(ts *testscript.TestScript, neg bool, args []string) {
	v, ok := emulators.Load(ts)
	if !ok || len(args) < 1 {
		ts.Fatalf("usage: apicalls WRITES [MAXALL], after emulator")
	}
	e := v.(*scriptEmulator)
	now := e.srv.Stats()
	writes, all := 0, 0
	for k, n := range now.Requests {
		d := n - e.last.Requests[k]
		all += d
		if !strings.HasPrefix(k, "GET ") && k != "POST /oauth/token" {
			writes += d
		}
	}
	e.last = now
	if want, _ := strconv.Atoi(args[0]); writes != want {
		ts.Fatalf("%d write calls, want %d", writes, want)
	}
	if len(args) == 2 {
		if most, _ := strconv.Atoi(args[1]); all > most {
			ts.Fatalf("%d calls, want at most %d", all, most)
		}
	}
}

// fakeEditor is $EDITOR for the scripts: each time it is run it applies
// the next step of the file $FAKE_EDITOR to the file it is given, and
// keeps what it was shown in $FAKE_EDITOR.shownN. Steps are separated by
// lines "---"; a step is lines "OLD<TAB>NEW" (literal replacements), or
// "keep" (save nothing), or "empty".
func fakeEditor() {
	script := os.Getenv("FAKE_EDITOR")
	b, err := os.ReadFile(script)
	if err != nil {
		os.Exit(3)
	}
	n := 0
	if c, err := os.ReadFile(script + ".n"); err == nil {
		n, _ = strconv.Atoi(string(c))
	}
	os.WriteFile(script+".n", []byte(strconv.Itoa(n+1)), 0o644)
	steps := strings.Split(string(b), "\n---\n")
	if n >= len(steps) {
		os.Exit(4) // run more often than the script says
	}
	path := os.Args[len(os.Args)-1]
	text, _ := os.ReadFile(path)
	os.WriteFile(fmt.Sprintf("%s.shown%d", script, n+1), text, 0o644)
	switch step := strings.TrimSpace(steps[n]); step {
	case "keep":
	case "empty":
		os.WriteFile(path, nil, 0o600)
	default:
		out := string(text)
		for _, line := range strings.Split(step, "\n") {
			old, repl, _ := strings.Cut(line, "\t")
			out = strings.ReplaceAll(out, old, repl)
		}
		os.WriteFile(path, []byte(out), 0o600)
	}
	os.Exit(0)
}

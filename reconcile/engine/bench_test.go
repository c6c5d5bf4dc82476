package engine_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/getsops/sops/v3/decrypt"
	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/engine"
	"github.com/reconcile-dev/reconcile/reconcile/fingerprint"
	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/org/local"
	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
)

// corpus is a generated spec tree, made once per size for all benchmarks.
type corpus struct {
	folders []string
	files   []string
	keyFile string
}

var (
	corporaMu sync.Mutex
	corpora   = map[int]*corpus{}
)

func generated(b *testing.B, n int) *corpus {
	b.Helper()
	corporaMu.Lock()
	defer corporaMu.Unlock()
	if c := corpora[n]; c != nil {
		b.Setenv("SOPS_AGE_KEY_FILE", c.keyFile)
		return c
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("reconcile-bench-%d-", n))
	if err != nil {
		b.Fatal(err)
	}
	keyFile, recipient, err := sopstest.NewIdentity(dir, "TEST-ONLY-age-key.txt")
	if err != nil {
		b.Fatal(err)
	}
	folders, err := sopstest.WriteSpecs(filepath.Join(dir, "specs"), n, recipient)
	if err != nil {
		b.Fatal(err)
	}
	c := &corpus{folders: folders, keyFile: keyFile}
	for _, f := range folders {
		m, _ := filepath.Glob(filepath.Join(f, "*.yaml"))
		c.files = append(c.files, m...)
	}
	corpora[n] = c
	b.Setenv("SOPS_AGE_KEY_FILE", keyFile)
	return c
}

func newEngine(specs, orgPath string, cache *load.Cache) *engine.Engine {
	key, _ := fingerprint.NewKey([]byte("0123456789abcdef0123456789abcdef"))
	return &engine.Engine{
		Specs: specs,
		Load:  load.Options{Cache: cache},
		Open:  func(_ context.Context, ro bool) (engine.Org, error) { return local.Open(orgPath, ro) },
		Key:   func(bool) (fingerprint.Key, error) { return key, nil },
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// baseline decrypts every file one by one in one goroutine with the sops
// decrypt package and parses the cleartext, as a program using the
// library the documented way does; it returns the median of three.
func baseline(b *testing.B, files []string) time.Duration {
	data := make([][]byte, len(files))
	for i, f := range files {
		data[i], _ = os.ReadFile(f)
	}
	var times []time.Duration
	for range 3 {
		start := time.Now()
		for _, d := range data {
			clear, err := decrypt.Data(d, "yaml")
			if err != nil {
				b.Fatal(err)
			}
			var v map[string]any
			if err := yaml.Unmarshal(clear, &v); err != nil {
				b.Fatal(err)
			}
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times[1]
}

// sopsCLI times `sops -d` once per file, when a sops binary is on PATH.
func sopsCLI(b *testing.B, files []string) (time.Duration, bool) {
	path, err := exec.LookPath("sops")
	if err != nil {
		return 0, false
	}
	start := time.Now()
	for _, f := range files {
		if out, err := exec.Command(path, "-d", f).CombinedOutput(); err != nil {
			b.Fatalf("sops -d %s: %v\n%s", f, err, out)
		}
	}
	return time.Since(start), true
}

// BenchmarkDryRun: load, decrypt, validate and plan N specs against an
// empty local org, folder by folder (one org's worth each), reported per
// spec and as ratios to the baselines measured in the same run.
func BenchmarkDryRun(b *testing.B) {
	for _, n := range []int{10, 250, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			c := generated(b, n)
			base := baseline(b, c.files)
			orgPath := filepath.Join(b.TempDir(), "org.json")
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				for _, f := range c.folders {
					if r := newEngine(f, orgPath, nil).Reconcile(context.Background(), true); r.Err != nil {
						b.Fatal(r.Err)
					}
				}
			}
			runtime.ReadMemStats(&ms1)
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(perOp.Microseconds())/float64(n), "µs/spec")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N*n), "allocs/spec")
			b.ReportMetric(perOp.Seconds()/base.Seconds(), "x-library")
			b.ReportMetric(perOp.Seconds()/(base.Seconds()/float64(runtime.GOMAXPROCS(0))), "x-library/cores")
			if n == 250 {
				if cli, ok := sopsCLI(b, c.files); ok {
					b.ReportMetric(cli.Seconds()/perOp.Seconds(), "faster-than-sops-cli")
				}
			}
		})
	}
}

// BenchmarkReplanAfterOneChange: with the daemon's content cache warm over
// 1000 specs, one file changes; the re-plan decrypts that file only.
func BenchmarkReplanAfterOneChange(b *testing.B) {
	c := generated(b, 1000)
	orgPath := filepath.Join(b.TempDir(), "org.json")
	caches := make([]*load.Cache, len(c.folders))
	for i, f := range c.folders {
		caches[i] = load.NewCache()
		if r := newEngine(f, orgPath, caches[i]).Reconcile(context.Background(), true); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	changed := c.files[0]
	original, _ := os.ReadFile(changed)
	defer os.WriteFile(changed, original, 0o644)
	misses := func() (n int) {
		for _, ca := range caches {
			n += ca.Misses()
		}
		return n
	}
	before := misses()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		edited := append(slices.Clone(original), fmt.Sprintf("# edit %d\n", i)...) // a comment: the MAC still holds
		os.WriteFile(changed, edited, 0o644)
		b.StartTimer()
		for j, f := range c.folders {
			if r := newEngine(f, orgPath, caches[j]).Reconcile(context.Background(), true); r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(float64(misses()-before)/float64(b.N), "decryptions/replan")
}

// BenchmarkPlan: the planner alone over 250 specs and an org holding them.
func BenchmarkPlan(b *testing.B) {
	c := generated(b, 250)
	specs, err := load.Load(context.Background(), c.folders[0], load.Options{})
	if err != nil {
		b.Fatal(err)
	}
	orgPath := filepath.Join(b.TempDir(), "org.json")
	if r := newEngine(c.folders[0], orgPath, nil).Reconcile(context.Background(), false); r.Err != nil {
		b.Fatal(r.Err)
	}
	o, _ := local.Open(orgPath, true)
	state, _ := o.Observe(context.Background())
	key, _ := fingerprint.NewKey([]byte("0123456789abcdef0123456789abcdef"))
	key.Apply(specs)
	for b.Loop() {
		p, err := plan.Build(specs, state, plan.Options{})
		if err != nil || !p.Empty() {
			b.Fatalf("plan %v, err %v", p.Summary(), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(specs)), "ns/spec")
}

// BenchmarkApplyLocal: applying 250 new integrations to the local org (one
// atomic, fsynced write per integration), specs loaded beforehand.
func BenchmarkApplyLocal(b *testing.B) {
	c := generated(b, 250)
	specs, err := load.Load(context.Background(), c.folders[0], load.Options{})
	if err != nil {
		b.Fatal(err)
	}
	key, _ := fingerprint.NewKey([]byte("0123456789abcdef0123456789abcdef"))
	key.Apply(specs)
	p, err := plan.Build(specs, org.State{}, plan.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		o, err := local.Open(filepath.Join(b.TempDir(), "org.json"), false)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, ch := range p.Changes {
			if err := o.Apply(context.Background(), ch); err != nil {
				b.Fatal(err)
			}
		}
		o.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(specs)), "µs/integration")
}

// BenchmarkMemoryOverReconciles: the heap of a daemon-like loop (cache
// warm, 250 specs in sync with the local org) after 100 and after 1000
// reconciles; a ratio near 1 means nothing accumulates.
func BenchmarkMemoryOverReconciles(b *testing.B) {
	c := generated(b, 250)
	orgPath := filepath.Join(b.TempDir(), "org.json")
	cache := load.NewCache()
	eng := newEngine(c.folders[0], orgPath, cache)
	if r := eng.Reconcile(context.Background(), false); r.Err != nil {
		b.Fatal(r.Err)
	}
	heap := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapInuse) / (1 << 20)
	}
	var at100, at1000 float64
	for b.Loop() {
		for i := 1; i <= 1000; i++ {
			if r := eng.Reconcile(context.Background(), false); r.Err != nil || !r.Plan.Empty() {
				b.Fatalf("reconcile %d: %v %v", i, r.Err, r.Plan.Summary())
			}
			switch i {
			case 100:
				at100 = heap()
			case 1000:
				at1000 = heap()
			}
		}
	}
	b.ReportMetric(at100, "heap-MB@100")
	b.ReportMetric(at1000, "heap-MB@1000")
	b.ReportMetric(at1000/at100, "x-growth")
}

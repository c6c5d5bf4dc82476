package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkSaveToApplied measures, on the local org, the time from saving
// a spec to seeing the change in the org file, with a 50 ms debounce. It
// reports p50 and p95, and each as a multiple of the debounce (the floor).
func BenchmarkSaveToApplied(b *testing.B) {
	const debounce = 50 * time.Millisecond
	b.Chdir(b.TempDir())
	os.MkdirAll("specs", 0o755)
	os.WriteFile("reconcile.yaml", []byte(fmt.Sprintf("specs: specs\nwatch:\n  listen: 127.0.0.1:0\n  debounce: %s\n  resync: 1h\n", debounce)), 0o644)
	for i := range 10 { // the aws-lambda limit
		os.WriteFile(fmt.Sprintf("specs/%02d.yaml", i), lambda(fmt.Sprint("L", i), "v0"), 0o644)
	}
	d := startDaemon(b)
	defer d.cancel()
	waitNotes := func(want string) time.Duration {
		start := time.Now()
		for time.Since(start) < 10*time.Second {
			b, _ := os.ReadFile(".reconcile/org.json")
			if len(b) > 0 && strings.Contains(string(b), `"notes": "`+want+`"`) {
				return time.Since(start)
			}
			time.Sleep(time.Millisecond)
		}
		b.Fatalf("notes %q never applied:\n%s", want, d.stderr)
		return 0
	}
	waitNotes("v0")
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		v := fmt.Sprint("v", i)
		start := time.Now()
		os.WriteFile("specs/00.yaml", lambda("L0", v), 0o644)
		waitNotes(v)
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	b.ReportMetric(float64(p(0.5).Milliseconds()), "p50-ms")
	b.ReportMetric(float64(p(0.95).Milliseconds()), "p95-ms")
	b.ReportMetric(p(0.5).Seconds()/debounce.Seconds(), "p50-x-debounce")
	b.ReportMetric(p(0.95).Seconds()/debounce.Seconds(), "p95-x-debounce")
}

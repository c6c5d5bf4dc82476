package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/sopstest"
)

// BenchmarkDaemonRSS: the resident memory of a --watch --dry-run daemon
// process holding 1000 specs (four orgs' worth in one tree, so each plan
// stops at the limit check, after every file is loaded and cached), read
// from /proc after 10 reconciles, one every 200 ms resync.
func BenchmarkDaemonRSS(b *testing.B) {
	work := b.TempDir()
	keyFile, recipient, err := sopstest.NewIdentity(work, "TEST-ONLY-age-key.txt")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sopstest.WriteSpecs(filepath.Join(work, "specs"), 1000, recipient); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(work, "reconcile.yaml"), []byte("specs: specs\nwatch:\n  listen: 127.0.0.1:0\n  resync: 200ms\n"), 0o644)
	self, _ := os.Executable()
	var rss, peak float64
	for b.Loop() {
		cmd := exec.Command(self, "--watch", "--dry-run", "--log-format", "json", "--output", "json")
		cmd.Dir = work
		cmd.Env = append(os.Environ(), asCLI+"=1", "SOPS_AGE_KEY_FILE="+keyFile, "HOME="+work)
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		runs := 0
		sc := bufio.NewScanner(stderr)
		for sc.Scan() && runs < 10 {
			if strings.Contains(sc.Text(), `"msg":"reconcile failed"`) || strings.Contains(sc.Text(), `"msg":"reconcile done"`) {
				runs++
			}
		}
		rss, peak = procStatus(b, cmd.Process.Pid, "VmRSS:"), procStatus(b, cmd.Process.Pid, "VmHWM:")
		cmd.Process.Signal(syscall.SIGTERM)
		go func() {
			for sc.Scan() {
			}
		}()
		cmd.Wait()
		if runs < 10 {
			b.Fatalf("only %d reconciles", runs)
		}
	}
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(peak, "peak-rss-MB")
}

// procStatus reads a kB field of /proc/PID/status, in MB.
func procStatus(b *testing.B, pid int, field string) float64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Skip("no /proc here")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

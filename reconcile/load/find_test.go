package load_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/load"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// valid returns a valid spec, with no secret, named after rel.
func valid(rel string) string { return "name: Spec " + rel + "\ntype: web-services\n" }

// invalid is a file that fails to load if it is read.
const invalid = "name: [unclosed\n"

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestFindFiles(t *testing.T) {
	tests := []struct {
		name string
		// setup fills dir and returns the directory to load.
		setup func(t *testing.T, dir string) string
		want  []string // the files loaded, in order
	}{
		{
			name: "names and folders beginning with a dot are skipped",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "ok.yaml", valid("ok.yaml"))
				write(t, dir, ".hidden.yaml", invalid)
				write(t, dir, "..data/x.yaml", invalid)
				write(t, dir, ".git/config.yaml", invalid)
				write(t, dir, "team/.draft.yml", invalid)
				write(t, dir, "team/.cache/y.yaml", invalid)
				return dir
			},
			want: []string{"ok.yaml"},
		},
		{
			name: "a ConfigMap mount is read once, through its file symlinks",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "..2024_05_01_10_00_00.1234/app.yaml", valid("app.yaml"))
				symlink(t, "..2024_05_01_10_00_00.1234", filepath.Join(dir, "..data"))
				symlink(t, "..data/app.yaml", filepath.Join(dir, "app.yaml"))
				return dir
			},
			want: []string{"app.yaml"},
		},
		{
			name: "symlinks to files in the spec directory are followed, whatever their name",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "store/target.txt", valid("link.yaml"))
				symlink(t, filepath.Join(dir, "store/target.txt"), filepath.Join(dir, "link.yaml")) // absolute
				write(t, dir, "store/real.txt", valid("rel.yml"))
				symlink(t, "store/real.txt", filepath.Join(dir, "rel.yml"))
				write(t, dir, "store/back.txt", valid("back.yaml"))
				symlink(t, "../"+filepath.Base(dir)+"/store/back.txt", filepath.Join(dir, "back.yaml")) // out and in again
				return dir
			},
			want: []string{"back.yaml", "link.yaml", "rel.yml"},
		},
		{
			name: "a ConfigMap mount as the target of a symlinked spec directory",
			setup: func(t *testing.T, dir string) string {
				mount := filepath.Join(dir, "mount")
				write(t, mount, "..2024_01_01/a.yaml", valid("a.yaml"))
				symlink(t, "..2024_01_01", filepath.Join(mount, "..data"))
				symlink(t, "..data/a.yaml", filepath.Join(mount, "a.yaml"))
				symlink(t, "mount", filepath.Join(dir, "specs"))
				return filepath.Join(dir, "specs")
			},
			want: []string{"a.yaml"},
		},
		{
			name: "symlinks to folders are not descended, so a loop is harmless",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "a/b.yaml", valid("a/b.yaml"))
				symlink(t, "..", filepath.Join(dir, "a", "loop"))
				symlink(t, "a", filepath.Join(dir, "alias"))
				symlink(t, "a", filepath.Join(dir, "folder.yaml"))
				return dir
			},
			want: []string{"a/b.yaml"},
		},
		{
			name: "files that are not .yaml or .yml are ignored",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "spec.yaml", valid("spec.yaml"))
				for _, n := range []string{"README.md", "spec.json", "spec.yaml.bak", "spec.yamlx", "yaml", "spec.yaml~", "notes.txt"} {
					write(t, dir, n, invalid)
				}
				return dir
			},
			want: []string{"spec.yaml"},
		},
		{
			name: "a folder named x.yaml is descended, not read",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "x.yaml/inner.yaml", valid("x.yaml/inner.yaml"))
				return dir
			},
			want: []string{"x.yaml/inner.yaml"},
		},
		{
			name: "the spec directory itself may be a symlink",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "real/a.yaml", valid("a.yaml"))
				write(t, dir, "real/sub/b.yml", valid("sub/b.yml"))
				symlink(t, "real", filepath.Join(dir, "link"))
				return filepath.Join(dir, "link")
			},
			want: []string{"a.yaml", "sub/b.yml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sopsEnv(t)
			specs := mustLoad(t, tt.setup(t, t.TempDir()), load.Options{})
			var got []string
			for _, s := range specs {
				got = append(got, s.File)
				if s.Name != "Spec "+s.File {
					t.Errorf("%s holds the spec named %q", s.File, s.Name)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindProblems(t *testing.T) {
	tests := []struct {
		name    string
		notRoot bool // root reads what chmod forbids
		setup   func(t *testing.T, dir string) string
		want    func(dir string) spec.Problems
	}{
		{
			name:  "the spec directory does not exist",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "missing") },
			want: func(dir string) spec.Problems {
				return spec.Problems{{Message: "the spec directory " + dir + " does not exist"}}
			},
		},
		{
			name:  "the spec directory is a file",
			setup: func(t *testing.T, dir string) string { return write(t, dir, "spec.yaml", valid("spec.yaml")) },
			want: func(dir string) spec.Problems {
				return spec.Problems{{Message: "the spec directory " + dir + " is not a directory"}}
			},
		},
		{
			name: "a broken symlink",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "ok.yaml", valid("ok.yaml"))
				symlink(t, "nowhere.yaml", filepath.Join(dir, "gone.yaml"))
				symlink(t, "nowhere", filepath.Join(dir, "ignored.txt")) // not a spec name
				return dir
			},
			want: func(string) spec.Problems {
				return spec.Problems{{File: "gone.yaml", Message: "broken symlink: no such file or directory"}}
			},
		},
		{
			name: "a symlink to a file outside the spec directory is a problem, never read",
			setup: func(t *testing.T, dir string) string {
				specs := filepath.Join(dir, "specs")
				write(t, specs, "ok.yaml", valid("ok.yaml"))
				secret := write(t, dir, "secret.yaml", invalid) // a problem of its own if read
				write(t, dir, "specs-other/secret.yaml", invalid)
				symlink(t, secret, filepath.Join(specs, "absolute.yaml"))
				symlink(t, "../../secret.yaml", filepath.Join(specs, "team/relative.yaml"))
				symlink(t, "../specs-other/secret.yaml", filepath.Join(specs, "sibling.yaml"))
				symlink(t, "../secret.yaml", filepath.Join(specs, "hop.txt"))
				symlink(t, "hop.txt", filepath.Join(specs, "chain.yaml")) // in, then out
				symlink(t, "/dev/zero", filepath.Join(specs, "device.yaml"))
				return specs
			},
			want: func(string) spec.Problems {
				const msg = "symlink to a file outside the spec directory"
				return spec.Problems{
					{File: "absolute.yaml", Message: msg},
					{File: "chain.yaml", Message: msg},
					{File: "device.yaml", Message: msg},
					{File: "sibling.yaml", Message: msg},
					{File: "team/relative.yaml", Message: msg},
				}
			},
		},
		{
			name:    "an unreadable file",
			notRoot: true,
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "ok.yaml", valid("ok.yaml"))
				if err := os.Chmod(write(t, dir, "locked.yaml", valid("locked.yaml")), 0); err != nil {
					t.Fatal(err)
				}
				return dir
			},
			want: func(string) spec.Problems {
				return spec.Problems{{File: "locked.yaml", Message: "cannot read: permission denied"}}
			},
		},
		{
			name:    "an unreadable folder",
			notRoot: true,
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "ok.yaml", valid("ok.yaml"))
				write(t, dir, "locked/a.yaml", valid("locked/a.yaml"))
				locked := filepath.Join(dir, "locked")
				if err := os.Chmod(locked, 0); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(locked, 0o755) })
				return dir
			},
			want: func(string) spec.Problems {
				return spec.Problems{{File: "locked", Message: "cannot read: permission denied"}}
			},
		},
		{
			name: "every file's problems, sorted by file",
			setup: func(t *testing.T, dir string) string {
				write(t, dir, "z.yaml", "")
				write(t, dir, "a/b.yaml", "- a list\n")
				write(t, dir, "m.yaml", valid("m.yaml"))
				write(t, dir, "a.yaml", "name: x\n\x00\n")
				return dir
			},
			want: func(string) spec.Problems {
				return spec.Problems{
					{File: "a.yaml", Message: msgBinary},
					{File: "a/b.yaml", Line: 1, Column: 1, Message: msgNotMapping},
					{File: "z.yaml", Message: msgEmptyFile},
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.notRoot && os.Geteuid() == 0 {
				t.Skip("root reads files whatever their mode")
			}
			sopsEnv(t)
			dir := tt.setup(t, t.TempDir())
			checkProblems(t, loadProblems(t, dir, load.Options{}), tt.want(dir))
		})
	}
}

func TestFindFIFO(t *testing.T) {
	sopsEnv(t)
	dir := t.TempDir()
	write(t, dir, "ok.yaml", valid("ok.yaml"))
	if err := syscall.Mkfifo(filepath.Join(dir, "f.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, "pipe", filepath.Join(dir, "via-link.yaml"))

	type result struct {
		specs []*spec.Spec
		err   error
	}
	done := make(chan result, 1)
	go func() {
		specs, err := load.Load(context.Background(), dir, load.Options{})
		done <- result{specs, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Load blocks on a FIFO")
	}
	if r.specs != nil {
		t.Errorf("Load returned %d specs with its error", len(r.specs))
	}
	ps, ok := spec.AsProblems(r.err)
	if !ok {
		t.Fatalf("Load error = %v, want problems", r.err)
	}
	checkProblems(t, ps, spec.Problems{
		{File: "f.yaml", Message: "not a regular file"},
		{File: "via-link.yaml", Message: "not a regular file"},
	})
}

package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBinaryIsStatic builds reconcile as the Dockerfile does (no cgo,
// version stamped by the linker; -trimpath is left out because it would
// recompile every dependency and does not change linking) and checks that the ELF
// file needs no interpreter and no shared library, so it runs in a
// distroless static image, and that `version` reports the stamp.
func TestBinaryIsStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "reconcile")
	cmd := exec.Command("go", "build", "-ldflags", "-s -w -X main.version=v9.9.9-test -X main.commit=abc1234", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary asks for a dynamic loader (PT_INTERP)")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries: %v", libs)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "reconcile v9.9.9-test (commit abc1234, go") {
		t.Errorf("version = %q, %v", out, err)
	}
}

// TestDockerfile checks the Dockerfile's shape where no Docker engine or
// Dockerfile linter is at hand: two stages, modules downloaded before the
// source is copied, a static trimmed build with the version stamped, and a
// distroless nonroot final image.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	var from []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "FROM ") {
			from = append(from, line)
		}
	}
	if len(from) != 2 || !regexp.MustCompile(`^FROM golang:\S+ AS build$`).MatchString(from[0]) ||
		!regexp.MustCompile(`^FROM gcr\.io/distroless/static\S*:nonroot$`).MatchString(from[1]) {
		t.Errorf("stages = %q, want a golang build stage and a distroless static nonroot image", from)
	}
	order := []string{"COPY go.mod go.sum", "RUN go mod download", "COPY cmd", "CGO_ENABLED=0 go build -trimpath", "-X main.version=${VERSION}", "COPY --from=build", "USER nonroot"}
	last := -1
	for _, want := range order {
		i := strings.Index(text, want)
		if i < 0 || i < last {
			t.Errorf("%q missing or out of order (modules before source, build before the final stage)", want)
		}
		last = i
	}
}

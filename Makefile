# reconcile: common tasks. `make help` lists them.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
IMAGE   ?= reconcile:$(VERSION)

.PHONY: help build test check conformance lsp example fixtures bench image clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/reconcile, static
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o bin/reconcile ./cmd/reconcile

test: ## the test suite (what CI runs)
	go test ./...

check: ## gofmt, vet and tests
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	go vet ./...
	go test ./...

conformance: ## the official Genesys SDK as referee of every API exchange (needs node and npm)
	npm ci --prefix .ci/referee --no-audit --no-fund
	go test ./cmd/reconcile -run Conformance -v

lsp: ## the real yaml-language-server as referee of the editor schemas (needs node and npm)
	npm ci --prefix .ci/lsp --no-audit --no-fund
	go test ./schema -run LSP -v

example: ## run the bundled example against the local org
	SOPS_AGE_KEY_FILE=config.example/TEST-ONLY-age-key.txt go run ./cmd/reconcile plan --config config.example/reconcile.yaml --out plan.json
	SOPS_AGE_KEY_FILE=config.example/TEST-ONLY-age-key.txt go run ./cmd/reconcile apply plan.json --config config.example/reconcile.yaml

fixtures: ## re-encrypt the example specs with the pinned sops code
	go run ./testdata/gen example

bench: ## benchmarks with allocations, then a table (sops -d baseline when sops is on PATH)
	go test -run '^$$' -bench . -benchmem -benchtime 3x ./... | tee bench.txt
	go run golang.org/x/perf/cmd/benchstat@latest bench.txt

image: ## the container image (needs a Docker engine)
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t $(IMAGE) .

clean:
	rm -rf bin config.example/.reconcile

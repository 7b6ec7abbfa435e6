# spillcheck: make build | make test | make lint | make bench
GO ?= go
# A tagged checkout is built as that tag; otherwise `spillcheck version`
# reports the commit from the build info (-buildvcs=true: some machines set
# GOFLAGS=-buildvcs=false).
VERSION ?= $(shell git describe --tags --exact-match 2>/dev/null)

.PHONY: build test services unit catalog-bench lint bench fuzz eval fit clean

build:
	$(GO) build -buildvcs=true $(if $(VERSION),-ldflags "-X main.version=$(VERSION)") -o spillcheck ./cmd/spillcheck

# The test command from the README: installs and starts the real servers the
# integration tests need (redis-server, Elasticsearch and OpenSearch, nginx,
# chromium), then runs every test and the large-catalog memory bound.
test: services unit catalog-bench

services:
	@for s in scripts/setup-*.sh; do echo "== $$s"; bash "$$s" || exit 1; done

# The corpus's cross-validation (fingerprints) fits 10 models: about a
# minute on a quiet machine, ten on a busy one, past go test's default
# 10-minute timeout; hence 30.
unit:
	$(GO) test -count=1 -timeout 30m ./...

# docs/scale.md's bound: 8 Elasticsearch targets of 100,000 indices each,
# scanned at once by the binary, under 128 MiB peak RSS (fails above it).
catalog-bench:
	$(GO) test -run XXX -bench LargeCatalogRSS -benchtime 1x ./bench/

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

bench:
	$(GO) test -run XXX -bench . -benchmem ./scanner/... ./probes/... ./fingerprints/...

# Fit the scoring model on the labeled corpus: writes fingerprints/model.json
# (deterministic; no network).
fit:
	$(GO) run ./fingerprints/internal/fit

# Cross-validate the model by project on testdata/corpus and write the figures
# into docs/scoring.md and the corpus index into testdata/corpus/README.md.
eval:
	$(GO) run ./fingerprints/internal/eval

# Every fuzz target for FUZZTIME (default 20s) each.
fuzz:
	bash scripts/fuzz.sh

clean:
	rm -f spillcheck

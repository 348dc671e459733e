# LegCo Compliance Workstation. `make run` and `make test` are all a new
# user needs (README); both install missing system packages first.
GO        ?= go
# migrated_fynedo: Fyne's threading model (FyneApp.toml [Migrations]
# fyneDo), which plain go build does not read from FyneApp.toml. (No FTS5:
# search uses the store's own B-tree index, see store/search.go.)
TAGS      := migrated_fynedo
GOTAGS    := -tags "$(TAGS)"
BIN       := bin/legco-compliance
DEMO_DIR  := demo-workspace
DEMO_DB   := $(DEMO_DIR)/legco-demo.db
DEMO_USERS ?= 20000
# The demo workspace holds synthetic data only; its passphrase is public
# and shown on its unlock screen.
DEMO_PASSPHRASE := legco-demo-2026
export CGO_ENABLED := 1

.PHONY: deps build run demo test test-unit test-race smoke vet bench bench-1m clean rss

deps:
	@bash .ci/deps.sh

build: deps
	$(GO) build $(GOTAGS) -o $(BIN) ./cmd/legco-compliance

$(DEMO_DB): | build
	mkdir -p $(DEMO_DIR)
	LEGCO_PASSPHRASE=$(DEMO_PASSPHRASE) $(BIN) demo --db $(DEMO_DB) --users $(DEMO_USERS) --seed 1 --exports $(DEMO_DIR)/exports

demo: $(DEMO_DB)

run: build $(DEMO_DB)
	$(BIN) gui --db $(DEMO_DB)

vet: deps
	$(GO) vet $(GOTAGS) ./...

test: deps vet test-race test-unit smoke

# store and reports run under the race detector (cgo SQLCipher included).
test-race:
	$(GO) test $(GOTAGS) -race -count=1 ./store/... ./reports/...

test-unit:
	$(GO) test $(GOTAGS) -count=1 ./ui/... ./cmd/...

# Starts the real binary under Xvfb on a demo workspace, unlocks it and
# checks that the main window shows (screenshots in build/smoke/).
smoke: build
	bash .ci/smoke-gui.sh $(BIN)

# Benchmarks: encrypted against the same engine without a key, PDFs,
# key derivation. bench-1m adds the million-user workspace (slow).
bench: deps
	$(GO) test $(GOTAGS) -run '^$$' -bench . -benchmem -count=1 ./store/... ./reports/...

# Peak memory (VmHWM) of the real binary under Xvfb: launch, unlock, the
# Records list's first page, 1,000 wheel steps (LEGCO_RSS_USERS, default
# 100,000; the README figure is at 1,000,000).
rss: build
	bash .ci/rss.sh $(BIN)

bench-1m: deps
	LEGCO_BENCH_USERS=1000000 $(GO) test $(GOTAGS) -run '^$$' -bench 'Million' -benchtime 1x -timeout 2h -count=1 ./store/

clean:
	rm -rf bin build

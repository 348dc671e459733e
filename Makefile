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
# The version the binary reports (`legco-compliance version`, About):
# `git describe` of a v* tag, else FyneApp.toml's Version plus the number
# of commits and the commit (0.1.0-123-gabcdef0). APP_BUILD (the commit
# count) is the fourth number of the Windows file version.
APP_VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
APP_BUILD   := $(shell git rev-list --count HEAD 2>/dev/null || echo 0)
COMMIT      := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
VERSION     ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null | sed 's/^v//' || true)
ifeq ($(VERSION),)
VERSION := $(APP_VERSION)-$(APP_BUILD)-g$(shell git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
endif
LDFLAGS   := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
export VERSION COMMIT APP_VERSION APP_BUILD

.PHONY: deps build run demo test test-unit test-race smoke vet bench bench-1m clean package package-linux package-check fuzz fuzz-short rss

deps:
	@bash .ci/deps.sh

build: deps
	rm -f cmd/legco-compliance/fyne.syso
	$(GO) build $(GOTAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/legco-compliance

$(DEMO_DB): | build
	mkdir -p $(DEMO_DIR)
	LEGCO_PASSPHRASE=$(DEMO_PASSPHRASE) $(BIN) demo --db $(DEMO_DB) --users $(DEMO_USERS) --seed 1 --exports $(DEMO_DIR)/exports

demo: $(DEMO_DB)

run: build $(DEMO_DB)
	$(BIN) gui --db $(DEMO_DB)

vet: deps
	$(GO) vet $(GOTAGS) ./...

test: deps vet test-race test-unit smoke fuzz-short

# store and reports run under the race detector (cgo SQLCipher included).
test-race:
	$(GO) test $(GOTAGS) -race -count=1 -timeout 30m ./store/... ./reports/...

test-unit:
	$(GO) test $(GOTAGS) -count=1 -timeout 30m ./ui/... ./cmd/...

# Fuzz targets (package:target); seeds in each package's testdata/fuzz.
# `make fuzz` runs each for FUZZTIME (default 10m); `make test` for 3,000
# inputs each (fuzz-short).
FUZZ_TARGETS := store/exportfile:FuzzCSVReader store/exportfile:FuzzJSONLine store/exportfile:FuzzParseDate \
	store/kz:FuzzValidateIIN store/kz:FuzzValidateBIN store/kz:FuzzNormalizePhone store/kz:FuzzNormalizeEmail \
	store/keyslot:FuzzParse store/policydoc:FuzzParse
FUZZTIME ?= 10m
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn for $(FUZZTIME)"; \
		$(GO) test $(GOTAGS) -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) ./$$pkg; done
# fuzz-short counts inputs, not seconds: with a duration Go 1.26's fuzz
# coordinator can fail a clean run with "context deadline exceeded" as the
# time runs out (golang/go#75804, fixed in Go 1.27), which failed CI once.
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=3000x

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

# bench-1m: every Million benchmark, then the users import of issue #8
# with its floor (BenchmarkUsersRowFloor) in the same run.
bench-1m: deps
	LEGCO_BENCH_USERS=1000000 $(GO) test $(GOTAGS) -run '^$$' -bench 'Million' -benchtime 1x -timeout 2h -count=1 ./store/
	LEGCO_BENCH_USERS=1000000 $(GO) test $(GOTAGS) -run '^$$' -bench 'UsersImport$$|UsersRowFloor' -benchtime 1x -timeout 2h -count=1 ./store/
	LEGCO_BENCH_USERS=1000000 $(GO) test $(GOTAGS) -run '^$$' -bench 'PackMillion' -benchtime 1x -timeout 2h -count=1 ./reports/auditpack/

# Installable packages (README, "Install"): the Linux tarball made with
# `fyne package` (pinned in go.mod), the Windows zip cross-compiled with
# mingw-w64, SHA256SUMS; then packaging/check.sh checks them.
package: build
	bash packaging/build.sh linux
	bash packaging/build.sh windows
	bash packaging/build.sh sums
	bash packaging/check.sh

# The Linux tarball alone, built and checked (quicker than `make package`
# when only the Linux side changed; CI runs `make package`).
package-linux: build
	bash packaging/build.sh linux
	bash packaging/check.sh linux

package-check:
	bash packaging/check.sh

clean:
	rm -rf bin build dist

# weekoffs — run `make help` for the targets.
GO ?= go
export APP_ENV ?= development
# go.mod's toolchain line (a Go release with the standard library's fixes)
# is obeyed only with GOTOOLCHAIN=auto; this machine's Go defaults to local.
export GOTOOLCHAIN ?= auto

.PHONY: help run test build generate check-generated lint vulncheck bench bench-10m bench-go fuzz migrate

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

run: ## start the app with demo data at http://127.0.0.1:8080 (creates and seeds a local database once)
	$(GO) run ./cmd/weekoffs dev

# -timeout: the web package's browser tests can run past go test's default
# 10 minutes on a busy machine.
test: ## run every test against the local PostgreSQL, with the race detector (and the allocation counts without it)
	$(GO) test -race -count=1 -timeout 30m ./...
	$(GO) test -count=1 -run Allocations ./web

build: ## build the binary into bin/weekoffs
	$(GO) build -o bin/weekoffs ./cmd/weekoffs

generate: ## regenerate the templ components' Go code
	$(GO) tool templ generate

check-generated: ## fail if the generated templ code is out of date
	$(GO) tool templ generate
	git diff --exit-code -- '*_templ.go'

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# The vulnerability database is built offline from this version of the
# golang.org/x/vulndb module (its data/osv) by the module's own indexdb
# command, run at the same version; it is kept in .cache/vulndb and rebuilt
# only when VULNDB_VERSION changes. govulncheck is a tool in go.mod.
VULNDB_VERSION = v0.0.0-20261105234957-e22db6528018
VULNDB = $(CURDIR)/.cache/vulndb/$(VULNDB_VERSION)

vulncheck: $(VULNDB)/index/db.json ## fail on any known vulnerability the code reaches (govulncheck, offline database from golang.org/x/vulndb)
	$(GO) tool govulncheck -db file://$(VULNDB) ./...

$(VULNDB)/index/db.json:
	rm -rf .cache/vulndb
	$(GO) mod download golang.org/x/vulndb@$(VULNDB_VERSION)
	$(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) \
		-vulns "$$($(GO) env GOMODCACHE)/golang.org/x/vulndb@$(VULNDB_VERSION)/data/osv" \
		-out .cache/vulndb/building
	mv .cache/vulndb/building $(VULNDB)

bench: build ## load-test the built server on a fresh database of 100,000 users (BENCH_FLAGS="-users 1000000"); see docs/PERFORMANCE.md
	$(GO) build -o bin/weekoffs-bench ./cmd/weekoffs-bench
	bin/weekoffs-bench -bin bin/weekoffs $(BENCH_FLAGS)

# The 10,000,000-user run: the admin list's latency with one client, and the
# export of everyone. Its database is seeded once (24 minutes on the shared
# 2-core machine) and reused; make bench-10m BENCH_FLAGS="-fresh" seeds it
# again. Its users are left out of teams (-teams=false): putting 10,000,000
# users into teams for the coverage runs is one UPDATE of over 25 minutes.
bench-10m: build ## the admin list at 10,000,000 users, one client at a time (database weekoffs_bench_10m, seeded once, then reused)
	$(GO) build -o bin/weekoffs-bench ./cmd/weekoffs-bench
	bin/weekoffs-bench -bin bin/weekoffs -users 10000000 -database weekoffs_bench_10m -fresh=false \
		-only "GET /admin/users" -c 0 -latency-c 1 -teams=false $(BENCH_FLAGS)

bench-go: ## run the Go micro-benchmarks (the user lookup: GORM against pgx)
	$(GO) test -run '^$$' -bench . -benchmem ./...

FUZZTIME ?= 30s
FUZZ_TARGETS = models:FuzzParseWeekday models:FuzzParseWeekdays web:FuzzParseUserFilter web:FuzzListFrom config:FuzzConvertDatabaseURL

fuzz: ## fuzz each parser for FUZZTIME (default 30s); a failing input is saved in <package>/testdata/fuzz/
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; dir=$$pkg/testdata/fuzz/$$name; \
		before=$$(ls $$dir 2>/dev/null | wc -l); \
		echo "== $$name ($$pkg)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) ./$$pkg/ && continue; \
		[ "$$(ls $$dir 2>/dev/null | wc -l)" = "$$before" ] || exit 1; \
		echo "$$name stopped without a failing input: Go 1.26's fuzztime deadline race (golang/go#75804), not a finding"; \
	done

migrate: ## apply pending migrations to DATABASE_URL
	$(GO) run ./cmd/weekoffs migrate

# Boothlead developer commands. `make` alone lists them; README's two are `make run` and `make test`.
# Settings below can be given in the environment or on the command line: make run ADDR=:9090

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ADDR ?= :8080
# the private cluster's port (scripts/db.sh reads it too); the tests get it as PGTEST_PORT
PGPORT_LOCAL ?= 54329
export PGPORT_LOCAL
FUZZTIME ?= 30s
# flags for `make bench` (go run ./bench/cmd/bench -h lists them), e.g. BENCH_FLAGS="-duration 10s -leads 20000"
BENCH_FLAGS ?=
TEST_TIMEOUT ?= 20m
# The race detector needs cgo (a C compiler); without one the tests run without it. Its cost on the
# 2-core dev machine (warm cache, 4 test packages incl. the browser tests): 45 s vs 33 s, 830 vs 350 MB.
RACE ?= $(if $(filter 1,$(shell go env CGO_ENABLED 2>/dev/null)),-race)
GOOSE := github.com/pressly/goose/v3/cmd/goose@v3.30.0
# `goose create` needs no database driver: leaving them out makes the first run minutes shorter
GOOSE_TAGS := no_clickhouse,no_libsql,no_mssql,no_azuresql,no_mysql,no_sqlite3,no_vertica,no_ydb

# Tests always use the private cluster (they need a superuser to create a database per test), even
# when the caller set DATABASE_URL for `make run`; and they never see DATABASE_URL.
TEST_DB := env -u DATABASE_URL scripts/db.sh >/dev/null
TEST_ENV := env -u DATABASE_URL PGTEST_HOST=127.0.0.1 PGTEST_PORT=$(PGPORT_LOCAL) PGTEST_USER=postgres

.PHONY: help db db-stop mail-stop generate build run check-generated check-committed check-tidy vet lint test \
	test-faults test-short bench bench-go fuzz fmt migration check docker clean

help: ## list the targets
	@echo "make <target>   (Boothlead)"
	awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

db: ## ensure the local PostgreSQL (127.0.0.1:54329, data under .data/) runs; print DATABASE_URL
	scripts/db.sh

db-stop: ## stop the local PostgreSQL (its data stays)
	scripts/db.sh stop

mail-stop: ## stop the local mailpit that `make run` started (its mail stays)
	scripts/mailpit.sh stop

generate: ## regenerate the templ views (*_templ.go)
	go tool templ generate -log-level warn

build: ## build bin/boothlead
	go build -o bin/boothlead ./cmd/boothlead

run: build ## local PostgreSQL and mailpit (or the DATABASE_URL / SMTP_URL given) + build, then serve on ADDR
	@url=$$(scripts/db.sh | tail -n 1)
	smtp=$$(scripts/mailpit.sh | tail -n 1)
	echo "boothlead: serving on $(ADDR) (stop with Ctrl-C)"
	if [[ -z $${SMTP_URL:-} ]]; then echo "boothlead: the mail it sends is at http://localhost:$${MAIL_UI_PORT:-8025}"; fi
	DATABASE_URL="$${url#DATABASE_URL=}" SMTP_URL="$${smtp#SMTP_URL=}" ADDR='$(ADDR)' exec ./bin/boothlead serve

# Compares the files' contents before and after `templ generate`: in a clean clone that is exactly
# "git status shows no change", and in a working checkout up-to-date views not committed yet pass.
check-generated: ## templ generate, then fail if that changed any *_templ.go (stale committed views)
	@snapshot() {
	  find . \( -name .git -o -name .data -o -name bin -o -name tmp \) -prune \
	    -o -type f -name '*_templ.go' -print0 | sort -z | xargs -0 -r sha256sum
	}
	before=$$(snapshot)
	go tool templ generate -log-level warn
	after=$$(snapshot)
	if [[ $$before != "$$after" ]]; then
	  echo "check-generated: templ generate changed these files, so the committed ones were stale:" >&2
	  diff <(echo "$$before") <(echo "$$after") | sed -n 's/^[<>] [0-9a-f]*  \.\//  /p' | sort -u >&2
	  echo "check-generated: commit the regenerated files." >&2
	  exit 1
	fi
	if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	  echo "check-generated: views up to date (not a git checkout: no git status check)"
	elif [[ -n $$(git status --porcelain -- '*_templ.go') ]]; then
	  echo "check-generated: views up to date, but not all committed yet (make check-committed)"
	fi

check-committed: ## fail if git status shows uncommitted *_templ.go files
	@if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	  echo "check-committed: not a git checkout: skipped"; exit 0
	fi
	changed=$$(git status --porcelain -- '*_templ.go')
	if [[ -n $$changed ]]; then
	  echo "check-committed: generated views not committed:" >&2
	  echo "$$changed" >&2
	  exit 1
	fi

check-tidy: ## go mod tidy -diff: fail if go.mod or go.sum is not tidy
	go mod tidy -diff

vet: ## gofmt -l must list no file, then go vet ./...
	@unformatted=$$(scripts/gofiles.sh | xargs -0 -r gofmt -l)
	if [[ -n $$unformatted ]]; then
	  echo "vet: gofmt would change these files (make fmt):" >&2
	  sed 's/^/  /' <<<"$$unformatted" >&2
	  exit 1
	fi
	echo "go vet ./..."
	go vet ./...

lint: ## golangci-lint (a go tool pinned in go.mod; .golangci.yml): staticcheck, gosec and STYLE.md's linters
	go tool golangci-lint run ./...

# gotestsum prints each test as it ends (so a long package is not minutes of silence) and the
# failures again at the end; its last line is go test's count of tests run.
GOTESTSUM := go tool gotestsum --format testname --format-hide-empty-pkg --hide-summary=skipped --

test: vet check-generated lint ## what CI runs: vet, check-generated, lint, then every test, the fault tests included (local PostgreSQL, chromium, node, LibreOffice)
	@set -x
	$(TEST_DB)
	scripts/need.sh /usr/bin/chromium chromium >/dev/null
	scripts/need.sh node nodejs >/dev/null
	scripts/need.sh soffice libreoffice-calc-nogui --no-install-recommends >/dev/null
	node --test --test-reporter=spec static/js/
	$(if $(RACE),,echo "test: no C compiler, so no race detector (install gcc for -race)")
	$(TEST_ENV) $(GOTESTSUM) $(RACE) -count=1 -timeout $(TEST_TIMEOUT) ./...

test-faults: ## the fault tests only (faults/): Postgres stopped under load, SIGTERM, two instances
	@set -x
	$(TEST_DB)
	$(TEST_ENV) $(GOTESTSUM) -count=1 -timeout 10m ./faults/

test-short: ## go test -short ./... (no database, no browser)
	env -u DATABASE_URL go test -short ./...

bench: ## check-in load (app vs baseline), export vs COPY, RSS, page weight, start: docs/PERFORMANCE.md (~5 min)
	@set -x
	$(TEST_DB)
	$(TEST_ENV) go run ./bench/cmd/bench $(BENCH_FLAGS)

bench-go: ## the Go benchmarks (-benchmem) against the local PostgreSQL
	@set -x
	$(TEST_DB)
	$(TEST_ENV) go test -run '^$$' -bench . -benchmem ./...

fuzz: ## run every fuzz target for FUZZTIME (default 30s) each
	@found=0
	for pkg in $$(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...); do
	  for target in $$(go test -list '^Fuzz' "$$pkg" | grep '^Fuzz' || true); do
	    found=1
	    echo "== $$pkg $$target ($(FUZZTIME))"
	    $(TEST_ENV) go test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$pkg"
	  done
	done
	(( found )) || echo "fuzz: no fuzz targets"

fmt: ## gofmt -w the Go files, goimports (golangci-lint fmt), templ fmt the views
	scripts/gofiles.sh | xargs -0 -r gofmt -w
	go tool golangci-lint fmt ./...
	go tool templ fmt -log-level warn .

migration: ## new SQL migration: make migration name=add_lead_tags
	@if [[ ! '$(name)' =~ ^[A-Za-z0-9_]+$$ ]]; then
	  echo "usage: make migration name=add_something   (letters, digits and _)" >&2
	  exit 2
	fi
	go run -tags $(GOOSE_TAGS) $(GOOSE) -s -dir migrations create '$(name)' sql

check: generate check-generated check-committed check-tidy vet test ## before a push: generate, check-generated, check-committed, check-tidy, vet, test (lint included)

docker: ## build the container image boothlead
	docker build -t boothlead .

clean: ## remove bin/ and tmp/ (test screenshots); the database stays (make db-stop stops it)
	rm -rf bin tmp

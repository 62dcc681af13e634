# The README's two commands are the contract: `make run` and `make test`.
GO           ?= go
TEST_TIMEOUT ?= 45m
LISTEN       ?= 127.0.0.1:5433
WAREHOUSE    ?= ./warehouse

# A later benchmark depends on a module the checksum database does not list.
export GONOSUMDB := github.com/pingcap/go-tpc

.PHONY: build run test vet bench bench-tpch clean

build:
	$(GO) build -o bin/lode ./cmd/lode

run: build
	bin/lode serve --listen $(LISTEN) --warehouse $(WAREHOUSE)

vet:
	$(GO) vet ./...

# go vet first: it is fast and catches what the tests would trip over later.
# The SQL suites run verbosely into a log so their per-file totals
# ("N passed, N failed") are printed; the whole log is shown on failure.
test: vet
	$(GO) test -timeout $(TEST_TIMEOUT) $$($(GO) list ./... | grep -v '/sqltests$$')
	@$(GO) test -timeout $(TEST_TIMEOUT) -v ./sqltests/ > sqltests.log 2>&1; status=$$?; \
	  grep -E 'passed, [0-9]+ failed' sqltests.log | sed -e 's/^ *[a-z_]*\.go:[0-9]*: //'; \
	  if [ $$status -ne 0 ]; then cat sqltests.log; fi; tail -n 1 sqltests.log; exit $$status

bench:
	$(GO) test -run=NONE -bench=. ./bench/...

# TPC-H side by side: generates SF $(SF) into TPCH_WAREHOUSE once, then runs
# the 22 queries on Lode, DuckDB (bench/duckdb, its own module) and
# PostgreSQL 15, checks them against ../shared's answers (SF 1) or DuckDB's,
# and tabulates. `make bench-tpch SF=0.01` is a quick smoke run.
SF             ?= 1
TPCH_WAREHOUSE ?= bench/tpch/data/sf$(SF)
TPCH_RESULTS   ?= $(if $(filter 1,$(SF)),bench/tpch/RESULTS.md,bench/tpch/data/RESULTS-sf$(SF).md)
TPCH_FLAGS     ?=
# Lode runs in the benchmark process. Its decoded-column cache (1 GiB by
# default) is live Go heap, which the collector lets grow to twice the live
# size; a soft limit keeps the process within the 4 GiB RSS target, as a
# server would run with GOMEMLIMIT set to its share of the machine.
TPCH_GOMEMLIMIT ?= 3GiB
bench-tpch:
	GOMEMLIMIT=$(TPCH_GOMEMLIMIT) $(GO) run ./bench/tpch/cmd/tpchbench --sf $(SF) --warehouse $(TPCH_WAREHOUSE) --results $(TPCH_RESULTS) $(TPCH_FLAGS)

clean:
	rm -rf bin

# The README's two commands are the contract: `make run` and `make test`.
GO           ?= go
TEST_TIMEOUT ?= 20m
LISTEN       ?= 127.0.0.1:5433
WAREHOUSE    ?= ./warehouse

# A later benchmark depends on a module the checksum database does not list.
export GONOSUMDB := github.com/pingcap/go-tpc

.PHONY: build run test vet bench clean

build:
	$(GO) build -o bin/lode ./cmd/lode

run: build
	bin/lode serve --listen $(LISTEN) --warehouse $(WAREHOUSE)

vet:
	$(GO) vet ./...

# go vet first: it is fast and catches what the tests would trip over later.
test: vet
	$(GO) test -timeout $(TEST_TIMEOUT) ./...

bench:
	$(GO) test -run=NONE -bench=. ./bench/...

clean:
	rm -rf bin

# Drawbridge: `make run` and `make test` set up everything they need on a fresh Debian machine.
BUILD ?= build
FUZZ_BUILD ?= build-fuzz
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 30
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps configure build run demo test unit-test fuzz bench peer-bench format clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The server in dev mode: SQLite under var/, a copy of the example policy in var/policy, tokens
# for the example users printed at first start (and kept in var/dev-tokens.env).
# DRAWBRIDGE_LISTEN changes the address.
run: build
	@mkdir -p var
	@$(BUILD)/src/cli/drawbridge policy validate examples/policy
	@exec $(BUILD)/src/cli/drawbridge serve --dev --db var/drawbridge.sqlite --tokens-file var/dev-tokens.env

# A guided tour of the decision engine on the example policy, no server.
demo: build
	@$(BUILD)/src/cli/drawbridge demo --policy examples/policy

unit-test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Short libFuzzer runs (clang, ASan+UBSan) of every fuzz target, seeded with its corpus.
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Every test: the fuzzers briefly, then the whole ctest suite (unit, property, corpus, CLI).
test: build fuzz
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@scripts/bench.sh $(BUILD)

peer-bench: build
	@bench/peer.sh

format:
	@clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	@rm -rf $(BUILD) $(FUZZ_BUILD)

# What CI runs, one target per stage: `make test` is the whole of CI (.ci/run calls it).
# Later stages (test-python, test-wasm, ...) get their own target and join TEST_STAGES.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test
# Stages run one after another even under `make -j`: they share target/ and two cores.
.NOTPARALLEL:

CARGO ?= cargo
# The nightly toolchain is for the fuzz stage only (cargo-fuzz); every other stage, the WASM
# module included, builds with stable.
NIGHTLY ?= +nightly
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := load expr evaluate_json analysis_json system project
# -a: debug assertions (integer overflow panics) in the fuzzed build; -timeout: a unit slower
# than 10 s counts as a hang. libFuzzer's progress lines (`#123 NEW ...`) are left out of the log.
FUZZ_BUILD_FLAGS ?= -a
FUZZ_FLAGS ?= -timeout=10

TEST_STAGES := fmt clippy test-rust test-doc doc test-python test-wasm fuzz

.PHONY: test $(TEST_STAGES) fuzz-build fuzz-corpus fuzz-regressions bench example help

## help: list the targets
help:
	@sed -n 's/^## //p' Makefile

## test: every CI stage, in order
test: $(TEST_STAGES)

## fmt: formatting check (workspace and the fuzz crate); `cargo fmt --all` fixes it
fmt:
	$(CARGO) fmt --all -- --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml -- --check

## clippy: lints on every target (workspace and the fuzz crate), warnings are errors
clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings

## test-rust: unit, integration and conformance tests; benches run once each as a smoke test
# Property tests run with a fixed seed here, so that CI is repeatable; run them without
# PROPTEST_RNG_SEED (or with another seed) to explore new cases.
PROPTEST_RNG_SEED ?= 20261127
test-rust:
	PROPTEST_RNG_SEED=$(PROPTEST_RNG_SEED) $(CARGO) test --workspace --all-targets

## test-doc: the examples in doc comments and READMEs
test-doc:
	$(CARGO) test --workspace --doc

## doc: API docs without warnings
doc:
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --workspace --no-deps

## test-python: the Python package: wheel, pytest over the corpus, stubtest, the notebook
test-python:
	bash bindings/python/ci.sh

## test-wasm: the WASM package: build, tsc, node --test over the corpus, the calculator in Chromium
test-wasm:
	bash bindings/wasm/ci.sh

## fuzz: each fuzz target for FUZZ_SECONDS seconds (default 60), starting from the committed seeds
fuzz: fuzz-build fuzz-corpus
	for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  $(CARGO) $(NIGHTLY) fuzz run $(FUZZ_BUILD_FLAGS) $$t fuzz/corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) 2>&1 | { grep -v -E '^#[0-9]+' || true; }; \
	done

# A failed build prints its whole log, then, last (where a truncated CI log still shows them),
# the machine's free disk and memory and the build's first error.
fuzz-build:
	log=$$(mktemp); \
	if $(CARGO) $(NIGHTLY) fuzz build $(FUZZ_BUILD_FLAGS) > "$$log" 2>&1; then \
	  grep -v -E '^ +Compiling ' "$$log" || true; rm -f "$$log"; \
	else \
	  cat "$$log"; \
	  echo "== the fuzz build failed; disk and memory now:"; \
	  df -h . | tail -n 1; free -m | sed -n 1,2p; \
	  echo "== its first error:"; \
	  grep -m 1 -A 14 -E '^error' "$$log" || tail -n 15 "$$log"; \
	  rm -f "$$log"; exit 1; \
	fi

# The corpus (git-ignored) grows across runs; the committed seeds, and the built-in systems for
# `load`, are (re)copied into it.
BUILTIN_SYSTEMS := $(filter-out %.example.json,$(wildcard crates/jixiao/systems/*.json))
fuzz-corpus:
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  cp fuzz/seeds/$$t/* fuzz/corpus/$$t/; \
	done
	$(if $(BUILTIN_SYSTEMS),cp $(BUILTIN_SYSTEMS) fuzz/corpus/load/)

## fuzz-regressions: replay the saved crash inputs once (not part of `test` until they are fixed)
fuzz-regressions: fuzz-build
	for t in $(FUZZ_TARGETS); do \
	  if [ -d fuzz/regressions/$$t ]; then \
	    $(CARGO) $(NIGHTLY) fuzz run $(FUZZ_BUILD_FLAGS) $$t fuzz/regressions/$$t/* -- -runs=1; \
	  fi; \
	done

## bench: every benchmark of the performance issue and the table of ratios (BENCHMARKS.md)
bench:
	bash benches/run.sh

## example: the main job: the seed report's 自评表, ending in 91.73 / 优秀
example:
	$(CARGO) run --release -p jixiao-cli -- score --system xiangxi-commerce-2019 --example

# countyscope — quick start:  make demo  |  make test
# Other targets: make bench (peer comparisons, slow; ROUTINGKIT=DIR adds that peer), make dev (warnings as errors),
# make asan (sanitizers), make tsan (threaded kernels), make fuzz (libFuzzer targets, FUZZ_SECONDS each), make clean.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
CS := $(BUILD_DIR)/apps/countyscope/countyscope

.PHONY: all deps build demo test bench dev asan tsan fuzz clean format

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

# out/demo is this Makefile's own folder (make clean removes it): --force so that a demo folder written by an
# older version (before manifests) is replaced rather than refused as foreign.
demo: build
	$(CS) demo --force --out out/demo

test: build
	ctest --preset $(PRESET) -j $(JOBS)

bench: build
	@scripts/install-deps.sh --bench
	bench/run.sh $(BUILD_DIR) $(if $(ROUTINGKIT),--routingkit $(ROUTINGKIT))

dev:
	@$(MAKE) --no-print-directory test PRESET=dev

asan:
	@$(MAKE) --no-print-directory test PRESET=asan

# ThreadSanitizer on the tests of the threaded kernels: parallel_for/parallel_team, matrices and the CH build,
# access, assess's resident team, locate's heuristic, flows' GLM (MPI excluded). Each test program runs whole.
TSAN_TESTS := core/test_core network/test_network_unit network/test_network_ch access/test_access \
	assess/test_assess_unit assess/test_assess_methods locate/test_locate flows/test_flows_models
tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS) --target $(notdir $(TSAN_TESTS))
	@for t in $(TSAN_TESTS); do echo "tsan: $$t"; \
	  COUNTYSCOPE_HOME=$(CURDIR) TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  build/tsan/tests/$$t --gtest_brief=1 || exit 1; done

# libFuzzer targets (fuzz/, clang + ASan/UBSan): replay the committed inputs, then fuzz each for FUZZ_SECONDS.
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzz_all
	ctest --preset fuzz -j $(JOBS)
	scripts/fuzz.sh $(FUZZ_SECONDS)

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build out

# countyscope — quick start:  make demo  |  make test
# Other targets: make bench (peer comparisons, slow; ROUTINGKIT=DIR adds that peer), make dev (warnings as errors), make asan (sanitizers), make clean.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
CS := $(BUILD_DIR)/apps/countyscope/countyscope

.PHONY: all deps build demo test bench dev asan clean format

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	$(CS) demo --out out/demo

test: build
	ctest --preset $(PRESET) -j $(JOBS)

bench: build
	@scripts/install-deps.sh --bench
	bench/run.sh $(BUILD_DIR) $(if $(ROUTINGKIT),--routingkit $(ROUTINGKIT))

dev:
	@$(MAKE) --no-print-directory test PRESET=dev

asan:
	@$(MAKE) --no-print-directory test PRESET=asan

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build out

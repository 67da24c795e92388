# A thin layer over CMake so that the README's two commands stay two.
#   make demo   install what is missing, build, run meso-sim on the bundled
#               Google 2011 sample and example workload
#   make check  install what is missing, build, run every test (and the
#               unit tests again under ASan+UBSan)
#   make fuzz   fuzz every decoder harness of tests/fuzz with libFuzzer,
#               FUZZ_SECONDS each (needs clang and its libFuzzer runtime)
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
CLANG ?= clang

.PHONY: all deps build demo check test asan-test fuzz format clean bench

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

demo: deps build
	./$(BUILD)/sim/meso-sim run --trace google2011:traces/samples/google2011 --out out/google --plot
	./$(BUILD)/sim/meso-sim run --workload sim/examples/small --out out/demo --plot
	@echo "demo: the Google 2011 sample's results in out/google/, the example workload's in out/demo/:"
	@echo "      summary.json and *.png in each (sim/README.md explains every field)"

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMESO_SANITIZE=ON

asan-test: $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS) -L unit

check: deps
	$(MAKE) test
	$(MAKE) asan-test

# libFuzzer ships with clang on Debian 12 in libclang-rt-14-dev; it is not
# one of the required packages, so check for it here rather than install it.
# Every harness of tests/fuzz in turn, FUZZ_SECONDS each (FUZZ_TARGETS picks):
# each fuzz_NAME.c but fuzz_main.c (the replay driver) and fuzz_master.c (the
# master harnesses' shared part), so that a new harness is fuzzed unasked.
FUZZ_TARGETS ?= $(filter-out main master,$(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c))))

fuzz:
	@test -f "$$($(CLANG) -print-runtime-dir 2>/dev/null)/libclang_rt.fuzzer-x86_64.a" || \
	  { echo "fuzz: $(CLANG) has no libFuzzer runtime (Debian: apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=$(CLANG) -DCMAKE_BUILD_TYPE=Debug -DMESO_LIBFUZZER=ON
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	  ./$(FUZZ_BUILD)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) $$dict \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

# make experiments: every reproduction of the papers' results (EXPERIMENTS.md),
# meso-sim built in its own directory; tables and PNGs in experiments/results/.
EXP_BUILD ?= build-exp
.PHONY: experiments
experiments:
	cmake -S . -B $(EXP_BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(EXP_BUILD) -j1 --target meso-sim meso-trace
	MESO_SIM=$(CURDIR)/$(EXP_BUILD)/sim/meso-sim ./experiments/run_all.sh

# make bench: the Google Benchmark suite (bench/README.md), built with
# -O2 -DNDEBUG in its own directory; JSON in bench/results/latest.json.
BENCH_BUILD ?= build-bench

bench: deps
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DMESO_BENCH=ON -DMESO_TESTS=OFF
	cmake --build $(BENCH_BUILD) -j$(JOBS) --target meso-bench
	./bench/run.sh $(BENCH_BUILD)/bench/meso-bench

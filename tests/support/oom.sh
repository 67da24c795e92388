# oom.sh — sourced by the out-of-memory sweeps of whole programs
# (tests/sim/oom.sh, tests/scenarios/oom.sh, tests/traces/oom.sh): a
# program run again with each of its allocations failing in turn through
# failmalloc.c (LD_PRELOAD). A run must either end with status 0 and the
# results of the run without a failure, or end with a non-zero status below
# 128 and a message: never a crash, never other results without an error.
# The caller sets OOM_LIB (the failmalloc library) and, when the program's
# results are its standard output, OOM_STDOUT (a file for it); it defines
#   oom_prepare: run before each run (clears what the last one wrote);
#   oom_same: status 0 when the run's results equal the clean run's.
OOM_RUNS=0
OOM_FAILS=0

# oom_require BIN: exits 77 (ctest's skip) when BIN is built with ASan,
# whose runtime will not take a preloaded allocator. (ldd's whole output
# first: with pipefail, `ldd | grep -q` fails whenever grep stops reading
# before ldd has written all, and the sweep then ran under ASan.)
oom_require() {
	local libs
	libs=$(ldd "$1")
	if [[ $libs == *libasan* ]]; then
		echo "oom.sh: $1 is built with ASan: skipped"
		exit 77
	fi
}

# oom_outdir DIR: DIR emptied for the sweep; each run writes DIR/run
# (cleared before it: the default oom_prepare), the clean run DIR/clean.
oom_outdir() {
	OUT=$1
	rm -rf "$OUT"
	mkdir -p "$OUT"
	oom_prepare() { rm -rf "$OUT/run"; }
}

# oom_sweep NAME PREFIX FIRST STRIDE CMD...: counts CMD's allocations,
# then runs it with allocation n failing for every n below FIRST and
# every STRIDE-th after; PREFIX (a grep pattern) starts the message a
# failed run must give on stderr. The clean run's results must be in place (oom_same's).
oom_sweep() {
	local name=$1 prefix=$2 first=$3 stride=$4
	shift 4
	local err total n rc
	err=$(mktemp)
	oom_prepare
	total=$(FAIL_MALLOC_COUNT=1 LD_PRELOAD=$OOM_LIB "$@" 2>&1 > "${OOM_STDOUT:-/dev/null}" |
		sed -n 's/^failmalloc: \([0-9]*\) allocations$/\1/p')
	[ -n "$total" ] && [ "$total" -gt 0 ] || { echo "FAIL: $name: no allocation counted" >&2; exit 1; }
	n=0
	while [ "$n" -lt "$total" ]; do
		oom_prepare
		set +e
		FAIL_MALLOC_AT=$n LD_PRELOAD=$OOM_LIB "$@" > "${OOM_STDOUT:-/dev/null}" 2> "$err"
		rc=$?
		set -e
		OOM_RUNS=$((OOM_RUNS + 1))
		if [ "$rc" -ge 128 ]; then
			echo "FAIL: $name, allocation $n failing: killed by signal $((rc - 128)): $(head -c 300 "$err")" >&2
			OOM_FAILS=$((OOM_FAILS + 1))
		elif [ "$rc" -eq 0 ] && ! oom_same; then
			echo "FAIL: $name, allocation $n failing: status 0 but other results" >&2
			OOM_FAILS=$((OOM_FAILS + 1))
		elif [ "$rc" -ne 0 ] && ! grep -q "^$prefix" "$err"; then
			echo "FAIL: $name, allocation $n failing: status $rc without a message: $(head -c 300 "$err")" >&2
			OOM_FAILS=$((OOM_FAILS + 1))
		fi
		if [ "$n" -lt "$first" ]; then n=$((n + 1)); else n=$((n + stride)); fi
	done
	rm -f "$err"
	echo "oom.sh: $name: $total allocations"
}

# oom_end: the verdict.
oom_end() {
	echo "oom.sh: $OOM_RUNS runs, $OOM_FAILS failed"
	[ "$OOM_FAILS" -eq 0 ]
}

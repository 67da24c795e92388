#!/usr/bin/env bash
# oom.sh SIM FAILMALLOC OUT — meso-sim out of memory: small runs made again
# with one allocation failing (tests/support/failmalloc.c, LD_PRELOAD), for
# every allocation of the two small workloads and, of the Google sample's
# 13,000, the first 300 and every 101st after. A run must either end with
# status 0 and results identical to the run without a failure (a failure
# absorbed, as alloccore's documented degradations are), or end with a
# non-zero status below 128 and a message from meso-sim: never a crash,
# never different results without an error.
set -euo pipefail
SIM=$1
LIB=$2
OUT=$3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$OUT"
mkdir -p "$OUT"
# The sanitizer build's meso-sim cannot take a preloaded allocator.
if ldd "$SIM" | grep -q libasan; then
	echo "oom.sh: $SIM is built with ASan: skipped"
	exit 77
fi
RESULTS="summary.json jobs.csv timeseries.csv utilization.csv"
fails=0
checked=0

# sweep NAME FIRST STRIDE ARGS...: every allocation below FIRST, then every
# STRIDE-th, of `meso-sim run ARGS`.
sweep() {
	local name=$1 first=$2 stride=$3
	shift 3
	local clean=$OUT/$name.clean
	"$SIM" run "$@" --out "$clean" --quiet > /dev/null 2> "$OUT/$name.err" ||
		{ echo "FAIL: $name without a failure: $(cat "$OUT/$name.err")" >&2; exit 1; }
	local total
	total=$(FAIL_MALLOC_COUNT=1 LD_PRELOAD=$LIB "$SIM" run "$@" --out "$OUT/$name.count" --quiet 2>&1 > /dev/null |
		sed -n 's/^failmalloc: \([0-9]*\) allocations$/\1/p')
	[ -n "$total" ] && [ "$total" -gt 0 ] || { echo "FAIL: $name: no allocation counted" >&2; exit 1; }
	local n=0 rc
	while [ "$n" -lt "$total" ]; do
		rm -rf "$OUT/$name.run"
		set +e
		FAIL_MALLOC_AT=$n LD_PRELOAD=$LIB "$SIM" run "$@" --out "$OUT/$name.run" --quiet > /dev/null 2> "$OUT/$name.err"
		rc=$?
		set -e
		checked=$((checked + 1))
		if [ "$rc" -ge 128 ]; then
			echo "FAIL: $name, allocation $n failing: killed by signal $((rc - 128)): $(head -c 300 "$OUT/$name.err")" >&2
			fails=$((fails + 1))
		elif [ "$rc" -eq 0 ]; then
			for f in $RESULTS; do
				cmp -s "$clean/$f" "$OUT/$name.run/$f" || {
					echo "FAIL: $name, allocation $n failing: status 0 but $f differs" >&2
					fails=$((fails + 1))
				}
			done
		elif ! grep -q '^meso-sim: ' "$OUT/$name.err"; then
			echo "FAIL: $name, allocation $n failing: status $rc without a message: $(head -c 300 "$OUT/$name.err")" >&2
			fails=$((fails + 1))
		fi
		if [ "$n" -lt "$first" ]; then n=$((n + 1)); else n=$((n + stride)); fi
	done
	echo "oom.sh: $name: $total allocations"
}

sweep drf 1000000 1 --workload "$ROOT/tests/sim/e2e/drf_example/w" --until 50 --sample 10
sweep multi_role 1000000 1 --workload "$ROOT/tests/sim/e2e/multi_role/w" --until 100
sweep google2011 300 101 --trace "google2011:$ROOT/traces/samples/google2011" --sample 3600
echo "oom.sh: $checked runs, $fails failed"
[ "$fails" -eq 0 ]

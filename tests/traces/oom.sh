#!/usr/bin/env bash
# oom.sh MESO_TRACE FAILMALLOC OUT — meso-trace out of memory: `convert`
# of the Google sample to the binary form and `gen` of a small workload,
# run again with each of their allocations failing in turn
# (tests/support/failmalloc.c, LD_PRELOAD). A run must either end with
# status 0 and the same output as the run without a failure, or end with a
# non-zero status below 128 and a message: never a crash, never a file
# written short without an error.
set -euo pipefail
TRACE=$1
LIB=$2
OUT=$3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if ldd "$TRACE" | grep -q libasan; then
	echo "oom.sh: $TRACE is built with ASan: skipped"
	exit 77
fi
rm -rf "$OUT"
mkdir -p "$OUT"
fails=0
runs=0

# sweep NAME RESULT ARGS...: meso-trace ARGS writes RESULT (a file or a
# folder, compared whole); every allocation of the run fails in turn.
sweep() {
	local name=$1 result=$2
	shift 2
	rm -rf "$result"
	"$TRACE" "$@" > /dev/null 2> "$OUT/err" || { echo "FAIL: $name without a failure: $(cat "$OUT/err")" >&2; exit 1; }
	rm -rf "$OUT/$name.clean"
	mv "$result" "$OUT/$name.clean"
	local total
	total=$(FAIL_MALLOC_COUNT=1 LD_PRELOAD=$LIB "$TRACE" "$@" 2>&1 > /dev/null |
		sed -n 's/^failmalloc: \([0-9]*\) allocations$/\1/p')
	[ -n "$total" ] && [ "$total" -gt 0 ] || { echo "FAIL: $name: no allocation counted" >&2; exit 1; }
	local n rc
	for ((n = 0; n < total; n++)); do
		rm -rf "$result"
		set +e
		FAIL_MALLOC_AT=$n LD_PRELOAD=$LIB "$TRACE" "$@" > /dev/null 2> "$OUT/err"
		rc=$?
		set -e
		runs=$((runs + 1))
		if [ "$rc" -ge 128 ]; then
			echo "FAIL: $name, allocation $n failing: killed by signal $((rc - 128))" >&2
			fails=$((fails + 1))
		elif [ "$rc" -eq 0 ] && ! diff -rq "$OUT/$name.clean" "$result" > /dev/null; then
			echo "FAIL: $name, allocation $n failing: status 0 but another output" >&2
			fails=$((fails + 1))
		elif [ "$rc" -ne 0 ] && ! grep -q '^meso-trace: ' "$OUT/err"; then
			echo "FAIL: $name, allocation $n failing: status $rc without a message: $(head -c 300 "$OUT/err")" >&2
			fails=$((fails + 1))
		fi
	done
	echo "oom.sh: $name: $total allocations"
}

sweep convert "$OUT/g.bin" convert "google2011:$ROOT/traces/samples/google2011" "$OUT/g.bin"
sweep gen "$OUT/gen" gen --machines 20 --tasks 200 --seed 1 --out "$OUT/gen"
echo "oom.sh: $runs runs, $fails failed"
[ "$fails" -eq 0 ]

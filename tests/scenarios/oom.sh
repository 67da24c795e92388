#!/usr/bin/env bash
# oom.sh MESO_ALLOC FAILMALLOC — meso-alloc out of memory: a few scenarios
# run again with each of their allocations failing in turn
# (tests/support/failmalloc.c, LD_PRELOAD). A run must either end with
# status 0 and the output of the run without a failure (the failure
# absorbed, as alloccore's documented degradations are), or end with a
# non-zero status below 128 and a message: never a crash, never a script
# cut short without an error.
set -euo pipefail
ALLOC=$1
LIB=$2
HERE=$(cd "$(dirname "$0")" && pwd)
if ldd "$ALLOC" | grep -q libasan; then
	echo "oom.sh: $ALLOC is built with ASan: skipped"
	exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
runs=0
for name in drf_paper dynamic_reserve multirole ports quota_guarantee quota_limit; do
	scn=$HERE/$name.scn
	"$ALLOC" "$scn" > "$T/clean.out" 2> /dev/null || true
	total=$(FAIL_MALLOC_COUNT=1 LD_PRELOAD=$LIB "$ALLOC" "$scn" 2>&1 > /dev/null |
		sed -n 's/^failmalloc: \([0-9]*\) allocations$/\1/p')
	[ -n "$total" ] || { echo "FAIL: $name: no allocation counted" >&2; exit 1; }
	for ((n = 0; n < total; n++)); do
		set +e
		FAIL_MALLOC_AT=$n LD_PRELOAD=$LIB "$ALLOC" "$scn" > "$T/out" 2> "$T/err"
		rc=$?
		set -e
		runs=$((runs + 1))
		if [ "$rc" -ge 128 ]; then
			echo "FAIL: $name, allocation $n failing: killed by signal $((rc - 128))" >&2
			fails=$((fails + 1))
		elif [ "$rc" -eq 0 ] && ! cmp -s "$T/clean.out" "$T/out"; then
			echo "FAIL: $name, allocation $n failing: status 0 but another output" >&2
			fails=$((fails + 1))
		elif [ "$rc" -ne 0 ] && [ ! -s "$T/err" ] && ! grep -q "memory" "$T/out"; then
			echo "FAIL: $name, allocation $n failing: status $rc without a message" >&2
			fails=$((fails + 1))
		fi
	done
	echo "oom.sh: $name: $total allocations"
done
echo "oom.sh: $runs runs, $fails failed"
[ "$fails" -eq 0 ]

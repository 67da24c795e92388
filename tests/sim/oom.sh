#!/usr/bin/env bash
# oom.sh SIM FAILMALLOC OUT — meso-sim out of memory (tests/support/oom.sh):
# every allocation of two small workloads' runs and, of the Google
# sample's 13,000, the first 300 and every 101st after, failing in turn.
set -euo pipefail
SIM=$1
OOM_LIB=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/support/oom.sh"
oom_require "$SIM"
oom_outdir "$3"
oom_same() {
	local f
	for f in summary.json jobs.csv timeseries.csv utilization.csv; do
		cmp -s "$OUT/clean/$f" "$OUT/run/$f" || return 1
	done
}
# sweep NAME FIRST STRIDE ARGS...: of `meso-sim run ARGS`
sweep() {
	local name=$1 first=$2 stride=$3
	shift 3
	rm -rf "$OUT/clean"
	"$SIM" run "$@" --out "$OUT/clean" --quiet > /dev/null
	oom_sweep "$name" "meso-sim: " "$first" "$stride" "$SIM" run "$@" --out "$OUT/run" --quiet
}
sweep drf 1000000 1 --workload "$ROOT/tests/sim/e2e/drf_example/w" --until 50 --sample 10
sweep multi_role 1000000 1 --workload "$ROOT/tests/sim/e2e/multi_role/w" --until 100
sweep google2011 300 101 --trace "google2011:$ROOT/traces/samples/google2011" --sample 3600
oom_end

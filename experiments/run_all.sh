#!/bin/sh
# Runs every experiment in priority order; tables and figures land in
# experiments/results/, raw simulator outputs in experiments/out/.
# Experiments 5 and 6 also need meso-trace (`meso-trace gen`, `convert`):
# it is built beside $MESO_SIM when that build directory lacks it.
set -e
here=$(dirname "$0")
if [ -n "$MESO_SIM" ] && [ -z "$MESO_TRACE" ]; then
	b=$(dirname "$(dirname "$MESO_SIM")")
	if [ ! -x "$b/traces/meso-trace" ] && [ -f "$b/CMakeCache.txt" ]; then
		cmake --build "$b" -j1 --target meso-trace
	fi
fi
for e in exp1_drf exp2_analytic exp3_macro exp4_locality exp5_traces exp6_scale exp8_policy_modules; do
	echo "== $e"
	start=$(date +%s)
	python3 "$here/$e.py"
	echo "== $e: $(( $(date +%s) - start )) s"
done
# experiment 7 is a sweep config (sim/README.md, "meso-sim sweep")
sim=${MESO_SIM:-$here/../build/sim/meso-sim}
echo "== exp7_sweep"
"$sim" sweep "$here/exp7_sweep.conf" --quiet

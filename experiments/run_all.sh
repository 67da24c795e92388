#!/bin/sh
# Runs every experiment in priority order; tables and figures land in
# experiments/results/, raw simulator outputs in experiments/out/.
set -e
here=$(dirname "$0")
for e in exp1_drf exp2_analytic exp3_macro exp4_locality exp5_traces exp6_scale; do
	echo "== $e"
	start=$(date +%s)
	python3 "$here/$e.py"
	echo "== $e: $(( $(date +%s) - start )) s"
done

#!/usr/bin/env bash
# bench_scaling.sh [JSON] [PNG] — extracts the full-pass medians (pass_core,
# pass_ref) from a meso-bench JSON file and draws plots/bench_scaling.gp.
set -euo pipefail
json=${1:-bench/results/latest.json}
png=${2:-plots/bench_scaling.png}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for who in core ref; do
  jq -r --arg who "$who" '
    (if any(.benchmarks[]; .run_type == "aggregate")
     then .benchmarks[] | select(.run_type == "aggregate" and .aggregate_name == "median")
     else .benchmarks[] end)
    | select(.run_name | test("^pass_" + $who + "/"))
    | (.run_name | capture("agents:(?<a>[0-9]+)/fws:(?<f>[0-9]+)")) as $m
    | "\($m.a) \($m.f) \(.real_time * ({"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1e3}[.time_unit]))"
  ' "$json" | sort -n -k1,1 -k2,2 > "$tmp/pass_$who.dat"
done
# A subset run may lack some series: gnuplot's "no valid points" is expected.
gnuplot -e "core='$tmp/pass_core.dat'; ref='$tmp/pass_ref.dat'; out='$png'" "$(dirname "$0")/bench_scaling.gp" \
  2> >(grep -v 'Skipping data file with no valid points' >&2)

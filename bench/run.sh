#!/usr/bin/env bash
# run.sh [BINARY] — runs the benchmark suite (what `make bench` does):
# Google Benchmark JSON to bench/results/latest.json, a Markdown summary to
# bench/results/latest.md, and the scaling plot to bench/results/latest.png
# (all gitignored; plots/bench_scaling.png is the quoted run's plot).
# Environment: BENCH_REPETITIONS (5), BENCH_MIN_TIME (0.2 s), BENCH_FILTER.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build-bench/bench/meso-bench}
out=bench/results/latest.json
mkdir -p bench/results
args=(--benchmark_repetitions="${BENCH_REPETITIONS:-5}" --benchmark_display_aggregates_only=true
      --benchmark_min_time="${BENCH_MIN_TIME:-0.2}" --benchmark_out="$out" --benchmark_out_format=json)
[ -n "${BENCH_FILTER:-}" ] && args+=(--benchmark_filter="$BENCH_FILTER")
echo "run.sh: $bin ${args[*]}" >&2
"$bin" "${args[@]}"
bench/report.sh "$out" > bench/results/latest.md
if command -v gnuplot > /dev/null && command -v jq > /dev/null; then
  plots/bench_scaling.sh "$out" bench/results/latest.png
else
  echo "run.sh: gnuplot or jq missing, no plot" >&2
fi
echo "run.sh: wrote $out, bench/results/latest.md, bench/results/latest.png" >&2

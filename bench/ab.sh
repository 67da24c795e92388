#!/usr/bin/env bash
# ab.sh A B [FILTER] [ROUNDS] — compares two meso-bench binaries in one
# sitting: each round runs A, then B (alternating, so that the shared
# machine's drift falls on both), each with --benchmark_repetitions=3 and
# its median kept. Prints every round, then per benchmark the median of the
# rounds' medians and B / A. Items per second when the benchmark reports
# items (higher is better), else real time (lower is better).
# FILTER: a Google Benchmark regex (default steady_core_bulk/agents:1000/);
# ROUNDS: default 4. BENCH_MIN_TIME: seconds a repetition (default 0.3).
# Needs jq. Only a ratio within one sitting means anything (BENCHMARKS.md).
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,10s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
a=$1 b=$2 filter=${3:-steady_core_bulk/agents:1000/} rounds=${4:-4}
for bin in "$a" "$b"; do
  [ -x "$bin" ] || { echo "ab.sh: $bin: not an executable" >&2; exit 2; }
done
command -v jq > /dev/null || { echo "ab.sh: jq is needed (apt-get install jq)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# one line per (round, side, benchmark): the median's value and its unit
run() {
  "$1" --benchmark_filter="$filter" --benchmark_repetitions=3 --benchmark_display_aggregates_only=true \
       --benchmark_min_time="${BENCH_MIN_TIME:-0.3}" --benchmark_format=json 2> /dev/null |
    jq -r '.benchmarks[] | select(.aggregate_name == "median") |
           if .items_per_second then "\(.run_name) \(.items_per_second) items/s"
           else "\(.run_name) \(.real_time) \(.time_unit)" end'
}
for r in $(seq "$rounds"); do
  for side in A B; do
    bin=$a
    [ $side = B ] && bin=$b
    run "$bin" | while read -r name value unit; do
      echo "$name $side $value $unit" >> "$tmp/all"
      printf 'round %d %s %-50s %14.6g %s\n' "$r" "$side" "$name" "$value" "$unit"
    done
  done
done
[ -s "$tmp/all" ] || { echo "ab.sh: no benchmark matched '$filter'" >&2; exit 1; }
echo "median of $rounds rounds (A = $a, B = $b):"
awk '{ v[$1 " " $2] = v[$1 " " $2] " " $3; unit[$1] = $4; names[$1] = 1 }
     function median(s,   n, x, i, j, t) {
       n = split(s, x, " ")
       for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }
       return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
     }
     END { for (n in names) {
             ma = median(v[n " A"]); mb = median(v[n " B"])
             printf "%-50s A %12.6g  B %12.6g %s  B/A %.3f\n", n, ma, mb, unit[n], ma ? mb / ma : 0
     } }' "$tmp/all"

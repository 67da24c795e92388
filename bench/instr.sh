#!/usr/bin/env bash
# instr.sh [BIN] [AGENTS] — instructions an offer of the steady state on the
# bulk path (steady_core_bulk/agents:AGENTS/fws:100, default 1000), counted
# by callgrind inside the benchmark's timed function (steady(), the
# cluster's setup subtracted): all told, and inclusive per part — the pass
# (ac_allocate) and the settle (ac_batch_settle) per offer, the recover
# (ac_recover) per call. Every agent is offered once a pass in this steady
# state, so offers = passes x AGENTS. Counts are exact and repeatable, unlike
# the machine's times; they are not times (BENCHMARKS.md, "The offer path
# in batches"). BIN: default build-bench/bench/meso-bench. Needs valgrind.
set -euo pipefail
bin=${1:-build-bench/bench/meso-bench}
agents=${2:-1000}
[ -x "$bin" ] || { echo "instr.sh: $bin: not an executable (make bench builds it)" >&2; exit 2; }
command -v valgrind > /dev/null || { echo "instr.sh: valgrind is needed (apt-get install valgrind; not among the build's packages)" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out" "$out".*' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=steady "$bin" \
  --benchmark_filter="steady_core_bulk/agents:$agents/fws:100\$" --benchmark_min_time=0.3 > /dev/null 2>&1
callgrind_annotate --tree=calling "$out" 2> /dev/null > "$out.tree"
# steady()'s calls of a function (the benchmark calls each part directly):
# their instructions all told, inlined callees included, and their number
edge() { grep -E "=> .*:$1 \(" "$out.tree" | head -1; }
incl() { edge "$1" | awk '{ gsub(",", "", $1); print $1 }'; }
calls() { edge "$1" | sed -E 's/.*\(([0-9,]+)x\).*/\1/' | tr -d ,; }
total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$out.tree")
setup=$(incl core_cluster_init_bulk)
passes=$(calls ac_allocate)
recovers=$(calls ac_recover)
offers=$((passes * agents))
[ "$offers" -gt 0 ] || { echo "instr.sh: no pass counted" >&2; exit 1; }
echo "steady_core_bulk/agents:$agents/fws:100: $passes passes, $offers offers, $recovers recovers"
echo "instructions an offer, all told: $(((total - setup) / offers))"
echo "  pass (ac_allocate):        $(($(incl ac_allocate) / offers)) an offer"
echo "  settle (ac_batch_settle):  $(($(incl ac_batch_settle) / offers)) an offer"
echo "  recover (ac_recover):      $(($(incl ac_recover) / recovers)) a call"

#!/usr/bin/env bash
# report.sh JSON — prints a Markdown table of a Google Benchmark JSON file
# written by meso-bench: the median of each benchmark's repetitions (or its
# single run), its throughput, mallocs in the timed region, and, where the
# reference allocator ran the same scenario at the same size, how many
# times faster alloccore is (reference time / core time).
set -euo pipefail
json=${1:-bench/results/latest.json}
jq -r '
  def fmt(x): if x == null then "" elif x >= 100 then (x | round | tostring)
              elif x >= 1 then ((x * 100 | round) / 100 | tostring)
              else ((x * 10000 | round) / 10000 | tostring) end;
  def si(x): if x == null then "" elif x >= 1e9 then fmt(x / 1e9) + " G"
             elif x >= 1e6 then fmt(x / 1e6) + " M" elif x >= 1e3 then fmt(x / 1e3) + " k"
             else fmt(x) end;
  def ns(b): b.real_time * ({"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.time_unit]);
  (if any(.benchmarks[]; .run_type == "aggregate")
   then [.benchmarks[] | select(.run_type == "aggregate" and .aggregate_name == "median")]
   else .benchmarks end) as $runs
  | [$runs[]
   | .key = (.run_name | sub("/iterations:[0-9]+"; "") | sub("/repeats:[0-9]+"; ""))] as $b
  | ($b | map({key: .key, value: .}) | from_entries) as $by
  | "| benchmark | median time | items/s | mallocs/iter | reference time | ref/core |",
    "|---|---|---|---|---|---|",
    ($b[] | select(.key | test("_ref/") | not)
     | . as $c
     | ($by[$c.key | sub("_core/"; "_ref/")] // null) as $r
     | ($r | if . != null and $c.key != ($c.key | sub("_core/"; "_ref/")) then . else null end) as $r
     | "| \($c.key) | \(fmt($c.real_time)) \($c.time_unit) | \(si($c.items_per_second)) | \(fmt($c.mallocs))"
       + " | \(if $r then fmt($r.real_time) + " " + $r.time_unit else "" end)"
       + " | \(if $r then fmt(ns($r) / ns($c)) + "x" else "" end) |")
' "$json"

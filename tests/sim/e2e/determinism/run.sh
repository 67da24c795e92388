# Same inputs and seed: every output but perf.json is byte-identical. The
# bundled example has four frameworks and 3,000 tasks, so the core's seeded
# shuffle decides many ties. A different seed gives a different run.
EX="$CASE/../../../../sim/examples/small"
"$SIM" run --workload "$EX" --out "$OUT/1" --seed 7 --quiet > /dev/null
"$SIM" run --workload "$EX" --out "$OUT/2" --seed 7 --quiet > /dev/null
for f in summary.json timeseries.csv utilization.csv jobs.csv; do
	cmp "$OUT/1/$f" "$OUT/2/$f" || { echo "FAIL: $f differs between identical runs" >&2; exit 1; }
done
test -s "$OUT/1/perf.json"
"$SIM" run --workload "$EX" --out "$OUT/3" --seed 8 --quiet > /dev/null
if cmp -s "$OUT/1/jobs.csv" "$OUT/3/jobs.csv"; then echo "FAIL: the seed changes nothing" >&2; exit 1; fi

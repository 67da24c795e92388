# Policy modules in meso-sim (alloccore/policies). One 4-cpu machine; L
# (priority 0) starts a 100 s task at t=0 that takes all of it; H
# (priority 9) submits a 10 s task at t=1.
MOD=$(dirname "$SIM")/../alloccore/policies
# Without preemption H waits for L: it starts at t=100, done at 110.
"$SIM" run --workload w --out "$OUT/prio" --policy priority --quiet > /dev/null
json_has "$OUT/prio/summary.json" '"simulated_seconds": 110,'
# The preemptive module: H has waited 5 s at the pass at t=6; L's task is
# killed and waits again (it reruns in full); H runs 6-16, L 16-116.
"$SIM" run --workload w --out "$OUT/pre" --policy "module:$MOD/preempt_priority.so:wait=5" --quiet > /dev/null
json_has "$OUT/pre/summary.json" "\"policy\": \"module:$MOD/preempt_priority.so:wait=5\""
json_has "$OUT/pre/summary.json" '"tasks_preempted": 1,'
json_has "$OUT/pre/summary.json" '"simulated_seconds": 116,'
json_has "$OUT/pre/summary.json" '"finished": 2,'
# The other modules load and run the same workload to the end.
for m in packing.so srjf.so example.so:H; do
	"$SIM" run --workload w --out "$OUT/m" --policy "module:$MOD/$m" --quiet > /dev/null
	json_has "$OUT/m/summary.json" '"finished": 2,'
done
# A module of another API version, and bad ARGS: refused with exit 2.
set +e
"$SIM" run --workload w --out "$OUT/bad" --policy "module:$MOD/bad_version.so" 2> "$OUT/err1"
[ $? -eq 2 ] || { echo "FAIL: bad_version.so not refused with 2" >&2; exit 1; }
"$SIM" run --workload w --out "$OUT/bad" --policy "module:$MOD/packing.so:window=x" 2> "$OUT/err2"
[ $? -eq 2 ] || { echo "FAIL: bad ARGS not refused with 2" >&2; exit 1; }
set -e
json_has "$OUT/err1" 'is built for policy API version 999; this program has version 1'
json_has "$OUT/err2" "arguments 'window=x': window: expected a number from 1 to 32, got 'x'"

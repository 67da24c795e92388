# Static partitioning, a task that fits the cluster but not its slice
# (issue 20's hang): A gets m1, B m2 (4 cpus each), C nothing, and C's one
# 3-cpu task fits m1 and m2 but no machine of C's (empty) slice. The run
# ends at once and counts the task as never fitting, instead of ticking
# forever. Under drf it runs on a shared machine.
"$SIM" run --workload w --out "$OUT/static" --policy static --quiet > /dev/null
json_has "$OUT/static/summary.json" '"never_fit": 1,'
json_has "$OUT/static/summary.json" '"simulated_seconds": 0,'
"$SIM" run --workload w --out "$OUT/drf" --quiet > /dev/null
json_has "$OUT/drf/summary.json" '"finished": 1,'

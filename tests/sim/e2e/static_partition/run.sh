# Static partitioning: A gets m1 and m3, B m2 and m4 (round robin in the
# order machines join). A's four 2-cpu tasks run two at a time on its own
# slice even though B leaves its slice idle after t=1; with sharing (drf)
# three of A's tasks start at t=0 (B takes one machine for 1 s) and the
# fourth at t=1.
"$SIM" run --workload w --out "$OUT/static" --policy static --quiet > /dev/null
json_has "$OUT/static/summary.json" '"policy": "static"'
json_has "$OUT/static/summary.json" '"simulated_seconds": 20,'
json_has "$OUT/static/summary.json" '"job_completion_seconds": {"count": 2, "mean": 10.500000, "p50": 1, "p95": 20, "p99": 20}'
"$SIM" run --workload w --out "$OUT/drf" --quiet > /dev/null
json_has "$OUT/drf/summary.json" '"simulated_seconds": 11,'

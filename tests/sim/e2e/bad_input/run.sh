# A bad row stops the run with exit status 2 and a message naming file,
# line and column; --skip-bad-rows skips and counts them (bad_rows).
exits_with 2 "$SIM" run --workload w --out "$OUT" --quiet
json_has "$OUT/err" 'w/tasks.csv:3: column duration: negative value'
"$SIM" run --workload w --out "$OUT" --skip-bad-rows --quiet > /dev/null 2> "$OUT/err"
json_has "$OUT/summary.json" '"bad_rows": 2,'
json_has "$OUT/summary.json" '"submitted": 1,'
json_has "$OUT/err" 'w/tasks.csv:4: column cpus'

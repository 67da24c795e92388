# Rows only the simulator can judge: a task_index given twice in a job, a
# job whose gang flag changes, an index above the limit. Each stops the run
# (exit status 2) naming the row; with --skip-bad-rows each is skipped and
# counted, and the job keeps the tasks that were good (indices 0 and 1).
exits_with 2 "$SIM" run --workload w --out "$OUT" --quiet
json_has "$OUT/err" 'w/tasks.csv:3: job j: task_index 0 was already submitted'
"$SIM" run --workload w --out "$OUT" --skip-bad-rows --quiet > /dev/null 2> "$OUT/err"
json_has "$OUT/err" 'w/tasks.csv:4: job j: gang is 1 here but 0 on its first task'
json_has "$OUT/err" 'w/tasks.csv:5: job j: task_index 16777216 is above the limit of 16777215'
json_has "$OUT/summary.json" '"bad_rows": 3,'
json_has "$OUT/summary.json" '"submitted": 2,'
json_has "$OUT/summary.json" '"finished": 2,'

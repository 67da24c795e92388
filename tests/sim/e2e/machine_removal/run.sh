# Two 4-cpu tasks fill both machines at t=0; m1 leaves at t=5 and its task
# is lost (reported, its job never finishes). With --resubmit-lost the task
# waits until m2 frees up at t=20 and runs again until t=40.
"$SIM" run --workload w --out "$OUT" --quiet > /dev/null
json_has "$OUT/summary.json" '"launched": 2, "finished": 1, "lost": 1,'
json_has "$OUT/summary.json" '"jobs": {"submitted": 1, "finished": 0, "unfinished": 1}'
json_has "$OUT/summary.json" '"simulated_seconds": 20,'
"$SIM" run --workload w --out "$OUT/re" --resubmit-lost --quiet > /dev/null
json_has "$OUT/re/summary.json" '"launched": 3, "finished": 2, "lost": 1,'
same "$OUT/re/jobs.csv" "job_id,framework,submit,start,finish,wait,tasks
j,A,0,0,40,0,2"

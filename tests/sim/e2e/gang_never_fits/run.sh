# A gang job of three 3-cpu tasks cannot fit two 4-cpu machines: it never
# starts, is reported as never_fit, and blocks neither B, nor A's other job
# a, nor A's gang job h (which fits: one task per machine), nor the end of
# the run (t=6, when h ends).
"$SIM" run --workload w --out "$OUT" --quiet > /dev/null
json_has "$OUT/summary.json" '"never_fit": 3'
json_has "$OUT/summary.json" '"jobs": {"submitted": 4, "finished": 3, "unfinished": 1}'
same "$OUT/jobs.csv" "job_id,framework,submit,start,finish,wait,tasks
g,A,0,,,,3
b,B,0,0,5,0,1
a,A,1,1,6,0,1
h,A,2,2,6,0,2"
json_has "$OUT/summary.json" '"simulated_seconds": 6,'

# --remote-slowdown: a task whose preferred machine is taken runs elsewhere
# (no locality wait) and takes F times its duration; a local task, or one
# without a preference, takes its duration. Two tasks prefer m1 and one
# has no preference, on two 1-CPU machines: job a runs on m1 (0-100), job b
# on m2 at 2.5x (0-250), job c waits for m1 (100-200).
"$SIM" run --workload w --out "$OUT" --quiet --locality-wait 0 --remote-slowdown 2.5 --seed 1
json_has "$OUT/summary.json" '"remote_slowdown": 2.5,'
same "$OUT/jobs.csv" 'job_id,framework,submit,start,finish,wait,tasks
a,A,0,0,100,0,1
b,A,0,0,250,0,1
c,A,0,100,200,100,1'
# the default leaves the summary as it was
"$SIM" run --workload w --out "$OUT" --quiet --locality-wait 0 --seed 1
grep -q remote_slowdown "$OUT/summary.json" && { echo "FAIL: remote_slowdown in the default summary" >&2; exit 1; }
set +e
"$SIM" run --workload w --out "$OUT" --quiet --remote-slowdown 0.5 2> "$OUT/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "FAIL: exit status $rc for --remote-slowdown 0.5" >&2; exit 1; }
json_has "$OUT/err" '--remote-slowdown: expected a plain decimal from 1 to 1000'

# --tasks-out: one row per task, as it ends (then the ones left at the end).
# A task lost with its machine is "lost"; with --resubmit-lost it runs again
# and its row says so. Placement against a preference is "local"/"remote".
"$SIM" run --workload ../machine_removal/w --out "$OUT/lost" --quiet --tasks-out > /dev/null
same "$OUT/lost/tasks.csv" 'job_id,task_index,framework,submit,start,end,agent,wait,locality,lost,resubmitted,state
j,0,A,0,0,5,m1,0,,1,0,lost
j,1,A,0,0,20,m2,0,,0,0,finished'
"$SIM" run --workload ../machine_removal/w --out "$OUT/re" --quiet --tasks-out --resubmit-lost > /dev/null
same "$OUT/re/tasks.csv" 'job_id,task_index,framework,submit,start,end,agent,wait,locality,lost,resubmitted,state
j,1,A,0,0,20,m2,0,,0,0,finished
j,0,A,0,0,40,m2,0,,1,1,finished'
"$SIM" run --workload ../remote_slowdown/w --out "$OUT/loc" --quiet --tasks-out --locality-wait 0 \
	--remote-slowdown 2.5 --seed 1 > /dev/null
same "$OUT/loc/tasks.csv" 'job_id,task_index,framework,submit,start,end,agent,wait,locality,lost,resubmitted,state
a,0,A,0,0,100,m1,0,local,0,0,finished
c,0,A,0,100,200,m1,100,,0,0,finished
b,0,A,0,0,250,m2,0,remote,0,0,finished'
# cut short by --until: the rest are running or waiting
"$SIM" run --workload ../remote_slowdown/w --out "$OUT/until" --quiet --tasks-out --locality-wait 0 \
	--seed 1 --until 50 > /dev/null
same "$OUT/until/tasks.csv" 'job_id,task_index,framework,submit,start,end,agent,wait,locality,lost,resubmitted,state
a,0,A,0,0,,m1,0,local,0,0,running
b,0,A,0,0,,m2,0,remote,0,0,running
c,0,A,0,,,,,,0,0,waiting'
# gzip'd on request: the same rows
"$SIM" run --workload ../remote_slowdown/w --out "$OUT/gz" --quiet --tasks-gz --locality-wait 0 \
	--remote-slowdown 2.5 --seed 1 > /dev/null
test ! -e "$OUT/gz/tasks.csv"
zcat "$OUT/gz/tasks.csv.gz" | cmp - "$OUT/loc/tasks.csv"
# the other outputs do not change with --tasks-out
"$SIM" run --workload ../remote_slowdown/w --out "$OUT/plain" --quiet --locality-wait 0 \
	--remote-slowdown 2.5 --seed 1 > /dev/null
for f in summary.json jobs.csv timeseries.csv utilization.csv; do cmp "$OUT/plain/$f" "$OUT/loc/$f"; done

# Task priorities from the trace (sim/README.md, "Priorities"): A's task
# has priority 0, B's 9, and the frameworks none of their own. Both ask for
# the whole 4-cpu machine at t=0. DRF ignores priorities: A (the smaller
# name at equal shares) runs first. Under --policy priority a framework
# takes the highest priority of its waiting tasks: B runs first.
"$SIM" run --workload w --out "$OUT/drf" --quiet > /dev/null
same "$OUT/drf/jobs.csv" "job_id,framework,submit,start,finish,wait,tasks
a,A,0,0,10,0,1
b,B,0,10,20,10,1"
"$SIM" run --workload w --out "$OUT/prio" --policy priority --quiet > /dev/null
same "$OUT/prio/jobs.csv" "job_id,framework,submit,start,finish,wait,tasks
a,A,0,10,20,10,1
b,B,0,0,10,0,1"

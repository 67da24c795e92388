# The DRF paper's example (Ghodsi et al., NSDI 2011, section 4) as a
# workload: one machine <9 cpus, 18 GB>; A's tasks need <1 cpu, 4 GB>, B's
# <3 cpus, 1 GB>; both take one task per offer and decline the rest with
# refuse_seconds 0. Allocation passes run every second (no event-driven pass
# fires: nothing ends before t=100), each a full pass as in
# tests/scenarios/drf_paper.scn: A starts tasks at t=0, 2, 4 and B at 1, 3;
# then only mem:4096 is free and nothing fits. Progressive filling: A 3
# tasks, B 2, dominant shares 2/3 each.
"$SIM" run --workload w --out "$OUT" --until 50 --sample 10 --quiet > /dev/null
json_has "$OUT/summary.json" '{"name": "A", "role": "*", "tasks_launched": 3,'
json_has "$OUT/summary.json" '{"name": "B", "role": "*", "tasks_launched": 2,'
json_has "$OUT/summary.json" '"tasks": {"submitted": 8, "launched": 5, "finished": 0, "lost": 0, "never_fit": 0, "running_at_end": 5, "waiting_at_end": 3, "launched_with_preference": 0, "launched_local": 0}'
same "$OUT/jobs.csv" "job_id,framework,submit,start,finish,wait,tasks
a,A,0,0,,0,4
b,B,0,1,,1,4"
# from t=5 on, both hold 2/3 of the cluster in running tasks
json_has "$OUT/timeseries.csv" '50,A,3,3,12288,'
json_has "$OUT/timeseries.csv" '50,B,2,6,2048,0.666667'

# Reservations in a workload (machines.csv `reserved`, and the `reserve` and
# `unreserve` events: alloccore's static and dynamic reservations). One
# machine <4 cpus, 4 GB> with <2 cpus, 2 GB> reserved for role batch; W
# (role web) has four tasks <1 cpu, 1 GB> for 100 s at t=0, B (batch) two
# for 5 s at t=10. W gets only the unreserved half at t=0; B its
# reservation at t=10 (though W waits for more); at t=20 the reservation
# ends and W's last two tasks start. CPU utilization: 10 s at 1/2, 5 s at
# 1, 5 s at 1/2, 30 s at 1 = 0.85 of 50 s.
"$SIM" run --workload w --out "$OUT" --until 50 --sample 10 --quiet --tasks-out > /dev/null
same "$OUT/tasks.csv" "job_id,task_index,framework,submit,start,end,agent,wait,locality,lost,resubmitted,state
b,0,B,10,10,15,s1,0,,0,0,finished
b,1,B,10,10,15,s1,0,,0,0,finished
w,0,W,0,0,,s1,0,,0,0,running
w,1,W,0,0,,s1,0,,0,0,running
w,2,W,0,20,,s1,20,,0,0,running
w,3,W,0,20,,s1,20,,0,0,running"
json_has "$OUT/summary.json" '"utilization": {"cpus": 0.850000, "mem": 0.850000,'

# A dynamic reservation of the whole machine for batch at t=0: W gets
# nothing, B all it asks for.
"$SIM" run --workload dyn --out "$OUT/dyn" --until 50 --quiet > /dev/null
same "$OUT/dyn/jobs.csv" "job_id,framework,submit,start,finish,wait,tasks
w,W,0,,,,4
b,B,10,10,15,0,2"

# Bad rows: a `reserved` entry without a role, more reserved than the
# machine has, a reserve of what is not free (W runs on all of s3).
exits_with 2 "$SIM" run --workload bad --out "$OUT/bad" --quiet
json_has "$OUT/err" "bad/machines.csv:2: reserved: 'cpus:1': every entry names a role"
"$SIM" run --workload bad --out "$OUT/bad" --until 50 --quiet --skip-bad-rows > /dev/null 2> "$OUT/err"
json_has "$OUT/bad/summary.json" '"bad_rows": 3,'
json_has "$OUT/err" "bad/machines.csv:3: reserved: 'cpus(batch):5' is more than the machine has"
json_has "$OUT/err" 'bad/machines.csv:5: machine s3: reserve cpus(web):1: not free there now'

# A row for several roles is checked as a whole and changes nothing when it
# is refused: cpus(web):3;cpus(batch):3 on 4 free cpus (each part alone
# would fit), then an unreserve of what batch does not have. The rows after
# each need the machine as it was (web's 3 cpus reserved, then all 4 free
# for B's task of 4 at t=5).
exits_with 2 "$SIM" run --workload sum --out "$OUT/sum" --quiet
json_has "$OUT/err" "sum/machines.csv:3: machine s1: reserve cpus(web):3;cpus(batch):3: not free there now"
"$SIM" run --workload sum --out "$OUT/sum" --quiet --skip-bad-rows > /dev/null 2> "$OUT/err"
json_has "$OUT/sum/summary.json" '"bad_rows": 2,'
json_has "$OUT/err" "sum/machines.csv:5: machine s1: unreserve cpus(web):2;cpus(batch):1: not free there now"
same "$OUT/sum/jobs.csv" "job_id,framework,submit,start,finish,wait,tasks
b,B,5,5,10,0,1"

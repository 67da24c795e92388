# A multi-role framework (frameworks.csv `roles`, Mesos's MULTI_ROLE): M is
# in roles web and batch, each offered on its own as alloccore's role
# frameworks are (ac_mfw_*), and reported as M(web) and M(batch); a task
# names its role (an empty cell: the framework's first). One machine
# <4 cpus, 4 GB>, every task <1 cpu, 1 GB>, one task per offer, refuse 0, a
# pass a second: t=0 the roles tie at 0 and batch < web by name: M(batch);
# t=1 web (0 < 1/4), and in web M's role framework (named M in the core)
# < P by name: M(web); t=2 the roles tie at 1/4 with one offer each: batch;
# t=3 web (1/4 < 2/4), where P holds less: P. Each role has two cpus, as in
# Mesos's per-role sorters; M as a whole three.
"$SIM" run --workload w --out "$OUT" --until 50 --sample 10 --quiet > /dev/null
json_has "$OUT/summary.json" '{"name": "M(web)", "role": "web", "tasks_launched": 1,'
json_has "$OUT/summary.json" '{"name": "M(batch)", "role": "batch", "tasks_launched": 2,'
json_has "$OUT/summary.json" '{"name": "P", "role": "web", "tasks_launched": 1,'
same "$OUT/jobs.csv" "job_id,framework,submit,start,finish,wait,tasks
w,M(web),0,1,,1,2
b,M(batch),0,0,,0,3
p,P,0,3,,3,2"
json_has "$OUT/timeseries.csv" '50,M(batch),2,2,2048,0.500000'
json_has "$OUT/timeseries.csv" '50,M(web),1,1,1024,0.250000'

# A task naming a role its framework does not have is a bad row, and so is
# a job whose tasks name two roles.
exits_with 2 "$SIM" run --workload bad --out "$OUT/bad" --quiet
json_has "$OUT/err" "bad/tasks.csv:3: framework M has no role 'ops'"
"$SIM" run --workload bad --out "$OUT/bad" --quiet --skip-bad-rows > /dev/null 2> "$OUT/err"
json_has "$OUT/bad/summary.json" '"bad_rows": 3,'
json_has "$OUT/err" "bad/tasks.csv:4: framework P has no role 'batch' (its role is web)"
json_has "$OUT/err" 'bad/tasks.csv:5: job w belongs to framework M(web), not M(batch)'

# `role` and `roles` together are refused; the binary form keeps no roles.
exits_with 2 "$SIM" run --workload both --out "$OUT/both" --quiet
json_has "$OUT/err" 'both/frameworks.csv:2: column roles: give `role` or `roles`, not both'
TRACE="$(dirname "$SIM")/../traces/meso-trace"
if "$TRACE" convert w "$OUT/w.bin" 2> "$OUT/err"; then
	echo "FAIL: meso-trace convert kept a multi-role workload" >&2
	exit 1
fi
json_has "$OUT/err" 'framework M has several roles, which the binary form does not keep'

#!/usr/bin/env bash
# meso-sim sweep --on (issue 21, item 7): a small sweep run as tasks of a
# local meso-master with two agents, through meso-execute, gives
# results.csv and aggregate.csv byte-identical to the same sweep run here
# with --jobs 2; a task that fails is tried again and reported; a run that
# fails every attempt is listed in failed.csv; --on forms it cannot use
# are refused at start. Arguments: the runtime's bin dir, then meso-sim.
. "$(dirname "$0")/lib.sh" "$1"
SIM=$2
EX=$(cd "$(dirname "$0")/../../sim/examples/small" && pwd)

# 2 policies x 2 seeds = 4 runs of the example workload (~0.1 s each)
cat >"$T/s.conf" <<CONF
workload = $EX
policy = drf, asset
seed = 1, 2
CONF

refused() { refused_at_start "$1" "$SIM" sweep "$T/s.conf" "${@:2}"; }
refused 'expected mesos://HOST:PORT' --on http://127.0.0.1:5050
refused 'expected mesos://HOST:PORT' --on 127.0.0.1
refused 'is not an executable file' --on 127.0.0.1:5050 --execute "$T/none"
refused 'go with --on' --resources "cpus:1"

"$SIM" sweep "$T/s.conf" --jobs 2 --out "$T/local" --no-plot >/dev/null 2>"$T/local.log" ||
	fail "the local sweep failed: $(cat "$T/local.log")"

start_master
# room for one run on each agent
start_agent a1 "cpus:1;mem:512;disk:0" --isolation none
start_agent a2 "cpus:1;mem:512;disk:0" --isolation none

# meso-execute as the sweep runs it, but the first task it is asked for
# runs `exit 7` instead of meso-sim: a real task failing on the cluster
cat >"$T/flaky-execute" <<SH
#!/usr/bin/env bash
if mkdir "$T/flaked" 2>/dev/null; then
	args=()
	for a in "\$@"; do
		case "\$a" in --command=*) a='--command=exit 7' ;; esac
		args+=("\$a")
	done
	exec "$BIN/meso-execute" "\${args[@]}"
fi
exec "$BIN/meso-execute" "\$@"
SH
chmod +x "$T/flaky-execute"

on() { timeout 60 "$SIM" sweep "$T/s.conf" --on "mesos://127.0.0.1:$MASTER_PORT" --resources "cpus:1;mem:256" "$@"; }
on --jobs 2 --out "$T/cluster" --no-plot --execute "$T/flaky-execute" >/dev/null 2>"$T/cluster.log" ||
	fail "the sweep on the cluster failed"
cmp "$T/local/results.csv" "$T/cluster/results.csv" || fail "results.csv differs from the local sweep's"
cmp "$T/local/aggregate.csv" "$T/cluster/aggregate.csv" || fail "aggregate.csv differs from the local sweep's"
[ "$(wc -l <"$T/cluster/results.csv")" -eq 5 ] || fail "results.csv has not 4 runs"
# the failed task was named with its state and tried again
grep -q 'failed on the cluster, exit status 7: .*TASK_FAILED (Command exited with status 7).*; trying again (attempt 2 of 3)' \
	"$T/cluster.log" || fail "no report of the failed task"
grep -q 'sweep: 4/4 runs done (0 skipped, 0 failed, 1 retried)' "$T/cluster.log" || fail "no final progress line"
[ ! -e "$T/cluster/failed.csv" ] || fail "failed.csv although every run finished"
# every run went through the master: 4 finished tasks and the failed one
metrics=$(http_get "$MASTER_PORT" /metrics/snapshot)
echo "$metrics" | grep -Eq '"master/tasks_finished":4(\.0)?[,}]' || fail "not 4 finished tasks: $metrics"
echo "$metrics" | grep -Eq '"master/tasks_failed":1(\.0)?[,}]' || fail "not 1 failed task: $metrics"
for d in "$T"/cluster/runs/*/; do
	grep -q ': TASK_FINISHED' "$d/execute.log" || fail "$d: no TASK_FINISHED in execute.log"
done

# finished runs are not submitted again (meso-execute found beside meso-sim
# or in the build tree this time)
on --out "$T/cluster" --no-plot >/dev/null 2>"$T/again.log" || fail "the resumed sweep failed"
grep -q 'sweep: 4 runs, 4 already done' "$T/again.log" || fail "the resumed sweep redid runs: $(cat "$T/again.log")"
echo "$(http_get "$MASTER_PORT" /metrics/snapshot)" | grep -Eq '"master/tasks_finished":4(\.0)?[,}]' ||
	fail "the resumed sweep launched tasks"

# a run that fails every attempt (an unknown policy): given up, listed
cat >"$T/bad.conf" <<CONF
workload = $EX
policy = drf, no-such-policy
CONF
rc=0
timeout 60 "$SIM" sweep "$T/bad.conf" --on "127.0.0.1:$MASTER_PORT" --resources "cpus:1;mem:256" --retries 1 \
	--out "$T/bad" --no-plot >/dev/null 2>"$T/bad.log" || rc=$?
[ "$rc" -eq 1 ] || fail "a sweep with a failing run exited $rc, not 1"
grep -q 'policy=no-such-policy-.*; given up after 2 attempts' "$T/bad.log" || fail "no give-up report"
[ "$(wc -l <"$T/bad/failed.csv")" -eq 2 ] || fail "failed.csv: $(cat "$T/bad/failed.csv")"
grep -q '^policy=no-such-policy-[0-9a-f]*,2,2,.*TASK_FAILED (Command exited with status 2)' "$T/bad/failed.csv" ||
	fail "failed.csv: $(cat "$T/bad/failed.csv")"
grep -q 'no-such-policy' "$T"/bad/runs/policy=no-such-policy-*/run.log || fail "the failed run's run.log lacks its error"
[ "$(wc -l <"$T/bad/results.csv")" -eq 2 ] || fail "the finished run is not in results.csv"

#!/usr/bin/env bash
# Task groups survive their agent's restart. executor_scheduler.py
# "group-recover" runs groups d1 d2 and d3 d4 on the default executor "dg"
# (command tasks), group c1 c2 on custom executor "cg" (custom_executor.py, from
# the Mesos docs) and group q1 q2 on custom executor "qg", which has not
# subscribed yet (it waits for a hold file), so the group is queued at the
# agent. The agent is killed with SIGKILL and started again on its work_dir
# and port: d1..d4 are adopted with the same pids and RUNNING, cg (the
# same process) subscribes again, qg subscribes for the first time and gets
# the queued q1 q2 in one LAUNCH_GROUP, and nothing is reported lost.
# Then the group rules still hold, per group: a KILL of d1 kills d2 too (the
# default executor's rule) while d3 d4 run on; a KILL of d3 kills d4, and dg
# exits, its resources freed; a KILL of c1 reaches cg, which kills c1 alone
# (a custom executor decides: c2 runs on).
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

AGENT_FLAGS=(--executor_reregistration_timeout 10 --kill_grace 1)
start_master --agent_reregister_timeout 60
start_agent a1 "cpus:2;mem:1024" "${AGENT_FLAGS[@]}"
LOG="$T/executors.log"
python3 "$HERE/executor_scheduler.py" "$MASTER_PORT" "exec python3 $HERE/custom_executor.py" "$LOG" group-recover \
	>"$T/sched.out" 2>&1 &
SCHED=$!
PIDS+=($SCHED)
ready() { grep -q '^READY$' "$T/sched.out"; }
wait_for 30 "d1..d4 on dg and c1 c2 on cg running" ready
wait_for 10 "every update acknowledged" agent_all_acked a1

# task FIELD TASK: a field of the task in the agent's /state.
task() {
	http_get "${AGENT_PORT[a1]}" /state | python3 -c '
import json, sys
t = [t for t in json.load(sys.stdin)["tasks"] if t["id"] == sys.argv[2]]
print(t[0][sys.argv[1]] if t else "")' "$1" "$2"
}
# dg_gone: the master no longer charges executor dg.
dg_gone() { http_get "$MASTER_PORT" /state | python3 -c '
import json, sys
sys.exit(any(e["id"] == "dg" for e in json.load(sys.stdin)["executors"]))'; }
D1=$(task pid d1)
D2=$(task pid d2)
D3=$(task pid d3)
D4=$(task pid d4)
CG=$(sed -n 's/^cg START pid=//p' "$LOG")
for p in "$D1" "$D2" "$D3" "$D4"; do [ -n "$p" ] && [ "$p" -gt 0 ] || fail "d1..d4 lack pids: $D1 $D2 $D3 $D4"; done
[ -n "$CG" ] || fail "cg did not start: $(cat "$LOG")"
grep -qxF "cg LAUNCH_GROUP c1 c2 executor=cg" "$LOG" || fail "cg did not get c1 c2 in one LAUNCH_GROUP: $(cat "$LOG")"

kill -9 "${AGENT_PID[a1]}"
wait_exit "${AGENT_PID[a1]}" 10
wait_for 10 "cg to see the agent gone" grep -q '^cg DISCONNECTED$' "$LOG"
start_agent a1 "cpus:2;mem:1024" "${AGENT_FLAGS[@]}" --port "${AGENT_PORT[a1]}"
wait_for 10 "cg to subscribe again" grep -q '^cg RESUBSCRIBED executor=cg ' "$LOG"

# Adopted: the same processes, RUNNING at the agent and at the master.
[ "$(task pid d1) $(task pid d2) $(task pid d3) $(task pid d4)" = "$D1 $D2 $D3 $D4" ] ||
	fail "d1..d4 pids $D1 $D2 $D3 $D4 became $(task pid d1) $(task pid d2) $(task pid d3) $(task pid d4)"
for t in d1 d2 d3 d4; do [ "$(task recovered $t)" = True ] || fail "$t was not adopted"; done
for t in d1 d2 d3 d4 c1 c2; do
	[ "$(task state $t)" = TASK_RUNNING ] || fail "$t is $(task state $t) at the agent after the restart"
done
[ "$(task executor_id c1)" = cg ] || fail "c1 is not cg's task after the restart"
[ "$(grep -c '^cg START' "$LOG")" -eq 1 ] || fail "cg was started again"
exited "$CG" && fail "cg's process $CG is gone"
master_tasks_in TASK_RUNNING 6 || fail "the master does not show d1..d4 c1 c2 running"

# The group queued for qg while the agent restarted reaches it whole.
[ "$(task state q1)" = TASK_STAGING ] || fail "q1 is $(task state q1), not queued, before qg subscribes"
touch "$LOG.hold"
q_done() { grep -q '^update q1 TASK_RUNNING' "$T/sched.out" && grep -q '^update q2 TASK_FINISHED' "$T/sched.out"; }
wait_for 15 "q1 RUNNING and q2 FINISHED on qg" q_done
grep -qxF "qg LAUNCH_GROUP q1 q2 executor=qg" "$LOG" || fail "qg did not get q1 q2 in one LAUNCH_GROUP: $(cat "$LOG")"
[ "$(grep -c '^qg START' "$LOG")" -eq 1 ] || fail "qg was started again"

# The default executor's rule, per group: a KILL of d1 takes d2, not d3 d4.
dg_gone && fail "the master does not list dg before its tasks end"
kill -USR1 "$SCHED"
# killed A B: both tasks' TASK_KILLED arrived.
killed() { grep -q "^update $1 TASK_KILLED" "$T/sched.out" && grep -q "^update $2 TASK_KILLED" "$T/sched.out"; }
wait_for 15 "d1 and d2 TASK_KILLED" killed d1 d2
wait_for 5 "d2's process gone" exited "$D2"
{ exited "$D3" || exited "$D4"; } && fail "the kill of d1's group reached d3 d4's"
[ "$(task state d3) $(task state d4)" = "TASK_RUNNING TASK_RUNNING" ] || fail "d3 d4: $(task state d3) $(task state d4)"
dg_gone && fail "dg's resources were freed while d3 d4 run"
# ... and when its last group ends, dg exits.
kill -USR1 "$SCHED"
wait_for 15 "d3 and d4 TASK_KILLED" killed d3 d4
wait_for 10 "dg's resources freed at the master" dg_gone

# A custom executor's group: cg kills c1 alone.
kill -USR2 "$SCHED"
wait_for 10 "c1 TASK_KILLED" grep -q '^update c1 TASK_KILLED' "$T/sched.out"
grep -qxF "cg KILL c1" "$LOG" || fail "cg got no KILL for c1"
wait_for 10 "c1's TASK_KILLED acknowledged" grep -qxF "cg ACKNOWLEDGED c1 TASK_KILLED" "$LOG"
[ "$(task state c2)" = TASK_RUNNING ] || fail "c2 is $(task state c2) after c1 was killed"
[ "$(grep -c '^update c2 ' "$T/sched.out")" -eq 1 ] || fail "c2 had updates after RUNNING: $(grep '^update c2' "$T/sched.out")"
grep -q 'TASK_LOST' "$T/sched.out" && fail "a task was reported lost: $(cat "$T/sched.out")"
echo "PASS"

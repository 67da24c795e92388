#!/usr/bin/env bash
# A custom executor survives its agent's restart (Mesos's executor recovery
# with checkpointing). Executor r1 (custom_executor.py, written from the
# Mesos docs) runs t1 t2 t3, executor r2 runs t4 but never subscribes again
# once its connection breaks. The agent is killed with SIGKILL; while it is
# down r1 finishes t3 (its update cannot be delivered and waits). The agent
# is started again on its work_dir: r1, the same process, subscribes again
# with its unacknowledged update; t1 and t2 stay RUNNING (at the agent, the
# master and in a RECONCILE), t3's TASK_FINISHED arrives, and a KILL of t1
# goes through r1; r2 is killed after --executor_reregistration_timeout
# and t4 is TASK_FAILED with the reregistration-timeout reason. Executor r3
# (task t5) is killed while the agent is down: t5 is TASK_FAILED from r3's
# exit record. No task is reported lost.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

AGENT_FLAGS=(--executor_reregistration_timeout 4 --kill_grace 1)
start_master --agent_reregister_timeout 60
start_agent a1 "cpus:2;mem:1024" "${AGENT_FLAGS[@]}"
LOG="$T/executors.log"
python3 "$HERE/executor_scheduler.py" "$MASTER_PORT" "exec python3 $HERE/custom_executor.py" "$LOG" recover \
	>"$T/sched.out" 2>&1 &
SCHED=$!
PIDS+=($SCHED)
ready() { grep -q '^READY$' "$T/sched.out"; }
wait_for 30 "t1..t5 running on executors r1, r2 and r3" ready
wait_for 10 "every update acknowledged" agent_all_acked a1
R1=$(sed -n 's/^r1 START pid=//p' "$LOG")
R2=$(sed -n 's/^r2 START pid=//p' "$LOG")
R3=$(sed -n 's/^r3 START pid=//p' "$LOG")
[ -n "$R1" ] && [ -n "$R2" ] && [ -n "$R3" ] || fail "executors did not start: $(cat "$LOG")"
grep -q '^r1 ENV MESOS_CHECKPOINT=1$' "$LOG" || fail "r1 was not told MESOS_CHECKPOINT=1"
grep -q '^r1 ENV MESOS_RECOVERY_TIMEOUT=[0-9.]*secs$' "$LOG" || fail "r1 has no MESOS_RECOVERY_TIMEOUT"
grep -q '^r1 ENV MESOS_SUBSCRIPTION_BACKOFF_MAX=4secs$' "$LOG" || fail "r1's MESOS_SUBSCRIPTION_BACKOFF_MAX is not 4secs"
id_before=$(agent_id a1)

kill -9 "${AGENT_PID[a1]}"
wait_exit "${AGENT_PID[a1]}" 10
disconnected() { grep -q '^r1 DISCONNECTED$' "$LOG" && grep -q '^r2 DISCONNECTED$' "$LOG"; }
wait_for 10 "both executors to see the agent gone" disconnected
exited "$R1" && fail "executor r1 died with its agent"
# While the agent is down, r1 finishes t3: the update cannot be sent.
kill -USR1 "$R1"
unsent() { grep -q '^r1 UPDATE-UNSENT t3 TASK_FINISHED' "$LOG"; }
wait_for 10 "r1 to keep t3's TASK_FINISHED for later" unsent
# ... and r3 dies.
kill -9 "$R3"

t0=$(date +%s.%N)
# On its port, as an agent restarts: the executors know it by address.
start_agent a1 "cpus:2;mem:1024" "${AGENT_FLAGS[@]}" --port "${AGENT_PORT[a1]}"
resubscribed() { grep -q '^r1 RESUBSCRIBED executor=r1 ' "$LOG"; }
wait_for 10 "r1 to subscribe again" resubscribed
t1=$(date +%s.%N)
[ "$(agent_id a1)" = "$id_before" ] || fail "agent id changed"
[ "$(grep -c '^r1 START' "$LOG")" -eq 1 ] || fail "r1 was started again: $(grep '^r1 START' "$LOG")"
exited "$R1" && fail "r1's process $R1 is gone"
state=$(http_get "${AGENT_PORT[a1]}" /state)
grep -q "\"id\":\"r1\",\"framework_id\":\"[^\"]*\",\"container_id\":\"[^\"]*\",\"pid\":$R1,\"supervisor_pid\":[0-9]*,\"recovered\":true,\"subscribed\":true" <<<"$state" ||
	fail "the agent does not list r1 (pid $R1) as recovered and subscribed: $state"
finished() { grep -q '^update t3 TASK_FINISHED' "$T/sched.out"; }
wait_for 10 "t3's TASK_FINISHED, sent while the agent was down" finished
[ "$(grep -c '^update t3 TASK_FINISHED' "$T/sched.out")" -eq 1 ] || fail "t3's TASK_FINISHED arrived more than once"

t5_failed() { grep -q '^update t5 TASK_FAILED REASON_EXECUTOR_TERMINATED (Executor terminated: Killed)' "$T/sched.out"; }
wait_for 10 "t5 TASK_FAILED (r3 was killed while the agent was down)" t5_failed

# r2 never subscribes again: killed after --executor_reregistration_timeout.
t4_failed() { grep -q '^update t4 TASK_FAILED REASON_EXECUTOR_REREGISTRATION_TIMEOUT' "$T/sched.out"; }
wait_for 15 "t4 TASK_FAILED (r2 did not subscribe again)" t4_failed
t2_=$(date +%s.%N)
wait_for 5 "r2's process gone" exited "$R2"
grep -q '^failure executor r2' "$T/sched.out" || fail "no FAILURE event for r2"
grep -q "did not subscribe again within 4 s of the agent's restart" "$T/a1.log" || fail "the agent did not say why it killed r2"

# t1 and t2 run on: at the agent, at the master, and in a RECONCILE.
running() { [ "$(http_get "${AGENT_PORT[a1]}" /state | grep -o '"state":"TASK_RUNNING"' | wc -l)" -eq 2 ]; }
running || fail "the agent does not have t1 and t2 running: $(http_get "${AGENT_PORT[a1]}" /state)"
master_tasks_in TASK_RUNNING 2 || fail "the master does not show t1 and t2 running"
kill -USR1 "$SCHED"
reconciled() { grep -q '^reconcile t1 TASK_RUNNING$' "$T/sched.out" && grep -q '^reconcile t2 TASK_RUNNING$' "$T/sched.out"; }
wait_for 10 "RECONCILE answering TASK_RUNNING for t1 and t2" reconciled
# The re-adopted executor is reachable: a KILL of t1 goes through it.
kill -USR2 "$SCHED"
killed() { grep -q '^update t1 TASK_KILLED' "$T/sched.out" && grep -q '^r1 ACKNOWLEDGED t1 TASK_KILLED$' "$LOG"; }
wait_for 10 "t1 killed through r1 and acknowledged" killed
grep -q '^r1 KILL t1$' "$LOG" || fail "r1 got no KILL for t1"
grep -q 'TASK_LOST' "$T/sched.out" && fail "a task was reported lost: $(cat "$T/sched.out")"
http_get "${AGENT_PORT[a1]}" /metrics | grep -q '^meso_agent_recovered_executors_total{outcome="resubscribed"} 1$' ||
	fail "the agent did not count r1's re-subscription"
echo "r1 subscribed again $(awk "BEGIN{printf \"%.3f\", $t1 - $t0}") s after the restart; r2 killed and t4 failed $(awk "BEGIN{printf \"%.2f\", $t2_ - $t0}") s after it"
echo "PASS"

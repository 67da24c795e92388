#!/usr/bin/env bash
# An agent killed with SIGKILL and restarted on the same work_dir
# (--recover=reconnect, the default) takes its three running tasks back:
# the same agent id, the same task processes, RUNNING at the master and in
# a framework's RECONCILE, and no TASK_LOST. Prints the time from the
# restart to the re-registration.
. "$(dirname "$0")/lib.sh" "$1"

reconciled_running() { [ "$(grep -c 'TASK_RUNNING (Reconciliation' "$T/rec.out")" -ge 3 ]; }

start_master --agent_reregister_timeout 60
start_agent a1 "cpus:3;mem:768"
execute_bg rec --command 'sleep 300' --instances 3 --resources "cpus:0.5;mem:64"
wait_for 20 "three tasks running" master_tasks_in TASK_RUNNING 3
wait_for 10 "every update acknowledged" agent_all_acked a1
id_before=$(agent_id a1)
pids_before=$(agent_task_pids a1)
[ "$(echo $pids_before | wc -w)" -eq 3 ] || fail "expected 3 task pids, got '$pids_before'"

kill -9 "${AGENT_PID[a1]}"
wait_exit "${AGENT_PID[a1]}" 10
for p in $pids_before; do exited "$p" && fail "task process $p died with its agent"; done
t0=$(date +%s.%N)
start_agent a1 "cpus:3;mem:768"
t1=$(date +%s.%N)
id_after=$(agent_id a1)
[ "$id_after" = "$id_before" ] || fail "agent id changed: $id_before -> $id_after"
pids_after=$(agent_task_pids a1)
[ "$pids_after" = "$pids_before" ] || fail "task pids changed: '$pids_before' -> '$pids_after'"
for p in $pids_after; do exited "$p" && fail "task process $p is gone"; done
http_get "${AGENT_PORT[a1]}" /state | grep -q '"recovered":true' || fail "no task marked recovered"
master_tasks_in TASK_RUNNING 3 || fail "the master no longer shows 3 running tasks: $(http_get "$MASTER_PORT" /state)"
http_get "$MASTER_PORT" /metrics | grep -q '^meso_master_agent_reregistrations_total 1' ||
	fail "no re-registration counted at the master"
kill -USR1 "$EXEC_PID"
wait_for 10 "RECONCILE answering TASK_RUNNING for the three tasks" reconciled_running
grep -q TASK_LOST "$T/rec.out" && fail "a task was reported lost: $(cat "$T/rec.out")"
exited "$EXEC_PID" && fail "meso-execute ended: $(cat "$T/rec.out")"
rec_s=$(http_get "${AGENT_PORT[a1]}" /state | grep -o '"recovery_seconds":[0-9.e-]*' | cut -d: -f2)
echo "recovery: checkpoints read and tasks adopted in $(awk "BEGIN{printf \"%.4f\", $rec_s}") s; restart to registered in $(awk "BEGIN{printf \"%.3f\", $t1 - $t0}") s"

# The recovered agent still controls its tasks: a KILL ends them.
kill -TERM "$EXEC_PID"
wait_exit "$EXEC_PID" 20
[ "$(grep -c TASK_KILLED "$T/rec.out")" -eq 3 ] || fail "expected 3 TASK_KILLED: $(cat "$T/rec.out")"
for p in $pids_before; do wait_for 10 "task process $p gone" exited "$p"; done
echo "PASS"

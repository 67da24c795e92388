#!/usr/bin/env bash
# An agent that loses its master connection and re-registers within the
# agent timeout keeps its tasks: the master is frozen (SIGSTOP) until the
# agent gives up on it and reconnects, then thawed.
. "$(dirname "$0")/lib.sh" "$1"

start_master --agent_timeout 20
start_agent a1 "cpus:2;mem:1024" --master_timeout 1
execute_bg keep --command 'sleep 60'
wait_for 20 "the task running" master_tasks_in TASK_RUNNING 1
kill -STOP "$MASTER_PID"
wait_for 10 "the agent noticing the silent master" bash -c \
	"curl -sf http://127.0.0.1:${AGENT_PORT[a1]}/state | grep -q '\"registered\":false'"
kill -CONT "$MASTER_PID"
wait_for 10 "the agent registered again" agent_registered a1
wait_for 10 "the re-registration counted" bash -c \
	"curl -sf http://127.0.0.1:$MASTER_PORT/metrics | grep -q '^meso_master_agent_reregistrations_total 1'"
master_tasks_in TASK_RUNNING 1 || fail "the task is no longer running at the master"
exited "$EXEC_PID" && fail "meso-execute ended: $(cat "$T/keep.out")"
grep -q TASK_LOST "$T/keep.out" && fail "the task was reported lost"
kill -TERM "$EXEC_PID"
wait_exit "$EXEC_PID" 20
grep -q TASK_KILLED "$T/keep.out" || fail "no TASK_KILLED after the reconnection: $(cat "$T/keep.out")"
echo "PASS"

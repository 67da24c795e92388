#!/usr/bin/env bash
# A task killed on request ends TASK_KILLED: meso-execute turns SIGTERM into
# a KILL call, the agent sends TERM to the task's process group.
. "$(dirname "$0")/lib.sh" "$1"

start_master
start_agent a1 "cpus:2;mem:1024"
execute_bg sleeper --command 'sleep 60'
wait_for 20 "the task running" master_tasks_in TASK_RUNNING 1
kill -TERM "$EXEC_PID"
wait_exit "$EXEC_PID" 20
grep -q TASK_KILLED "$T/sleeper.out" || fail "no TASK_KILLED in $(cat "$T/sleeper.out")"
[ "$EXIT_STATUS" -eq 143 ] || fail "meso-execute exited $EXIT_STATUS after a kill, expected 143"
wait_for 10 "the agent's task gone" bash -c "! curl -sf http://127.0.0.1:${AGENT_PORT[a1]}/state | grep -q TASK_"
grep -qsz "^MESO_AGENT_WORK_DIR=$T/" /proc/[0-9]*/environ && fail "a task process survived the kill"
echo "PASS"

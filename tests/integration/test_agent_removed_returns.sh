#!/usr/bin/env bash
# An agent cut off (SIGSTOP) past the master's window is removed and its
# task reported TASK_LOST while the process still runs (its supervisor sees
# a live agent). When the agent resumes it gets a new id and kills the task
# the master declared lost (Mesos's behaviour for frameworks that are not
# partition-aware); the framework's task on another agent is untouched.
. "$(dirname "$0")/lib.sh" "$1"

start_master --agent_timeout 1 --agent_reregister_timeout 1.5
start_agent a1 "cpus:1;mem:256"
start_agent a2 "cpus:1;mem:256"
execute_bg part --command 'sleep 300' --instances 2 --resources "cpus:1;mem:64"
wait_for 20 "two tasks running" master_tasks_in TASK_RUNNING 2
pid=$(agent_task_pids a1)
id_before=$(agent_id a1)
kill -STOP "${AGENT_PID[a1]}"
wait_for 15 "the cut-off agent's task reported lost" grep -q TASK_LOST "$T/part.out"
exited "$pid" && fail "the task died although its agent lives"
kill -CONT "${AGENT_PID[a1]}"
wait_for 15 "the agent registered again" bash -c \
	"curl -sf http://127.0.0.1:${AGENT_PORT[a1]}/state | grep -q '\"registered\":true' &&
	 ! curl -sf http://127.0.0.1:${AGENT_PORT[a1]}/state | grep -q '\"id\":\"$id_before\"'"
wait_for 10 "the lost task's process killed" exited "$pid"
exited "$EXEC_PID" && fail "the framework ended: $(cat "$T/part.out")"
master_tasks_in TASK_RUNNING 1 || fail "the other agent's task is not running"
grep -q "framework .* shut down: killing its tasks" "$T/a1.log" || fail "the agent was not told to kill the task"
echo "PASS"

#!/usr/bin/env bash
# An agent killed with SIGKILL: after the agent timeout its tasks are
# TASK_LOST to their framework and its resources leave the offers; a new
# agent on the same work_dir kills what the dead one left running.
. "$(dirname "$0")/lib.sh" "$1"

start_master --agent_timeout 1.5
start_agent a1 "cpus:1;mem:512"
start_agent a2 "cpus:1;mem:512"
execute_bg lost --command 'sleep 60 && echo marker-lost' --resources "cpus:1;mem:256"
wait_for 20 "the task running" master_tasks_in TASK_RUNNING 1
victim=a1
http_get "${AGENT_PORT[a2]}" /state | grep -q TASK_RUNNING && victim=a2
victim_id=$(http_get "${AGENT_PORT[$victim]}" /state | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
[ -n "$victim_id" ] || fail "no agent id in the victim's /state"
kill -9 "${AGENT_PID[$victim]}"
wait_exit "$EXEC_PID" 20
grep -q 'TASK_LOST' "$T/lost.out" || fail "no TASK_LOST in $(cat "$T/lost.out")"
[ "$EXIT_STATUS" -ne 0 ] || fail "meso-execute exited 0 although its task was lost"
wait_for 10 "the lost agent removed" master_has_agents 1
state=$(http_get "$MASTER_PORT" /state)
echo "$state" | grep -q '"tasks":\[\]' || fail "the lost task is still in /state: $state"
# Its resources are gone from the master: no agent, offer or task names it.
echo "$state" | grep -qF "$victim_id" && fail "the lost agent $victim_id is still in /state: $state"
# The dead agent's task still runs; a new agent on its work_dir kills it.
grep -qsz "^MESO_AGENT_WORK_DIR=$T/$victim" /proc/[0-9]*/environ ||
	fail "expected a leftover task of $victim"
start_agent "$victim" "cpus:1;mem:512"
wait_for 10 "leftovers killed" bash -c "! grep -qsz '^MESO_AGENT_WORK_DIR=$T/$victim' /proc/[0-9]*/environ"
wait_for 10 "two agents again" master_has_agents 2
echo "PASS"

#!/usr/bin/env bash
# An agent killed with SIGKILL and not back within the master's
# re-registration window: its tasks are TASK_LOST to their framework and its
# resources leave the offers; when an agent on the same work_dir comes back
# later, it gets a new id. The task itself was killed by its supervisor
# before the master declared it lost, so its resources are never booked
# twice.
. "$(dirname "$0")/lib.sh" "$1"

start_master --agent_timeout 1.5 --agent_reregister_timeout 1.5
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
# Its task did not outlive the window: with a window (1.5 s) shorter than
# the kill grace, the supervisor's recovery timeout is 0 (capped so that a
# task is dead before its resources are offered again) and it killed the
# task as soon as its agent died.
wait_for 10 "the lost agent's task killed by its supervisor" bash -c \
	"! grep -qsz '^MESO_AGENT_WORK_DIR=$T/$victim' /proc/[0-9]*/environ"
grep -q "no agent came back within 0.0 s" "$T/$victim.log" || fail "the supervisor did not kill the task"
# The agent comes back later: a new id, and its old task is not taken back.
start_agent "$victim" "cpus:1;mem:512"
wait_for 10 "two agents again" master_has_agents 2
new_id=$(http_get "${AGENT_PORT[$victim]}" /state | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
[ "$new_id" != "$victim_id" ] || fail "the removed agent came back under its old id $victim_id"
echo "PASS"

#!/usr/bin/env bash
# Damaged checkpoints: with the agent killed, the test truncates
# work_dir/meta/agent and flips bytes inside one of two task checkpoints.
# The restarted agent names each bad file and why (log), moves it to
# meta/corrupt/, takes its id from the intact task checkpoint, recovers
# that task (same pid, RUNNING), and kills the process of the unreadable
# one, which the master then reports TASK_LOST (not reported by the
# re-registering agent). It never crashes.
. "$(dirname "$0")/lib.sh" "$1"

start_master --agent_reregister_timeout 60
start_agent a1 "cpus:2;mem:512"
execute_bg bad --command 'sleep 300' --instances 2 --resources "cpus:0.5;mem:64"
wait_for 20 "two tasks running" master_tasks_in TASK_RUNNING 2
wait_for 10 "every update acknowledged" agent_all_acked a1
id_before=$(agent_id a1)
kill -9 "${AGENT_PID[a1]}"
wait_exit "${AGENT_PID[a1]}" 10

files=("$T"/a1/meta/tasks/*/*.task)
[ "${#files[@]}" -eq 2 ] || fail "expected 2 task checkpoints, found ${files[*]}"
victim=${files[0]}
# The victim task's process: its sandbox is named like its checkpoint.
leaf=$(basename "$victim" .task)
victim_pid=$(grep -lsz "^MESOS_SANDBOX=.*/$leaf\$" /proc/[0-9]*/environ | grep -v self | head -1 | cut -d/ -f3)
[ -n "$victim_pid" ] || fail "no process of the victim task $leaf"
victim_task=$(tr '\0' '\n' <"/proc/$victim_pid/environ" | sed -n 's/^MESOS_TASK_ID=//p')
# Ten bytes in the middle of its message, and the agent file cut short.
printf 'XXXXXXXXXX' | dd of="$victim" bs=1 seek=40 conv=notrunc status=none
truncate -s 10 "$T/a1/meta/agent"

start_agent a1 "cpus:2;mem:512"
grep -q "checkpoint $T/a1/meta/agent is unusable (truncated" "$T/a1.log" || fail "no clear error for meta/agent"
grep -q "checkpoint $victim is unusable (CRC-32 mismatch" "$T/a1.log" || fail "no clear error for $victim"
[ "$(ls "$T/a1/meta/corrupt" | wc -l)" -eq 2 ] || fail "the bad files were not moved to meta/corrupt"
[ "$(agent_id a1)" = "$id_before" ] || fail "agent id not recovered from the intact task checkpoint"
wait_for 10 "the unreadable task's process killed" exited "$victim_pid"
wait_for 10 "the unreadable task reported lost" grep -q "^$victim_task: TASK_LOST (Task not reported" "$T/bad.out"
master_tasks_in TASK_RUNNING 1 || fail "the intact task is not running at the master"
[ "$(grep -c TASK_LOST "$T/bad.out")" -eq 1 ] || fail "more than the damaged task lost: $(cat "$T/bad.out")"
http_get "${AGENT_PORT[a1]}" /metrics | grep -q 'meso_agent_checkpoints_total{outcome="corrupt"} 2' ||
	fail "corrupt checkpoints not counted"
echo "PASS"

#!/usr/bin/env bash
# Finished sandboxes are removed after --gc_delay (1 s here, checked every
# 0.2 s); the sandbox of a running task stays.
. "$(dirname "$0")/lib.sh" "$1"

start_master
start_agent a1 "cpus:2;mem:512" --gc_delay 1 --disk_watch_interval 0.2
execute_bg keep --command 'sleep 300' --resources "cpus:0.5;mem:64"
wait_for 20 "the long task running" master_tasks_in TASK_RUNNING 1
execute_bg done --command 'echo output' --resources "cpus:0.5;mem:64"
wait_exit "$EXEC_PID" 20
[ "$EXIT_STATUS" -eq 0 ] || fail "the short task failed: $(cat "$T/done.out")"
sandboxes() { ls -d "$T"/a1/frameworks/*/tasks/* 2>/dev/null | wc -l; }
wait_for 10 "the finished sandbox collected" bash -c "[ \$(ls -d $T/a1/frameworks/*/tasks/* | wc -l) -eq 1 ]"
ls -d "$T"/a1/frameworks/*/tasks/keep-* >/dev/null || fail "the running task's sandbox was removed"
grep -q "removed finished sandbox .*/done-" "$T/a1.log" || fail "no log line for the collection"
http_get "${AGENT_PORT[a1]}" /metrics | grep -q '^meso_agent_sandboxes_collected_total 1' || fail "not counted"
echo "PASS"

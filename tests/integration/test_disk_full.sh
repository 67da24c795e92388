#!/usr/bin/env bash
# A full disk: the agent's work_dir on a 3 MiB tmpfs and a task that writes
# 4 MB to stdout. The task's end still reaches the framework (TASK_FINISHED)
# and its message says how much output was lost; the agent logs the failed
# writes; under that disk pressure the finished sandbox is collected at once
# although --gc_delay is a week. Needs root (mount); skipped otherwise.
. "$(dirname "$0")/lib.sh" "$1"

mkdir -p "$T/small"
if ! mount -t tmpfs -o size=3m meso-it "$T/small" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs (needs root)" >&2
	exit 77
fi
test_cleanup() { umount -l "$T/small" 2>/dev/null; }

start_master
# start_agent puts the work_dir under $T; this one lives on the tmpfs.
"$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/small/a1" \
	--resources "cpus:1;mem:256" --status_retry_interval 0.2 --disk_watch_interval 0.2 2>>"$T/a1.log" &
PIDS+=($!)
wait_for 10 "agent port file" test -s "$T/small/a1/agent.port"
AGENT_PORT[a1]=$(cat "$T/small/a1/agent.port")
wait_for 10 "agent registered" agent_registered a1

execute_bg fill --command 'head -c 4000000 /dev/zero; echo written >&2' --resources "cpus:0.5;mem:64"
wait_exit "$EXEC_PID" 30
grep -q "TASK_FINISHED (Command exited with status 0; output lost to a full disk: [1-9][0-9]* bytes of stdout" \
	"$T/fill.out" || fail "no finished status with the lost output: $(cat "$T/fill.out")"
grep -q "cannot write its stdout (No space left on device)" "$T/a1.log" || fail "the failed writes were not logged"
lost=$(http_get "${AGENT_PORT[a1]}" /metrics | sed -n 's/^meso_agent_output_bytes_lost_total //p')
[ "${lost:-0}" -gt 0 ] || fail "no lost output counted"
echo "output lost to the full disk: $lost bytes (of 4000000 + 8)"
wait_for 10 "the finished sandbox collected under disk pressure" bash -c \
	"! ls -d $T/small/a1/frameworks/*/tasks/* >/dev/null 2>&1"
grep -q "finished sandboxes are removed at once" "$T/a1.log" || fail "no disk-pressure line"
# The disk has room again: a new task runs and finishes normally.
execute_bg after --command 'echo fine' --resources "cpus:0.5;mem:64"
wait_exit "$EXEC_PID" 30
[ "$EXIT_STATUS" -eq 0 ] || fail "a task after the full disk failed: $(cat "$T/after.out")"
echo "PASS"

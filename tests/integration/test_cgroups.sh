#!/usr/bin/env bash
# Memory limits: a task that uses more memory than its resources say is
# killed and reported TASK_FAILED with the reason, on whichever cgroups the
# agent found (it says which in /state); skipped (77) where none is usable.
. "$(dirname "$0")/lib.sh" "$1"

start_master
start_agent a1 "cpus:2;mem:1024"
isolation=$(http_get "${AGENT_PORT[a1]}" /state | grep -o '"isolation":"[^"]*"')
case "$isolation" in
*cgroups*) ;;
*) echo "SKIP: no cgroups here ($isolation)"; exit 77 ;;
esac
# tail keeps its whole input (no newline in it): 300 MB against a 32 MB limit.
execute_bg hog --command 'head -c 300000000 /dev/zero | tail' --resources "cpus:0.5;mem:32"
wait_exit "$EXEC_PID" 60
grep -q 'TASK_FAILED (Memory limit exceeded' "$T/hog.out" || fail "no memory-limit failure: $(cat "$T/hog.out")"
[ "$EXIT_STATUS" -ne 0 ] || fail "meso-execute exited 0 for an OOM-killed task"
# Within its limits the same task shape runs, inside its own cgroup.
execute_bg fits --command 'grep -q "meso-" /proc/self/cgroup && head -c 1000000 /dev/zero | tail | wc -c' \
	--resources "cpus:0.5;mem:64"
wait_exit "$EXEC_PID" 60
[ "$EXIT_STATUS" -eq 0 ] || fail "a task within its limits failed: $(cat "$T/fits.out")"
echo "PASS ($isolation)"

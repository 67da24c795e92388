#!/usr/bin/env bash
# Kill policies and TASK_KILLING (Mesos 1.11's command-task behaviour):
# kill_policy_scheduler.py kills tasks that ignore SIGTERM under an agent
# whose --kill_grace (60 s) is longer than the test waits, so only the
# task's own policy (TaskInfo.kill_policy) or the KILL call's can end them;
# a framework with TASK_KILLING_STATE gets TASK_KILLING first, one without
# it does not.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

start_master
start_agent a1 "cpus:2;mem:1024" --kill_grace 60
run_scheduler 60 "$HERE/kill_policy_scheduler.py" "$MASTER_PORT"
grep -q "did not stop after SIGTERM; sending SIGKILL" "$T/a1.log" || fail "the agent never escalated to SIGKILL"
echo "PASS"

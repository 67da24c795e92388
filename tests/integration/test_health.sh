#!/usr/bin/env bash
# TaskInfo.health_check on command tasks (COMMAND, HTTP, TCP; Mesos's
# fields and rules), run by the agent: health_scheduler.py checks healthy
# and unhealthy updates, the kill after consecutive failures, and the
# master's validation.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

start_master
start_agent a1 "cpus:2;mem:1024" --kill_grace 1
run_scheduler 90 "$HERE/health_scheduler.py" "$MASTER_PORT" "$T"
echo "PASS"

#!/usr/bin/env bash
# Task groups on a custom executor (Mesos's LAUNCH_GROUP event of the v1
# executor API), driven by executor_scheduler.py "groups" over the JSON
# scheduler API with custom_executor.py (written from the Mesos docs) as
# executor "eg". Two groups arrive while eg has not subscribed (it waits for
# a hold file): a KILL of one task of the first kills that whole group
# before delivery (REASON_TASK_KILLED_DURING_LAUNCH), and eg never hears of
# it; the second reaches eg in one LAUNCH_GROUP event once it subscribes,
# each task with the group's ExecutorInfo; its failing task ends nothing
# else (the executor decides, not the agent); a third group reaches the
# subscribed eg at once. A CUSTOM group without a command is TASK_ERROR.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

start_master
start_agent a1 "cpus:2;mem:1024" --executor_registration_timeout 60
LOG="$T/executors.log"
run_scheduler 60 "$HERE/executor_scheduler.py" "$MASTER_PORT" "exec python3 $HERE/custom_executor.py" "$LOG" groups

has() { grep -qxF "$*" "$LOG"; }
[ "$(grep -c '^eg START' "$LOG")" -eq 1 ] || fail "eg did not start exactly once: $(cat "$LOG")"
has "eg LAUNCH_GROUP gb1 gb2 gb3 executor=eg" || fail "eg did not get gb1 gb2 gb3 in one LAUNCH_GROUP: $(cat "$LOG")"
has "eg LAUNCH_GROUP gc1 executor=eg" || fail "eg did not get gc1's LAUNCH_GROUP: $(cat "$LOG")"
grep -q '^eg LAUNCH.*ga[12]' "$LOG" && fail "the killed group reached eg: $(cat "$LOG")"
grep -q '^eg LAUNCH ' "$LOG" && fail "a group's task came as a LAUNCH: $(cat "$LOG")"
has "eg KILL gb1" || fail "eg got no KILL for gb1"
grep -q '^eg KILL g[bc][23]' "$LOG" && fail "the agent asked eg to kill a task nobody killed: $(cat "$LOG")"
grep -q 'eg-nocmd' "$LOG" && fail "the refused group's executor started"
shut() { has "eg SHUTDOWN"; }
wait_for 15 "SHUTDOWN to eg after TEARDOWN" shut
echo "PASS"

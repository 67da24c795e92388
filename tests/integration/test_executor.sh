#!/usr/bin/env bash
# The v1 executor API: a framework's custom executor (custom_executor.py,
# written from the Mesos executor API docs) driven by executor_scheduler.py
# over the JSON scheduler API. Two tasks on one executor id share one
# process and both run and finish; a third is killed through the executor;
# a second executor id gets its own process; an executor that never
# subscribes fails its task after --executor_registration_timeout; bad
# requests to /api/v1/executor get 4xx with a message; the framework's
# SHUTDOWN call shuts one executor down; TEARDOWN sends
# SHUTDOWN and the executors exit. Offers carry --attributes and the
# framework's executor_ids. Last, an agent stopped with SIGTERM sends its
# running executor SHUTDOWN and waits for it to exit.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

start_master
start_agent a1 "cpus:2;mem:1024" --attributes "rack:r1;cores:8" --executor_registration_timeout 4 \
	--executor_heartbeat_interval 0.5
LOG="$T/executors.log"
timeout 80 python3 "$HERE/executor_scheduler.py" "$MASTER_PORT" "exec python3 $HERE/custom_executor.py" "$LOG" \
	>"$T/scheduler.out" 2>&1 &
SCHED=$!
PIDS+=($SCHED)
wait_exit "$SCHED" 85
cat "$T/scheduler.out"
[ "$EXIT_STATUS" -eq 0 ] || fail "the scheduler failed (exit $EXIT_STATUS)"

# has LINE...: the executors' log has a line with exactly that text.
has() { grep -qxF "$*" "$LOG"; }
count() { grep -cxF "$*" "$LOG"; }
[ "$(grep -c '^e1 START' "$LOG")" -eq 1 ] || fail "e1 started $(grep -c '^e1 START' "$LOG") times: $(cat "$LOG")"
[ "$(grep -c '^e2 START' "$LOG")" -eq 1 ] || fail "e2 did not start exactly once: $(cat "$LOG")"
E1PID=$(sed -n 's/^e1 START pid=//p' "$LOG")
E2PID=$(sed -n 's/^e2 START pid=//p' "$LOG")
[ "$E1PID" != "$E2PID" ] || fail "e1 and e2 ran in one process"
for t in t1 t2 t3; do has "e1 LAUNCH $t" || fail "e1 did not get LAUNCH $t: $(cat "$LOG")"; done
has "e2 LAUNCH t4" || fail "e2 did not get LAUNCH t4"
has "e1 ACKNOWLEDGED t1 TASK_FINISHED" || fail "no ACKNOWLEDGED for t1's TASK_FINISHED: $(cat "$LOG")"
has "e1 ACKNOWLEDGED t2 TASK_RUNNING" || fail "no ACKNOWLEDGED for t2's TASK_RUNNING"
has "e1 KILL t3" || fail "e1 got no KILL for t3"
has "e1 MESSAGE-SENT 202" || fail "the executor's MESSAGE call was not accepted"
has "e1 MESSAGE hi executor" || fail "the framework's MESSAGE did not reach e1: $(grep '^e1 MESSAGE' "$LOG")"
has "e1 HEARTBEAT" || fail "e1 got no HEARTBEAT"
grep -q '^e1 SUBSCRIBED executor=e1 framework=.* agent=.*-S[0-9]* container=[0-9a-f-]*$' "$LOG" ||
	fail "SUBSCRIBED lacks ids: $(grep SUBSCRIBED "$LOG")"
AP=${AGENT_PORT[a1]}
for kv in MESOS_AGENT_ENDPOINT=127.0.0.1:$AP MESOS_EXECUTOR_ID=e1 MESOS_CHECKPOINT=1 MESOS_SUBSCRIPTION_BACKOFF_MAX=2secs \
	MESOS_HTTP_COMMAND_EXECUTOR=0 MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=3secs; do
	has "e1 ENV $kv" || fail "e1's environment lacks $kv: $(grep '^e1 ENV' "$LOG")"
done
FID=$(sed -n 's/^e1 SUBSCRIBED executor=e1 framework=\([^ ]*\) .*/\1/p' "$LOG")
has "e1 ENV MESOS_FRAMEWORK_ID=$FID" || fail "MESOS_FRAMEWORK_ID is not $FID"
SANDBOX=$(sed -n 's/^e1 ENV MESOS_SANDBOX=//p' "$LOG")
case "$SANDBOX" in "$T/a1/frameworks/"*"/executors/e1/runs/"*) ;; *) fail "e1's sandbox: $SANDBOX" ;; esac
has "e1 ENV MESOS_DIRECTORY=$SANDBOX" || fail "MESOS_DIRECTORY differs from MESOS_SANDBOX"
grep -q '^e1 ENV MESOS_TASK_ID' "$LOG" && fail "an executor must not get MESOS_TASK_ID"
has "e4 SHUTDOWN" || fail "e4 got no SHUTDOWN from the framework's SHUTDOWN call: $(grep '^e4' "$LOG")"
# e3 never subscribed; after TEARDOWN e1 and e2 are told to shut down and exit.
grep -q '^e3 SUBSCRIBED' "$LOG" && fail "e3 subscribed"
shut() { has "e1 SHUTDOWN" && has "e2 SHUTDOWN"; }
wait_for 15 "SHUTDOWN to e1 and e2" shut
gone() { ! kill -0 "$E1PID" 2>/dev/null && ! kill -0 "$E2PID" 2>/dev/null; }
wait_for 15 "the executors' processes gone" gone
no_executors() { http_get "$AP" /state | grep -q '"executors":\[\]'; }
wait_for 10 "the agent's executors gone" no_executors

# The agent stops: its executor gets SHUTDOWN first and exits by itself.
python3 "$HERE/executor_scheduler.py" "$MASTER_PORT" "exec python3 $HERE/custom_executor.py" "$LOG" hold \
	>"$T/hold.out" 2>&1 &
PIDS+=($!)
ready() { grep -q '^READY$' "$T/hold.out"; }
wait_for 30 "a task running on executor e5" ready
E5PID=$(sed -n 's/^e5 START pid=//p' "$LOG")
[ -n "$E5PID" ] || fail "e5 did not start: $(cat "$LOG")"
kill -TERM "${AGENT_PID[a1]}"
wait_exit "${AGENT_PID[a1]}" 15
[ "$EXIT_STATUS" -eq 0 ] || fail "the agent exited $EXIT_STATUS on SIGTERM"
has "e5 SHUTDOWN" || fail "e5 got no SHUTDOWN when the agent stopped: $(grep '^e5' "$LOG")"
e5_gone() { ! kill -0 "$E5PID" 2>/dev/null; }
wait_for 5 "e5's process gone" e5_gone
grep -q 'executor e5 .* ended with status 0' "$T/a1.log" || fail "e5 did not exit by itself before the agent stopped"
echo "PASS"

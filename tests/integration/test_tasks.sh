#!/usr/bin/env bash
# Master + 3 agents + meso-execute: tasks run and finish with the right exit
# codes, /state and /metrics answer with the expected fields, and the
# scheduler API refuses bad requests with clear errors.
. "$(dirname "$0")/lib.sh" "$1"

start_master
for a in a1 a2 a3; do start_agent "$a" "cpus:2;mem:1024;disk:0;ports:[31000-31009]"; done
wait_for 10 "3 agents at the master" master_has_agents 3

execute_bg ok --command 'echo hello from $MESOS_TASK_ID; exit 0' --instances 4 --resources "cpus:1;mem:128"
wait_exit "$EXEC_PID" 30
[ "$EXIT_STATUS" -eq 0 ] || fail "meso-execute with 'exit 0' exited $EXIT_STATUS"
[ "$(grep -c TASK_FINISHED "$T/ok.out")" -eq 4 ] || fail "expected 4 TASK_FINISHED in $(cat "$T/ok.out")"
grep -q TASK_RUNNING "$T/ok.out" || fail "no TASK_RUNNING printed"
ls "$T"/a*/frameworks/*/tasks/*/stdout >/dev/null 2>&1 || fail "no sandbox stdout files"
grep -qh "hello from ok-" "$T"/a*/frameworks/*/tasks/*/stdout || fail "task output not in the sandbox"

execute_bg seven --command 'exit 7'
wait_exit "$EXEC_PID" 30
[ "$EXIT_STATUS" -eq 7 ] || fail "meso-execute with 'exit 7' exited $EXIT_STATUS"
grep -q 'TASK_FAILED (Command exited with status 7)' "$T/seven.out" || fail "no TASK_FAILED with status 7"

# Finished tasks give their resources back: every agent is whole again.
state=$(http_get "$MASTER_PORT" /state)
for f in '"id":' '"agents":' '"frameworks":' '"tasks":' '"offers":' '"free":"cpus:2;mem:1024;ports:[31000-31009]"'; do
	echo "$state" | grep -qF "$f" || fail "/state lacks $f: $state"
done
metrics=$(http_get "$MASTER_PORT" /metrics)
for f in 'meso_master_agents{state="connected"} 3' 'meso_master_tasks_total{state="finished"} 4' \
	'meso_master_tasks_total{state="failed"} 1' 'meso_master_allocation_seconds_bucket{le="+Inf"}' \
	'meso_master_launch_seconds_count 5' 'meso_allocator_offers_made_total' 'meso_allocator_ports_unstored_total 0'; do
	echo "$metrics" | grep -qF "$f" || fail "/metrics lacks '$f'"
done
http_get "${AGENT_PORT[a1]}" /metrics | grep -q '^meso_agent_registered 1' || fail "agent /metrics"
http_get "${AGENT_PORT[a1]}" /state | grep -q '"isolation":' || fail "agent /state"

# Bad requests: 404, 405, 400, 415, 403-like errors with messages.
code() { curl -s -o "$T/body" -w '%{http_code}' --max-time 5 "$@"; }
[ "$(code "http://127.0.0.1:$MASTER_PORT/nope")" = 404 ] || fail "unknown path is not 404"
[ "$(code "http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")" = 405 ] || fail "GET scheduler is not 405"
[ "$(code -X POST "http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")" = 400 ] || fail "no content type is not 400"
grep -q "Content-Type" "$T/body" || fail "400 without a message"
[ "$(code -X POST -H 'Content-Type: application/x-protobuf' --data-binary 'garbage' \
	"http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")" = 400 ] || fail "garbage call is not 400"
[ "$(code -X POST -H 'Content-Type: text/plain' --data-binary 'x' \
	"http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")" = 415 ] || fail "text/plain is not 415"
# A TEARDOWN (type 2) for an unknown framework: framework_id{value:"nope"}.
printf '\x0a\x06\x0a\x04nope\x10\x02' >"$T/teardown.bin"
[ "$(code -X POST -H 'Content-Type: application/x-protobuf' --data-binary "@$T/teardown.bin" \
	"http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")" = 400 ] || fail "unknown framework is not 400"
grep -q "Framework cannot be found" "$T/body" || fail "unknown framework message: $(cat "$T/body")"
head -c 20000 /dev/zero | tr '\0' a >"$T/big"
[ "$(code -H "X-Big: $(cat "$T/big")" "http://127.0.0.1:$MASTER_PORT/state")" = 413 ] || fail "huge header is not 413"
http_get "$MASTER_PORT" /health >/dev/null || fail "master stopped serving after bad requests"
echo "PASS"

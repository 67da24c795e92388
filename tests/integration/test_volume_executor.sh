#!/usr/bin/env bash
# Persistent volumes on custom executors, with real processes: the operator
# creates volume v1 (role web); executor_scheduler.py "volume" gives it to
# custom executor ve (custom_executor.py) in its resources. The agent links
# it into ve's sandbox at container_path "data" before ve starts: task w1
# writes into it, r1 reads it back; DESTROY_VOLUMES is refused while ve holds
# it. The agent is killed and restarted: ve is recovered, its link and the
# data are there, r2 reads it. ve is shut down, the volume is offered again
# and task r3 on executor vt names it in its own resources: the agent links
# it into vt's sandbox before delivering r3, which reads the same data; once
# r3 has ended the link is gone from vt's sandbox (as Mesos's isolator keeps
# the links of a container's current resources), the data stays.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

RES="cpus:2;mem:1024;disk(web):100;disk:100"
start_master --agent_reregister_timeout 60
start_agent a1 "$RES"
AID=$(agent_id a1)

api() {
	curl -s --max-time 5 -o "$T/api.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		-H 'Accept: application/json' -d "$1" "http://127.0.0.1:$MASTER_PORT/api/v1"
}
VOLUME='{"name":"disk","type":"SCALAR","scalar":{"value":40},"reservations":[{"type":"STATIC","role":"web"}],
	"disk":{"persistence":{"id":"v1"},"volume":{"mode":"RW","container_path":"data"}}}'
code=$(api '{"type":"CREATE_VOLUMES","create_volumes":{"agent_id":{"value":"'"$AID"'"},"volumes":['"$VOLUME"']}}')
[ "$code" = 202 ] || fail "CREATE_VOLUMES answered $code: $(cat "$T/api.out")"
DIR="$T/a1/volumes/roles/web/v1"

LOG="$T/executors.log"
python3 "$HERE/executor_scheduler.py" "$MASTER_PORT" "exec python3 $HERE/custom_executor.py" "$LOG" volume \
	>"$T/sched.out" 2>&1 &
SCHED=$!
PIDS+=($SCHED)
ready() { grep -q '^READY$' "$T/sched.out"; }
failed() { grep -q '^FAIL' "$T/sched.out"; }
wait_for 30 "w1 to write into the volume and r1 to read it on executor ve" eval 'ready || failed'
failed && fail "$(cat "$T/sched.out")"
[ "$(cat "$DIR/file" 2>/dev/null)" = kept ] || fail "the volume's directory $DIR does not hold w1's file"
LINK=$(echo "$T"/a1/frameworks/*/executors/ve/runs/*/data)
[ -L "$LINK" ] && [ "$(readlink "$LINK")" = "$DIR" ] || fail "ve's sandbox has no link 'data' to $DIR: $LINK"
code=$(api '{"type":"DESTROY_VOLUMES","destroy_volumes":{"agent_id":{"value":"'"$AID"'"},"volumes":['"$VOLUME"']}}')
[ "$code" = 400 ] && grep -q "Persistent volumes in use" "$T/api.out" ||
	fail "DESTROY_VOLUMES while ve holds the volume: $code $(cat "$T/api.out")"

VE=$(sed -n 's/^ve START pid=//p' "$LOG")
[ -n "$VE" ] || fail "executor ve did not start: $(cat "$LOG")"
kill -9 "${AGENT_PID[a1]}"
wait_exit "${AGENT_PID[a1]}" 10
start_agent a1 "$RES" --port "${AGENT_PORT[a1]}"
resubscribed() { grep -q '^ve RESUBSCRIBED executor=ve ' "$LOG"; }
wait_for 15 "ve to subscribe again" resubscribed
[ "$(grep -c '^ve START' "$LOG")" -eq 1 ] || fail "ve was started again"
kill -USR1 "$SCHED"
done_() { grep -q '^DONE$' "$T/sched.out"; }
wait_for 30 "r2 (recovered ve) and r3 (executor vt, the volume in the task's resources) to read the volume" \
	eval 'done_ || failed'
failed && fail "$(cat "$T/sched.out")"
wait "$SCHED" || fail "the scheduler failed: $(cat "$T/sched.out")"
VT=$(echo "$T"/a1/frameworks/*/executors/vt/runs/*)
[ -d "$VT" ] || fail "no sandbox of executor vt: $VT"
grep -q "persistent volume 'v1' unlinked from executor vt's sandbox" "$T/a1.log" ||
	fail "the agent did not unlink the volume from vt's sandbox after r3"
[ -e "$VT/data" ] || [ -L "$VT/data" ] && fail "vt's sandbox still has the volume's link after r3 ended"
[ "$(cat "$DIR/file" 2>/dev/null)" = kept ] || fail "the volume's data is gone"
grep -E '^(r[0-9]|w1) ' "$T/sched.out"
echo "PASS"

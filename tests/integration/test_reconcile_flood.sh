#!/usr/bin/env bash
# A RECONCILE flood (issue 16's shape, scaled for CI) while another
# framework's tasks run: five RECONCILEs of 60,000 task ids each (~600 kB
# protobuf bodies) at once. The master answers them in slices between its
# other events, so the agent's heartbeats keep flowing (a short
# --agent_timeout and agent --master_timeout would notice a loop held for a
# second), no agent is removed or reconnects, no task is lost, /health
# keeps answering, and every answer reaches the flooding framework.
. "$(dirname "$0")/lib.sh" "$1"
ABUSE="$(dirname "$0")/abuse.py"
metric() { http_get "$MASTER_PORT" /metrics | awk -v n="$1" '$1 == n { print $2 }'; }
metric_is() { [ "$(metric "$1")" = "$2" ]; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

start_master --agent_timeout 3
start_agent a1 "cpus:4;mem:1024" --master_timeout 1.5
execute_bg steady --command 'sleep 120' --instances 2 --resources "cpus:0.5;mem:32"
wait_for 20 "two tasks running" master_tasks_in TASK_RUNNING 2

python3 "$ABUSE" subscribe "$MASTER_PORT" "$T/flood.id" >"$T/flood.out" 2>"$T/flood.log" &
PIDS+=($!)
wait_for 10 "the flooding framework subscribed" test -s "$T/flood.id"
python3 "$ABUSE" health "$MASTER_PORT" "$T/stop" >"$T/health.out" 2>"$T/health.log" &
HEALTH=$!
PIDS+=($HEALTH)

python3 "$ABUSE" reconcile "$MASTER_PORT" "$(json_field "$T/flood.id" id)" \
	"$(json_field "$T/flood.id" stream_id)" 60000 5 >"$T/reconcile.out" || fail "the RECONCILE client failed"
grep -q '"statuses": \[202, 202, 202, 202, 202\]' "$T/reconcile.out" || fail "RECONCILEs: $(cat "$T/reconcile.out")"
wait_for 60 "every answer sent" metric_is meso_master_reconcile_queued 0
touch "$T/stop"
wait "$HEALTH" || fail "/health failed during the flood: $(cat "$T/health.log")"

events=$(metric meso_master_events_total)
[ "${events%.*}" -ge 300000 ] || fail "only $events events sent"
metric_is meso_master_streams_dropped_total 0 || fail "the reading framework's stream was dropped"
metric_is meso_master_agent_removals_total 0 || fail "an agent was removed"
metric_is meso_master_agent_reregistrations_total 0 || fail "the agent had to reconnect"
grep -q "connection to master .* lost" "$T/a1.log" && fail "the agent lost its master: $(grep lost "$T/a1.log")"
http_get "$MASTER_PORT" /metrics | grep -q 'meso_master_tasks_total{state="lost"} 0' || fail "tasks were lost"
master_tasks_in TASK_RUNNING 2 || fail "the steady framework's tasks are no longer running"
slowest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["slowest"])' "$T/health.out")
stall=$(metric meso_master_loop_stall_longest_seconds)
echo "flood: 300,000 answers; slowest /health ${slowest} s; longest loop turn ${stall} s"
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 1.0 else 1)' "$slowest" ||
	fail "/health took $slowest s during the flood"
echo "PASS"

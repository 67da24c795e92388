#!/usr/bin/env bash
# Slow and never-reading clients against one master (issue 16), all at once:
# 300 slowloris connections (half a request line, then silence), a client
# pipelining GET /master/state that never reads, a subscriber that never
# reads its stream while 400 RECONCILEs of 10,000 ids queue for it, and a
# subscriber left behind by thousands of events. The master's RSS stays under
# 64 MB throughout (RELIABILITY.md), /health keeps answering, the lagging
# stream is closed with an ERROR, and every dead connection is closed by
# its timeout (header 1 s, send 2 s here).
. "$(dirname "$0")/lib.sh" "$1"
ABUSE="$(dirname "$0")/abuse.py"
metric() { http_get "$MASTER_PORT" /metrics | awk -v n="$1" '$1 == n { print $2 }'; }
metric_at_least() { [ "$(metric "$1" | cut -d. -f1)" -ge "$2" ]; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$MASTER_PID/status"; }

start_master --http_header_timeout 1 --http_send_timeout 2 --http_max_pending_output 262144
# The RSS, sampled while the clients do their worst (a measurement: the
# test waits on conditions below, not on this).
(while [ ! -e "$T/stop" ]; do rss_kb; sleep 0.05; done >"$T/rss.txt") &
PIDS+=($!)
python3 "$ABUSE" health "$MASTER_PORT" "$T/stop" >"$T/health.out" 2>"$T/health.log" &
HEALTH=$!
PIDS+=($HEALTH)

python3 "$ABUSE" slowloris "$MASTER_PORT" 300 20 >"$T/slowloris.out" 2>"$T/slowloris.log" &
SLOW=$!
PIDS+=($SLOW)
python3 "$ABUSE" pipeline "$MASTER_PORT" 200000 "$T/stop" >"$T/pipeline.out" 2>"$T/pipeline.log" &
PIDS+=($!)
python3 "$ABUSE" subscribe "$MASTER_PORT" "$T/quiet.id" --no-read 2>"$T/quiet.log" &
PIDS+=($!)
python3 "$ABUSE" subscribe "$MASTER_PORT" "$T/behind.id" --no-read 2>"$T/behind.log" &
PIDS+=($!)
wait_for 10 "both subscribers" test -s "$T/quiet.id" -a -s "$T/behind.id"

# 400 RECONCILEs for the subscriber that never reads: answering waits for
# it, ids queue up to the bound, then 429 (or 403 once its send timeout
# closed it).
python3 "$ABUSE" reconcile "$MASTER_PORT" "$(json_field "$T/quiet.id" id)" "$(json_field "$T/quiet.id" stream_id)" \
	10000 400 >"$T/reconcile.out" 2>"$T/reconcile.log" || fail "RECONCILE client: $(cat "$T/reconcile.log")"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["statuses"]; sys.exit(0 if set(s) <= {202,429,403} else 1)' \
	"$T/reconcile.out" || fail "RECONCILE answers: $(cat "$T/reconcile.out")"
# Events the other subscriber never reads (KILLs of an unknown task, 2,000
# at a time) until its stream is dropped: how many depends on what the
# kernel's socket buffers take first.
kill_until_dropped() {
	python3 "$ABUSE" kill "$MASTER_PORT" "$(json_field "$T/behind.id" id)" "$(json_field "$T/behind.id" stream_id)" \
		2000 >>"$T/kill.out" 2>>"$T/kill.log" || fail "KILL client: $(cat "$T/kill.log")"
	metric_at_least meso_master_streams_dropped_total 1
}
wait_for 30 "the lagging stream dropped" kill_until_dropped
wait "$SLOW"
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["closed_after"]; sys.exit(0 if t is not None and t < 5 else 1)' \
	"$T/slowloris.out" || fail "slowloris connections not closed: $(cat "$T/slowloris.out")"
metric_at_least 'meso_master_http_timeouts_total{kind="header"}' 300 || fail "header timeouts not counted"
metric_at_least meso_master_http_output_stalls_total 1 || fail "the pipelining client was never held back"
# The pipelining client and the quiet subscriber are closed by the send
# timeout; then only our own /metrics request is open.
wait_for 15 "every abusive connection closed" metric_at_least meso_master_http_connections 0
wait_for 15 "every abusive connection closed" bash -c "[ \"\$(curl -sf http://127.0.0.1:$MASTER_PORT/metrics |
	awk '\$1 == \"meso_master_http_connections\" { print \$2 }')\" = 2 ]"
[ "$(metric meso_master_reconcile_queued)" = 0 ] || fail "answers still queued for a closed stream"
touch "$T/stop"
wait "$HEALTH" || fail "/health failed: $(cat "$T/health.log")"
max_rss=$(sort -n "$T/rss.txt" | tail -1)
echo "abuse: max RSS $((max_rss / 1024)) MB; $(cat "$T/pipeline.out") requests pipelined;" \
	"RECONCILE $(python3 -c 'import json,sys,collections; print(dict(collections.Counter(json.load(open(sys.argv[1]))["statuses"])))' "$T/reconcile.out");" \
	"slowest /health $(json_field "$T/health.out" slowest) s"
[ "$max_rss" -lt $((64 * 1024)) ] || fail "the master's RSS reached $max_rss kB"
echo "PASS"

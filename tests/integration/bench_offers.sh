#!/usr/bin/env bash
# bench_offers.sh BIN_DIR [AGENTS] [SECONDS] [INTERVAL] — not a ctest:
# measures the offers per second the master sustains end to end on
# loopback. A master allocating every INTERVAL seconds (default 0.001) and
# AGENTS agents (default 100); meso-execute asks for a task no agent can
# hold, so it declines every offer with refuse_seconds 0 and each agent is
# offered again at the next pass: allocation, OFFERS event on the stream,
# DECLINE call over HTTP, recovery. Prints the rate of offers made over
# SECONDS (default 5).
. "$(dirname "$0")/lib.sh" "$1"
AGENTS=${2:-100}
SECONDS_=${3:-5}
INTERVAL=${4:-0.001}

start_master --allocation_interval "$INTERVAL"
for i in $(seq 1 "$AGENTS"); do
	"$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/b$i" --isolation none \
		--resources "cpus:4;mem:4096" 2>>"$T/b$i.log" &
	PIDS+=($!)
done
wait_for 60 "$AGENTS agents registered" master_has_agents "$AGENTS"
execute_bg decliner --command true --resources "cpus:1000;mem:32" --refuse_seconds 0
offers() { http_get "$MASTER_PORT" /metrics | awk '$1 == "meso_allocator_offers_made_total" { print $2 }'; }
offers_started() { [ "$(offers)" -gt "$AGENTS" ]; }
wait_for 30 "offers flowing" offers_started
o0=$(offers)
t0=$(date +%s.%N)
sleep "$SECONDS_" # a measurement window, not synchronisation
o1=$(offers)
t1=$(date +%s.%N)
printf 'agents %d, allocation interval %s s: %d offers in %.2f s = %.0f offers/s (made, sent and declined)\n' \
	"$AGENTS" "$INTERVAL" "$((o1 - o0))" "$(echo "$t1 - $t0" | bc)" "$(echo "($o1 - $o0) / ($t1 - $t0)" | bc -l)"

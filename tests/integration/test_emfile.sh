#!/usr/bin/env bash
# Out of file descriptors (issue 16): a master and an agent under
# `ulimit -n 64`, each sent 200 connections that stay open. Both keep
# running without spinning (accept() pauses instead of failing in a loop:
# under 30% of a core while held), write at most 2 "accept:" lines each, and
# serve again once the connections go: /health answers, the agent is still
# registered and a task runs.
. "$(dirname "$0")/lib.sh" "$1"
ABUSE="$(dirname "$0")/abuse.py"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
accept_lines() { grep -c "accept:" "$1"; }

mkdir -p "$T/master" "$T/a1"
(ulimit -n 64 && exec "$BIN/meso-master" --port 0 --work_dir "$T/master" --allocation_interval 0.1 \
	2>"$T/master.log") &
MASTER_PID=$!
PIDS+=($MASTER_PID)
wait_for 10 "master port file" test -s "$T/master/master.port"
MASTER_PORT=$(cat "$T/master/master.port")
wait_for 10 "master /health" http_get "$MASTER_PORT" /health
(ulimit -n 64 && exec "$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/a1" \
	--resources "cpus:2;mem:256" 2>"$T/a1.log") &
AGENT=$!
PIDS+=($AGENT)
wait_for 10 "agent port file" test -s "$T/a1/agent.port"
AGENT_PORT[a1]=$(cat "$T/a1/agent.port")
wait_for 10 "agent registered" agent_registered a1

# exhaust NAME PID PORT LOG: 200 connections held open; the process must
# run out of descriptors, then neither die nor spin nor flood its log.
exhaust() {
	local name=$1 pid=$2 port=$3 log=$4
	rm -f "$T/release"
	python3 "$ABUSE" hold "$port" 200 "$T/release" >"$T/hold-$name.out" 2>&1 &
	local hold=$!
	PIDS+=($hold)
	wait_for 10 "$name out of descriptors" grep -q "accept: Too many open files" "$log"
	local t0
	t0=$(cpu_ticks "$pid")
	sleep 1 # a window to measure CPU in, not a wait for anything
	local used=$(($(cpu_ticks "$pid") - t0))
	exited "$pid" && fail "$name died"
	[ "$used" -lt 30 ] || fail "$name used $used ticks of CPU in 1 s while out of descriptors"
	echo "$name: out of descriptors, $used ticks of CPU in 1 s, $(accept_lines "$log") accept line(s)"
	RELEASED=$(date +%s%N)
	touch "$T/release"
	wait "$hold"
}
since_release() { echo "$((($(date +%s%N) - RELEASED) / 1000000)) ms"; }

exhaust master "$MASTER_PID" "$MASTER_PORT" "$T/master.log"
wait_for 10 "master /health again" http_get "$MASTER_PORT" /health
echo "master: serving again $(since_release) after the connections went"
exhaust agent "$AGENT" "${AGENT_PORT[a1]}" "$T/a1.log"
wait_for 10 "agent /health again" http_get "${AGENT_PORT[a1]}" /health
echo "agent: serving again $(since_release) after the connections went"
[ "$(accept_lines "$T/master.log")" -le 2 ] || fail "the master logged $(accept_lines "$T/master.log") accept lines"
[ "$(accept_lines "$T/a1.log")" -le 2 ] || fail "the agent logged $(accept_lines "$T/a1.log") accept lines"
agent_registered a1 || fail "the agent is no longer registered"
"$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name after --command true >"$T/after.out" 2>"$T/after.log" ||
	fail "a task failed after the descriptors came back: $(cat "$T/after.out")"
echo "PASS"

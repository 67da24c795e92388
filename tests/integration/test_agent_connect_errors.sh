#!/usr/bin/env bash
# What the agent says when it cannot reach its master: a master host that
# does not resolve is named as such; out of file descriptors (under
# `ulimit -n 64`, 200 connections held open to its HTTP port, its master
# killed) it says that it cannot make a socket and why (EMFILE), not that
# the master does not resolve.
. "$(dirname "$0")/lib.sh" "$1"
ABUSE="$(dirname "$0")/abuse.py"
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

mkdir -p "$T/nowhere"
"$BIN/meso-agent" --master no-such-host.invalid:5050 --port 0 --work_dir "$T/nowhere" --resources "cpus:1;mem:64" \
	2>"$T/nowhere.log" &
PIDS+=($!)
wait_for 10 "the unresolvable master named" grep -q "cannot resolve master host no-such-host.invalid" "$T/nowhere.log"

start_master
mkdir -p "$T/a1"
(ulimit -n 64 && exec "$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/a1" \
	--resources "cpus:1;mem:64" 2>"$T/a1.log") &
PIDS+=($!)
wait_for 10 "agent port file" test -s "$T/a1/agent.port"
AGENT_PORT[a1]=$(cat "$T/a1/agent.port")
wait_for 10 "agent registered" agent_registered a1
python3 "$ABUSE" hold "${AGENT_PORT[a1]}" 200 "$T/release" >"$T/hold.out" 2>&1 &
PIDS+=($!)
wait_for 10 "the agent out of descriptors" grep -q "accept: Too many open files" "$T/a1.log"
kill -9 "$MASTER_PID"
wait "$MASTER_PID" 2>/dev/null
wait_for 15 "the socket failure named" grep -q \
	"cannot make a socket to connect to master 127.0.0.1:$MASTER_PORT (Too many open files)" "$T/a1.log"
grep -q "cannot resolve master" "$T/a1.log" && fail "EMFILE reported as a name that does not resolve"
touch "$T/release"
echo "PASS"

#!/usr/bin/env bash
# run_scale.sh BUILD_DIR AGENTS FRAMEWORKS SECONDS [meso-scale flags...]
# Starts a meso-master on 127.0.0.1 (port 0, a temporary work_dir removed on
# exit, both through tests/integration/lib.sh), runs meso-scale against it
# with AGENTS emulated agents and FRAMEWORKS emulated frameworks measuring for
# SECONDS, and prints its result line. Exits with meso-scale's status, or 1
# when the master died. The ctest "scale_smoke" runs it with --check 1.
#   MASTER_FLAGS  extra meso-master flags (default below: Mesos's defaults)
#   SCALE_JSON    where the JSON result goes (default: $T/scale.json, removed)
#   SCALE_PERF    a file: `perf record -g` of the master during the window
#                 (SCALE_PERF_FLAGS replaces -g, e.g. "--call-graph dwarf")
set -u
if [ $# -lt 4 ]; then
	echo "usage: $0 BUILD_DIR AGENTS FRAMEWORKS SECONDS [meso-scale flags...]" >&2
	exit 2
fi
BUILD=$(cd "$1" && pwd)
AGENTS=$2
FRAMEWORKS=$3
SECS=$4
shift 4
. "$(dirname "$0")/../integration/lib.sh" "$BUILD/runtime"
SCALE="$BUILD/tests/scale/meso-scale"

# The master holds one socket per agent and two per framework: raise its
# (inherited) open-file limit as meso-scale raises its own.
need=$((AGENTS + 2 * FRAMEWORKS + 64))
ulimit -n "$(ulimit -Hn)" 2>/dev/null
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
	echo "run_scale.sh: the master needs $need file descriptors; the hard limit is $(ulimit -Hn)" >&2
	exit 1
fi

# Mesos's defaults: an allocation pass every second, an agent removed after
# 15 s without a ping (it pings every 15/5 = 3 s); the master logs at info.
# shellcheck disable=SC2086 # MASTER_FLAGS is a list of flags
start_master --allocation_interval 1 --agent_timeout 15 ${MASTER_FLAGS:-}

"$SCALE" --master "127.0.0.1:$MASTER_PORT" --master-pid "$MASTER_PID" --agents "$AGENTS" \
	--frameworks "$FRAMEWORKS" --seconds "$SECS" --json "${SCALE_JSON:-$T/scale.json}" "$@" \
	>"$T/scale.out" 2>"$T/scale.log" &
SCALE_PID=$!
PIDS+=("$SCALE_PID")

if [ -n "${SCALE_PERF:-}" ]; then
	# The window opens when meso-scale says so; perf samples for its length.
	# shellcheck disable=SC2086 # SCALE_PERF_FLAGS is a list of flags
	window_open() { grep -q 'measuring for' "$T/scale.log" || exited "$SCALE_PID"; }
	wait_for 900 "meso-scale's measurement window" window_open
	exited "$SCALE_PID" || perf record -F 499 ${SCALE_PERF_FLAGS:--g} -p "$MASTER_PID" -o "$SCALE_PERF" -- sleep "$SECS" \
		2>"$T/perf.log"
fi

wait "$SCALE_PID"
rc=$?
cat "$T/scale.out"
exited "$MASTER_PID" && fail "the master died during the run (its log above)"
[ "$rc" -ne 0 ] && fail "meso-scale exited with status $rc (its log above)"
exit 0

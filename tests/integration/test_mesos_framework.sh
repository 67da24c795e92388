#!/usr/bin/env bash
# A hold-out client (issues 17 and 19): npm's `mesos-framework` (its
# Scheduler class, unchanged) against a real master and agent, once with
# authentication off and once with --authenticate_frameworks. The library
# subscribes and launches two command tasks from its `tasks` option
# ("true" FINISHED, "sleep 60" RUNNING); its kill() gets 202 and TASK_KILLED;
# its shutdown() (payload under `kill`, the library's bug) and request()
# (payload under `requests`, another) get the 400s Mesos gives; its
# teardown() removes the framework. The library has no option for
# credentials: mesos_framework.js adds the Basic header to its request
# template; without it the SUBSCRIBE gets 401. mesos-framework is installed
# once into NPM_DIR (the build tree); without node, npm or the registry the
# test is skipped (77).
# Usage: test_mesos_framework.sh BIN_DIR [NPM_DIR]
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
NPM_DIR=${2:-$T/npm}
VERSION=0.5.3 # the last release; the bugs below are in it

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "SKIP: needs node and npm (Debian's nodejs and npm packages)" >&2
	exit 77
fi
if ! grep -qs "\"version\": \"$VERSION\"" "$NPM_DIR/node_modules/mesos-framework/package.json"; then
	mkdir -p "$NPM_DIR"
	if ! (cd "$NPM_DIR" && timeout 120 npm install --no-audit --no-fund --silent "mesos-framework@$VERSION" \
		>"$T/npm.log" 2>&1); then
		echo "SKIP: npm could not install mesos-framework (no registry?): $(tail -3 "$T/npm.log")" >&2
		exit 77
	fi
fi
export NODE_PATH="$NPM_DIR/node_modules" LOG_DIR="$T"

# flow NAME [PRINCIPAL:SECRET [MODE]]: runs the library's flow; its
# "MF ..." lines go to $T/NAME.out.
flow() {
	local name=$1
	shift
	node "$HERE/mesos_framework.js" "$MASTER_PORT" "$@" >"$T/$name.raw" 2>"$T/$name.err"
	local rc=$?
	grep '^MF ' "$T/$name.raw" >"$T/$name.out"
	[ "$rc" -eq 0 ] || fail "the $name flow exited $rc: $(cat "$T/$name.out" "$T/$name.err")"
}
# expect NAME LINE: the flow printed exactly this line.
expect() { grep -qxF "MF $2" "$T/$1.out" || fail "$1: no line \"$2\" in: $(cat "$T/$1.out")"; }
# check_flow NAME AGENT: what the master answered the library, in order.
check_flow() {
	local n=$1
	expect "$n" "SUBSCRIBE_STATUS 200"
	expect "$n" "UPDATE quick-1 TASK_FINISHED"
	expect "$n" "UPDATE sleeper-1 TASK_RUNNING"
	expect "$n" "KILL 202"
	expect "$n" "UPDATE sleeper-1 TASK_KILLED"
	# Mesos 1.11 answers exactly this (stout's JSON -> protobuf parse).
	expect "$n" "SHUTDOWN 400 Failed to convert JSON into Call protobuf: Missing required fields: kill.task_id"
	expect "$n" "REQUEST 400 Failed to validate scheduler::Call: Expecting 'request' to be present"
	expect "$n" "TEARDOWN 202"
	local order
	order=$(grep -oE '^MF (SUBSCRIBED|KILL|SHUTDOWN|REQUEST|TEARDOWN)' "$T/$n.out" | cut -d' ' -f2 | paste -sd' ')
	[ "$order" = "SUBSCRIBED KILL SHUTDOWN REQUEST TEARDOWN" ] || fail "$n: calls in the order $order"
	FW_ID=$(grep '^MF SUBSCRIBED ' "$T/$n.out" | cut -d' ' -f3)
	# The teardown removed the framework and ended its tasks.
	wait_for 10 "$n: the framework completed" completed "$FW_ID"
	wait_for 10 "$n: no task left on agent $2" test -z "$(agent_task_pids "$2")"
}
completed() {
	http_get "$MASTER_PORT" /master/state | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert [f for f in s["completed_frameworks"] if f["id"] == sys.argv[1]]
assert not [f for f in s["frameworks"] if f["id"] == sys.argv[1]]' "$1"
}

# Authentication off.
start_master
start_agent a1 "cpus:2;mem:512" --isolation none
flow open
check_flow open a1

# --authenticate_frameworks: anonymous refused, the Basic header accepted.
kill -TERM "$MASTER_PID" "${AGENT_PID[a1]}"
wait_for 10 "the first master to stop" exited "$MASTER_PID"
rm -f "$T/master/master.port"
mv "$T/master.log" "$T/master-open.log"
echo '{"credentials": [{"principal": "npm-fw", "secret": "npm-secret"}]}' >"$T/creds.json"
start_master --authenticate_frameworks --credentials "$T/creds.json"
start_agent a2 "cpus:2;mem:512" --isolation none
flow anonymous npm-fw:npm-secret anonymous
expect anonymous "SUBSCRIBE_STATUS 401"
flow authed npm-fw:npm-secret
check_flow authed a2
echo "ok: mesos-framework@$VERSION with auth off and with Basic credentials"

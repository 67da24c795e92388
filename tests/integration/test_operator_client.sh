#!/bin/bash
# The DC/OS UI's operator client, npm's @dcos/mesos-client (issue 18),
# against a real master: GET_STATE, GET_AGENTS, GET_FRAMEWORKS and GET_TASKS
# see the agent, the framework and its running task; a SUBSCRIBE stream sees
# TASK_ADDED and TASK_UPDATED (RUNNING, FINISHED) of a task launched while it
# is open. The package is installed from npm into the test's directory;
# without node, npm or a reachable registry the test is skipped (77).
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "SKIP: needs node and npm (Debian's nodejs and npm packages)" >&2
	exit 77
fi
mkdir -p "$T/npm"
if ! (cd "$T/npm" && timeout 120 npm install --no-audit --no-fund --silent @dcos/mesos-client >"$T/npm.log" 2>&1); then
	echo "SKIP: npm could not install @dcos/mesos-client (no registry?): $(tail -3 "$T/npm.log")" >&2
	exit 77
fi
export NODE_PATH="$T/npm/node_modules"
client() { node "$HERE/operator_client.js" "http://127.0.0.1:$MASTER_PORT/api/v1" "$@"; }

start_master
start_agent a1 "cpus:2;mem:512" --isolation none
AGENT=$(agent_id a1)
execute_bg long --command "sleep 60" --resources "cpus:0.5;mem:32"
wait_for 20 "the long task RUNNING" master_tasks_in TASK_RUNNING 1

client gets >"$T/gets.out" 2>"$T/gets.err" || fail "GET_* calls failed: $(cat "$T/gets.out" "$T/gets.err")"
[ "$(wc -l <"$T/gets.out")" -eq 4 ] || fail "expected 4 answers: $(cat "$T/gets.out")"
sed -n 1p "$T/gets.out" | grep -q '"get_tasks":{"tasks":\[{"name":"long"' || fail "GET_STATE lacks the task: $(sed -n 1p "$T/gets.out")"
sed -n 2p "$T/gets.out" | grep -q "\"id\":{\"value\":\"$AGENT\"}" || fail "GET_AGENTS lacks agent $AGENT"
sed -n 2p "$T/gets.out" | grep -q '"allocated_resources":\[{"name":"cpus"' || fail "GET_AGENTS lacks what the task holds"
sed -n 3p "$T/gets.out" | grep -q '"framework_info":{"user":"[^"]*","name":"long"' || fail "GET_FRAMEWORKS lacks the framework"
sed -n 4p "$T/gets.out" | grep -q '"state":"TASK_RUNNING"' || fail "GET_TASKS lacks the RUNNING task"

client subscribe >"$T/sub.out" 2>"$T/sub.err" &
SUB=$!
PIDS+=($SUB)
wait_for 10 "the client subscribed" grep -q '^SUBSCRIBED agents=1 ' "$T/sub.out"
execute_bg short --command "true" --resources "cpus:0.5;mem:32"
wait_exit "$SUB" 30
[ "$EXIT_STATUS" -eq 0 ] || fail "the subscriber exited $EXIT_STATUS: $(cat "$T/sub.out" "$T/sub.err")"
grep -q '^TASK_ADDED short-[^ ]* TASK_STAGING$' "$T/sub.out" || fail "no TASK_ADDED: $(cat "$T/sub.out")"
grep -q '^TASK_UPDATED short-[^ ]* TASK_RUNNING$' "$T/sub.out" || fail "no TASK_UPDATED RUNNING: $(cat "$T/sub.out")"
grep -q '^TASK_UPDATED short-[^ ]* TASK_FINISHED$' "$T/sub.out" || fail "no TASK_UPDATED FINISHED: $(cat "$T/sub.out")"
echo "ok: @dcos/mesos-client: 4 GET calls, SUBSCRIBE saw $(grep -c '^TASK_' "$T/sub.out") task events"

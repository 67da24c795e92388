#!/usr/bin/env bash
# The agent's own operator API and /files with a real master, agent and
# task: GET_HEALTH, GET_VERSION, GET_FLAGS, GET_STATE, GET_CONTAINERS,
# GET_TASKS, GET_AGENT, GET_METRICS (and /metrics/snapshot) in JSON and protobuf (decoded by protoc with our
# agent.proto), at /api/v1 and /slave(1)/api/v1; the refusals (no type 400,
# a missing payload 400, unserved calls 501, a GET 405, 406) logged at info;
# then the task's sandbox: its stdout read through /files/read (by the real
# path and by Mesos's virtual .../runs/latest), offset=-1 for the size, the
# folder browsed, /files/download, LIST_FILES and READ_FILE, the sandbox
# named in Mesos's /slave(1)/state; and every escape
# refused: "..", a symlink the task made to /etc/passwd and one up out of
# the sandbox, an absolute path elsewhere, the agent's own files. Last, an
# agent without --resources offers the host's, by Mesos's rule.
. "$(dirname "$0")/lib.sh" "$1"
PROTO_DIR="$(cd "$(dirname "$0")/../../runtime/proto" && pwd)"

start_master
start_agent a1 "cpus:1;mem:256;cpus(ops):1" --isolation none  # ops: a static reservation
AP=${AGENT_PORT[a1]}
execute_bg sbx --command "echo sandbox-output-line; echo to-stderr >&2; ln -s /etc/passwd pw; ln -s .. up; \
mkdir -p sub; echo nested > sub/file; head -c 3000000 /dev/urandom > big; touch big.done; sleep 60" --resources "cpus:0.1;mem:32"
wait_for 20 "the task RUNNING" master_tasks_in TASK_RUNNING 1

# call [PATH] JSON: POSTs a JSON call to the agent; the answer on stdout.
call() {
	local path=/api/v1
	[ $# -eq 2 ] && { path=$1; shift; }
	curl -s --max-time 5 -X POST -H 'Content-Type: application/json' -d "$1" "http://127.0.0.1:$AP$path"
}
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

call '{"type":"GET_HEALTH"}' | grep -q '"get_health":{"healthy":true}' || fail "GET_HEALTH"
call '{"type":"GET_VERSION"}' | grep -q '"version":"1.11.0-meso","build_date":' || fail "GET_VERSION: $(call '{"type":"GET_VERSION"}')"
call '{"type":"GET_FLAGS"}' | grep -q "{\"name\":\"master\",\"value\":\"127.0.0.1:$MASTER_PORT\"}" || fail "GET_FLAGS"
# Mesos's /flags, at both paths, the same flags as GET_FLAGS; GET only.
for p in /flags '/slave(1)/flags'; do
	curl -s --max-time 5 "http://127.0.0.1:$AP$p" | grep -q "^{\"flags\":{.*\"master\":\"127.0.0.1:$MASTER_PORT\"" ||
		fail "$p: $(curl -s --max-time 5 "http://127.0.0.1:$AP$p")"
done
[ "$(status_of -X POST "http://127.0.0.1:$AP/flags")" = 405 ] || fail "POST /flags is not 405"
# A task whose end is acknowledged moves to GET_TASKS's completed_tasks.
execute_bg quick --command true --resources "cpus:0.1;mem:16"
wait_exit "$EXEC_PID" 30
[ "$EXIT_STATUS" -eq 0 ] || fail "the quick task failed: $(cat "$T/quick.out")"
completed_quick() {
	call '{"type":"GET_TASKS"}' | grep -q '"completed_tasks":\[{"name":"quick".*"state":"TASK_FINISHED"'
}
wait_for 10 "the finished task in GET_TASKS completed_tasks" completed_quick
# ... and to /slave(1)/state: its framework, with nothing live left, under
# completed_frameworks, the task under its command executor's completed_tasks.
http_get "$AP" '/slave(1)/state' | python3 -c '
import json, sys
d = json.load(sys.stdin)
done = [t for f in d["completed_frameworks"] for e in f["completed_executors"] for t in e["completed_tasks"]
        if t["name"] == "quick"]
assert len(done) == 1 and done[0]["state"] == "TASK_FINISHED", d["completed_frameworks"]
e = [e for f in d["completed_frameworks"] for e in f["completed_executors"] if e["id"] == done[0]["id"]][0]
assert e["name"].startswith("Command Executor (Task: ") and e["directory"], e
assert all(t["name"] != "quick" for f in d["frameworks"] for e in f["executors"] for t in e["tasks"])
' || fail "the completed task is not in /slave(1)/state as Mesos shows it"
# Mesos's ?jsonp=NAME on the agent's JSON endpoints; a name that is not a
# plain script name is 400.
for p in '/slave(1)/state' /flags /metrics/snapshot; do
	out=$(curl -s --max-time 5 -D "$T/jsonp.h" "http://127.0.0.1:$AP$p?jsonp=cb.x_1")
	case "$out" in cb.x_1\(\{*\}\)\;) ;; *) fail "$p?jsonp=cb.x_1: ${out:0:80}" ;; esac
	grep -qi '^content-type: text/javascript' "$T/jsonp.h" || fail "$p?jsonp: not text/javascript"
	[ "$(status_of "http://127.0.0.1:$AP$p?jsonp=alert(1)")" = 400 ] || fail "$p took jsonp=alert(1)"
done
wait_for 10 "the task running in GET_TASKS" sh -c "curl -s -X POST -H 'Content-Type: application/json' \
	-d '{\"type\":\"GET_TASKS\"}' http://127.0.0.1:$AP/api/v1 | grep -q '\"launched_tasks\":\[{\"name\":\"sbx\".*\"state\":\"TASK_RUNNING\"'"
state=$(call '/slave(1)/api/v1' '{"type":"GET_STATE"}')
echo "$state" | grep -q '"get_state":{"get_tasks":{"launched_tasks":\[{"name":"sbx"' || fail "GET_STATE at /slave(1)/api/v1: $state"
TASK=$(echo "$state" | grep -o '"task_id":{"value":"[^"]*"' | head -1 | cut -d'"' -f6)
FW=$(echo "$state" | grep -o '"framework_id":{"value":"[^"]*"' | head -1 | cut -d'"' -f6)
[ -n "$TASK" ] && [ -n "$FW" ] || fail "no task or framework id in GET_STATE: $state"
PID=$(http_get "$AP" /state | grep -o '"pid":[0-9]*' | head -1 | cut -d: -f2)
call '{"type":"GET_CONTAINERS"}' | grep -q "\"executor_id\":{\"value\":\"$TASK\"}.*\"executor_pid\":$PID" ||
	fail "GET_CONTAINERS lacks the task's container with pid $PID: $(call '{"type":"GET_CONTAINERS"}')"
call '{"type":"GET_AGENT"}' | grep -q "\"port\":$AP" || fail "GET_AGENT"
# Mesos's agent metrics, in /metrics/snapshot and GET_METRICS.
snap=$(http_get "$AP" /metrics/snapshot)
for kv in '"slave/tasks_running":1.0' '"slave/cpus_used":0.1' '"slave/mem_used":32.0' '"slave/registered":1.0' \
	'"slave/cpus_total":2.0' '"system/cpus_total":'; do
	echo "$snap" | grep -qF "$kv" || fail "/metrics/snapshot lacks $kv: $snap"
done
call '{"type":"GET_METRICS","get_metrics":{}}' | grep -q '{"name":"slave/tasks_running","value":1.0}' ||
	fail "GET_METRICS: $(call '{"type":"GET_METRICS","get_metrics":{}}')"

# Protobuf: the same answers, in Mesos's encoding (decoded with agent.proto).
if command -v protoc >/dev/null; then
	curl -s -X POST -H 'Content-Type: application/json' -H 'Accept: application/x-protobuf' \
		-d '{"type":"GET_TASKS"}' "http://127.0.0.1:$AP/api/v1" -o "$T/tasks.pb" -D "$T/tasks.hdr"
	grep -qi '^Content-Type: application/x-protobuf' "$T/tasks.hdr" || fail "protobuf answer's type: $(cat "$T/tasks.hdr")"
	protoc --decode=mesos.v1.agent.Response -I "$PROTO_DIR" agent/agent.proto <"$T/tasks.pb" >"$T/tasks.txt" ||
		fail "the protobuf GET_TASKS does not decode"
	grep -q "value: \"$TASK\"" "$T/tasks.txt" || fail "protobuf GET_TASKS lacks the task: $(cat "$T/tasks.txt")"
	printf '\x08\x01' | curl -s -X POST -H 'Content-Type: application/x-protobuf' -H 'Accept: application/x-protobuf' \
		--data-binary @- "http://127.0.0.1:$AP/api/v1" | protoc --decode=mesos.v1.agent.Response -I "$PROTO_DIR" \
		agent/agent.proto | grep -q 'healthy: true' || fail "GET_HEALTH in protobuf"
fi

# Refusals, as Mesos answers them, each logged at info with its reason.
refused() { # STATUS TEXT JSON
	local out code
	out=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' -d "$3" "http://127.0.0.1:$AP/api/v1")
	code=${out##*$'\n'}
	[ "$code" = "$1" ] || fail "$3 answered $code, not $1: $out"
	echo "$out" | grep -q -- "$2" || fail "$3: no \"$2\" in: $out"
}
refused 400 "Expecting 'type' to be present" '{}'
refused 400 "Expecting 'list_files' to be present" '{"type":"LIST_FILES"}'
refused 501 "Nested and standalone containers are not supported" \
	'{"type":"LAUNCH_CONTAINER"}'
refused 501 "Unknown call type" '{"type":"UNKNOWN"}'
refused 400 "Invalid duration" \
	'{"type":"SET_LOGGING_LEVEL","set_logging_level":{"level":1,"duration":{"nanoseconds":0}}}'
# SET_LOGGING_LEVEL: debug lines for the duration, then back.
[ "$(status_of -X POST -H 'Content-Type: application/json' -d \
	'{"type":"SET_LOGGING_LEVEL","set_logging_level":{"level":1,"duration":{"nanoseconds":300000000}}}' \
	"http://127.0.0.1:$AP/api/v1")" = 200 ] || fail "SET_LOGGING_LEVEL"
call '{"type":"GET_LOGGING_LEVEL"}' | grep -q '"get_logging_level":{"level":1}' || fail "GET_LOGGING_LEVEL after the set"
wait_for 5 "the level back to 0" sh -c "curl -s -X POST -H 'Content-Type: application/json' \
	-d '{\"type\":\"GET_LOGGING_LEVEL\"}' http://127.0.0.1:$AP/api/v1 | grep -q '\"level\":0'"
grep -q "logging level back to verbosity 0" "$T/a1.log" || fail "the revert is not logged"
[ "$(status_of "http://127.0.0.1:$AP/api/v1")" = 405 ] || fail "GET /api/v1 is not 405"
[ "$(status_of -X POST -H 'Content-Type: application/json' -H 'Accept: text/html' -d '{"type":"GET_HEALTH"}' \
	"http://127.0.0.1:$AP/api/v1")" = 406 ] || fail "Accept: text/html is not 406"
grep -q "operator call LAUNCH_CONTAINER from 127.0.0.1:[0-9]* refused: 501 Nested" "$T/a1.log" ||
	fail "the refused call is not logged"

# The sandbox through /files.
SB=$(http_get "$AP" /state | grep -o '"sandbox":"[^"]*"' | head -1 | cut -d'"' -f4)
VIRT="/frameworks/$FW/executors/$TASK/runs/latest"
wait_for 10 "the task's links made" test -L "$SB/up"
enc() { # percent-encodes $1 for a query
	local s=$1 i c out=""
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case "$c" in [a-zA-Z0-9._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
	done
	echo "$out"
}
files() { curl -s --max-time 5 "http://127.0.0.1:$AP/files/$1?path=$(enc "$2")$3"; }
files_status() { status_of "http://127.0.0.1:$AP/files/$1?path=$(enc "$2")$3"; }
[ "$(files read "$SB/stdout" "&offset=0")" = '{"offset":0,"data":"sandbox-output-line\n"}' ] ||
	fail "stdout by its real path: $(files read "$SB/stdout" "&offset=0")"
[ "$(files read "$VIRT/stdout" "&offset=0&length=7")" = '{"offset":0,"data":"sandbox"}' ] ||
	fail "stdout by the virtual path: $(files read "$VIRT/stdout" "&offset=0&length=7")"
[ "$(files read "$VIRT/stderr" "")" = '{"offset":10,"data":""}' ] || fail "offset=-1 is not the size"
[ "$(files read "$VIRT/sub/file" "&offset=2")" = '{"offset":2,"data":"sted\n"}' ] || fail "a nested file"
browse=$(files browse "$VIRT" "")
for f in stdout stderr pw up sub; do
	echo "$browse" | grep -q "{\"path\":\"$VIRT/$f\",\"nlink\":[0-9]*,\"size\":[0-9]*,\"mtime\":[0-9.e+]*,\"mode\":\"[-dl][-rwx]\{9\}\",\"uid\":\"[^\"]*\",\"gid\":\"[^\"]*\"}" ||
		fail "browse lacks $f in Mesos's shape: $browse"
done
echo "$browse" | grep -q "\"path\":\"$VIRT/pw\",[^}]*\"mode\":\"l" || fail "the symlink is not listed as one"
[ "$(files download "$SB/stderr" "")" = "to-stderr" ] || fail "/files/download"
# A large file is streamed whole (read as the client takes it).
wait_for 10 "the task's big file" test -e "$SB/big.done"
curl -s --max-time 10 "http://127.0.0.1:$AP/files/download?path=$(enc "$VIRT/big")" | cmp - "$SB/big" ||
	fail "/files/download of a 3 MB file differs"
curl -s -D - -o /dev/null "http://127.0.0.1:$AP/files/read?path=$(enc "$SB/stdout")" | tr -d '\r' |
	grep -qi '^Access-Control-Allow-Origin: \*$' || fail "no CORS header on /files/read"
call "{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"$VIRT/stdout\",\"offset\":0}}" |
	grep -q '"read_file":{"size":20,"data":"c2FuZGJveC1vdXRwdXQtbGluZQo="}' || fail "READ_FILE"
call "{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"$SB\"}}" | grep -q "\"path\":\"$SB/stdout\"" || fail "LIST_FILES"

# Mesos's v0 agent state names the sandbox as the executor's directory,
# which /files serves (how Mesos's tools find a task's files).
mstate=$(http_get "$AP" '/slave(1)/state')
echo "$mstate" | grep -q "\"executors\":\[{\"id\":\"$TASK\",.*\"directory\":\"$SB\"" ||
	fail "/slave(1)/state lacks the task's executor and directory: $mstate"
echo "$mstate" | grep -q "\"tasks\":\[{\"id\":\"$TASK\",.*\"state\":\"TASK_RUNNING\"" || fail "/slave(1)/state lacks the task"
echo "$mstate" | grep -q '"reserved_resources":{"ops":{[^}]*"cpus":1' ||
	fail "/slave(1)/state reserved_resources lacks the static reservation for ops: $mstate"
echo "$mstate" | grep -q '"unreserved_resources":{[^}]*"cpus":1' || fail "/slave(1)/state unreserved_resources: $mstate"
[ "$(files read "$SB/stdout" "&offset=0&length=7")" = '{"offset":0,"data":"sandbox"}' ] || fail "the directory's stdout"

# Escapes, each refused.
[ "$(files_status read "$SB/../../../../agent.port" "&offset=0")" = 400 ] || fail "'..' was not refused"
[ "$(files_status read "$VIRT/sub/../stdout" "&offset=0")" = 400 ] || fail "'..' inside was not refused"
[ "$(files_status read "$SB/pw" "&offset=0")" = 403 ] || fail "a symlink to /etc/passwd was not refused"
[ "$(files_status browse "$VIRT/up" "")" = 403 ] || fail "a symlink up out of the sandbox was not refused"
[ "$(files_status read "$VIRT/up/$(basename "$SB")/stdout" "&offset=0")" = 403 ] || fail "a path through the link up"
[ "$(files_status read /etc/passwd "&offset=0")" = 404 ] || fail "an absolute path elsewhere was not refused"
[ "$(files_status read "$T/a1/agent.port" "&offset=0")" = 404 ] || fail "the agent's own files are served"
[ "$(files_status browse "$T/a1" "")" = 404 ] || fail "the work_dir can be browsed"
[ "$(files_status read "$SB" "&offset=0")" = 400 ] || fail "reading a folder is not 400"
[ "$(status_of "http://127.0.0.1:$AP/files/read")" = 400 ] || fail "no path is not 400"
files read "$SB/pw" "&offset=0" | grep -q root && fail "/etc/passwd was served"
grep -q "/files/read from 127.0.0.1:[0-9]* refused: 403 Path leads out of its sandbox" "$T/a1.log" ||
	fail "the refused read is not logged"

# An agent without --resources: the host's, by Mesos's rule (the CPUs
# online, memory less 1 GB, work_dir's filesystem less 5 GB, the ports).
mkdir -p "$T/a2"
"$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/a2" --isolation none 2>"$T/a2.log" &
PIDS+=($!)
AGENT_PORT[a2]=""
wait_for 10 "agent a2 port file" test -s "$T/a2/agent.port"
AGENT_PORT[a2]=$(cat "$T/a2/agent.port")
wait_for 10 "agent a2 registered" agent_registered a2
res=$(http_get "${AGENT_PORT[a2]}" /state | grep -o '"resources":"[^"]*"')
mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
mem=$(( mem_kb >= 2 * 1024 * 1024 ? mem_kb / 1024 - 1024 : mem_kb / 2048 ))
echo "$res" | grep -q "\"resources\":\"cpus:$(getconf _NPROCESSORS_ONLN);mem:$mem;disk:[1-9][0-9]*;ports:\[31000-32000\]\"" ||
	fail "the host's resources are not Mesos's defaults (cpus $(getconf _NPROCESSORS_ONLN), mem $mem): $res"
echo PASS

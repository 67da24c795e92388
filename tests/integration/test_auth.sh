#!/usr/bin/env bash
# Authentication (issue 17, item 1), with real processes: a master with
# every --authenticate_* flag on. Agents without credentials are refused
# (401) and one with its --credential registers; an agent id stays bound to
# the principal that registered it; the read-only and read-write endpoints
# answer 401 with WWW-Authenticate to no or wrong credentials; meso-execute
# runs only with its --principal/--secret; a framework's id cannot be taken
# over by another principal (403), and a takeover by the same principal
# ends the old stream with an ERROR event. Then, with auth off, the same
# takeover succeeds (documented), a forged log line is escaped and a
# protobuf string that is not UTF-8 gets 400 naming the field.
. "$(dirname "$0")/lib.sh" "$1"

cat >"$T/creds.json" <<'JSON'
{"credentials": [{"principal": "fw", "secret": "fw-secret"},
                 {"principal": "other", "secret": "other-secret"},
                 {"principal": "agent1", "secret": "agent1-secret"},
                 {"principal": "agent2", "secret": "agent2-secret"}]}
JSON
echo '{"principal": "agent1", "secret": "agent1-secret"}' >"$T/agent1.json"
echo '{"principal": "agent2", "secret": "agent2-secret"}' >"$T/agent2.json"
mkdir -p "$T/master"
start_master --authenticate_frameworks --authenticate_agents --authenticate_http_readonly \
	--authenticate_http_readwrite --credentials "file://$T/creds.json"

# status METHOD PATH [CURL ARGS...]: the HTTP status only.
status() {
	local m=$1 p=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X "$m" "$@" "http://127.0.0.1:$MASTER_PORT$p"
}
[ "$(status GET /health)" = 200 ] || fail "/health needs no credentials"
for p in /state /master/state /metrics/snapshot /flags /roles; do
	[ "$(status GET $p)" = 401 ] || fail "$p without credentials: not 401"
	[ "$(status GET $p -u fw:wrong)" = 401 ] || fail "$p with a wrong secret: not 401"
	[ "$(status GET $p -u fw:fw-secret)" = 200 ] || fail "$p with credentials: not 200"
done
curl -s -D - -o /dev/null "http://127.0.0.1:$MASTER_PORT/state" | grep -qi '^WWW-Authenticate: Basic realm="mesos-master-readonly"' ||
	fail "no WWW-Authenticate on a 401"
[ "$(status POST /api/v1 -H 'Content-Type: application/json' -d '{"type":"GET_HEALTH"}')" = 401 ] ||
	fail "/api/v1 without credentials: not 401"
[ "$(status POST /api/v1 -u other:other-secret -H 'Content-Type: application/json' -d '{"type":"GET_HEALTH"}')" = 200 ] ||
	fail "/api/v1 with credentials: not 200"
curl -s -D - -o /dev/null -X POST "http://127.0.0.1:$MASTER_PORT/api/v1/scheduler" \
	-H 'Content-Type: application/json' -d '{}' | grep -qi 'realm="mesos-master-scheduler"' ||
	fail "the scheduler API did not ask for credentials"

# Agents: none without a credential, one with it.
mkdir -p "$T/nocred"
"$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/nocred" --resources "cpus:1;mem:64" \
	--switch_user=false 2>"$T/nocred.log" &
PIDS+=($!)
NOCRED=$!
wait_for 10 "the agent without a credential refused" grep -q "upgrade refused: HTTP/1.1 401" "$T/nocred.log"
kill "$NOCRED"
start_agent a1 "cpus:2;mem:256" --credential "$T/agent1.json" --switch_user=false
A1_ID=$(agent_id a1)
[ "$(curl -s -u fw:fw-secret "http://127.0.0.1:$MASTER_PORT/state" | grep -o '"port":[0-9]*,"connected"' | wc -l)" = 1 ] ||
	fail "the master should list one agent"
curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Upgrade: meso-agent/1' -H 'Connection: Upgrade' \
	"http://127.0.0.1:$MASTER_PORT/api/agent" >"$T/fake.code"
[ "$(cat "$T/fake.code")" = 401 ] || fail "a fake agent's upgrade was not refused: $(cat "$T/fake.code")"

# meso-execute: refused without credentials, runs with them.
if "$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name anon --command true >"$T/anon.out" 2>"$T/anon.log"; then
	fail "meso-execute without credentials succeeded"
fi
grep -q "HTTP 401" "$T/anon.log" || fail "meso-execute did not report the 401"
"$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name authed --principal fw --secret fw-secret \
	--command true >"$T/authed.out" 2>"$T/authed.log" || fail "meso-execute with credentials failed"

# subscribe_json PRINCIPAL:SECRET [FRAMEWORK_ID]: a SUBSCRIBE body.
subscribe_body() {
	local id=${1:-}
	if [ -n "$id" ]; then
		printf '{"type":"SUBSCRIBE","framework_id":{"value":"%s"},"subscribe":{"framework_info":{"user":"nobody","name":"victim","failover_timeout":60,"id":{"value":"%s"}}}}' "$id" "$id"
	else
		printf '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"nobody","name":"victim","failover_timeout":60}}}'
	fi
}
# stream NAME CREDS [ID]: a subscription whose events go to $T/NAME.stream.
stream() {
	local name=$1 creds=$2 id=${3:-}
	curl -sN --max-time 60 ${creds:+-u "$creds"} -H 'Content-Type: application/json' -d "$(subscribe_body "$id")" \
		-D "$T/$name.headers" "http://127.0.0.1:$MASTER_PORT/api/v1/scheduler" >"$T/$name.stream" 2>/dev/null &
	PIDS+=($!)
	STREAM_PID=$!
}
stream victim fw:fw-secret
VICTIM=$STREAM_PID
wait_for 10 "the victim subscribed" grep -q SUBSCRIBED "$T/victim.stream"
FW_ID=$(grep -o '"framework_id":{"value":"[^"]*"' "$T/victim.stream" | head -1 | cut -d'"' -f6)
[ -n "$FW_ID" ] || fail "no framework id in the victim's stream"
code=$(curl -s -o "$T/hijack.body" -w '%{http_code}' --max-time 5 -u other:other-secret \
	-H 'Content-Type: application/json' -d "$(subscribe_body "$FW_ID")" "http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")
[ "$code" = 403 ] || fail "a SUBSCRIBE with the victim's id from another principal: $code, not 403"
grep -q "bound to another principal" "$T/hijack.body" || fail "the 403 says no reason: $(cat "$T/hijack.body")"
exited "$VICTIM" && fail "the refused hijack closed the victim's stream"
# The same principal takes over: the old stream ends with an ERROR.
stream takeover fw:fw-secret "$FW_ID"
wait_for 10 "the takeover subscribed" grep -q SUBSCRIBED "$T/takeover.stream"
wait_for 10 "the victim's stream ended" exited "$VICTIM"
grep -q '"type":"ERROR".*Framework failed over' "$T/victim.stream" || fail "the old stream got no ERROR event"
# Calls on the framework's stream: only from its principal.
SID=$(grep -i '^Mesos-Stream-Id:' "$T/takeover.headers" | tr -d '\r' | cut -d' ' -f2)
revive() {
	curl -s -o "$T/revive.body" -w '%{http_code}' -u "$1" -H 'Content-Type: application/json' -H "Mesos-Stream-Id: $SID" \
		-d "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"$FW_ID\"}}" "http://127.0.0.1:$MASTER_PORT/api/v1/scheduler"
}
[ "$(revive other:other-secret)" = 403 ] || fail "a call from another principal was not refused 403"
grep -q "does not match principal 'fw'" "$T/revive.body" || fail "the 403 gives no reason: $(cat "$T/revive.body")"
[ "$(revive fw:fw-secret)" = 202 ] || fail "the framework's own call was refused: $(cat "$T/revive.body")"

# An agent id is bound to its principal: the same agent restarted with
# another credential recovers its id and is refused under it.
kill -9 "${AGENT_PID[a1]}"
"$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/a1" --resources "cpus:2;mem:256" \
	--credential "$T/agent2.json" --switch_user=false 2>>"$T/a1-again.log" &
PIDS+=($!)
wait_for 10 "a re-registration under another principal refused" \
	grep -q "refused re-registration as $A1_ID: it registered as principal 'agent1'" "$T/master.log"

# Auth off: the same hijack works (Mesos's model without authentication).
kill -TERM "$MASTER_PID"
wait_for 10 "the first master to stop" exited "$MASTER_PID"
rm -f "$T/master/master.port"
mv "$T/master.log" "$T/master-auth.log"
start_master
stream open ""
wait_for 10 "a framework subscribed" grep -q SUBSCRIBED "$T/open.stream"
OPEN=$STREAM_PID
FW_ID=$(grep -o '"framework_id":{"value":"[^"]*"' "$T/open.stream" | head -1 | cut -d'"' -f6)
stream hijack "" "$FW_ID"
wait_for 10 "the hijack subscribed (auth off)" grep -q SUBSCRIBED "$T/hijack.stream"
wait_for 10 "the first stream ended" exited "$OPEN"
grep -q "Framework failed over" "$T/open.stream" || fail "no ERROR event on a takeover with auth off"

# A forged log line: the newline is escaped.
curl -s -o /dev/null --max-time 2 -H 'Content-Type: application/json' \
	-d '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"x\n2026-01-01T00:00:00.000Z E meso-master[1]: FORGED"}}}' \
	"http://127.0.0.1:$MASTER_PORT/api/v1/scheduler"
wait_for 10 "the subscription logged" grep -q 'x\\n2026-01-01T00:00:00.000Z E meso-master\[1\]: FORGED' "$T/master.log"
grep -q '^2026-01-01T00:00:00.000Z E meso-master\[1\]: FORGED' "$T/master.log" && fail "a forged line reached the log"

# A protobuf string that is not UTF-8: 400 naming the field.
python3 - "$T/bad.pb" <<'PY'
import sys
def s(field, b): return bytes([field << 3 | 2, len(b)]) + b
fi = s(1, b"u") + s(2, b"bad\xff")
sub = s(1, fi)
call = bytes([2 << 3, 1]) + s(3, sub)
open(sys.argv[1], "wb").write(call)
PY
code=$(curl -s -o "$T/bad.body" -w '%{http_code}' -H 'Content-Type: application/x-protobuf' --data-binary "@$T/bad.pb" \
	"http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")
[ "$code" = 400 ] || fail "invalid UTF-8: $code, not 400"
grep -q "field 'subscribe.framework_info.name' is not valid UTF-8" "$T/bad.body" || fail "the 400 names no field: $(cat "$T/bad.body")"
# The same in JSON.
printf '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"ok","roles":["r\xc3"]}}}' >"$T/bad.json"
code=$(curl -s -o "$T/badj.body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$T/bad.json" \
	"http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")
[ "$code" = 400 ] || fail "invalid UTF-8 in JSON: $code, not 400"
grep -q "field 'subscribe.framework_info.roles\[0\]' is not valid UTF-8" "$T/badj.body" ||
	fail "the JSON 400 names no field: $(cat "$T/badj.body")"
echo "ok: authentication, principal binding, escaping and UTF-8 checks"

#!/usr/bin/env bash
# The v1 scheduler API in JSON, driven by curl alone: SUBSCRIBE with
# Accept: application/json opens a JSON RecordIO stream (SUBSCRIBED, then
# HEARTBEAT, then OFFERS with Mesos-shaped resources); a JSON DECLINE is
# accepted; a malformed body gets 400 with a message, a wrong type 415.
# Then the details clients rely on: offer url/agent_id/hostname, HEARTBEATs
# at the advertised interval, a JSON LAUNCH whose agent updates carry a uuid
# and advance only when acknowledged, and a re-SUBSCRIBE within
# failover_timeout that keeps the framework id and its task.
. "$(dirname "$0")/lib.sh" "$1"

start_master --heartbeat_interval 1
start_agent a1 "cpus:2;mem:1024"
API="http://127.0.0.1:$MASTER_PORT/api/v1/scheduler"

curl -sN --max-time 60 -D "$T/sub.headers" -H 'Content-Type: application/json' -H 'Accept: application/json' \
	-d '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root","name":"json-it","roles":["*"]}}}' \
	"$API" >"$T/stream" 2>"$T/curl.log" &
PIDS+=($!)

has_offer() { grep -q '"type":"OFFERS"' "$T/stream"; }
wait_for 20 "an OFFERS event on the JSON stream" has_offer

grep -qi '^Content-Type: application/json' "$T/sub.headers" || fail "stream type: $(cat "$T/sub.headers")"
SID=$(tr -d '\r' <"$T/sub.headers" | sed -n 's/^[Mm]esos-[Ss]tream-[Ii]d: //p')
[ -n "$SID" ] || fail "no Mesos-Stream-Id in $(cat "$T/sub.headers")"
# RecordIO: "<length>\n<record>" with nothing in between records; the
# first record is SUBSCRIBED, the second HEARTBEAT.
# record OFFSET: sets REC to the record at byte OFFSET and NEXT past it.
record() {
	local len
	len=$(tail -c +$(($1 + 1)) "$T/stream" | head -n 1)
	[[ "$len" =~ ^[1-9][0-9]*$ ]] || fail "no RecordIO length at byte $1: $(tail -c +$(($1 + 1)) "$T/stream" | head -c 100)"
	REC=$(tail -c +$(($1 + ${#len} + 2)) "$T/stream" | head -c "$len")
	[ "${#REC}" -eq "$len" ] || fail "record at byte $1 is shorter than its length $len"
	NEXT=$(($1 + ${#len} + 1 + len))
}
record 0
case "$REC" in '{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"'*'}') ;; *) fail "first record: $REC" ;; esac
record "$NEXT"
[ "$REC" = '{"type":"HEARTBEAT"}' ] || fail "second record is not HEARTBEAT: $REC"
grep -q '"heartbeat_interval_seconds":1' "$T/stream" || fail "SUBSCRIBED has no heartbeat interval of 1 s"
FID=$(grep -o '"framework_id":{"value":"[^"]*"}' "$T/stream" | head -n 1 | sed 's/.*"value":"\([^"]*\)".*/\1/')
OID=$(grep -o '"offers":{"offers":\[{"id":{"value":"[^"]*"' "$T/stream" | head -n 1 | sed 's/.*"value":"//; s/"$//')
[ -n "$FID" ] && [ -n "$OID" ] || fail "no framework or offer id in $(cat "$T/stream")"
grep -q '"resources":\[{"name":"[a-z]*","type":"SCALAR","scalar":{"value":' "$T/stream" ||
	fail "offer resources are not Mesos-shaped: $(grep OFFERS "$T/stream")"
grep -q '{"name":"cpus","type":"SCALAR","scalar":{"value":2' "$T/stream" || fail "no cpus:2 in the offer"

# post BODY [CONTENT_TYPE]: prints the status code; the body goes to $T/reply.
post() {
	curl -s --max-time 5 -o "$T/reply" -w '%{http_code}' -H "Content-Type: ${2:-application/json}" \
		-H "Mesos-Stream-Id: $SID" -d "$1" "$API"
}

code=$(post "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"DECLINE\",\"decline\":{\"offer_ids\":[{\"value\":\"$OID\"}],\"filters\":{\"refuse_seconds\":60}}}")
[ "$code" = 202 ] || fail "DECLINE in JSON: $code $(cat "$T/reply")"
offer_gone() { ! http_get "$MASTER_PORT" /state | grep -q "$OID"; }
wait_for 10 "the declined offer gone from /state" offer_gone

code=$(post '{"type":"DECLINE",')
[ "$code" = 400 ] || fail "malformed JSON: $code"
grep -q 'Failed to parse body into JSON' "$T/reply" || fail "malformed JSON message: $(cat "$T/reply")"

code=$(post "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"DECLINE\",\"decline\":{\"offer_ids\":[{\"value\":7}]}}")
[ "$code" = 400 ] || fail "ill-typed JSON: $code"
grep -q 'decline.offer_ids\[0\].value: expected a string' "$T/reply" || fail "ill-typed message: $(cat "$T/reply")"

code=$(post '{"type":"REVIVE"}' text/plain)
[ "$code" = 415 ] || fail "wrong content type: $code $(cat "$T/reply")"

code=$(curl -s --max-time 5 -o "$T/reply" -w '%{http_code}' -d '{}' -H 'Content-Type:' "$API")
[ "$code" = 400 ] || fail "missing content type: $code $(cat "$T/reply")"

code=$(curl -s --max-time 5 -o "$T/reply" -w '%{http_code}' -H 'Content-Type: application/json' \
	-H "Mesos-Stream-Id: not-$SID" \
	-d "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"REVIVE\"}" "$API")
[ "$code" = 400 ] || fail "mismatched stream id: $code"
grep -q "didn't match" "$T/reply" || fail "mismatched stream id message: $(cat "$T/reply")"

code=$(curl -s --max-time 5 -o "$T/reply" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"REVIVE\"}" "$API")
[ "$code" = 400 ] || fail "missing stream id: $code $(cat "$T/reply")"

code=$(post '{"framework_id":{"value":"nobody"},"type":"REVIVE"}')
[ "$code" = 400 ] && grep -q 'Framework cannot be found' "$T/reply" || fail "unknown framework: $code $(cat "$T/reply")"

code=$(curl -s --max-time 5 -o "$T/reply" -w '%{http_code}' -H 'Content-Type: application/json' \
	-H 'Accept: text/html' -d '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}' "$API")
[ "$code" = 406 ] || fail "SUBSCRIBE accepting neither type: $code"

# stream_type [CURL_ARGS...]: the Content-Type a SUBSCRIBE's stream gets.
stream_type() {
	curl -s --max-time 2 -o /dev/null -D - -H 'Content-Type: application/json' "$@" \
		-d '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}' "$API" |
		tr -d '\r' | sed -n 's/^[Cc]ontent-[Tt]ype: //p'
}
[ "$(stream_type)" = application/json ] || fail "SUBSCRIBE without Accept is not JSON"
[ "$(stream_type -H 'Accept: */*')" = application/json ] || fail "SUBSCRIBE with */* is not JSON"
[ "$(stream_type -H 'Accept: application/json;q=0, application/x-protobuf')" = application/x-protobuf ] ||
	fail "SUBSCRIBE refusing JSON is not protobuf"

code=$(post "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"TEARDOWN\"}")
[ "$code" = 202 ] || fail "TEARDOWN in JSON: $code $(cat "$T/reply")"

# The offer as Mesos writes it: agent_id, hostname, url{scheme, address, path}.
AID=$(grep -o '"agent_id":{"value":"[^"]*"}' "$T/stream" | head -n 1 | sed 's/.*"value":"//; s/"}$//')
[ -n "$AID" ] || fail "no agent_id in the offer"
grep -q '"hostname":"[^"]' "$T/stream" || fail "no hostname in the offer"
grep -qE "\"url\":\{\"scheme\":\"http\",\"address\":\{\"hostname\":\"[^\"]+\",\"ip\":\"127.0.0.1\",\"port\":${AGENT_PORT[a1]}\},\"path\":\"/slave\(1\)\"\}" \
	"$T/stream" || fail "offer url: $(grep -o '"url":{[^}]*}[^}]*}' "$T/stream" | head -n 1)"
# HEARTBEAT every --heartbeat_interval (1 s): a few within 5 s.
beats() { [ "$(grep -o '{"type":"HEARTBEAT"}' "$T/stream" | wc -l)" -ge 4 ]; }
wait_for 6 "HEARTBEATs every second" beats

# subscribe FILE [ID]: a JSON stream of framework "json-b" (failover_timeout
# 30) into FILE; sets SUB_PID.
subscribe() {
	local id="" top=""
	[ -n "${2:-}" ] && id="\"id\":{\"value\":\"$2\"}," && top="\"framework_id\":{\"value\":\"$2\"},"
	curl -sN --max-time 60 -D "$1.headers" -H 'Content-Type: application/json' \
		-d "{${top}\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{${id}\"user\":\"root\",\"name\":\"json-b\",\"failover_timeout\":30}}}" \
		"$API" >"$1" 2>>"$T/curl.log" &
	SUB_PID=$!
	PIDS+=($SUB_PID)
}
subscribe "$T/b1"
has_offer_b() { grep -q '"type":"OFFERS"' "$T/b1"; }
wait_for 20 "an offer for the second framework" has_offer_b
FID=$(grep -o '"framework_id":{"value":"[^"]*"}' "$T/b1" | head -n 1 | sed 's/.*"value":"//; s/"}$//')
OID=$(grep -o '"offers":{"offers":\[{"id":{"value":"[^"]*"' "$T/b1" | head -n 1 | sed 's/.*"value":"//; s/"$//')
SID=$(tr -d '\r' <"$T/b1.headers" | sed -n 's/^[Mm]esos-[Ss]tream-[Ii]d: //p')
code=$(post "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"ACCEPT\",\"accept\":{\"offer_ids\":[{\"value\":\"$OID\"}],
	\"operations\":[{\"type\":\"LAUNCH\",\"launch\":{\"task_infos\":[{\"name\":\"t\",\"task_id\":{\"value\":\"t1\"},
	\"agent_id\":{\"value\":\"$AID\"},\"command\":{\"value\":\"sleep 30\"},
	\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":0.1}},
	{\"name\":\"mem\",\"type\":\"SCALAR\",\"scalar\":{\"value\":32}}]}]}}]}}")
[ "$code" = 202 ] || fail "ACCEPT with LAUNCH in JSON: $code $(cat "$T/reply")"
has_starting() { grep -q '"state":"TASK_STARTING"' "$T/b1"; }
wait_for 20 "TASK_STARTING" has_starting
# update_of FILE STATE: the status of the first UPDATE to STATE in a stream.
update_of() {
	python3 - "$1" "$2" <<'PY'
import json, sys
data, i = open(sys.argv[1], "rb").read(), 0
while i < len(data):
    nl = data.index(b"\n", i)
    n = int(data[i:nl])
    ev = json.loads(data[nl + 1:nl + 1 + n])
    i = nl + 1 + n
    if ev["type"] == "UPDATE" and ev["update"]["status"]["state"] == sys.argv[2]:
        print(json.dumps(ev["update"]["status"], separators=(",", ":")))
        break
PY
}
UPD=$(update_of "$T/b1" TASK_STARTING)
UUID=$(grep -o '"uuid":"[^"]*"' <<<"$UPD" | head -n 1 | sed 's/"uuid":"//; s/"$//')
[ "$(printf %s "$UUID" | base64 -d 2>/dev/null | wc -c)" = 16 ] || fail "agent update without a 16-byte uuid: $UPD"
grep -q "\"agent_id\":{\"value\":\"$AID\"}" <<<"$UPD" || fail "update without agent_id: $UPD"
# Updates go one at a time: RUNNING only after STARTING is acknowledged.
sleep 1.5
grep -q '"state":"TASK_RUNNING"' "$T/b1" && fail "TASK_RUNNING sent before TASK_STARTING was acknowledged"
code=$(post "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"ACKNOWLEDGE\",\"acknowledge\":{
	\"agent_id\":{\"value\":\"$AID\"},\"task_id\":{\"value\":\"t1\"},\"uuid\":\"$UUID\"}}")
[ "$code" = 202 ] || fail "ACKNOWLEDGE in JSON: $code $(cat "$T/reply")"
has_running() { grep -q '"state":"TASK_RUNNING"' "$T/b1"; }
wait_for 10 "TASK_RUNNING after the acknowledgement" has_running

# The stream breaks; within failover_timeout the framework re-subscribes with
# its id and keeps it, with a new stream id, and its task keeps running.
kill "$SUB_PID"
fw_disconnected() { http_get "$MASTER_PORT" /state | grep -q '"name":"json-b"[^}]*"connected":false'; }
wait_for 10 "the framework disconnected" fw_disconnected
code=$(post "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"REVIVE\"}")
[ "$code" = 403 ] || fail "a call of a disconnected framework: $code (Mesos: 403)"
code=$(curl -s --max-time 5 -o "$T/reply" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"id\":{\"value\":\"$FID\"},\"user\":\"u\",\"name\":\"n\"}}}" "$API")
[ "$code" = 400 ] && grep -q "differs from 'subscribe.framework_info.id'" "$T/reply" ||
	fail "SUBSCRIBE with framework_info.id but no framework_id: $code $(cat "$T/reply")"
subscribe "$T/b2" "$FID"
resubscribed() { grep -q '"type":"SUBSCRIBED"' "$T/b2"; }
wait_for 10 "SUBSCRIBED again" resubscribed
grep -q "\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"$FID\"}" "$T/b2" ||
	fail "re-subscription did not keep the id: $(head -c 300 "$T/b2")"
SID2=$(tr -d '\r' <"$T/b2.headers" | sed -n 's/^[Mm]esos-[Ss]tream-[Ii]d: //p')
[ -n "$SID2" ] && [ "$SID2" != "$SID" ] || fail "re-subscription kept the stream id $SID"
code=$(post "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"REVIVE\"}")
[ "$code" = 400 ] || fail "the old stream id after re-subscribing: $code"
SID=$SID2
master_tasks_in TASK_RUNNING 1 || fail "the task did not survive the failover"
code=$(post "{\"framework_id\":{\"value\":\"$FID\"},\"type\":\"TEARDOWN\"}")
[ "$code" = 202 ] || fail "TEARDOWN of the second framework: $code $(cat "$T/reply")"
echo "PASS"

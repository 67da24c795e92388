#!/usr/bin/env bash
# The v1 scheduler API in JSON, driven by curl alone: SUBSCRIBE with
# Accept: application/json opens a JSON RecordIO stream (SUBSCRIBED, then
# HEARTBEAT, then OFFERS with Mesos-shaped resources); a JSON DECLINE is
# accepted; a malformed body gets 400 with a message, a wrong type 415.
. "$(dirname "$0")/lib.sh" "$1"

start_master
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
grep -q '"heartbeat_interval_seconds":' "$T/stream" || fail "SUBSCRIBED has no heartbeat interval"
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
echo "PASS"

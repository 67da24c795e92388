#!/usr/bin/env bash
# Authorization (issue 17, item 2), with real processes: a master with
# --acls (Mesos's JSON) and authentication on. Each enforced ACL kind is
# seen to allow and to deny: register_frameworks (a role), run_tasks (a
# user; root only when named), teardown_frameworks (the operator API),
# view_frameworks and view_tasks (/state, /master/state, GET_FRAMEWORKS,
# GET_TASKS and the operator SUBSCRIBE stream), get_endpoints
# (/metrics/snapshot).
. "$(dirname "$0")/lib.sh" "$1"

cat >"$T/creds.json" <<'JSON'
{"credentials": [{"principal": "fw", "secret": "s"}, {"principal": "ops", "secret": "s"},
                 {"principal": "viewer", "secret": "s"}]}
JSON
cat >"$T/acls.json" <<'JSON'
{
  "register_frameworks": [
    {"principals": {"values": ["fw"]}, "roles": {"values": ["web", "*"]}},
    {"principals": {"type": "ANY"}, "roles": {"type": "NONE"}}
  ],
  "run_tasks": [
    {"principals": {"values": ["fw"]}, "users": {"values": ["alice", "bob"]}},
    {"principals": {"type": "ANY"}, "users": {"values": ["daemon"]}},
    {"principals": {"type": "NONE"}, "users": {"type": "ANY"}}
  ],
  "teardown_frameworks": [
    {"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}},
    {"principals": {"type": "NONE"}, "framework_principals": {"type": "ANY"}}
  ],
  "view_frameworks": [
    {"principals": {"values": ["viewer"]}, "users": {"values": ["alice"]}},
    {"principals": {"values": ["viewer"]}, "users": {"type": "NONE"}}
  ],
  "view_tasks": [
    {"principals": {"values": ["viewer"]}, "users": {"values": ["alice"]}},
    {"principals": {"values": ["viewer"]}, "users": {"type": "NONE"}}
  ],
  "get_endpoints": [
    {"principals": {"values": ["ops"]}, "paths": {"values": ["/metrics/snapshot"]}},
    {"principals": {"type": "NONE"}, "paths": {"values": ["/metrics/snapshot"]}}
  ]
}
JSON
mkdir -p "$T/master"
start_master --authenticate_frameworks --authenticate_http_readonly --authenticate_http_readwrite \
	--credentials "$T/creds.json" --acls "$T/acls.json"
start_agent a1 "cpus:4;mem:1024" --switch_user=false

# register_frameworks: role web yes, role db no (403 with the reason).
sub() {
	printf '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"%s","name":"%s","role":"%s","principal":"fw"},"suppressed_roles":["%s"]}}' "$1" "$2" "$3" "$3"
}
code=$(curl -s -o "$T/db.body" -w '%{http_code}' -u fw:s -H 'Content-Type: application/json' -d "$(sub alice db db)" \
	"http://127.0.0.1:$MASTER_PORT/api/v1/scheduler")
[ "$code" = 403 ] || fail "role db: $code, not 403"
grep -q "register_frameworks" "$T/db.body" || fail "the 403 gives no reason: $(cat "$T/db.body")"
# Two frameworks that stay, one per user (suppressed: they take no offers).
for u in alice bob; do
	curl -sN --max-time 60 -u fw:s -H 'Content-Type: application/json' -d "$(sub $u fw-$u web)" \
		"http://127.0.0.1:$MASTER_PORT/api/v1/scheduler" >"$T/$u.stream" 2>/dev/null &
	PIDS+=($!)
	wait_for 10 "framework of $u subscribed" grep -q SUBSCRIBED "$T/$u.stream"
done

# run_tasks: alice yes; carol no; root only when an ACL names it.
"$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name ok --principal fw --secret s --role web --user alice \
	--command true >"$T/ok.out" 2>"$T/ok.log" || fail "a task as alice was refused: $(cat "$T/ok.out")"
for u in carol root; do
	if "$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name "no-$u" --principal fw --secret s --role web \
		--user "$u" --command true >"$T/no-$u.out" 2>"$T/no-$u.log"; then
		fail "a task as $u ran"
	fi
	grep -q "TASK_ERROR.*Not authorized to launch as user '$u'" "$T/no-$u.out" "$T/no-$u.log" ||
		fail "no TASK_ERROR for $u: $(cat "$T/no-$u.out")"
done
# A long task of each user (its framework's user too: $USER), for view_tasks.
for u in alice bob; do
	USER=$u "$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name "long-$u" --principal fw --secret s --role web \
		--user "$u" --failover_timeout 60 --command "sleep 60" >"$T/long-$u.out" 2>"$T/long-$u.log" &
	PIDS+=($!)
done
master_tasks_running() { [ "$(curl -s -u ops:s "http://127.0.0.1:$MASTER_PORT/state" | grep -o '"state":"TASK_RUNNING"' | wc -l)" -ge 2 ]; }
wait_for 10 "both long tasks running" master_tasks_running

# view_frameworks / view_tasks: viewer sees alice's only; ops sees all.
get() { curl -s -u "$1" "http://127.0.0.1:$MASTER_PORT$2"; }
op() { curl -s -u "$1" -H 'Content-Type: application/json' -d "{\"type\":\"$2\"}" "http://127.0.0.1:$MASTER_PORT/api/v1"; }
get viewer:s /state >"$T/v.state"
grep -q '"user":"alice"' "$T/v.state" || fail "viewer does not see alice's framework in /state"
grep -q '"user":"bob"' "$T/v.state" && fail "viewer sees bob's framework in /state"
[ "$(grep -o '"state":"TASK_RUNNING"' "$T/v.state" | wc -l)" = 1 ] || fail "viewer should see one task in /state: $(cat "$T/v.state")"
get ops:s /state | grep -q '"user":"bob"' || fail "ops does not see bob's framework"
get viewer:s /master/state | grep -q '"user":"bob"' && fail "viewer sees bob in /master/state"
get viewer:s /master/state | grep -q '"user":"alice"' || fail "viewer does not see alice in /master/state"
op viewer:s GET_FRAMEWORKS | grep -q '"user":"bob"' && fail "viewer sees bob in GET_FRAMEWORKS"
op viewer:s GET_FRAMEWORKS | grep -q '"user":"alice"' || fail "viewer does not see alice in GET_FRAMEWORKS"
[ "$(op viewer:s GET_TASKS | grep -o '"name":"long-' | wc -l)" = 1 ] || fail "viewer should see one task in GET_TASKS"
[ "$(op ops:s GET_TASKS | grep -o '"name":"long-' | wc -l)" = 2 ] || fail "ops should see two tasks in GET_TASKS"
curl -sN --max-time 60 -u viewer:s -H 'Content-Type: application/json' -d '{"type":"SUBSCRIBE"}' \
	"http://127.0.0.1:$MASTER_PORT/api/v1" >"$T/v.events" 2>/dev/null &
VIEWER_STREAM=$!
PIDS+=($VIEWER_STREAM)
wait_for 10 "the viewer's SUBSCRIBED" grep -q '"type":"HEARTBEAT"' "$T/v.events"
grep -q '"user":"alice"' "$T/v.events" || fail "viewer's SUBSCRIBED lacks alice"
grep -q '"user":"bob"' "$T/v.events" && fail "viewer's SUBSCRIBED shows bob"

# get_endpoints: ops may read /metrics/snapshot, viewer may not.
[ "$(curl -s -o /dev/null -w '%{http_code}' -u ops:s "http://127.0.0.1:$MASTER_PORT/metrics/snapshot")" = 200 ] ||
	fail "ops was refused /metrics/snapshot"
[ "$(curl -s -o /dev/null -w '%{http_code}' -u viewer:s "http://127.0.0.1:$MASTER_PORT/metrics/snapshot")" = 403 ] ||
	fail "viewer was not refused /metrics/snapshot"

# teardown_frameworks: viewer no (403), ops yes.
BOB_ID=$(grep -o '"framework_id":{"value":"[^"]*"' "$T/bob.stream" | head -1 | cut -d'"' -f6)
td() { curl -s -o "$T/td.body" -w '%{http_code}' -u "$1" -H 'Content-Type: application/json' \
	-d "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"${2:-$BOB_ID}\"}}}" "http://127.0.0.1:$MASTER_PORT/api/v1"; }
[ "$(td viewer:s)" = 403 ] || fail "viewer could tear down a framework"
grep -q teardown_frameworks "$T/td.body" || fail "the teardown 403 gives no reason"
[ "$(td ops:s)" = 200 ] || fail "ops could not tear down a framework: $(cat "$T/td.body")"
# The viewer's stream tells of alice's framework's removal, after bob's,
# and never of bob's.
ALICE_ID=$(grep -o '"framework_id":{"value":"[^"]*"' "$T/alice.stream" | head -1 | cut -d'"' -f6)
[ "$(td ops:s "$ALICE_ID")" = 200 ] || fail "ops could not tear down alice's framework"
wait_for 10 "alice's removal on the viewer's stream" grep -q "FRAMEWORK_REMOVED.*$ALICE_ID" "$T/v.events"
grep -q "$BOB_ID" "$T/v.events" && fail "the viewer's stream told of bob's framework"
get ops:s /state | grep -q "\"id\":\"$BOB_ID\"" && fail "bob's framework is still there"
echo "ok: every ACL kind allowed and denied on the wire"

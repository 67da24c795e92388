#!/usr/bin/env bash
# Persistent volumes on a real master and agent through the operator API:
# CREATE_VOLUMES makes work_dir/volumes/roles/ROLE/ID on the agent (Mesos's
# layout), the agent's /slave(1)/state and the master's /master/state list
# the volume in reserved_resources_full; the create_volumes ACL refuses
# another role (403); data written into the volume survives an agent
# restart, after which the agent knows the volume again; DESTROY_VOLUMES
# removes the directory and the volume. (Tasks writing and reading a volume:
# test_docs_scheduler.sh.)
. "$(dirname "$0")/lib.sh" "$1"

ACLS='{"create_volumes":[{"principals":{"type":"ANY"},"roles":{"values":["web"]}},
	{"principals":{"type":"ANY"},"roles":{"type":"NONE"}}]}'
start_master --acls "$ACLS"
start_agent a1 "cpus:2;mem:512;disk(web):100;disk(db):50;disk:100"
AID=$(agent_id a1)

# api JSON: POST /api/v1; prints the HTTP status, the body in $T/api.out.
api() {
	curl -s --max-time 5 -o "$T/api.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		-H 'Accept: application/json' -d "$1" "http://127.0.0.1:$MASTER_PORT/api/v1"
}
volume() { # volume ID ROLE MB
	echo '{"name":"disk","type":"SCALAR","scalar":{"value":'"$3"'},"reservations":[{"type":"STATIC","role":"'"$2"'"}],
	"disk":{"persistence":{"id":"'"$1"'","principal":"ops"},"volume":{"mode":"RW","container_path":"data"}}}'
}
create() { api '{"type":"CREATE_VOLUMES","create_volumes":{"agent_id":{"value":"'"$AID"'"},"volumes":['"$1"']}}'; }
destroy() { api '{"type":"DESTROY_VOLUMES","destroy_volumes":{"agent_id":{"value":"'"$AID"'"},"volumes":['"$1"']}}'; }

code=$(create "$(volume v1 web 40)")
[ "$code" = 202 ] || fail "CREATE_VOLUMES answered $code: $(cat "$T/api.out")"
code=$(create "$(volume d1 db 10)")
[ "$code" = 403 ] || fail "CREATE_VOLUMES for role db against the ACL answered $code (Mesos: 403)"
code=$(create "$(volume v1 web 10)")
[ "$code" = 400 ] && grep -q "Persistence ID 'v1' is not unique" "$T/api.out" ||
	fail "CREATE_VOLUMES of an id taken: $code $(cat "$T/api.out")"
code=$(create "$(volume v2 web 61)")
[ "$code" = 409 ] || fail "CREATE_VOLUMES of more disk than web has left: $code $(cat "$T/api.out")"

DIR="$T/a1/volumes/roles/web/v1"
wait_for 10 "the volume's directory $DIR" test -d "$DIR"
has_volume() { # has_volume PORT PATH: its reserved_resources_full.web lists volume v1
	http_get "$1" "$2" | python3 -c '
import json, sys
full = json.load(sys.stdin).get("reserved_resources_full", {})
if "slaves" in full: full = full["slaves"][0]["reserved_resources_full"]
sys.exit(0 if any(r.get("disk", {}).get("persistence", {}).get("id") == "v1" for r in full.get("web", [])) else 1)'
}
master_has_volume() {
	http_get "$MASTER_PORT" /master/state | python3 -c '
import json, sys
full = json.load(sys.stdin)["slaves"][0].get("reserved_resources_full", {})
sys.exit(0 if any(r.get("disk", {}).get("persistence", {}).get("id") == "v1" for r in full.get("web", [])) else 1)'
}
wait_for 10 "the agent's /slave(1)/state to list volume v1" has_volume "${AGENT_PORT[a1]}" "/slave(1)/state"
master_has_volume || fail "/master/state does not list volume v1: $(http_get "$MASTER_PORT" /master/state)"

echo kept >"$DIR/file"
kill -TERM "${AGENT_PID[a1]}"
wait_exit "${AGENT_PID[a1]}" 10
start_agent a1 "cpus:2;mem:512;disk(web):100;disk(db):50;disk:100"
[ "$(agent_id a1)" = "$AID" ] || fail "the agent came back as $(agent_id a1), not $AID"
[ "$(cat "$DIR/file" 2>/dev/null)" = kept ] || fail "the volume's data did not survive the agent's restart"
wait_for 10 "the restarted agent to list volume v1 again" has_volume "${AGENT_PORT[a1]}" "/slave(1)/state"

code=$(destroy "$(volume v1 web 40)")
[ "$code" = 202 ] || fail "DESTROY_VOLUMES answered $code: $(cat "$T/api.out")"
wait_for 10 "the volume's directory to be removed" test ! -e "$DIR"
master_has_volume && fail "/master/state still lists volume v1 after DESTROY_VOLUMES"
has_volume "${AGENT_PORT[a1]}" "/slave(1)/state" && fail "the agent still lists volume v1 after DESTROY_VOLUMES"
code=$(destroy "$(volume v1 web 40)")
[ "$code" = 400 ] && grep -q "Persistent volumes not found" "$T/api.out" ||
	fail "DESTROY_VOLUMES of a volume gone: $code $(cat "$T/api.out")"
echo "PASS"

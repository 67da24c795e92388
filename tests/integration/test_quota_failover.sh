#!/bin/bash
# Quota and weights set through the operator API (issue 18) hold the next
# offers to the limit and survive a master failover: two masters elected
# through a real ZooKeeper; UPDATE_QUOTA (role web, limits cpus:1) and
# UPDATE_WEIGHTS at the leader, which keeps them in the znode
# /meso/registry; the leader is killed; the new leader reports the same
# quota and weights, and a framework of role web running two 1-cpu tasks on
# a 4-cpu agent gets them one after the other, never both at once.
# A dynamic reservation (RESERVE_RESOURCES, issue 19) made at the first
# leader is there at the new one when the agent re-registers, and
# UNRESERVE_RESOURCES there gives it back; so is a persistent volume
# (CREATE_VOLUMES on dynamically reserved disk), which DESTROY_VOLUMES at
# the new leader removes with its directory, and a refined reservation of
# cpus and ports (web/api pushed onto web's): the new leader shows its
# whole stack and pops it back to web's. A framework's RESERVE (operation
# r1) whose OPERATION_FINISHED it does not acknowledge is in GET_OPERATIONS
# at both leaders; the new one sends it again, with the same uuid, once the
# framework has subscribed to it, and lists it no more after the
# acknowledgement.
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)

start_zk
ZKURL="zk://127.0.0.1:$ZK_PORT/meso"
for m in m1 m2; do start_zk_master $m --zk_session_timeout 1.5 --heartbeat_interval 1; done
wait_for 20 "a leading master" leader_name
L1=$(leader_name)

"$BIN/meso-agent" --zk "$ZKURL" --zk_session_timeout 5 --port 0 --work_dir "$T/a1" --resources "cpus:4;mem:512;ports:[31000-31099]" \
	--status_retry_interval 0.2 --isolation none 2>>"$T/a1.log" &
PIDS+=($!)
wait_for 10 "agent port file" test -s "$T/a1/agent.port"
AGENT_PORT[a1]=$(cat "$T/a1/agent.port")
wait_for 20 "agent registered" agent_registered a1

api() { # api MASTER JSON: POST /api/v1, JSON in and out
	curl -sf --max-time 5 -X POST -H 'Content-Type: application/json' -H 'Accept: application/json' \
		-d "$2" "http://127.0.0.1:${MPORT[$1]}/api/v1"
}
AID=$(agent_id a1)
RESV='{"name":"cpus","type":"SCALAR","scalar":{"value":0.5},"reservations":[{"type":"DYNAMIC","role":"web","principal":"ops"}]}'
api "$L1" '{"type":"RESERVE_RESOURCES","reserve_resources":{"agent_id":{"value":"'"$AID"'"},"resources":['"$RESV"']}}' ||
	fail "RESERVE_RESOURCES refused"
has_dyn() { # has_dyn MASTER: its GET_AGENTS shows a DYNAMIC reservation of web by ops
	api "$1" '{"type":"GET_AGENTS"}' | grep -o '"reservations":\[{[^]]*\]' | grep DYNAMIC | grep '"web"' | grep -q '"ops"'
}
has_dyn "$L1" || fail "GET_AGENTS at $L1 without the reservation: $(api "$L1" '{"type":"GET_AGENTS"}')"
WEB='{"type":"DYNAMIC","role":"web","principal":"ops"}'
API='{"type":"DYNAMIC","role":"web/api","principal":"ops"}'
ports() { echo '{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":'"$1"',"end":'"$2"'}]},"reservations":['"$3"']}'; }
PORTS=$(ports 31000 31009 "$WEB")
REF='{"name":"cpus","type":"SCALAR","scalar":{"value":0.25},"reservations":['"$WEB,$API"']},'$(ports 31000 31004 "$WEB,$API")
api "$L1" '{"type":"RESERVE_RESOURCES","reserve_resources":{"agent_id":{"value":"'"$AID"'"},"resources":['"$PORTS"']}}' ||
	fail "RESERVE_RESOURCES of ports refused"
api "$L1" '{"type":"RESERVE_RESOURCES","reserve_resources":{"agent_id":{"value":"'"$AID"'"},"resources":['"$REF"']}}' ||
	fail "RESERVE_RESOURCES refining web's reservation refused"
has_ref() { # has_ref MASTER: GET_AGENTS shows web/api's stack on web's and its ports
	api "$1" '{"type":"GET_AGENTS"}' >"$T/agents.json"
	grep -o '"reservations":\[{[^]]*\]' "$T/agents.json" | grep '"web/api"' | grep -q '"web"' &&
		grep -qF '"begin":31000,"end":31004' "$T/agents.json"
}
has_ref "$L1" || fail "GET_AGENTS at $L1 without the refined reservation: $(cat "$T/agents.json")"
DISK='{"name":"disk","type":"SCALAR","scalar":{"value":16},"reservations":[{"type":"DYNAMIC","role":"web","principal":"ops"}]}'
VOL='{"name":"disk","type":"SCALAR","scalar":{"value":16},"reservations":[{"type":"DYNAMIC","role":"web","principal":"ops"}],
	"disk":{"persistence":{"id":"keep","principal":"ops"},"volume":{"mode":"RW","container_path":"data"}}}'
api "$L1" '{"type":"RESERVE_RESOURCES","reserve_resources":{"agent_id":{"value":"'"$AID"'"},"resources":['"$DISK"']}}' ||
	fail "RESERVE_RESOURCES of disk refused"
api "$L1" '{"type":"CREATE_VOLUMES","create_volumes":{"agent_id":{"value":"'"$AID"'"},"volumes":['"$VOL"']}}' ||
	fail "CREATE_VOLUMES refused"
has_vol() { api "$1" '{"type":"GET_AGENTS"}' | grep -q '"persistence":{"id":"keep","principal":"ops"}'; }
has_vol "$L1" || fail "GET_AGENTS at $L1 without the volume: $(api "$L1" '{"type":"GET_AGENTS"}')"
wait_for 10 "the volume's directory" test -d "$T/a1/volumes/roles/web/keep"
python3 "$HERE/opstatus_scheduler.py" reserve "${MPORT[$L1]}" >"$T/op.out" 2>&1 ||
	fail "the RESERVE of operation r1: $(cat "$T/op.out")"
FW=$(sed -n 's/^FRAMEWORK //p' "$T/op.out")
OPUUID=$(sed -n 's/^UUID //p' "$T/op.out")
has_op() { # has_op MASTER: GET_OPERATIONS lists r1 of FW, finished with OPUUID
	api "$1" '{"type":"GET_OPERATIONS"}' | python3 -c '
import json, sys
ops = json.load(sys.stdin)["get_operations"].get("operations", [])
sys.exit(0 if any(o["framework_id"]["value"] == sys.argv[1] and o["info"]["id"]["value"] == "r1" and
                  o["info"]["type"] == "RESERVE" and o["latest_status"]["state"] == "OPERATION_FINISHED" and
                  o["latest_status"]["uuid"]["value"] == sys.argv[2] for o in ops) else 1)' "$FW" "$OPUUID"
}
has_op "$L1" || fail "GET_OPERATIONS at $L1 without r1: $(api "$L1" '{"type":"GET_OPERATIONS"}')"
api "$L1" '{"type":"UPDATE_QUOTA","update_quota":{"quota_configs":[{"role":"web","limits":{"cpus":{"value":1}}}]}}' ||
	fail "UPDATE_QUOTA refused"
api "$L1" '{"type":"UPDATE_WEIGHTS","update_weights":{"weight_infos":[{"role":"web","weight":2.5}]}}' ||
	fail "UPDATE_WEIGHTS refused"
QUOTA='"configs":[{"role":"web","limits":{"cpus":{"value":1.0}}}]'
api "$L1" '{"type":"GET_QUOTA"}' | grep -qF "$QUOTA" || fail "GET_QUOTA at $L1: $(api "$L1" '{"type":"GET_QUOTA"}')"
# Written to ZooKeeper before the leader goes (the write is asynchronous;
# registrar/state_pending is 0 once ZooKeeper holds every change so far).
written() { http_get "${MPORT[$L1]}" /metrics/snapshot | grep -q '"registrar/state_pending": *0'; }
wait_for 20 "the registry written to /meso/registry" written

kill -9 "${MPID[$L1]}"
wait_for 20 "a new leader after $L1 was killed" has_leader_other_than "$L1"
L2=$(leader_name)
api "$L2" '{"type":"GET_QUOTA"}' | grep -qF "$QUOTA" || fail "GET_QUOTA at the new leader: $(api "$L2" '{"type":"GET_QUOTA"}')"
api "$L2" '{"type":"GET_WEIGHTS"}' | grep -qF '"weight_infos":[{"weight":2.5,"role":"web"}]' ||
	fail "GET_WEIGHTS at the new leader: $(api "$L2" '{"type":"GET_WEIGHTS"}')"
grep -q "registry: recovered /meso/registry" "$T/$L2.log" || fail "the new leader did not say it recovered the registry"
agent_at_l2() { api "$L2" '{"type":"GET_AGENTS"}' | grep -q '"active":true'; }
wait_for 20 "the agent at the new leader" agent_at_l2
has_dyn "$L2" ||
	fail "the reservation is not at the new leader: $(api "$L2" '{"type":"GET_AGENTS"}')"
curl -s --max-time 5 "http://127.0.0.1:${MPORT[$L2]}/master/state" | grep -qF '"reserved_resources":{"web":{' ||
	fail "/master/state at $L2 without reserved_resources for web"
has_ref "$L2" || fail "the refined reservation is not at the new leader: $(cat "$T/agents.json")"
api "$L2" '{"type":"UNRESERVE_RESOURCES","unreserve_resources":{"agent_id":{"value":"'"$AID"'"},"resources":['"$REF"']}}' ||
	fail "UNRESERVE_RESOURCES of the refinement refused at $L2"
api "$L2" '{"type":"UNRESERVE_RESOURCES","unreserve_resources":{"agent_id":{"value":"'"$AID"'"},"resources":['"$PORTS"']}}' ||
	fail "UNRESERVE_RESOURCES of web's ports (the refined ones back among them) refused at $L2"
has_vol "$L2" || fail "the volume is not at the new leader: $(api "$L2" '{"type":"GET_AGENTS"}')"
has_op "$L2" || fail "GET_OPERATIONS at the new leader without r1: $(api "$L2" '{"type":"GET_OPERATIONS"}')"
python3 "$HERE/opstatus_scheduler.py" ack "${MPORT[$L2]}" "$FW" "$OPUUID" >"$T/op2.out" 2>&1 ||
	fail "r1's OPERATION_FINISHED again at the new leader: $(cat "$T/op2.out")"
has_op "$L2" && fail "GET_OPERATIONS at $L2 still lists r1 after its acknowledgement"

api "$L2" '{"type":"DESTROY_VOLUMES","destroy_volumes":{"agent_id":{"value":"'"$AID"'"},"volumes":['"$VOL"']}}' ||
	fail "DESTROY_VOLUMES refused at $L2"
wait_for 10 "the volume's directory removed" test ! -e "$T/a1/volumes/roles/web/keep"
api "$L2" '{"type":"UNRESERVE_RESOURCES","unreserve_resources":{"agent_id":{"value":"'"$AID"'"},"resources":['"$DISK"']}}' ||
	fail "UNRESERVE_RESOURCES of the volume's disk refused at $L2"
# Given back (else the quota's limit of 1 cpu, which counts the
# reservation, leaves no room for the framework's 1-cpu tasks).
api "$L2" '{"type":"UNRESERVE_RESOURCES","unreserve_resources":{"agent_id":{"value":"'"$AID"'"},"resources":['"$RESV"']}}' ||
	fail "UNRESERVE_RESOURCES refused at $L2"
has_dyn "$L2" && fail "still reserved after UNRESERVE_RESOURCES"

"$BIN/meso-execute" --zk "$ZKURL" --name web --role web --instances 2 --command "sleep 0.5" \
	--resources "cpus:1;mem:32" --refuse_seconds 0.1 >"$T/web.out" 2>"$T/web.log" &
EXEC=$!
PIDS+=($EXEC)
wait_exit "$EXEC" 40
[ "$EXIT_STATUS" -eq 0 ] || fail "the framework exited $EXIT_STATUS: $(cat "$T/web.out" "$T/web.log")"
# From the tasks' statuses at the master: the second RUNNING after the first
# FINISHED (with the quota's limit of 1 cpu they cannot overlap).
api "$L2" '{"type":"GET_TASKS"}' >"$T/tasks.json"
python3 - "$T/tasks.json" <<'PY' || fail "the two tasks overlapped: $(cat "$T/tasks.json")"
import json, sys
tasks = json.load(open(sys.argv[1]))["get_tasks"]["completed_tasks"]
assert len(tasks) == 2, tasks
span = []
for t in tasks:
    st = {s["state"]: s["timestamp"] for s in t["statuses"]}
    span.append((st["TASK_RUNNING"], st["TASK_FINISHED"]))
span.sort()
print("task spans:", span)
sys.exit(0 if span[1][0] >= span[0][1] else 1)
PY
echo "ok: quota, weights, a dynamic reservation, a refined one with ports, a volume and an unacknowledged operation status recovered by $L2 from /meso/registry; the limit held the framework to one task at a time"

#!/bin/bash
# Hot-standby masters (issue 7): three masters elected through a real
# ZooKeeper, three agents and a framework following the leader. Kill -9 the
# leader: a standby leads, agents and framework move to it, every task still
# runs and reconciliation reports it RUNNING, new tasks launch; kill the new
# leader too; a restarted master comes back as a standby.
. "$(dirname "$0")/lib.sh" "$1"

ZKURL=""
start_zk
ZKURL="zk://127.0.0.1:$ZK_PORT/meso"
# Short sessions keep the test short: a dead leader's node goes after ~1.5 s.
MFLAGS=(--zk_session_timeout 1.5 --agent_timeout 10 --heartbeat_interval 1)
for m in m1 m2 m3; do start_zk_master $m "${MFLAGS[@]}"; done
wait_for 20 "a leading master" leader_name
L1=$(leader_name)
[ "$(for m in m1 m2 m3; do http_get "${MPORT[$m]}" /state | grep -o '"leading":true'; done | wc -l)" -eq 1 ] ||
	fail "more than one master leads"

# A standby redirects the scheduler API to the leader (307, //host:port/path).
S=m1; [ "$L1" = m1 ] && S=m2
wait_for 10 "standby $S knows the leader" sh -c "curl -sf http://127.0.0.1:${MPORT[$S]}/state | grep -q '\"leader\":\"127.0.0.1:${MPORT[$L1]}\"'"
red=$(curl -s -D - -o /dev/null -X POST -H 'Content-Type: application/x-protobuf' \
	"http://127.0.0.1:${MPORT[$S]}/api/v1/scheduler" | tr -d '\r')
echo "$red" | grep -q "^HTTP/1.1 307" || fail "standby answered '$red', not 307"
echo "$red" | grep -qi "^Location: //127.0.0.1:${MPORT[$L1]}/api/v1/scheduler$" || fail "307 without the leader's Location: $red"
http_get "${MPORT[$S]}" /metrics | grep -q '^meso_master_leader 0' || fail "standby's leader gauge is not 0"
# Mesos's operator endpoints: a standby redirects /master/state (query kept)
# and answers /metrics/snapshot itself with master/elected 0.
red=$(curl -s -D - -o /dev/null "http://127.0.0.1:${MPORT[$S]}/master/state?jsonp=cb" | tr -d '\r')
echo "$red" | grep -qi "^Location: //127.0.0.1:${MPORT[$L1]}/master/state?jsonp=cb$" || fail "standby /master/state: $red"
http_get "${MPORT[$S]}" /metrics/snapshot | grep -q '"master/elected":0' || fail "standby's master/elected is not 0"
http_get "${MPORT[$L1]}" /metrics/snapshot | grep -q '"master/elected":1' || fail "leader's master/elected is not 1"
http_get "${MPORT[$L1]}" /metrics | grep -q '^meso_master_leader 1' || fail "leader's leader gauge is not 1"

start_zk_agent() {
	local name=$1
	"$BIN/meso-agent" --zk "$ZKURL" --zk_session_timeout 5 --port 0 --work_dir "$T/$name" \
		--resources "cpus:2;mem:512" --status_retry_interval 0.2 --status_retry_max 1 --isolation none \
		2>>"$T/$name.log" &
	PIDS+=($!)
	wait_for 10 "agent $name port file" test -s "$T/$name/agent.port"
	AGENT_PORT[$name]=$(cat "$T/$name/agent.port")
	wait_for 20 "agent $name registered" agent_registered "$name"
}
for a in a1 a2 a3; do start_zk_agent $a; done

leader_state() { http_get "${MPORT[$(leader_name)]}" /state; }
running_at_leader() { [ "$(leader_state | grep -o '"state":"TASK_RUNNING"' | wc -l)" -ge "$1" ]; }
agents_at_leader() { [ "$(leader_state | grep -o '"port":[0-9]*,"connected":true' | wc -l)" -ge "$1" ]; }
fw_connected_at_leader() { leader_state | grep -q '"connected":true,"recovered":false'; }
reconciled_running() { [ "$(grep -c 'TASK_RUNNING (Reconciliation' "$T/long.out")" -ge "$1" ]; }

N=6
"$BIN/meso-execute" --zk "$ZKURL" --name long --instances $N --command "sleep 600" \
	--resources "cpus:0.5;mem:32" --failover_timeout 60 >"$T/long.out" 2>"$T/long.log" &
FW=$!
PIDS+=($FW)
wait_for 30 "$N tasks RUNNING at the first leader" running_at_leader $N
PIDS_BEFORE=$(for a in a1 a2 a3; do http_get "${AGENT_PORT[$a]}" /state | grep -o '"pid":[0-9]*'; done | sort)

failover() { # kills the leader $1 with SIGKILL and checks everything moved
	local old=$1
	kill -9 "${MPID[$old]}"
	wait_for 20 "a new leader after $old was killed" has_leader_other_than "$old"
	wait_for 20 "3 agents re-registered at the new leader" agents_at_leader 3
	wait_for 20 "the framework re-subscribed" fw_connected_at_leader
	wait_for 20 "$N tasks RUNNING at the new leader" running_at_leader $N
	local before
	before=$(grep -c 'TASK_RUNNING (Reconciliation' "$T/long.out")
	kill -USR1 "$FW"
	wait_for 10 "reconciliation reports $N tasks RUNNING" reconciled_running $((before + N))
	local now
	now=$(for a in a1 a2 a3; do http_get "${AGENT_PORT[$a]}" /state | grep -o '"pid":[0-9]*'; done | sort)
	[ "$now" = "$PIDS_BEFORE" ] || fail "task processes changed across the failover"
	grep -q 'TASK_KILLED\|TASK_LOST\|TASK_FAILED\|TASK_GONE' "$T/long.out" && fail "a task ended in the failover"
	exited "$FW" && fail "the framework exited"
	return 0
}

failover "$L1"
L2=$(leader_name)
# New tasks launch through the new leader.
"$BIN/meso-execute" --zk "$ZKURL" --name short --instances 2 --command true --resources "cpus:0.1;mem:16" \
	>"$T/short.out" 2>"$T/short.log" &
SHORT=$!
PIDS+=($SHORT)
wait_exit $SHORT 30
[ "$EXIT_STATUS" -eq 0 ] || fail "new tasks at the new leader: exit $EXIT_STATUS"

failover "$L2"
L3=$(leader_name)

# The first killed master restarts and becomes a standby following L3.
start_zk_master "$L1" "${MFLAGS[@]}"
wait_for 10 "restarted $L1 is a standby that knows the leader" sh -c \
	"curl -sf http://127.0.0.1:${MPORT[$L1]}/state | grep -q '\"leading\":false,\"leader\":\"127.0.0.1:${MPORT[$L3]}\"'"
[ "$(leader_name)" = "$L3" ] || fail "the leader changed when $L1 came back"

# The framework's tasks end by its own KILLs through the third leader.
kill -TERM "$FW"
wait_exit "$FW" 30
[ "$EXIT_STATUS" -eq 143 ] || fail "framework exit $EXIT_STATUS, expected 143 (tasks killed)"
echo "PASS: failover twice, $N tasks kept, reconciled RUNNING; standby restarted"

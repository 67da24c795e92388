#!/usr/bin/env bash
# meso-agent's --master in every form Mesos's agent takes (rt_master_url):
# forms it cannot use are refused at start (exit 2, the form expected);
# master@HOST:PORT and file:// holding HOST:PORT register with that master;
# zk://HOST:PORT/PATH and file:// holding it follow the leader elected in a
# real ZooKeeper and re-register (same id) with the next leader when the
# first is killed.
. "$(dirname "$0")/lib.sh" "$1"

# Refused at start, exit 2, with what was expected.
mkdir -p "$T/refused"
refused() { refused_at_start "$1" "$BIN/meso-agent" --port 0 --work_dir "$T/refused" --isolation none "${@:2}"; }
refused 'is an HTTP URL' --master http://127.0.0.1:5050
refused 'has no port' --master 127.0.0.1
refused "cannot read $T/none" --master "file://$T/none"
refused 'unknown scheme' --master "udp://127.0.0.1:5050"
refused 'not both' --master 127.0.0.1:5050 --zk zk://127.0.0.1:2181/meso

start_zk
ZKURL="zk://127.0.0.1:$ZK_PORT/meso"
for m in m1 m2; do start_zk_master $m --zk_session_timeout 1.5 --agent_timeout 10; done
wait_for 20 "a leading master" leader_name
L1=$(leader_name)

# start_agent_at NAME MASTER: an agent with --master MASTER.
start_agent_at() {
	local name=$1 master=$2
	"$BIN/meso-agent" --master "$master" --zk_session_timeout 5 --port 0 --work_dir "$T/$name" \
		--resources "cpus:1;mem:64" --isolation none 2>>"$T/$name.log" &
	PIDS+=($!)
	AGENT_PID[$name]=$!
	wait_for 10 "agent $name port file" test -s "$T/$name/agent.port"
	AGENT_PORT[$name]=$(cat "$T/$name/agent.port")
}
# registered_with NAME MASTER: the agent is registered with that master.
registered_with() {
	http_get "${AGENT_PORT[$1]}" /state | grep -q "\"master\":\"127.0.0.1:${MPORT[$2]}\",.*\"registered\":true"
}

# One master by its address: Mesos's PID form, and a file holding HOST:PORT.
printf '  127.0.0.1:%s\n' "${MPORT[$L1]}" >"$T/hostport.txt"
start_agent_at pid "master@127.0.0.1:${MPORT[$L1]}"
start_agent_at hpfile "file://$T/hostport.txt"
wait_for 20 "the master@HOST:PORT agent registered" registered_with pid "$L1"
wait_for 20 "the file:// HOST:PORT agent registered" registered_with hpfile "$L1"
kill -TERM "${AGENT_PID[pid]}" "${AGENT_PID[hpfile]}"

# The leader through ZooKeeper, directly and from a file.
echo "$ZKURL" >"$T/zk.txt"
start_agent_at zk "$ZKURL"
start_agent_at zkfile "file://$T/zk.txt"
wait_for 20 "the zk:// agent registered with the leader" registered_with zk "$L1"
wait_for 20 "the file:// zk:// agent registered with the leader" registered_with zkfile "$L1"
ID_ZK=$(agent_id zk)
ID_ZKFILE=$(agent_id zkfile)
[ -n "$ID_ZK" ] && [ -n "$ID_ZKFILE" ] || fail "agents without ids"

kill -9 "${MPID[$L1]}"
wait_for 20 "a new leader after $L1 was killed" has_leader_other_than "$L1"
L2=$(leader_name)
wait_for 20 "the zk:// agent re-registered with the new leader" registered_with zk "$L2"
wait_for 20 "the file:// zk:// agent re-registered with the new leader" registered_with zkfile "$L2"
[ "$(agent_id zk)" = "$ID_ZK" ] || fail "the zk:// agent's id changed: $ID_ZK -> $(agent_id zk)"
[ "$(agent_id zkfile)" = "$ID_ZKFILE" ] || fail "the file:// agent's id changed"
http_get "${MPORT[$L2]}" /master/state | grep -q "\"id\":\"$ID_ZK\"" || fail "the new leader does not list $ID_ZK"
grep -q "leading master is now 127.0.0.1:${MPORT[$L2]}" "$T/zk.log" || fail "the zk:// agent did not log the new leader"
echo "PASS"

#!/usr/bin/env bash
# A policy module decides the master's offers: A, then B subscribe (ids
# ...-0000 and ...-0001, the names the allocator knows them by) and both
# wait for resources when the only agent (room for one task) registers.
# Under DRF the tie goes to A (the smaller name); with the example module
# told to serve the framework whose id ends in -0001 first, B gets the
# agent and A nothing. A module of another API version and bad ARGS stop the master
# with status 2 and the reason.
. "$(dirname "$0")/lib.sh" "$1"
MOD=$BIN/../alloccore/policies
[ -f "$MOD/example.so" ] || fail "no example.so in $MOD"

run_case() { # POLICY WINNER LOSER
	start_master --policy "$1"
	execute_bg A --instances 1 --resources "cpus:1;mem:64" --command 'sleep 60'
	local a=$EXEC_PID
	wait_for 10 "A subscribed" bash -c "curl -sf http://127.0.0.1:$MASTER_PORT/state | grep -q '\"name\":\"A\"'"
	execute_bg B --instances 1 --resources "cpus:1;mem:64" --command 'sleep 60'
	local b=$EXEC_PID
	wait_for 10 "A and B subscribed" bash -c "curl -sf http://127.0.0.1:$MASTER_PORT/state | grep -q '\"name\":\"A\"' && curl -sf http://127.0.0.1:$MASTER_PORT/state | grep -q '\"name\":\"B\"'"
	start_agent "a-$2" "cpus:1;mem:128"
	wait_for 20 "$2's task running" grep -q TASK_RUNNING "$T/$2.out"
	grep -q launching "$T/$3.out" && fail "$3 got the agent under $1: $(cat "$T/$3.out")"
	kill -TERM "$a" "$b" "$MASTER_PID" "${AGENT_PID[a-$2]}"
	wait_exit "$a" 20
	wait_exit "$b" 20
	wait_exit "$MASTER_PID" 20
	wait_exit "${AGENT_PID[a-$2]}" 20
	rm -rf "$T/master"
}
run_case drf A B
run_case "module:$MOD/example.so:-0001" B A
grep -q 'policy example' "$T/master.log" || fail "the master does not name the module's policy: $(cat "$T/master.log")"

s1=0 s2=0
"$BIN/meso-master" --port 0 --policy "module:$MOD/bad_version.so" 2>"$T/bad1.txt" || s1=$?
"$BIN/meso-master" --port 0 --policy "module:$MOD/example.so:" 2>"$T/bad2.txt" || s2=$?
[ "$s1" -eq 2 ] || fail "bad_version.so: status $s1"
[ "$s2" -eq 2 ] || fail "bad ARGS: status $s2"
grep -q 'built for policy API version 999; this program has version 1' "$T/bad1.txt" || fail "$(cat "$T/bad1.txt")"
grep -q "arguments '': expected framework names" "$T/bad2.txt" || fail "$(cat "$T/bad2.txt")"
echo "PASS"

#!/usr/bin/env bash
# The master carries out a policy's preemption: with the test module
# preempt_once, A's task holds the only agent; when B subscribes, the
# policy asks for A's resources back on B's behalf, and the master sends
# KILL_TASK with --preemption_grace_period: A's task ends TASK_KILLED and
# B's task runs on the freed agent.
. "$(dirname "$0")/lib.sh" "$1"
MOD=$BIN/../alloccore/policies
[ -f "$MOD/preempt_once.so" ] || fail "no preempt_once.so in $MOD"

start_master --policy "module:$MOD/preempt_once.so" --preemption_grace_period 0.5
start_agent a1 "cpus:1;mem:128"
execute_bg A --instances 1 --resources "cpus:1;mem:64" --command 'sleep 60'
A_PID=$EXEC_PID
wait_for 20 "A's task running" grep -q TASK_RUNNING "$T/A.out"
execute_bg B --instances 1 --resources "cpus:1;mem:64" --command 'sleep 60'
B_PID=$EXEC_PID
wait_for 20 "A's task killed" grep -q TASK_KILLED "$T/A.out"
grep -q 'preempting task A-' "$T/master.log" || fail "no preemption in the master's log"
wait_for 20 "B's task running" grep -q TASK_RUNNING "$T/B.out"
kill -TERM "$A_PID" "$B_PID"
wait_exit "$A_PID" 20
wait_exit "$B_PID" 20
echo "PASS"

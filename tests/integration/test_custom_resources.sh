#!/usr/bin/env bash
# A custom scalar resource (Mesos takes any name: here "fpgas") on an agent
# that registers while a framework already runs a task: the master's
# allocator then keeps a fifth kind (alloccore/README, "Vectors stored
# split"). Tasks that ask for fpgas run where they are, the master counts
# them, and they come back when the tasks end.
. "$(dirname "$0")/lib.sh" "$1"

# fpgas the master's /state shows on the agents, summed (0 when none):
# FIELD resources (their totals) or used_resources.
fpgas_in() {
	http_get "$MASTER_PORT" /master/state | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(int(sum(a[sys.argv[1]].get("fpgas", 0) for a in d["slaves"])))' "$1"
}
fpgas_used_is() { [ "$(fpgas_in used_resources)" = "$1" ]; }

start_master
start_agent a1 "cpus:1;mem:256"
execute_bg plain --resources "cpus:0.5;mem:32" --command 'sleep 60'
PLAIN_PID=$EXEC_PID
wait_for 20 "the plain task running" master_tasks_in TASK_RUNNING 1

start_agent a2 "cpus:1;mem:256;fpgas:2"
[ "$(fpgas_in resources)" = 2 ] || fail "the master does not list the agent's fpgas: $(http_get "$MASTER_PORT" /state)"
execute_bg fpga --instances 3 --resources "cpus:0.1;mem:16;fpgas:1" \
	--command "case \$MESOS_TASK_ID in *-0) while [ ! -e '$T/go' ]; do sleep 0.05; done ;; *) sleep 60 ;; esac"
FPGA_PID=$EXEC_PID
wait_for 20 "two fpga tasks running" master_tasks_in TASK_RUNNING 3
wait_for 10 "both fpgas counted used" fpgas_used_is 2
# a third task that needs an fpga waits for one
grep -c ': launching' "$T/fpga.out" | grep -qx 2 || fail "not two fpga tasks launched: $(cat "$T/fpga.out")"
touch "$T/go"
wait_for 20 "the third fpga task running after the first ended" grep -q -- '-2: launching' "$T/fpga.out"
wait_for 10 "two fpgas used again" fpgas_used_is 2
kill -TERM "$FPGA_PID"
wait_exit "$FPGA_PID" 20
wait_for 20 "the fpgas free again" fpgas_used_is 0
master_tasks_in TASK_RUNNING 1 || fail "the plain task is not running any more"
kill -TERM "$PLAIN_PID"
wait_exit "$PLAIN_PID" 20
echo "PASS"

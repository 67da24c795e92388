#!/usr/bin/env bash
# Offers follow DRF between two frameworks: A fills the agent and still wants
# more; B subscribes with nothing. When one of A's tasks ends, the freed cpu
# goes to B (share 0), not back to A (share 3/4).
. "$(dirname "$0")/lib.sh" "$1"

start_master
start_agent a1 "cpus:4;mem:4096"
# Instance 0 of A ends when the test says so; the others run until killed.
execute_bg A --instances 5 --resources "cpus:1;mem:64" \
	--command "case \$MESOS_TASK_ID in *-0) while [ ! -e '$T/go' ]; do sleep 0.05; done ;; *) sleep 60 ;; esac"
A_PID=$EXEC_PID
wait_for 20 "A's four tasks running" master_tasks_in TASK_RUNNING 4
execute_bg B --instances 1 --resources "cpus:1;mem:64" --command 'sleep 60'
B_PID=$EXEC_PID
wait_for 10 "B subscribed" bash -c "curl -sf http://127.0.0.1:$MASTER_PORT/state | grep -q '\"name\":\"B\"'"
grep -q launching "$T/B.out" && fail "B got resources while the agent was full"
touch "$T/go"
wait_for 20 "B's task running" grep -q TASK_RUNNING "$T/B.out"
grep -q -- '-4: launching' "$T/A.out" && fail "A got the freed cpu before B: $(cat "$T/A.out")"
kill -TERM "$A_PID" "$B_PID"
wait_exit "$A_PID" 20
wait_exit "$B_PID" 20
echo "PASS"

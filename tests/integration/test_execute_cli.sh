#!/usr/bin/env bash
# meso-execute's command line as an operator meets it (issue 18, item 6):
# --master in Mesos's forms (HOST:PORT, master@HOST:PORT, file:// holding
# one, and zk:// in a file when Debian's zookeeper is there), forms it cannot
# use refused at start, where a task's output is, what it says when no
# offer fits (a misspelt "cpu:1"), and a task killed by a drain, named as
# such (REASON_AGENT_DRAINING), its agent DRAINED once that is acknowledged.
. "$(dirname "$0")/lib.sh" "$1"

# Refused at start, exit 2, with a message naming the form expected.
refused() { refused_at_start "$1" "$BIN/meso-execute" --command true "${@:2}"; }
refused 'is an HTTP URL' --master http://127.0.0.1:5050
refused 'has no port' --master 127.0.0.1
refused "cannot read $T/none" --master "file://$T/none"
refused 'unknown scheme' --master "udp://127.0.0.1:5050"

start_master
start_agent a1 "cpus:1;mem:256;disk:0" --isolation none

# file:// holding master@HOST:PORT; the output's place is logged and true.
echo "master@127.0.0.1:$MASTER_PORT" >"$T/master.txt"
"$BIN/meso-execute" --master "file://$T/master.txt" --name out --command 'echo hello-sandbox' \
	>"$T/out.out" 2>"$T/out.log"
rc=$?
[ "$rc" -eq 0 ] || fail "meso-execute --master file:// exited $rc: $(cat "$T/out.log")"
line=$(grep -o 'its output is in [^ ]*/stdout' "$T/out.log") || fail "no output place logged: $(cat "$T/out.log")"
path=${line#its output is in 127.0.0.1:}
path=${path#*:}
case "$path" in "$T/a1/frameworks/"*/tasks/out-*/stdout) ;; *) fail "unexpected output place: $line" ;; esac
grep -qx hello-sandbox "$path" || fail "$path does not hold the task's output"

# A misspelt resource: after --report_after, the kinds asked for, the largest
# offer, and the kind no offer had.
execute_bg typo --command true --resources "cpu:1;mem:32" --report_after 0.5
wait_for 10 "the no-fit report" grep -q 'no offer had any "cpu"' "$T/typo.log"
grep -q "fit one task's \"mem:32;cpu:1\"; the largest offer (from [^)]*) had \"cpus:1;mem:256;ports:\[31000-32000\]\"" "$T/typo.log" ||
	fail "the report lacks the request or the offer: $(cat "$T/typo.log")"
kill -TERM "$EXEC_PID"
wait_exit "$EXEC_PID" 10
[ "$EXIT_STATUS" -eq 143 ] || fail "the waiting meso-execute exited $EXIT_STATUS on SIGTERM"

# A drained agent's task: killed with REASON_AGENT_DRAINING, and
# meso-execute says the agent was drained.
execute_bg drained --command "sleep 60" --resources "cpus:0.5;mem:32"
wait_for 10 "the task to drain RUNNING" grep -q 'drained-.*: TASK_RUNNING' "$T/drained.out"
A1=$(agent_id a1)
curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$MASTER_PORT/api/v1" \
	-d "{\"type\":\"DRAIN_AGENT\",\"drain_agent\":{\"agent_id\":{\"value\":\"$A1\"}}}" || fail "DRAIN_AGENT"
wait_exit "$EXEC_PID" 15
grep -q 'drained-.*: TASK_KILLED (.*the agent is draining)' "$T/drained.out" || fail "no drain kill: $(cat "$T/drained.out")"
grep -q "was killed because its agent $A1 is draining" "$T/drained.log" || fail "not named: $(cat "$T/drained.log")"
# DRAINED once the framework acknowledged the end (meso-execute did).
wait_for 10 "the agent DRAINED" sh -c "curl -s -X POST -H 'Content-Type: application/json' \
	-d '{\"type\":\"GET_AGENTS\"}' http://127.0.0.1:$MASTER_PORT/api/v1 | grep -q '\"state\":\"DRAINED\"'"

# zk:// (in a file) follows the elected master; skipped without ZooKeeper.
if [ -r /usr/share/java/zookeeper.jar ] && command -v java >/dev/null; then
	start_zk
	start_zk_master m1
	"$BIN/meso-agent" --zk "zk://127.0.0.1:$ZK_PORT/meso" --port 0 --work_dir "$T/z1" \
		--resources "cpus:1;mem:256" --isolation none 2>"$T/z1.log" &
	PIDS+=($!)
	echo "zk://127.0.0.1:$ZK_PORT/meso" >"$T/zk.txt"
	"$BIN/meso-execute" --master "file://$T/zk.txt" --name zk --command true >"$T/zk.out" 2>"$T/zk.log"
	rc=$?
	[ "$rc" -eq 0 ] || fail "meso-execute --master file:// holding zk:// exited $rc: $(cat "$T/zk.log")"
	grep -q "leading master is 127.0.0.1:${MPORT[m1]}" "$T/zk.log" || fail "no leader found: $(cat "$T/zk.log")"
	echo "ok: file:// holding zk:// ran a task"
else
	echo "note: no ZooKeeper (Debian's zookeeper package): zk:// not run"
fi
echo "ok: refusals, file:// with master@HOST:PORT, output place, the no-fit report, a drained agent named"

#!/usr/bin/env bash
# The operator endpoints in Mesos's shapes: /master/state (v0 state JSON with
# Mesos's field names and resource maps) and /metrics/snapshot (a flat object
# of Mesos metric names), checked with python3's json while one task runs and
# after it is killed; completed frameworks and tasks within their bounds
# (--max_completed_frameworks 2, --max_completed_tasks_per_framework 1), and
# JSONP (?jsonp=NAME) with a valid and a rejected callback name.
. "$(dirname "$0")/lib.sh" "$1"

start_master --max_completed_frameworks 2 --max_completed_tasks_per_framework 1
start_agent a1 "cpus:2;mem:1024;disk:0;ports:[31000-31009]" --attributes "rack:r1"
execute_bg sleeper --command 'sleep 60' --resources "cpus:0.5;mem:64"
wait_for 20 "the task running" master_tasks_in TASK_RUNNING 1

# check ENDPOINT PYTHON: runs PYTHON with `d` the endpoint's parsed JSON; the
# assertions print what is wrong and exit 1.
check() {
	http_get "$MASTER_PORT" "$1" >"$T/body.json" || fail "GET $1"
	python3 - "$T/body.json" <<PY || fail "$1: $(head -c 3000 "$T/body.json")"
import json, sys
d = json.load(open(sys.argv[1]))
def want(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr); sys.exit(1)
$2
PY
}

check /master/state '
want(d["leader"] == d["pid"] and d["pid"].startswith("master@"), "leader/pid")
li = d["leader_info"]
want(li["id"] == d["id"] and li["address"]["port"] == li["port"] and li["ip"] > 0, "leader_info")
want(d["activated_slaves"] == 1 and d["deactivated_slaves"] == 0, "activated_slaves")
want(isinstance(d["completed_frameworks"], list) and d["orphan_tasks"] == [], "lists")
s = d["slaves"][0]
want(s["pid"].startswith("slave(1)@") and s["active"] and s["hostname"] and s["port"] > 0, "slave ids")
want(s["resources"]["cpus"] == 2 and s["resources"]["mem"] == 1024 and s["resources"]["disk"] == 0, "slave resources")
want(s["resources"]["gpus"] == 0 and s["resources"]["ports"] == "[31000-31009]", "slave ports")
want(s["used_resources"]["cpus"] == 0.5 and s["used_resources"]["mem"] == 64, "slave used_resources")
want(s["attributes"] == {"rack": "r1"}, "attributes")
f = [f for f in d["frameworks"] if f["name"] == "sleeper"][0]
want(f["active"] and f["connected"] and f["role"] == "*" and f["user"], "framework flags")
want(f["used_resources"]["cpus"] == 0.5 and "offered_resources" in f and "resources" in f, "framework resources")
want(f["resources"]["cpus"] >= 0.5, "framework resources = used + offered")
t = f["tasks"][0]
want(t["state"] == "TASK_RUNNING" and t["framework_id"] == f["id"] and t["slave_id"] == s["id"], "task ids")
want(t["id"] and t["name"] and t["resources"]["mem"] == 64, "task fields")
want(t["statuses"][-1]["state"] == "TASK_RUNNING" and t["statuses"][-1]["timestamp"] > 1e9, "task statuses")
want(f["unregistered_time"] == 0 and f["completed_tasks"] == [], "live framework: nothing completed yet")
want(d["completed_frameworks"] == [], "no completed framework yet")
want(d["flags"]["max_completed_frameworks"] == "2", "flags")
want(d["flags"]["agent_reregister_timeout"] == "10mins", "every flag, as /flags gives them: %s" % d["flags"])
'

check /metrics/snapshot '
want(all(isinstance(v, (int, float)) for v in d.values()), "all values numbers")
want(d["master/elected"] == 1 and d["master/uptime_secs"] > 0, "elected")
want(d["master/slaves_active"] == 1 and d["master/slaves_connected"] == 1, "slaves")
want(d["master/frameworks_active"] == 1 and d["master/frameworks_connected"] == 1, "frameworks")
want(d["master/tasks_running"] == 1 and d["master/tasks_finished"] == 0, "tasks_running")
want(d["master/cpus_total"] == 2 and d["master/cpus_used"] == 0.5 and d["master/cpus_percent"] == 0.25, "cpus")
want(d["master/mem_total"] == 1024 and d["master/mem_used"] == 64, "mem")
want(d["allocator/mesos/allocation_runs"] >= 1, "allocation_runs")
want(d["allocator/meso/ports_unstored"] == 0, "ports_unstored")
want(d["allocator/mesos/resources/cpus/total"] == 2, "allocator resources")
want(d["master/slave_registrations"] == 1 and d["master/valid_status_updates"] >= 2, "counters")
for k in ("master/outstanding_offers", "master/tasks_killed", "master/tasks_failed", "master/tasks_lost"):
    want(k in d, k)
import os
want(d["system/cpus_total"] == os.cpu_count(), "system/cpus_total")
want(0 < d["system/mem_free_bytes"] <= d["system/mem_total_bytes"], "system memory")
want(d["system/load_1min"] >= 0 and "system/load_15min" in d, "system load")
want(d["master/event_queue_messages"] == 0 and "master/event_queue_http_requests" in d, "event queue")
'

kill -TERM "$EXEC_PID"
wait_exit "$EXEC_PID" 20
check /metrics/snapshot '
want(d["master/tasks_killed"] == 1 and d["master/tasks_running"] == 0, "tasks_killed after the kill")
want(d["master/frameworks_active"] == 0, "no framework left active")
'
# The environment Mesos's agent gives an executor, seen by a command task.
execute_bg envtask --command 'env | grep ^MESOS_ | sort'
wait_exit "$EXEC_PID" 30
[ "$EXIT_STATUS" -eq 0 ] || fail "the env task exited $EXIT_STATUS"

# Both torn-down frameworks are completed ones, oldest first, with their
# terminal tasks and the statuses they went through.
completed_names() {
	http_get "$MASTER_PORT" /master/state |
		python3 -c 'import json,sys; print(" ".join(f["name"] for f in json.load(sys.stdin)["completed_frameworks"]))'
}
wait_for 10 "two completed frameworks" test "$(completed_names)" = "sleeper envtask"
check /master/state '
want(all(f["name"] not in ("sleeper", "envtask") for f in d["frameworks"]), "torn down frameworks are not live")
c = d["completed_frameworks"]
s = d["slaves"][0]
for f in c:
    want(not f["active"] and not f["connected"] and f["tasks"] == [] and f["offers"] == [], "completed framework flags")
    want(f["unregistered_time"] >= f["registered_time"] > 1e9, "unregistered_time")
    want(f["used_resources"]["cpus"] == 0 and f["user"] and f["role"] == "*", "completed framework fields")
    want(len(f["completed_tasks"]) == 1, "one completed task each")
    t = f["completed_tasks"][0]
    want(t["framework_id"] == f["id"] and t["slave_id"] == s["id"] and t["executor_id"] == "", "completed task ids")
    want(t["statuses"][-1]["state"] == t["state"], "last status is the final state")
    want([x["state"] for x in t["statuses"]].count("TASK_RUNNING") == 1, "statuses went through TASK_RUNNING")
k = c[0]["completed_tasks"][0]
want(k["state"] == "TASK_KILLED" and k["resources"]["cpus"] == 0.5 and k["resources"]["mem"] == 64, "killed task")
want(c[1]["completed_tasks"][0]["state"] == "TASK_FINISHED", "finished task")
'

# A live framework shows its completed tasks; removed with a task still
# running (its scheduler killed, failover_timeout 0) that task is
# TASK_KILLED. The bounds: one completed task per framework, and the oldest
# completed framework (sleeper) is dropped for the third.
execute_bg mixed --instances 2 --resources "cpus:0.1;mem:16" \
	--command 'case "$MESOS_EXECUTOR_ID" in *-0) exit 0 ;; *) exec sleep 60 ;; esac'
mixed_state() {
	http_get "$MASTER_PORT" /master/state | python3 -c '
import json, sys
f = [f for f in json.load(sys.stdin)["frameworks"] if f["name"] == "mixed"]
sys.exit(0 if f and len(f[0]["completed_tasks"]) == 1 and [t["state"] for t in f[0]["tasks"]] == ["TASK_RUNNING"] else 1)'
}
wait_for 20 "mixed: one task finished, one running" mixed_state
{ kill -KILL "$EXEC_PID" && wait "$EXEC_PID"; } 2>/dev/null
wait_for 10 "mixed completed, sleeper dropped" test "$(completed_names)" = "envtask mixed"
check /master/state '
f = d["completed_frameworks"][1]
want(len(f["completed_tasks"]) == 1, "--max_completed_tasks_per_framework 1 honoured")
t = f["completed_tasks"][0]
want(t["state"] == "TASK_KILLED" and t["id"].endswith("-1"), "the running task was killed: %s" % t)
want(t["statuses"][-1]["state"] == "TASK_KILLED" and t["resources"]["mem"] == 16, "killed task statuses")
'

# JSONP: NAME(...); as text/javascript; a name with anything but
# [A-Za-z0-9_.$] is refused with 400, and not echoed.
for ep in "/master/state?jsonp=cb" "/master/state.json?x=1&jsonp=My.cb%241" "/metrics/snapshot?jsonp=_m"; do
	curl -sf --max-time 5 -D "$T/jsonp.h" -o "$T/jsonp.b" "http://127.0.0.1:$MASTER_PORT$ep" || fail "GET $ep"
	grep -qi '^content-type: text/javascript' "$T/jsonp.h" || fail "$ep: $(cat "$T/jsonp.h")"
	python3 - "$T/jsonp.b" "$ep" <<'PY' || fail "$ep: $(head -c 300 "$T/jsonp.b")"
import json, sys
body = open(sys.argv[1]).read()
cb = sys.argv[2].split("jsonp=")[1].replace("%24", "$")
assert body.startswith(cb + "(") and body.endswith(");"), "wrapping"
json.loads(body[len(cb) + 1:-2])
PY
done
for bad in "alert(document.cookie)%3C%2Fscript%3E" "" "a%20b" "%zz"; do
	code=$(curl -s --max-time 5 -o "$T/jsonp.b" -w '%{http_code}' "http://127.0.0.1:$MASTER_PORT/master/state?jsonp=$bad")
	[ "$code" = 400 ] || fail "jsonp=$bad: $code"
	grep -q "jsonp" "$T/jsonp.b" || fail "jsonp=$bad: no message: $(cat "$T/jsonp.b")"
	! grep -qi "alert\|cookie\|script" "$T/jsonp.b" || fail "jsonp=$bad: the name was echoed"
done
out=$(cat "$T"/a1/frameworks/*/tasks/envtask-*/stdout)
for v in "MESOS_AGENT_ENDPOINT=127.0.0.1:${AGENT_PORT[a1]}" "MESOS_SLAVE_PID=slave(1)@127.0.0.1:${AGENT_PORT[a1]}" \
	MESOS_CHECKPOINT=1 MESOS_RECOVERY_TIMEOUT=596secs MESOS_SUBSCRIPTION_BACKOFF_MAX=2secs MESOS_HTTP_COMMAND_EXECUTOR=0 MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=3secs \
	MESOS_SLAVE_ID= MESOS_FRAMEWORK_ID= MESOS_EXECUTOR_ID=envtask- MESOS_DIRECTORY=/ MESOS_SANDBOX=/ MESOS_ALLOCATION_ROLE=[*]$; do
	grep -q "^$v" <<<"$out" || fail "task environment lacks $v: $out"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$MASTER_PORT/master/state")
[ "$code" = 405 ] || fail "POST /master/state: $code"
echo "PASS"

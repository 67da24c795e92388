#!/usr/bin/env python3
# executor_scheduler.py MASTER_PORT EXECUTOR_CMD LOG [hold|recover] — the framework side of
# test_executor.sh, in JSON over the v1 scheduler API (standard library
# only). It launches two tasks on custom executor "e1" in one ACCEPT, a
# third ("run") on e1 in a later ACCEPT and kills it, a task on a second
# executor "e2", and tasks the master must refuse (an incompatible e1, a
# foreign framework_id, an executor that never subscribes); it acknowledges
# every update, checks offers (attributes, executor_ids) and the executor's
# MESSAGE, probes /api/v1/executor with bad requests, and shuts executor
# "e4" down with the scheduler's SHUTDOWN call. Prints one line
# per check; exits 0 when all hold, 1 with "FAIL: ..." otherwise. With
# "hold" it only starts one long task on executor "e5", prints READY once it
# runs, and stays subscribed (until killed) so the test can stop the agent.
# With "recover" (test_executor_recovery.sh) it starts three "run" tasks
# t1 t2 t3 on executor r1, one, t4, on executor r2 (which never subscribes
# again after a disconnection) and t5 on r3, prints READY once all run, then
# prints every update; SIGUSR1 sends an implicit RECONCILE (its answers
# printed as "reconcile TASK STATE"), SIGUSR2 a KILL of t1.
# With "groups" (test_executor_groups.sh) it runs LAUNCH_GROUPs on custom
# executor "eg": two groups queued while eg waits for its hold file (a KILL
# of one task of the first kills that whole group before delivery), the
# second delivered in one LAUNCH_GROUP once eg subscribes (one of its tasks
# fails, the others go on: the executor decides), a third delivered at once
# to the subscribed eg, and a CUSTOM group without a command refused.
# With "group-recover" (test_group_recovery.sh) it runs groups d1 d2 and
# d3 d4 on the default executor "dg", a group c1 c2 on custom executor "cg"
# and a group q1 q2 on custom executor "qg", which waits for its hold file to
# subscribe; it prints READY once d1..d4 c1 c2 run, then prints every
# update; SIGUSR1 sends a KILL of d1 (the second time: of d3), SIGUSR2 a
# KILL of c1.
# With "volume" (test_volume_executor.sh; role "web", volume v1 made by the
# operator) it gives custom executor "ve" the offered volume v1 in its
# resources: task w1 writes into it, r1 reads it back (READY once it has);
# on SIGUSR1 (after the test restarted the agent) r2 reads it on the
# recovered ve; then ve is shut down and the volume, offered again, goes in
# the resources of task r3 on executor "vt", which reads it too (DONE).
import base64
import http.client
import json
import queue
import signal
import sys
import threading
import time

from simple_framework import read_records

MASTER_PORT = int(sys.argv[1])
EXECUTOR_CMD = sys.argv[2]
HOST = "127.0.0.1"
events = queue.Queue()
STREAM_ID = None
FID = None


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def say(msg):
    print(msg, flush=True)


def post(body, port=MASTER_PORT, path="/api/v1/scheduler", ctype="application/json", raw=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    headers = {"Content-Type": ctype} if ctype else {}
    if STREAM_ID and path == "/api/v1/scheduler":
        headers["Mesos-Stream-Id"] = STREAM_ID
    conn.request("POST", path, raw if raw is not None else json.dumps(body), headers)
    resp = conn.getresponse()
    text = resp.read().decode()
    conn.close()
    return resp.status, text


def get(port, path):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    text = resp.read().decode()
    conn.close()
    return text


offers = []
updates = {}  # task id -> [states]
full_updates = {}  # task id -> [TaskStatus]
messages = []
failures = []


def handle(ev):
    t = ev["type"]
    if t == "OFFERS":
        offers.extend(ev["offers"]["offers"])
    elif t == "RESCIND":
        offers[:] = [o for o in offers if o["id"] != ev["rescind"]["offer_id"]]
    elif t == "UPDATE":
        st = ev["update"]["status"]
        tid = st["task_id"]["value"]
        updates.setdefault(tid, []).append(st["state"])
        full_updates.setdefault(tid, []).append(st)
        if st.get("reason") == "REASON_RECONCILIATION":
            say("reconcile %s %s" % (tid, st["state"]))
        else:
            say("update %s %s%s%s" % (tid, st["state"], (" " + st["reason"]) if "reason" in st else "",
                                      (" (" + st["message"] + ")") if "message" in st else ""))
        if "uuid" in st:
            code, text = post({"framework_id": {"value": FID}, "type": "ACKNOWLEDGE",
                               "acknowledge": {"agent_id": st["agent_id"], "task_id": st["task_id"],
                                               "uuid": st["uuid"]}})
            if code != 202:
                fail("ACKNOWLEDGE: %d %s" % (code, text))
    elif t == "MESSAGE":
        messages.append(ev["message"])
    elif t == "FAILURE":
        failures.append(ev["failure"])
        if "executor_id" in ev["failure"]:
            say("failure executor %s status %s" % (ev["failure"]["executor_id"]["value"],
                                                  ev["failure"].get("status")))


def wait(what, cond, secs=30):
    deadline = time.time() + secs
    while not cond():
        left = deadline - time.time()
        if left <= 0:
            fail("timed out waiting for " + what + "; updates " + json.dumps(updates))
        try:
            ev = events.get(timeout=min(left, 0.5))
        except queue.Empty:
            continue
        if ev is None:
            fail("the event stream ended")
        handle(ev)


def wait_uncharged(eid, when):
    """Polls the master's /state until executor eid is gone from it (its
    resources freed); fails after 10 s."""
    deadline = time.time() + 10
    while any(e["id"] == eid for e in json.loads(get(MASTER_PORT, "/state"))["executors"]):
        if time.time() > deadline:
            fail("the master still charges %s %s" % (eid, when))
        time.sleep(0.05)


def take_offer():
    wait("an offer", lambda: offers)
    return offers.pop(0)


def executor_info(eid, cmd=EXECUTOR_CMD, cpus=0.1, env=None):
    variables = [{"name": "EXECUTOR_LOG", "value": sys.argv[3]}]
    variables += [{"name": k, "value": v} for k, v in (env or {}).items()]
    return {"executor_id": {"value": eid}, "name": "it " + eid,
            "command": {"value": cmd, "environment": {"variables": variables}},
            "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": cpus}},
                          {"name": "mem", "type": "SCALAR", "scalar": {"value": 32}}]}


def task(tid, offer, ex, data="finish"):
    return {"name": tid, "task_id": {"value": tid}, "agent_id": offer["agent_id"],
            "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
                          {"name": "mem", "type": "SCALAR", "scalar": {"value": 16}}],
            "executor": ex, "data": base64.b64encode(data.encode()).decode()}


def accept(offer, tasks):
    ids = [o["id"] for o in offer] if isinstance(offer, list) else [offer["id"]]
    code, text = post({"framework_id": {"value": FID}, "type": "ACCEPT",
                       "accept": {"offer_ids": ids,
                                  "operations": [{"type": "LAUNCH", "launch": {"task_infos": tasks}}],
                                  "filters": {"refuse_seconds": 0}}})
    if code != 202:
        fail("ACCEPT: %d %s" % (code, text))


def group_task(tid, offer, data="finish", cmd=None):
    """A task of a LAUNCH_GROUP: the executor is the group's (not repeated
    in the task); cmd makes it a command task of the default executor."""
    t = task(tid, offer, None, data)
    del t["executor"]
    if cmd:
        t["command"] = {"value": cmd}
    return t


def accept_groups(offer, groups):
    """One ACCEPT of a LAUNCH_GROUP per (ExecutorInfo, tasks) pair."""
    ids = [o["id"] for o in offer] if isinstance(offer, list) else [offer["id"]]
    ops = [{"type": "LAUNCH_GROUP", "launch_group": {"executor": ex, "task_group": {"tasks": ts}}}
           for ex, ts in groups]
    code, text = post({"framework_id": {"value": FID}, "type": "ACCEPT",
                       "accept": {"offer_ids": ids, "operations": ops, "filters": {"refuse_seconds": 0}}})
    if code != 202:
        fail("ACCEPT: %d %s" % (code, text))


def kill(tid):
    code, text = post({"framework_id": {"value": FID}, "type": "KILL", "kill": {"task_id": {"value": tid}}})
    if code != 202:
        fail("KILL %s: %d %s" % (tid, code, text))


def last_update(tid):
    """The last UPDATE of a task, whole (its reason and message)."""
    return full_updates.get(tid, [{}])[-1]


def offered_cpus():
    return sum(r["scalar"]["value"] for o in offers for r in o["resources"] if r["name"] == "cpus")


def groups():
    """The "groups" mode: task groups on a custom executor."""
    hold = sys.argv[3] + ".hold"
    eg = dict(executor_info("eg", env={"EXECUTOR_HOLD_FILE": hold}), type="CUSTOM")
    nocmd = dict(executor_info("eg-nocmd"), type="CUSTOM")
    del nocmd["command"]
    wait("offers of 0.8 cpus", lambda: offered_cpus() >= 0.8 - 1e-9)
    held = list(offers)
    del offers[:]
    o = held[0]
    accept_groups(held, [(eg, [group_task("ga1", o, "run"), group_task("ga2", o, "run")]),
                         (eg, [group_task("gb1", o, "run"), group_task("gb2", o, "fail"),
                               group_task("gb3", o, "finish")]),
                         (nocmd, [group_task("gx1", o)])])
    wait("gx1 TASK_ERROR", lambda: "TASK_ERROR" in states("gx1"))
    u = last_update("gx1")
    if u.get("reason") != "REASON_TASK_GROUP_INVALID" or \
            u.get("message") != "'ExecutorInfo.command' must be set for 'CUSTOM' executor":
        fail("a CUSTOM group without a command: %s" % json.dumps(u))
    say("CUSTOM group without a command refused: %s" % u["message"])
    # eg waits for its hold file: both groups are queued at the agent.
    kill("ga1")
    wait("ga1 and ga2 KILLED before delivery",
         lambda: "TASK_KILLED" in states("ga1") and "TASK_KILLED" in states("ga2"))
    for t in ("ga1", "ga2"):
        u = last_update(t)
        if u.get("reason") != "REASON_TASK_KILLED_DURING_LAUNCH" or \
                u.get("message") != "A task within the task group was killed before delivery to the executor" or \
                u.get("executor_id", {}).get("value") != "eg" or states(t) != ["TASK_KILLED"]:
            fail("queued group task %s: %s (states %s)" % (t, json.dumps(u), states(t)))
    say("KILL of a queued group task: ga1 and ga2 TASK_KILLED (REASON_TASK_KILLED_DURING_LAUNCH)")
    open(hold, "w").close()
    wait("gb1 RUNNING, gb2 FAILED, gb3 FINISHED",
         lambda: "TASK_RUNNING" in states("gb1") and "TASK_FAILED" in states("gb2") and
         "TASK_FINISHED" in states("gb3"))
    say("queued group delivered once eg subscribed: gb2 failed, gb3 finished")
    wait("an offer of 0.1 cpus", lambda: offered_cpus() >= 0.1 - 1e-9)
    held = list(offers)
    del offers[:]
    accept_groups(held, [(eg, [group_task("gc1", held[0], "finish")])])
    wait("gc1 FINISHED", lambda: "TASK_FINISHED" in states("gc1"))
    say("group delivered at once to the subscribed eg: gc1 finished")
    # The executor decided gb2's failure ends nothing else: gb1 runs on.
    if states("gb1") != ["TASK_RUNNING"]:
        fail("gb1 after gb2 failed: %s" % states("gb1"))
    gb1 = [t for t in json.loads(get(MASTER_PORT, "/state"))["tasks"] if t["id"] == "gb1"]
    if len(gb1) != 1 or gb1[0]["state"] != "TASK_RUNNING":
        fail("the master's gb1: %s" % json.dumps(gb1))
    say("gb1 still RUNNING after gb2 failed")
    kill("gb1")
    wait("gb1 KILLED", lambda: "TASK_KILLED" in states("gb1"))
    say("gb1 killed through eg")
    code, text = post({"framework_id": {"value": FID}, "type": "TEARDOWN"})
    if code != 202:
        fail("TEARDOWN: %d %s" % (code, text))
    say("PASS")
    sys.exit(0)


def group_recover():
    """The "group-recover" mode: a group on the default executor and one on
    a custom executor, then updates, and KILLs on signals, until killed."""
    asked = []
    default_kills = ["d1", "d3"]
    signal.signal(signal.SIGUSR1, lambda *_: asked.append(default_kills.pop(0)))
    signal.signal(signal.SIGUSR2, lambda *_: asked.append("c1"))
    wait("offers of 1.1 cpus", lambda: offered_cpus() >= 1.1 - 1e-9)
    held = list(offers)
    del offers[:]
    o = held[0]
    dg = {"type": "DEFAULT", "executor_id": {"value": "dg"},
          "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
                        {"name": "mem", "type": "SCALAR", "scalar": {"value": 32}}]}
    cg = dict(executor_info("cg"), type="CUSTOM")
    qg = dict(executor_info("qg", env={"EXECUTOR_HOLD_FILE": sys.argv[3] + ".hold"}), type="CUSTOM")
    accept_groups(held, [(dg, [group_task("d1", o, cmd="exec sleep 600"), group_task("d2", o, cmd="exec sleep 600")]),
                         (dg, [group_task("d3", o, cmd="exec sleep 600"), group_task("d4", o, cmd="exec sleep 600")]),
                         (cg, [group_task("c1", o, "run"), group_task("c2", o, "run")]),
                         (qg, [group_task("q1", o, "run"), group_task("q2", o, "finish")])])
    wait("d1..d4 c1 c2 RUNNING", lambda: all("TASK_RUNNING" in states(t) for t in ("d1", "d2", "d3", "d4", "c1", "c2")))
    say("READY")
    while True:
        while asked:
            kill(asked.pop(0))
        pump()


def pump():
    """Handles the next event if one comes within 0.1 s."""
    try:
        ev = events.get(timeout=0.1)
    except queue.Empty:
        return
    if ev is None:
        fail("the event stream ended")
    handle(ev)


def states(tid):
    return updates.get(tid, [])


def recover():
    """The "recover" mode: tasks on two executors, then updates, RECONCILE
    and KILL on signals, until killed."""
    asked = []
    signal.signal(signal.SIGUSR1, lambda *_: asked.append("reconcile"))
    signal.signal(signal.SIGUSR2, lambda *_: asked.append("kill"))
    wait("offers of 0.8 cpus", lambda: sum(r["scalar"]["value"] for o in offers for r in o["resources"]
                                            if r["name"] == "cpus") >= 0.8 - 1e-9)
    held = list(offers)
    del offers[:]
    r1 = executor_info("r1")
    r2 = executor_info("r2", env={"EXECUTOR_RESUBSCRIBE": "never"})
    r3 = executor_info("r3")
    accept(held, [task("t1", held[0], r1, "run"), task("t2", held[0], r1, "run"), task("t3", held[0], r1, "run"),
                  task("t4", held[0], r2, "run"), task("t5", held[0], r3, "run")])
    wait("t1..t5 RUNNING", lambda: all("TASK_RUNNING" in states(t) for t in ("t1", "t2", "t3", "t4", "t5")))
    say("READY")
    while True:
        while asked:
            what = asked.pop(0)
            if what == "reconcile":
                code, text = post({"framework_id": {"value": FID}, "type": "RECONCILE", "reconcile": {}})
            else:
                code, text = post({"framework_id": {"value": FID}, "type": "KILL",
                                   "kill": {"task_id": {"value": "t1"}}})
            if code != 202:
                fail("%s: %d %s" % (what, code, text))
        pump()


def offered_volume(offer):
    """The offer's persistent volume v1, or None."""
    for r in offer["resources"]:
        if r.get("disk", {}).get("persistence", {}).get("id") == "v1":
            return r
    return None


def take_volume_offer():
    """Every outstanding offer (one agent) once one shows volume v1: the
    volume alone may be a small offer."""
    wait("an offer of volume v1", lambda: any(offered_volume(o) for o in offers))
    held = list(offers)
    del offers[:]
    return held


def volume_of(held):
    return next(offered_volume(o) for o in held if offered_volume(o))


def finished_with(tid, message):
    """Waits for tid's end, which must be TASK_FINISHED with message."""
    wait(tid + " to end", lambda: set(states(tid)) & {"TASK_FINISHED", "TASK_FAILED", "TASK_ERROR", "TASK_LOST"})
    st = last_update(tid)
    if st["state"] != "TASK_FINISHED" or st.get("message") != message:
        fail("%s did not finish with '%s': %s" % (tid, message, json.dumps(st)))
    say("%s finished: %s" % (tid, message))


def read_back(tid):
    finished_with(tid, "kept")


def volume():
    """The "volume" mode: volume v1 in a custom executor's resources, then
    in a task's on another custom executor."""
    asked = []
    signal.signal(signal.SIGUSR1, lambda *_: asked.append("go"))
    held = take_volume_offer()
    ve = executor_info("ve")
    ve["resources"].append(volume_of(held))
    accept(held, [task("w1", held[0], ve, "write:data/file:kept")])
    finished_with("w1", "wrote data/file")
    wait("an offer", lambda: offers)
    held = list(offers)
    del offers[:]
    if any(offered_volume(o) for o in held):
        fail("volume v1 offered while executor ve holds it")
    accept(held, [task("r1", held[0], ve, "read:data/file")])
    read_back("r1")
    say("READY")
    while not asked:
        pump()
    wait("an offer after the agent's restart", lambda: offers)
    held = list(offers)
    del offers[:]
    offer = held[0]
    accept(held, [task("r2", offer, ve, "read:data/file")])
    read_back("r2")
    code, text = post({"framework_id": {"value": FID}, "type": "SHUTDOWN",
                       "shutdown": {"executor_id": {"value": "ve"}, "agent_id": offer["agent_id"]}})
    if code != 202:
        fail("SHUTDOWN of ve: %d %s" % (code, text))
    held = take_volume_offer()
    t = task("r3", held[0], executor_info("vt"), "read:data/file")
    t["resources"].append(volume_of(held))
    accept(held, [t])
    read_back("r3")
    say("DONE")
    sys.exit(0)


def main():
    global STREAM_ID, FID
    conn = http.client.HTTPConnection(HOST, MASTER_PORT, timeout=120)
    mode = sys.argv[4] if len(sys.argv) > 4 else ""
    info = {"user": "root", "name": "executor-it", "roles": ["*"]}
    if mode == "volume":
        info = {"user": "root", "name": "executor-it", "role": "web", "checkpoint": True}
    conn.request("POST", "/api/v1/scheduler", json.dumps({"type": "SUBSCRIBE", "subscribe": {"framework_info": info}}),
        {"Content-Type": "application/json", "Accept": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        fail("SUBSCRIBE: %d" % resp.status)
    STREAM_ID = resp.getheader("Mesos-Stream-Id")
    threading.Thread(target=read_records, args=(resp, events), daemon=True).start()
    sub = events.get(timeout=10)
    FID = sub["subscribed"]["framework_id"]["value"]
    if mode == "volume":
        volume()
    if len(sys.argv) > 4 and sys.argv[4] == "recover":
        recover()
    if len(sys.argv) > 4 and sys.argv[4] == "groups":
        groups()
    if len(sys.argv) > 4 and sys.argv[4] == "group-recover":
        group_recover()
    if len(sys.argv) > 4 and sys.argv[4] == "hold":
        offer = take_offer()
        accept(offer, [task("t6", offer, executor_info("e5"), "run")])
        wait("t6 RUNNING", lambda: "TASK_RUNNING" in states("t6"))
        say("READY")
        while True:
            ev = events.get()
            if ev is None:
                return
            handle(ev)

    # 1. Two tasks on e1 in one ACCEPT: one executor, both finish.
    offer = take_offer()
    attrs = {a["name"]: a for a in offer.get("attributes", [])}
    if attrs.get("rack", {}).get("text", {}).get("value") != "r1" or \
            attrs.get("cores", {}).get("scalar", {}).get("value") != 8:
        fail("offer attributes: %s" % json.dumps(offer.get("attributes")))
    say("offer attributes ok")
    agent_port = offer["url"]["address"]["port"]
    e1 = executor_info("e1")
    accept(offer, [task("t1", offer, e1), task("t2", offer, e1)])
    wait("t1 and t2 FINISHED", lambda: "TASK_FINISHED" in states("t1") and "TASK_FINISHED" in states("t2"))
    for t in ("t1", "t2"):
        if "TASK_RUNNING" not in states(t):
            fail("%s never RUNNING: %s" % (t, states(t)))
    say("t1 t2 running and finished on e1")
    wait("the executor's MESSAGE", lambda: messages)
    m = messages[0]
    if base64.b64decode(m["data"]) != b"hello" or m["executor_id"]["value"] != "e1":
        fail("MESSAGE event: %s" % json.dumps(m))
    say("executor MESSAGE forwarded")
    code, text = post({"framework_id": {"value": FID}, "type": "MESSAGE",
                       "message": {"agent_id": offer["agent_id"], "executor_id": {"value": "e1"},
                                   "data": base64.b64encode(b"hi executor").decode()}})
    if code != 202:
        fail("MESSAGE to e1: %d %s" % (code, text))

    # The executor's resources stay charged after its tasks finished: what
    # is offered is the agent's 2 cpus less e1's 0.1.
    wait("offers of 1.9 cpus (e1 holds 0.1)", lambda: abs(offered_cpus() - 1.9) < 1e-6)
    state = json.loads(get(MASTER_PORT, "/state"))
    ex = [e for e in state["executors"] if e["id"] == "e1"]
    if len(ex) != 1 or ex[0]["framework_id"] != FID:
        fail("master /state executors: %s" % json.dumps(state["executors"]))
    say("executor resources charged: offers hold 1.9 cpus, /state lists e1")

    # 2. The next offer lists e1 among the framework's executors; a third
    #    task joins e1 and is killed; an incompatible e1 and a foreign
    #    framework_id are TASK_ERROR.
    def offer_with_e1():
        return any("e1" in [x["value"] for x in o.get("executor_ids", [])] for o in offers)
    wait("an offer listing executor e1", offer_with_e1)
    offer = [o for o in offers if "e1" in [x["value"] for x in o.get("executor_ids", [])]][0]
    offers.remove(offer)
    say("offer executor_ids ok")
    other = executor_info("e1", cmd="true")
    foreign = executor_info("e9")
    foreign["framework_id"] = {"value": "someone-else"}
    accept(offer, [task("t3", offer, e1, "run"), task("bad1", offer, other), task("bad2", offer, foreign)])
    wait("t3 RUNNING", lambda: "TASK_RUNNING" in states("t3"))
    wait("bad1 and bad2 TASK_ERROR", lambda: "TASK_ERROR" in states("bad1") and "TASK_ERROR" in states("bad2"))
    say("incompatible executor and foreign framework_id refused")
    code, text = post({"framework_id": {"value": FID}, "type": "KILL", "kill": {"task_id": {"value": "t3"}}})
    if code != 202:
        fail("KILL: %d %s" % (code, text))
    wait("t3 KILLED", lambda: "TASK_KILLED" in states("t3"))
    say("t3 killed through its executor")

    # 3. A second executor id gets its own process; an executor that never
    #    subscribes fails its task after the registration timeout.
    # All outstanding offers (one agent's) together: the resources freed by
    # t1..t3 may come in offers of their own.
    wait("offers of 0.4 cpus", lambda: offered_cpus() >= 0.4 - 1e-9)
    held = list(offers)
    del offers[:]
    offer = held[0]
    accept(held, [task("t4", offer, executor_info("e2")),
                  task("t5", offer, executor_info("e3", cmd="exec sleep 600"))])
    wait("t4 FINISHED", lambda: "TASK_FINISHED" in states("t4"))
    say("t4 finished on e2")

    # 4. Bad requests to the agent's executor API (e3 exists, unsubscribed).
    def e3_known():
        return '"id":"e3"' in get(agent_port, "/state")
    deadline = time.time() + 10
    while not e3_known():
        if time.time() > deadline:
            fail("executor e3 never appeared in the agent's /state")
        time.sleep(0.05)
    ids = {"framework_id": {"value": FID}, "executor_id": {"value": "e3"}}
    upd = dict(ids, type="UPDATE", update={"status": {
        "task_id": {"value": "t5"}, "state": "TASK_RUNNING", "source": "SOURCE_EXECUTOR",
        "uuid": base64.b64encode(b"0123456789abcdef").decode()}})
    checks = [
        ("wrong content type", dict(ids, type="SUBSCRIBE", subscribe={}), "text/plain", None, 415, "Content-Type"),
        ("no content type", dict(ids, type="SUBSCRIBE", subscribe={}), None, None, 400, "Content-Type"),
        ("bad JSON", None, "application/json", "{", 400, "Failed to parse body into JSON"),
        ("no SUBSCRIBE first", upd, "application/json", None, 403, "Executor is not subscribed"),
        ("unknown framework", dict(upd, framework_id={"value": "nope"}), "application/json", None, 400,
         "Framework cannot be found"),
        ("unknown executor", dict(upd, executor_id={"value": "nope"}), "application/json", None, 400,
         "Executor cannot be found"),
        ("missing executor_id", {"framework_id": {"value": FID}, "type": "SUBSCRIBE", "subscribe": {}},
         "application/json", None, 400, "executor_id"),
        ("short uuid", dict(upd, update={"status": dict(upd["update"]["status"], uuid="AAEC")}),
         "application/json", None, 400, "UUID"),
        ("no type", ids, "application/json", None, 400, "Expecting 'type' to be present"),
    ]
    for name, body, ctype, raw, want, words in checks:
        code, text = post(body, port=agent_port, path="/api/v1/executor", ctype=ctype, raw=raw)
        if code != want or words not in text:
            fail("%s: got %d %r, expected %d with %r" % (name, code, text, want, words))
        say("bad request (%s): %d %s" % (name, code, text.strip()))
    conn2 = http.client.HTTPConnection(HOST, agent_port, timeout=10)
    conn2.request("GET", "/api/v1/executor")
    r = conn2.getresponse()
    r.read()
    if r.status != 405 or r.getheader("Allow") != "POST":
        fail("GET /api/v1/executor: %d Allow %s" % (r.status, r.getheader("Allow")))
    say("bad request (GET): 405")

    wait("t5 FAILED by the registration timeout", lambda: "TASK_FAILED" in states("t5"), secs=30)
    wait("FAILURE event for e3", lambda: any(f.get("executor_id", {}).get("value") == "e3" for f in failures))
    say("unsubscribed executor timed out: t5 TASK_FAILED, FAILURE for e3")
    wait_uncharged("e3", "after it exited")
    say("e3's resources recovered")

    # 5. SHUTDOWN of one executor (the scheduler API's call): e4 is told to
    #    shut down, kills its task (TASK_KILLED) and exits (FAILURE for e4);
    #    the framework's other executors keep running.
    offer = take_offer()
    accept(offer, [task("t7", offer, executor_info("e4"), "run")])
    wait("t7 RUNNING on e4", lambda: "TASK_RUNNING" in states("t7"))
    code, text = post({"framework_id": {"value": FID}, "type": "SHUTDOWN",
                       "shutdown": {"executor_id": {"value": "e4"}, "agent_id": offer["agent_id"]}})
    if code != 202:
        fail("SHUTDOWN of e4: %d %s" % (code, text))
    wait("t7 KILLED by e4's shutdown", lambda: "TASK_KILLED" in states("t7"))
    wait("FAILURE event for e4", lambda: any(f.get("executor_id", {}).get("value") == "e4" for f in failures))
    wait_uncharged("e4", "after its SHUTDOWN")
    say("SHUTDOWN of e4: t7 TASK_KILLED, FAILURE for e4")

    # 6. TEARDOWN: the executors get SHUTDOWN (checked by the test in their log).
    code, text = post({"framework_id": {"value": FID}, "type": "TEARDOWN"})
    if code != 202:
        fail("TEARDOWN: %d %s" % (code, text))
    say("PASS")


if __name__ == "__main__":
    main()

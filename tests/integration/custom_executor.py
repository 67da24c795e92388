#!/usr/bin/env python3
# custom_executor.py — a custom executor written from the public Mesos v1
# executor HTTP API documentation only (JSON, Python standard library), used
# by test_executor.sh. It SUBSCRIBEs to $MESOS_AGENT_ENDPOINT, and for each
# LAUNCH sends TASK_RUNNING, then TASK_FINISHED unless the task's data is
# "run" (then it runs until KILL, answered with TASK_KILLED). Every update
# carries a fresh base64 uuid and is kept until ACKNOWLEDGED. SHUTDOWN kills
# what runs and exits. It says hello to its framework with a MESSAGE call.
# What it sees goes to $EXECUTOR_LOG, one line per fact, for the test.
import base64
import http.client
import json
import os
import sys
import uuid

ENDPOINT = os.environ["MESOS_AGENT_ENDPOINT"]
FRAMEWORK_ID = os.environ["MESOS_FRAMEWORK_ID"]
EXECUTOR_ID = os.environ["MESOS_EXECUTOR_ID"]
LOG = os.environ.get("EXECUTOR_LOG", "executor.log")
HOST, PORT = ENDPOINT.rsplit(":", 1)


def log(line):
    with open(LOG, "a") as f:
        f.write("%s %s\n" % (EXECUTOR_ID, line))


def call(body):
    """POSTs one call on its own connection; returns (status, text)."""
    conn = http.client.HTTPConnection(HOST, int(PORT), timeout=10)
    conn.request("POST", "/api/v1/executor", json.dumps(body), {"Content-Type": "application/json"})
    resp = conn.getresponse()
    text = resp.read().decode()
    conn.close()
    return resp.status, text


def base():
    return {"framework_id": {"value": FRAMEWORK_ID}, "executor_id": {"value": EXECUTOR_ID}}


unacked = {}  # uuid (base64) -> (task id, state)
running = set()


def update(task_id, state, message=None):
    u = base64.b64encode(uuid.uuid4().bytes).decode()
    status = {"task_id": {"value": task_id}, "state": state, "source": "SOURCE_EXECUTOR", "uuid": u,
              "executor_id": {"value": EXECUTOR_ID}}
    if message:
        status["message"] = message
    body = base()
    body.update({"type": "UPDATE", "update": {"status": status}})
    code, text = call(body)
    if code != 202:
        log("UPDATE-REFUSED %d %s" % (code, text.strip()))
        return
    unacked[u] = (task_id, state)


def records(resp):
    """RecordIO: '<length>\\n<JSON>' records."""
    while True:
        line = resp.readline()
        if not line:
            return
        n = int(line.strip())
        data = b""
        while len(data) < n:
            chunk = resp.read(n - len(data))
            if not chunk:
                return
            data += chunk
        yield json.loads(data)


def main():
    log("START pid=%d" % os.getpid())
    for k in sorted(os.environ):
        if k.startswith("MESOS_"):
            log("ENV %s=%s" % (k, os.environ[k]))
    conn = http.client.HTTPConnection(HOST, int(PORT), timeout=120)
    body = base()
    body.update({"type": "SUBSCRIBE", "subscribe": {}})
    conn.request("POST", "/api/v1/executor", json.dumps(body),
                 {"Content-Type": "application/json", "Accept": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        log("SUBSCRIBE-REFUSED %d %s" % (resp.status, resp.read().decode().strip()))
        return 1
    for ev in records(resp):
        t = ev.get("type")
        if t == "SUBSCRIBED":
            sub = ev["subscribed"]
            log("SUBSCRIBED executor=%s framework=%s agent=%s container=%s" % (
                sub["executor_info"]["executor_id"]["value"], sub["framework_info"]["id"]["value"],
                sub["agent_info"].get("id", {}).get("value", ""), sub.get("container_id", {}).get("value", "")))
            msg = base()
            msg.update({"type": "MESSAGE", "message": {"data": base64.b64encode(b"hello").decode()}})
            code, _ = call(msg)
            log("MESSAGE-SENT %d" % code)
        elif t == "LAUNCH":
            task = ev["launch"]["task"]
            tid = task["task_id"]["value"]
            data = base64.b64decode(task.get("data", "")).decode()
            log("LAUNCH %s" % tid)
            update(tid, "TASK_RUNNING")
            if data == "run":
                running.add(tid)
            else:
                update(tid, "TASK_FINISHED", "done")
        elif t == "KILL":
            tid = ev["kill"]["task_id"]["value"]
            log("KILL %s" % tid)
            if tid in running:
                running.discard(tid)
                update(tid, "TASK_KILLED", "killed by the framework")
        elif t == "ACKNOWLEDGED":
            u = ev["acknowledged"]["uuid"]
            tid, state = unacked.pop(u, (None, None))
            log("ACKNOWLEDGED %s %s" % (ev["acknowledged"]["task_id"]["value"], state))
        elif t == "MESSAGE":
            log("MESSAGE %s" % base64.b64decode(ev["message"]["data"]).decode())
        elif t == "SHUTDOWN":
            log("SHUTDOWN")
            for tid in sorted(running):
                update(tid, "TASK_KILLED", "executor shut down")
            return 0
        elif t == "ERROR":
            log("ERROR %s" % ev["error"]["message"])
        elif t == "HEARTBEAT":
            log("HEARTBEAT")
    log("STREAM-ENDED")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# custom_executor.py — a custom executor written from the public Mesos v1
# executor HTTP API documentation only (JSON, Python standard library), used
# by test_executor.sh and test_executor_recovery.sh. It SUBSCRIBEs to
# $MESOS_AGENT_ENDPOINT, and for each LAUNCH sends TASK_RUNNING, then
# TASK_FINISHED unless the task's data is "run" (then it runs until KILL,
# answered with TASK_KILLED) or "fail" (TASK_FAILED); "write:PATH:TEXT"
# writes TEXT into PATH (relative to its sandbox, where the agent links a
# persistent volume) and "read:PATH" finishes with PATH's text as the
# update's message (TASK_FAILED when it cannot). A LAUNCH_GROUP's tasks
# are taken the same way, each on its own: as the docs leave a group's fate
# to a custom executor, one that fails does not end the others. With
# EXECUTOR_HOLD_FILE set it subscribes only once that file exists. Every update carries a fresh base64 uuid and is
# kept until ACKNOWLEDGED. SHUTDOWN kills what runs and exits. It says hello
# to its framework with a MESSAGE call. When its subscription breaks (the
# agent restarted) it does what the docs ask of an executor: with
# MESOS_CHECKPOINT=1 it subscribes again, no more than
# MESOS_SUBSCRIPTION_BACKOFF_MAX apart, for at most MESOS_RECOVERY_TIMEOUT,
# sending the updates and tasks nothing acknowledged yet; without it, it
# exits. EXECUTOR_RESUBSCRIBE=never makes it stay disconnected and alive (a
# hung executor); SIGUSR1 finishes its last running task. What it sees
# goes to $EXECUTOR_LOG, one line per fact.
import base64
import http.client
import json
import os
import random
import re
import signal
import sys
import time
import uuid

ENDPOINT = os.environ["MESOS_AGENT_ENDPOINT"]
FRAMEWORK_ID = os.environ["MESOS_FRAMEWORK_ID"]
EXECUTOR_ID = os.environ["MESOS_EXECUTOR_ID"]
LOG = os.environ.get("EXECUTOR_LOG", "executor.log")
HOST, PORT = ENDPOINT.rsplit(":", 1)


def log(line):
    with open(LOG, "a") as f:
        f.write("%s %s\n" % (EXECUTOR_ID, line))


def duration(text):
    """stout's duration text ('15mins', '2secs', '250ms') in seconds."""
    m = re.fullmatch(r"([0-9.]+)(ns|us|ms|secs|mins|hrs|days|weeks)", text.strip())
    if not m:
        raise ValueError("not a duration: %r" % text)
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "secs": 1, "mins": 60, "hrs": 3600, "days": 86400,
             "weeks": 604800}
    return float(m.group(1)) * scale[m.group(2)]


CHECKPOINT = os.environ.get("MESOS_CHECKPOINT") in ("1", "true")
RECOVERY_TIMEOUT = duration(os.environ["MESOS_RECOVERY_TIMEOUT"]) if CHECKPOINT else 0
BACKOFF_MAX = duration(os.environ["MESOS_SUBSCRIPTION_BACKOFF_MAX"]) if CHECKPOINT else 0


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


unacked = {}  # uuid (base64) -> the Update (its "status"), until ACKNOWLEDGED
tasks = {}  # task id -> TaskInfo, of every LAUNCH
acked_tasks = set()  # tasks with at least one acknowledged update
running = set()


def update(task_id, state, message=None):
    u = base64.b64encode(uuid.uuid4().bytes).decode()
    status = {"task_id": {"value": task_id}, "state": state, "source": "SOURCE_EXECUTOR", "uuid": u,
              "executor_id": {"value": EXECUTOR_ID}}
    if message:
        status["message"] = message
    body = base()
    body.update({"type": "UPDATE", "update": {"status": status}})
    # Kept until acknowledged: if the agent is away, it goes again with the
    # next SUBSCRIBE.
    unacked[u] = {"status": status}
    try:
        code, text = call(body)
    except OSError as e:
        log("UPDATE-UNSENT %s %s (%s)" % (task_id, state, e))
        return
    if code != 202:
        log("UPDATE-REFUSED %d %s" % (code, text.strip()))
        del unacked[u]


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


def subscribe():
    """Opens the subscription; the response, or None when refused or unreachable."""
    conn = http.client.HTTPConnection(HOST, int(PORT), timeout=120)
    body = base()
    body.update({"type": "SUBSCRIBE", "subscribe": {
        "unacknowledged_tasks": [tasks[t] for t in sorted(tasks) if t not in acked_tasks],
        "unacknowledged_updates": list(unacked.values())}})
    try:
        conn.request("POST", "/api/v1/executor", json.dumps(body),
                     {"Content-Type": "application/json", "Accept": "application/json"})
        resp = conn.getresponse()
    except OSError:
        return None
    if resp.status != 200:
        log("SUBSCRIBE-REFUSED %d %s" % (resp.status, resp.read().decode().strip()))
        return None
    return resp


def launch(task):
    """A task of a LAUNCH or a LAUNCH_GROUP: RUNNING, then what its data asks."""
    tid = task["task_id"]["value"]
    tasks[tid] = task
    data = base64.b64decode(task.get("data", "")).decode()
    update(tid, "TASK_RUNNING")
    if data == "run":
        running.add(tid)
    elif data == "fail":
        update(tid, "TASK_FAILED", "failed as its data asked")
    elif data.startswith("write:") or data.startswith("read:"):
        parts = data.split(":", 2)
        path = os.path.join(os.environ.get("MESOS_SANDBOX", "."), parts[1])
        try:
            if parts[0] == "write":
                with open(path, "w") as f:
                    f.write(parts[2])
                update(tid, "TASK_FINISHED", "wrote " + parts[1])
            else:
                with open(path) as f:
                    update(tid, "TASK_FINISHED", f.read())
        except OSError as e:
            update(tid, "TASK_FAILED", "%s: %s" % (parts[1], e))
    else:
        update(tid, "TASK_FINISHED", "done")


def serve(resp, first):
    """Handles the events of one subscription; True on SHUTDOWN."""
    for ev in records(resp):
        t = ev.get("type")
        if t == "SUBSCRIBED":
            sub = ev["subscribed"]
            log("%s executor=%s framework=%s agent=%s container=%s" % (
                "SUBSCRIBED" if first else "RESUBSCRIBED",
                sub["executor_info"]["executor_id"]["value"], sub["framework_info"]["id"]["value"],
                sub["agent_info"].get("id", {}).get("value", ""), sub.get("container_id", {}).get("value", "")))
            if first:
                msg = base()
                msg.update({"type": "MESSAGE", "message": {"data": base64.b64encode(b"hello").decode()}})
                code, _ = call(msg)
                log("MESSAGE-SENT %d" % code)
        elif t == "LAUNCH":
            log("LAUNCH %s" % ev["launch"]["task"]["task_id"]["value"])
            launch(ev["launch"]["task"])
        elif t == "LAUNCH_GROUP":
            group = ev["launch_group"]["task_group"]["tasks"]
            log("LAUNCH_GROUP %s executor=%s" % (" ".join(x["task_id"]["value"] for x in group),
                                                 ",".join(sorted({x.get("executor", {}).get("executor_id", {})
                                                                  .get("value", "") for x in group}))))
            for task in group:
                launch(task)
        elif t == "KILL":
            tid = ev["kill"]["task_id"]["value"]
            log("KILL %s" % tid)
            if tid in running:
                running.discard(tid)
                update(tid, "TASK_KILLED", "killed by the framework")
        elif t == "ACKNOWLEDGED":
            u = ev["acknowledged"]["uuid"]
            tid = ev["acknowledged"]["task_id"]["value"]
            acked = unacked.pop(u, None)
            acked_tasks.add(tid)
            log("ACKNOWLEDGED %s %s" % (tid, acked["status"]["state"] if acked else None))
        elif t == "MESSAGE":
            log("MESSAGE %s" % base64.b64decode(ev["message"]["data"]).decode())
        elif t == "SHUTDOWN":
            log("SHUTDOWN")
            for tid in sorted(running):
                update(tid, "TASK_KILLED", "executor shut down")
            return True
        elif t == "ERROR":
            log("ERROR %s" % ev["error"]["message"])
        elif t == "HEARTBEAT":
            log("HEARTBEAT")
    return False


def finish_one(signum, frame):
    """SIGUSR1 (from a test): the last running task (by id) finishes now, even
    while the agent is away (the update then waits for the next SUBSCRIBE)."""
    for tid in sorted(running, reverse=True):
        running.discard(tid)
        update(tid, "TASK_FINISHED", "finished on a signal")
        return


def main():
    signal.signal(signal.SIGUSR1, finish_one)
    log("START pid=%d" % os.getpid())
    for k in sorted(os.environ):
        if k.startswith("MESOS_"):
            log("ENV %s=%s" % (k, os.environ[k]))
    hold = os.environ.get("EXECUTOR_HOLD_FILE")
    if hold:
        # The test's go-ahead: it makes the file once it has done what must
        # happen while this executor has not subscribed.
        while not os.path.exists(hold):
            time.sleep(0.05)
    resp = subscribe()
    if resp is None:
        return 1
    first = True
    while True:
        try:
            if serve(resp, first):
                return 0
        except (OSError, http.client.HTTPException, ValueError) as e:
            log("STREAM-BROKEN %s" % type(e).__name__)
        first = False
        log("DISCONNECTED")
        if not CHECKPOINT:
            log("STREAM-ENDED")
            return 0
        if os.environ.get("EXECUTOR_RESUBSCRIBE") == "never":
            while True:
                time.sleep(3600)
        # Retry within the recovery timeout, each wait at most half the
        # backoff bound: the agent expects a retry at least that often,
        # and the call itself takes time too.
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        wait = min(0.05, BACKOFF_MAX / 2)
        resp = None
        while resp is None:
            if time.monotonic() >= deadline:
                log("RECOVERY-TIMEOUT")
                return 1
            time.sleep(random.uniform(0.5, 1.0) * wait)
            wait = min(wait * 2, BACKOFF_MAX / 2)
            resp = subscribe()


if __name__ == "__main__":
    sys.exit(main())

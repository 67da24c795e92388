"""simple_framework — a JSON v1 scheduler for integration tests (standard
library only): SUBSCRIBE, offers, ACCEPT of command tasks, KILL, every
update acknowledged. Used by kill_policy_scheduler.py and
fetch_scheduler.py; each check fails loudly with FAIL: and exit 1."""
import http.client
import json
import queue
import sys
import threading
import time

HOST = "127.0.0.1"
WAIT_S = 15


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def read_records(resp, events):
    """Puts each RecordIO record ('<length>\\n<JSON>') of a stream on the
    queue as a dict, then None at its end."""
    while True:
        line = resp.readline()
        if not line:
            events.put(None)
            return
        n = int(line.strip())
        data = b""
        while len(data) < n:
            chunk = resp.read(n - len(data))
            if not chunk:
                events.put(None)
                return
            data += chunk
        events.put(json.loads(data))


class Framework:
    def __init__(self, port, name, capabilities=()):
        self.port = port
        self.events = queue.Queue()
        self.updates = {}  # task id -> [(TaskStatus, monotonic time)]
        self.offers = []
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        fi = {"user": "root", "name": name, "roles": ["*"],
              "capabilities": [{"type": c} for c in capabilities]}
        conn.request("POST", "/api/v1/scheduler", json.dumps({"type": "SUBSCRIBE", "subscribe": {"framework_info": fi}}),
                     {"Content-Type": "application/json", "Accept": "application/json"})
        resp = conn.getresponse()
        if resp.status != 200:
            fail("SUBSCRIBE of %s: %d" % (name, resp.status))
        self.stream_id = resp.getheader("Mesos-Stream-Id")
        threading.Thread(target=read_records, args=(resp, self.events), daemon=True).start()
        sub = self.events.get(timeout=WAIT_S)
        self.fid = sub["subscribed"]["framework_id"]["value"]

    def post(self, call):
        call["framework_id"] = {"value": self.fid}
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        conn.request("POST", "/api/v1/scheduler", json.dumps(call),
                     {"Content-Type": "application/json", "Mesos-Stream-Id": self.stream_id})
        resp = conn.getresponse()
        text = resp.read().decode()
        conn.close()
        if resp.status != 202:
            fail("%s: %d %s" % (call["type"], resp.status, text))

    def handle(self, ev):
        if ev["type"] == "OFFERS":
            self.offers.extend(ev["offers"]["offers"])
        elif ev["type"] == "UPDATE":
            st = ev["update"]["status"]
            self.updates.setdefault(st["task_id"]["value"], []).append((st, time.monotonic()))
            if "uuid" in st:
                self.post({"type": "ACKNOWLEDGE", "acknowledge": {
                    "agent_id": st["agent_id"], "task_id": st["task_id"], "uuid": st["uuid"]}})

    def wait(self, what, cond, secs=WAIT_S):
        deadline = time.monotonic() + secs
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                fail("timed out waiting for %s; updates %s" % (what, json.dumps(
                    {t: [s["state"] for s, _ in u] for t, u in self.updates.items()})))
            try:
                ev = self.events.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if ev is None:
                fail("the event stream ended")
            self.handle(ev)

    def states(self, tid):
        return [s["state"] for s, _ in self.updates.get(tid, [])]

    def status(self, tid, state):
        """The first TaskStatus of tid in that state."""
        return next(s for s, _ in self.updates.get(tid, []) if s["state"] == state)

    def when(self, tid, state):
        return next(t for s, t in self.updates.get(tid, []) if s["state"] == state)

    def launch(self, tasks):
        """tasks: [(task id, extra TaskInfo fields, command)]; all in one
        offer, each with 0.1 cpus and 16 MB. command None: the task names
        its executor in the extra fields instead."""
        self.wait("an offer", lambda: self.offers)
        offer = self.offers.pop(0)
        infos = []
        for tid, extra, command in tasks:
            ti = {"name": tid, "task_id": {"value": tid}, "agent_id": offer["agent_id"],
                  "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
                                {"name": "mem", "type": "SCALAR", "scalar": {"value": 16}}]}
            if command is not None:
                ti["command"] = dict(command)
            ti.update(extra)
            infos.append(ti)
        self.post({"type": "ACCEPT", "accept": {"offer_ids": [offer["id"]], "operations": [
            {"type": "LAUNCH", "launch": {"task_infos": infos}}], "filters": {"refuse_seconds": 0}}})

    def kill(self, tid, grace=None):
        k = {"task_id": {"value": tid}}
        if grace is not None:
            k["kill_policy"] = {"grace_period": {"nanoseconds": int(grace * 1e9)}}
        self.post({"type": "KILL", "kill": k})

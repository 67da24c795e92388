#!/usr/bin/env python3
"""kill_policy_scheduler.py MASTER_PORT — the framework side of
test_kill_policy.sh, in JSON over the v1 scheduler API (standard library
only). Checks Mesos's kill policies and TASK_KILLING on command tasks that
ignore SIGTERM (so only the SIGKILL at the end of the grace period stops
them; the agent runs with a --kill_grace far longer than the test waits):

  k1  TaskInfo.kill_policy 1 s; KILL without a policy: TASK_KILLING, then
      TASK_KILLED no sooner than 1 s after the KILL (the task's policy, not
      the agent's default).
  k2  TaskInfo.kill_policy 600 s; KILL without a policy: TASK_KILLING; a
      second KILL with kill_policy 0 s overrides it: TASK_KILLED.
  k3  a framework without the TASK_KILLING_STATE capability: no
      TASK_KILLING, only TASK_KILLED (KILL with kill_policy 0 s).

Prints one line per check; exits 0 when all hold, 1 with "FAIL: ..." otherwise.
"""
import http.client
import json
import os
import queue
import sys
import threading
import time

PORT = int(sys.argv[1])
HOST = "127.0.0.1"
WAIT_S = 15
# Ignores TERM (SIG_IGN is inherited by the sleep it executes); each task's
# sleep has its own length so that /proc tells them apart.
STUBBORN = "trap '' TERM; exec sleep %s"
SLEEPS = {"k1": "600.1", "k2": "600.2", "k3": "600.3"}


def ignores_term(tid):
    """A process `sleep SLEEPS[tid]` runs with SIGTERM ignored: the task's
    shell got past its trap (TASK_RUNNING comes when the process starts,
    before that)."""
    want = ("sleep\0%s\0" % SLEEPS[tid]).encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if f.read() != want:
                    continue
            with open("/proc/%s/status" % pid) as f:
                ign = next(int(line.split()[1], 16) for line in f if line.startswith("SigIgn:"))
        except (OSError, StopIteration):
            continue
        if ign & (1 << (15 - 1)):
            return True
    return False


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


class Framework:
    def __init__(self, name, capabilities):
        self.events = queue.Queue()
        self.updates = {}  # task id -> [(state, monotonic time)]
        self.offers = []
        conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
        fi = {"user": "root", "name": name, "roles": ["*"],
              "capabilities": [{"type": c} for c in capabilities]}
        conn.request("POST", "/api/v1/scheduler", json.dumps({"type": "SUBSCRIBE", "subscribe": {"framework_info": fi}}),
                     {"Content-Type": "application/json", "Accept": "application/json"})
        resp = conn.getresponse()
        if resp.status != 200:
            fail("SUBSCRIBE of %s: %d" % (name, resp.status))
        self.stream_id = resp.getheader("Mesos-Stream-Id")
        threading.Thread(target=self.reader, args=(resp,), daemon=True).start()
        sub = self.events.get(timeout=WAIT_S)
        self.fid = sub["subscribed"]["framework_id"]["value"]

    def reader(self, resp):
        while True:
            line = resp.readline()
            if not line:
                self.events.put(None)
                return
            n = int(line.strip())
            data = b""
            while len(data) < n:
                chunk = resp.read(n - len(data))
                if not chunk:
                    self.events.put(None)
                    return
                data += chunk
            self.events.put(json.loads(data))

    def post(self, call):
        call["framework_id"] = {"value": self.fid}
        conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
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
            self.updates.setdefault(st["task_id"]["value"], []).append((st["state"], time.monotonic()))
            if "uuid" in st:
                self.post({"type": "ACKNOWLEDGE", "acknowledge": {
                    "agent_id": st["agent_id"], "task_id": st["task_id"], "uuid": st["uuid"]}})

    def wait(self, what, cond):
        deadline = time.monotonic() + WAIT_S
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                fail("timed out waiting for %s; updates %s" % (what, json.dumps(self.updates)))
            try:
                ev = self.events.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if ev is None:
                fail("the event stream ended")
            self.handle(ev)

    def states(self, tid):
        return [s for s, _ in self.updates.get(tid, [])]

    def when(self, tid, state):
        return next(t for s, t in self.updates.get(tid, []) if s == state)

    def launch(self, specs):
        """specs: [(task id, grace seconds)]; all in one offer."""
        self.wait("an offer", lambda: self.offers)
        offer = self.offers.pop(0)
        tasks = [{"name": tid, "task_id": {"value": tid}, "agent_id": offer["agent_id"],
                  "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
                                {"name": "mem", "type": "SCALAR", "scalar": {"value": 16}}],
                  "command": {"value": STUBBORN % SLEEPS[tid]},
                  "kill_policy": {"grace_period": {"nanoseconds": int(grace * 1e9)}}} for tid, grace in specs]
        self.post({"type": "ACCEPT", "accept": {"offer_ids": [offer["id"]], "operations": [
            {"type": "LAUNCH", "launch": {"task_infos": tasks}}], "filters": {"refuse_seconds": 0}}})
        for tid, _ in specs:
            self.wait(tid + " RUNNING", lambda: "TASK_RUNNING" in self.states(tid))
            self.wait(tid + " ignoring SIGTERM (/proc)", lambda: ignores_term(tid))

    def kill(self, tid, grace=None):
        k = {"task_id": {"value": tid}}
        if grace is not None:
            k["kill_policy"] = {"grace_period": {"nanoseconds": int(grace * 1e9)}}
        self.post({"type": "KILL", "kill": k})


def main():
    fw = Framework("kill-policy-it", ["TASK_KILLING_STATE"])
    fw.launch([("k1", 1.0), ("k2", 600.0)])

    asked = time.monotonic()
    fw.kill("k1")
    fw.wait("k1 TASK_KILLED", lambda: "TASK_KILLED" in fw.states("k1"))
    if fw.states("k1")[-2:] != ["TASK_KILLING", "TASK_KILLED"]:
        fail("k1 went %s (Mesos: TASK_KILLING, then TASK_KILLED)" % fw.states("k1"))
    took = fw.when("k1", "TASK_KILLED") - asked
    if took < 0.9:
        fail("k1 ended %.2f s after its KILL: it ignores SIGTERM, so not before its 1 s grace" % took)
    print("k1: TASK_KILLING then TASK_KILLED %.2f s after the KILL (TaskInfo.kill_policy 1 s)" % took, flush=True)

    fw.kill("k2")
    fw.wait("k2 TASK_KILLING", lambda: "TASK_KILLING" in fw.states("k2"))
    fw.kill("k2", grace=0)
    fw.wait("k2 TASK_KILLED after a KILL with kill_policy 0 s", lambda: "TASK_KILLED" in fw.states("k2"))
    if fw.states("k2").count("TASK_KILLING") != 1:
        fail("k2 went %s (one TASK_KILLING per kill)" % fw.states("k2"))
    print("k2: a KILL with kill_policy 0 s overrode the task's 600 s", flush=True)

    plain = Framework("kill-policy-plain-it", [])
    plain.launch([("k3", 600.0)])
    plain.kill("k3", grace=0)
    plain.wait("k3 TASK_KILLED", lambda: "TASK_KILLED" in plain.states("k3"))
    if "TASK_KILLING" in plain.states("k3"):
        fail("k3 got TASK_KILLING without the TASK_KILLING_STATE capability: %s" % plain.states("k3"))
    print("k3: no TASK_KILLING without the capability", flush=True)
    print("PASS", flush=True)


if __name__ == "__main__":
    main()

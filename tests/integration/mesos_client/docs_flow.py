#!/usr/bin/python3
"""docs_flow — one framework's life against a master, checked step by step
against the public Mesos scheduler HTTP API documentation.

    docs_flow.py --master HOST:PORT --encoding json|protobuf [--pb-dir DIR]
                 [--credentials PRINCIPAL:SECRET]

SUBSCRIBE (SUBSCRIBED, Mesos-Stream-Id, HEARTBEATs), OFFERS and their shape,
ACCEPT with a LAUNCH of two command tasks, UPDATEs acknowledged by uuid,
explicit and implicit RECONCILE, KILL, every other offer operation answered
(operation feedback, TASK_ERROR), RESERVE and UNRESERVE carried out (the
reservation offered back with its `reservations`), reservation refinement
and ports (a second framework of a subrole refines the reservation, launches
on it and pops it back), CREATE and DESTROY of a
persistent volume (offered back with its id, its data kept between two
tasks), REQUEST and SHUTDOWN, DECLINE with a long
filter, SUPPRESS,
REVIVE, UPDATE_FRAMEWORK, in JSON a MULTI_ROLE framework's second role (its
own offers, a task charged to it, SUPPRESS/REVIVE of one role), TEARDOWN
and what /master/state and /metrics/snapshot say then.
With --credentials (a master with --authenticate_frameworks) a SUBSCRIBE
without them first gets 401, then every request carries HTTP Basic and
FrameworkInfo.principal is the principal.
Exits 0 after the last step, 1 with "FAIL [encoding] step: why" otherwise.
"""

import argparse
import getpass
import json
import os
import queue
import sys
import time
import urllib.request

import mesos_client as mc
from mesos_client import check

ROLE = "docs-it"
TASK_RES = {"cpus": 0.1, "mem": 32.0}
# How long one step may take before the flow fails. Each step waits for its
# condition and goes on as soon as it holds; the bound only has to cover a
# loaded 2-core machine, where starting a Python executor (and importing
# protobuf) under a full `ctest -j2` took longer than 10 s.
STEP_TIMEOUT_S = 30
AGENT_STATES = ("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED", "TASK_KILLED", "TASK_FAILED")


class Flow:
    def __init__(self, host, port, encoding, pb_dir, credentials=None):
        self.host, self.port, self.encoding = host, port, encoding
        self.pb_dir = os.path.abspath(pb_dir) if pb_dir else ""
        self.credentials = credentials
        self.principal = credentials.split(":", 1)[0] if credentials else None
        self.s = mc.Scheduler(host, port, encoding, pb_dir, credentials)
        self.multi_role = encoding == "json"  # the protobuf flow uses the deprecated `role`
        self.role = ROLE
        self.other_roles = []  # a MULTI_ROLE framework's roles besides self.role
        self.step_name = "start"
        self.offers = {}  # outstanding offer id -> offer
        self.offer_events = 0
        self.heartbeats = 0
        self.updates = []  # every TaskStatus received, in order
        self.op_updates = []  # every OperationStatus received, in order
        self.messages = []  # every MESSAGE event (from custom executors), in order
        self.acked = 0
        self.op_acked = 0
        self.events_seen = []

    # ------------------------------------------------------------ plumbing

    def step(self, name):
        self.step_name = name
        print("docs-scheduler[%s]: %s" % (self.encoding, name), flush=True)

    def get_json(self, path):
        url = "http://%s:%d%s" % (self.host, self.port, path)
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.loads(r.read())

    def call(self, call_type, payload=None, key=None, expect=202):
        status, body = self.s.call(call_type, payload, key)
        check(status == expect, "%s answered %s %r (the docs: %d)" % (call_type, status, body[:200], expect))
        if expect == 202:
            check(body == b"", "%s: 202 with a body %r (the docs: empty)" % (call_type, body[:200]))
        return body

    def handle(self, ev):
        """Books one event; acknowledges every update that carries a uuid."""
        t = ev.get("type")
        check(t is not None, "an event without a type: %r" % ev)
        self.events_seen.append(t)
        if t == "HEARTBEAT":
            self.heartbeats += 1
        elif t == "OFFERS":
            self.offer_events += 1
            offers = ev.get("offers", {}).get("offers")
            check(isinstance(offers, list) and offers, "OFFERS without offers.offers[]: %r" % ev)
            for o in offers:
                self.check_offer(o)
                self.offers[o["id"]["value"]] = o
        elif t == "RESCIND":
            self.offers.pop(ev["rescind"]["offer_id"]["value"], None)
        elif t == "UPDATE":
            st = ev.get("update", {}).get("status")
            check(st and st.get("task_id", {}).get("value") and st.get("state"), "UPDATE without a status: %r" % ev)
            self.updates.append(st)
            if "uuid" in st:
                check(mc.b64_len(st["uuid"]) == 16, "update uuid is not 16 bytes: %r" % st)
                check(st.get("agent_id", {}).get("value"), "an update with a uuid but no agent_id: %r" % st)
                self.call("ACKNOWLEDGE", {"agent_id": st["agent_id"], "task_id": st["task_id"], "uuid": st["uuid"]})
                self.acked += 1
        elif t == "UPDATE_OPERATION_STATUS":
            st = ev.get("update_operation_status", {}).get("status")
            check(st and st.get("state"), "UPDATE_OPERATION_STATUS without a status: %r" % ev)
            self.op_updates.append(st)
            if "uuid" in st:
                # The docs: a status with a uuid is sent until the framework
                # acknowledges it (ACKNOWLEDGE_OPERATION_STATUS, agent_id,
                # operation_id and the uuid's bytes).
                check(mc.b64_len(st["uuid"]["value"]) == 16, "operation status uuid is not 16 bytes: %r" % st)
                check(st.get("agent_id", {}).get("value") and st.get("operation_id", {}).get("value"),
                      "an operation status with a uuid but no agent_id or operation_id: %r" % st)
                self.call("ACKNOWLEDGE_OPERATION_STATUS", {"agent_id": st["agent_id"], "uuid": st["uuid"]["value"],
                                                           "operation_id": st["operation_id"]})
                self.op_acked += 1
        elif t == "ERROR":
            raise mc.ApiError("ERROR event: %r" % ev.get("error"))
        elif t == "MESSAGE":
            # From a custom executor (docs_executor.py reports what its events held).
            m = ev.get("message", {})
            check(m.get("executor_id", {}).get("value") and "data" in m, "MESSAGE event without its fields: %r" % ev)
            self.messages.append(m)
        elif t not in ("FAILURE", "SUBSCRIBED"):
            raise mc.ApiError("unexpected event %r" % ev)

    def pump(self, timeout_s):
        """Handles the next event, if one comes within timeout_s; False at end of stream."""
        try:
            ev = self.s.sub.events.get(timeout=timeout_s)
        except queue.Empty:
            return True
        if ev is None:
            if self.s.sub.error:
                raise mc.ApiError("reading the stream: %s" % self.s.sub.error)
            return False
        self.handle(ev)
        return True

    def drain(self):
        """Handles the events already received, without waiting for more."""
        while True:
            try:
                ev = self.s.sub.events.get_nowait()
            except queue.Empty:
                return
            if ev is None:  # the end of the stream, perhaps seen by wait() already
                return
            self.handle(ev)

    def wait(self, what, cond, timeout_s=STEP_TIMEOUT_S):
        """Handles events until cond() holds; fails after timeout_s."""
        deadline = time.monotonic() + timeout_s
        while not cond():
            left = deadline - time.monotonic()
            check(left > 0, "timed out after %ss waiting for %s" % (timeout_s, what))
            if not self.pump(min(left, 0.05)) and not cond():
                raise mc.ApiError("the stream ended while waiting for %s" % what)

    def statuses(self, task, state=None, reason=None):
        return [
            u for u in self.updates
            if u["task_id"]["value"] == task and (state is None or u["state"] == state)
            and (reason is None or u.get("reason") == reason)
        ]

    def allocation_runs(self):
        snap = self.get_json("/metrics/snapshot")
        check("allocator/mesos/allocation_runs" in snap, "/metrics/snapshot has no allocator/mesos/allocation_runs")
        return snap["allocator/mesos/allocation_runs"]

    def no_offers_for(self, passes, why):
        """Handles events across `passes` allocation passes; fails on any offer."""
        before, start = self.offer_events, self.allocation_runs()
        self.wait("%d allocation passes (/metrics/snapshot allocator/mesos/allocation_runs)" % passes,
                  lambda: self.allocation_runs() >= start + passes)
        check(self.offer_events == before, "an offer came %s" % why)

    def offered_cpus(self):
        return sum(r["scalar"]["value"] for o in self.offers.values() for r in o["resources"] if r["name"] == "cpus")

    def framework_in_state(self, state):
        return [f for f in state.get("frameworks", []) if f.get("id") == self.s.framework_id]

    # ------------------------------------------------------------- checks

    def check_offer(self, o):
        for k in ("id", "framework_id", "agent_id"):
            check(isinstance(o.get(k), dict) and isinstance(o[k].get("value"), str) and o[k]["value"],
                  "offer %s is not {\"value\": string}: %r" % (k, o))
        check(o["framework_id"]["value"] == self.s.framework_id, "offer for another framework: %r" % o)
        check(isinstance(o.get("hostname"), str) and o["hostname"], "offer without hostname: %r" % o)
        url = o.get("url")
        check(isinstance(url, dict) and url.get("scheme") == "http" and isinstance(url.get("address"), dict)
              and isinstance(url["address"].get("port"), int), "offer url is not {scheme, address{..port}}: %r" % url)
        res = o.get("resources")
        check(isinstance(res, list) and res, "offer without resources: %r" % o)
        for r in res:
            check(isinstance(r.get("name"), str) and r.get("type") in ("SCALAR", "RANGES", "SET"),
                  "resource without name/type: %r" % r)
            if r["type"] == "SCALAR":
                check(isinstance(r.get("scalar", {}).get("value"), (int, float)), "scalar resource: %r" % r)
            elif r["type"] == "RANGES":
                check(isinstance(r.get("ranges", {}).get("range"), list), "ranges resource: %r" % r)
            else:
                check(isinstance(r.get("set", {}).get("item"), list), "set resource: %r" % r)
            if self.multi_role:
                check(r.get("allocation_info", {}).get("role") == o.get("allocation_info", {}).get("role"),
                      "offered resource with another allocation_info.role than its offer's: %r" % r)
        if self.multi_role:
            check(o.get("allocation_info", {}).get("role") in [self.role] + self.other_roles,
                  "offer allocation_info: %r (roles %r)" % (o, [self.role] + self.other_roles))
        names = {r["name"] for r in res}
        check({"cpus", "mem"} <= names, "offer without cpus and mem: %r" % names)

    def reserved(self, offer):
        """The offer's dynamically reserved scalars for our role, by name
        (each entry's last `reservations` entry says whose it is)."""
        out = {}
        for r in offer.get("resources", []):
            stack = r.get("reservations") or []
            if stack and stack[-1].get("type") == "DYNAMIC" and stack[-1].get("role") == self.role:
                check(stack[-1].get("principal") == "docs", "dynamic reservation's principal: %r" % r)
                out[r["name"]] = out.get(r["name"], 0) + r.get("scalar", {}).get("value", 0)
        return out

    def task(self, name, command, offer):
        res = []
        for rname, v in TASK_RES.items():
            r = {"name": rname, "type": "SCALAR", "scalar": {"value": v}}
            if self.multi_role:  # MULTI_ROLE frameworks say which allocation the task uses: the offer's
                r["allocation_info"] = {"role": offer.get("allocation_info", {}).get("role", self.role)}
            res.append(r)
        return {"name": name, "task_id": {"value": name}, "agent_id": offer["agent_id"],
                "resources": res, "command": {"shell": True, "value": command}}

    def res(self, name, value, reserved=False, volume=None):
        """A scalar Resource for our role's offers: reserved dynamically by
        "docs", or a persistent volume (DiskInfo persistence + volume)."""
        r = {"name": name, "type": "SCALAR", "scalar": {"value": value}}
        if self.multi_role:
            r["allocation_info"] = {"role": self.role}
        if reserved:
            r["reservations"] = [{"type": "DYNAMIC", "role": self.role, "principal": "docs"}]
        if volume:
            r["disk"] = {"persistence": {"id": volume, "principal": "docs"},
                         "volume": {"mode": "RW", "container_path": "data"}}
        return r

    @staticmethod
    def op(kind, payload, op_id=None):
        o = {"type": kind, kind.lower(): payload}
        if op_id:
            o["id"] = {"value": op_id}
        return o

    def take_offers(self, what, cond):
        """Waits until the outstanding offers (one agent's) together satisfy
        cond(list of offers), then takes them all: an agent's resources may
        come back in several offers."""
        self.wait(what, lambda: self.offers and cond(list(self.offers.values())))
        offers = list(self.offers.values())
        self.offers.clear()
        return offers

    @staticmethod
    def unreserved(offers, name):
        return sum(r["scalar"]["value"] for o in offers for r in o["resources"]
                   if r["name"] == name and not r.get("reservations") and r.get("type") == "SCALAR")

    def volume_of(self, offer, vol_id):
        """The offer's persistent volume vol_id, or None."""
        for r in offer.get("resources", []):
            if r.get("disk", {}).get("persistence", {}).get("id") == vol_id:
                return r
        return None

    def op_answers(self, want, since):
        """Waits for one UPDATE_OPERATION_STATUS per operation id in want
        (id -> state) after the first `since`; returns them by id."""
        self.wait("UPDATE_OPERATION_STATUS for %s" % sorted(want), lambda: len(self.op_updates) >= since + len(want))
        got = {u.get("operation_id", {}).get("value"): u for u in self.op_updates[since:]}
        check(sorted(got) == sorted(want) and len(self.op_updates) == since + len(want),
              "operation updates for %r (asked: %r, once each)" % (sorted(got), sorted(want)))
        for op_id, state in want.items():
            check(got[op_id]["state"] == state, "%s answered %r (Mesos: %s)" % (op_id, got[op_id], state))
        return got

    def volumes_step(self):
        """Persistent volumes: RESERVE disk, CREATE a volume on it and
        LAUNCH a task that writes into it, in one ACCEPT (a CREATE of
        unreserved disk and one of an id taken are OPERATION_ERROR); the
        volume is offered back with its id and reservation, /master/state
        lists it; a second task reads what the first wrote; DESTROY of the
        volume in use is refused; once the task is gone DESTROY and
        UNRESERVE give the disk back."""
        self.step("ACCEPT with RESERVE of disk, CREATE of a volume and a LAUNCH that writes into it")
        offers = self.take_offers("offers with 16 MB of disk, 0.1 cpus and 32 MB of memory unreserved", lambda os: (
            self.unreserved(os, "disk") >= 16 and self.unreserved(os, "cpus") >= 0.1
            and self.unreserved(os, "mem") >= 32))
        offer = offers[0]
        since = len(self.op_updates)
        vol = self.res("disk", 8.0, reserved=True, volume="docs-v1")
        writer = self.task("docs-vol-write", "echo kept > data/file && test -d data", offer)
        writer["resources"].append(vol)
        self.call("ACCEPT", {"offer_ids": [o["id"] for o in offers], "operations": [
            self.op("RESERVE", {"resources": [self.res("disk", 16.0, reserved=True)]}, "op-reserve-disk"),
            self.op("CREATE", {"volumes": [self.res("disk", 8.0, volume="docs-unreserved")]}, "op-create-unreserved"),
            self.op("CREATE", {"volumes": [vol]}, "op-create-v1"),
            self.op("CREATE", {"volumes": [vol]}, "op-create-again"),
            self.op("LAUNCH", {"task_infos": [writer]}),
        ], "filters": {"refuse_seconds": 0}})
        got = self.op_answers({"op-reserve-disk": "OPERATION_FINISHED", "op-create-unreserved": "OPERATION_ERROR",
                               "op-create-v1": "OPERATION_FINISHED", "op-create-again": "OPERATION_ERROR"}, since)
        check("unreserved resources" in got["op-create-unreserved"].get("message", ""),
              "CREATE of unreserved disk: %r (Mesos: cannot be created from unreserved resources)"
              % got["op-create-unreserved"])
        check("is not unique" in got["op-create-again"].get("message", ""),
              "CREATE of an id taken: %r (Mesos: Persistence ID 'docs-v1' is not unique)" % got["op-create-again"])
        self.wait("docs-vol-write TASK_FINISHED", lambda: self.statuses("docs-vol-write", "TASK_FINISHED")
                  or self.statuses("docs-vol-write", "TASK_FAILED"))
        check(self.statuses("docs-vol-write", "TASK_FINISHED"), "the writer: %r" % self.statuses("docs-vol-write"))

        self.step("the volume is offered back with its id and reservation; /master/state lists it")
        offers = self.take_offers("offers with volume docs-v1 and 0.1 cpus, 32 MB of memory", lambda os: (
            any(self.volume_of(o, "docs-v1") for o in os) and self.unreserved(os, "cpus") >= 0.1
            and self.unreserved(os, "mem") >= 32))
        offer = next(o for o in offers if self.volume_of(o, "docs-v1"))
        v = self.volume_of(offer, "docs-v1")
        check(v["scalar"]["value"] == 8.0 and v["disk"]["volume"]["container_path"] == "data"
              and v["disk"]["persistence"].get("principal") == "docs"
              and v.get("reservations", [{}])[-1].get("role") == self.role
              and v["reservations"][-1].get("type") == "DYNAMIC",
              "offered volume: %r" % v)
        agents = [a for a in self.get_json("/master/state").get("slaves", []) if a["id"] == offer["agent_id"]["value"]]
        full = agents[0].get("reserved_resources_full", {}).get(self.role, []) if agents else []
        check(any(r.get("disk", {}).get("persistence", {}).get("id") == "docs-v1" for r in full),
              "/master/state reserved_resources_full[%s]: %r" % (self.role, full))

        self.step("a second task reads what the first wrote; DESTROY of the volume in use is refused")
        reader = self.task("docs-vol-read", "grep -q kept data/file && sleep 30", offer)
        reader["resources"].append(vol)
        self.call("ACCEPT", {"offer_ids": [o["id"] for o in offers],
                             "operations": [self.op("LAUNCH", {"task_infos": [reader]})],
                             "filters": {"refuse_seconds": 0}})
        self.wait("docs-vol-read TASK_RUNNING", lambda: self.statuses("docs-vol-read", "TASK_RUNNING"))
        self.wait("an offer", lambda: self.offers)
        offer = next(iter(self.offers.values()))
        del self.offers[offer["id"]["value"]]
        since = len(self.op_updates)
        self.call("ACCEPT", {"offer_ids": [offer["id"]], "operations": [
            self.op("DESTROY", {"volumes": [vol]}, "op-destroy-busy")], "filters": {"refuse_seconds": 0}})
        got = self.op_answers({"op-destroy-busy": "OPERATION_ERROR"}, since)
        check("in use" in got["op-destroy-busy"].get("message", ""),
              "DESTROY of a volume in use: %r (Mesos: Persistent volumes in use)" % got["op-destroy-busy"])
        self.call("KILL", {"task_id": {"value": "docs-vol-read"}, "agent_id": offer["agent_id"]})
        self.wait("docs-vol-read TASK_KILLED", lambda: self.statuses("docs-vol-read", "TASK_KILLED"))
        check(not self.statuses("docs-vol-read", "TASK_FAILED"), "the reader failed: it did not find the data")

        self.step("DESTROY and UNRESERVE give the disk back")
        # The rest of the reserved disk may be in another offer of the agent
        # (the reader's resources came back apart): one ACCEPT of them all.
        offers = self.take_offers("offers with volume docs-v1 and the rest of the reserved disk", lambda os: (
            any(self.volume_of(o, "docs-v1") for o in os)
            and sum(r["scalar"]["value"] for o in os for r in o["resources"]
                    if r["name"] == "disk" and r.get("reservations") and "disk" not in r) >= 8))
        offer = offers[0]
        ids = [o["id"] for o in offers]
        since = len(self.op_updates)
        self.call("ACCEPT", {"offer_ids": ids, "operations": [
            self.op("UNRESERVE", {"resources": [self.res("disk", 16.0, reserved=True)]}, "op-unreserve-vol"),
            self.op("DESTROY", {"volumes": [vol]}, "op-destroy-v1"),
            self.op("UNRESERVE", {"resources": [self.res("disk", 16.0, reserved=True)]}, "op-unreserve-disk"),
        ], "filters": {"refuse_seconds": 0}})
        got = self.op_answers({"op-unreserve-vol": "OPERATION_ERROR", "op-destroy-v1": "OPERATION_FINISHED",
                               "op-unreserve-disk": "OPERATION_FINISHED"}, since)
        check("persistent volume" in got["op-unreserve-vol"].get("message", ""),
              "UNRESERVE of a volume's disk: %r (Mesos: destroy the volume first)" % got["op-unreserve-vol"])
        self.wait("an offer without the volume", lambda: self.offers and not any(
            self.volume_of(o, "docs-v1") or self.reserved(o) for o in self.offers.values()))
        agents = [a for a in self.get_json("/master/state").get("slaves", []) if a["id"] == offer["agent_id"]["value"]]
        check(agents and agents[0].get("reserved_resources") == {} and agents[0].get("reserved_resources_full") == {},
              "/master/state reservations after DESTROY and UNRESERVE: %r" % agents)

    def operations_step(self):
        """Every other operation type in one ACCEPT: each must be answered
        (the docs: an operation with an `id` gets UPDATE_OPERATION_STATUS;
        an `id` on LAUNCH or LAUNCH_GROUP is TASK_ERROR), never a silent
        202. RESERVE is carried out (OPERATION_FINISHED, the next offer
        holds the reservation, /master/state shows it), and UNRESERVE gives
        it back; a CREATE without reserved disk, a DESTROY of an unknown
        volume and an UNRESERVE of what is not reserved are OPERATION_ERROR
        (volumes_step carries CREATE and DESTROY out)."""
        self.step("ACCEPT with RESERVE, UNRESERVE, CREATE, DESTROY, LAUNCH_GROUP and a LAUNCH with an id")
        self.wait("an offer", lambda: self.offers)
        offer = next(iter(self.offers.values()))
        del self.offers[offer["id"]["value"]]
        metrics = self.get_json("/metrics/snapshot")
        errors_before = metrics.get("master/operations/error", 0)
        finished_before = metrics.get("master/operations/finished", 0)
        valid_before = metrics.get("master/valid_operation_status_update_acknowledgements", 0) - self.op_acked

        res, op = self.res, self.op

        group = [self.task("docs-group-1", "true", offer), self.task("docs-group-2", "true", offer)]
        executor = {"type": "DEFAULT", "executor_id": {"value": "docs-group"},
                    "framework_id": {"value": self.s.framework_id}, "resources": [res("cpus", 0.1), res("mem", 32.0)]}
        self.call("ACCEPT", {"offer_ids": [offer["id"]], "operations": [
            op("RESERVE", {"resources": [res("cpus", 0.5, reserved=True), res("mem", 64.0, reserved=True)]},
               "op-reserve"),
            op("UNRESERVE", {"resources": [res("cpus", 5.0, reserved=True)]}, "op-unreserve-bad"),
            op("CREATE", {"volumes": [res("disk", 8.0, reserved=True, volume="v1")]}, "op-create"),
            op("DESTROY", {"volumes": [res("disk", 8.0, reserved=True, volume="v1")]}, "op-destroy"),
            op("RESERVE", {"resources": [res("cpus", 0.1, reserved=True)]}),  # no id: no feedback asked
            op("LAUNCH", {"task_infos": [self.task("docs-launch-id", "true", offer)]}, "op-launch"),
            {"type": "LAUNCH_GROUP", "id": {"value": "op-group"},
             "launch_group": {"executor": executor, "task_group": {"tasks": group}}},
        ], "filters": {"refuse_seconds": 0}})
        want = {"op-reserve": "OPERATION_FINISHED", "op-unreserve-bad": "OPERATION_ERROR",
                "op-create": "OPERATION_ERROR", "op-destroy": "OPERATION_ERROR"}
        self.wait("UPDATE_OPERATION_STATUS for %s" % sorted(want), lambda: len(self.op_updates) >= len(want))
        got = {u.get("operation_id", {}).get("value"): u for u in self.op_updates}
        check(sorted(got) == sorted(want) and len(self.op_updates) == len(want),
              "operation updates for %r (asked: %r, once each)" % (sorted(got), sorted(want)))
        for op_id, state in want.items():
            u = got[op_id]
            check(u["state"] == state, "%s answered %r (Mesos: %s)" % (op_id, u, state))
            # Mesos 1.11: the agent's OPERATION_FINISHED carries a uuid (sent
            # until acknowledged); the master's OPERATION_ERROR does not.
            check(("uuid" in u) == (state == "OPERATION_FINISHED"), "operation update and its uuid: %r" % u)
        # Mesos's messages: a CREATE on disk the offers do not hold reserved,
        # a DESTROY of a volume the agent does not have.
        for op_id, kind in (("op-create", "CREATE"), ("op-destroy", "not found"), ("op-unreserve-bad", "unreserve")):
            check(kind in got[op_id].get("message", ""), "%s: %r (a message naming the operation)" % (op_id, got[op_id]))
        check(got["op-reserve"].get("agent_id") == offer["agent_id"], "OPERATION_FINISHED's agent_id: %r" % got["op-reserve"])
        self.wait("TASK_ERROR for the LAUNCH with an id and the LAUNCH_GROUP",
                  lambda: all(self.statuses(t, "TASK_ERROR") for t in ("docs-launch-id", "docs-group-1", "docs-group-2")))
        u = self.statuses("docs-launch-id", "TASK_ERROR")[0]
        check(u.get("reason") == "REASON_TASK_INVALID" and "`id` field" in u.get("message", ""),
              "LAUNCH with an id: %r (Mesos: REASON_TASK_INVALID, the `id` field cannot be set)" % u)
        for t in ("docs-group-1", "docs-group-2"):
            u = self.statuses(t, "TASK_ERROR")[0]
            check(u.get("reason") == "REASON_TASK_GROUP_INVALID" and "`id` field" in u.get("message", ""),
                  "LAUNCH_GROUP with an id, task %s: %r (Mesos: the `id` field cannot be set)" % (t, u))
            check(u.get("source") == "SOURCE_MASTER" and "uuid" not in u, "master's TASK_ERROR: %r" % u)
        metrics = self.get_json("/metrics/snapshot")
        errors, finished = metrics.get("master/operations/error", 0), metrics.get("master/operations/finished", 0)
        check(errors == errors_before + 3, "master/operations/error %r -> %r (3 operations refused)"
              % (errors_before, errors))
        check(finished == finished_before + 2, "master/operations/finished %r -> %r (2 RESERVEs)"
              % (finished_before, finished))
        valid = metrics.get("master/valid_operation_status_update_acknowledgements", 0)
        check(valid == valid_before + self.op_acked,
              "master/valid_operation_status_update_acknowledgements %r -> %r, acknowledged %d"
              % (valid_before, valid, self.op_acked))
        self.step("ACKNOWLEDGE_OPERATION_STATUS: unknown operation 202 (Mesos ignores it), invalid calls 400")
        bogus = {"agent_id": offer["agent_id"], "uuid": "AAAAAAAAAAAAAAAAAAAAAA==", "operation_id": {"value": "nope"}}
        self.call("ACKNOWLEDGE_OPERATION_STATUS", bogus)
        status, body = self.s.call("ACKNOWLEDGE_OPERATION_STATUS", {k: v for k, v in bogus.items() if k != "agent_id"})
        check(status == 400 and b"Expecting 'agent_id' to be present" in body,
              "ACKNOWLEDGE_OPERATION_STATUS without agent_id: %s %r" % (status, body[:200]))
        status, body = self.s.call("ACKNOWLEDGE_OPERATION_STATUS", dict(bogus, uuid="AAAA"))
        check(status == 400 and b"Not a valid UUID" in body,
              "ACKNOWLEDGE_OPERATION_STATUS with a 3-byte uuid: %s %r" % (status, body[:200]))
        metrics = self.get_json("/metrics/snapshot")
        check(metrics.get("master/invalid_operation_status_update_acknowledgements", 0) >= 1,
              "master/invalid_operation_status_update_acknowledgements after an unknown one: %r"
              % metrics.get("master/invalid_operation_status_update_acknowledgements"))

        self.step("the next offer holds the dynamic reservation; /master/state shows it")
        self.wait("an offer with the reservation", lambda: any(self.reserved(o) for o in self.offers.values()))
        offer = next(o for o in self.offers.values() if self.reserved(o))
        del self.offers[offer["id"]["value"]]
        held = self.reserved(offer)
        check(abs(held.get("cpus", 0) - 0.6) < 1e-9 and abs(held.get("mem", 0) - 64.0) < 1e-9,
              "reserved in the offer: %r (reserved: cpus 0.6, mem 64)" % held)
        agents = [a for a in self.get_json("/master/state").get("slaves", []) if a["id"] == offer["agent_id"]["value"]]
        rr = agents[0].get("reserved_resources", {}).get(self.role, {}) if agents else {}
        check(abs(rr.get("cpus", 0) - 0.6) < 1e-9 and abs(rr.get("mem", 0) - 64.0) < 1e-9,
              "/master/state reserved_resources[%s]: %r" % (self.role, rr))

        self.step("UNRESERVE gives the reservation back")
        self.call("ACCEPT", {"offer_ids": [offer["id"]], "operations": [
            op("UNRESERVE", {"resources": [res("cpus", 0.6, reserved=True), res("mem", 64.0, reserved=True)]},
               "op-unreserve")], "filters": {"refuse_seconds": 0}})
        self.wait("UPDATE_OPERATION_STATUS for op-unreserve", lambda: len(self.op_updates) > len(want))
        u = self.op_updates[-1]
        check(u.get("operation_id", {}).get("value") == "op-unreserve" and u["state"] == "OPERATION_FINISHED",
              "UNRESERVE answered %r (Mesos: OPERATION_FINISHED)" % u)
        self.wait("an offer without the reservation",
                  lambda: any(not self.reserved(o) for o in self.offers.values()))
        agents = [a for a in self.get_json("/master/state").get("slaves", []) if a["id"] == offer["agent_id"]["value"]]
        check(agents and agents[0].get("reserved_resources") == {},
              "/master/state reserved_resources after UNRESERVE: %r" % (agents[0].get("reserved_resources") if agents else None))

        self.step("REQUEST and SHUTDOWN of an unknown executor: 202 (Mesos ignores both)")
        self.call("REQUEST", {"requests": [{"agent_id": offer["agent_id"], "resources": [res("cpus", 1.0)]}]})
        self.call("SHUTDOWN", {"executor_id": {"value": "docs-no-such-executor"}, "agent_id": offer["agent_id"]})
        status, body = self.s.call("SHUTDOWN")
        check(status == 400 and b"'shutdown'" in body,
              "SHUTDOWN without its payload: %s %r (Mesos: 400 Expecting 'shutdown' to be present)" % (status, body))

    def group_launch(self, executor_id, tasks, executor_command=None):
        """ACCEPT of one LAUNCH_GROUP on the default executor: tasks are
        (name, command) pairs; with executor_command, on a CUSTOM executor
        running it (its tasks carry no command). The group and its executor need 0.1 cpus and
        32 MB each; the outstanding offers (one agent's: pieces of it may
        come apart while earlier tasks end) are taken together once they
        hold that much."""
        need_cpus, need_mem = 0.1 * (len(tasks) + 1), 32.0 * (len(tasks) + 1)

        def offered(name):
            return sum(r["scalar"]["value"] for o in self.offers.values() for r in o["resources"] if r["name"] == name)
        self.wait("offers of %.1f cpus and %.0f MB" % (need_cpus, need_mem),
                  lambda: offered("cpus") >= need_cpus - 1e-9 and offered("mem") >= need_mem)
        held = list(self.offers.values())
        offer = held[0]
        self.offers.clear()
        res = [{"name": n, "type": "SCALAR", "scalar": {"value": v}} for n, v in (("cpus", 0.1), ("mem", 32.0))]
        if self.multi_role:
            for r in res:
                r["allocation_info"] = {"role": self.role}
        executor = {"type": "DEFAULT", "executor_id": {"value": executor_id},
                    "framework_id": {"value": self.s.framework_id}, "resources": res}
        group = [self.task(name, cmd, offer) for name, cmd in tasks]
        if executor_command:
            executor.update(type="CUSTOM", command={"value": executor_command})
            for t in group:
                del t["command"]
        self.call("ACCEPT", {"offer_ids": [o["id"] for o in held], "operations": [
            {"type": "LAUNCH_GROUP", "launch_group": {"executor": executor, "task_group": {"tasks": group}}}],
            "filters": {"refuse_seconds": 0}})

    @staticmethod
    def stack(r):
        """A resource's `reservations` roles, bottom first."""
        return [e.get("role") for e in r.get("reservations") or []]

    @staticmethod
    def held(offers, stack):
        """cpus and ports the offers hold with exactly this stack, the ports
        as merged ranges: an agent's ports may come back split over several
        offers (a port declined at an ACCEPT is offered again before the
        task holding its neighbour ends)."""
        cpus, ports = 0.0, []
        for o in offers:
            for r in o.get("resources", []):
                if Flow.stack(r) != stack:
                    continue
                if r["name"] == "cpus":
                    cpus += r["scalar"]["value"]
                elif r["name"] == "ports":
                    ports += [(int(g["begin"]), int(g["end"])) for g in r["ranges"]["range"]]
        merged = []
        for begin, end in sorted(ports):
            if merged and begin <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((begin, end))
        return round(cpus, 3), merged

    def resv(self, cpus, ports, stack, alloc_role):
        """cpus and one port range reserved with a stack of DYNAMIC entries
        (role, principal), allocated to alloc_role."""
        entries = [{"type": "DYNAMIC", "role": role, "principal": p} for role, p in stack]
        out = [{"name": "cpus", "type": "SCALAR", "scalar": {"value": cpus}, "reservations": entries},
               {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": ports[0], "end": ports[1]}]},
                "reservations": entries}]
        if self.multi_role:
            for r in out:
                r["allocation_info"] = {"role": alloc_role}
        return out

    def refine_step(self):
        """Reservation refinement and ports (the docs' reservation.md): this
        framework RESERVEs cpus and a port range for its role; a second
        framework, of the subrole ROLE/web, is offered that reservation,
        refines part of it (a RESERVE pushing ROLE/web onto the
        `reservations` stack), sees the stack in its next offer and in
        /master/state, launches a task on the refined cpus and port, and
        UNRESERVEs them back to ROLE's reservation (not to unreserved)."""
        self.step("RESERVE of cpus and ports for %s, then SUPPRESS" % self.role)
        me = self.principal or "docs"
        offers = self.take_offers("an offer with ports", lambda os: any(
            r["name"] == "ports" for o in os for r in o["resources"]))
        first = next(o for o in offers if any(r["name"] == "ports" for r in o["resources"]))
        # 64-bit integers are strings in protobuf's JSON mapping.
        lo = min(int(g["begin"]) for r in first["resources"] if r["name"] == "ports" for g in r["ranges"]["range"])
        since = len(self.op_updates)
        self.call("SUPPRESS", {"roles": [self.role]} if self.multi_role else None)
        self.call("ACCEPT", {"offer_ids": [first["id"]], "operations": [
            self.op("RESERVE", {"resources": self.resv(0.2, (lo, lo + 4), [(self.role, me)], self.role)},
                    "op-reserve-parent")], "filters": {"refuse_seconds": 0}})
        rest = [o["id"] for o in offers if o is not first]
        if rest:
            self.call("DECLINE", {"offer_ids": rest, "filters": {"refuse_seconds": 0}})
        self.op_answers({"op-reserve-parent": "OPERATION_FINISHED"}, since)

        sub_role = self.role + "/web"
        self.step("a framework of %s is offered %s's reservation" % (sub_role, self.role))
        web = Flow(self.host, self.port, self.encoding, self.pb_dir, self.credentials)
        web.role = sub_role
        fi = {"user": getpass.getuser(), "name": "docs-refine-" + self.encoding, "hostname": "localhost"}
        if web.multi_role:
            fi.update(roles=[sub_role], capabilities=[{"type": "MULTI_ROLE"}])
        else:
            fi["role"] = sub_role
        if self.principal:
            fi["principal"] = self.principal
        sub = web.s.subscribe(fi)
        check(sub.status == 200, "SUBSCRIBE of %s answered %s" % (sub_role, sub.status))
        ev = sub.events.get(timeout=STEP_TIMEOUT_S)
        check(ev and ev.get("type") == "SUBSCRIBED", "first event is not SUBSCRIBED: %r" % ev)
        web.s.framework_id = ev["subscribed"]["framework_id"]["value"]
        web.handle(ev)
        parent = [self.role]
        got = web.take_offers("an offer holding %s's reservation" % self.role,
                              lambda os: web.held(os, parent) == (0.2, [(lo, lo + 4)]))
        offer = got[0] if len(got) == 1 else next(o for o in got if web.held([o], parent)[0])

        self.step("RESERVE refining it for %s: the stack [%s, %s]" % (sub_role, self.role, sub_role))
        refined = [self.role, sub_role]
        bad = web.resv(0.1, (lo, lo + 1), [(self.role, me), (self.role + "-other", me)], sub_role)
        good = web.resv(0.1, (lo, lo + 1), [(self.role, me), (sub_role, me)], sub_role)
        web.call("ACCEPT", {"offer_ids": [o["id"] for o in got], "operations": [
            web.op("RESERVE", {"resources": bad}, "op-refine-sideways"),
            web.op("RESERVE", {"resources": good}, "op-refine")], "filters": {"refuse_seconds": 0}})
        ans = web.op_answers({"op-refine-sideways": "OPERATION_ERROR", "op-refine": "OPERATION_FINISHED"}, 0)
        check("is not a refinement of" in ans["op-refine-sideways"].get("message", ""),
              "a sideways refinement: %r (Mesos: Invalid refined reservation: role .. is not a refinement of ..)"
              % ans["op-refine-sideways"])
        got = web.take_offers("an offer with the refined stack",
                              lambda os: web.held(os, refined) == (0.1, [(lo, lo + 1)]))
        check(web.held(got, parent) == (0.1, [(lo + 2, lo + 4)]),
              "what is left of %s's reservation in the offer: %r" % (self.role, web.held(got, parent)))
        for o in got:
            for r in o["resources"]:
                if self.stack(r) == refined:
                    check([e.get("type") for e in r["reservations"]] == ["DYNAMIC", "DYNAMIC"]
                          and r["reservations"][0].get("principal") == me, "a refined resource: %r" % r)
        agents = [a for a in self.get_json("/master/state").get("slaves", [])
                  if a["id"] == got[0]["agent_id"]["value"]]
        rr = agents[0].get("reserved_resources", {}).get(sub_role, {}) if agents else {}
        check(abs(rr.get("cpus", 0) - 0.1) < 1e-9 and rr.get("ports") == "[%d-%d]" % (lo, lo + 1),
              "/master/state reserved_resources[%s]: %r" % (sub_role, rr))
        full = agents[0].get("reserved_resources_full", {}).get(sub_role, []) if agents else []
        check(full and all(self.stack(r) == refined for r in full),
              "/master/state reserved_resources_full[%s]: %r" % (sub_role, full))

        self.step("LAUNCH on the refined cpus and port")
        task = web.task("docs-refined", "true", got[0])
        task["resources"] += [good[0], dict(good[1], ranges={"range": [{"begin": lo, "end": lo}]})]
        web.call("ACCEPT", {"offer_ids": [o["id"] for o in got], "operations": [
            {"type": "LAUNCH", "launch": {"task_infos": [task]}}], "filters": {"refuse_seconds": 0}})
        web.wait("docs-refined TASK_FINISHED", lambda: web.statuses("docs-refined", "TASK_FINISHED"))

        self.step("UNRESERVE pops %s: back to %s's reservation" % (sub_role, self.role))
        got = web.take_offers("the refined resources offered back",
                              lambda os: web.held(os, refined) == (0.1, [(lo, lo + 1)]))
        since = len(web.op_updates)
        web.call("ACCEPT", {"offer_ids": [o["id"] for o in got], "operations": [
            web.op("UNRESERVE", {"resources": good}, "op-unrefine")], "filters": {"refuse_seconds": 0}})
        web.op_answers({"op-unrefine": "OPERATION_FINISHED"}, since)
        web.take_offers("%s's whole reservation again, nothing refined" % self.role,
                        lambda os: web.held(os, parent) == (0.2, [(lo, lo + 4)]) and web.held(os, refined) == (0, []))
        web.call("TEARDOWN")
        web.s.close()

        self.step("REVIVE, then UNRESERVE of %s's cpus and ports" % self.role)
        self.call("REVIVE", {"roles": [self.role]} if self.multi_role else None)
        got = self.take_offers("the reservation offered back", lambda os: self.held(os, parent) == (0.2, [(lo, lo + 4)]))
        since = len(self.op_updates)
        self.call("ACCEPT", {"offer_ids": [o["id"] for o in got], "operations": [
            self.op("UNRESERVE", {"resources": self.resv(0.2, (lo, lo + 4), [(self.role, me)], self.role)},
                    "op-unreserve-parent")], "filters": {"refuse_seconds": 0}})
        self.op_answers({"op-unreserve-parent": "OPERATION_FINISHED"}, since)
        agents = [a for a in self.get_json("/master/state").get("slaves", []) if a["id"] == got[0]["agent_id"]["value"]]
        check(agents and agents[0].get("reserved_resources") == {},
              "/master/state reserved_resources after the UNRESERVEs: %r" % (agents[0] if agents else None))

    def task_group_step(self):
        """LAUNCH_GROUP on the default executor (the docs): the tasks run
        together, each with its own updates naming the executor; when one
        fails the others are killed; a KILL of one kills the group; the
        executor's end comes as FAILURE."""
        self.step("LAUNCH_GROUP: two tasks finish; one fails and takes its group; a KILL takes its group; "
                  "two groups on one executor")
        self.group_launch("docs-g1", [("docs-g1-a", "true"), ("docs-g1-b", "true")])
        self.wait("both tasks of docs-g1 TASK_FINISHED",
                  lambda: all(self.statuses(t, "TASK_FINISHED") for t in ("docs-g1-a", "docs-g1-b")))
        for t in ("docs-g1-a", "docs-g1-b"):
            u = self.statuses(t, "TASK_FINISHED")[0]
            check(u.get("executor_id", {}).get("value") == "docs-g1",
                  "a group task's update names executor %r, not docs-g1: %r" % (u.get("executor_id"), u))
        self.group_launch("docs-g2", [("docs-g2-fails", "exit 3"), ("docs-g2-sleeps", "sleep 60")])
        self.wait("docs-g2-fails TASK_FAILED and docs-g2-sleeps TASK_KILLED",
                  lambda: self.statuses("docs-g2-fails", "TASK_FAILED") and self.statuses("docs-g2-sleeps", "TASK_KILLED"))
        self.group_launch("docs-g3", [("docs-g3-a", "sleep 60"), ("docs-g3-b", "sleep 60")])
        self.wait("docs-g3's tasks RUNNING",
                  lambda: all(self.statuses(t, "TASK_RUNNING") for t in ("docs-g3-a", "docs-g3-b")))
        execs = [e.get("id") for e in self.get_json("/state").get("executors", [])]
        check("docs-g3" in execs, "Meso's /state lists no executor docs-g3 while its group runs: %r" % execs)
        self.call("KILL", {"task_id": {"value": "docs-g3-a"}})
        self.wait("both tasks of docs-g3 TASK_KILLED after a KILL of one",
                  lambda: all(self.statuses(t, "TASK_KILLED") for t in ("docs-g3-a", "docs-g3-b")))
        # Two groups on one executor: the rules are per group (the default
        # executor kills the rest of the failed task's group, not its other
        # groups).
        self.group_launch("docs-g4", [("docs-g4-a1", "sleep 60"), ("docs-g4-a2", "sleep 60")])
        self.wait("docs-g4's first group RUNNING",
                  lambda: all(self.statuses(t, "TASK_RUNNING") for t in ("docs-g4-a1", "docs-g4-a2")))
        self.group_launch("docs-g4", [("docs-g4-b-fails", "exit 3"), ("docs-g4-b-sleeps", "sleep 60")])
        self.wait("docs-g4-b-fails TASK_FAILED and docs-g4-b-sleeps TASK_KILLED",
                  lambda: self.statuses("docs-g4-b-fails", "TASK_FAILED") and
                  self.statuses("docs-g4-b-sleeps", "TASK_KILLED"))
        self.drain()
        for t in ("docs-g4-a1", "docs-g4-a2"):
            ended = [u["state"] for u in self.statuses(t) if u["state"] not in ("TASK_STARTING", "TASK_RUNNING")]
            check(not ended, "%s of docs-g4's first group went %r when a task of its second group failed" % (t, ended))
        self.call("KILL", {"task_id": {"value": "docs-g4-a1"}})
        self.wait("both tasks of docs-g4's first group TASK_KILLED after a KILL of one",
                  lambda: all(self.statuses(t, "TASK_KILLED") for t in ("docs-g4-a1", "docs-g4-a2")))
        # The executors end with their groups: their resources freed, gone
        # from Meso's /state (its own view; /master/state lists none).
        self.wait("the default executors gone from /state", lambda: not [
            e for e in self.get_json("/state").get("executors", []) if e.get("id", "").startswith("docs-g")])

        # On a custom executor (the executor API docs: the group comes in one
        # LAUNCH_GROUP event; the executor sends each task's updates):
        # docs_executor.py, also written from the docs alone, speaking this
        # flow's encoding to the agent and telling us in a MESSAGE what its
        # event held. It outlives its tasks; the scheduler's SHUTDOWN ends it.
        self.step("LAUNCH_GROUP on a custom executor: one event, both tasks finish; SHUTDOWN ends the executor")
        here = os.path.dirname(os.path.abspath(__file__))
        self.group_launch("docs-cg", [("docs-cg-a", None), ("docs-cg-b", None)],
                          executor_command="exec %s %s %s %s" % (sys.executable, os.path.join(here, "docs_executor.py"),
                                                                self.encoding, self.pb_dir))
        self.wait("both tasks of docs-cg TASK_FINISHED",
                  lambda: all(self.statuses(t, "TASK_FINISHED") for t in ("docs-cg-a", "docs-cg-b")))
        notes = [mc.b64decode(m["data"]) for m in self.messages if m["executor_id"]["value"] == "docs-cg"]
        check(notes == [b"LAUNCH_GROUP docs-cg-a docs-cg-b executor=docs-cg"],
              "what docs-cg's events held (its MESSAGEs): %r (the docs: one LAUNCH_GROUP with both tasks, "
              "each with the group's executor)" % notes)
        for t in ("docs-cg-a", "docs-cg-b"):
            u = self.statuses(t, "TASK_FINISHED")[0]
            check(u.get("executor_id", {}).get("value") == "docs-cg" and u.get("source") == "SOURCE_EXECUTOR",
                  "a custom executor's group task's update: %r" % u)
        agent = self.statuses("docs-cg-a", "TASK_FINISHED")[0]["agent_id"]
        self.call("SHUTDOWN", {"executor_id": {"value": "docs-cg"}, "agent_id": agent})
        self.wait("docs-cg gone from /state after SHUTDOWN", lambda: not [
            e for e in self.get_json("/state").get("executors", []) if e.get("id") == "docs-cg"])

    def update_framework_step(self, fi):
        """UPDATE_FRAMEWORK (the docs: 200 OK; FrameworkInfo changed in place,
        the user and principal may not change; offers then come for the new
        role)."""
        self.step("UPDATE_FRAMEWORK: a new name and role, then a refused change of user")
        new = dict(fi, id={"value": self.s.framework_id}, name=fi["name"] + "-renamed")
        if self.multi_role:
            new["roles"] = [self.role + "-2"]
        else:
            new["role"] = self.role + "-2"
        self.call("UPDATE_FRAMEWORK", {"framework_info": new}, expect=200)
        self.role += "-2"
        self.offers.clear()  # the old role's offers are rescinded
        fws = self.framework_in_state(self.get_json("/master/state"))
        check(fws and fws[0].get("name") == new["name"] and fws[0].get("role") == self.role,
              "/master/state after UPDATE_FRAMEWORK: %r" % fws)
        self.wait("an offer for the new role %s" % self.role, lambda: self.offers)
        status, body = self.s.call("UPDATE_FRAMEWORK", {"framework_info": dict(new, user=new["user"] + "-other")})
        check(status == 400 and b"FrameworkInfo.user" in body,
              "UPDATE_FRAMEWORK changing the user: %s %r (the docs: 400, the user cannot change)" % (status, body))

    def offers_of(self, role):
        return [o for o in self.offers.values() if o.get("allocation_info", {}).get("role") == role]

    def multi_role_step(self, fi):
        """MULTI_ROLE (JSON flow): a second role added by UPDATE_FRAMEWORK gets
        offers of its own, which say so; a task launched on one is charged to
        it; SUPPRESS and REVIVE name one role; a role holding a task may be
        dropped (the task keeps it until it ends, as in Mesos)."""
        if not self.multi_role:
            return
        self.step("MULTI_ROLE: a second role, offers for it, a task in it, SUPPRESS/REVIVE per role")
        second = self.role + "-b"
        info = dict(fi, id={"value": self.s.framework_id}, roles=[self.role, second])
        info.pop("role", None)
        self.call("UPDATE_FRAMEWORK", {"framework_info": info}, expect=200)
        self.other_roles = [second]
        fws = self.framework_in_state(self.get_json("/master/state"))
        check(fws and fws[0].get("roles") == [self.role, second] and fws[0].get("role") == self.role,
              "/master/state roles after adding %s: %r" % (second, fws))
        # The first role suppressed and its offers declined: the agent goes to the second.
        self.call("SUPPRESS", {"roles": [self.role]})
        ids = [o["id"] for o in self.offers_of(self.role)]
        for o in ids:
            del self.offers[o["value"]]
        if ids:
            self.call("DECLINE", {"offer_ids": ids, "filters": {"refuse_seconds": 0}})
        self.wait("an offer for role %s" % second, lambda: self.offers_of(second))
        offer = self.offers_of(second)[0]
        del self.offers[offer["id"]["value"]]
        self.call("ACCEPT", {"offer_ids": [offer["id"]], "operations": [
            {"type": "LAUNCH", "launch": {"task_infos": [self.task("docs-role-b", "sleep 30", offer)]}}],
            "filters": {"refuse_seconds": 0}})
        self.wait("docs-role-b TASK_RUNNING", lambda: self.statuses("docs-role-b", "TASK_RUNNING"))
        fw = self.framework_in_state(self.get_json("/master/state"))
        t = [x for x in (fw[0].get("tasks", []) if fw else []) if x.get("id") == "docs-role-b"]
        check(t and t[0].get("role") == second, "/master/state task of role %s: %r" % (second, t))
        # Dropping the role while its task runs (Mesos: allowed; the task
        # keeps the role's allocation until it ends, the role gets no offers).
        self.call("UPDATE_FRAMEWORK", {"framework_info": dict(info, roles=[self.role])}, expect=200)
        self.other_roles = []
        for o in [o for o in self.offers.values() if o.get("allocation_info", {}).get("role") == second]:
            del self.offers[o["id"]["value"]]  # rescinded with the role
        fw = self.framework_in_state(self.get_json("/master/state"))
        t = [x for x in (fw[0].get("tasks", []) if fw else []) if x.get("id") == "docs-role-b"]
        check(fw and fw[0].get("roles") == [self.role] and t and t[0].get("role") == second,
              "/master/state after dropping %s while its task runs: roles %r, task %r"
              % (second, fw and fw[0].get("roles"), t))
        self.call("KILL", {"task_id": {"value": "docs-role-b"}, "agent_id": offer["agent_id"]})
        self.wait("docs-role-b TASK_KILLED", lambda: self.statuses("docs-role-b", "TASK_KILLED"))
        roles = self.get_json("/roles").get("roles", [])
        check(not [r for r in roles if r.get("name") == second and self.s.framework_id in r.get("frameworks", [])],
              "/roles after the dropped role's last task: %r (the framework leaves %s)" % (roles, second))
        self.call("REVIVE", {"roles": [self.role]})
        self.wait("an offer for role %s after its REVIVE" % self.role, lambda: self.offers_of(self.role))

    # --------------------------------------------------------------- flow

    def run(self):
        self.step("SUBSCRIBE")
        fi = {"user": getpass.getuser(), "name": "docs-scheduler-" + self.encoding, "failover_timeout": 30.0,
              "hostname": "localhost"}
        if self.multi_role:
            fi["roles"] = [self.role]
            fi["capabilities"] = [{"type": "MULTI_ROLE"}]
        else:
            fi["role"] = self.role
        if self.principal:
            fi["principal"] = self.principal
            self.step("SUBSCRIBE without credentials: 401")
            sub = self.s.subscribe(fi, anonymous=True)
            challenge = sub.response.getheader("WWW-Authenticate") or ""
            check(sub.status == 401 and challenge.startswith("Basic realm="),
                  "an anonymous SUBSCRIBE answered %s, WWW-Authenticate %r (the docs: 401, a Basic challenge)"
                  % (sub.status, challenge))
            self.s.close()
            self.step("SUBSCRIBE as %s" % self.principal)
        sub = self.s.subscribe(fi)
        check(sub.status == 200, "SUBSCRIBE answered %s %r" % (sub.status, getattr(sub, "body", b"")[:200]))
        check(sub.chunked, "SUBSCRIBE stream is not Transfer-Encoding: chunked")
        check(sub.content_type == self.s.codec.media_type,
              "stream Content-Type %r, asked for %s" % (sub.content_type, self.s.codec.media_type))
        check(sub.stream_id and len(sub.stream_id) <= 128, "Mesos-Stream-Id header: %r" % sub.stream_id)
        first = sub.events.get(timeout=STEP_TIMEOUT_S)
        check(first and first.get("type") == "SUBSCRIBED", "first event is not SUBSCRIBED: %r" % first)
        subd = first["subscribed"]
        check(subd.get("framework_id", {}).get("value"), "SUBSCRIBED without framework_id: %r" % first)
        self.s.framework_id = subd["framework_id"]["value"]
        interval = subd.get("heartbeat_interval_seconds")
        check(isinstance(interval, (int, float)) and interval > 0, "heartbeat_interval_seconds: %r" % interval)
        mi = subd.get("master_info")
        check(mi and mi.get("id") and mi.get("port") == self.port, "SUBSCRIBED master_info: %r" % mi)
        self.handle(first)
        # The docs: HEARTBEAT right after SUBSCRIBED, then one every interval.
        self.pump(STEP_TIMEOUT_S)
        check(self.events_seen[1:2] == ["HEARTBEAT"], "second event is not HEARTBEAT: %r" % self.events_seen)
        self.wait("a HEARTBEAT one interval (%ss) later" % interval, lambda: self.heartbeats >= 2, 2 * interval + 2)
        fws = self.framework_in_state(self.get_json("/master/state"))
        check(len(fws) == 1 and fws[0].get("active") is True and fws[0].get("name") == fi["name"],
              "/master/state frameworks[] for %s: %r" % (self.s.framework_id, fws))

        self.step("OFFERS, then ACCEPT with a LAUNCH of two command tasks")
        self.wait("an offer", lambda: self.offers)
        offer = next(iter(self.offers.values()))
        agent = offer["agent_id"]
        self.agent_cpus = sum(r["scalar"]["value"] for r in offer["resources"] if r["name"] == "cpus")
        slaves = [a.get("id") for a in self.get_json("/master/state").get("slaves", [])]
        check(agent["value"] in slaves, "offer agent %s not in /master/state slaves %r" % (agent["value"], slaves))
        del self.offers[offer["id"]["value"]]
        self.call("ACCEPT", {
            "offer_ids": [offer["id"]],
            "operations": [{"type": "LAUNCH", "launch": {"task_infos": [
                self.task("docs-true", "true", offer), self.task("docs-sleep", "sleep 30", offer)]}}],
            # No filter on the rest: it may come back at the next pass.
            "filters": {"refuse_seconds": 0},
        })

        self.step("UPDATEs STARTING, RUNNING, FINISHED, each acknowledged")
        self.wait("docs-true TASK_FINISHED and docs-sleep TASK_RUNNING",
                  lambda: self.statuses("docs-true", "TASK_FINISHED") and self.statuses("docs-sleep", "TASK_RUNNING"))
        # Updates are at least once (the docs): an update the agent retried
        # before the acknowledgement reached it comes again with its uuid.
        seen, seq = set(), []
        for u in self.statuses("docs-true"):
            if u["uuid"] not in seen:
                seen.add(u["uuid"])
                seq.append(u["state"])
        check(seq == ["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"], "docs-true went %r" % seq)
        for u in self.updates:
            check(u["state"] in AGENT_STATES, "unexpected update %r" % u)
            check("uuid" in u, "an agent's update without a uuid (nothing to acknowledge): %r" % u)
            check(u.get("agent_id") == agent, "update agent_id %r, offer's %r" % (u.get("agent_id"), agent))
            check(isinstance(u.get("timestamp"), (int, float)), "update without a timestamp: %r" % u)
            check(u.get("source") in ("SOURCE_EXECUTOR", "SOURCE_AGENT"), "agent update source: %r" % u)
        check(self.acked == len(self.updates), "not every update acknowledged")
        fw = self.framework_in_state(self.get_json("/master/state"))
        tasks = {t.get("id"): t for t in (fw[0].get("tasks", []) if fw else [])}
        t = tasks.get("docs-sleep", {})
        check(t.get("state") == "TASK_RUNNING" and t.get("slave_id") == agent["value"],
              "/master/state tasks[] of the framework: %r" % list(tasks.values()))

        self.step("RECONCILE, explicit then implicit")
        n = len(self.updates)
        self.call("RECONCILE", {"tasks": [{"task_id": {"value": "docs-sleep"}, "agent_id": agent}]})
        recon = lambda: self.statuses("docs-sleep", reason="REASON_RECONCILIATION")  # noqa: E731
        self.wait("an explicit reconciliation update of docs-sleep", lambda: len(recon()) >= 1)
        u = recon()[0]
        check(u["state"] == "TASK_RUNNING", "docs-sleep reconciled as %r" % u)
        check("uuid" not in u, "a reconciliation update with a uuid (the docs: none): %r" % u)
        check(u.get("source") == "SOURCE_MASTER", "reconciliation update source: %r" % u)
        # A task the master never heard of, on a known agent: TASK_LOST for a
        # framework that is not PARTITION_AWARE (TASK_GONE otherwise).
        self.call("RECONCILE", {"tasks": [{"task_id": {"value": "docs-never"}, "agent_id": agent}]})
        self.wait("a reconciliation update of an unknown task", lambda: self.statuses("docs-never"))
        u = self.statuses("docs-never")[0]
        check(u["state"] == "TASK_LOST" and u.get("reason") == "REASON_RECONCILIATION",
              "unknown task reconciled as %r (the docs: TASK_LOST, REASON_RECONCILIATION)" % u)
        self.call("RECONCILE", {"tasks": []})
        self.wait("an implicit reconciliation update of docs-sleep", lambda: len(recon()) >= 2)
        check(all(x.get("reason") == "REASON_RECONCILIATION" for x in self.updates[n:]),
              "non-reconciliation updates while reconciling: %r" % self.updates[n:])

        self.step("KILL docs-sleep")
        self.call("KILL", {"task_id": {"value": "docs-sleep"}, "agent_id": agent})
        self.wait("docs-sleep TASK_KILLED", lambda: self.statuses("docs-sleep", "TASK_KILLED"))

        self.operations_step()
        self.volumes_step()
        self.task_group_step()
        self.refine_step()

        self.step("DECLINE the agent's whole offer with refuse_seconds 3600")
        # A filter covers the resources of the offer declined (the docs:
        # only offers within refused resources are filtered), so decline the
        # pieces with no filter and wait for one offer of the whole agent.
        self.wait("offers of all the agent's %s cpus" % self.agent_cpus,
                  lambda: abs(self.offered_cpus() - self.agent_cpus) < 1e-6)
        if len(self.offers) > 1:
            ids = [o["id"] for o in self.offers.values()]
            self.offers.clear()
            self.call("DECLINE", {"offer_ids": ids, "filters": {"refuse_seconds": 0}})
            self.wait("one offer of the whole agent after a DECLINE with refuse_seconds 0",
                      lambda: abs(self.offered_cpus() - self.agent_cpus) < 1e-6)
        check(len(self.offers) == 1, "the agent's resources came in %d offers" % len(self.offers))
        ids = [o["id"] for o in self.offers.values()]
        self.offers.clear()
        self.call("DECLINE", {"offer_ids": ids, "filters": {"refuse_seconds": 3600.0}})
        self.no_offers_for(3, "while a 3600 s DECLINE filter holds")
        fw = self.framework_in_state(self.get_json("/master/state"))
        check(fw and not fw[0].get("offers"), "/master/state lists offers of the declined framework: %r" % fw)

        self.step("REVIVE clears the filter")
        self.call("REVIVE", {"roles": [self.role]} if self.multi_role else None)
        self.wait("offers again after REVIVE", lambda: abs(self.offered_cpus() - self.agent_cpus) < 1e-6)

        self.step("SUPPRESS, then DECLINE with no filter: still no offers")
        self.call("SUPPRESS", {"roles": [self.role]} if self.multi_role else None)
        ids = [o["id"] for o in self.offers.values()]
        self.offers.clear()
        self.call("DECLINE", {"offer_ids": ids, "filters": {"refuse_seconds": 0}})
        self.no_offers_for(3, "to a suppressed framework")

        self.step("REVIVE of a role not subscribed: dropped (202), still no offers; then REVIVE")
        self.call("REVIVE", {"roles": ["docs-not-subscribed"]})
        self.no_offers_for(3, "after a REVIVE of a role the framework is not subscribed to (Mesos drops it)")
        self.call("REVIVE", {"roles": [self.role]} if self.multi_role else None)
        self.wait("offers again after REVIVE", lambda: self.offers)

        self.update_framework_step(fi)
        self.multi_role_step(fi)

        for u in self.updates:
            master_answer = u.get("source") == "SOURCE_MASTER" and (
                u.get("reason") == "REASON_RECONCILIATION" or u["state"] == "TASK_ERROR")
            check("uuid" in u or master_answer,
                  "an update without a uuid that is no reconciliation answer or master's TASK_ERROR: %r" % u)
        self.step("TEARDOWN")
        active_before = self.get_json("/metrics/snapshot").get("master/frameworks_active")
        self.call("TEARDOWN")
        self.wait("the stream to close after TEARDOWN", lambda: self.s.sub.closed.is_set(), 5)
        self.drain()
        state = self.get_json("/master/state")
        check(not self.framework_in_state(state), "framework still in /master/state frameworks[] after TEARDOWN")
        done = [f.get("id") for f in state.get("completed_frameworks", [])]
        check(not done or self.s.framework_id in done, "completed_frameworks %r lacks ours" % done)
        active_after = self.get_json("/metrics/snapshot").get("master/frameworks_active")
        check(active_after == active_before - 1, "master/frameworks_active %r -> %r" % (active_before, active_after))
        status, body = self.s.call("REVIVE")
        check(status == 400 and b"Framework cannot be found" in body,
              "a call after TEARDOWN: %s %r (the docs: 400 Framework cannot be found)" % (status, body[:200]))

        self.step("SUBSCRIBE again with the removed id: ERROR")
        fi["id"] = {"value": self.s.framework_id}
        self.s.close()
        sub = self.s.subscribe(fi, self.s.framework_id)
        check(sub.status == 200, "re-SUBSCRIBE answered %s" % sub.status)
        ev = sub.events.get(timeout=STEP_TIMEOUT_S)
        check(ev and ev.get("type") == "ERROR" and "removed" in ev.get("error", {}).get("message", ""),
              "re-SUBSCRIBE of a removed framework: %r (the docs: ERROR Framework has been removed)" % ev)
        check(sub.closed.wait(5), "the stream stays open after the ERROR")
        self.s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--master", required=True, help="HOST:PORT")
    ap.add_argument("--encoding", choices=("json", "protobuf"), required=True)
    ap.add_argument("--pb-dir", help="where protoc wrote mesos_pb2.py and scheduler_pb2.py")
    ap.add_argument("--credentials", help="PRINCIPAL:SECRET, sent as HTTP Basic")
    a = ap.parse_args()
    host, port = a.master.rsplit(":", 1)
    flow = Flow(host, int(port), a.encoding, a.pb_dir, a.credentials)
    t0 = time.monotonic()
    try:
        flow.run()
    except Exception as e:  # noqa: BLE001 — any failure is reported with its step
        print("FAIL [%s] %s: %s: %s" % (a.encoding, flow.step_name, type(e).__name__, e), file=sys.stderr)
        print("events seen: %s" % " ".join(flow.events_seen[-40:]), file=sys.stderr)
        return 1
    print("docs-scheduler[%s]: PASS in %.1f s (%d updates, %d acknowledged, %d offer events, %d heartbeats)"
          % (a.encoding, time.monotonic() - t0, len(flow.updates), flow.acked, flow.offer_events, flow.heartbeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())

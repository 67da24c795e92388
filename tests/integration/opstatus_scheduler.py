#!/usr/bin/env python3
# opstatus_scheduler.py — the framework side of the operation-status part of
# test_quota_failover.sh, in JSON over the v1 scheduler API (standard
# library only).
#   reserve MASTER_PORT: subscribes (role db, a long failover_timeout),
#     RESERVEs 0.1 cpus with operation id "r1" and does NOT acknowledge its
#     OPERATION_FINISHED; prints "FRAMEWORK <id>" and "UUID <base64>", exits.
#   ack MASTER_PORT FRAMEWORK_ID UUID: subscribes again as that framework
#     (as after a master failover), waits for r1's OPERATION_FINISHED with
#     that same uuid, acknowledges it and prints "ACKED".
# Exits 1 with "FAIL: ..." when a step does not happen within 30 s.
import http.client
import json
import queue
import sys
import threading
import time

from simple_framework import read_records

MODE, PORT = sys.argv[1], int(sys.argv[2])
events = queue.Queue()


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def subscribe(fid=None):
    info = {"user": "root", "name": "opstatus-it", "role": "db", "failover_timeout": 3600}
    call = {"type": "SUBSCRIBE", "subscribe": {"framework_info": info}}
    if fid:
        info["id"] = {"value": fid}
        call["framework_id"] = {"value": fid}
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("POST", "/api/v1/scheduler", json.dumps(call),
                 {"Content-Type": "application/json", "Accept": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        fail("SUBSCRIBE: %d %s" % (resp.status, resp.read()))
    threading.Thread(target=read_records, args=(resp, events), daemon=True).start()
    return resp.getheader("Mesos-Stream-Id"), next_event("SUBSCRIBED")["subscribed"]["framework_id"]["value"]


def next_event(kind):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            ev = events.get(timeout=deadline - time.time())
        except queue.Empty:
            break
        if ev is None:
            fail("the event stream ended before " + kind)
        if ev["type"] == kind:
            return ev
    fail("no %s within 30 s" % kind)


def post(stream, body):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    conn.request("POST", "/api/v1/scheduler", json.dumps(body),
                 {"Content-Type": "application/json", "Mesos-Stream-Id": stream})
    resp = conn.getresponse()
    text = resp.read().decode()
    if resp.status != 202:
        fail("%s: %d %s" % (body["type"], resp.status, text))


if MODE == "reserve":
    stream, fid = subscribe()
    offer = next_event("OFFERS")["offers"]["offers"][0]
    cpus = {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1},
            "reservations": [{"type": "DYNAMIC", "role": "db"}]}
    post(stream, {"framework_id": {"value": fid}, "type": "ACCEPT",
                  "accept": {"offer_ids": [offer["id"]],
                             "operations": [{"type": "RESERVE", "id": {"value": "r1"},
                                             "reserve": {"resources": [cpus]}}]}})
    st = next_event("UPDATE_OPERATION_STATUS")["update_operation_status"]["status"]
    if st["state"] != "OPERATION_FINISHED" or "uuid" not in st:
        fail("RESERVE r1: %s" % json.dumps(st))
    print("FRAMEWORK " + fid)
    print("UUID " + st["uuid"]["value"], flush=True)
else:
    fid, uuid = sys.argv[3], sys.argv[4]
    stream, _ = subscribe(fid)
    while True:
        st = next_event("UPDATE_OPERATION_STATUS")["update_operation_status"]["status"]
        if st.get("operation_id", {}).get("value") == "r1":
            break
    if st["state"] != "OPERATION_FINISHED" or st.get("uuid", {}).get("value") != uuid:
        fail("r1 sent again by the new leader as %s, not with uuid %s" % (json.dumps(st), uuid))
    post(stream, {"framework_id": {"value": fid}, "type": "ACKNOWLEDGE_OPERATION_STATUS",
                  "acknowledge_operation_status": {"agent_id": st["agent_id"], "uuid": uuid,
                                                   "operation_id": {"value": "r1"}}})
    print("ACKED", flush=True)

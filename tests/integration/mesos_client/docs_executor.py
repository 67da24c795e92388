#!/usr/bin/env python3
"""docs_executor.py ENCODING [PB_DIR] — a custom executor written from the
Mesos "Executor HTTP API" docs and the v1 executor.proto alone, for the task
group step of docs_flow.py. It SUBSCRIBEs to $MESOS_AGENT_ENDPOINT in JSON
or protobuf (ENCODING; protobuf messages compiled by protoc from this
folder's .proto files into PB_DIR), says what each LAUNCH or LAUNCH_GROUP
event held in a MESSAGE call to its framework ("LAUNCH_GROUP <task ids>
executor=<the tasks' executor ids>"), runs each task at once (TASK_RUNNING,
then TASK_FINISHED, each update with a fresh uuid), and exits on SHUTDOWN or
when its stream ends. Any call refused makes it exit 1 (the tasks' updates
then never come, and the flow says so).
"""
import base64
import http.client
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mesos_client as mc  # noqa: E402

PATH = "/api/v1/executor"


def main():
    codec = mc.Codec(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None, api="executor")
    host, port = os.environ["MESOS_AGENT_ENDPOINT"].rsplit(":", 1)
    ids = {"framework_id": {"value": os.environ["MESOS_FRAMEWORK_ID"]},
           "executor_id": {"value": os.environ["MESOS_EXECUTOR_ID"]}}

    def call(body):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("POST", PATH, body=codec.encode_call(dict(ids, **body)),
                     headers={"Content-Type": codec.media_type})
        resp = conn.getresponse()
        text = resp.read()
        conn.close()
        if resp.status != 202:
            sys.exit("%s call answered %d %r" % (body["type"], resp.status, text))

    def update(task, state):
        call({"type": "UPDATE", "update": {"status": {
            "task_id": task["task_id"], "state": state, "source": "SOURCE_EXECUTOR",
            "executor_id": ids["executor_id"], "uuid": base64.b64encode(uuid.uuid4().bytes).decode()}}})

    sub = mc.Subscription(host, int(port), codec, dict(ids, type="SUBSCRIBE", subscribe={}), timeout_s=120,
                          path=PATH)
    if sub.status != 200:
        sys.exit("SUBSCRIBE answered %d %r" % (sub.status, sub.body))
    while True:
        ev = sub.events.get()
        if ev is None:
            return 0
        kind = ev.get("type")
        if kind in ("LAUNCH", "LAUNCH_GROUP"):
            tasks = [ev["launch"]["task"]] if kind == "LAUNCH" else ev["launch_group"]["task_group"]["tasks"]
            execs = sorted({t.get("executor", {}).get("executor_id", {}).get("value", "") for t in tasks})
            note = "%s %s executor=%s" % (kind, " ".join(t["task_id"]["value"] for t in tasks), ",".join(execs))
            call({"type": "MESSAGE", "message": {"data": base64.b64encode(note.encode()).decode()}})
            for t in tasks:
                update(t, "TASK_RUNNING")
                update(t, "TASK_FINISHED")
        elif kind == "SHUTDOWN":
            return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""health_scheduler.py MASTER_PORT WORK — the framework side of
test_health.sh: command tasks with TaskInfo.health_check (Mesos's fields).

  h1  COMMAND `test -f ok`, 60 s grace: failures before the task made `ok`
      are not reported; then TASK_RUNNING healthy=true
      (REASON_TASK_HEALTH_CHECK_STATUS_UPDATED); once told (a file in WORK)
      it removes `ok`: healthy=false, then killed after consecutive_failures
      (2): TASK_KILLED, healthy=false, saying why.
  h2  HTTP to a server the task runs (60 s grace while it starts):
      healthy=true; a KILL ends it.
  h3  TCP to a port nothing listens on, grace 0, consecutive_failures 1:
      unhealthy and killed at the first check.
  h4  HTTP with scheme https: TASK_ERROR "Task uses invalid health check".

Prints one line per check; exits 0 when all hold, 1 with "FAIL: ..." otherwise.
"""
import os
import socket
import sys

from simple_framework import Framework, fail

PORT = int(sys.argv[1])
WORK = sys.argv[2]
FAST = {"delay_seconds": 0, "interval_seconds": 0.2, "timeout_seconds": 5, "grace_period_seconds": 0}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def health_updates(fw, tid):
    return [s for s, _ in fw.updates.get(tid, [])
            if s["state"] == "TASK_RUNNING" and s.get("reason") == "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED"]


def main():
    fw = Framework(PORT, "health-it")
    go = os.path.join(WORK, "go-h1")
    # A grace period: the checks that run before the task made `ok` are
    # not counted (Mesos's rule until the first success).
    fw.launch([("h1", {"health_check": dict(FAST, type="COMMAND", consecutive_failures=2, grace_period_seconds=60,
                                              command={"value": "test -f ok"})},
                {"value": "touch ok; while [ ! -e %s ]; do sleep 0.05; done; rm ok; exec sleep 600" % go})])
    fw.wait("h1 healthy", lambda: any(s.get("healthy") is True for s in health_updates(fw, "h1")))
    first = health_updates(fw, "h1")[0]
    if first.get("healthy") is not True:
        fail("h1's first health update: %s" % first)
    print("h1: TASK_RUNNING healthy=true (%s)" % first.get("message"), flush=True)
    open(go, "w").close()
    fw.wait("h1 killed by its health check", lambda: "TASK_KILLED" in fw.states("h1"))
    unhealthy = [s for s in health_updates(fw, "h1") if s.get("healthy") is False]
    end = fw.status("h1", "TASK_KILLED")
    if not unhealthy or "exited with status 1" not in unhealthy[0].get("message", ""):
        fail("h1: no unhealthy update naming the failure: %s" % health_updates(fw, "h1"))
    if end.get("healthy") is not False or "health check failed" not in end.get("message", ""):
        fail("h1's TASK_KILLED does not say it was unhealthy: %s" % end)
    print("h1: unhealthy, then TASK_KILLED healthy=false (%s)" % end["message"], flush=True)

    port = free_port()
    fw.launch([("h2", {"health_check": dict(FAST, type="HTTP", grace_period_seconds=60,
                                              http={"port": port, "path": "/", "statuses": [200]})},
                {"value": "exec python3 -m http.server %d --bind 127.0.0.1" % port})])
    fw.wait("h2 healthy", lambda: any(s.get("healthy") is True for s in health_updates(fw, "h2")))
    fw.kill("h2")
    fw.wait("h2 killed", lambda: "TASK_KILLED" in fw.states("h2"))
    if any(s.get("healthy") is False for s in health_updates(fw, "h2")):
        fail("h2 was reported unhealthy: %s" % health_updates(fw, "h2"))
    print("h2: HTTP check healthy against the task's own server", flush=True)

    fw.launch([("h3", {"health_check": dict(FAST, type="TCP", consecutive_failures=1, tcp={"port": free_port()})},
                {"value": "exec sleep 600"})])
    fw.wait("h3 killed", lambda: "TASK_KILLED" in fw.states("h3"))
    bad = [s for s in health_updates(fw, "h3") if s.get("healthy") is False]
    if not bad or "cannot connect" not in bad[0].get("message", ""):
        fail("h3: %s" % fw.updates.get("h3"))
    print("h3: TCP check failed (%s); killed" % bad[0]["message"], flush=True)

    fw.launch([("h4", {"health_check": dict(FAST, type="HTTP", http={"port": 80, "scheme": "https"})},
                {"value": "true"})])
    fw.wait("h4 refused", lambda: "TASK_ERROR" in fw.states("h4"))
    msg = fw.status("h4", "TASK_ERROR").get("message", "")
    if "Task uses invalid health check" not in msg:
        fail("h4: %s" % msg)
    print("h4: %s" % msg, flush=True)
    print("PASS", flush=True)


if __name__ == "__main__":
    main()

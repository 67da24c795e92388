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
  h4  HTTPS to a TLS server the task runs with a throwaway self-signed
      certificate (WORK/cert.pem, key.pem): healthy (not verified, as
      Mesos's curl -k).
  h5  HTTP over IPv6 ([::1]) to the task's server: healthy.
  h6  TCP over IPv6 to a port nothing listens on: unhealthy, killed,
      the message naming [::1].
  h7  HTTP with scheme ftp: TASK_ERROR "Task uses invalid health check"
      with Mesos's "Unsupported HTTP health check scheme: 'ftp'".

Prints one line per check; exits 0 when all hold, 1 with "FAIL: ..." otherwise.
"""
import os
import socket
import sys

from simple_framework import Framework, fail

PORT = int(sys.argv[1])
WORK = sys.argv[2]
FAST = {"delay_seconds": 0, "interval_seconds": 0.2, "timeout_seconds": 5, "grace_period_seconds": 0}


def free_port(family=socket.AF_INET):
    s = socket.socket(family)
    s.bind(("127.0.0.1" if family == socket.AF_INET else "::1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def health_updates(fw, tid):
    return [s for s, _ in fw.updates.get(tid, [])
            if s["state"] == "TASK_RUNNING" and s.get("reason") == "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED"]


def healthy_then_killed(fw, tid, check, command, what):
    """Launches tid with an HTTP(S) check against the server its command
    runs, waits for healthy, kills it; no unhealthy update on the way."""
    fw.launch([(tid, {"health_check": dict(FAST, type="HTTP", grace_period_seconds=60, http=check)},
                {"value": command})])
    fw.wait(tid + " healthy", lambda: any(s.get("healthy") is True for s in health_updates(fw, tid)))
    fw.kill(tid)
    fw.wait(tid + " killed", lambda: "TASK_KILLED" in fw.states(tid))
    if any(s.get("healthy") is False for s in health_updates(fw, tid)):
        fail("%s was reported unhealthy: %s" % (tid, health_updates(fw, tid)))
    print("%s: %s" % (tid, what), flush=True)


def tcp_fails_and_kills(fw, tid, tcp, says, what):
    """Launches tid with a TCP check on a port nothing listens on and one
    failure allowed: unhealthy (the message saying `says`), then killed."""
    fw.launch([(tid, {"health_check": dict(FAST, type="TCP", consecutive_failures=1, tcp=tcp)},
                {"value": "exec sleep 600"})])
    fw.wait(tid + " killed", lambda: "TASK_KILLED" in fw.states(tid))
    bad = [s for s in health_updates(fw, tid) if s.get("healthy") is False]
    if not bad or says not in bad[0].get("message", ""):
        fail("%s: %s" % (tid, fw.updates.get(tid)))
    print("%s: %s (%s); killed" % (tid, what, bad[0]["message"]), flush=True)


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
    healthy_then_killed(fw, "h2", {"port": port, "path": "/", "statuses": [200]},
                        "exec python3 -m http.server %d --bind 127.0.0.1" % port,
                        "HTTP check healthy against the task's own server")

    tcp_fails_and_kills(fw, "h3", {"port": free_port()}, "cannot connect to 127.0.0.1:", "TCP check failed")

    port = free_port()
    cert, key = os.path.join(WORK, "cert.pem"), os.path.join(WORK, "key.pem")
    server = ("import http.server, ssl; s = http.server.HTTPServer(('127.0.0.1', %d), "
              "http.server.SimpleHTTPRequestHandler); c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); "
              "c.load_cert_chain('%s', '%s'); s.socket = c.wrap_socket(s.socket, server_side=True); "
              "s.serve_forever()" % (port, cert, key))
    healthy_then_killed(fw, "h4", {"port": port, "scheme": "https", "statuses": [200]},
                        "exec python3 -c \"%s\"" % server, "HTTPS check healthy against a self-signed server")

    port = free_port(socket.AF_INET6)
    healthy_then_killed(fw, "h5", {"port": port, "protocol": "IPv6", "statuses": [200]},
                        "exec python3 -m http.server %d --bind ::1" % port, "HTTP check over IPv6 healthy")

    port = free_port(socket.AF_INET6)
    tcp_fails_and_kills(fw, "h6", {"port": port, "protocol": "IPv6"}, "cannot connect to [::1]:%d" % port,
                        "TCP check over IPv6 failed")

    fw.launch([("h7", {"health_check": dict(FAST, type="HTTP", http={"port": 80, "scheme": "ftp"})},
                {"value": "true"})])
    fw.wait("h7 refused", lambda: "TASK_ERROR" in fw.states("h7"))
    msg = fw.status("h7", "TASK_ERROR").get("message", "")
    if "Task uses invalid health check" not in msg or "Unsupported HTTP health check scheme: 'ftp'" not in msg:
        fail("h7: %s" % msg)
    print("h7: %s" % msg, flush=True)
    print("PASS", flush=True)


if __name__ == "__main__":
    main()

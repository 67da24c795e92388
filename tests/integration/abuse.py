"""abuse.py — misbehaving clients of a meso-master, for the robustness tests.

Python 3 standard library only. Each subcommand plays one kind of client and
prints one line of JSON with what it saw; none sleeps to synchronise: they
wait on sockets, or for the master's /metrics to show a condition.

  subscribe PORT OUT [--no-read]  subscribes a framework (JSON stream,
      failover_timeout 3600); writes {"id","stream_id"} to OUT, then reads
      its stream until it ends (or never reads, with --no-read) and prints
      the records read and the ERROR messages seen
  reconcile PORT FW SID N CALLS  sends CALLS RECONCILEs of N task ids each
      (protobuf bodies, one connection per call, all at once); prints the
      statuses answered
  kill PORT FW SID N  pipelines N KILLs of an unknown task on one connection
      and reads their answers; prints the statuses
  slowloris PORT N HOLD  opens N connections that each send half a request
      line, then waits up to HOLD seconds for the master to close them all;
      prints how many it closed and when
  pipeline PORT N UNTIL_FILE  pipelines up to N GET /master/state on one
      connection and never reads; prints how many it could send before the
      master stopped reading, and keeps the socket until UNTIL_FILE exists
  hold PORT N UNTIL_FILE  opens N connections (fewer if refused) and keeps
      them until UNTIL_FILE exists
  health PORT UNTIL_FILE  GETs /health every 50 ms until UNTIL_FILE exists
      and prints the slowest answer
"""

import json
import os
import select
import socket
import sys
import threading
import time


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, data):
    """A length-delimited protobuf field."""
    return varint(num << 3 | 2) + varint(len(data)) + data


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=30)


def post(port, body, ctype, headers=""):
    return (
        "POST /api/v1/scheduler HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: %s\r\n%sContent-Length: %d\r\n\r\n"
        % (port, ctype, headers, len(body))
    ).encode() + body


def read_status(sock, buf):
    """Reads one whole HTTP answer (Content-Length) from sock; returns its
    status and what followed it."""
    while b"\r\n\r\n" not in buf:
        d = sock.recv(65536)
        if not d:
            return 0, b""
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(rest) < length:
        d = sock.recv(65536)
        if not d:
            break
        rest += d
    return status, rest[length:]


def subscribe(port, out, read=True):
    s = socket.socket()
    if not read:
        # A small window, so the kernel's buffers hide little of what the
        # master has to hold for us.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(30)
    s.connect(("127.0.0.1", port))
    body = json.dumps(
        {
            "type": "SUBSCRIBE",
            "subscribe": {"framework_info": {"user": "abuse", "name": "abuse", "failover_timeout": 3600}},
        }
    ).encode()
    s.sendall(post(port, body, "application/json", "Accept: application/json\r\n"))
    buf = b""
    while b'"SUBSCRIBED"' not in buf:
        d = s.recv(65536)
        if not d:
            raise SystemExit("subscription closed: %r" % buf[:300])
        buf += d
    head = buf.split(b"\r\n\r\n", 1)[0].decode()
    sid = [l.split(":", 1)[1].strip() for l in head.split("\r\n") if l.lower().startswith("mesos-stream-id")][0]
    i = buf.index(b'"framework_id":{"value":"') + len('"framework_id":{"value":"')
    fid = buf[i : buf.index(b'"', i)].decode()
    with open(out + ".tmp", "w") as f:
        json.dump({"id": fid, "stream_id": sid}, f)
    os.rename(out + ".tmp", out)
    if not read:
        # Never read: the master must not hold our events without bound.
        s.settimeout(None)
        select.select([], [], [])
    # Count RecordIO records (one per chunk) and keep the ERRORs.
    data, records, errors = buf.split(b"\r\n\r\n", 1)[1], 0, []
    s.settimeout(120)
    while True:
        while True:
            line, sep, rest = data.partition(b"\r\n")
            if not sep:
                break
            size = int(line, 16)
            if size == 0:
                print(json.dumps({"records": records, "errors": errors, "ended": True}), flush=True)
                return
            if len(rest) < size + 2:
                break
            chunk, data = rest[:size], rest[size + 2 :]
            records += 1
            if b'"type":"ERROR"' in chunk:
                errors.append(json.loads(chunk.split(b"\n", 1)[1])["error"]["message"])
        d = s.recv(1 << 20)
        if not d:
            print(json.dumps({"records": records, "errors": errors, "ended": False}), flush=True)
            return
        data += d


def reconcile_body(fid, n):
    tasks = b"".join(field(1, field(1, field(1, ("x%d" % i).encode()))) for i in range(n))
    return field(1, field(1, fid.encode())) + varint(2 << 3) + varint(9) + field(9, tasks)


def reconcile(port, fid, sid, n, calls):
    body = post(port, reconcile_body(fid, n), "application/x-protobuf", "Mesos-Stream-Id: %s\r\n" % sid)
    statuses = []

    def one():
        s = connect(port)
        s.sendall(body)
        statuses.append(read_status(s, b"")[0])
        s.close()

    threads = [threading.Thread(target=one) for _ in range(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"statuses": sorted(statuses)}), flush=True)


def kill(port, fid, sid, n):
    call = json.dumps({"type": "KILL", "framework_id": {"value": fid}, "kill": {"task_id": {"value": "nope"}}}).encode()
    req = post(port, call, "application/json", "Mesos-Stream-Id: %s\r\n" % sid)
    s = connect(port)
    sender = threading.Thread(target=lambda: s.sendall(req * n))
    sender.start()
    statuses, buf = {}, b""
    for _ in range(n):
        st, buf = read_status(s, buf)
        statuses[st] = statuses.get(st, 0) + 1
    sender.join()
    print(json.dumps({"statuses": statuses}), flush=True)


def wait_closed(socks, hold):
    """Waits until the peer closed every socket; returns the seconds taken,
    or None after hold seconds."""
    t0, open_ = time.time(), list(socks)
    while open_ and time.time() - t0 < hold:
        r, _, _ = select.select(open_, [], [], 0.5)
        for s in r:
            try:
                d = s.recv(65536)
            except OSError:
                d = b""
            if not d:
                open_.remove(s)
    return None if open_ else time.time() - t0


def slowloris(port, n, hold):
    socks = []
    for _ in range(n):
        s = connect(port)
        s.sendall(b"GET /mas")
        socks.append(s)
    took = wait_closed(socks, hold)
    print(json.dumps({"opened": n, "closed_after": took}), flush=True)


def pipeline(port, n, until):
    s = connect(port)
    s.setblocking(False)
    batch = b"GET /master/state HTTP/1.1\r\nHost: x\r\n\r\n" * 100
    sent, pending = 0, b""
    while sent < n:
        _, w, _ = select.select([], [s], [], 2.0)
        if not w:
            break  # the master stopped reading us: our send buffer stays full
        pending = pending or batch
        try:
            pending = pending[s.send(pending) :]
        except OSError:
            break  # closed by the master
        if not pending:
            sent += 100
    print(json.dumps({"sent": sent}), flush=True)
    # Never read; the master decides when to close (its /metrics tell).
    while not os.path.exists(until):
        select.select([], [], [], 0.05)


def hold(port, n, until):
    socks = []
    for _ in range(n):
        try:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            socks.append(s)
        except OSError:
            break
    print(json.dumps({"held": len(socks)}), flush=True)
    while not os.path.exists(until):
        select.select([], [], [], 0.05)
    for s in socks:
        s.close()


def health(port, until):
    worst, n = 0.0, 0
    while not os.path.exists(until):
        t0 = time.time()
        s = connect(port)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, _ = read_status(s, b"")
        s.close()
        if status != 200:
            raise SystemExit("/health answered %d" % status)
        worst = max(worst, time.time() - t0)
        n += 1
        select.select([], [], [], 0.05)
    print(json.dumps({"requests": n, "slowest": round(worst, 3)}), flush=True)


if __name__ == "__main__":
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "subscribe":
        subscribe(int(a[0]), a[1], read="--no-read" not in a)
    elif cmd == "reconcile":
        reconcile(int(a[0]), a[1], a[2], int(a[3]), int(a[4]))
    elif cmd == "kill":
        kill(int(a[0]), a[1], a[2], int(a[3]))
    elif cmd == "slowloris":
        slowloris(int(a[0]), int(a[1]), float(a[2]))
    elif cmd == "pipeline":
        pipeline(int(a[0]), int(a[1]), a[2])
    elif cmd == "hold":
        hold(int(a[0]), int(a[1]), a[2])
    elif cmd == "health":
        health(int(a[0]), a[1])
    else:
        raise SystemExit("unknown command " + cmd)

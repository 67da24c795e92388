"""mesos_client — a minimal Mesos v1 scheduler HTTP API client for the tests.

Written only from the public Mesos documentation (the "Scheduler HTTP API"
page and the v1 scheduler.proto/mesos.proto it points to), not from Meso's
server code: one SUBSCRIBE connection whose chunked body is a RecordIO
stream of Events, read by a thread; calls POSTed on a second kept-alive
connection with the stream's Mesos-Stream-Id. Calls and events are plain
dicts in Mesos's JSON form; with encoding "protobuf" they cross the wire as
protobuf (messages compiled by protoc from this folder's .proto files).
With credentials, every request carries `Authorization: Basic` (the docs'
HTTP authentication, for a master with --authenticate_frameworks).
Python 3 standard library, plus python3-protobuf for the protobuf encoding.
"""

import base64
import http.client
import json
import queue
import sys
import threading

JSON = "application/json"
PROTOBUF = "application/x-protobuf"
API_PATH = "/api/v1/scheduler"


class ApiError(AssertionError):
    """A step of the API did not behave as the Mesos docs say."""


def check(cond, what):
    if not cond:
        raise ApiError(what)


class Codec:
    """Mesos JSON dicts <-> bytes in one of the two documented encodings;
    api names the Call and Event messages: "scheduler" or "executor"."""

    def __init__(self, encoding, pb_dir=None, api="scheduler"):
        self.media_type = JSON if encoding == "json" else PROTOBUF
        if self.media_type == PROTOBUF:
            sys.path.insert(0, pb_dir)
            import importlib
            from google.protobuf import json_format  # noqa: E402

            self._fmt = json_format
            self._pb = importlib.import_module(api + "_pb2")  # generated at test time

    def encode_call(self, call):
        if self.media_type == JSON:
            return json.dumps(call).encode()
        msg = self._pb.Call()
        self._fmt.ParseDict(call, msg)
        return msg.SerializeToString()

    def decode_event(self, data):
        if self.media_type == JSON:
            return json.loads(data)
        msg = self._pb.Event()
        msg.ParseFromString(data)
        # The dict has Mesos's JSON shape (field names as in the .proto,
        # enums by name, bytes in base64), so one flow checks both encodings.
        return self._fmt.MessageToDict(msg, preserving_proto_field_name=True)


class Subscription:
    """A SUBSCRIBE stream: status, headers, and the events as they come.

    The docs: the answer is "200 OK" with Transfer-Encoding: chunked and a
    Mesos-Stream-Id header; the body is RecordIO, each record being
    "<decimal length>\\n<length bytes of an encoded Event>".
    """

    def __init__(self, host, port, codec, call, timeout_s=30, auth=None, path=API_PATH):
        self.codec = codec
        self.events = queue.Queue()
        self.closed = threading.Event()
        self.records = 0
        self.error = None
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout_s)
        headers = {"Content-Type": codec.media_type, "Accept": codec.media_type}
        if auth:
            headers["Authorization"] = auth
        self.conn.request("POST", path, body=codec.encode_call(call), headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.stream_id = self.response.getheader("Mesos-Stream-Id")
        self.content_type = self.response.getheader("Content-Type")
        self.chunked = (self.response.getheader("Transfer-Encoding") or "").lower() == "chunked"
        if self.status != 200:
            self.body = self.response.read()
            self.closed.set()
            return
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read_exactly(self, n):
        buf = b""
        while len(buf) < n:
            part = self.response.read(n - len(buf))
            if not part:
                raise ApiError("stream ended inside a record (%d of %d bytes)" % (len(buf), n))
            buf += part
        return buf

    def _read(self):
        try:
            while True:
                line = self.response.readline()
                if not line:
                    return
                # RecordIO: the size is a decimal count, then LF, no CR.
                check(line.endswith(b"\n") and line[:-1].isdigit() and int(line[:-1]) > 0,
                      "bad RecordIO length line %r" % line[:40])
                data = self._read_exactly(int(line[:-1]))
                self.records += 1
                self.events.put(self.codec.decode_event(data))
        except Exception as e:  # reported by the flow, not lost in the thread
            self.error = e
        finally:
            self.closed.set()
            self.events.put(None)

    def close(self):
        try:
            self.conn.sock and self.conn.sock.shutdown(2)
        except OSError:
            pass
        self.conn.close()


class Scheduler:
    """One framework: its subscription and a connection for its calls."""

    def __init__(self, host, port, encoding, pb_dir=None, credentials=None):
        """credentials: "PRINCIPAL:SECRET" for HTTP Basic, or None."""
        self.host, self.port = host, port
        self.auth = None
        if credentials:
            self.auth = "Basic " + base64.b64encode(credentials.encode()).decode()
        self.codec = Codec(encoding, pb_dir)
        self.framework_id = None
        self.sub = None
        self._calls = None

    def subscribe(self, framework_info, framework_id=None, anonymous=False):
        """anonymous: without the credentials (to see the 401)."""
        call = {"type": "SUBSCRIBE", "subscribe": {"framework_info": framework_info}}
        if framework_id:
            call["framework_id"] = {"value": framework_id}
        self.sub = Subscription(self.host, self.port, self.codec, call, auth=None if anonymous else self.auth)
        return self.sub

    def call(self, call_type, payload=None, key=None):
        """POSTs a call on the calls connection; returns (status, body)."""
        call = {"type": call_type, "framework_id": {"value": self.framework_id}}
        if payload is not None:
            call[key or call_type.lower()] = payload
        body = self.codec.encode_call(call)
        headers = {
            "Content-Type": self.codec.media_type,
            "Accept": self.codec.media_type,
            "Mesos-Stream-Id": self.sub.stream_id,
        }
        if self.auth:
            headers["Authorization"] = self.auth
        for attempt in (1, 2):
            if self._calls is None:
                self._calls = http.client.HTTPConnection(self.host, self.port, timeout=10)
            try:
                self._calls.request("POST", API_PATH, body=body, headers=headers)
                r = self._calls.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, ConnectionError):
                # A kept-alive connection the server closed: once more on a
                # new one (the docs let calls use any connection but the stream's).
                self._calls.close()
                self._calls = None
                if attempt == 2:
                    raise
        return None

    def close(self):
        if self._calls:
            self._calls.close()
        if self.sub:
            self.sub.close()


def b64decode(s):
    """Bytes of a JSON bytes field (base64, its padding optional)."""
    return base64.b64decode(s + "=" * (-len(s) % 4))


def b64_len(s):
    """Length in bytes of a base64 string (padded or not)."""
    return len(b64decode(s))

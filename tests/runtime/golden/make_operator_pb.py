#!/usr/bin/env python3
# make_operator_pb.py — writes the protobuf twin (operator_*.pb, agent_*.pb,
# executor_*.pb) of each operator_*.json (the master's operator API),
# agent_*.json (the agent's) and executor_*.json (the v1 executor API)
# fixture by encoding it with protoc and *Apache Mesos's own*
# include/mesos/v1/master/master.proto, agent/agent.proto or
# executor/executor.proto, not ours:
# test_golden then checks
# that our messages read Mesos's bytes back into the same JSON, so a field
# number or name of ours that is not Mesos's fails there. Not run by the
# tests (the .pb files are committed); run it after changing a fixture:
#
#   make_operator_pb.py MESOS_INCLUDE WKT_DIR [FIXTURE_DIR]
#
# MESOS_INCLUDE holds mesos/v1/... from a Mesos source tree; WKT_DIR holds
# google/protobuf/duration.proto (runtime/proto's copy will do: same wire).
# JSON becomes protobuf text format on the way; enum values are recognised
# as upper-case identifiers (but for names, keys and values) and bytes by
# field name (and a UUID message's `value`), which the fixtures respect.
import base64
import json
import os
import re
import subprocess
import sys

BYTES_FIELDS = {"uuid", "status_update_uuid", "data"}
MAP_FIELDS = {"guarantees", "limits"}
ENUM_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
STRING_FIELDS = {"name", "value", "key"}  # never enums, whatever their text


def scalar(key, v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if key in BYTES_FIELDS:
        raw = base64.b64decode(v + "=" * (-len(v) % 4))
        return '"' + "".join("\\%03o" % b for b in raw) + '"'
    if ENUM_RE.match(v) and key not in STRING_FIELDS:
        return v
    return json.dumps(v)


def text(obj, indent="", parent=None):
    out = []
    for key, v in obj.items():
        if parent == "uuid" and key == "value":  # mesos.v1.UUID: bytes
            out.append("%s%s: %s" % (indent, key, scalar("uuid", v)))
            continue
        if key in MAP_FIELDS and isinstance(v, dict):
            for k, val in v.items():
                out.append('%s%s { key: %s value { %s } }' % (indent, key, json.dumps(k), " ".join(text(val))))
            continue
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, dict):
                out.append("%s%s {" % (indent, key))
                out.extend(text(item, indent + "  ", key))
                out.append("%s}" % indent)
            else:
                out.append("%s%s: %s" % (indent, key, scalar(key, item)))
    return out


def main():
    include, wkt = sys.argv[1], sys.argv[2]
    fixtures = sys.argv[3] if len(sys.argv) > 3 else os.path.dirname(os.path.abspath(__file__))
    kinds = {"call": "Call", "response": "Response", "event": "Event"}
    apis = {"operator": "master", "agent": "agent", "executor": "executor"}
    for name in sorted(os.listdir(fixtures)):
        m = re.match(r"(operator|agent|executor)_(call|response|event)_.*\.json$", name)
        if not m:
            continue
        with open(os.path.join(fixtures, name)) as f:
            obj = json.load(f)
        api = apis[m.group(1)]
        msg = "mesos.v1.%s.%s" % (api, kinds[m.group(2)])
        pb = subprocess.run(
            ["protoc", "--encode=" + msg, "-I" + include, "-I" + wkt, "mesos/v1/%s/%s.proto" % (api, api)],
            input="\n".join(text(obj)).encode(),
            capture_output=True,
        )
        if pb.returncode != 0:
            sys.exit("%s: %s" % (name, pb.stderr.decode()))
        with open(os.path.join(fixtures, name[:-5] + ".pb"), "wb") as f:
            f.write(pb.stdout)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# A scheduler written only from the public Mesos API docs (mesos_client/,
# Python 3 standard library + python3-protobuf) runs its whole flow against a
# real master and agent twice: once speaking application/json, once
# application/x-protobuf with messages compiled by protoc from its own .proto
# files (Mesos's names and field numbers, independent of runtime/proto/);
# then in protobuf once more, with HTTP Basic credentials against a master
# with --authenticate_frameworks.
# Usage: test_docs_scheduler.sh BIN_DIR [OUT_DIR for the generated code]
. "$(dirname "$0")/lib.sh" "$1"
CLIENT="$(cd "$(dirname "$0")/mesos_client" && pwd)"
OUT="${2:-$T/pb}"
# Debian's python (a pyenv one may come first on PATH without the module).
PY=/usr/bin/python3

have_deps() { [ -x "$PY" ] && command -v protoc >/dev/null && "$PY" -c 'import google.protobuf' 2>/dev/null; }
if ! have_deps; then
	# scripts/install-deps.sh lists them; try to install just these two.
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo -n"
	echo "installing python3-protobuf and protobuf-compiler for this test" >&2
	{ $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends python3 python3-protobuf protobuf-compiler; } >"$T/apt.log" 2>&1 || true
	if ! have_deps; then
		echo "SKIP: needs $PY with python3-protobuf and protoc (Debian's protobuf-compiler):" \
			"run scripts/install-deps.sh" >&2
		exit 77
	fi
fi

mkdir -p "$OUT"
protoc -I "$CLIENT" --python_out="$OUT" "$CLIENT/mesos.proto" "$CLIENT/scheduler.proto" "$CLIENT/executor.proto" ||
	fail "protoc could not compile $CLIENT/*.proto"

start_master --heartbeat_interval 1
start_agent a1 "cpus:2;mem:1024;ports:[31000-31099]"

for enc in json protobuf; do
	PYTHONPATH="$CLIENT" "$PY" "$CLIENT/docs_flow.py" --master "127.0.0.1:$MASTER_PORT" \
		--encoding "$enc" --pb-dir "$OUT" || fail "the docs-only scheduler's $enc flow (above)"
done

# Once more in protobuf against a master with --authenticate_frameworks:
# refused without credentials (401), the whole flow with HTTP Basic.
kill -TERM "$MASTER_PID" "${AGENT_PID[a1]}"
wait_for 10 "the first master to stop" exited "$MASTER_PID"
rm -f "$T/master/master.port"
mv "$T/master.log" "$T/master-open.log"
echo '{"credentials": [{"principal": "docs", "secret": "docs-secret"}]}' >"$T/creds.json"
start_master --heartbeat_interval 1 --authenticate_frameworks --credentials "$T/creds.json"
start_agent a2 "cpus:2;mem:1024;ports:[31000-31099]"
PYTHONPATH="$CLIENT" "$PY" "$CLIENT/docs_flow.py" --master "127.0.0.1:$MASTER_PORT" --encoding protobuf \
	--pb-dir "$OUT" --credentials docs:docs-secret || fail "the docs-only scheduler's protobuf flow with credentials"
echo "PASS"

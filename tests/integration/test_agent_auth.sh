#!/usr/bin/env bash
# The agent's own endpoints under Mesos's agent flags: with
# --authenticate_http_readonly/--authenticate_http_readwrite and
# --http_credentials, /state, /files and /api/v1 answer 401 with
# WWW-Authenticate to no or wrong credentials (/health stays open); with
# --acls, access_sandboxes decides whose sandboxes a principal may read
# through /files (a task as `nobody`, one as root). Needs root (tasks as
# another user); skipped otherwise.
. "$(dirname "$0")/lib.sh" "$1"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (a task as nobody)" >&2; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody" >&2; exit 77; }
chmod 755 "$T" # mktemp made it 0700: the tasks' users must reach their sandboxes

cat >"$T/creds.json" <<'JSON'
{"credentials": [{"principal": "ops", "secret": "ops-secret"},
                 {"principal": "dev", "secret": "dev-secret"}]}
JSON
ACLS='{"access_sandboxes": [
  {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
  {"principals": {"values": ["dev"]}, "users": {"values": ["nobody"]}},
  {"principals": {"type": "ANY"}, "users": {"type": "NONE"}}]}'

start_master
"$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/a1" --resources "cpus:2;mem:1024;disk:0" \
	--authenticate_http_readonly --authenticate_http_readwrite --http_credentials "$T/creds.json" \
	--acls "$ACLS" 2>>"$T/a1.log" &
PIDS+=($!)
wait_for 10 "agent port file" test -s "$T/a1/agent.port"
AP=$(cat "$T/a1/agent.port")
wait_for 10 "the agent registered (seen by the master)" master_has_agents 1

execute_bg as-nobody --user nobody --command 'echo hello-from-nobody; exec sleep 60' --resources "cpus:0.1;mem:16"
execute_bg as-root --command 'echo hello-from-root; exec sleep 60' --resources "cpus:0.1;mem:16"
wait_for 20 "both tasks running" master_tasks_in TASK_RUNNING 2
stdout_of() { find "$T/a1/frameworks" -path "*/tasks/$1-*/stdout" | head -1; }
wait_for 10 "the tasks' output" bash -c "grep -q hello-from-nobody '$(stdout_of as-nobody)' && grep -q hello-from-root '$(stdout_of as-root)'"
NOBODY=$(stdout_of as-nobody)
ROOT=$(stdout_of as-root)

# code USER:SECRET METHOD PATH [BODY]: the HTTP status (USER:SECRET "-" for none).
code() {
	local auth=() body=()
	[ "$1" != - ] && auth=(-u "$1")
	[ -n "${4:-}" ] && body=(-H 'Content-Type: application/json' -d "$4")
	curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$2" "${auth[@]}" "${body[@]}" "http://127.0.0.1:$AP$3"
}
expect() { local want=$1 got; shift; got=$(code "$@"); [ "$got" = "$want" ] || fail "$* answered $got, expected $want: $(cat "$T/body")"; }

expect 401 - GET /state
grep -qi '^WWW-Authenticate: Basic realm="mesos-agent-readonly"' "$T/headers" || fail "no readonly realm: $(cat "$T/headers")"
expect 401 ops:wrong GET /state
expect 200 ops:ops-secret GET /state
expect 200 - GET /health
expect 401 - POST /api/v1 '{"type":"GET_HEALTH"}'
grep -qi 'realm="mesos-agent-readwrite"' "$T/headers" || fail "no readwrite realm: $(cat "$T/headers")"
expect 200 dev:dev-secret POST /api/v1 '{"type":"GET_HEALTH"}'
echo "authentication: 401 without or with wrong credentials, 200 with them; /health open"

expect 401 - GET "/files/read?path=$NOBODY&offset=0"
expect 200 dev:dev-secret GET "/files/read?path=$NOBODY&offset=0"
grep -q hello-from-nobody "$T/body" || fail "dev read nobody's stdout without its text: $(cat "$T/body")"
expect 403 dev:dev-secret GET "/files/read?path=$ROOT&offset=0"
grep -q access_sandboxes "$T/body" || fail "the 403 does not name the ACL: $(cat "$T/body")"
expect 200 ops:ops-secret GET "/files/read?path=$ROOT&offset=0"
grep -q hello-from-root "$T/body" || fail "ops read root's stdout without its text"
expect 403 dev:dev-secret POST /api/v1 "{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"$ROOT\",\"offset\":0}}"
echo "access_sandboxes: dev reads nobody's sandbox, not root's (/files and READ_FILE); ops reads both"
echo "PASS"

#!/usr/bin/env bash
# The web UI (issue 18, item 5) in a real browser: headless Chromium
# (Debian's chromium) driven by npm's playwright-core loads the page a live
# master serves at /, with two agents (one drained), a framework and its
# running task; webui_browser.js checks the DOM, a task launched while the
# page is open turning RUNNING then FINISHED without a reload, the weight
# form, and saves a screenshot ($T/webui.png; MESO_IT_KEEP=1 keeps it);
# then the master restarts on its port and the page must go live again.
# playwright-core is installed once into NPM_DIR (the build tree); without
# chromium, node, npm or the registry the test is skipped (77).
# Usage: test_webui.sh BIN_DIR NPM_DIR
. "$(dirname "$0")/lib.sh" "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
NPM_DIR=${2:-$T/npm}

CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ]; then
	echo "SKIP: needs Chromium (Debian's chromium package; scripts/install-deps.sh installs it)" >&2
	exit 77
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "SKIP: needs node and npm (Node.js)" >&2
	exit 77
fi
if [ ! -f "$NPM_DIR/node_modules/playwright-core/package.json" ]; then
	mkdir -p "$NPM_DIR"
	if ! (cd "$NPM_DIR" && timeout 120 npm install --no-audit --no-fund --silent playwright-core@1 >"$T/npm.log" 2>&1); then
		echo "SKIP: npm could not install playwright-core (no registry?): $(tail -3 "$T/npm.log")" >&2
		exit 77
	fi
fi
export NODE_PATH="$NPM_DIR/node_modules" CHROMIUM

start_master
start_agent a1 "cpus:4;mem:4096;disk:10000" --isolation none
start_agent a2 "cpus:2;mem:2048" --isolation none
A2=$(agent_id a2)
# a2 drained before the page opens: its state comes with SUBSCRIBED.
curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$MASTER_PORT/api/v1" \
	-d "{\"type\":\"DRAIN_AGENT\",\"drain_agent\":{\"agent_id\":{\"value\":\"$A2\"}}}" || fail "DRAIN_AGENT"
execute_bg long --command "echo long-output-for-the-sandbox-link; sleep 60" --resources "cpus:1;mem:512"
wait_for 20 "the long task RUNNING" master_tasks_in TASK_RUNNING 1

node "$HERE/webui_browser.js" "http://127.0.0.1:$MASTER_PORT/" "$T" >"$T/browser.out" 2>&1 &
BROWSER=$!
PIDS+=($BROWSER)
wait_for 20 "the page live with the cluster shown (browser.out: $(cat "$T/browser.out"))" test -e "$T/ready"
# Runs until the page has seen it RUNNING (webui_browser.js creates go).
execute_bg short --command "while [ ! -e '$T/go' ]; do sleep 0.05; done" --resources "cpus:1;mem:256"
wait_for 30 "the page's checks and screenshot (browser.out: $(cat "$T/browser.out"))" test -e "$T/restart"
kill -TERM "$MASTER_PID"
wait_exit "$MASTER_PID" 10
rm -f "$T/master/master.port"
start_master --port "$MASTER_PORT"
wait_exit "$BROWSER" 40
[ "$EXIT_STATUS" -eq 0 ] || fail "the browser checks failed: $(cat "$T/browser.out")"
wait_exit "$EXEC_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "the short task's meso-execute exited $EXIT_STATUS"
[ -s "$T/webui.png" ] || fail "no screenshot"
cat "$T/browser.out"
echo "ok: the web UI live in Chromium; screenshot $T/webui.png"

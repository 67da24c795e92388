#!/usr/bin/env bash
# bench_webui.sh BUILD_DIR [AGENTS] [FRAMEWORKS] [SECONDS] — the web UI at
# scale (not a ctest): a master with AGENTS emulated agents and FRAMEWORKS
# emulated frameworks launching tasks (tests/scale/meso-scale), and
# webui_bench.js timing the page in headless Chromium over SECONDS of live
# events. Needs chromium, node and npm (playwright-core is installed into
# the build tree as for test_webui.sh). Prints one JSON line.
BUILD=$(cd "$1" && pwd)
AGENTS=${2:-10000}
FRAMEWORKS=${3:-100}
SECS=${4:-10}
. "$(dirname "$0")/lib.sh" "$BUILD/runtime"
HERE=$(cd "$(dirname "$0")" && pwd)
NPM_DIR="$BUILD/tests/integration/webui_npm"
if [ ! -f "$NPM_DIR/node_modules/playwright-core/package.json" ]; then
	mkdir -p "$NPM_DIR" && (cd "$NPM_DIR" && npm install --no-audit --no-fund --silent playwright-core@1) ||
		fail "cannot install playwright-core"
fi
export NODE_PATH="$NPM_DIR/node_modules"
ulimit -n "$(ulimit -Hn)" 2>/dev/null
start_master --allocation_interval 1 --agent_timeout 15
"$BUILD/tests/scale/meso-scale" --master "127.0.0.1:$MASTER_PORT" --agents "$AGENTS" --frameworks "$FRAMEWORKS" \
	--warmup 5 --seconds $((SECS + 120)) >"$T/scale.out" 2>"$T/scale.log" &
PIDS+=($!)
all_connected() { http_get "$MASTER_PORT" /metrics | grep -q "^meso_master_agents{state=\"connected\"} $AGENTS\$"; }
wait_for 300 "$AGENTS agents connected" all_connected
busy() { [ "$(http_get "$MASTER_PORT" /metrics | awk '/^meso_master_tasks_active /{print int($2)}')" -ge 100 ]; }
wait_for 120 "100 tasks active" busy
node "$HERE/webui_bench.js" "http://127.0.0.1:$MASTER_PORT/" "$AGENTS" "$SECS" || fail "webui_bench.js failed"

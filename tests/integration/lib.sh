# lib.sh — helpers for the runtime's integration tests: start a master and
# agents on 127.0.0.1 with ephemeral ports in a private temporary directory,
# wait on conditions (polling /state, files or process exit; never a bare
# sleep as synchronisation), and kill everything started, even on failure.
# Usage in a test: . lib.sh "$BIN_DIR"; then the functions below.
set -u

BIN="$1"
T=$(mktemp -d "${TMPDIR:-/tmp}/meso-it.XXXXXX")
PIDS=()
FAILED=0

cleanup() {
	local rc=$?
	# TERM first, so that agents remove their tasks and cgroups; then KILL.
	for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
	local deadline=$((SECONDS + 3))
	for p in "${PIDS[@]}"; do
		while ! exited "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
		kill -9 "$p" 2>/dev/null
	done
	# Task processes of agents killed by the test carry our work_dir in
	# their environment: find and kill them too.
	for f in /proc/[0-9]*/environ; do
		if grep -qz "^MESO_AGENT_WORK_DIR=$T/" "$f" 2>/dev/null; then
			p=${f#/proc/}; p=${p%/environ}
			kill -9 "$p" 2>/dev/null
		fi
	done
	# A test's own cleanup (e.g. unmounting), after its processes are gone.
	declare -F test_cleanup >/dev/null && test_cleanup
	# Under ASan/UBSan the programs report to their logs as they exit.
	if grep -lE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$T"/*.log 2>/dev/null; then
		echo "FAIL: sanitizer reports in the logs above" >&2
		rc=1
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] || [ "$FAILED" -ne 0 ]; then
		echo "--- logs of the failed test ($T) ---" >&2
		for l in "$T"/*.log; do [ -f "$l" ] && { echo "== $l" >&2; tail -n 40 "$l" >&2; }; done
		exit 1
	fi
	# MESO_IT_KEEP=1 keeps the logs of a passing test for a look.
	[ -n "${MESO_IT_KEEP:-}" ] && echo "kept $T" >&2 || rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	FAILED=1
	exit 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 50 ms.
wait_for() {
	local secs=$1 what=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && fail "timed out after ${secs}s waiting for: $what"
		sleep 0.05
	done
}

http_get() { curl -sf --max-time 5 "http://127.0.0.1:$1$2"; }

# given NAME FLAGS...: whether FLAGS name --NAME (in any of its forms).
given() {
	local name=$1 a
	shift
	for a in "$@"; do
		case $a in --"$name" | --"$name"=* | --no-"$name") return 0 ;; esac
	done
	return 1
}
# defaults FLAGS... -- NAME VALUE ...: into DEFAULTS, each --NAME VALUE
# that FLAGS do not give (the programs refuse a flag given twice, as Mesos's).
defaults() {
	local flags=()
	while [ "$1" != -- ]; do
		flags+=("$1")
		shift
	done
	shift
	DEFAULTS=()
	while [ $# -gt 0 ]; do
		given "$1" ${flags[@]+"${flags[@]}"} || DEFAULTS+=("--$1" "$2")
		shift 2
	done
}

# start_master [FLAGS...]: sets MASTER_PORT. FLAGS may override the port,
# work_dir and allocation_interval given here.
start_master() {
	defaults "$@" -- port 0 work_dir "$T/master" allocation_interval 0.1
	"$BIN/meso-master" "${DEFAULTS[@]}" "$@" 2>"$T/master.log" &
	PIDS+=($!)
	MASTER_PID=$!
	wait_for 10 "master port file" test -s "$T/master/master.port"
	MASTER_PORT=$(cat "$T/master/master.port")
	wait_for 10 "master /health" http_get "$MASTER_PORT" /health
}

# start_agent NAME RESOURCES [FLAGS...]: sets AGENT_PID[NAME], AGENT_PORT[NAME].
# FLAGS may override the master, port, work_dir and status_retry_interval
# given here.
declare -A AGENT_PID AGENT_PORT
start_agent() {
	local name=$1 res=$2
	shift 2
	rm -f "$T/$name/agent.port"
	defaults "$@" -- master "127.0.0.1:$MASTER_PORT" port 0 work_dir "$T/$name" status_retry_interval 0.2
	"$BIN/meso-agent" "${DEFAULTS[@]}" --resources "$res" "$@" 2>>"$T/$name.log" &
	PIDS+=($!)
	AGENT_PID[$name]=$!
	wait_for 10 "agent $name port file" test -s "$T/$name/agent.port"
	AGENT_PORT[$name]=$(cat "$T/$name/agent.port")
	wait_for 10 "agent $name registered" agent_registered "$name"
}

agent_registered() { http_get "${AGENT_PORT[$1]}" /state | grep -q '"registered":true'; }
# agent_id NAME: the id the agent has from the master.
agent_id() { http_get "${AGENT_PORT[$1]}" /state | grep -o '^{"id":"[^"]*"' | cut -d'"' -f4; }
# agent_task_pids NAME: its tasks' pids, sorted, on one line.
agent_task_pids() { http_get "${AGENT_PORT[$1]}" /state | grep -o '"pid":[0-9]*' | cut -d: -f2 | sort -n | paste -sd' '; }
# agent_all_acked NAME: no status update of the agent waits for its acknowledgement.
agent_all_acked() { http_get "${AGENT_PORT[$1]}" /metrics | grep -q '^meso_agent_updates_pending 0'; }

# master_agents: number of agents the master lists.
master_agents() { http_get "$MASTER_PORT" /state | grep -o '"port":[0-9]*,"connected"' | wc -l; }
master_has_agents() { [ "$(master_agents)" -eq "$1" ]; }
master_tasks_in() { [ "$(http_get "$MASTER_PORT" /state | grep -o "\"state\":\"$1\"" | wc -l)" -ge "$2" ]; }

# execute NAME ARGS...: runs meso-execute in the background; sets EXEC_PID.
execute_bg() {
	local name=$1
	shift
	"$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name "$name" "$@" >"$T/$name.out" 2>"$T/$name.log" &
	EXEC_PID=$!
	PIDS+=($EXEC_PID)
}

# run_scheduler SECONDS SCRIPT ARGS...: runs a Python test scheduler within
# SECONDS (its output in $T/scheduler.out, shown); the test fails unless it
# exits 0.
run_scheduler() {
	local secs=$1 pid
	shift
	timeout "$secs" python3 "$@" >"$T/scheduler.out" 2>&1 &
	pid=$!
	PIDS+=($pid)
	wait_exit "$pid" $((secs + 5))
	cat "$T/scheduler.out"
	[ "$EXIT_STATUS" -eq 0 ] || fail "the scheduler failed (exit $EXIT_STATUS)"
}

# refused_at_start WANT COMMAND...: COMMAND exits 2 at once (within 10 s),
# saying WANT (a bad flag refused at start, not retried).
refused_at_start() {
	local want=$1 rc=0
	shift
	timeout 10 "$@" >"$T/refused.out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "$* exited $rc, not 2: $(cat "$T/refused.out")"
	grep -q -- "$want" "$T/refused.out" || fail "$*: no \"$want\" in: $(cat "$T/refused.out")"
}

# exited PID: the process is gone or a zombie (a child not yet waited for).
exited() { local s; s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0; [ "${s:0:1}" = Z ]; }

# wait_exit PID SECONDS: waits for a child and sets EXIT_STATUS.
wait_exit() {
	local pid=$1 secs=$2
	wait_for "$secs" "process $pid to exit" exited "$pid"
	wait "$pid"
	EXIT_STATUS=$?
}

# ---------------------------------------------------------- ZooKeeper (--zk)

# free_port: a port nobody listens on now (bound and released by the kernel).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# zk_serving: the four-letter `srvr` answers "Mode: standalone" (`ruok`
# answers before the server really serves).
# A JVM still starting may accept and never answer: hence the timeout.
zk_serving() {
	timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1 && printf srvr >&3 && cat <&3' _ "$ZK_PORT" 2>/dev/null |
		grep -q 'Mode: standalone'
}

# start_zk: a standalone ZooKeeper on loopback with its data under $T (so
# cleanup removes it), a 100 ms tick, no admin server, session timeouts from
# 200 ms; ready when `srvr` says "Mode: standalone". Sets ZK_PORT, ZK_PID.
# Exits 77 (skip) when Debian's zookeeper package is missing.
start_zk() {
	local jar=/usr/share/java/zookeeper.jar
	if [ ! -r "$jar" ] || ! command -v java >/dev/null || ! command -v python3 >/dev/null; then
		echo "SKIP: needs java, python3 and $jar (Debian's zookeeper package)" >&2
		exit 77
	fi
	ZK_PORT=$(free_port)
	mkdir -p "$T/zk/data"
	cat >"$T/zk/zoo.cfg" <<CFG
tickTime=100
dataDir=$T/zk/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok
minSessionTimeout=200
maxSessionTimeout=60000
CFG
	java -Xmx256m -cp "$jar" org.apache.zookeeper.server.ZooKeeperServerMain "$T/zk/zoo.cfg" >"$T/zk.log" 2>&1 &
	ZK_PID=$!
	PIDS+=($ZK_PID)
	wait_for 60 "ZooKeeper serving (srvr: Mode: standalone)" zk_serving
}

# start_zk_master NAME [FLAGS...]: a master contending under zk://.../meso;
# sets MPID[NAME] and MPORT[NAME].
declare -A MPID MPORT
start_zk_master() {
	local name=$1
	shift
	rm -f "$T/$name/master.port"
	"$BIN/meso-master" --port 0 --work_dir "$T/$name" --allocation_interval 0.1 \
		--zk "zk://127.0.0.1:$ZK_PORT/meso" "$@" 2>>"$T/$name.log" &
	MPID[$name]=$!
	PIDS+=($!)
	wait_for 10 "master $name port file" test -s "$T/$name/master.port"
	MPORT[$name]=$(cat "$T/$name/master.port")
	wait_for 10 "master $name /health" http_get "${MPORT[$name]}" /health
}

# leader_name: the master that says it leads (empty when none does).
leader_name() {
	local n
	for n in "${!MPID[@]}"; do
		exited "${MPID[$n]}" && continue
		if http_get "${MPORT[$n]}" /state 2>/dev/null | grep -q '"leading":true'; then
			echo "$n"
			return 0
		fi
	done
	return 1
}
# has_leader_other_than NAME: a leader other than NAME exists.
has_leader_other_than() { local l; l=$(leader_name) && [ "$l" != "$1" ]; }

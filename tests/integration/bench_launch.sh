#!/usr/bin/env bash
# bench_launch.sh BIN_DIR [AGENTS] [TASKS] — not a ctest: measures the live
# path on loopback. Starts a master and AGENTS agents (default 100), runs
# TASKS `true` tasks (default 500) through meso-execute, and prints the
# master's launch latency (ACCEPT received -> TASK_RUNNING forwarded) and
# allocation pass latency: exact quantiles of its recent samples (and the
# bucket bounds of its Prometheus histograms).
. "$(dirname "$0")/lib.sh" "$1"
AGENTS=${2:-100}
TASKS=${3:-500}

start_master --allocation_interval 1
for i in $(seq 1 "$AGENTS"); do
	"$BIN/meso-agent" --master "127.0.0.1:$MASTER_PORT" --port 0 --work_dir "$T/b$i" --isolation none \
		--resources "cpus:4;mem:4096" 2>>"$T/b$i.log" &
	PIDS+=($!)
done
wait_for 60 "$AGENTS agents registered" master_has_agents "$AGENTS"
start=$(date +%s.%N)
execute_bg bench --command true --instances "$TASKS" --resources "cpus:0.1;mem:32"
wait_exit "$EXEC_PID" 300
end=$(date +%s.%N)
[ "$EXIT_STATUS" -eq 0 ] || fail "meso-execute exited $EXIT_STATUS"
metrics=$(http_get "$MASTER_PORT" /metrics)
# quantile NAME Q: the upper bound of the bucket holding quantile Q.
quantile() {
	echo "$metrics" | awk -v name="$1_bucket" -v q="$2" '
		BEGIN { n = 0 }
		index($0, name "{") == 1 { split($0, a, "\""); le[n] = a[2]; c[n++] = $2 }
		END { total = c[n-1]; for (i = 0; i < n; i++) if (c[i] >= q * total) { print le[i]; exit } }'
}
printf 'agents %d, tasks %d, wall %.2f s (%.0f tasks/s end to end)\n' "$AGENTS" "$TASKS" \
	"$(echo "$end - $start" | bc)" "$(echo "$TASKS / ($end - $start)" | bc -l)"
# recent NAME Q: the exact quantile over the master's last 4096 samples.
recent() {
	echo "$metrics" | awk -v key="$1_recent{quantile=\"$2\"}" '$1 == key { print $2 }'
}
echo "launch latency:  median $(recent meso_master_launch_seconds 0.5) s, p99 $(recent meso_master_launch_seconds 0.99) s" \
	"(buckets: median <= $(quantile meso_master_launch_seconds 0.5), p99 <= $(quantile meso_master_launch_seconds 0.99))"
echo "allocation pass: median $(recent meso_master_allocation_seconds 0.5) s, p99 $(recent meso_master_allocation_seconds 0.99) s"
echo "$metrics" | grep -E '^meso_allocator_(passes|offers_made)_total|^meso_master_(launch|allocation)_seconds_(sum|count)'

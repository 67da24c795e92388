#!/bin/bash
# bench_failover.sh BUILD/runtime [REPS] [SESSION_TIMEOUT]: master failover
# time, leader killed (SIGKILL) -> first offer sent by the new leader, over
# REPS repetitions (default 10) with three masters, two agents and a
# framework that always wants more (so every new leader offers at once).
# The killed master is restarted as a standby before the next round. Not a
# ctest; prints each time, the median and the max.
. "$(dirname "$0")/lib.sh" "$1"
REPS=${2:-10}
ST=${3:-1}
start_zk
ZKURL="zk://127.0.0.1:$ZK_PORT/meso"
for m in m1 m2 m3; do start_zk_master $m --zk_session_timeout "$ST"; done
wait_for 20 "a leader" leader_name
for a in b1 b2; do
	"$BIN/meso-agent" --zk "$ZKURL" --port 0 --work_dir "$T/$a" --resources "cpus:2;mem:512" --isolation none \
		--status_retry_interval 0.2 --status_retry_max 1 2>>"$T/$a.log" &
	PIDS+=($!)
done
"$BIN/meso-execute" --zk "$ZKURL" --name greedy --instances 1000 --command "sleep 600" \
	--resources "cpus:1;mem:32" --refuse_seconds 0.5 >"$T/greedy.out" 2>"$T/greedy.log" &
PIDS+=($!)
running() { [ "$(http_get "${MPORT[$(leader_name)]}" /state | grep -o '"state":"TASK_RUNNING"' | wc -l)" -ge 4 ]; }
wait_for 30 "4 tasks running" running
first_offer_after() { grep "meso-master\[$2\]: first offers as leader at" "$T/$1.log" | tail -1 | sed 's/.* at \([0-9.]*\) .*/\1/'; }
TIMES=()
for i in $(seq 1 "$REPS"); do
	old=$(leader_name)
	t0=$(date +%s.%N)
	kill -9 "${MPID[$old]}"
	wait_for 20 "a new leader" has_leader_other_than "$old"
	new=$(leader_name)
	wait_for 20 "first offer of $new" sh -c "grep -q 'meso-master\[${MPID[$new]}\]: first offers' '$T/$new.log'"
	t1=$(first_offer_after "$new" "${MPID[$new]}")
	dt=$(echo "$t1 - $t0" | bc -l)
	TIMES+=("$dt")
	printf 'round %2d: %s -> %s: %.3f s\n' "$i" "$old" "$new" "$dt"
	start_zk_master "$old" --zk_session_timeout "$ST"
	wait_for 20 "4 tasks running again" running
done
sorted=$(printf '%s\n' "${TIMES[@]}" | sort -g)
n=${#TIMES[@]}
median=$(echo "$sorted" | awk -v n="$n" '{a[NR]=$1} END {print (n%2 ? a[(n+1)/2] : (a[n/2]+a[n/2+1])/2)}')
printf 'session timeout %s s, %d rounds: median %.3f s, min %.3f s, max %.3f s\n' "$ST" "$n" "$median" \
	"$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)"

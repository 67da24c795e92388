#!/usr/bin/env bash
# An agent killed with SIGKILL that does not come back: after its
# --recovery_timeout (2 s here) each task's supervisor kills the task, so
# no process of it remains (checked in /proc) and its cgroups are gone;
# the master, whose window is longer, still has the agent. When the agent
# is finally started again, the end of those tasks is reported from their
# exit records (TASK_FAILED, the reregistration-timeout reason), not lost.
. "$(dirname "$0")/lib.sh" "$1"

# task_cgroups PID: the task's v1 memory/cpu or v2 cgroup folders.
task_cgroups() {
	sed -n 's/^[0-9]*:\(memory\|cpu,cpuacct\|cpu\|\):\(.*meso-.*\)$/\1 \2/p' "/proc/$1/cgroup" |
		while read -r ctl path; do
			case "$ctl" in
			memory) echo "/sys/fs/cgroup/memory$path" ;;
			cpu | cpu,cpuacct) echo "/sys/fs/cgroup/$ctl$path" ;;
			'') for m in /sys/fs/cgroup/unified /sys/fs/cgroup; do [ -d "$m$path" ] && echo "$m$path" && break; done ;;
			esac
		done
}
marked() { grep -qsz "^MESO_AGENT_WORK_DIR=$T/a1" /proc/[0-9]*/environ; }
# live_marked: a live (not zombie) process of a1 exists.
live_marked() {
	local f p
	for f in /proc/[0-9]*/environ; do
		grep -qsz "^MESO_AGENT_WORK_DIR=$T/a1" "$f" 2>/dev/null || continue
		p=${f#/proc/}; p=${p%/environ}
		exited "$p" || return 0
	done
	return 1
}

start_master --agent_reregister_timeout 120
start_agent a1 "cpus:2;mem:512" --recovery_timeout 2 --kill_grace 0.5
execute_bg gone --command 'sleep 300' --instances 2 --resources "cpus:0.5;mem:64" --failover_timeout 600
wait_for 20 "two tasks running" master_tasks_in TASK_RUNNING 2
pids=$(agent_task_pids a1)
cgroups=""
for p in $pids; do cgroups+=" $(task_cgroups "$p")"; done
echo "task pids: $(echo $pids); cgroups:${cgroups:- none (no cgroups here)}"
for c in $cgroups; do [ -d "$c" ] || fail "cgroup $c missing while the task runs"; done

kill -9 "${AGENT_PID[a1]}"
wait_exit "${AGENT_PID[a1]}" 10
t0=$(date +%s.%N)
marked || fail "the tasks died with their agent at once"
wait_for 15 "no live process of the dead agent" bash -c "$(declare -f exited live_marked); T=$T; ! live_marked"
echo "tasks gone $(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}") s after their agent (--recovery_timeout 2, --kill_grace 0.5)"
for p in $pids; do exited "$p" || fail "task process $p still runs"; done
for c in $cgroups; do [ -d "$c" ] && fail "cgroup $c still exists"; done
grep -q "no agent came back within 2.0 s" "$T/a1.log" || fail "no supervisor said why it killed the task"
# The master still waits for the agent (its window is 120 s).
master_tasks_in TASK_RUNNING 2 || fail "the master forgot the tasks early"

# The agent comes back: same id, and both tasks end as their records say.
start_agent a1 "cpus:2;mem:512" --recovery_timeout 2 --kill_grace 0.5
wait_for 10 "both ends reported" bash -c "[ \$(grep -c 'TASK_FAILED (Killed by its supervisor' '$T/gone.out') -eq 2 ]"
grep -q TASK_LOST "$T/gone.out" && fail "a task was reported lost: $(cat "$T/gone.out")"
wait_exit "$EXEC_PID" 20
echo "PASS"

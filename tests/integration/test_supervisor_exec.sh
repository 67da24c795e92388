#!/usr/bin/env bash
# A supervisor that cannot start: the agent's programs sit on a tmpfs that
# is remounted noexec after the agent started, so the exec of its supervisor
# (meso-agent-supervisor) fails. The task is reported TASK_FAILED with a
# message that says the supervisor could not start and why ("Permission
# denied"), not as a command that exited 127; no process of it is left; and
# once the program can run again, the next task runs normally. Needs root
# (mount); skipped otherwise.
. "$(dirname "$0")/lib.sh" "$1"

mkdir -p "$T/bin"
if ! mount -t tmpfs -o size=64m meso-it "$T/bin" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs (needs root)" >&2
	exit 77
fi
test_cleanup() { umount -l "$T/bin" 2>/dev/null; }
cp "$BIN/meso-agent" "$BIN/meso-agent-supervisor" "$T/bin/"

start_master
BIN_SAVED=$BIN
BIN=$T/bin start_agent a1 "cpus:1;mem:256"
BIN=$BIN_SAVED
mount -o remount,noexec "$T/bin" || fail "cannot remount the tmpfs noexec"
execute_bg noexec --command 'sleep 30' --resources "cpus:0.5;mem:64"
wait_exit "$EXEC_PID" 20
cat "$T/noexec.out"
grep -qF "TASK_FAILED (The task's supervisor could not start ($T/bin/meso-agent-supervisor: Permission denied)" "$T/noexec.out" ||
	fail "the status does not say the supervisor could not start: $(cat "$T/noexec.out")"
grep -q 'Command exited with status 127' "$T/noexec.out" && fail "reported as the command's exit"
live_left() {
	local f p
	for f in /proc/[0-9]*/environ; do
		grep -qsz "^MESO_AGENT_WORK_DIR=$T/a1" "$f" 2>/dev/null || continue
		p=${f#/proc/}; p=${p%/environ}
		exited "$p" || return 0
	done
	return 1
}
wait_for 10 "no process of the failed task left" bash -c "$(declare -f exited live_left); T=$T; ! live_left"

mount -o remount,exec "$T/bin" || fail "cannot remount the tmpfs exec"
execute_bg again --command 'true' --resources "cpus:0.5;mem:64"
wait_exit "$EXEC_PID" 20
[ "$EXIT_STATUS" -eq 0 ] || fail "the next task did not finish: $(cat "$T/again.out")"
echo "PASS"

#!/usr/bin/env bash
# Tasks as their framework's user (issue 17, item 4): an agent running as
# root switches each task to CommandInfo.user (else FrameworkInfo.user). A
# task as `nobody` runs as uid 65534, its sandbox is its own (mode 0750),
# and it cannot read another framework's sandbox; an unknown user fails
# the task with a clear TASK_FAILED. Needs root (skipped, 77, otherwise).
. "$(dirname "$0")/lib.sh" "$1"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (the agent switches users)" >&2
	exit 77
fi
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody" >&2; exit 77; }
NOBODY_UID=$(id -u nobody)
chmod 755 "$T" # mktemp made it 0700: the tasks' users must reach their sandboxes
mkdir -p "$T/master"
start_master
start_agent a1 "cpus:2;mem:512"

# Framework A (root) keeps a secret in its sandbox.
execute_bg keeper --command 'echo secret-of-keeper >mine && sleep 60'
wait_for 10 "the keeper's file" bash -c "ls $T/a1/frameworks/*/tasks/keeper-*/mine"
MINE=$(ls "$T"/a1/frameworks/*/tasks/keeper-*/mine)
# Framework B's task as nobody: who it is, and whether it can read A's file.
"$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name reader --user nobody \
	--command "id -u; cat $MINE; echo cat=\$?; ls \$(dirname $MINE); echo ls=\$?; touch own && echo own=\$?" \
	>"$T/reader.out" 2>"$T/reader.log" || fail "the task as nobody failed: $(cat "$T/reader.out" "$T/reader.log")"
OUT=$(ls "$T"/a1/frameworks/*/tasks/reader-*/stdout)
grep -qx "$NOBODY_UID" "$OUT" || fail "id -u is not $NOBODY_UID: $(cat "$OUT")"
grep -q secret-of-keeper "$OUT" && fail "nobody read another framework's sandbox"
grep -qx "cat=1" "$OUT" || fail "cat of another sandbox did not fail: $(cat "$OUT")"
grep -qx "ls=2" "$OUT" || fail "ls of another sandbox did not fail: $(cat "$OUT")"
grep -qx "own=0" "$OUT" || fail "nobody cannot write its own sandbox: $(cat "$OUT")"
SANDBOX=$(dirname "$OUT")
[ "$(stat -c '%U %a' "$SANDBOX")" = "nobody 750" ] || fail "its sandbox is $(stat -c '%U %a' "$SANDBOX")"
[ "$(stat -c '%U %a' "$(dirname "$MINE")")" = "root 750" ] || fail "the keeper's sandbox is open to others"

# An unknown user: TASK_FAILED saying so.
if "$BIN/meso-execute" --master "127.0.0.1:$MASTER_PORT" --name ghost --user no-such-user-17 --command true \
	>"$T/ghost.out" 2>"$T/ghost.log"; then
	fail "a task as an unknown user succeeded"
fi
grep -q "TASK_FAILED.*no-such-user-17.*no such user" "$T/ghost.out" "$T/ghost.log" ||
	fail "no clear TASK_FAILED: $(cat "$T/ghost.out" "$T/ghost.log")"
echo "ok: a task as nobody (uid $NOBODY_UID) in its own 0750 sandbox; another's sandbox closed to it"

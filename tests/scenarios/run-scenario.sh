#!/usr/bin/env bash
# run-scenario.sh MESO_ALLOC NAME.scn — runs one allocator scenario and
# compares what meso-alloc prints with the expectations beside it:
#   NAME.out  the expected stdout (always present; empty when nothing is offered)
#   NAME.err  the expected stderr; when present the run must exit with 2,
#             otherwise it must exit with 0 and print nothing on stderr.
# Prints a unified diff of every mismatch and exits non-zero on failure.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 MESO_ALLOC NAME.scn" >&2
	exit 2
fi
bin=$1
scn=$2
base=${scn%.scn}
name=$(basename "$base")

if [ ! -f "$base.out" ]; then
	echo "$name: missing expected output $base.out" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" "$scn" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?

status=0
if ! diff -u --label "$name.out (expected)" --label "stdout (actual)" "$base.out" "$tmp/stdout"; then
	status=1
fi
if [ -f "$base.err" ]; then
	want_rc=2
	if ! diff -u --label "$name.err (expected)" --label "stderr (actual)" "$base.err" "$tmp/stderr"; then
		status=1
	fi
else
	want_rc=0
	if [ -s "$tmp/stderr" ]; then
		echo "$name: unexpected stderr:"
		cat "$tmp/stderr"
		status=1
	fi
fi
if [ "$rc" -ne "$want_rc" ]; then
	echo "$name: exit status $rc, expected $want_rc"
	status=1
fi
[ $status -eq 0 ] && echo "$name: ok"
exit $status

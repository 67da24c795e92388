#!/usr/bin/env bash
# run-case.sh SIM CASE_DIR OUT_DIR — runs one end-to-end case: CASE_DIR/run.sh
# is sourced with $SIM (meso-sim), $CASE (its folder) and $OUT (an empty
# scratch folder); it fails the test by exiting non-zero. Helpers below.
set -euo pipefail
SIM=$1
CASE=$2
OUT=$3
rm -rf "$OUT"
mkdir -p "$OUT"
# json_has FILE 'TEXT': the file contains TEXT verbatim
json_has() {
	grep -qF -- "$2" "$1" || { echo "FAIL: $1 lacks: $2" >&2; cat "$1" >&2; exit 1; }
}
# same FILE EXPECTED_TEXT: the file equals the text
same() {
	diff -u <(printf '%s\n' "$2") "$1" || { echo "FAIL: $1 differs" >&2; exit 1; }
}
# exits_with N CMD...: CMD ends with exit status N; its stderr in $OUT/err
exits_with() {
	local want=$1 rc
	shift
	set +e
	"$@" > /dev/null 2> "$OUT/err"
	rc=$?
	set -e
	[ "$rc" -eq "$want" ] || { echo "FAIL: exit status $rc, expected $want: $*" >&2; cat "$OUT/err" >&2; exit 1; }
}
cd "$CASE"
source ./run.sh
echo ok

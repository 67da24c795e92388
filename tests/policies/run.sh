#!/usr/bin/env bash
# run.sh MESO_ALLOC MODULE_DIR NAME.scn: a policy-module scenario. @MOD@ in
# the script is replaced by the directory of the built modules; stdout must
# equal NAME.out; with NAME.err, stderr must contain each of its lines and
# the exit status be 2.
set -euo pipefail
alloc=$1 mod=$2 scn=$3
base=${scn%.scn}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|@MOD@|$mod|g" "$scn" > "$tmp/in.scn"
status=0
"$alloc" "$tmp/in.scn" > "$tmp/out" 2> "$tmp/err" || status=$?
diff -u "$base.out" "$tmp/out"
if [ -f "$base.err" ]; then
  [ "$status" -eq 2 ] || { echo "exit status $status, expected 2"; exit 1; }
  while IFS= read -r line; do
    grep -qF -- "$line" "$tmp/err" || { echo "stderr lacks: $line"; cat "$tmp/err"; exit 1; }
  done < "$base.err"
else
  [ "$status" -eq 0 ] || { echo "exit status $status"; cat "$tmp/err"; exit 1; }
  [ ! -s "$tmp/err" ] || { cat "$tmp/err"; exit 1; }
fi

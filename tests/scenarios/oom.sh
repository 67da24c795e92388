#!/usr/bin/env bash
# oom.sh MESO_ALLOC FAILMALLOC — meso-alloc out of memory
# (tests/support/oom.sh): a few scenarios with each of their allocations
# failing in turn; a run ends with the same output or an error.
set -euo pipefail
ALLOC=$1
OOM_LIB=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../support/oom.sh"
oom_require "$ALLOC"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
OOM_STDOUT=$T/out
oom_prepare() { :; }
oom_same() { cmp -s "$T/clean" "$T/out"; }
for name in drf_paper dynamic_reserve multirole ports quota_guarantee quota_limit; do
	"$ALLOC" "$HERE/$name.scn" > "$T/clean" 2> /dev/null || true
	oom_sweep "$name" '\(meso-alloc\|error\): ' 1000000 1 "$ALLOC" "$HERE/$name.scn"
done
oom_end

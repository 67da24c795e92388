#!/usr/bin/env bash
# oom.sh MESO_TRACE FAILMALLOC OUT — meso-trace out of memory
# (tests/support/oom.sh): `convert` of the Google sample to the binary
# form and `gen` of a small workload, each allocation failing in turn; a
# run ends with the same file written or an error.
set -euo pipefail
TRACE=$1
OOM_LIB=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/support/oom.sh"
oom_require "$TRACE"
oom_outdir "$3"
oom_same() { diff -rq "$OUT/clean" "$OUT/run" > /dev/null; }
rm -rf "$OUT/clean"
"$TRACE" convert "google2011:$ROOT/traces/samples/google2011" "$OUT/clean" > /dev/null
oom_sweep convert "meso-trace: " 1000000 1 "$TRACE" convert "google2011:$ROOT/traces/samples/google2011" "$OUT/run"
rm -rf "$OUT/clean"
"$TRACE" gen --machines 20 --tasks 200 --seed 1 --out "$OUT/clean" > /dev/null
oom_sweep gen "meso-trace: " 1000000 1 "$TRACE" gen --machines 20 --tasks 200 --seed 1 --out "$OUT/run"
oom_end

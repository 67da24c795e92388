#!/bin/sh
# ctest "experiments-smoke": experiment 1 exactly (every scenario equals the
# reference progressive filling), experiment 2 at reduced size (per-run
# identities of ramp-up, completion and utilization, and cell means against
# their derived expectations) and experiment 4 at reduced size (locality
# with a 5 s wait strictly above static and no delay). Seconds. MESO_SIM
# names the meso-sim to test.
set -e
here=$(dirname "$0")
python3 "$here/exp1_drf.py" --check
python3 "$here/exp2_analytic.py" --smoke
python3 "$here/exp4_locality.py" --smoke

#!/usr/bin/env bash
# identity.sh hash SIM OUTFILE [CORPUS_DIR] | compare SIM_A SIM_B [CORPUS_DIR]
# — whether a change left meso-sim's results byte-identical, over the corpus
# BENCHMARKS.md ("The offer path in batches") checked: the bundled Google
# 2011 sample, sim/examples/small, the Alibaba DAG fixture (alone and with
# its machine_meta; drf and random), a 100k-task Google-like trace (drf,
# asset, priority), a 100k-task native CSV workload (random and drf,
# --resubmit-lost), and 1M-task ones (Google-like, binary; native CSV)
# unless IDENTITY_BIG=0. hash runs SIM over it and writes one
# `sha256  RUN/FILE` line per deterministic output file (and
# `sha256  input/FILE` per input file replayed), sorted, to OUTFILE.
# compare does that for both and diffs: exit 0 and "identical (N files)",
# else the diff and exit 1. CORPUS_DIR (default /tmp/meso-identity, 134 MB)
# is generated on first use from fixed seeds and reused. Env: MESO_TRACE
# (meso-trace for the corpus, default the one beside SIM),
# MESO_SHARED_TRACES (the Alibaba fixture's folder, default
# ../shared/traces; without it its runs are skipped, said on stderr).
# About 65 s a SIM on the 2-core VM (45 s with IDENTITY_BIG=0), up to 1.5x
# that when the machine is busy; the first run makes the corpus (5 s).
# Exit status: 0 done or identical, 1 different or a run failed, 2 usage.
set -euo pipefail
usage() {
  sed -n '2,20s/^# \{0,1\}//p' "$0" >&2
  exit 2
}
exec 3>&2 # die's, also from inside a corpus step whose output is logged
die() {
  echo "identity.sh: $*" >&3
  exit 2
}
[ $# -ge 3 ] || usage
root=$(cd "$(dirname "$0")/.." && pwd)
mode=$1
case $mode in
  hash | compare) [ $# -le 4 ] || usage ;;
  *) usage ;;
esac
corpus=${4:-/tmp/meso-identity}
big=${IDENTITY_BIG:-1}
shared=${MESO_SHARED_TRACES:-$root/../shared/traces}
sims=("$2")
[ "$mode" = compare ] && sims+=("$3")
for bin in "${sims[@]}"; do
  if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
    die "$bin: not an executable (cmake --build DIR --target meso-sim)"
  fi
done
# the runs' arguments are split on blanks
case $corpus in *[[:space:]]*) die "$corpus: a corpus path without blanks, please" ;; esac
if [ "$mode" = hash ] && [ ! -d "$(dirname "$3")" ]; then
  die "$3: no such folder for OUTFILE"
fi
command -v sha256sum > /dev/null || die "sha256sum is needed (coreutils)"
tmp=$(mktemp -d)
out= # the corpus item being made, removed if the script stops meanwhile
trap 'rm -rf "$tmp" ${out:+"$out" "$out.csv"}' EXIT

# ---- the corpus: each item is made under a temporary name and renamed, so
# an interrupted generation is made again, never reused half-written
trace_tool=
meso_trace() {
  if [ -z "$trace_tool" ]; then
    if [ -n "${MESO_TRACE:-}" ]; then
      trace_tool=$MESO_TRACE
    else
      trace_tool=$(dirname "$sim_for_corpus")/../traces/meso-trace
      [ -x "$trace_tool" ] || trace_tool=$root/build/traces/meso-trace
    fi
    [ -x "$trace_tool" ] ||
      die "$trace_tool: no meso-trace to make the corpus with: set MESO_TRACE (cmake --build DIR --target meso-trace)"
  fi
  "$trace_tool" "$@"
}
# make NAME CMD...: runs CMD with $out (a temporary path) unless NAME exists
make_item() {
  local name=$1
  shift
  [ -e "$corpus/$name" ] && return 0
  out=$corpus/$name.tmp.$$
  rm -rf "$out"
  echo "identity.sh: making $corpus/$name" >&2
  if ! "$@" > "$tmp/gen.log" 2>&1; then
    echo "identity.sh: making $name failed:" >&2
    tail -n 20 "$tmp/gen.log" >&2
    rm -rf "$out"
    exit 1
  fi
  mv "$out" "$corpus/$name"
}
copy_dir() { mkdir -p "$out" && cp -R "$1"/. "$out"; }
alibaba() {
  mkdir -p "$out"
  cp "$shared/alibaba2018_batch_task_selected_dags.csv" "$out/batch_task.csv"
  [ "$1" = alone ] || cp "$shared/alibaba2018_machine_meta.csv" "$out/machine_meta.csv"
}
gen_google() { meso_trace gen --machines "$1" --tasks "$2" --seed 1 --out "$out"; }
convert() { meso_trace convert "$corpus/$1" "$out"; }
gen_native() {
  python3 "$root/traces/tools/gen-workload.py" --machines "$1" --tasks "$2" --seed 1 --out "$out"
}
# a 1M-task Google-like trace is kept in binary form only (its CSV is 57 MB)
big_google() {
  mkdir -p "$out"
  meso_trace gen --machines 12500 --tasks 1000000 --seed 1 --out "$out.csv" &&
    meso_trace convert "$out.csv" "$out/g1m.bin" && rm -rf "$out.csv"
}

# every run: NAME and meso-sim run's arguments, one line each; the inputs
# replayed are listed in $inputs (corpus items, hashed as input/ITEM/...)
runs=$tmp/runs
inputs=()
make_corpus() {
  mkdir -p "$corpus"
  : > "$runs"
  make_item google2011 copy_dir "$root/traces/samples/google2011"
  make_item small copy_dir "$root/sim/examples/small"
  inputs+=(google2011 small)
  cat >> "$runs" <<EOF
google2011-sample-drf --trace google2011:$corpus/google2011 --policy drf --seed 1
small-drf --workload $corpus/small --policy drf --seed 1
EOF
  if [ -f "$shared/alibaba2018_batch_task_selected_dags.csv" ] &&
    [ -f "$shared/alibaba2018_machine_meta.csv" ]; then
    make_item alibaba alibaba alone
    make_item alibaba-meta alibaba meta
    inputs+=(alibaba alibaba-meta)
    for d in alibaba alibaba-meta; do
      echo "$d-drf --trace alibaba2018:$corpus/$d --policy drf --seed 1" >> "$runs"
      echo "$d-random-s3 --trace alibaba2018:$corpus/$d --policy random --seed 3" >> "$runs"
    done
  else
    echo "identity.sh: no Alibaba fixture in $shared (MESO_SHARED_TRACES): its 4 runs skipped" >&2
  fi
  # Google-like traces span 29 days: a timeseries row an hour, not every 10 s
  make_item g100k gen_google 1250 100000
  make_item g100k.bin convert g100k
  make_item w100k gen_native 1250 100000
  inputs+=(g100k g100k.bin w100k)
  cat >> "$runs" <<EOF
g100k-drf --trace bin:$corpus/g100k.bin --policy drf --seed 1 --sample 3600
g100k-asset --trace bin:$corpus/g100k.bin --policy asset --seed 1 --sample 3600
g100k-priority-csv --workload $corpus/g100k --policy priority --seed 1 --sample 3600
w100k-random-s5 --workload $corpus/w100k --resubmit-lost --policy random --seed 5
w100k-drf-i0.5 --workload $corpus/w100k --resubmit-lost --policy drf --seed 1 --interval 0.5
EOF
  if [ "$big" != 0 ]; then
    make_item g1m big_google
    make_item w1m gen_native 12500 1000000
    inputs+=(g1m w1m)
    cat >> "$runs" <<EOF
g1m-drf --trace bin:$corpus/g1m/g1m.bin --policy drf --seed 1 --sample 3600
w1m-drf --workload $corpus/w1m --policy drf --seed 1
EOF
  fi
}

# What meso-sim run writes (sim/README.md, "Outputs"): these four are its
# results, byte-identical for the same inputs and seed. perf.json (wall
# time, rates, peak RSS) and manifest.json (paths, cwd, commit, version,
# start time) are not compared by nature. Any other file stops the script,
# so that a new output is either hashed or excluded here on purpose.
hashed='summary.json jobs.csv timeseries.csv utilization.csv'
excluded='perf.json manifest.json'

# hash_sim SIM OUTFILE: every run of $runs, then the inputs
hash_sim() {
  local sim=$1 dest=$2 name args argv f n=0 t0 t rc
  local outs=$tmp/outs lines=$tmp/lines
  : > "$lines"
  while read -r name args; do
    rm -rf "$outs"
    mkdir -p "$outs/$name"
    t0=$(date +%s.%N)
    read -ra argv <<< "$args"
    rc=0
    "$sim" run "${argv[@]}" --quiet --out "$outs/$name" < /dev/null > "$tmp/run.log" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
      echo "identity.sh: run $name failed (exit status $rc): $sim run $args --quiet --out DIR" >&2
      tail -n 20 "$tmp/run.log" >&2
      exit 1
    fi
    t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    [ -f "$outs/$name/summary.json" ] || { echo "identity.sh: run $name wrote no summary.json" >&2; exit 1; }
    for f in "$outs/$name"/*; do
      f=${f##*/}
      case " $hashed $excluded " in
        *" $f "*) ;;
        *) echo "identity.sh: run $name wrote $f, unknown here: add it to hashed or excluded" >&2; exit 1 ;;
      esac
    done
    for f in $hashed; do
      if [ -f "$outs/$name/$f" ]; then
        (cd "$outs" && sha256sum "$name/$f") >> "$lines"
        n=$((n + 1))
      fi
    done
    echo "identity.sh: $name: $t s" >&2
  done < "$runs"
  rm -rf "$outs"
  # the corpus's own bytes: a corpus generated by another meso-trace or
  # gen-workload.py shows here, not as a mystery among the results
  (cd "$corpus" && find "${inputs[@]}" -type f -print0 | xargs -0 sha256sum |
    sed 's,  ,  input/,') >> "$lines"
  LC_ALL=C sort -k2 "$lines" > "$dest"
  echo "identity.sh: $sim: $n output files of $(wc -l < "$runs") runs, $(($(wc -l < "$lines") - n)) input files" >&2
}

sim_for_corpus=$2
make_corpus
if [ "$mode" = hash ]; then
  hash_sim "$2" "$tmp/hashes"
  cp "$tmp/hashes" "$3"
else
  hash_sim "$2" "$tmp/a"
  hash_sim "$3" "$tmp/b"
  if diff -u --label "A: $2" --label "B: $3" "$tmp/a" "$tmp/b"; then
    echo "identical ($(wc -l < "$tmp/a") files: $(grep -vc '  input/' "$tmp/a") outputs, $(grep -c '  input/' "$tmp/a") inputs)"
  else
    exit 1
  fi
fi

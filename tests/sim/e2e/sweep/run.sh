# meso-sim sweep: every combination of a config's lists, one run folder
# each; results.csv and aggregate.csv are byte-identical whatever --jobs and
# however often the sweep was interrupted (killed, or runs left half
# written): finished runs (a whole manifest) are skipped, the rest redone.
EX=$(cd "$CASE/../../../../sim/examples/small" && pwd)
# runs of ~0.1 s (a sample every 0.02 s) so that a kill lands mid-sweep
cat > "$OUT/s.conf" << CONF
# 2 policies x 4 seeds = 8 runs
workload = $EX
policy = drf, asset
seed = 1..4
sample = 0.02
CONF
"$SIM" sweep "$OUT/s.conf" --jobs 1 --out "$OUT/j1" --no-plot 2> "$OUT/j1.err" > /dev/null
"$SIM" sweep "$OUT/s.conf" --jobs 2 --out "$OUT/j2" --no-plot 2> "$OUT/j2.err" > /dev/null
cmp "$OUT/j1/results.csv" "$OUT/j2/results.csv"
cmp "$OUT/j1/aggregate.csv" "$OUT/j2/aggregate.csv"
test "$(wc -l < "$OUT/j1/results.csv")" -eq 9
json_has "$OUT/j2.err" 'sweep: 8/8 runs done (0 skipped, 0 failed)'
head -1 "$OUT/j1/results.csv" | grep -q '^run,workload,policy,seed,sample,simulated_seconds,events,' ||
	{ echo "FAIL: results.csv header" >&2; head -1 "$OUT/j1/results.csv" >&2; exit 1; }
# one row per run, in the config's order (policy slowest, seed fastest),
# metrics copied from each run's summary.json
row=$(sed -n 2p "$OUT/j1/results.csv")
case "$row" in "\"policy=drf,seed=1-"*",drf,1,0.02,"*) ;; *) echo "FAIL: first row $row" >&2; exit 1 ;; esac
dir=$(ls -d "$OUT/j1/runs/policy=asset,seed=3-"*)
launched=$(grep -o '"launched": [0-9]*' "$dir/summary.json" | cut -d' ' -f2)
# row 8 (asset, seed 3): the quoted run name is one field, so count from its end
col=$(head -1 "$OUT/j1/results.csv" | tr , '\n' | grep -n '^tasks.launched$' | cut -d: -f1)
test "$launched" = "$(sed -n 8p "$OUT/j1/results.csv" | sed 's/^"[^"]*"/run/' | cut -d, -f"$col")"
# aggregate: 2 configurations x every metric, n = 4 seeds
grep -q ',drf,0.02,tasks.submitted,4,3000,0,3000,3000$' "$OUT/j1/aggregate.csv" ||
	{ echo "FAIL: aggregate row for tasks.submitted" >&2; cat "$OUT/j1/aggregate.csv" >&2; exit 1; }

# killed in the middle (the sweep and its runs: a crash), then resumed
setsid "$SIM" sweep "$OUT/s.conf" --jobs 1 --out "$OUT/k" --no-plot > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 500); do
	[ "$(ls "$OUT"/k/runs/*/manifest.json 2> /dev/null | wc -l)" -ge 3 ] && break
	kill -0 $pid 2> /dev/null || break
	sleep 0.01
done
kill -KILL -- -$pid 2> /dev/null || true
wait $pid 2> /dev/null || true
finished=$(ls "$OUT"/k/runs/*/manifest.json 2> /dev/null | wc -l)
[ "$finished" -ge 3 ] && [ "$finished" -lt 8 ] || { echo "FAIL: the kill did not land mid-sweep ($finished runs finished)" >&2; exit 1; }
# and a run left half written by hand: its manifest lists a size its
# summary no longer has
victim=$(ls -d "$OUT/k/runs/policy=drf,seed=1-"*)
echo '{' > "$victim/summary.json"
"$SIM" sweep "$OUT/s.conf" --jobs 2 --out "$OUT/k" --no-plot 2> "$OUT/k.err" > /dev/null
cmp "$OUT/j1/results.csv" "$OUT/k/results.csv"
cmp "$OUT/j1/aggregate.csv" "$OUT/k/aggregate.csv"
# what was finished (less the damaged run) was skipped
skipped=$((finished - 1))
json_has "$OUT/k.err" "sweep: 8 runs, $skipped already done"
# and a finished sweep does nothing again
"$SIM" sweep "$OUT/s.conf" --out "$OUT/k" --no-plot 2> "$OUT/k2.err" > /dev/null
json_has "$OUT/k2.err" "sweep: 8 runs, 8 already done"
cmp "$OUT/j1/results.csv" "$OUT/k/results.csv"

# plots: one per metric that differs (gnuplot, with error bars)
"$SIM" sweep "$OUT/s.conf" --out "$OUT/j1" --quiet
test -s "$OUT/j1/plots/offers.made.png"
test -s "$OUT/j1/plots/offers.made.dat"
test ! -e "$OUT/j1/plots/tasks.submitted.png" # the same in every run

# a generated workload: gen.* keys, made once per value set
# (with the cell's standing load at t=0, or an empty start)
cat > "$OUT/g.conf" << 'CONF'
gen.machines = 20
gen.tasks = 200, 400
gen.empty-start = true, false
seed = 1, 2
out = g.out
CONF
"$SIM" sweep "$OUT/g.conf" --quiet --no-plot
test "$(ls "$OUT/g.out/workloads" | wc -l)" -eq 4
grep -q '^20,400,true,tasks.submitted,2,400,0,400,400$' "$OUT/g.out/aggregate.csv"
standing=$(grep '^20,400,false,tasks.submitted,2,' "$OUT/g.out/aggregate.csv" | cut -d, -f6)
[ "$standing" -gt 400 ] || { echo "FAIL: no standing load ($standing tasks)" >&2; exit 1; }

# bad configs say what and where
printf 'workload = x\npolicy = drf\npolicy = asset\n' > "$OUT/bad1.conf"
printf 'workload = x\nfrobnicate = 1\n' > "$OUT/bad2.conf"
printf 'policy = drf\n' > "$OUT/bad3.conf"
printf 'workload = x\nresubmit-lost = maybe\n' > "$OUT/bad4.conf"
printf 'workload = x\nseed = 5..2\n' > "$OUT/bad5.conf"
# (a path with ../ is a value, not a range)
printf 'workload = %s/../small\nseed = 3\nsample = 3600\n' "$EX" > "$OUT/dots.conf"
"$SIM" sweep "$OUT/dots.conf" --quiet --no-plot
test "$(wc -l < "$OUT/dots.sweep/results.csv")" -eq 2
set +e
for i in 1 2 3 4 5; do
	"$SIM" sweep "$OUT/bad$i.conf" 2> "$OUT/bad$i.err"
	[ $? -eq 2 ] || { echo "FAIL: bad$i.conf accepted" >&2; exit 1; }
done
set -e
json_has "$OUT/bad1.err" 'bad1.conf:3: policy is given twice (first on line 2)'
json_has "$OUT/bad2.err" "bad2.conf:2: unknown key 'frobnicate'"
json_has "$OUT/bad3.err" 'bad3.conf: no workload'
json_has "$OUT/bad4.err" "bad4.conf:2: resubmit-lost is a flag: expected true or false, got 'maybe'"
json_has "$OUT/bad5.err" 'bad5.conf:2: seed: expected a range A..B'

# a run that fails is named with its log; the others are kept; exit 1
printf 'workload = %s\npolicy = drf, bogus\n' "$EX" > "$OUT/f.conf"
set +e
"$SIM" sweep "$OUT/f.conf" --no-plot --quiet > /dev/null 2> "$OUT/f.err"; rc=$?
set -e
[ $rc -eq 1 ] || { echo "FAIL: exit $rc with a failed run" >&2; exit 1; }
json_has "$OUT/f.err" 'sweep: run policy=bogus-'
test "$(wc -l < "$OUT/f.sweep/results.csv")" -eq 2
json_has "$(ls "$OUT"/f.sweep/runs/policy=bogus-*/run.log)" "unknown policy 'bogus'"
# listed in failed.csv (attempts, exit status 2: run's bad usage); with
# --retries here too it is tried again, then given up
grep -q '^policy=bogus-[0-9a-f]*,1,2,,' "$OUT/f.sweep/failed.csv" ||
	{ echo "FAIL: failed.csv" >&2; cat "$OUT/f.sweep/failed.csv" >&2; exit 1; }
set +e
"$SIM" sweep "$OUT/f.conf" --no-plot --retries 1 > /dev/null 2> "$OUT/f2.err"; rc=$?
set -e
[ $rc -eq 1 ] || { echo "FAIL: exit $rc with a failed run, --retries 1" >&2; exit 1; }
json_has "$OUT/f2.err" 'sweep: 2 runs, 1 already done'
json_has "$OUT/f2.err" '; trying again (attempt 2 of 2)'
json_has "$OUT/f2.err" '; given up after 2 attempts'
json_has "$OUT/f2.err" 'sweep: 2/2 runs done (1 skipped, 1 failed, 1 retried)'
grep -q '^policy=bogus-[0-9a-f]*,2,2,,' "$OUT/f.sweep/failed.csv" ||
	{ echo "FAIL: failed.csv after a retry" >&2; cat "$OUT/f.sweep/failed.csv" >&2; exit 1; }
# a sweep that finishes every run leaves no failed.csv behind
printf 'workload = %s\npolicy = drf\nout = f.sweep\n' "$EX" > "$OUT/f3.conf"
"$SIM" sweep "$OUT/f3.conf" --no-plot --quiet
test ! -e "$OUT/f.sweep/failed.csv"

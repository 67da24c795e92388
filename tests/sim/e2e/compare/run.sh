# meso-sim compare: two sides (sweep rows selected by KEY=VALUE, run
# folders, a sweep config) metric by metric, Welch's t-test across seeds,
# and the CDF of task wait (tasks.csv when the runs wrote it).
cat > "$OUT/s.conf" << 'CONF'
gen.machines = 20
gen.tasks = 400
gen.empty-start = true
interval = 1, 0.5
seed = 1..3
tasks-out = true
CONF
"$SIM" sweep "$OUT/s.conf" --quiet --no-plot
"$SIM" compare "$OUT/s.sweep:interval=1" "$OUT/s.sweep:interval=0.5" --out "$OUT/c" > "$OUT/c.txt"
json_has "$OUT/c.txt" 'A: '"$OUT"'/s.sweep:interval=1 (3 runs)'
# a pass every half second instead of every second: more events in every
# seed (significant); the same tasks (identical)
grep -E '^events +[0-9.e+]+ +[0-9.e+]+ .* significant$' "$OUT/c.txt" | grep -qv 'not significant' ||
	{ echo "FAIL: events not significant" >&2; cat "$OUT/c.txt" >&2; exit 1; }
grep -qE '^tasks.submitted .* identical in every run$' "$OUT/c.txt"
grep -q '^events,3,.*,yes$' "$OUT/c/compare.csv"
# the CDF is of task waits: 3 runs x 400 tasks a side
test "$(wc -l < "$OUT/c/wait_a.dat")" -eq 1200
json_has "$OUT/c.txt" 'CDF of task wait:'
test -s "$OUT/c/wait_cdf.png"
# the config names its sweep; a run folder against a run folder: no test
"$SIM" compare "$OUT/s.conf" "$OUT/s.sweep:interval=1" --out "$OUT/c2" --no-plot > "$OUT/c2.txt"
json_has "$OUT/c2.txt" '(6 runs)'
run1=$(ls -d "$OUT"/s.sweep/runs/interval=1,seed=1-*)
run2=$(ls -d "$OUT"/s.sweep/runs/interval=1,seed=2-*)
"$SIM" compare "$run1" "$run2" --out "$OUT/c3" --no-plot > "$OUT/c3.txt"
grep -qE '^events .* one run a side: no test$' "$OUT/c3.txt"
# errors name what is wrong
set +e
"$SIM" compare "$OUT/s.sweep:policy=drf" "$run1" 2> "$OUT/e1"; r1=$?
"$SIM" compare "$OUT/nowhere" "$run1" 2> "$OUT/e2"; r2=$?
set -e
[ $r1 -eq 2 ] && [ $r2 -eq 2 ] || { echo "FAIL: exit $r1 $r2" >&2; exit 1; }
json_has "$OUT/e1" "results.csv: no column 'policy' to select by"
json_has "$OUT/e2" "$OUT/nowhere: No such file or directory"

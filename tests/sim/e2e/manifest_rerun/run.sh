# Every run writes manifest.json (command line, inputs' and outputs'
# SHA-256); `meso-sim rerun` runs it again and compares the outputs: exit 0
# when all are byte-identical, 3 (naming the file) when one differs. The
# manifest is written last: no manifest, no finished run.
EX="$CASE/../../../../sim/examples/small"
"$SIM" run --workload "$EX" --out "$OUT/a" --seed 7 --tasks-out --quiet > /dev/null
json_has "$OUT/a/manifest.json" '"argv": ["run", "--workload", '
json_has "$OUT/a/manifest.json" '"seed": 7,'
json_has "$OUT/a/manifest.json" '"policy": "drf",'
sum=$(sha256sum "$EX/tasks.csv" | cut -d' ' -f1)
json_has "$OUT/a/manifest.json" "\"sha256\": \"$sum\""
sum=$(sha256sum "$OUT/a/summary.json" | cut -d' ' -f1)
json_has "$OUT/a/manifest.json" "{\"name\": \"summary.json\", \"bytes\": $(stat -c %s "$OUT/a/summary.json"), \"sha256\": \"$sum\"}"
json_has "$OUT/a/manifest.json" '"name": "tasks.csv"'
grep -q perf.json "$OUT/a/manifest.json" && { echo "FAIL: perf.json (timings) listed as an output" >&2; exit 1; }
# rerun from elsewhere: the recorded directory is used
(cd / && "$SIM" rerun "$OUT/a" --out "$OUT/b") > "$OUT/rerun.txt"
json_has "$OUT/rerun.txt" 'every output is byte-identical'
cmp "$OUT/a/tasks.csv" "$OUT/b/tasks.csv"
# a tampered record is caught and named
sed -i 's/"name": "jobs.csv", "bytes": \([0-9]*\), "sha256": "./"name": "jobs.csv", "bytes": \1, "sha256": "X/' "$OUT/a/manifest.json"
set +e
"$SIM" rerun "$OUT/a" --out "$OUT/c" > "$OUT/rerun2.txt"
rc=$?
set -e
[ "$rc" -eq 3 ] || { echo "FAIL: rerun exit $rc for a differing output" >&2; exit 1; }
json_has "$OUT/rerun2.txt" 'jobs.csv         DIFFERS'
json_has "$OUT/rerun2.txt" 'summary.json     identical'
# no manifest: a clear error
set +e
"$SIM" rerun "$OUT/nothing" 2> "$OUT/err"; rc=$?
set -e
[ "$rc" -eq 2 ] || exit 1
json_has "$OUT/err" "$OUT/nothing/manifest.json: cannot read"

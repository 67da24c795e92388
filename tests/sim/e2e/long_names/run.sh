# Names longer than any row buffer reach tasks.csv (plain and gzip'd) and
# jobs.csv whole, one row per task: rows were once cut at 1,023 bytes,
# without their newline, so two tasks ran into one line. The DRF example's
# workload (drf_example) with job a renamed to 1,500 characters and
# framework A to 1,000 (alloccore's bound is 1,024).
J=$(printf 'J%.0s' $(seq 1500))
F=$(printf 'F%.0s' $(seq 1000))
mkdir -p "$OUT/w"
sed "s/^\\(0,\\)a,\\([0-9]*\\),A,/\\1$J,\\2,$F,/" ../drf_example/w/tasks.csv > "$OUT/w/tasks.csv"
sed "s/^A,/$F,/" ../drf_example/w/frameworks.csv > "$OUT/w/frameworks.csv"
cp ../drf_example/w/machines.csv "$OUT/w/"
grep -q "^0,$J,0,$F," "$OUT/w/tasks.csv" || { echo "FAIL: the workload was not renamed" >&2; exit 1; }
"$SIM" run --workload "$OUT/w" --out "$OUT/o" --until 200 --tasks-out --quiet > /dev/null
# 8 tasks end by t=200 (each runs 100 s): a header and 8 rows of 12 fields
[ "$(wc -l < "$OUT/o/tasks.csv")" -eq 9 ] || { cat "$OUT/o/tasks.csv" >&2; exit 1; }
[ "$(awk -F, 'NF != 12' "$OUT/o/tasks.csv" | wc -l)" -eq 0 ] || exit 1
[ "$(grep -c "^$J,[0-9],$F," "$OUT/o/tasks.csv")" -eq 4 ] || exit 1
json_has "$OUT/o/jobs.csv" "$J,$F,0,"
"$SIM" run --workload "$OUT/w" --out "$OUT/gz" --until 200 --tasks-gz --quiet > /dev/null
zcat "$OUT/gz/tasks.csv.gz" | cmp - "$OUT/o/tasks.csv"

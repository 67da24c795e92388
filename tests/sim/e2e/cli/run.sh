# --help lists every option with its default; usage errors exit 2; a missing
# file exits 1 with its name.
"$SIM" --help > "$OUT/help"
for opt in --workload --machines --tasks --frameworks --roles --policy --seed --until --sample \
	--interval --gang-hold --locality-wait --resubmit-lost --skip-bad-rows --out --plot --plot-top \
	--tasks-out --tasks-gz "meso-sim rerun" "meso-sim sweep" "meso-sim compare"; do
	json_has "$OUT/help" "$opt"
done
set +e
"$SIM" run --frobnicate 2> /dev/null; [ $? -eq 2 ] || exit 1
"$SIM" run --policy fair --workload x 2> /dev/null; [ $? -eq 2 ] || exit 1
"$SIM" run --machines /nonexistent/m.csv --tasks /nonexistent/t.csv --out "$OUT/o" 2> "$OUT/err"; [ $? -eq 1 ] || exit 1
set -e
json_has "$OUT/err" "/nonexistent/m.csv"
# An option with a value given twice is refused, naming it (which one was
# meant is not for meso-sim to guess), before anything runs; a repeated
# switch is harmless (rerun adds --quiet to commands that may have it).
exits_with 2 "$SIM" run --workload ../drf_example/w --seed 1 --seed 2 --out "$OUT/twice"
json_has "$OUT/err" "--seed is given twice"
[ ! -e "$OUT/twice/summary.json" ] || exit 1
exits_with 0 "$SIM" run --workload ../drf_example/w --quiet --quiet --out "$OUT/quiet"

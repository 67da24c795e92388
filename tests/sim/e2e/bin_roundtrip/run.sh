# Binary round trip: a workload replayed from its binary form (meso-trace
# convert, then --trace bin:FILE) gives byte-identical summary.json and
# jobs.csv to replaying the original. Three sources: the bundled CSV example
# (frameworks.csv settings), a generated Google-matched workload, and the real
# Google 2011 sample.
TRACE="$(dirname "$SIM")/../traces/meso-trace"
test -x "$TRACE" || { echo "FAIL: meso-trace not built next to $SIM" >&2; exit 1; }
ROOT="$CASE/../../../.."
# roundtrip NAME SIM_INPUT_ARGS... -- CONVERT_INPUT
roundtrip() {
	local name=$1 in=$2
	shift 2
	"$TRACE" convert "$in" "$OUT/$name.bin" > /dev/null
	"$SIM" run "$@" --out "$OUT/$name-orig" --seed 5 --quiet > /dev/null
	"$SIM" run --trace "bin:$OUT/$name.bin" --out "$OUT/$name-bin" --seed 5 --quiet > /dev/null
	for f in summary.json jobs.csv; do
		cmp "$OUT/$name-orig/$f" "$OUT/$name-bin/$f" ||
			{ echo "FAIL: $name: $f differs between the original and the binary replay" >&2; exit 1; }
	done
}
roundtrip example "$ROOT/sim/examples/small" --workload "$ROOT/sim/examples/small"
"$TRACE" gen --machines 40 --tasks 2000 --seed 9 --out "$OUT/gen" > /dev/null
roundtrip gen "$OUT/gen" --workload "$OUT/gen"
G="google2011:$ROOT/traces/samples/google2011"
roundtrip google "$G" --trace "$G"
json_has "$OUT/google-bin/summary.json" '"submitted": 4'
# meso-trace gen refuses an option given twice, naming it, and writes nothing.
exits_with 2 "$TRACE" gen --machines 40 --tasks 2000 --seed 9 --seed 10 --out "$OUT/gen2"
json_has "$OUT/err" "--seed is given twice"
[ ! -e "$OUT/gen2" ] || exit 1

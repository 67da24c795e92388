# --plot with --plot-top N: the stacked figures' data keep the N frameworks
# of largest mean dominant share (and N roles of most CPU) and fold the rest
# into one "others" column, which carries exactly their shares.
EX="$CASE/../../../../sim/examples/small"
"$SIM" run --workload "$EX" --out "$OUT" --plot --plot-top 2 --quiet > /dev/null
for f in shares.png utilization.png utilization_roles.png cdf.png; do test -s "$OUT/$f"; done
python3 - "$OUT" << 'PY'
import csv, json, sys
out = sys.argv[1]
fws = json.load(open(f"{out}/summary.json"))["frameworks"]
ranked = sorted(fws, key=lambda f: -f["mean_dominant_share"])  # stable: ties keep registration order
head = open(f"{out}/plot_shares.dat").readline().rstrip("\n").split("\t")
want = ["time"] + [f["name"] for f in ranked[:2]] + [f"others ({len(fws) - 2})"]
assert head == want, (head, want)
# every sample: the columns are the frameworks' dominant shares (in %), the
# last the sum of the others'
top = {f["name"]: i + 1 for i, f in enumerate(ranked[:2])}
ts = {}
for r in csv.DictReader(open(f"{out}/timeseries.csv")):
    row = ts.setdefault(r["time"], [0.0] * 4)
    row[top.get(r["framework"], 3)] += float(r["dominant_share"])
rows = [l.rstrip("\n").split("\t") for l in open(f"{out}/plot_shares.dat")][1:]
assert len(rows) == len(ts), (len(rows), len(ts))
for r in rows:
    for i in (1, 2, 3):
        assert abs(float(r[i]) - 100 * ts[r[0]][i]) < 1e-3, (r, ts[r[0]])
# roles: the example's frameworks all have a role; the split sums to the
# cpus utilization
util = {r["time"]: float(r["cpus"]) for r in csv.DictReader(open(f"{out}/utilization.csv"))}
for l in list(open(f"{out}/plot_roles.dat"))[1:]:
    v = l.rstrip("\n").split("\t")
    assert abs(sum(map(float, v[1:])) - 100 * util[v[0]]) < 1e-3, (v, util[v[0]])
PY
set +e
"$SIM" run --workload "$EX" --out "$OUT/x" --plot-top 0 2> "$OUT/err"; rc=$?
set -e
[ $rc -eq 2 ] && json_has "$OUT/err" "--plot-top: expected 1 to 100, got '0'"

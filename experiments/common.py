"""Shared helpers for the experiments: find and run meso-sim, write
workloads, read its outputs, write tables (CSV + Markdown) and draw
gnuplot figures. Python 3 standard library only."""
import csv
import json
import math
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.environ.get("MESO_EXP_OUT", os.path.join(HERE, "out"))
RESULTS = os.environ.get("MESO_EXP_RESULTS", os.path.join(HERE, "results"))


def meso_sim():
    """Path of meso-sim: $MESO_SIM, else build/exp's, else build's."""
    p = os.environ.get("MESO_SIM")
    if p:
        return p
    for b in ("build-exp", "build"):
        c = os.path.join(ROOT, b, "sim", "meso-sim")
        if os.path.exists(c):
            return c
    sys.exit("meso-sim not found: run `make experiments` or set MESO_SIM")


def meso_trace():
    """Path of meso-trace: $MESO_TRACE, else beside meso-sim's build, else
    build-exp's, else build's."""
    p = os.environ.get("MESO_TRACE")
    if p:
        return p
    cands = []
    if os.environ.get("MESO_SIM"):
        cands.append(os.path.join(os.path.dirname(os.path.dirname(os.environ["MESO_SIM"])), "traces", "meso-trace"))
    cands += [os.path.join(ROOT, b, "traces", "meso-trace") for b in ("build-exp", "build")]
    for c in cands:
        if os.path.exists(c):
            return c
    sys.exit("meso-trace not found: `cmake --build build-exp -j1 --target meso-trace` or set MESO_TRACE")


def gen_trace(machines, tasks, d, seed=1):
    """`meso-trace gen` into d (skipped when d/tasks.csv exists)."""
    if not os.path.exists(os.path.join(d, "tasks.csv")):
        subprocess.run([meso_trace(), "gen", "--machines", str(machines), "--tasks", str(tasks), "--seed",
                        str(seed), "--out", d], check=True, stdout=subprocess.DEVNULL)
    return d


def convert_trace(src, out_bin):
    """`meso-trace convert src out_bin` (always redone: the source may have changed)."""
    subprocess.run([meso_trace(), "convert", src, out_bin], check=True, stdout=subprocess.DEVNULL)
    return out_bin


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def secs(x):
    """Seconds as the workload format wants them (at most 9 decimals)."""
    s = "%.9f" % x
    s = s.rstrip("0").rstrip(".")
    return s if s else "0"


def write_workload(d, machines, tasks, frameworks=None):
    """machines: (time, id, event, cpus, mem); tasks: dicts with the
    tasks.csv columns; frameworks: dicts with frameworks.csv columns."""
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    write_csv(os.path.join(d, "machines.csv"), ["time", "machine_id", "event", "cpus", "mem"],
              [(secs(t), i, e, c, m) for (t, i, e, c, m) in machines])
    cols = ["submit_time", "job_id", "task_index", "framework", "cpus", "mem", "duration"]
    extra = [c for c in ("gang", "locality") if any(c in t for t in tasks)]
    cols += extra
    rows = []
    for t in tasks:
        r = [secs(t["submit_time"]), t["job_id"], t["task_index"], t["framework"], t["cpus"], t["mem"],
             secs(t["duration"])]
        r += [t.get(c, "") for c in extra]
        rows.append(r)
    write_csv(os.path.join(d, "tasks.csv"), cols, rows)
    if frameworks:
        fcols = ["framework"] + [c for c in ("weight", "tasks_per_offer", "decision_latency", "refuse_seconds")
                                 if any(c in f for f in frameworks)]
        write_csv(os.path.join(d, "frameworks.csv"), fcols,
                  [[f.get(c, "") for c in fcols] for f in frameworks])


def _run(source, out, args):
    """Runs meso-sim on a source (["--workload", DIR] or ["--trace", SPEC]);
    returns (summary, perf)."""
    cmd = [meso_sim(), "run"] + source + ["--out", out, "--quiet"] + [str(a) for a in args]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("meso-sim failed (%d): %s\n%s" % (r.returncode, " ".join(cmd), r.stderr))
    with open(os.path.join(out, "summary.json")) as f:
        sm = json.load(f)
    with open(os.path.join(out, "perf.json")) as f:
        return sm, json.load(f)


def run_sim(workload, out, *args):
    """Runs meso-sim on a workload directory; returns the parsed summary."""
    return _run(["--workload", workload], out, args)[0]


def run_trace(spec, out, *args):
    """Runs meso-sim on --trace KIND:PATH; returns (summary, perf)."""
    return _run(["--trace", spec], out, args)


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out) + "\n"


def write_table(name, header, rows, title=None, notes=None):
    """Writes results/NAME.csv and results/NAME.md; returns the Markdown."""
    write_csv(os.path.join(RESULTS, name + ".csv"), header, rows)
    md = ""
    if title:
        md += "### " + title + "\n\n"
    md += md_table(header, rows)
    if notes:
        md += "\n" + notes.strip() + "\n"
    with open(os.path.join(RESULTS, name + ".md"), "w") as f:
        f.write(md)
    return md


def gnuplot(script, cwd=None):
    """Runs a gnuplot script given as text (png output set by the caller)."""
    r = subprocess.run(["gnuplot"], input=script, text=True, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit("gnuplot failed:\n" + r.stderr + "\n" + script)


PNG = "set terminal pngcairo size 900,560 font 'DejaVu Sans,11'\n"


def mean_ci(xs):
    """Mean and the half-width of a 95% confidence interval (Student t)."""
    n = len(xs)
    m = sum(xs) / n
    if n < 2:
        return m, float("nan")
    var = sum((x - m) ** 2 for x in xs) / (n - 1)
    # two-sided 95% t quantiles for small n; 1.96 beyond
    t = {2: 12.706, 3: 4.303, 4: 3.182, 5: 2.776, 6: 2.571, 7: 2.447, 8: 2.365, 9: 2.306, 10: 2.262,
         12: 2.201, 15: 2.145, 20: 2.093, 25: 2.064, 30: 2.045, 40: 2.023, 50: 2.010}
    q = t.get(n) or (1.96 if n > 50 else t[max(k for k in t if k <= n)])
    return m, q * math.sqrt(var / n)


def fmt(x, nd=3):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return ("%." + str(nd) + "f") % x

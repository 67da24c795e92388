#!/usr/bin/env python3
"""Experiment 6: what a replay costs as the cluster and the workload grow.

Workloads from traces/tools/gen-workload.py (Poisson job arrivals paced to
80% offered CPU load, durations exponential with mean 300 s, four
frameworks; the shape of BENCHMARKS.md's "Simulator" runs), replayed under
drf. Two sweeps: tasks grow with the cluster (the load stays 80%), and
tasks grow on a fixed cluster of 1,250 machines (the replay gets longer in
simulated time). Wall time and peak memory come from meso-sim's perf.json,
so they depend on the machine (this one: 2 shared cores); the table says
which run was which.

The issue asks for up to 12,500 machines and 25 million tasks "if memory
allows". Memory would (peak RSS grows about linearly: see the table), time
does not within `make experiments`: the 1 M-task replay takes tens of
seconds, so 25 M would take over ten minutes. `--big` adds 12,500
machines x 5 M tasks.

Usage: exp6_scale.py [--big]
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C

GEN = os.path.join(C.ROOT, "traces", "tools", "gen-workload.py")
GROW = [(125, 10000), (1250, 100000), (3125, 250000), (12500, 1000000)]
FIXED = [(1250, 10000), (1250, 30000), (1250, 100000), (1250, 300000)]


def run(machines, tasks, outdir):
    w = os.path.join(outdir, "w-%d-%d" % (machines, tasks))
    if not os.path.exists(os.path.join(w, "tasks.csv")):
        subprocess.run([sys.executable, GEN, "--machines", str(machines), "--tasks", str(tasks), "--seed", "1",
                        "--out", w], check=True)
    o = os.path.join(outdir, "o-%d-%d" % (machines, tasks))
    s = C.run_sim(w, o, "--policy", "drf")
    with open(os.path.join(o, "perf.json")) as f:
        p = json.load(f)
    return s, p


def main():
    big = "--big" in sys.argv
    outdir = os.path.join(C.OUT, "exp6")
    os.makedirs(outdir, exist_ok=True)
    header = ["sweep", "machines", "tasks", "simulated s", "events", "offers", "wall s", "events/s", "offers/s",
              "peak RSS MB"]
    rows, pts = [], {"grow": [], "fixed": []}
    sweeps = [("grow", GROW + ([(12500, 5000000)] if big else [])), ("fixed", FIXED)]
    for name, sizes in sweeps:
        for (m, t) in sizes:
            s, p = run(m, t, outdir)
            rows.append([name, m, t, "%.0f" % s["simulated_seconds"], s["events"], s["offers"]["made"],
                         "%.2f" % p["wall_seconds"], "%.0f" % p["events_per_second"],
                         "%.0f" % p["offers_per_second"], "%.1f" % p["peak_rss_mb"]])
            pts[name].append((t, p["wall_seconds"], p["peak_rss_mb"]))
            print("%s %d machines %d tasks: %.2f s, %.1f MB" % (name, m, t, p["wall_seconds"], p["peak_rss_mb"]))
    md = C.write_table("exp6_scale", header, rows, title="Experiment 6: replay cost vs cluster and workload size",
                       notes="Wall time and memory depend on the machine (2 shared cores); rerun to compare.")
    print(md)
    for name in pts:
        with open(os.path.join(outdir, "%s.dat" % name), "w") as f:
            for (t, wall, rss) in pts[name]:
                f.write("%d %.3f %.1f\n" % (t, wall, rss))
    C.gnuplot(C.PNG + """
set output '%s'
set multiplot layout 1,2
set logscale xy
set grid
set key bottom right
set xlabel 'tasks in the workload'
set ylabel 'wall time (s)'
set title 'Replay wall time'
plot '%s' using 1:2 with linespoints lw 2 title 'machines grow with tasks (80%% load)', \\
     '%s' using 1:2 with linespoints lw 2 title '1,250 machines'
set ylabel 'peak RSS (MB)'
set title 'Replay peak memory'
plot '%s' using 1:3 with linespoints lw 2 title 'machines grow with tasks (80%% load)', \\
     '%s' using 1:3 with linespoints lw 2 title '1,250 machines'
unset multiplot
""" % (os.path.join(C.RESULTS, "exp6_scale.png"), os.path.join(outdir, "grow.dat"),
       os.path.join(outdir, "fixed.dat"), os.path.join(outdir, "grow.dat"), os.path.join(outdir, "fixed.dat")))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Experiment 5: allocation policies on real traces in meso-sim.

Google cluster-data 2011 sample (traces/samples/google2011: 125 jobs, 4,324
tasks, 24 users = frameworks) replayed under drf, priority, asset, random and
static partitioning. On the full 12,583-machine cluster it uses 0.1% of the
CPUs and every policy gives the same result, so the script shrinks the
cluster (ours): N machines in the proportions of the 10 documented 2011
machine classes, written as a Google machine_events file next to a link to
the sample's task_events (in experiments/out/, not committed). N = 25 and 50.

Alibaba 2018 (research-only, never copied into the repository): when
../shared/traces/alibaba2018_batch_task_selected_dags.csv exists it is
linked as batch_task.csv in experiments/out/ with a 20-machine machine_meta
(96 cores each, ours) and replayed once under drf; only derived numbers go
to results/. Skipped with a message when absent.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C

GOOGLE = os.path.join(C.ROOT, "traces", "samples", "google2011", "task_events")
ALIBABA = os.path.normpath(os.path.join(C.ROOT, "..", "shared", "traces",
                                        "alibaba2018_batch_task_selected_dags.csv"))
POLICIES = ("drf", "priority", "asset", "random", "static")
SIZES = (25, 50)
# (count, normalized cpu, normalized mem) of the 2011 machine classes (README-formats.md 7.1)
CLASSES = [(6732, "0.50", "0.4995"), (3863, "0.50", "0.2493"), (1001, "0.50", "0.749"), (795, "1.00", "1.0"),
           (126, "0.25", "0.2498"), (52, "0.50", "0.1241"), (5, "0.50", "0.03085"), (5, "0.50", "0.9678"),
           (3, "1.00", "0.5"), (1, "0.50", "0.06158")]


def google_dir(n, outdir):
    """A google2011 DIR: link to the sample's task_events + n machines."""
    tot = sum(c[0] for c in CLASSES)
    cnt = [c[0] * n // tot for c in CLASSES]
    rem = [c[0] * n % tot for c in CLASSES]
    while sum(cnt) < n:  # largest remainder, ties to the larger class (as the reader does)
        b = max(range(len(CLASSES)), key=lambda i: (rem[i], -i))
        cnt[b] += 1
        rem[b] = -1
    d = os.path.join(outdir, "google-%d" % n)
    os.makedirs(os.path.join(d, "machine_events"), exist_ok=True)
    link = os.path.join(d, "task_events")
    if not os.path.islink(link):
        os.symlink(GOOGLE, link)
    with open(os.path.join(d, "machine_events", "part-00000-of-00001.csv"), "w") as f:
        i = 1
        for k, (_, cpu, mem) in enumerate(CLASSES):
            for _ in range(cnt[k]):
                f.write("0,%d,0,,%s,%s\n" % (i, cpu, mem))
                i += 1
    return d


def run_trace(spec, out, policy):
    cmd = [C.meso_sim(), "run", "--trace", spec, "--out", out, "--quiet", "--policy", policy, "--seed", 1]
    import subprocess
    r = subprocess.run([str(a) for a in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("meso-sim failed: %s\n%s" % (" ".join(map(str, cmd)), r.stderr))
    with open(os.path.join(out, "summary.json")) as f:
        sm = json.load(f)
    with open(os.path.join(out, "perf.json")) as f:
        perf = json.load(f)
    jobs = sorted(float(j["finish"]) - float(j["submit"]) for j in C.read_csv(os.path.join(out, "jobs.csv"))
                  if j["finish"])
    return sm, perf, jobs


def row(trace, n, policy, sm, perf):
    jc, tw = sm["job_completion_seconds"], sm["task_wait_seconds"]
    f = lambda x, nd=0: C.fmt(x, nd) if x is not None else "—"
    return [trace, n, policy, sm["jobs"]["finished"], f(jc["mean"]), f(jc["p50"]), f(jc["p95"]), f(jc["p99"]),
            f(tw["mean"], 1), f(tw["p50"], 1), f(tw["p95"], 1), f(sm["utilization"]["cpus"], 3),
            f(sm["utilization"]["mem"], 3), f(sm["jain_fairness"], 4), f(sm["simulated_seconds"])]


def main():
    outdir = os.path.join(C.OUT, "exp5")
    os.makedirs(outdir, exist_ok=True)
    rows = []
    cdf = {}
    for n in SIZES:
        d = google_dir(n, outdir)
        for p in POLICIES:
            sm, perf, jobs = run_trace("google2011:" + d, os.path.join(outdir, "g%d-%s" % (n, p)), p)
            rows.append(row("google2011 sample", n, p, sm, perf))
            cdf[(n, p)] = jobs
    if os.path.exists(ALIBABA):
        d = os.path.join(outdir, "alibaba-20")
        os.makedirs(d, exist_ok=True)
        link = os.path.join(d, "batch_task.csv")
        if not os.path.islink(link):
            os.symlink(ALIBABA, link)
        with open(os.path.join(d, "machine_meta.csv"), "w") as f:
            for i in range(1, 21):
                f.write("m_%d,0,1,1,96,100,USING\n" % i)
        print("exp5: alibaba2018 sample found; one drf run on 20 machines (~100 s)")
        sm, perf, _ = run_trace("alibaba2018:" + d, os.path.join(outdir, "a20-drf"), "drf")
        rows.append(row("alibaba2018 selected DAGs", 20, "drf (one framework: all policies alike)", sm, perf))
        print("exp5: alibaba2018 run: %.1f s wall, peak RSS %.0f MB" % (perf["wall_seconds"], perf["peak_rss_mb"]))
    else:
        print("exp5: %s absent: Alibaba 2018 run skipped (research-only trace, not bundled)" % ALIBABA)
    header = ["trace", "machines", "policy", "jobs finished", "job completion mean (s)", "p50 (s)", "p95 (s)",
              "p99 (s)", "task wait mean (s)", "p50 (s)", "p95 (s)", "util. CPU", "util. mem",
              "Jain (mean dom. shares)", "makespan (s)"]
    md = C.write_table("exp5_traces", header, rows, title="Experiment 5: policies on real traces (seed 1)")
    print(md)
    # CDF of job completion times, google sample, smallest cluster
    n = SIZES[0]
    plots = []
    for i, p in enumerate(POLICIES):
        dat = os.path.join(outdir, "cdf-%d-%s.dat" % (n, p))
        js = cdf[(n, p)]
        with open(dat, "w") as f:
            for k, x in enumerate(js):
                f.write("%.3f %.5f\n" % (max(x, 1e-3), (k + 1) / len(js)))
        col = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#000000")[i]
        plots.append("'%s' using 1:2 with steps lw 2 dt %d lc rgb '%s' title '%s'" % (dat, 1 + i, col, p))
    C.gnuplot(C.PNG + """
set output '%s'
set title 'Google 2011 sample (125 jobs, 24 users) on %d machines: job completion time CDF'
set xlabel 'job completion time, submit to last task end (s, log scale)'
set ylabel 'fraction of jobs'
set logscale x
set yrange [0:1]
set grid
set key bottom right
plot %s
""" % (os.path.join(C.RESULTS, "exp5_google_cdf.png"), n, ", \\\n     ".join(plots)))


if __name__ == "__main__":
    main()

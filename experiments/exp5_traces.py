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

Generated Google-like trace: `meso-trace gen --machines 1250 --tasks 100000
--seed 1`, a 1/10-scale Google cell (12,583 machines in 2011; the generator
scales job arrivals to the machine count, so the load per machine is the
cell's). A frameworks.csv lists the generator's users (one framework each,
registered up front, so static partitioning can slice the machines) with
the priority most of the user's jobs have (ours: the generator draws
priority per job). Converted to the binary form and replayed under the five
policies with --sample 3600 (the trace spans about 29 simulated days).
`--full` replays the full-scale 12,500-machine / 1 M-task trace instead
(35-160 s per policy on a shared 2-core VM; static partitioning is not
run there: 926 users, one core each).

Usage: exp5_traces.py [--full]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C

GOOGLE = os.path.join(C.ROOT, "traces", "samples", "google2011", "task_events")
# the project's shared folder: beside the checkout, or $MESO_SHARED (a
# worktree elsewhere)
ALIBABA = os.path.join(os.environ.get("MESO_SHARED", os.path.normpath(os.path.join(C.ROOT, "..", "shared"))),
                       "traces", "alibaba2018_batch_task_selected_dags.csv")
POLICIES = ("drf", "priority", "asset", "random", "static")
SIZES = (25, 50)
GEN = (1250, 100000)        # 1/10 of a Google cell
GEN_FULL = (12500, 1000000)  # --full
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


def run_trace(spec, out, policy, *args):
    sm, perf = C.run_trace(spec, out, "--policy", policy, "--seed", 1, *args)
    jobs = C.read_csv(os.path.join(out, "jobs.csv"))
    jc = sorted(float(j["finish"]) - float(j["submit"]) for j in jobs if j["finish"])
    wait = sorted(float(j["wait"]) for j in jobs if j["wait"])
    return sm, perf, (jc, wait, jobs)


def gen_dir(machines, tasks, outdir):
    """The generated trace, a frameworks.csv of its users, and its binary form."""
    d = C.gen_trace(machines, tasks, os.path.join(outdir, "gen-%d-%d" % (machines, tasks)))
    prio, order = {}, []
    for t in C.read_csv(os.path.join(d, "tasks.csv")):
        u = t["framework"]
        if u not in prio:
            prio[u] = {}
            order.append(u)
        if t["task_index"] == "0":  # one count per job
            p = int(t.get("priority") or 0)
            prio[u][p] = prio[u].get(p, 0) + 1
    # a user's priority: the one most of its jobs have (ties to the higher)
    best = {u: max(prio[u].items(), key=lambda kv: (kv[1], kv[0]))[0] for u in order}
    C.write_csv(os.path.join(d, "frameworks.csv"), ["framework", "priority"], [(u, best[u]) for u in order])
    return C.convert_trace(d, d + ".bin"), best


def prio_wait(jobs, best, p):
    """Mean job wait (submit to first start) of the jobs of users with priority p."""
    w = [float(j["wait"]) for j in jobs if j["wait"] and best.get(j["framework"]) == p]
    return sum(w) / len(w) if w else None


def row(trace, n, policy, sm, perf, p9=None):
    jc, tw = sm["job_completion_seconds"], sm["task_wait_seconds"]
    f = lambda x, nd=0: C.fmt(x, nd) if x is not None else "—"
    return [trace, n, policy, sm["jobs"]["finished"], f(jc["mean"]), f(jc["p50"]), f(jc["p95"]), f(jc["p99"]),
            f(tw["mean"], 1), f(tw["p50"], 1), f(tw["p95"], 1), f(sm["utilization"]["cpus"], 3),
            f(sm["utilization"]["mem"], 3), f(sm["jain_fairness"], 4), f(sm["simulated_seconds"]),
            sm["offers"]["made"], sm["offers"]["declined"], f(sm["offers"]["made"] / max(1, sm["tasks"]["launched"]), 1),
            f(p9, 1)]


def plot_cdfs(png, title, cdf):
    """Two panels: job completion and job wait CDFs, one line per policy."""
    plots = ([], [])
    for i, p in enumerate(POLICIES):
        if p not in cdf:
            continue
        for k, (xs, dat) in enumerate(((cdf[p][0], cdf[p][2] + "-jc.dat"), (cdf[p][1], cdf[p][2] + "-wait.dat"))):
            with open(dat, "w") as f:
                for r, x in enumerate(xs):
                    f.write("%.4f %.5f\n" % (max(x, 1e-3), (r + 1) / len(xs)))
            col = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#000000")[i]
            plots[k].append("'%s' using 1:2 with steps lw 2 dt %d lc rgb '%s' title '%s'" % (dat, 1 + i, col, p))
    C.gnuplot("""set terminal pngcairo size 1300,560 font 'DejaVu Sans,11'
set output '%s'
set multiplot layout 1,2 title '%s'
set logscale x
set format x '10^{%%L}'
set yrange [0:1]
set grid
set key bottom right
set ylabel 'fraction of jobs'
set xlabel 'job completion time, submit to last task end (s, log scale)'
set title 'job completion time CDF'
plot %s
set xlabel 'job wait, submit to first task start (s, log scale; 0 drawn at 10^{-3})'
set title 'job wait CDF'
plot %s
unset multiplot
""" % (png, title, ", \\\n     ".join(plots[0]), ", \\\n     ".join(plots[1])))


def main():
    full = "--full" in sys.argv
    outdir = os.path.join(C.OUT, "exp5")
    os.makedirs(outdir, exist_ok=True)
    rows = []
    cdf = {}
    for n in SIZES:
        d = google_dir(n, outdir)
        for p in POLICIES:
            o = os.path.join(outdir, "g%d-%s" % (n, p))
            sm, perf, c = run_trace("google2011:" + d, o, p)
            rows.append(row("google2011 sample", n, p, sm, perf))
            cdf[(n, p)] = (c[0], c[1], o)
    if os.path.exists(ALIBABA):
        d = os.path.join(outdir, "alibaba-20")
        os.makedirs(d, exist_ok=True)
        link = os.path.join(d, "batch_task.csv")
        if not os.path.islink(link):
            os.symlink(ALIBABA, link)
        with open(os.path.join(d, "machine_meta.csv"), "w") as f:
            for i in range(1, 21):
                f.write("m_%d,0,1,1,96,100,USING\n" % i)
        print("exp5: alibaba2018 sample found; one drf run on 20 machines (~25 s)")
        sm, perf, _ = run_trace("alibaba2018:" + d, os.path.join(outdir, "a20-drf"), "drf")
        rows.append(row("alibaba2018 selected DAGs", 20, "drf (one framework: all policies alike)", sm, perf))
        print("exp5: alibaba2018 run: %.1f s wall, peak RSS %.0f MB" % (perf["wall_seconds"], perf["peak_rss_mb"]))
    else:
        print("exp5: %s absent: Alibaba 2018 run skipped (research-only trace, not bundled)" % ALIBABA)
    gm, gt = GEN_FULL if full else GEN
    binf, best = gen_dir(gm, gt, outdir)
    name = "generated Google-like (%s)" % ("full scale" if full else "1/10 cell")
    gcdf = {}
    for p in POLICIES:
        if full and p == "static":
            print("exp5: --full: static partitioning not run (%d users; see EXPERIMENTS.md)" % len(best))
            continue
        o = os.path.join(outdir, "gen%d-%s" % (gm, p))
        sm, perf, c = run_trace("bin:" + binf, o, p, "--sample", 3600)
        rows.append(row(name, gm, p, sm, perf, prio_wait(c[2], best, 9)))
        gcdf[p] = (c[0], c[1], o)
        print("exp5: generated %d machines, %s: %.1f s wall" % (gm, p, perf["wall_seconds"]))
    header = ["trace", "machines", "policy", "jobs finished", "job completion mean (s)", "p50 (s)", "p95 (s)",
              "p99 (s)", "task wait mean (s)", "p50 (s)", "p95 (s)", "util. CPU", "util. mem",
              "Jain (mean dom. shares)", "simulated s (makespan)", "offers made", "offers declined",
              "offers per task launched", "job wait mean, priority-9 users (s)"]
    md = C.write_table("exp5_traces_full" if full else "exp5_traces", header, rows,
                       title="Experiment 5: policies on real and generated traces (seed 1)")
    print(md)
    n = SIZES[0]
    plot_cdfs(os.path.join(C.RESULTS, "exp5_google_cdf.png"),
              "Google 2011 sample (125 jobs, 24 users) on %d machines" % n,
              {p: cdf[(n, p)] for p in POLICIES})
    plot_cdfs(os.path.join(C.RESULTS, "exp5_generated_full_cdf.png" if full else "exp5_generated_cdf.png"),
              "generated Google-like trace: %d machines, %d tasks, %d jobs, %d users" %
              (gm, gt, len(gcdf["drf"][0]), len(best)), gcdf)


if __name__ == "__main__":
    main()

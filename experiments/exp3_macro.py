#!/usr/bin/env python3
"""Experiment 3: sharing vs static partitioning (Mesos paper, section 6.1,
Tables 3-5, Figures 5-7) in meso-sim.

96 machines of 4 CPUs / 15 GB; four frameworks with the paper's workload
shapes (Table 3 Facebook mix, ten 2400-task large Hadoop jobs one after the
other, five Spark ALS runs each 2 min after the previous one ended, eight
24-task rigid Torque/MPI jobs), run once under DRF sharing and once under
static partitioning (24 machines each, `--policy static`).

What the paper does not give is chosen here and marked as ours: task
durations and sizes (set so that a job alone on its static slice takes about
Table 5's static time), and submit times (seeded).

meso-sim submits jobs at fixed times only; "submit job i+1 when job i ends"
(large Hadoop, Spark) is emulated by re-running: each pass adds the chained
job whose predecessor finished earliest, at that finish (+ gap). Because a
run up to time t depends only on inputs submitted before t, the result is
exactly the closed-loop schedule. Spark iterations are separate jobs chained
the same way (an iteration cannot start before the previous one ends).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C

NM, CPUS, MEM = 96, 4, 15360
FWS = ["facebook", "large", "spark", "torque"]
# Table 3 bins: (bin, type, maps, reduces, jobs); durations (map s, reduce s) are ours
BINS = [(1, "selection", 1, 0, 38, 20, 0), (2, "text search", 2, 0, 18, 28, 0),
        (3, "aggregation", 10, 2, 14, 25, 70), (4, "selection", 50, 0, 12, 20, 0),
        (5, "aggregation", 100, 10, 6, 20, 60), (6, "selection", 200, 0, 6, 20, 0),
        (7, "text search", 400, 0, 4, 15, 0), (8, "join", 400, 30, 2, 20, 120)]
HMEM = 1536      # Hadoop task: 1 CPU, 1.5 GB
SPARK_MEM = 3072  # Spark caches its input: 1 CPU, 3 GB
TORQUE_MEM = 1024
LARGE_TASKS, LARGE_DUR = 2400, 12
SPARK_RUNS, SPARK_ITERS, SPARK_TASKS, SPARK_DUR, SPARK_GAP = 5, 10, 120, 15, 120
TORQUE = [("small", 0, 250), ("large", 60, 800), ("small", 250, 250), ("small", 500, 250),
          ("small", 750, 250), ("large", 900, 800), ("small", 1100, 250), ("small", 1300, 250)]

PAPER4 = {"facebook": (7235, 6319, 1.14), "large": (3143, 1494, 2.10), "spark": (1684, 1338, 1.26),
          "torque": (3210, 3352, 0.96)}
PAPER5 = [("facebook", "selection (1)", 24, 0.84), ("facebook", "text search (2)", 31, 0.90),
          ("facebook", "aggregation (3)", 82, 0.94), ("facebook", "selection (4)", 65, 1.40),
          ("facebook", "aggregation (5)", 192, 1.26), ("facebook", "selection (6)", 136, 1.71),
          ("facebook", "text search (7)", 137, 2.14), ("facebook", "join (8)", 662, 1.35),
          ("large", "text search", 314, 2.21), ("spark", "ALS", 337, 1.36),
          ("torque", "small tachyon", 261, 0.91), ("torque", "large tachyon", 822, 0.88)]


def fixed_jobs():
    """Facebook mix and Torque: (job_id, type, submit, [(cpus, mem, dur)], gang)."""
    rnd = random.Random("exp3-facebook")
    kinds = [b for b in BINS for _ in range(b[4])]
    rnd.shuffle(kinds)
    jobs, t = [], 0.0
    for i, b in enumerate(kinds):
        t += rnd.expovariate(1 / 14.0)
        tasks = [(1, HMEM, b[5] * rnd.uniform(0.8, 1.2)) for _ in range(b[2])]
        tasks += [(1, HMEM, b[6] * rnd.uniform(0.8, 1.2)) for _ in range(b[3])]
        jobs.append(("fb%03d" % i, "facebook", "%s (%d)" % (b[1], b[0]), t, tasks, 0))
    for i, (size, at, dur) in enumerate(TORQUE):
        jobs.append(("mpi%d" % i, "torque", "%s tachyon" % size, float(at),
                     [(1, TORQUE_MEM, dur)] * 24, 1))
    return jobs


def chains():
    """Chained jobs: list of chains, each a list of (job_id, fw, type, gap, tasks, group)."""
    rnd = random.Random("exp3-chains")
    large = [("large%d" % i, "large", "text search", 0.0,
              [(1, HMEM, LARGE_DUR * rnd.uniform(0.8, 1.2)) for _ in range(LARGE_TASKS)], "large%d" % i)
             for i in range(10)]
    spark = []
    for r in range(SPARK_RUNS):
        for it in range(SPARK_ITERS):
            gap = SPARK_GAP if (it == 0 and r > 0) else 0.0
            spark.append(("als%d_%02d" % (r, it), "spark", "ALS", gap,
                          [(1, SPARK_MEM, SPARK_DUR * rnd.uniform(0.8, 1.2)) for _ in range(SPARK_TASKS)],
                          "als%d" % r))
    return [large, spark]


def write(d, jobs):
    machines = [(0, "m%02d" % i, "add", CPUS, MEM) for i in range(NM)]
    tasks = []
    for (jid, fw, _, at, tl, gang) in sorted(jobs, key=lambda j: (j[3], j[0])):
        for i, (c, m, dur) in enumerate(tl):
            tasks.append(dict(submit_time=at, job_id=jid, task_index=i, framework=fw, cpus=c, mem=m,
                              duration=dur, gang=gang))
    fws = [dict(framework=f, tasks_per_offer=0, decision_latency=0, refuse_seconds=1) for f in FWS]
    C.write_workload(d, machines, tasks, fws)


def closed_loop(policy, base):
    """Runs meso-sim repeatedly, adding one chained job per pass (see above)."""
    fixed = fixed_jobs()
    ch = chains()
    placed = [[] for _ in ch]   # jobs placed per chain: (job tuple with submit)
    nxt = [0] * len(ch)
    # first job of every chain at time 0
    for c in range(len(ch)):
        j = ch[c][0]
        placed[c].append((j[0], j[1], j[2], 0.0, j[4], 0))
        nxt[c] = 1
    passes = 0
    while True:
        wl, out = os.path.join(base, "workload"), os.path.join(base, "sim")
        write(wl, fixed + [j for p in placed for j in p])
        C.run_sim(wl, out, "--policy", policy, "--seed", 1, "--sample", 5)
        passes += 1
        jobs = {r["job_id"]: r for r in C.read_csv(os.path.join(out, "jobs.csv"))}
        cand = []
        for c in range(len(ch)):
            if nxt[c] < len(ch[c]):
                last = placed[c][-1][0]
                cand.append((float(jobs[last]["finish"]) + ch[c][nxt[c]][3], c))
        if not cand:
            return jobs, out, passes
        t, c = min(cand)
        j = ch[c][nxt[c]]
        placed[c].append((j[0], j[1], j[2], t, j[4], 0))
        nxt[c] += 1


def main():
    base = os.path.join(C.OUT, "exp3")
    res, outs = {}, {}
    types = {}
    for j in fixed_jobs():
        types[j[0]] = (j[1], j[2], j[0])
    for ch in chains():
        for j in ch:
            types[j[0]] = (j[1], j[2], j[5])
    for policy in ("static", "drf"):
        jobs, out, passes = closed_loop(policy, os.path.join(base, policy))
        summ = C.run_sim(os.path.join(base, policy, "workload"), out, "--policy", policy, "--seed", 1,
                         "--sample", 5)
        # group: a Spark run (10 iterations) and every other job is one unit
        groups = {}
        for jid, r in jobs.items():
            fw, typ, grp = types[jid]
            g = groups.setdefault(grp, [fw, typ, float("inf"), 0.0])
            g[2] = min(g[2], float(r["submit"]))
            g[3] = max(g[3], float(r["finish"]))
        res[policy] = (groups, summ, passes)
        outs[policy] = out
        print("exp3: %s done in %d passes, %.0f s simulated" % (policy, passes, summ["simulated_seconds"]))
    gs, gd = res["static"][0], res["drf"][0]
    rows4 = []
    for fw in FWS:
        st = sum(g[3] - g[2] for g in gs.values() if g[0] == fw)
        me = sum(g[3] - g[2] for g in gd.values() if g[0] == fw)
        p = PAPER4[fw]
        rows4.append([fw, "%.0f" % st, "%.0f" % me, "%.2f" % (st / me), p[0], p[1], "%.2f" % p[2]])
    md4 = C.write_table("exp3_table4", ["framework", "ours: sum of job times, static (s)",
                                         "ours: sharing (DRF) (s)", "ours: speedup", "paper: static (s)",
                                         "paper: Mesos (s)", "paper: speedup"], rows4,
                        title="Experiment 3a: per-framework sum of job running times (paper Table 4)")
    rows5 = []
    for fw, typ, pst, psp in PAPER5:
        t0 = typ.split(" (")[0] if fw != "facebook" else typ
        keys = [k for k, g in gs.items() if g[0] == fw and g[1] == t0]
        st = [gs[k][3] - gs[k][2] for k in keys]
        sp = [(gs[k][3] - gs[k][2]) / (gd[k][3] - gd[k][2]) for k in keys]
        rows5.append([fw, typ, len(keys), "%.0f" % (sum(st) / len(st)), "%.2f" % (sum(sp) / len(sp)), pst,
                      "%.2f" % psp])
    md5 = C.write_table("exp3_table5", ["framework", "job type", "jobs", "ours: mean time static (s)",
                                         "ours: mean speedup", "paper: static (s)", "paper: speedup"], rows5,
                        title="Experiment 3b: per job type (paper Table 5); speedup = mean over jobs of "
                              "static time / sharing time")
    su, du = res["static"][1]["utilization"], res["drf"][1]["utilization"]

    def window(p, col, t1=1600.0):
        xs = [float(r[col]) for r in C.read_csv(os.path.join(outs[p], "utilization.csv"))
              if float(r["time"]) < t1]
        return sum(xs) / len(xs)
    ws = {(p, c): window(p, c) for p in ("static", "drf") for c in ("cpus", "mem")}
    rows7 = []
    for c, paper in (("cpus", "+10% (absolute levels figure-only)"), ("mem", "+17% (absolute levels figure-only)")):
        a, b = ws[("static", c)], ws[("drf", c)]
        rows7.append([c + ", first 1600 s", "%.3f" % a, "%.3f" % b, "%+.1f" % (100 * (b - a)),
                      "%+.0f%%" % (100 * (b - a) / a), paper])
        rows7.append([c + ", whole run", "%.3f" % su[c], "%.3f" % du[c], "%+.1f" % (100 * (du[c] - su[c])),
                      "%+.0f%%" % (100 * (du[c] - su[c]) / su[c]), "—"])
    rows7.append(["makespan (s)", "%.0f" % res["static"][1]["simulated_seconds"],
                  "%.0f" % res["drf"][1]["simulated_seconds"], "", "", "not given"])
    md7 = C.write_table("exp3_util", ["", "ours: static", "ours: sharing", "change (points)", "change (relative)",
                                       "paper (Fig. 7, text)"], rows7,
                        title="Experiment 3c: time-averaged utilization (Fig. 7 plots about 1600 s)")
    print(md4 + "\n" + md5 + "\n" + md7)
    draw(outs, base)


def draw(outs, base):
    u = {p: os.path.join(outs[p], "utilization.csv") for p in outs}
    C.gnuplot(C.PNG + """
set output '%s'
set datafile separator ','
set title 'Cluster utilization, 96 machines: sharing (DRF) vs static partitioning'
set xlabel 'simulated time (s)'
set ylabel 'utilization (fraction of the cluster)'
set yrange [0:1.05]
set grid
set key outside right
plot '%s' every ::1 using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'CPU, sharing', \
     '%s' every ::1 using 1:2 with lines lw 2 dt 2 lc rgb '#1f77b4' title 'CPU, static', \
     '%s' every ::1 using 1:3 with lines lw 2 lc rgb '#d62728' title 'memory, sharing', \
     '%s' every ::1 using 1:3 with lines lw 2 dt 2 lc rgb '#d62728' title 'memory, static'
""" % (os.path.join(C.RESULTS, "exp3_utilization.png"), u["drf"], u["static"], u["drf"], u["static"]))
    for p in ("drf", "static"):
        rows = C.read_csv(os.path.join(outs[p], "timeseries.csv"))
        dat = os.path.join(base, "shares-%s.dat" % p)
        by = {}
        for r in rows:
            by.setdefault(float(r["time"]), {})[r["framework"]] = float(r["cpus"]) / (NM * CPUS)
        with open(dat, "w") as f:
            for t in sorted(by):
                v = [by[t].get(fw, 0.0) for fw in FWS]
                acc = 0.0
                cols = []
                for x in v:
                    acc += x
                    cols.append(acc)
                f.write("%g %s\n" % (t, " ".join("%.6f" % c for c in cols)))
        name = {"drf": "sharing (DRF)", "static": "static partitioning"}[p]
        C.gnuplot(C.PNG + """
set output '%s'
set title 'Share of the cluster CPUs per framework, %s (stacked)'
set xlabel 'simulated time (s)'
set ylabel 'fraction of cluster CPUs in use'
set yrange [0:1.05]
set grid
set key outside right
set style fill solid 0.8 noborder
plot '%s' using 1:5:4 with filledcurves title 'Torque/MPI', \
     '' using 1:4:3 with filledcurves title 'Spark', \
     '' using 1:3:2 with filledcurves title 'large Hadoop', \
     '' using 1:2:(0) with filledcurves title 'Facebook Hadoop'
""" % (os.path.join(C.RESULTS, "exp3_shares_%s.png" % p), name, dat))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Experiment 4: data locality through delay scheduling (Mesos paper,
section 6.3, Fig. 8) in meso-sim.

93 machines of 4 CPUs / 15 GB and 16 Hadoop-like frameworks [paper]. One
shared input file of BLOCKS blocks, each with 3 replicas on distinct machines
chosen at random (seeded; ours). Every task reads one block and prefers the
3 machines holding it (`locality` column). Tasks are 1 CPU / 1.5 GB (4 per
machine) and run 8-12 s on a replica machine (ours). Table 4 runs them
that long wherever they are placed; table 4b makes a task placed away from
its replicas run F times longer (`--remote-slowdown F`: its block is read
over the network), for F = 1, 1.5, 2 and 3, since the paper does not say how
much slower a remote read was.

Two workloads:
- `scan` (the paper's): each framework runs one map-only scan job over the
  whole file, all its tasks submitted at t = 0.
- `stream` (ours, to show what meso-sim's delay model can do): each
  framework submits small scan jobs (24 tasks over random blocks) as a
  Poisson stream, about 80% of the cluster's slots in all.

Scenarios: `--policy static` (93 machines dealt round robin: 13 frameworks
get 6 machines, 3 get 5) with `--locality-wait` 0 and 5, and DRF sharing with
`--locality-wait` 0, 1 and 5 s; three seeds each (workload and simulator),
averaged. Local fraction = tasks.launched_local / launched_with_preference
(summary.json, over all launches).

Usage: exp4_locality.py [--smoke]   (--smoke: reduced size, exact checks,
exit 1 on failure; no figure, no results tables)
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C

NM, CPUS, MEM = 93, 4, 15360
NFW = 16
TASK_MEM = 1536
SEEDS = (1, 2, 3)
# scenario: (name, policy, locality wait s, paper local %, paper note)
SCEN = [("static", "static", 0, "18%", "static partitioning, 5-6 nodes per instance"),
        ("static, wait 5 s", "static", 5, "—", "(not in the paper)"),
        ("sharing, no delay", "drf", 0, "figure only", "above static [text], % not found"),
        ("sharing, wait 1 s", "drf", 1, "> 90%", ""),
        ("sharing, wait 5 s", "drf", 5, "95%", "jobs 1.7× faster than static")]


def blocks(rnd, n):
    """n blocks, 3 replicas each on distinct machines."""
    return ["|".join("m%d" % m for m in rnd.sample(range(NM), 3)) for _ in range(n)]


def workload(kind, seed, nblocks, horizon):
    rnd = random.Random("exp4-%s-%d" % (kind, seed))
    blk = blocks(rnd, nblocks)
    tasks = []
    if kind == "scan":
        for f in range(NFW):
            for b in range(nblocks):
                tasks.append(dict(submit_time=0, job_id="scan%02d" % f, task_index=b, framework="hadoop%02d" % f,
                                  cpus=1, mem=TASK_MEM, duration=round(rnd.uniform(8, 12), 3), locality=blk[b]))
    else:
        # 80% of 372 slots; a job is 24 tasks of 10 s on average
        rate = 0.8 * NM * CPUS / (24 * 10.0) / NFW
        jobs = []
        for f in range(NFW):
            t, i = 0.0, 0
            while True:
                t += rnd.expovariate(rate)
                if t >= horizon:
                    break
                jobs.append((round(t, 3), f, i))
                i += 1
        jobs.sort()
        for (t, f, i) in jobs:
            for k in range(24):
                tasks.append(dict(submit_time=t, job_id="h%02d-j%03d" % (f, i), task_index=k,
                                  framework="hadoop%02d" % f, cpus=1, mem=TASK_MEM,
                                  duration=round(rnd.uniform(8, 12), 3), locality=blk[rnd.randrange(nblocks)]))
    machines = [(0, "m%d" % m, "add", CPUS, MEM) for m in range(NM)]
    fws = [dict(framework="hadoop%02d" % f, refuse_seconds=1) for f in range(NFW)]
    return machines, tasks, fws


def run(kind, nblocks, horizon, seeds, outdir):
    """Returns {scenario: {'local': [...], 'job': [...], 'wait': [...]}} over seeds."""
    res = {s[0]: {"local": [], "job": [], "wait": [], "makespan": []} for s in SCEN}
    for seed in seeds:
        wl = os.path.join(outdir, "%s-s%d" % (kind, seed), "workload")
        C.write_workload(wl, *workload(kind, seed, nblocks, horizon))
        for (name, policy, wait, _, _) in SCEN:
            out = os.path.join(outdir, "%s-s%d" % (kind, seed), name.replace(" ", "").replace(",", "_"))
            sm = C.run_sim(wl, out, "--policy", policy, "--locality-wait", wait, "--seed", seed,
                           "--sample", 30)
            t = sm["tasks"]
            assert t["launched_with_preference"] == t["launched"] == t["submitted"], (kind, name, t)
            res[name]["local"].append(t["launched_local"] / t["launched_with_preference"])
            jobs = [r for r in C.read_csv(os.path.join(out, "jobs.csv"))]
            assert all(r["finish"] for r in jobs)
            res[name]["job"].append(sum(float(r["finish"]) - float(r["submit"]) for r in jobs) / len(jobs))
            res[name]["wait"].append(sm["task_wait_seconds"]["mean"])
            res[name]["makespan"].append(sm["simulated_seconds"])
    return res


SLOWDOWNS = (1, 1.5, 2, 3)
SLOW_SCEN = [s for s in SCEN if s[0] in ("static", "sharing, no delay", "sharing, wait 5 s")]


def run_slowdown(outdir):
    """The scan workloads of run() again with --remote-slowdown F: returns
    {F: {scenario: [mean job time per seed]}}."""
    res = {}
    for F in SLOWDOWNS:
        res[F] = {}
        for (name, policy, wait, _, _) in SLOW_SCEN:
            res[F][name] = []
            for seed in SEEDS:
                wl = os.path.join(outdir, "scan-s%d" % seed, "workload")
                out = os.path.join(outdir, "slow%g-s%d" % (F, seed), name.replace(" ", "").replace(",", "_"))
                C.run_sim(wl, out, "--policy", policy, "--locality-wait", wait, "--seed", seed, "--sample", 30,
                          "--remote-slowdown", F)
                jobs = C.read_csv(os.path.join(out, "jobs.csv"))
                res[F][name].append(sum(float(r["finish"]) - float(r["submit"]) for r in jobs) / len(jobs))
    return res


def smoke():
    """Reduced size (the stream workload over 120 s, one seed; < 1 s): every
    task is launched with a preference, and locality is ordered as the model
    implies: sharing with wait 5 s strictly above static and above no delay,
    wait 5 s >= wait 1 s > no delay, and static and no delay well above
    chance (3/93), since local tasks go first even without a wait."""
    outdir = os.path.join(C.OUT, "exp4-smoke")
    r = run("stream", 1600, 120, (1,), outdir)
    loc = {k: v["local"][0] for k, v in r.items()}
    print("exp4 smoke (stream, 120 s, seed 1): " + ", ".join("%s %.3f" % (k, v) for k, v in loc.items()))
    bad = []
    if not loc["sharing, wait 5 s"] > loc["static"]:
        bad.append("wait 5 s not above static")
    if not loc["sharing, wait 5 s"] > loc["sharing, no delay"]:
        bad.append("wait 5 s not above no delay")
    if not loc["sharing, wait 5 s"] >= loc["sharing, wait 1 s"] > loc["sharing, no delay"]:
        bad.append("waits not ordered")
    for k in ("static", "sharing, no delay"):
        if not loc[k] > 2 * 3 / 93:
            bad.append("%s should be well above chance (3/93): local tasks go first" % k)
    if bad:
        print("exp4 smoke FAILED: " + "; ".join(bad))
        sys.exit(1)
    print("exp4 smoke: ok")


def main():
    if "--smoke" in sys.argv:
        return smoke()
    outdir = os.path.join(C.OUT, "exp4")
    allres = {"scan": run("scan", 1600, 0, SEEDS, outdir), "stream": run("stream", 1600, 600, SEEDS, outdir)}
    header = ["workload", "scenario", "policy", "locality wait (s)", "ours: local fraction", "95% CI ±",
              "ours: mean job time (s)", "ours: mean task wait (s)", "ours: makespan (s)", "paper: local",
              "paper: note"]
    rows = []
    for kind in ("scan", "stream"):
        res = allres[kind]
        for (name, policy, wait, pl, note) in SCEN:
            lm, lci = C.mean_ci(res[name]["local"])
            rows.append([kind, name, policy, wait, "%.1f%%" % (100 * lm), "%.1f" % (100 * lci),
                         "%.0f" % C.mean_ci(res[name]["job"])[0], "%.2f" % C.mean_ci(res[name]["wait"])[0],
                         "%.0f" % C.mean_ci(res[name]["makespan"])[0], pl if kind == "scan" else "—",
                         note if kind == "scan" else ""])
    md = C.write_table("exp4_locality", header, rows,
                       title="Experiment 4: data locality and job time (3 seeds each, averaged)")
    print(md)
    slow = run_slowdown(outdir)
    header = ["remote slowdown F", "ours: static (s)", "ours: sharing, no delay (s)", "ours: sharing, wait 5 s (s)",
              "ours: speedup, wait 5 s vs static", "paper: speedup"]
    rows = []
    for F in SLOWDOWNS:
        t = {name: C.mean_ci(slow[F][name])[0] for (name, _, _, _, _) in SLOW_SCEN}
        rows.append(["%g" % F, "%.0f" % t["static"], "%.0f" % t["sharing, no delay"], "%.0f" % t["sharing, wait 5 s"],
                     "%.2f" % (t["static"] / t["sharing, wait 5 s"]), "1.7" if F == SLOWDOWNS[0] else ""])
    md = C.write_table("exp4_slowdown", header, rows,
                       title="Experiment 4b: mean scan job time when a remote task runs F times longer "
                             "(3 seeds each, averaged)")
    print(md)
    # figure: local fraction per scenario, both workloads, with the paper's values
    dat = os.path.join(outdir, "locality.dat")
    paper = {"static": 18, "sharing, wait 1 s": 90, "sharing, wait 5 s": 95}
    with open(dat, "w") as f:
        for i, (name, _, _, _, _) in enumerate(SCEN):
            f.write('%d "%s" %.2f %.2f %s\n' % (i, name.replace(", ", "\\n"),
                                                 100 * C.mean_ci(allres["scan"][name]["local"])[0],
                                                 100 * C.mean_ci(allres["stream"][name]["local"])[0],
                                                 paper.get(name, "NaN")))
    C.gnuplot(C.PNG + """
set output '%s'
set title 'Data locality by scenario (16 frameworks, 93 machines; mean of 3 seeds)'
set ylabel 'local tasks (%% of launches on a replica machine)'
set xlabel 'scenario' offset 0,-1.2
set bmargin 5
set yrange [0:100]
set xrange [-0.6:4.6]
set grid ytics
set key top left
set style data histograms
set boxwidth 0.25
set style fill solid 0.7 border -1
plot 100*3.0/93 with lines dt 2 lc rgb '#444444' title 'chance: 3 of 93 machines (3.2%%)', \\
     '%s' using ($1-0.27):3:xtic(2) with boxes lc rgb '#4477aa' title 'ours: one scan job per framework (paper workload)', \\
     '' using ($1):4 with boxes lc rgb '#66ccee' title 'ours: stream of small scan jobs', \\
     '' using ($1+0.27):5 with boxes lc rgb '#ee6677' title 'paper (text; 1 s: "above 90%%")'
""" % (os.path.join(C.RESULTS, "exp4_locality.png"), dat))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Experiment 7: the example policy modules (alloccore/policies) against DRF
on a contended generated Google-like cell (EXPERIMENTS.md, section 8).

The cell: `meso-trace gen --machines 300 --tasks 12000 --seed S
--empty-start` (arrivals only, no standing load at t=0), of which
only machines 1..40 are kept, so the same arrivals meet 40 machines: an
offered CPU load of about 1.3 over the ~16 h arrival window. One simulated
day (--until 86400) per run; seeds 1..3 (trace and simulator). Small enough
for a shared 2-core machine (a few seconds a run, run under nice)."""
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

MACHINES, KEEP, TASKS, UNTIL = 300, 40, 12000, 86400
SEEDS = (1, 2, 3)
HIGH = 9  # Google's production band: priority 9 and above


def policies():
    mod = os.path.join(os.path.dirname(os.path.dirname(C.meso_sim())), "alloccore", "policies")
    return [("drf", "drf"), ("priority", "priority"),
            ("packing (window 8)", "module:%s/packing.so:window=8" % mod),
            ("srjf", "module:%s/srjf.so" % mod),
            ("preempt_priority (wait 30 s)", "module:%s/preempt_priority.so:wait=30" % mod)]


def cell(seed):
    """The contended cell of a seed: the generated trace on KEEP machines."""
    os.makedirs(os.path.join(C.OUT, "exp8"), exist_ok=True)
    full = os.path.join(C.OUT, "exp8", "gen-%d" % seed)
    if not os.path.exists(os.path.join(full, "tasks.csv")):
        # no standing load: sized for 300 machines, it would fill the 40 kept
        subprocess.run([C.meso_trace(), "gen", "--machines", str(MACHINES), "--tasks", str(TASKS), "--seed",
                        str(seed), "--empty-start", "--out", full], check=True, stdout=subprocess.DEVNULL)
    d = os.path.join(C.OUT, "exp8", "cell-%d" % seed)
    os.makedirs(d, exist_ok=True)
    rows = C.read_csv(os.path.join(full, "machines.csv"))
    keep = [r for r in rows if int(r["machine_id"]) <= KEEP]
    C.write_csv(os.path.join(d, "machines.csv"), list(rows[0].keys()), [list(r.values()) for r in keep])
    tasks = os.path.join(d, "tasks.csv")
    if not os.path.exists(tasks):
        os.symlink(os.path.join(full, "tasks.csv"), tasks)
    prio = {}
    for t in C.read_csv(tasks):
        prio[t["job_id"]] = int(t["priority"] or 0)
    return d, prio


def measure(d, prio, policy, seed):
    out = os.path.join(C.OUT, "exp8", "run-%d-%s" % (seed, policy.split("/")[-1].replace(":", "_")))
    sm = C.run_sim(d, out, "--policy", policy, "--seed", seed, "--until", UNTIL)
    jobs = C.read_csv(os.path.join(out, "jobs.csv"))
    hi = [float(j["wait"]) for j in jobs if j["wait"] and prio[j["job_id"]] >= HIGH]
    lo = [float(j["wait"]) for j in jobs if j["wait"] and prio[j["job_id"]] < HIGH]
    return {"jobs": sm["jobs"]["finished"], "jct": sm["job_completion_seconds"]["mean"],
            "jct50": sm["job_completion_seconds"]["p50"], "wait": sm["task_wait_seconds"]["mean"],
            "hi": sum(hi) / len(hi) if hi else float("nan"), "lo": sum(lo) / len(lo) if lo else float("nan"),
            "util": sm["utilization"]["cpus"], "pre": sm.get("tasks_preempted", 0)}


def spread(xs, nd):
    """median (min–max)"""
    return "%s (%s–%s)" % (C.fmt(statistics.median(xs), nd), C.fmt(min(xs), nd), C.fmt(max(xs), nd))


def main():
    cells = {s: cell(s) for s in SEEDS}
    rows = []
    for name, pol in policies():
        r = [measure(cells[s][0], cells[s][1], pol, s) for s in SEEDS]
        col = lambda k: [x[k] for x in r]  # noqa: E731
        rows.append([name, spread(col("jobs"), 0), spread(col("jct"), 0), spread(col("jct50"), 0),
                     spread(col("wait"), 1), spread(col("hi"), 1), spread(col("lo"), 1), spread(col("util"), 3),
                     spread(col("pre"), 0)])
    header = ["policy", "jobs finished", "job completion mean s", "job completion p50 s", "task wait mean s",
              "job wait, priority >= 9, s", "job wait, priority < 9, s", "cpu utilization", "tasks preempted"]
    print(C.write_table("exp8_policy_modules", header, rows,
                        title="Experiment 8: example policy modules vs DRF (median (min–max) over seeds 1–3)"))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""gen-workload.py — writes a synthetic workload in Meso's native CSV format
(traces/README.md) for measuring meso-sim at scale: N machines in three
shapes, M tasks in jobs of 1-50 tasks from F frameworks, Poisson job
arrivals paced so that the offered CPU load is about --load of the cluster
(task durations exponential, clipped to [1 s, 4 x mean]).

Deterministic: the same arguments give the same files byte for byte.
This is a simple load generator, not the Google-matched generator of the
trace-format issue.

  traces/tools/gen-workload.py --machines 12500 --tasks 1000000 --load 0.8 \
      --seed 1 --out /tmp/w
"""
import argparse
import os
import random

SHAPES = [(8, 32768), (16, 65536), (32, 131072)]  # cpus, mem MB
CPUS = [0.5, 1, 1, 2, 2, 4]
MEMS = [512, 1024, 2048, 4096, 8192]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--machines", type=int, required=True)
    ap.add_argument("--tasks", type=int, required=True)
    ap.add_argument("--frameworks", type=int, default=4)
    ap.add_argument("--load", type=float, default=0.8, help="offered CPU load, fraction of the cluster")
    ap.add_argument("--mean-duration", type=float, default=300.0, help="seconds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    total_cpus = 0
    with open(os.path.join(a.out, "machines.csv"), "w") as f:
        f.write("time,machine_id,event,cpus,mem\n")
        for i in range(a.machines):
            c, m = SHAPES[i % len(SHAPES)]
            total_cpus += c
            f.write("0,m%d,add,%d,%d\n" % (i, c, m))

    with open(os.path.join(a.out, "frameworks.csv"), "w") as f:
        f.write("framework,tasks_per_offer,decision_latency,refuse_seconds\n")
        for k in range(a.frameworks):
            # a mix: greedy packers and one-task-per-offer frameworks
            f.write("fw%d,%d,%s,%s\n" % (k, 0 if k % 2 == 0 else 1, "0.01" if k % 3 == 0 else "0", "1"))

    mean_cpus = sum(CPUS) / len(CPUS)
    # job arrival rate so that arrivals x mean task size x mean duration = load x cluster
    mean_tasks_per_job = 10.0
    job_rate = a.load * total_cpus / (mean_cpus * a.mean_duration * mean_tasks_per_job)
    t = 0.0
    n = 0
    j = 0
    with open(os.path.join(a.out, "tasks.csv"), "w") as f:
        f.write("submit_time,job_id,task_index,framework,cpus,mem,duration\n")
        while n < a.tasks:
            t += rng.expovariate(job_rate)
            k = min(a.tasks - n, max(1, int(rng.expovariate(1.0 / mean_tasks_per_job)) + 1), 50)
            fw = "fw%d" % rng.randrange(a.frameworks)
            c = rng.choice(CPUS)
            m = rng.choice(MEMS)
            for i in range(k):
                d = min(4 * a.mean_duration, max(1.0, rng.expovariate(1.0 / a.mean_duration)))
                f.write("%.3f,j%d,%d,%s,%g,%d,%.3f\n" % (t, j, i, fw, c, m, d))
            n += k
            j += 1


if __name__ == "__main__":
    main()

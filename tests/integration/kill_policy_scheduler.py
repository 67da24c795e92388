#!/usr/bin/env python3
"""kill_policy_scheduler.py MASTER_PORT — the framework side of
test_kill_policy.sh, in JSON over the v1 scheduler API (standard library
only). Checks Mesos's kill policies and TASK_KILLING on command tasks that
ignore SIGTERM (so only the SIGKILL at the end of the grace period stops
them; the agent runs with a --kill_grace far longer than the test waits):

  k1  TaskInfo.kill_policy 1 s; KILL without a policy: TASK_KILLING, then
      TASK_KILLED no sooner than 1 s after the KILL (the task's policy, not
      the agent's default).
  k2  TaskInfo.kill_policy 600 s; KILL without a policy: TASK_KILLING; a
      second KILL with kill_policy 0 s overrides it: TASK_KILLED.
  k3  a framework without the TASK_KILLING_STATE capability: no
      TASK_KILLING, only TASK_KILLED (KILL with kill_policy 0 s).

Prints one line per check; exits 0 when all hold, 1 with "FAIL: ..." otherwise.
"""
import os
import sys
import time

from simple_framework import Framework, fail

PORT = int(sys.argv[1])
# Ignores TERM (SIG_IGN is inherited by the sleep it executes); each task's
# sleep has its own length, this run's pid in its digits, so that /proc
# tells them apart, and from a stray one of another run (which would pass
# for a task already ignoring SIGTERM before its shell has set its trap).
STUBBORN = "trap '' TERM; exec sleep %s"
SLEEPS = {t: "600.%d%d" % (os.getpid(), i) for i, t in enumerate(("k1", "k2", "k3"), 1)}


def ignores_term(tid):
    """A process `sleep SLEEPS[tid]` runs with SIGTERM ignored: the task's
    shell got past its trap (TASK_RUNNING comes when the process starts,
    before that)."""
    want = ("sleep\0%s\0" % SLEEPS[tid]).encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if f.read() != want:
                    continue
            with open("/proc/%s/status" % pid) as f:
                ign = next(int(line.split()[1], 16) for line in f if line.startswith("SigIgn:"))
        except (OSError, StopIteration):
            continue
        if ign & (1 << (15 - 1)):
            return True
    return False


def launch(fw, specs):
    """specs: [(task id, grace seconds)]: stubborn tasks with their own kill
    policy, running and ignoring SIGTERM when this returns."""
    fw.launch([(tid, {"kill_policy": {"grace_period": {"nanoseconds": int(grace * 1e9)}}},
                {"value": STUBBORN % SLEEPS[tid]}) for tid, grace in specs])
    for tid, _ in specs:
        fw.wait(tid + " RUNNING", lambda: "TASK_RUNNING" in fw.states(tid))
        fw.wait(tid + " ignoring SIGTERM (/proc)", lambda: ignores_term(tid))


def main():
    fw = Framework(PORT, "kill-policy-it", ["TASK_KILLING_STATE"])
    launch(fw, [("k1", 1.0), ("k2", 600.0)])

    asked = time.monotonic()
    fw.kill("k1")
    fw.wait("k1 TASK_KILLED", lambda: "TASK_KILLED" in fw.states("k1"))
    if fw.states("k1")[-2:] != ["TASK_KILLING", "TASK_KILLED"]:
        fail("k1 went %s (Mesos: TASK_KILLING, then TASK_KILLED)" % fw.states("k1"))
    took = fw.when("k1", "TASK_KILLED") - asked
    if took < 0.9:
        fail("k1 ended %.2f s after its KILL: it ignores SIGTERM, so not before its 1 s grace" % took)
    print("k1: TASK_KILLING then TASK_KILLED %.2f s after the KILL (TaskInfo.kill_policy 1 s)" % took, flush=True)

    fw.kill("k2")
    fw.wait("k2 TASK_KILLING", lambda: "TASK_KILLING" in fw.states("k2"))
    fw.kill("k2", grace=0)
    fw.wait("k2 TASK_KILLED after a KILL with kill_policy 0 s", lambda: "TASK_KILLED" in fw.states("k2"))
    if fw.states("k2").count("TASK_KILLING") != 1:
        fail("k2 went %s (one TASK_KILLING per kill)" % fw.states("k2"))
    print("k2: a KILL with kill_policy 0 s overrode the task's 600 s", flush=True)

    plain = Framework(PORT, "kill-policy-plain-it")
    launch(plain, [("k3", 600.0)])
    plain.kill("k3", grace=0)
    plain.wait("k3 TASK_KILLED", lambda: "TASK_KILLED" in plain.states("k3"))
    if "TASK_KILLING" in plain.states("k3"):
        fail("k3 got TASK_KILLING without the TASK_KILLING_STATE capability: %s" % plain.states("k3"))
    print("k3: no TASK_KILLING without the capability", flush=True)
    print("PASS", flush=True)


if __name__ == "__main__":
    main()

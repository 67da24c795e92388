/*
 * sim/sim.h — Meso's discrete-event simulator as a library: replays a
 * workload (a traces/ event source) through alloccore exactly as the live
 * master would, with framework models answering offers, and writes the
 * result files documented in sim/README.md. meso-sim is a thin CLI on top;
 * the tests drive it directly.
 *
 * Time is integer nanoseconds of simulated time (ac_time). Nothing here reads
 * a clock: perf.json's wall time is the caller's (sim_write_perf).
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "alloccore/alloccore.h"
#include "alloccore/policy.h"
#include "traces/traces.h"

typedef struct sim sim;

#define SIM_SLOWDOWN_ONE INT64_C(1000000000) /* sim_config.remote_slowdown of 1x */

typedef struct sim_config {
	const char *policy; /* an alloccore policy, or "static" (default "drf") */
	/* A policy module (alloccore/module.h) instead: each core's policy is
	 * made by policy_module->create(policy_args); `policy` names it in the
	 * outputs. Its preemption requests kill tasks (sim/README.md). */
	const ac_policy_module *policy_module;
	const char *policy_args;
	uint64_t seed;         /* alloccore's shuffle/random seed */
	ac_time interval;      /* allocation interval (default 1 s) */
	ac_time until;         /* stop at this time; 0: run to the end */
	ac_time sample;        /* timeseries period (default 10 s) */
	ac_time gang_hold;     /* how long a gang framework hoards offers (default 10 s) */
	ac_time locality_wait; /* delay scheduling: wait for a preferred machine (default 5 s) */
	/* a task with a machine preference placed on another machine runs this
	 * many times longer (its input is read over the network), in billionths:
	 * 1000000000 = 1x (default) */
	int64_t remote_slowdown;
	bool resubmit_lost; /* tasks lost with a machine go back to their framework's queue */
	bool skip_bad_rows; /* bad rows (reader's and simulator's) are skipped and counted */
	/* keep every task's record to the end, so that sim_task_start answers
	 * for finished tasks too (tests); off (default), a finished or lost
	 * task's record is reused and memory follows the tasks alive, not all
	 * the tasks ever submitted. Outputs are the same either way. */
	bool keep_tasks;
	/* tasks.csv, one row per task as it ends (and the rest at the end):
	 * 0 none, 1 plain, 2 gzip'd (tasks.csv.gz) */
	int tasks_out;
	const char *out_dir;                     /* where the result files go; NULL: none written */
	void (*warn)(void *ud, const char *msg); /* skipped rows; may be NULL */
	void *warn_ud;
	/* called every ~2^16 events with the fraction of the workload read and
	 * the simulated time (progress display); may be NULL */
	void (*progress)(void *ud, double fraction, ac_time now, uint64_t events);
	void *progress_ud;
} sim_config;

/* Defaults as documented above. */
void sim_config_default(sim_config *cfg);

/* Creates a simulator reading from src (not owned; it must outlive sim).
 * Opens the output files. Returns 0, or -1 with a message in err. */
int sim_create(const sim_config *cfg, tr_source *src, sim **out, char *err, size_t errlen);
void sim_destroy(sim *s);
/* Runs to the end (or --until) and writes every output but perf.json.
 * 0, or -1 with a message in err (bad input: exit 2; -2: I/O error: exit 1). */
int sim_run(sim *s, char *err, size_t errlen);
/* Writes perf.json (wall time, rates, peak RSS) into the output directory. */
int sim_write_perf(sim *s, double wall_seconds, char *err, size_t errlen);

/* What the run produced (for tests and the CLI). */
typedef struct sim_stats {
	ac_time end_ns;
	uint64_t events;
	uint64_t offers_made, offers_accepted, offers_declined, offers_rescinded;
	uint64_t tasks_submitted, tasks_launched, tasks_finished, tasks_lost, tasks_never_fit;
	uint64_t tasks_launched_pref, tasks_launched_local; /* with a machine preference; on one */
	uint64_t jobs_submitted, jobs_finished;
	uint64_t bad_rows;
	uint64_t task_records; /* task records allocated: all tasks with keep_tasks, else the most alive at once */
} sim_stats;
void sim_stats_get(const sim *s, sim_stats *out);
/* Per framework (by name): tasks launched, tasks running now; -1 if unknown. */
int64_t sim_fw_launched(const sim *s, const char *fw);
int64_t sim_fw_running(const sim *s, const char *fw);
/* Start time of a task (-1: never launched, -2: unknown task, or one that
 * ended while keep_tasks was off). */
ac_time sim_task_start(const sim *s, const char *job, uint32_t task_index);

#endif

/*
 * metrics.h — private: what a run measures and the files it writes. Sits on
 * the engine (engine.h): it hears about resource use through the engine's
 * sim_watch, reads the engine's records and the cores (never changing them),
 * and owns the integrals, the timeseries files and the final summaries.
 * Knows nothing of the framework models.
 */
#ifndef SIM_METRICS_H
#define SIM_METRICS_H

#include <stdio.h>
#include <zlib.h>

#include "engine.h"

/* A framework's measurements. */
typedef struct sim_fw_metrics {
	int64_t used[NRES];    /* held by its running tasks */
	double share;          /* dominant share of its running tasks */
	double share_integral; /* share x nanoseconds, up to share_t */
	ac_time share_t;
} sim_fw_metrics;

typedef struct sim_metrics {
	sim_engine *e;
	sim_fw_metrics *fws; /* by the engine's framework index */
	size_t nfws, fws_cap;
	int64_t used[NRES], total[NRES]; /* held by running tasks; present */
	ac_time t;                       /* the cluster integrals run up to here */
	double used_integral[NRES], cap_integral[NRES];
	ac_time last_sample;
	bool sampled_once;
	FILE *ts, *util;
	FILE *tasks;     /* tasks.csv (cfg.tasks_out 1) */
	gzFile tasks_gz; /* tasks.csv.gz (cfg.tasks_out 2) */
	int64_t *waits;  /* each task's wait for its first start */
	size_t nwaits, waits_cap;
	/* Fairness under contention (summary.json jain_fairness): at each
	 * sample, Jain's index of the dominant shares of the frameworks that
	 * want offers, when two or more do; held until the next sample and
	 * integrated over the time it holds. */
	double fair_integral, fair_time, fair_cur;
	bool fair_valid;
	ac_time fair_t;
} sim_metrics;

void sim__metrics_init(sim_metrics *me, sim_engine *e);
/* Closes what is open and frees the rest. */
void sim__metrics_free(sim_metrics *me);
/* The watch to install in the engine: it keeps me's integrals current. */
sim_watch sim__metrics_watch(sim_metrics *me);
/* Adds the measurements of the frameworks the engine registered since the
 * last call. 0, or -1 (failed). */
int sim__metrics_sync(sim_metrics *me);
/* Opens timeseries.csv and utilization.csv, and tasks.csv[.gz] when asked
 * (when there is an out_dir). */
int sim__metrics_open(sim_metrics *me);
/* EV_SAMPLE: one timeseries and one utilization row. */
int sim__metrics_sample(sim_metrics *me);
/* At the end of a run: the last sample, then jobs.csv and summary.json.
 * st is the run's sim_stats, waiting the tasks still waiting. 0, -1, or -2
 * for an I/O error. */
int sim__metrics_write_final(sim_metrics *me, const sim_stats *st, uint64_t waiting);
/* perf.json: wall time, rates, peak RSS, the allocator's counters. */
int sim__metrics_write_perf(sim_metrics *me, const sim_stats *st, double wall_seconds);

#endif

/*
 * engine.h — private: the simulator's state, shared by the engine (engine.c),
 * the framework models (models.c) and the metrics and outputs (metrics.c).
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdio.h>

#include "maps.h"
#include "queue.h"
#include "sim/sim.h"

#define NRES      4 /* cpus, mem, disk, gpus: the kinds a workload names */
#define SIM_NOFIT 4 /* no-fit shapes remembered per framework */

/* Event kinds of the queue. "Live" kinds keep a run going; ticks and samples
 * do not. */
enum {
	EV_TICK,        /* periodic allocation pass */
	EV_SAMPLE,      /* timeseries sample */
	EV_DECISION,    /* a framework answers the offers made to it at one time; a = fw */
	EV_TASK_END,    /* a = task, b = its run generation */
	EV_ALLOC_AGENT, /* event-driven pass on one machine; a = machine */
	EV_GANG_HOLD,   /* a gang framework stops hoarding; a = fw, b = hold generation */
};

enum { T_PENDING, T_RUNNING, T_FINISHED, T_LOST, T_PARKED, T_GANG_WAIT, T_FREE /* record free for reuse */ };

typedef struct sim_task {
	int64_t submit_ns, start_ns, duration_ns; /* start_ns -1 until first launched */
	int64_t res[NRES];                        /* thousandths */
	uint32_t job, fw, machine, index;
	uint32_t prev, next;     /* in its framework's pending/parked list or its machine's running list */
	uint32_t loc_off, loc_n; /* preferred machines: sim->loc[loc_off .. +loc_n] */
	uint32_t gen;            /* run generation: a stale TASK_END is ignored */
	uint8_t state;
} sim_task;

typedef struct sim_job {
	uint32_t fw;
	uint32_t ntasks, nfinished;
	int64_t submit_ns, start_ns, finish_ns; /* -1 when not (yet) */
	int64_t wait_since_ns;                  /* delay scheduling: submitted, or last launched a local task */
	bool gang;
	uint32_t *gang_tasks; /* gang jobs: their tasks, until started */
	uint32_t ngang;
	size_t gang_cap;
	uint64_t feasible_version; /* cluster version when last checked + 1; 0: never */
	bool feasible;
	uint64_t *seen; /* bit i: task_index i was submitted (duplicates are bad rows) */
	uint32_t seen_words;
} sim_job;

/* The largest task_index accepted: a job's index bitmap stays <= 2 MB. */
#define SIM_MAX_TASK_INDEX ((1u << 24) - 1)

typedef struct sim_list {
	uint32_t head, tail, n;
} sim_list;

typedef struct held_offer {
	uint32_t slot;
} held_offer;

/* A FIFO of u32 (job ids, offer slots): element i is v[(head + i) & (cap - 1)],
 * cap a power of two. */
typedef struct sim_ring {
	uint32_t *v;
	uint32_t head, n, cap;
} sim_ring;

static inline uint32_t sim_ring_at(const sim_ring *r, uint32_t i)
{
	return r->v[(r->head + i) & (r->cap - 1)];
}

static inline uint32_t sim_ring_pop(sim_ring *r)
{
	uint32_t x = r->v[r->head];
	r->head = (r->head + 1) & (r->cap - 1);
	r->n--;
	return x;
}

typedef struct sim_fw {
	tr_framework cfg; /* name, role, weight, ... (strings owned) */
	uint32_t core;    /* index of the core it lives in */
	ac_fw_id id;
	sim_list pending; /* non-gang tasks waiting, in submission order */
	/* a lower bound on every pending task's request, kind by kind: an
	 * offer below it in some kind fits none of them (exact again after
	 * each scan that found nothing) */
	int64_t pend_min[NRES];
	/* offers that a full scan of the pending list found nothing for: an
	 * offer no larger than one of them, kind by kind, fits nothing either
	 * until a task joins the list (without machine preferences only, where
	 * the scan does not depend on the machine or the time). A small ring:
	 * a pass offers machines of a few classes over and over. */
	int64_t nofit[SIM_NOFIT][NRES];
	uint32_t nnofit, nofit_next;
	sim_list parked; /* tasks that fit no machine seen so far */
	sim_ring gang_q; /* gang jobs waiting (job ids), oldest first */
	bool suppressed;
	int64_t used[NRES]; /* held by its running tasks */
	uint64_t running, launched, finished, lost;
	uint64_t launched_pref, launched_local; /* tasks with a machine preference; of those, on one */
	double share;                           /* dominant share of its running tasks */
	double share_integral;                  /* share x nanoseconds, up to share_t */
	ac_time share_t;
	/* gang hoarding */
	uint32_t *held;
	uint32_t nheld, held_cap;
	uint64_t hold_gen;
	bool hold_timer; /* an EV_GANG_HOLD of hold_gen is queued */
	/* offers (slots) waiting for its decision, oldest first: the offers of
	 * one allocation pass arrive together, as in Mesos's OFFERS event, and
	 * are answered by one EV_DECISION */
	sim_ring inbox;
} sim_fw;

typedef struct sim_machine {
	bool present;
	uint32_t core;
	ac_agent_id agent;
	int64_t total[NRES];
	sim_list running;
	bool alloc_pending; /* an EV_ALLOC_AGENT is queued */
} sim_machine;

typedef struct sim_offer {
	ac_offer_id id;
	uint32_t fw, machine;
	int64_t res[NRES];
	uint64_t rescinds; /* the core's rescind count when made */
	ac_time decide_ns; /* when its framework answers it */
} sim_offer;

typedef struct sim_core {
	sim *s;
	ac_core *core;    /* agents are tagged with their machine, frameworks with theirs */
	uint32_t wanting; /* frameworks not suppressed */
} sim_core;

struct sim {
	sim_config cfg;
	tr_source *src;
	bool src_deps;    /* the source has task dependencies (tr_source_task_finished) */
	bool src_refetch; /* a finish made source events ready: drop the look-ahead */
	bool is_static;
	ac_time now;
	sim_queue q;
	uint64_t events, live;
	uint64_t rescinds; /* rescind hooks seen */
	int failed;
	char *err;
	size_t errlen;

	sim_core *cores;
	uint32_t ncores;

	sim_names machine_names, job_names, fw_names;
	sim_machine *machines;
	size_t machines_cap;
	sim_fw *fws;
	size_t fws_cap;
	sim_job *jobs;
	size_t jobs_cap;
	sim_task *tasks;
	size_t ntasks, tasks_cap;
	uint32_t *task_free; /* records of ended tasks, for reuse (a stack) */
	size_t ntask_free, task_free_cap;
	uint32_t *loc;
	size_t nloc, loc_cap;
	sim_offer *offers;
	size_t noffers, offers_cap;
	uint32_t *offer_free; /* free slots of offers, a stack (last freed on top) */
	size_t noffer_free, offer_free_cap;

	/* machine shapes ever seen (for "never fits") and the cluster now */
	int64_t (*shapes)[NRES];
	size_t nshapes, shapes_cap;
	int64_t total[NRES]; /* of present machines */
	uint64_t cluster_version;
	double *slice_credit; /* static: smooth weighted round robin state */

	/* counters */
	uint64_t running, submitted, launched, finished, lost, bad_rows;
	uint64_t launched_pref, launched_local; /* as in sim_fw, over all frameworks */

	/* metrics */
	ac_time metrics_t;
	double used_integral[NRES], cap_integral[NRES];
	int64_t used[NRES];
	ac_time last_sample;
	bool sampled_once;
	FILE *ts, *util;
	int64_t *waits;
	size_t nwaits, waits_cap;

	/* scratch, reused: never allocate in the hot loop */
	ac_offer_id *declines; /* offers a decision declines, answered together */
	size_t ndeclines, declines_cap;
	ac_offer_id *ids; /* offers answered together (answer_multi) */
	size_t ids_cap;
	uint32_t *scratch;
	size_t scratch_cap;
	int64_t *scratch_res;
	size_t scratch_res_cap;
	/* gang placement (try_gang): machines of the held offers, where each
	 * task goes, each machine's pooled room */
	uint32_t *gang_mach, *gang_where;
	int64_t *gang_room;
	size_t gang_mach_cap, gang_room_cap, gang_where_cap;
};

/* engine.c */
int sim_fail(sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows *arr (of *cap elements of elem bytes, doubling from 64) to hold
 * need, zeroing the new part; 0, or -1 when out of memory (*arr kept). */
int sim_grow(void **arr, size_t *cap, size_t need, size_t elem);
/* Appends x to r, growing it (0, or -1 when out of memory, r unchanged). */
int sim_ring_push(sim_ring *r, uint32_t x);
#define GROW(s, arr, cap, need) sim_grow((void **)&(arr), &(cap), (need), sizeof *(arr))
int sim_push(sim *s, ac_time t, uint32_t kind, uint32_t a, uint64_t b);
void sim_list_push(sim *s, sim_list *l, uint32_t t);
void sim_list_remove(sim *s, sim_list *l, uint32_t t);
/* Appends task t to its framework's pending list. */
void sim_pending_push(sim *s, uint32_t t);
bool sim_fits_shape(const sim *s, const int64_t res[NRES]);
void res_to_ac(const int64_t res[NRES], ac_resources *out);

/* models.c */
void model_task_submitted(sim *s, uint32_t fw, uint32_t task);
/* Framework fw answers the offers in its inbox whose time has come. */
void model_decide(sim *s, uint32_t fw);
void model_gang_hold_end(sim *s, uint32_t fw, uint64_t gen);
void model_update_suppression(sim *s, uint32_t fw);
void model_unpark(sim *s);
bool model_startable(sim *s);
void model_launch(sim *s, uint32_t task, uint32_t machine);
/* Queues gang job j of framework f. */
int model_gang_push(sim *s, uint32_t f, uint32_t j);

/* metrics.c */
/* fw's running resources change by sign x res (and the cluster's use). */
void metrics_fw_add(sim *s, uint32_t fw, const int64_t res[NRES], int sign);
/* The resources present change by sign x res. */
void metrics_total_add(sim *s, const int64_t res[NRES], int sign);
int metrics_sample(sim *s);
int metrics_write_final(sim *s);
int metrics_open(sim *s);
void metrics_close(sim *s);

#endif

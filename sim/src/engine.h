/*
 * engine.h — private: the bottom layer of the simulator. The engine owns the
 * clock and the event queue, the alloccore cores and every call that changes
 * them, the cluster (machines = agents), the frameworks' registrations, the
 * task and job records, and the offers in flight (a pass's batch, waiting in
 * a framework's inbox until its decision). It knows nothing of the layers
 * above: the run loop (sim.c) hands each event to its owner, the framework
 * models (models.h) answer offers through sim__engine_settle, and changes in
 * resource use reach the measurements (metrics.h) through a sim_watch.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdio.h>

#include "arrays.h"
#include "maps.h"
#include "queue.h"
#include "res.h"
#include "sim/sim.h"

/* Event kinds of the queue, whoever handles them (sim.c routes them). "Live"
 * kinds keep a run going; ticks and samples do not. */
enum {
	EV_TICK,        /* periodic allocation pass (engine) */
	EV_SAMPLE,      /* timeseries sample (metrics) */
	EV_DECISION,    /* a framework answers the offers made to it at one time; a = fw (models) */
	EV_TASK_END,    /* a = task, b = its run generation | its machine << 32 (engine) */
	EV_ALLOC_AGENT, /* event-driven pass on one machine; a = machine (engine) */
	EV_GANG_HOLD,   /* a gang framework stops hoarding; a = fw, b = hold generation (models) */
};

/* A task's state. The engine sets RUNNING, FINISHED, LOST and FREE; the
 * models the waiting states PENDING, PARKED and GANG_WAIT. */
enum { T_PENDING, T_RUNNING, T_FINISHED, T_LOST, T_PARKED, T_GANG_WAIT, T_FREE /* record free for reuse */ };

typedef struct sim_task {
	int64_t submit_ns, start_ns, duration_ns; /* start_ns -1 until first launched */
	int64_t res[NRES];                        /* thousandths */
	uint32_t job, fw, machine, index;
	/* in exactly one list at a time: its framework's pending or parked
	 * list (models) or its machine's running list (engine) */
	uint32_t prev, next;
	uint32_t loc_off, loc_n; /* preferred machines: e->loc[loc_off .. +loc_n] */
	uint32_t gen;            /* run generation: a stale TASK_END is ignored */
	uint8_t state;
	uint8_t lost_n; /* times lost with its machine (saturates at 255; tasks.csv) */
} sim_task;

typedef struct sim_job {
	uint32_t fw;
	uint32_t ntasks, nfinished;
	int64_t submit_ns, start_ns, finish_ns; /* -1 when not (yet) */
	/* submitted, or last launched a task on a preferred machine: delay
	 * scheduling (models.c) counts the wait for one from here */
	int64_t last_local_ns;
	bool gang;
	uint64_t *seen; /* bit i: task_index i was submitted (duplicates are bad rows) */
	uint32_t seen_words;
} sim_job;

/* The largest task_index accepted: a job's index bitmap stays <= 2 MB. */
#define SIM_MAX_TASK_INDEX ((1u << 24) - 1)

/* A doubly linked list of tasks, through sim_task.prev/next. */
typedef struct sim_list {
	uint32_t head, tail, n;
} sim_list;

/* A framework of the model: a framework of the workload, or one role of a
 * multi-role one (frameworks.csv's `roles`), named F(ROLE): each role is
 * offered, answers and suppresses on its own, as alloccore's role
 * frameworks are (ac_mfw_*), and takes its role's tasks. */
typedef struct sim_fw {
	tr_framework cfg; /* name, role, weight, ... (role owned; name is the map's) */
	uint32_t core;    /* index of the core it lives in */
	ac_fw_id id;      /* its core framework (a role's, for a multi-role framework's) */
	ac_mfw_id mfw;    /* the multi-role framework it is a role of, or 0 */
	bool suppressed;
	uint64_t running, launched, finished, lost;
	uint64_t launched_pref, launched_local; /* tasks with a machine preference; of those, on one */
	/* deliveries (slots) waiting for its decision, oldest first: the offers
	 * of one allocation pass arrive together as one alloccore batch, as in
	 * Mesos's OFFERS event, and are answered by one EV_DECISION */
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

/* The offers one pass made to one framework (an alloccore batch), waiting
 * in its inbox. */
typedef struct sim_delivery {
	ac_batch_id batch;
	ac_time decide_ns; /* when its framework answers them */
} sim_delivery;

/* One offer a framework holds on to past its decision (gang hoarding),
 * answered by id later. */
typedef struct sim_offer {
	ac_offer_id id;
	uint32_t fw, machine;
	int64_t res[NRES];
	uint64_t rescinds; /* the engine's rescind count when made */
} sim_offer;

/* An offer of a batch that a decision accepts: the tasks picked for it
 * (task0 .. task0 + ntasks of the caller's task list) and their sum. */
typedef struct sim_take {
	uint32_t index; /* in its batch */
	uint32_t machine;
	uint32_t task0, ntasks;
	int64_t used[NRES];
} sim_take;

typedef struct sim_core {
	ac_core *core;    /* agents are tagged with their machine, frameworks with theirs */
	uint32_t wanting; /* frameworks not suppressed */
} sim_core;

/* What the engine reports as resource use changes, for whoever measures it
 * (metrics.c installs it; the engine calls nothing above it directly). Called
 * per task start and stop and per machine change, never per offer. */
typedef struct sim_watch {
	void *ud;
	/* framework fw's running tasks hold sign x res more */
	void (*fw_use)(void *ud, uint32_t fw, const int64_t res[NRES], int sign);
	/* the machines present hold sign x res more */
	void (*capacity)(void *ud, const int64_t res[NRES], int sign);
	/* a task started for the first time, wait_ns after its submission */
	void (*first_start)(void *ud, int64_t wait_ns);
	/* task t ended for good (T_FINISHED, or T_LOST not to be resubmitted);
	 * called only with cfg.tasks_out, before its record is reused */
	void (*task_done)(void *ud, uint32_t t);
} sim_watch;

typedef struct sim_engine {
	sim_config cfg;
	sim_watch watch;
	tr_source *src;
	bool src_deps;    /* the source has task dependencies (tr_source_task_finished) */
	bool src_refetch; /* a finish made source events ready: drop the look-ahead */
	int have;         /* the look-ahead row: 1 in row, 0 none, < 0 the reader's error in row_err */
	tr_event row;
	tr_err row_err;
	bool is_static;
	/* some machine has had a reservation: accepts and recovers split
	 * what tasks use between the offer's reserved and unreserved parts */
	bool reservations;
	ac_time now;
	sim_queue q;
	uint64_t events, live; /* events handled; live events queued */
	uint64_t rescinds;     /* rescind hooks seen */
	int failed;            /* -1 failed, -2 an I/O error */
	char *err;
	size_t errlen;

	sim_core *cores;
	uint32_t ncores;

	sim_names machine_names, job_names, fw_names;
	/* multi-role frameworks by their own name: their roles are the model
	 * frameworks first .. first + n - 1 */
	sim_names mfw_names;
	struct sim_mfw {
		uint32_t first, n;
	} * mfws;
	size_t mfws_cap;
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
	sim_delivery *deliveries;
	size_t ndeliveries, deliveries_cap;
	uint32_t *delivery_free; /* free slots of deliveries, a stack */
	size_t ndelivery_free, delivery_free_cap;
	sim_offer *offers; /* held offers */
	size_t noffers, offers_cap;
	uint32_t *offer_free; /* free slots of offers, a stack (last freed on top) */
	size_t noffer_free, offer_free_cap;
	/* tasks the last machine removal lost that go back to their framework
	 * (resubmit_lost); the caller hands them to the models */
	uint32_t *lost_tasks;
	size_t nlost_tasks, lost_tasks_cap;
	/* the policy's preemption requests of the pass in progress, and the
	 * tasks they killed, which the caller hands back to the models */
	ac_preempt_request *preempts;
	size_t npreempts, preempts_cap;
	uint32_t *preempted;
	size_t npreempted, preempted_cap;
	uint64_t preempted_total;
	bool want_demand;   /* the policy reads demands (AC_POLICY_WANTS_DEMAND) */
	bool policy_extras; /* priorities, demands or preemption: sim.c's pass_with_policy */
	/* each task's priority from the trace, by record (NULL: not kept, the
	 * policy reads no priorities: sim/README.md, "Priorities") */
	int32_t *task_prio;
	size_t task_prio_cap;

	/* machine shapes ever seen (for "never fits") */
	int64_t (*shapes)[NRES];
	size_t nshapes, shapes_cap;
	uint64_t cluster_version; /* moves on when a machine comes, goes or changes */
	double *slice_credit;     /* static: smooth weighted round robin state */

	/* counters */
	uint64_t running, submitted, launched, finished, lost, bad_rows;
	uint64_t launched_pref, launched_local; /* as in sim_fw, over all frameworks */

	ac_offer_id *ids; /* scratch: the offers one answer accepts or declines */
	size_t ids_cap;
	ac_batch_answer *answers; /* scratch: one settle's answers, and what they use */
	ac_resources *answer_res;
	size_t answers_cap, answer_res_cap;
} sim_engine;

/* ------------------------------------------------------- life and errors */

/* Checks cfg, creates the cores (one, or one per framework under static),
 * registers the frameworks src knows up front. 0, or -1 with a message in
 * err; sim__engine_free is safe either way. */
int sim__engine_init(sim_engine *e, const sim_config *cfg, tr_source *src, char *err, size_t errlen);
void sim__engine_free(sim_engine *e);
/* Records the run's first error (message into e->err); returns -1. */
int sim__fail(sim_engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------- clock and queue */

/* Schedules an event (live unless a tick or a sample). 0, or -1 (failed). */
int sim__engine_push(sim_engine *e, ac_time t, uint32_t kind, uint32_t a, uint64_t b);

/* One live event is done with: it fired, or its owner made it stale. */
static inline void sim_engine_live_done(sim_engine *e)
{
	e->live--;
}

enum { SIM_STEP_END, SIM_STEP_ROW, SIM_STEP_EVENT };

/* Queues the first tick and reads the first workload row. */
void sim__engine_start(sim_engine *e);
/* Moves the clock to what comes next in (time, sequence) order, workload rows
 * first at equal times: SIM_STEP_ROW (the row in e->row) or SIM_STEP_EVENT
 * (popped into *ev). SIM_STEP_END when nothing is left or at cfg.until (the
 * clock stops there). < 0 when the reader failed or memory ran out (message
 * in e->err; -2 for an I/O error). Inline: it runs once per event. */
static inline int sim_engine_next(sim_engine *e, sim_event *ev)
{
	if (e->have < 0) {
		snprintf(e->err, e->errlen, "%s", e->row_err.msg);
		return e->row_err.code == TR_EIO ? -2 : -1;
	}
	const sim_event *top = sim__queue_peek(&e->q);
	bool take_row = e->have == 1 && (!top || e->row.time_ns <= top->time_ns);
	if (!take_row && !top)
		return SIM_STEP_END;
	ac_time t = take_row ? e->row.time_ns : top->time_ns;
	if (e->cfg.until > 0 && t > e->cfg.until) {
		e->now = e->cfg.until;
		return SIM_STEP_END;
	}
	e->now = t;
	e->events++;
	if (take_row)
		return SIM_STEP_ROW;
	if (sim__queue_pop(&e->q, ev) < 0)
		return sim__fail(e, "out of memory");
	/* the next event is usually the new top: when it ends a task, ask for
	 * the task's and its machine's records now (task ends are spread over
	 * large tables; the machine is in the event for this) */
	const sim_event *next = sim__queue_peek(&e->q);
	if (next && next->kind == EV_TASK_END) {
		const sim_task *x = &e->tasks[next->a];
		__builtin_prefetch(x);
		__builtin_prefetch(&x->state); /* a task spans two lines */
		__builtin_prefetch(&e->machines[next->b >> 32]);
	}
	/* a stale TASK_END or GANG_HOLD gave its live count back when it went
	 * stale (task lost, hold cancelled) */
	if (ev->kind == EV_DECISION || ev->kind == EV_ALLOC_AGENT)
		e->live--;
	return SIM_STEP_EVENT;
}

/* The step is handled: reads the next row after a row, or again when a task's
 * end made rows ready (the look-ahead is given again). */
static inline void sim_engine_step_done(sim_engine *e, int step)
{
	if (step == SIM_STEP_ROW || e->src_refetch) {
		e->src_refetch = false;
		e->have = tr_source_next(e->src, &e->row, &e->row_err);
	}
}
/* Nothing runs, nothing live is queued and the workload is exhausted. */
static inline bool sim_engine_idle(const sim_engine *e)
{
	return e->have == 0 && e->running == 0 && e->live == 0;
}

/* ------------------------------------------ workload rows and own events */

/* A machine joins or changes (bad rows are skipped or fail). 1 when its
 * shape was never seen (tasks that fit no machine may fit now), 0, or -1. */
int sim__engine_machine_add(sim_engine *e, const tr_event *ev);
int sim__engine_machine_update(sim_engine *e, const tr_event *ev);
/* A machine leaves: the core drops its offers and what ran there; its tasks
 * are lost. With resubmit_lost they are listed in e->lost_tasks. 0 or -1. */
int sim__engine_machine_remove(sim_engine *e, const tr_event *ev);
/* A dynamic reservation (reserve) of a machine's free resources for the
 * roles `reserved` names, or its end (unreserve). 0 or -1 (bad row). */
int sim__engine_machine_reserve(sim_engine *e, const tr_event *ev, bool reserve);
/* Records a submitted task (registering its framework if new): the task's
 * record, or SIM_NONE for a bad row or a failure. The task is in no list:
 * the models place it. */
uint32_t sim__engine_task_submit(sim_engine *e, const tr_event *ev);
/* Carries out the preemption requests of the last pass: kills the victim's
 * tasks on the machine, newest first, until the amount is freed; lists them
 * in e->preempted for the models to queue again (sim/README.md). */
void sim__engine_preempt(sim_engine *e);
/* Sets framework f's priority in its core. */
void sim__engine_fw_priority(sim_engine *e, uint32_t f, int32_t priority);
/* Declares framework f's demand to its core (policies that read it). */
void sim__engine_fw_demand(sim_engine *e, uint32_t f, const ac_fw_demand *d);
/* EV_TICK: a full pass on every core with a framework wanting offers, and
 * the next tick. Inline: it runs every interval, millions of times a run. */
static inline void sim_engine_tick(sim_engine *e)
{
	ac_err err;
	for (uint32_t i = 0; i < e->ncores; i++)
		if (e->cores[i].wanting && ac_allocate(e->cores[i].core, e->now, &err) < 0)
			sim__fail(e, "internal: allocate: %s", err.msg);
	sim__engine_push(e, e->now + e->cfg.interval, EV_TICK, 0, 0);
}
/* EV_ALLOC_AGENT: a pass on one machine. */
void sim__engine_alloc_agent(sim_engine *e, uint32_t m);
/* EV_TASK_END (b as queued): the task's resources go back to the core
 * (stale ends ignored). */
void sim__engine_task_end(sim_engine *e, uint32_t t, uint64_t b);

/* --------------------------------------------- what the models call on */

/* A framework's answer to held offers slots[0..ns) of one framework on one
 * machine: launches tasks[0..n) there (out of any list), accepting their sum
 * and declining the rest with the framework's refuse_seconds; or declines
 * them all when n is 0. The slots are freed. */
void sim__engine_answer(sim_engine *e, const uint32_t *slots, size_t ns, const uint32_t *tasks, size_t n);
/* Framework f's answer to a batch in one call (ac_batch_settle): accepts
 * takes[0..nt) and launches their tasks (tasks[take.task0 ..], out of any
 * list) in that order, leaves keep[0..nk) outstanding (those still are),
 * declines every other outstanding offer with f's refuse_seconds. */
void sim__engine_settle(sim_engine *e, uint32_t f, ac_batch_id batch, const sim_take *takes, size_t nt,
                        const uint32_t *tasks, const uint32_t *keep, size_t nk);
/* A held offer's record (a slot of e->offers): batch offer i as the view
 * shows it. SIM_NONE when out of memory (failed). */
uint32_t sim__engine_offer_hold(sim_engine *e, uint32_t f, const ac_batch_view *v, size_t i);
/* Suppresses (on) or revives framework f in its core. */
void sim__engine_fw_suppress(sim_engine *e, uint32_t f, bool on);

/* Framework f wants offers or not: revives or suppresses it on a change. */
static inline void sim_engine_fw_want(sim_engine *e, uint32_t f, bool wants)
{
	if (wants == e->fws[f].suppressed)
		sim__engine_fw_suppress(e, f, !wants);
}

/* Does res fit some machine shape seen so far? */
bool sim__engine_fits_shape(const sim_engine *e, const int64_t res[NRES]);

static inline bool sim_engine_offer_alive(const sim_engine *e, uint32_t slot)
{
	const sim_offer *o = &e->offers[slot];
	if (o->rescinds == e->rescinds)
		return true; /* nothing was rescinded since it was made */
	ac_offer_info info;
	return ac_offer_info_get(e->cores[e->fws[o->fw].core].core, o->id, &info, NULL) == 0;
}

/* Frees an offer slot without answering it (rescinded, or declined apart). */
static inline void sim_engine_offer_release(sim_engine *e, uint32_t slot)
{
	/* never fails: the stack grew with the offers (sim__engine_offer_hold) */
	e->offer_free[e->noffer_free++] = slot;
}

/* Frees a delivery slot (its decision came). */
static inline void sim_engine_delivery_release(sim_engine *e, uint32_t slot)
{
	/* never fails: the stack grew with the deliveries (hook_batch) */
	e->delivery_free[e->ndelivery_free++] = slot;
}

/* Does task x prefer machine m (its data is there)? */
static inline bool sim_engine_prefers(const sim_engine *e, const sim_task *x, uint32_t m)
{
	for (uint32_t i = 0; i < x->loc_n; i++)
		if (e->loc[x->loc_off + i] == m)
			return true;
	return false;
}

static inline void sim_list_init(sim_list *l)
{
	l->head = l->tail = SIM_NONE;
	l->n = 0;
}

static inline void sim_list_push(sim_engine *e, sim_list *l, uint32_t t)
{
	sim_task *x = &e->tasks[t];
	x->prev = l->tail;
	x->next = SIM_NONE;
	if (l->tail != SIM_NONE)
		e->tasks[l->tail].next = t;
	else
		l->head = t;
	l->tail = t;
	l->n++;
}

static inline void sim_list_remove(sim_engine *e, sim_list *l, uint32_t t)
{
	sim_task *x = &e->tasks[t];
	if (x->prev != SIM_NONE)
		e->tasks[x->prev].next = x->next;
	else
		l->head = x->next;
	if (x->next != SIM_NONE)
		e->tasks[x->next].prev = x->prev;
	else
		l->tail = x->prev;
	l->n--;
}

#endif

/*
 * models.h — private: the framework models, what a simulated framework does
 * with the offers the engine delivers to it: its waiting tasks, first-fit
 * packing, delay scheduling, gang jobs that hoard offers, declines, and
 * suppress/revive. Sits on the engine (engine.h) and owns the state below;
 * knows nothing of the metrics. The rules are in sim/README.md.
 */
#ifndef SIM_MODELS_H
#define SIM_MODELS_H

#include "engine.h"

#define SIM_NOFIT 4 /* no-fit shapes remembered per framework */

/* A framework's side of the model (engine's sim_fw has its registration). */
typedef struct sim_fw_model {
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
	/* priorities from the trace (sim/README.md, "Priorities"): the
	 * highest of the pending tasks' (stale when rescan), and the
	 * framework's priority the core has */
	int32_t prio_max, prio_sent;
	bool prio_rescan;
	bool prio_queued; /* in sim_models.prio_changed */
	sim_ring gang_q;  /* gang jobs waiting (job ids), oldest first */
	/* gang hoarding: offer slots held back from the engine */
	uint32_t *held;
	uint32_t nheld, held_cap;
	uint64_t hold_gen;
	bool hold_timer; /* an EV_GANG_HOLD of hold_gen is queued */
} sim_fw_model;

/* A job's side of the model: its gang, while it waits to start. */
typedef struct sim_job_model {
	uint32_t *gang_tasks; /* gang jobs: their tasks, until started */
	uint32_t ngang;
	size_t gang_cap;
	uint64_t feasible_version; /* cluster version when last checked + 1; 0: never */
	bool feasible;
} sim_job_model;

/* One batch a decision answers: its takes and keeps (in sim_models). */
typedef struct sim_settle {
	uint32_t delivery;
	uint32_t take0, ntakes;
	uint32_t keep0, nkeeps;
} sim_settle;

typedef struct sim_models {
	sim_engine *e;
	sim_fw_model *fws; /* by the engine's framework index */
	size_t nfws, fws_cap;
	sim_job_model *jobs; /* by the engine's job index */
	size_t njobs, jobs_cap;
	/* scratch, reused: never allocate in the hot loop */
	/* one decision's answers: per batch (settles), the offers accepted
	 * (takes, with their tasks in take_tasks) and held (keeps: indexes) */
	sim_settle *settles;
	size_t nsettles, settles_cap;
	sim_take *takes;
	size_t ntakes, takes_cap;
	uint32_t *take_tasks;
	size_t ntake_tasks, take_tasks_cap;
	uint32_t *keeps;
	size_t nkeeps, keeps_cap;
	uint32_t *scratch; /* tasks picked for one answer */
	size_t scratch_cap;
	int64_t *scratch_res;
	size_t scratch_res_cap;
	/* gang placement (try_gang): machines of the held offers, where each
	 * task goes, each machine's pooled room */
	uint32_t *gang_mach, *gang_where;
	int64_t *gang_room;
	size_t gang_mach_cap, gang_room_cap, gang_where_cap;
	/* frameworks whose pending list changed since the last
	 * sim__models_declare_priorities */
	uint32_t *prio_changed;
	size_t nprio_changed, prio_changed_cap;
	/* demands (sim__models_declare_demands): declared work per job */
	int64_t *job_work;
	size_t job_work_cap;
} sim_models;

void sim__models_init(sim_models *mo, sim_engine *e);
void sim__models_free(sim_models *mo);
/* Adds the model state of the frameworks the engine registered since the
 * last call. 0, or -1 (failed). */
int sim__models_sync(sim_models *mo);

/* A task the engine recorded: waits in its framework's pending list, with its
 * gang job, or parked when it fits no machine shape seen so far. */
void sim__models_task_submitted(sim_models *mo, uint32_t t);
/* A task lost with its machine goes back to its framework's pending list
 * (resubmit_lost). */
void sim__models_requeue(sim_models *mo, uint32_t t);
/* EV_DECISION: framework f answers the offers in its inbox whose time has come. */
void sim__models_decide(sim_models *mo, uint32_t f);
/* EV_GANG_HOLD: framework f stops hoarding (unless gen is stale). */
void sim__models_gang_hold_end(sim_models *mo, uint32_t f, uint64_t gen);
/* A new machine shape: parked tasks and gang jobs that may fit now wait again. */
void sim__models_unpark(sim_models *mo);
/* When nothing runs and no workload is left: could some waiting task still
 * start on the machines present? If not, the run is over. */
bool sim__models_startable(sim_models *mo);
/* Before a pass, for a policy that reads demands: declares each
 * framework's waiting tasks to the core (sim/README.md, "Policy modules"). */
void sim__models_declare_demands(sim_models *mo);
/* Before a pass, when the engine tracks task priorities: each framework's
 * priority in the core becomes the highest of its own (frameworks.csv)
 * and its pending tasks'. */
void sim__models_declare_priorities(sim_models *mo);
/* A static-partitioning run is over with nothing startable: waiting tasks
 * that fit no machine of their framework's slice (though they may fit
 * another's) are parked, so that they count as never fitting. */
void sim__models_park_unfit(sim_models *mo);
/* Tasks waiting at the end (pending, and in waiting gang jobs). */
uint64_t sim__models_waiting(const sim_models *mo);
/* Tasks parked because they fit no machine (never_fit). */
uint64_t sim__models_never_fit(const sim_models *mo);

#endif

/*
 * models.c — the framework models (models.h): how a simulated framework
 * answers an offer. Greedy first-fit packing of its pending tasks in
 * submission order (at most tasks_per_offer of them), delay scheduling for
 * tasks with a machine preference, gang jobs that hoard offers until all their
 * tasks fit (or a hold limit passes), decline with refuse_seconds, suppress
 * when idle and revive on new work. Answers and launches go through the
 * engine. The rules are in sim/README.md, "Framework models".
 */
#include <stdlib.h>
#include <string.h>

#include "models.h"

static uint32_t *scratch(sim_models *mo, size_t n)
{
	if (GROW(mo->scratch, mo->scratch_cap, n) < 0) {
		sim__fail(mo->e, "out of memory");
		return NULL;
	}
	return mo->scratch;
}

/* Framework f's pending list changed: its priority is looked at before
 * the next pass. */
static void prio_changed(sim_models *mo, uint32_t f)
{
	sim_fw_model *fw = &mo->fws[f];
	if (fw->prio_queued)
		return;
	if (GROW(mo->prio_changed, mo->prio_changed_cap, mo->nprio_changed + 1) < 0) {
		sim__fail(mo->e, "out of memory");
		return;
	}
	fw->prio_queued = true;
	mo->prio_changed[mo->nprio_changed++] = f;
}

/* Appends task t to its framework's pending list. */
static void pending_push(sim_models *mo, uint32_t t)
{
	sim_engine *e = mo->e;
	sim_task *x = &e->tasks[t];
	sim_fw_model *fw = &mo->fws[x->fw];
	fw->nnofit = 0; /* the new task may fit what nothing did */
	if (fw->pending.n == 0)
		memcpy(fw->pend_min, x->res, sizeof fw->pend_min);
	for (int k = 0; k < NRES; k++)
		if (x->res[k] < fw->pend_min[k])
			fw->pend_min[k] = x->res[k];
	sim_list_push(e, &fw->pending, t);
	if (e->task_prio) {
		int32_t pr = e->task_prio[t];
		if (fw->pending.n == 1 || pr > fw->prio_max)
			fw->prio_max = pr;
		prio_changed(mo, x->fw);
	}
}

/* Takes task t of framework f out of its pending list. */
static void pending_remove(sim_models *mo, uint32_t f, uint32_t t)
{
	sim_engine *e = mo->e;
	sim_fw_model *fw = &mo->fws[f];
	sim_list_remove(e, &fw->pending, t);
	if (e->task_prio) {
		if (e->task_prio[t] >= fw->prio_max)
			fw->prio_rescan = true;
		prio_changed(mo, f);
	}
}

static void update_suppression(sim_models *mo, uint32_t f)
{
	const sim_fw_model *fw = &mo->fws[f];
	sim_engine_fw_want(mo->e, f, fw->pending.n > 0 || fw->gang_q.n > 0 || fw->nheld > 0);
}

static bool picked_already(const sim_models *mo, size_t from, size_t to, uint32_t t)
{
	for (size_t i = from; i < to; i++)
		if (mo->scratch[i] == t)
			return true;
	return false;
}

/* pick_pending (below) past its first test. */
static size_t pick_pending_walk(sim_models *mo, uint32_t f, uint32_t m, int64_t rem[NRES], size_t n, uint32_t limit)
{
	sim_engine *e = mo->e;
	sim_fw_model *fw = &mo->fws[f];
	for (uint32_t i = 0; i < fw->nnofit; i++)
		if (sim_res_fits(rem, fw->nofit[i]))
			return n; /* a larger offer already found nothing */
	size_t picked = 0;
	int64_t seen_min[NRES] = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
	uint32_t seen = 0;
	for (int pass = e->nloc ? 0 : 1; pass < 2; pass++) {
		for (uint32_t t = fw->pending.head; t != SIM_NONE && !sim_res_is_zero(rem); t = e->tasks[t].next) {
			if (limit && picked == limit)
				return n + picked;
			sim_task *x = &e->tasks[t];
			if (pass == 1) {
				seen++;
				for (int k = 0; k < NRES; k++)
					seen_min[k] = x->res[k] < seen_min[k] ? x->res[k] : seen_min[k];
			}
			if (!sim_res_fits(x->res, rem))
				continue;
			if (pass == 0 ? !(x->loc_n && sim_engine_prefers(e, x, m))
			              : picked_already(mo, n, n + picked, t))
				continue;
			/* delay scheduling: hold out for a preferred machine for a while */
			if (pass == 1 && x->loc_n && e->now - e->jobs[x->job].last_local_ns < e->cfg.locality_wait &&
			    !sim_engine_prefers(e, x, m))
				continue;
			uint32_t *out = scratch(mo, n + picked + 1);
			if (!out)
				return n;
			out[n + picked++] = t;
			sim_res_sub(rem, x->res);
			if (!sim_res_fits(fw->pend_min, rem))
				return n + picked; /* what is left fits no pending task */
		}
	}
	if (picked == 0 && seen == fw->pending.n) { /* the last pass saw them all: exact again */
		memcpy(fw->pend_min, seen_min, sizeof fw->pend_min);
		if (!e->nloc) {
			uint32_t i = fw->nnofit < SIM_NOFIT ? fw->nnofit++ : fw->nofit_next++ % SIM_NOFIT;
			memcpy(fw->nofit[i], rem, sizeof fw->nofit[0]);
		}
	}
	return n + picked;
}

/* Picks pending tasks of fw for machine m into out[n...], taking from rem,
 * as delay scheduling does (Zaharia et al.): first the tasks that prefer m
 * (their data is there), then the others in submission order, except that
 * a task with a preference is placed elsewhere only once its job has gone
 * locality_wait without launching a local task (since its submission or
 * its last local launch). Returns the new count. */
static inline size_t pick_pending(sim_models *mo, uint32_t f, uint32_t m, int64_t rem[NRES], size_t n, uint32_t limit)
{
	const sim_fw_model *fw = &mo->fws[f];
	/* inline: most offers of a replay stop here, and the call cost as
	 * much as the test */
	if (fw->pending.n == 0 || !sim_res_fits(fw->pend_min, rem))
		return n; /* no pending task fits: no need to look */
	return pick_pending_walk(mo, f, m, rem, n, limit);
}

/* Greedy answer to a held offer: pack pending tasks into it, accept them
 * (or decline it when none fits). */
static void answer_greedy(sim_models *mo, uint32_t slot)
{
	sim_engine *e = mo->e;
	sim_offer *o = &e->offers[slot];
	uint32_t f = o->fw;
	int64_t rem[NRES];
	memcpy(rem, o->res, sizeof rem);
	size_t n = pick_pending(mo, f, o->machine, rem, 0, e->fws[f].cfg.tasks_per_offer);
	for (size_t i = 0; i < n; i++)
		pending_remove(mo, f, mo->scratch[i]);
	sim__engine_answer(e, &slot, 1, mo->scratch, n);
}

/* Greedy answer to offer i of a batch: the tasks it takes are noted for the
 * decision's settle (an offer that takes none is declined by it). */
static void take_greedy(sim_models *mo, uint32_t f, const ac_batch_view *v, size_t i)
{
	sim_engine *e = mo->e;
	int64_t rem[NRES];
	for (int k = 0; k < NRES; k++)
		rem[k] = ac_batch_scalar(v, i, k);
	uint32_t m = (uint32_t)v->agent_tag[i];
	size_t n = pick_pending(mo, f, m, rem, 0, e->fws[f].cfg.tasks_per_offer);
	if (n == 0)
		return;
	if (GROW(mo->takes, mo->takes_cap, mo->ntakes + 1) < 0 ||
	    GROW(mo->take_tasks, mo->take_tasks_cap, mo->ntake_tasks + n) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	sim_take *t = &mo->takes[mo->ntakes++];
	t->index = (uint32_t)i;
	t->machine = m;
	t->task0 = (uint32_t)mo->ntake_tasks;
	t->ntasks = (uint32_t)n;
	memset(t->used, 0, sizeof t->used);
	for (size_t j = 0; j < n; j++) {
		uint32_t x = mo->scratch[j];
		pending_remove(mo, f, x);
		mo->take_tasks[mo->ntake_tasks++] = x;
		for (int k = 0; k < NRES; k++)
			t->used[k] += e->tasks[x].res[k];
	}
}

/* ------------------------------------------------------------ gang jobs */

/* Could the job's tasks all run at once on the machines present (first fit
 * on their totals)? Cached until the cluster changes. */
static bool gang_feasible(sim_models *mo, uint32_t j)
{
	sim_engine *e = mo->e;
	sim_job_model *job = &mo->jobs[j];
	if (job->feasible_version == e->cluster_version + 1)
		return job->feasible;
	size_t nm = e->machine_names.n;
	if (GROW(mo->scratch_res, mo->scratch_res_cap, nm * NRES) < 0) {
		sim__fail(e, "out of memory");
		return false;
	}
	int64_t *room = mo->scratch_res;
	for (size_t m = 0; m < nm; m++)
		for (int k = 0; k < NRES; k++)
			room[m * NRES + k] = e->machines[m].present ? e->machines[m].total[k] : -1;
	bool ok = true;
	for (uint32_t i = 0; i < job->ngang && ok; i++) {
		const int64_t *need = e->tasks[job->gang_tasks[i]].res;
		ok = false;
		for (size_t m = 0; m < nm && !ok; m++) {
			if (sim_res_fits(need, &room[m * NRES])) {
				sim_res_sub(&room[m * NRES], need);
				ok = true;
			}
		}
	}
	job->feasible = ok;
	job->feasible_version = e->cluster_version + 1;
	return ok;
}

/* Queues gang job j of framework f. */
static int gang_push(sim_models *mo, uint32_t f, uint32_t j)
{
	if (sim__ring_push(&mo->fws[f].gang_q, j) < 0)
		return sim__fail(mo->e, "out of memory");
	return 0;
}

/* Stops the hoarding timer of fw, if one runs. */
static void cancel_hold(sim_models *mo, sim_fw_model *fw)
{
	if (fw->hold_timer) {
		fw->hold_timer = false;
		fw->hold_gen++; /* the queued EV_GANG_HOLD is stale now */
		sim_engine_live_done(mo->e);
	}
}

/* Answers every held offer greedily (the non-gang tasks may use them). */
static void release_held(sim_models *mo, uint32_t f)
{
	sim_engine *e = mo->e;
	sim_fw_model *fw = &mo->fws[f];
	cancel_hold(mo, fw);
	for (uint32_t i = 0; i < fw->nheld; i++)
		if (sim_engine_offer_alive(e, fw->held[i]))
			answer_greedy(mo, fw->held[i]);
		else
			sim_engine_offer_release(e, fw->held[i]);
	fw->nheld = 0;
}

/* Grows the gang placement buffers to nm machines and nt tasks. */
static int gang_scratch(sim_models *mo, size_t nm, size_t nt)
{
	if (GROW(mo->gang_mach, mo->gang_mach_cap, nm) < 0 || GROW(mo->gang_room, mo->gang_room_cap, nm * NRES) < 0 ||
	    GROW(mo->gang_where, mo->gang_where_cap, nt) < 0)
		return sim__fail(mo->e, "out of memory");
	return 0;
}

/* Tries to start the oldest gang job with the offers held: the offers of one
 * machine are pooled (they are accepted together), tasks are placed first fit
 * over the machines in the order their first offer came. */
static void try_gang(sim_models *mo, uint32_t f)
{
	sim_engine *e = mo->e;
	sim_fw_model *fw = &mo->fws[f];
	while (fw->gang_q.n > 0 && !gang_feasible(mo, sim_ring_at(&fw->gang_q, 0))) {
		/* it can never fit this cluster: park it rather than hoard forever */
		sim_job_model *job = &mo->jobs[sim_ring_pop(&fw->gang_q)];
		for (uint32_t i = 0; i < job->ngang; i++) {
			e->tasks[job->gang_tasks[i]].state = T_PARKED;
			sim_list_push(e, &fw->parked, job->gang_tasks[i]);
		}
	}
	if (fw->gang_q.n == 0) {
		release_held(mo, f);
		return;
	}
	uint32_t live = 0;
	for (uint32_t i = 0; i < fw->nheld; i++) {
		if (sim_engine_offer_alive(e, fw->held[i]))
			fw->held[live++] = fw->held[i];
		else
			sim_engine_offer_release(e, fw->held[i]);
	}
	fw->nheld = live;
	sim_job_model *job = &mo->jobs[sim_ring_at(&fw->gang_q, 0)];
	size_t nh = fw->nheld, nt = job->ngang;
	/* distinct machines of the held offers, each with its pooled room */
	if (gang_scratch(mo, nh + 1, nt + 1) < 0)
		return;
	uint32_t *mach = mo->gang_mach, *where = mo->gang_where;
	int64_t *room = mo->gang_room;
	size_t nm = 0;
	for (size_t h = 0; h < nh; h++) {
		const sim_offer *o = &e->offers[fw->held[h]];
		size_t i = 0;
		while (i < nm && mach[i] != o->machine)
			i++;
		if (i == nm) {
			mach[nm++] = o->machine;
			memset(&room[i * NRES], 0, NRES * sizeof *room);
		}
		for (int k = 0; k < NRES; k++)
			room[i * NRES + k] += o->res[k];
	}
	for (size_t i = 0; i < nt; i++) {
		const int64_t *need = e->tasks[job->gang_tasks[i]].res;
		size_t m = 0;
		while (m < nm && !sim_res_fits(need, &room[m * NRES]))
			m++;
		if (m == nm)
			return; /* not yet: keep holding */
		sim_res_sub(&room[m * NRES], need);
		where[i] = (uint32_t)m;
	}
	/* Everything fits: launch the gang, pack other pending tasks into what
	 * is left on each machine, answer all held offers. */
	sim_ring_pop(&fw->gang_q);
	cancel_hold(mo, fw);
	uint32_t *held_base = fw->held, *held = held_base;
	fw->held = NULL;
	fw->nheld = fw->held_cap = 0;
	for (size_t m = 0; m < nm; m++) {
		uint32_t *out = scratch(mo, nt + 1);
		if (!out)
			break;
		size_t n = 0;
		for (size_t i = 0; i < nt; i++)
			if (where[i] == m)
				out[n++] = job->gang_tasks[i];
		n = pick_pending(mo, f, mach[m], &room[m * NRES], n, 0);
		for (size_t i = 0; i < n; i++)
			if (e->tasks[mo->scratch[i]].state == T_PENDING)
				pending_remove(mo, f, mo->scratch[i]);
		/* the machine's held offers, in place at the front of held[] */
		size_t ns = 0;
		for (size_t h = 0; h < nh; h++) {
			if (e->offers[held[h]].machine == mach[m]) {
				uint32_t x = held[ns];
				held[ns++] = held[h];
				held[h] = x;
			}
		}
		sim__engine_answer(e, held, ns, mo->scratch, n);
		held += ns;
		nh -= ns;
	}
	free(held_base);
	job->ngang = 0;
}

void sim__models_gang_hold_end(sim_models *mo, uint32_t f, uint64_t gen)
{
	sim_fw_model *fw = &mo->fws[f];
	if (gen != fw->hold_gen)
		return; /* cancelled: its live count went then */
	fw->hold_timer = false;
	sim_engine_live_done(mo->e);
	release_held(mo, f);
	update_suppression(mo, f);
}

/* ----------------------------------------------------------- decisions */

/* Holds offer i of a batch for the oldest gang job; it stays outstanding
 * at the decision's settle. */
static void hold(sim_models *mo, uint32_t f, const ac_batch_view *v, size_t i)
{
	sim_engine *e = mo->e;
	sim_fw_model *fw = &mo->fws[f];
	if (GROW(mo->keeps, mo->keeps_cap, mo->nkeeps + 1) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	if (fw->nheld == fw->held_cap) {
		uint32_t cap = fw->held_cap ? fw->held_cap * 2 : 16;
		uint32_t *h = realloc(fw->held, cap * sizeof *h);
		if (!h) {
			sim__fail(e, "out of memory");
			return;
		}
		fw->held = h;
		fw->held_cap = cap;
	}
	uint32_t slot = sim__engine_offer_hold(e, f, v, i);
	if (slot == SIM_NONE)
		return;
	mo->keeps[mo->nkeeps++] = (uint32_t)i;
	fw->held[fw->nheld++] = slot;
	if (!fw->hold_timer) {
		fw->hold_timer = true;
		sim__engine_push(e, e->now + e->cfg.gang_hold, EV_GANG_HOLD, f, fw->hold_gen);
	}
	try_gang(mo, f);
}

/* The offers of delivery d, one by one: held for a gang job, or packed
 * greedily; noted for the decision's settle. */
static void decide_batch(sim_models *mo, uint32_t f, uint32_t d)
{
	sim_engine *e = mo->e;
	ac_core *core = e->cores[e->fws[f].core].core;
	ac_batch_view v;
	if (ac_batch_view_get(core, e->deliveries[d].batch, &v, NULL) < 0) {
		sim_engine_delivery_release(e, d); /* every offer of it was rescinded */
		return;
	}
	if (GROW(mo->settles, mo->settles_cap, mo->nsettles + 1) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	sim_settle *st = &mo->settles[mo->nsettles++];
	*st = (sim_settle){d, (uint32_t)mo->ntakes, 0, (uint32_t)mo->nkeeps, 0};
	for (size_t i = 0; i < v.n && !e->failed; i++) {
		if (!v.live[i])
			continue; /* rescinded */
		if (mo->fws[f].gang_q.n > 0) {
			hold(mo, f, &v, i);
			/* an answer to held offers moves nothing in the batch,
			 * but may answer its last one: look again */
			if (ac_batch_view_get(core, e->deliveries[d].batch, &v, NULL) < 0)
				break;
		} else {
			take_greedy(mo, f, &v, i);
		}
	}
	st = &mo->settles[mo->nsettles - 1];
	st->ntakes = (uint32_t)mo->ntakes - st->take0;
	st->nkeeps = (uint32_t)mo->nkeeps - st->keep0;
}

void sim__models_decide(sim_models *mo, uint32_t f)
{
	sim_engine *e = mo->e;
	sim_ring *inbox = &e->fws[f].inbox;
	mo->nsettles = mo->ntakes = mo->ntake_tasks = mo->nkeeps = 0;
	/* Answering makes no offers, so the inbox only shrinks meanwhile. */
	while (inbox->n > 0 && !e->failed) {
		uint32_t d = sim_ring_at(inbox, 0);
		if (e->deliveries[d].decide_ns > e->now)
			break; /* a later pass's: its own decision comes */
		sim_ring_pop(inbox);
		decide_batch(mo, f, d);
	}
	/* A decision can only take work away (it launches tasks), so this
	 * can only suppress. Suppressing before declining spares the core
	 * filters that could never apply (alloccore/src/filters.c). Then each
	 * batch is answered in one call: what no task uses is declined
	 * (accepts and declines of one decision do not interact). */
	update_suppression(mo, f);
	for (size_t k = 0; k < mo->nsettles && !e->failed; k++) {
		const sim_settle *st = &mo->settles[k];
		sim__engine_settle(e, f, e->deliveries[st->delivery].batch, mo->takes + st->take0, st->ntakes,
		                   mo->take_tasks, mo->keeps + st->keep0, st->nkeeps);
		sim_engine_delivery_release(e, st->delivery);
	}
}

/* ------------------------------------------------------- waiting tasks */

void sim__models_task_submitted(sim_models *mo, uint32_t t)
{
	sim_engine *e = mo->e;
	sim_task *x = &e->tasks[t];
	uint32_t f = x->fw, j = x->job;
	if (j >= mo->njobs) { /* jobs are numbered densely: this is a new one */
		if (GROW(mo->jobs, mo->jobs_cap, (size_t)j + 1) < 0) {
			sim__fail(e, "out of memory");
			return;
		}
		mo->njobs = (size_t)j + 1;
	}
	sim_fw_model *fw = &mo->fws[f];
	const sim_job *job = &e->jobs[j];
	if (job->gang && job->start_ns < 0) {
		sim_job_model *gang = &mo->jobs[j];
		x->state = T_GANG_WAIT;
		if (GROW(gang->gang_tasks, gang->gang_cap, gang->ngang + 1) < 0) {
			sim__fail(e, "out of memory");
			return;
		}
		gang->gang_tasks[gang->ngang++] = t;
		gang->feasible_version = 0;
		if (gang->ngang == 1 && gang_push(mo, f, j) < 0)
			return;
	} else if (!sim__engine_fits_shape(e, x->res)) {
		x->state = T_PARKED;
		sim_list_push(e, &fw->parked, t);
	} else {
		x->state = T_PENDING;
		pending_push(mo, t);
	}
	update_suppression(mo, f);
}

void sim__models_requeue(sim_models *mo, uint32_t t)
{
	sim_task *x = &mo->e->tasks[t];
	x->state = T_PENDING;
	pending_push(mo, t);
	update_suppression(mo, x->fw);
}

void sim__models_declare_demands(sim_models *mo)
{
	sim_engine *e = mo->e;
	if (GROW(mo->job_work, mo->job_work_cap, e->jobs_cap) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	for (size_t f = 0; f < mo->nfws; f++) {
		const sim_list *l = &mo->fws[f].pending;
		ac_fw_demand d;
		memset(&d, 0, sizeof d);
		d.tasks = l->n;
		if (l->head != SIM_NONE) {
			const sim_task *h = &e->tasks[l->head];
			for (int k = 0; k < NRES; k++)
				d.next.v[k] = h->res[k];
			d.submitted = h->submit_ns;
		}
		/* a job's declared work left: the durations of its waiting
		 * tasks; the framework's shortest job's is its `remaining` */
		for (uint32_t t = l->head; t != SIM_NONE; t = e->tasks[t].next) {
			const sim_task *x = &e->tasks[t];
			mo->job_work[x->job] += x->duration_ns;
			for (int k = 0; k < NRES; k++)
				d.pending.v[k] += x->res[k];
			if (x->submit_ns < d.submitted)
				d.submitted = x->submit_ns;
		}
		for (uint32_t t = l->head; t != SIM_NONE; t = e->tasks[t].next) {
			int64_t *w = &mo->job_work[e->tasks[t].job];
			if (*w > 0 && (d.remaining == 0 || *w < d.remaining))
				d.remaining = *w;
			*w = 0;
		}
		sim__engine_fw_demand(e, (uint32_t)f, &d);
	}
}

void sim__models_declare_priorities(sim_models *mo)
{
	sim_engine *e = mo->e;
	for (size_t i = 0; i < mo->nprio_changed; i++) {
		uint32_t f = mo->prio_changed[i];
		sim_fw_model *fw = &mo->fws[f];
		fw->prio_queued = false;
		if (fw->prio_rescan) {
			fw->prio_rescan = false;
			fw->prio_max = INT32_MIN;
			for (uint32_t t = fw->pending.head; t != SIM_NONE; t = e->tasks[t].next)
				if (e->task_prio[t] > fw->prio_max)
					fw->prio_max = e->task_prio[t];
		}
		int32_t own = e->fws[f].cfg.priority;
		int32_t p = fw->pending.n && fw->prio_max > own ? fw->prio_max : own;
		if (p != fw->prio_sent) {
			fw->prio_sent = p;
			sim__engine_fw_priority(e, f, p);
		}
	}
	mo->nprio_changed = 0;
}

void sim__models_unpark(sim_models *mo)
{
	sim_engine *e = mo->e;
	for (size_t f = 0; f < mo->nfws; f++) {
		sim_fw_model *fw = &mo->fws[f];
		uint32_t t = fw->parked.head;
		while (t != SIM_NONE) {
			uint32_t next = e->tasks[t].next;
			sim_task *x = &e->tasks[t];
			sim_job_model *gang = &mo->jobs[x->job];
			if (e->jobs[x->job].gang && e->jobs[x->job].start_ns < 0) {
				/* the whole gang job goes back to the gang queue (once) */
				if (gang->gang_tasks[0] == t) {
					for (uint32_t i = 0; i < gang->ngang; i++) {
						uint32_t g = gang->gang_tasks[i];
						if (g == next)
							next = e->tasks[g].next;
						sim_list_remove(e, &fw->parked, g);
						e->tasks[g].state = T_GANG_WAIT;
					}
					gang->feasible_version = 0;
					gang_push(mo, (uint32_t)f, x->job);
				}
			} else if (sim__engine_fits_shape(e, x->res)) {
				sim_list_remove(e, &fw->parked, t);
				x->state = T_PENDING;
				pending_push(mo, t);
			}
			t = next;
		}
		update_suppression(mo, (uint32_t)f);
	}
}

/* Could task t start on a machine present in its framework's core (all
 * of them but under static partitioning, where it is the framework's
 * slice)? */
static bool fits_own_machine(const sim_engine *e, uint32_t t)
{
	uint32_t core = e->fws[e->tasks[t].fw].core;
	for (size_t m = 0; m < e->machine_names.n; m++)
		if (e->machines[m].present && e->machines[m].core == core &&
		    sim_res_fits(e->tasks[t].res, e->machines[m].total))
			return true;
	return false;
}

bool sim__models_startable(sim_models *mo)
{
	sim_engine *e = mo->e;
	for (size_t f = 0; f < mo->nfws; f++) {
		sim_fw_model *fw = &mo->fws[f];
		if (fw->nheld > 0)
			return true;
		for (uint32_t i = 0; i < fw->gang_q.n; i++)
			if (gang_feasible(mo, sim_ring_at(&fw->gang_q, i)))
				return true;
		for (uint32_t t = fw->pending.head; t != SIM_NONE; t = e->tasks[t].next)
			if (fits_own_machine(e, t))
				return true;
	}
	return false;
}

void sim__models_park_unfit(sim_models *mo)
{
	sim_engine *e = mo->e;
	for (size_t f = 0; f < mo->nfws; f++) {
		sim_fw_model *fw = &mo->fws[f];
		for (uint32_t t = fw->pending.head, next; t != SIM_NONE; t = next) {
			next = e->tasks[t].next;
			if (fits_own_machine(e, t))
				continue;
			sim_list_remove(e, &fw->pending, t);
			e->tasks[t].state = T_PARKED;
			sim_list_push(e, &fw->parked, t);
		}
	}
}

uint64_t sim__models_waiting(const sim_models *mo)
{
	uint64_t n = 0;
	for (size_t f = 0; f < mo->nfws; f++) {
		n += mo->fws[f].pending.n;
		for (uint32_t i = 0; i < mo->fws[f].gang_q.n; i++)
			n += mo->jobs[sim_ring_at(&mo->fws[f].gang_q, i)].ngang;
	}
	return n;
}

uint64_t sim__models_never_fit(const sim_models *mo)
{
	uint64_t n = 0;
	for (size_t f = 0; f < mo->nfws; f++)
		n += mo->fws[f].parked.n;
	return n;
}

/* ------------------------------------------------------------------- life */

void sim__models_init(sim_models *mo, sim_engine *e)
{
	memset(mo, 0, sizeof *mo);
	mo->e = e;
}

int sim__models_sync(sim_models *mo)
{
	size_t n = mo->e->fw_names.n;
	if (n <= mo->nfws)
		return 0;
	if (GROW(mo->fws, mo->fws_cap, n) < 0)
		return sim__fail(mo->e, "out of memory");
	for (; mo->nfws < n; mo->nfws++) {
		sim_fw_model *fw = &mo->fws[mo->nfws];
		memset(fw, 0, sizeof *fw);
		sim_list_init(&fw->pending);
		sim_list_init(&fw->parked);
		fw->prio_sent = mo->e->fws[mo->nfws].cfg.priority; /* as registered */
	}
	return 0;
}

void sim__models_free(sim_models *mo)
{
	for (size_t f = 0; f < mo->nfws; f++) {
		free(mo->fws[f].gang_q.v);
		free(mo->fws[f].held);
	}
	for (size_t j = 0; j < mo->njobs; j++)
		free(mo->jobs[j].gang_tasks);
	free(mo->fws);
	free(mo->jobs);
	free(mo->takes);
	free(mo->take_tasks);
	free(mo->keeps);
	free(mo->settles);
	free(mo->scratch);
	free(mo->scratch_res);
	free(mo->gang_mach);
	free(mo->gang_where);
	free(mo->gang_room);
	free(mo->job_work);
	free(mo->prio_changed);
}

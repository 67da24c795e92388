/*
 * models.c — the framework models: how a simulated framework answers an
 * offer. Greedy first-fit packing of its pending tasks in submission order
 * (at most tasks_per_offer of them), delay scheduling for tasks with a
 * machine preference, gang jobs that hoard offers until all their tasks fit
 * (or a hold limit passes), decline with refuse_seconds, suppress when idle
 * and revive on new work. The rules are in sim/README.md, "Framework models".
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static bool fits(const int64_t need[NRES], const int64_t have[NRES])
{
	int ok = 1;
	for (int k = 0; k < NRES; k++)
		ok &= need[k] <= have[k];
	return ok;
}

static void sub(int64_t a[NRES], const int64_t b[NRES])
{
	for (int k = 0; k < NRES; k++)
		a[k] -= b[k];
}

static bool all_zero(const int64_t a[NRES])
{
	int64_t any = 0;
	for (int k = 0; k < NRES; k++)
		any |= a[k];
	return any == 0;
}

static uint32_t *scratch(sim *s, size_t n)
{
	if (GROW(s, s->scratch, s->scratch_cap, n) < 0) {
		sim_fail(s, "out of memory");
		return NULL;
	}
	return s->scratch;
}

static bool offer_alive(sim *s, uint32_t slot)
{
	sim_offer *o = &s->offers[slot];
	if (o->rescinds == s->rescinds)
		return true; /* nothing was rescinded since it was made */
	ac_offer_info info;
	return ac_offer_info_get(s->cores[s->fws[o->fw].core].core, o->id, &info, NULL) == 0;
}

static void offer_release(sim *s, uint32_t slot)
{
	/* never fails: the stack grew with the offers (hook_offer) */
	s->offer_free[s->noffer_free++] = slot;
}

static ac_core *fw_core(sim *s, uint32_t f)
{
	return s->cores[s->fws[f].core].core;
}

static bool prefers(const sim *s, const sim_task *x, uint32_t machine)
{
	for (uint32_t i = 0; i < x->loc_n; i++)
		if (s->loc[x->loc_off + i] == machine)
			return true;
	return false;
}

void model_launch(sim *s, uint32_t t, uint32_t m)
{
	sim_task *x = &s->tasks[t];
	sim_fw *fw = &s->fws[x->fw];
	x->state = T_RUNNING;
	x->machine = m;
	if (x->start_ns < 0) {
		x->start_ns = s->now;
		if (GROW(s, s->waits, s->waits_cap, s->nwaits + 1) < 0) {
			sim_fail(s, "out of memory");
			return;
		}
		s->waits[s->nwaits++] = s->now - x->submit_ns;
	}
	bool local = x->loc_n && prefers(s, x, m);
	int64_t run_ns = x->duration_ns;
	if (x->loc_n && !local && s->cfg.remote_slowdown != SIM_SLOWDOWN_ONE) {
		/* reads its input remotely: exact integer scaling, capped */
		unsigned __int128 d = (unsigned __int128)run_ns * (uint64_t)s->cfg.remote_slowdown / SIM_SLOWDOWN_ONE;
		run_ns = d > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)d;
	}
	sim_list_push(s, &s->machines[m].running, t);
	metrics_fw_add(s, x->fw, x->res, 1);
	fw->running++;
	fw->launched++;
	s->running++;
	s->launched++;
	if (x->loc_n) {
		if (local)
			s->jobs[x->job].wait_since_ns = s->now; /* the delay restarts */
		fw->launched_pref++;
		fw->launched_local += local;
		s->launched_pref++;
		s->launched_local += local;
	}
	sim_job *job = &s->jobs[x->job];
	if (job->start_ns < 0)
		job->start_ns = s->now;
	sim_push(s, s->now + run_ns, EV_TASK_END, t, x->gen);
}

static bool picked_already(const sim *s, size_t from, size_t to, uint32_t t)
{
	for (size_t i = from; i < to; i++)
		if (s->scratch[i] == t)
			return true;
	return false;
}

/* Picks pending tasks of fw for machine m into out[n...], taking from rem,
 * as delay scheduling does (Zaharia et al.): first the tasks that prefer m
 * (their data is there), then the others in submission order, except that
 * a task with a preference is placed elsewhere only once its job has gone
 * locality_wait without launching a local task (since its submission or
 * its last local launch). Returns the new count. */
static size_t pick_pending(sim *s, uint32_t f, uint32_t m, int64_t rem[NRES], size_t n, uint32_t limit)
{
	sim_fw *fw = &s->fws[f];
	if (fw->pending.n == 0 || !fits(fw->pend_min, rem))
		return n; /* no pending task fits: no need to look */
	for (uint32_t i = 0; i < fw->nnofit; i++)
		if (fits(rem, fw->nofit[i]))
			return n; /* a larger offer already found nothing */
	size_t picked = 0;
	int64_t seen_min[NRES] = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
	uint32_t seen = 0;
	for (int pass = s->nloc ? 0 : 1; pass < 2; pass++) {
		for (uint32_t t = fw->pending.head; t != SIM_NONE && !all_zero(rem); t = s->tasks[t].next) {
			if (limit && picked == limit)
				return n + picked;
			sim_task *x = &s->tasks[t];
			if (pass == 1) {
				seen++;
				for (int k = 0; k < NRES; k++)
					seen_min[k] = x->res[k] < seen_min[k] ? x->res[k] : seen_min[k];
			}
			if (!fits(x->res, rem))
				continue;
			if (pass == 0 ? !(x->loc_n && prefers(s, x, m)) : picked_already(s, n, n + picked, t))
				continue;
			/* delay scheduling: hold out for a preferred machine for a while */
			if (pass == 1 && x->loc_n && s->now - s->jobs[x->job].wait_since_ns < s->cfg.locality_wait &&
			    !prefers(s, x, m))
				continue;
			uint32_t *out = scratch(s, n + picked + 1);
			if (!out)
				return n;
			out[n + picked++] = t;
			sub(rem, x->res);
			if (!fits(fw->pend_min, rem))
				return n + picked; /* what is left fits no pending task */
		}
	}
	if (picked == 0 && seen == fw->pending.n) { /* the last pass saw them all: exact again */
		memcpy(fw->pend_min, seen_min, sizeof fw->pend_min);
		if (!s->nloc) {
			uint32_t i = fw->nnofit < SIM_NOFIT ? fw->nnofit++ : fw->nofit_next++ % SIM_NOFIT;
			memcpy(fw->nofit[i], rem, sizeof fw->nofit[0]);
		}
	}
	return n + picked;
}

/* Answers offers slots[0..ns) of one framework on one machine together with
 * the tasks in tasks[0..n) (already out of any list): accept what they use,
 * decline the rest; or decline it all when n is 0. Launches the tasks. */
static void answer_multi(sim *s, const uint32_t *slots, size_t ns, const uint32_t *tasks, size_t n)
{
	sim_offer *o = &s->offers[slots[0]];
	uint32_t f = o->fw, m = o->machine;
	ac_core *core = fw_core(s, f);
	ac_time refuse = ac_refuse_from_seconds(s->fws[f].cfg.refuse_seconds);
	if (GROW(s, s->ids, s->ids_cap, ns) < 0) {
		sim_fail(s, "out of memory");
		return;
	}
	ac_offer_id *ids = s->ids;
	for (size_t i = 0; i < ns; i++)
		ids[i] = s->offers[slots[i]].id;
	ac_err e;
	if (n == 0) {
		if (ac_offers_decline(core, ids, ns, refuse, s->now, &e) < 0)
			sim_fail(s, "internal: decline: %s", e.msg);
	} else {
		int64_t used[NRES] = {0};
		for (size_t i = 0; i < n; i++)
			for (int k = 0; k < NRES; k++)
				used[k] += s->tasks[tasks[i]].res[k];
		ac_resources r;
		res_to_ac(used, &r);
		if (ac_offers_accept(core, ids, ns, &r, refuse, s->now, &e) < 0) {
			sim_fail(s, "internal: accept: %s", e.msg);
		} else {
			for (size_t i = 0; i < n; i++)
				model_launch(s, tasks[i], m);
		}
	}
	for (size_t i = 0; i < ns; i++)
		offer_release(s, slots[i]);
}

static void answer(sim *s, uint32_t slot, const uint32_t *tasks, size_t n)
{
	answer_multi(s, &slot, 1, tasks, n);
}

/* Greedy answer: pack pending tasks into the offer. With defer, an offer
 * that gets no task is only noted in s->declines (declines_flush answers
 * those together). */
static void answer_greedy_defer(sim *s, uint32_t slot, bool defer)
{
	sim_offer *o = &s->offers[slot];
	uint32_t f = o->fw;
	int64_t rem[NRES];
	memcpy(rem, o->res, sizeof rem);
	size_t n = pick_pending(s, f, o->machine, rem, 0, s->fws[f].cfg.tasks_per_offer);
	if (n == 0 && defer) {
		if (GROW(s, s->declines, s->declines_cap, s->ndeclines + 1) < 0) {
			sim_fail(s, "out of memory");
			return;
		}
		s->declines[s->ndeclines++] = o->id;
		offer_release(s, slot);
		return;
	}
	for (size_t i = 0; i < n; i++)
		sim_list_remove(s, &s->fws[f].pending, s->scratch[i]);
	answer(s, slot, s->scratch, n);
}

static void answer_greedy(sim *s, uint32_t slot)
{
	answer_greedy_defer(s, slot, false);
}

/* Declines the offers noted by answer_greedy_defer, all of framework f. */
static void declines_flush(sim *s, uint32_t f)
{
	if (s->ndeclines == 0)
		return;
	ac_err e;
	if (ac_offers_decline_each(fw_core(s, f), s->declines, s->ndeclines,
	                           ac_refuse_from_seconds(s->fws[f].cfg.refuse_seconds), s->now, &e) < 0)
		sim_fail(s, "internal: decline: %s", e.msg);
	s->ndeclines = 0;
}

void model_update_suppression(sim *s, uint32_t f)
{
	sim_fw *fw = &s->fws[f];
	sim_core *c = &s->cores[fw->core];
	bool wants = fw->pending.n > 0 || fw->gang_q.n > 0 || fw->nheld > 0;
	ac_err e;
	if (wants && fw->suppressed) {
		if (ac_fw_revive(c->core, fw->id, &e) < 0)
			sim_fail(s, "internal: revive: %s", e.msg);
		fw->suppressed = false;
		c->wanting++;
	} else if (!wants && !fw->suppressed) {
		if (ac_fw_suppress(c->core, fw->id, &e) < 0)
			sim_fail(s, "internal: suppress: %s", e.msg);
		fw->suppressed = true;
		c->wanting--;
	}
}

void model_task_submitted(sim *s, uint32_t f, uint32_t t)
{
	model_update_suppression(s, f);
}

/* ------------------------------------------------------------ gang jobs */

/* Could the job's tasks all run at once on the machines present (first fit
 * on their totals)? Cached until the cluster changes. */
static bool gang_feasible(sim *s, uint32_t j)
{
	sim_job *job = &s->jobs[j];
	if (job->feasible_version == s->cluster_version + 1)
		return job->feasible;
	size_t nm = s->machine_names.n;
	if (GROW(s, s->scratch_res, s->scratch_res_cap, nm * NRES) < 0) {
		sim_fail(s, "out of memory");
		return false;
	}
	int64_t *room = s->scratch_res;
	for (size_t m = 0; m < nm; m++)
		for (int k = 0; k < NRES; k++)
			room[m * NRES + k] = s->machines[m].present ? s->machines[m].total[k] : -1;
	bool ok = true;
	for (uint32_t i = 0; i < job->ngang && ok; i++) {
		const int64_t *need = s->tasks[job->gang_tasks[i]].res;
		ok = false;
		for (size_t m = 0; m < nm && !ok; m++) {
			if (fits(need, &room[m * NRES])) {
				sub(&room[m * NRES], need);
				ok = true;
			}
		}
	}
	job->feasible = ok;
	job->feasible_version = s->cluster_version + 1;
	return ok;
}

int model_gang_push(sim *s, uint32_t f, uint32_t j)
{
	if (sim_ring_push(&s->fws[f].gang_q, j) < 0)
		return sim_fail(s, "out of memory");
	return 0;
}

/* Stops the hoarding timer of fw, if one runs. */
static void cancel_hold(sim *s, sim_fw *fw)
{
	if (fw->hold_timer) {
		fw->hold_timer = false;
		fw->hold_gen++; /* the queued EV_GANG_HOLD is stale now */
		s->live--;
	}
}

/* Answers every held offer greedily (the non-gang tasks may use them). */
static void release_held(sim *s, uint32_t f)
{
	sim_fw *fw = &s->fws[f];
	cancel_hold(s, fw);
	for (uint32_t i = 0; i < fw->nheld; i++)
		if (offer_alive(s, fw->held[i]))
			answer_greedy(s, fw->held[i]);
		else
			offer_release(s, fw->held[i]);
	fw->nheld = 0;
}

/* Grows the gang placement buffers to nm machines and nt tasks. */
static int gang_scratch(sim *s, size_t nm, size_t nt)
{
	if (GROW(s, s->gang_mach, s->gang_mach_cap, nm) < 0 || GROW(s, s->gang_room, s->gang_room_cap, nm * NRES) < 0 ||
	    GROW(s, s->gang_where, s->gang_where_cap, nt) < 0)
		return sim_fail(s, "out of memory");
	return 0;
}

/* Tries to start the oldest gang job with the offers held: the offers of one
 * machine are pooled (they are accepted together), tasks are placed first fit
 * over the machines in the order their first offer came. */
static void try_gang(sim *s, uint32_t f)
{
	sim_fw *fw = &s->fws[f];
	while (fw->gang_q.n > 0 && !gang_feasible(s, sim_ring_at(&fw->gang_q, 0))) {
		/* it can never fit this cluster: park it rather than hoard forever */
		sim_job *job = &s->jobs[sim_ring_pop(&fw->gang_q)];
		for (uint32_t i = 0; i < job->ngang; i++) {
			s->tasks[job->gang_tasks[i]].state = T_PARKED;
			sim_list_push(s, &fw->parked, job->gang_tasks[i]);
		}
	}
	if (fw->gang_q.n == 0) {
		release_held(s, f);
		return;
	}
	uint32_t live = 0;
	for (uint32_t i = 0; i < fw->nheld; i++) {
		if (offer_alive(s, fw->held[i]))
			fw->held[live++] = fw->held[i];
		else
			offer_release(s, fw->held[i]);
	}
	fw->nheld = live;
	sim_job *job = &s->jobs[sim_ring_at(&fw->gang_q, 0)];
	size_t nh = fw->nheld, nt = job->ngang;
	/* distinct machines of the held offers, each with its pooled room */
	if (gang_scratch(s, nh + 1, nt + 1) < 0)
		return;
	uint32_t *mach = s->gang_mach, *where = s->gang_where;
	int64_t *room = s->gang_room;
	size_t nm = 0;
	for (size_t h = 0; h < nh; h++) {
		const sim_offer *o = &s->offers[fw->held[h]];
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
		const int64_t *need = s->tasks[job->gang_tasks[i]].res;
		size_t m = 0;
		while (m < nm && !fits(need, &room[m * NRES]))
			m++;
		if (m == nm)
			return; /* not yet: keep holding */
		sub(&room[m * NRES], need);
		where[i] = (uint32_t)m;
	}
	/* Everything fits: launch the gang, pack other pending tasks into what
	 * is left on each machine, answer all held offers. */
	sim_ring_pop(&fw->gang_q);
	cancel_hold(s, fw);
	uint32_t *held_base = fw->held, *held = held_base;
	fw->held = NULL;
	fw->nheld = fw->held_cap = 0;
	for (size_t m = 0; m < nm; m++) {
		uint32_t *out = scratch(s, nt + 1);
		if (!out)
			break;
		size_t n = 0;
		for (size_t i = 0; i < nt; i++)
			if (where[i] == m)
				out[n++] = job->gang_tasks[i];
		n = pick_pending(s, f, mach[m], &room[m * NRES], n, 0);
		for (size_t i = 0; i < n; i++)
			if (s->tasks[s->scratch[i]].state == T_PENDING)
				sim_list_remove(s, &fw->pending, s->scratch[i]);
		/* the machine's held offers, in place at the front of held[] */
		size_t ns = 0;
		for (size_t h = 0; h < nh; h++) {
			if (s->offers[held[h]].machine == mach[m]) {
				uint32_t x = held[ns];
				held[ns++] = held[h];
				held[h] = x;
			}
		}
		answer_multi(s, held, ns, s->scratch, n);
		held += ns;
		nh -= ns;
	}
	free(held_base);
	job->ngang = 0;
}

void model_gang_hold_end(sim *s, uint32_t f, uint64_t gen)
{
	sim_fw *fw = &s->fws[f];
	if (gen != fw->hold_gen)
		return; /* cancelled: its live count went then */
	fw->hold_timer = false;
	s->live--;
	release_held(s, f);
	model_update_suppression(s, f);
}

/* ----------------------------------------------------------- decisions */

static void decide_one(sim *s, uint32_t f, uint32_t slot)
{
	sim_fw *fw = &s->fws[f];
	if (!offer_alive(s, slot)) {
		offer_release(s, slot);
		return;
	}
	if (fw->gang_q.n > 0) {
		if (fw->nheld == fw->held_cap) {
			uint32_t cap = fw->held_cap ? fw->held_cap * 2 : 16;
			uint32_t *h = realloc(fw->held, cap * sizeof *h);
			if (!h) {
				sim_fail(s, "out of memory");
				return;
			}
			fw->held = h;
			fw->held_cap = cap;
		}
		fw->held[fw->nheld++] = slot;
		if (!fw->hold_timer) {
			fw->hold_timer = true;
			sim_push(s, s->now + s->cfg.gang_hold, EV_GANG_HOLD, f, fw->hold_gen);
		}
		try_gang(s, f);
	} else {
		/* what no task uses is declined at the end of the decision:
		 * declines and accepts of one decision do not interact */
		answer_greedy_defer(s, slot, true);
	}
}

void model_decide(sim *s, uint32_t f)
{
	sim_fw *fw = &s->fws[f];
	/* Answering makes no offers, so the inbox only shrinks meanwhile. */
	while (fw->inbox.n > 0 && !s->failed) {
		uint32_t slot = sim_ring_at(&fw->inbox, 0);
		if (s->offers[slot].decide_ns > s->now)
			break; /* a later pass's: its own decision comes */
		sim_ring_pop(&fw->inbox);
		decide_one(s, f, slot);
	}
	/* A decision can only take work away (it launches tasks), so this
	 * can only suppress. Suppressing before declining spares the core
	 * filters that could never apply (alloccore/src/filters.c). */
	model_update_suppression(s, f);
	declines_flush(s, f);
}

/* ------------------------------------------------------- never-fit tasks */

void model_unpark(sim *s)
{
	for (size_t f = 0; f < s->fw_names.n; f++) {
		sim_fw *fw = &s->fws[f];
		uint32_t t = fw->parked.head;
		while (t != SIM_NONE) {
			uint32_t next = s->tasks[t].next;
			sim_task *x = &s->tasks[t];
			sim_job *job = &s->jobs[x->job];
			if (job->gang && job->start_ns < 0) {
				/* the whole gang job goes back to the gang queue (once) */
				if (job->gang_tasks[0] == t) {
					for (uint32_t i = 0; i < job->ngang; i++) {
						uint32_t g = job->gang_tasks[i];
						if (g == next)
							next = s->tasks[g].next;
						sim_list_remove(s, &fw->parked, g);
						s->tasks[g].state = T_GANG_WAIT;
					}
					job->feasible_version = 0;
					model_gang_push(s, (uint32_t)f, x->job);
				}
			} else if (sim_fits_shape(s, x->res)) {
				sim_list_remove(s, &fw->parked, t);
				x->state = T_PENDING;
				sim_pending_push(s, t);
			}
			t = next;
		}
		model_update_suppression(s, (uint32_t)f);
	}
}

/* When nothing runs and no workload is left: could some waiting task still
 * start on the machines present? If not, the run is over. */
bool model_startable(sim *s)
{
	for (size_t f = 0; f < s->fw_names.n; f++) {
		sim_fw *fw = &s->fws[f];
		if (fw->nheld > 0)
			return true;
		for (uint32_t i = 0; i < fw->gang_q.n; i++)
			if (gang_feasible(s, sim_ring_at(&fw->gang_q, i)))
				return true;
		for (uint32_t t = fw->pending.head; t != SIM_NONE; t = s->tasks[t].next)
			for (size_t m = 0; m < s->machine_names.n; m++)
				if (s->machines[m].present && fits(s->tasks[t].res, s->machines[m].total))
					return true;
	}
	return false;
}

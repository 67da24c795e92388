/*
 * engine.c — the discrete-event loop: pulls workload events from the trace
 * source and simulator events from the queue in (time, sequence) order, keeps
 * the cluster (machines = alloccore agents) and the frameworks registered in
 * the core, runs the periodic and event-driven allocation passes, and turns
 * the core's offers into framework decisions (models.c).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* ------------------------------------------------------------------ utils */

static char *dupstr(const char *x)
{
	size_t n = strlen(x) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, x, n);
	return d;
}

int sim_fail(sim *s, const char *fmt, ...)
{
	if (!s->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->err, s->errlen, fmt, ap);
		va_end(ap);
		s->failed = -1;
	}
	return -1;
}

int sim_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, n * elem);
	if (!p)
		return -1;
	memset((char *)p + *cap * elem, 0, (n - *cap) * elem);
	*arr = p;
	*cap = n;
	return 0;
}

/* The task table: sized once when the source says how many events come
 * (a copy of a 10 M-task table would hold both in memory for a moment),
 * else grown by half. Not zeroed: task_submit sets every field. */
static int tasks_reserve(sim *s, size_t need)
{
	if (need <= s->tasks_cap)
		return 0;
	size_t cap = s->tasks_cap + s->tasks_cap / 2;
	if (cap < need)
		cap = need < 1024 ? 1024 : need;
	sim_task *p = realloc(s->tasks, cap * sizeof *p);
	if (!p)
		return -1;
	s->tasks = p;
	s->tasks_cap = cap;
	return 0;
}

int sim_ring_push(sim_ring *r, uint32_t x)
{
	if (r->n == r->cap) {
		/* unroll into a ring twice the size */
		uint32_t cap = r->cap ? r->cap * 2 : 16;
		uint32_t *v = malloc(sizeof *v * cap);
		if (!v)
			return -1;
		for (uint32_t i = 0; i < r->n; i++)
			v[i] = sim_ring_at(r, i);
		free(r->v);
		r->v = v;
		r->cap = cap;
		r->head = 0;
	}
	r->v[(r->head + r->n++) & (r->cap - 1)] = x;
	return 0;
}

int sim_push(sim *s, ac_time t, uint32_t kind, uint32_t a, uint64_t b)
{
	if (kind != EV_TICK && kind != EV_SAMPLE)
		s->live++;
	if (sim__queue_push(&s->q, t, kind, a, b) < 0)
		return sim_fail(s, "out of memory");
	return 0;
}

void sim_list_push(sim *s, sim_list *l, uint32_t t)
{
	sim_task *x = &s->tasks[t];
	x->prev = l->tail;
	x->next = SIM_NONE;
	if (l->tail != SIM_NONE)
		s->tasks[l->tail].next = t;
	else
		l->head = t;
	l->tail = t;
	l->n++;
}

void sim_list_remove(sim *s, sim_list *l, uint32_t t)
{
	sim_task *x = &s->tasks[t];
	if (x->prev != SIM_NONE)
		s->tasks[x->prev].next = x->next;
	else
		l->head = x->next;
	if (x->next != SIM_NONE)
		s->tasks[x->next].prev = x->prev;
	else
		l->tail = x->prev;
	l->n--;
}

void sim_pending_push(sim *s, uint32_t t)
{
	sim_task *x = &s->tasks[t];
	sim_fw *fw = &s->fws[x->fw];
	fw->nnofit = 0; /* the new task may fit what nothing did */
	if (fw->pending.n == 0)
		memcpy(fw->pend_min, x->res, sizeof fw->pend_min);
	for (int k = 0; k < NRES; k++)
		if (x->res[k] < fw->pend_min[k])
			fw->pend_min[k] = x->res[k];
	sim_list_push(s, &fw->pending, t);
}

static void list_init(sim_list *l)
{
	l->head = l->tail = SIM_NONE;
	l->n = 0;
}

void res_to_ac(const int64_t res[NRES], ac_resources *out)
{
	ac_vec v;
	ac_vec_zero(&v);
	for (int k = 0; k < NRES; k++)
		v.v[k] = res[k]; /* AC_CPUS, AC_MEM, AC_DISK, AC_GPUS are 0..3 */
	ac_resources_from_vec(out, &v);
}

static void tr_to_res(const tr_res *r, int64_t out[NRES])
{
	out[0] = r->cpus;
	out[1] = r->mem_mb;
	out[2] = r->disk_mb;
	out[3] = r->gpus;
}

static bool fits(const int64_t need[NRES], const int64_t have[NRES])
{
	int ok = 1;
	for (int k = 0; k < NRES; k++)
		ok &= need[k] <= have[k];
	return ok;
}

bool sim_fits_shape(const sim *s, const int64_t res[NRES])
{
	for (size_t i = 0; i < s->nshapes; i++)
		if (fits(res, s->shapes[i]))
			return true;
	return false;
}

/* Remembers a machine shape; true when it is new. */
static bool add_shape(sim *s, const int64_t res[NRES])
{
	for (size_t i = 0; i < s->nshapes; i++)
		if (memcmp(s->shapes[i], res, sizeof s->shapes[i]) == 0)
			return false;
	if (GROW(s, s->shapes, s->shapes_cap, s->nshapes + 1) < 0) {
		sim_fail(s, "out of memory");
		return false;
	}
	memcpy(s->shapes[s->nshapes++], res, sizeof s->shapes[0]);
	return true;
}

/* A malformed or inconsistent workload row: fatal, or skipped and counted. */
static int bad_row(sim *s, const tr_event *ev, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad_row(sim *s, const tr_event *ev, const char *fmt, ...)
{
	char what[300], msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof msg, "%s:%llu: %s", ev->file ? ev->file : "?", (unsigned long long)ev->line, what);
	if (s->cfg.skip_bad_rows) {
		s->bad_rows++;
		if (s->cfg.warn)
			s->cfg.warn(s->cfg.warn_ud, msg);
		return 0;
	}
	return sim_fail(s, "%s", msg);
}

/* ------------------------------------------------------------ core hooks */

static void hook_offer(void *ud, const ac_offer_view *ov)
{
	sim_core *c = ud;
	sim *s = c->s;
	uint32_t fw = (uint32_t)ov->fw_tag, m = (uint32_t)ov->agent_tag;
	uint32_t slot;
	if (s->noffer_free) {
		slot = s->offer_free[--s->noffer_free];
		/* the records a few offers on: a pass's offers come in a burst,
		 * and the freed records have left the cache since */
		if (s->noffer_free >= 4)
			__builtin_prefetch(&s->offers[s->offer_free[s->noffer_free - 4]], 1);
	} else {
		/* the free stack has room for every offer slot, so that
		 * releasing one never fails */
		if (GROW(s, s->offers, s->offers_cap, s->noffers + 1) < 0 ||
		    GROW(s, s->offer_free, s->offer_free_cap, s->noffers + 1) < 0) {
			sim_fail(s, "out of memory");
			return;
		}
		slot = (uint32_t)s->noffers++;
	}
	sim_offer *o = &s->offers[slot];
	o->id = ov->id;
	o->fw = fw;
	o->machine = m;
	for (int k = 0; k < NRES; k++)
		o->res[k] = ov->scalars.v[k];
	o->rescinds = s->rescinds;
	o->decide_ns = s->now + s->fws[fw].cfg.decision_latency_ns;
	sim_ring *in = &s->fws[fw].inbox;
	/* one decision per framework and time: a new one when the last
	 * offer waiting is answered at another time */
	uint32_t last = in->n ? sim_ring_at(in, in->n - 1) : SIM_NONE;
	if (sim_ring_push(in, slot) < 0) {
		sim_fail(s, "out of memory");
		return;
	}
	if (last == SIM_NONE || s->offers[last].decide_ns != o->decide_ns)
		sim_push(s, o->decide_ns, EV_DECISION, fw, 0);
}

static void hook_rescind(void *ud, const ac_offer_view *ov, ac_rescind_reason why)
{
	sim_core *c = ud;
	c->s->rescinds++;
}

static int core_create(sim *s, sim_core *c)
{
	ac_config cfg;
	ac_config_default(&cfg);
	cfg.policy = s->is_static ? "drf" : s->cfg.policy;
	cfg.seed = s->cfg.seed;
	cfg.allocation_interval = s->cfg.interval;
	cfg.agent_order = AC_ORDER_SHUFFLE;
	ac_hooks hooks = {hook_offer, hook_rescind, c};
	ac_err e;
	c->s = s;
	if (ac_core_create(&cfg, &hooks, &c->core, &e) < 0)
		return sim_fail(s, "policy %s: %s", s->cfg.policy, e.msg);
	size_t nroles;
	const tr_role *roles = tr_source_roles(s->src, &nroles);
	for (size_t i = 0; i < nroles; i++) {
		const tr_role *r = &roles[i];
		if (r->weight > 0 && ac_role_set_weight(c->core, r->role, r->weight, &e) < 0)
			return sim_fail(s, "roles: role %s: %s", r->role, e.msg);
		if (r->guarantee || r->limit) {
			ac_quota q;
			if (ac_quota_parse(c->core, r->guarantee, r->limit, &q, &e) < 0 ||
			    ac_role_set_quota(c->core, r->role, &q, &e) < 0)
				return sim_fail(s, "roles: role %s: quota: %s", r->role, e.msg);
		}
	}
	return 0;
}

/* ------------------------------------------------------------- frameworks */

static uint32_t fw_register(sim *s, const tr_framework *cfg)
{
	int added;
	uint32_t f = sim__names_intern(&s->fw_names, cfg->name, &added);
	if (f == SIM_NONE || GROW(s, s->fws, s->fws_cap, (size_t)f + 1) < 0) {
		sim_fail(s, "out of memory");
		return SIM_NONE;
	}
	if (!added)
		return f;
	sim_fw *fw = &s->fws[f];
	memset(fw, 0, sizeof *fw);
	fw->cfg = *cfg;
	fw->cfg.name = (char *)sim__names_get(&s->fw_names, f);
	fw->cfg.role = dupstr(cfg->role ? cfg->role : "*");
	list_init(&fw->pending);
	list_init(&fw->parked);
	fw->core = s->is_static ? f : 0;
	sim_core *c = &s->cores[fw->core];
	ac_fw_opts o = {fw->cfg.role, cfg->weight, cfg->priority};
	ac_err e;
	if (!fw->cfg.role || ac_fw_add(c->core, cfg->name, &o, &fw->id, &e) < 0 ||
	    ac_fw_set_tag(c->core, fw->id, f, &e) < 0) {
		sim_fail(s, "framework %s: %s", cfg->name, fw->cfg.role ? e.msg : "out of memory");
		return SIM_NONE;
	}
	c->wanting++;
	fw->share_t = s->now;
	model_update_suppression(s, f); /* no work yet: suppressed */
	return f;
}

/* ---------------------------------------------------------------- machines */

/* Static partitioning: a machine's slice is fixed when it first joins, by a
 * smooth weighted round robin over the frameworks (weight = framework weight):
 * each framework gains its weight in credit, the richest takes the machine and
 * pays the total weight. Ties go to the framework listed first. */
static uint32_t static_slice(sim *s)
{
	uint32_t n = s->ncores, best = 0;
	double total = 0;
	for (uint32_t i = 0; i < n; i++) {
		s->slice_credit[i] += s->fws[i].cfg.weight;
		total += s->fws[i].cfg.weight;
		if (s->slice_credit[i] > s->slice_credit[best])
			best = i;
	}
	s->slice_credit[best] -= total;
	return best;
}

static void machine_alloc_soon(sim *s, uint32_t m)
{
	if (!s->machines[m].alloc_pending) {
		s->machines[m].alloc_pending = true;
		sim_push(s, s->now, EV_ALLOC_AGENT, m, 0);
	}
}

static int machine_add(sim *s, const tr_event *ev)
{
	int added;
	uint32_t m = sim__names_intern(&s->machine_names, ev->machine, &added);
	if (m == SIM_NONE || GROW(s, s->machines, s->machines_cap, (size_t)m + 1) < 0)
		return sim_fail(s, "out of memory");
	sim_machine *mc = &s->machines[m];
	if (added) {
		memset(mc, 0, sizeof *mc);
		list_init(&mc->running);
		mc->core = SIM_NONE;
	}
	if (mc->present)
		return bad_row(s, ev, "machine %s is added while already present", ev->machine);
	if (mc->core == SIM_NONE)
		mc->core = s->is_static ? static_slice(s) : 0;
	int64_t res[NRES];
	tr_to_res(&ev->res, res);
	ac_resources r;
	res_to_ac(res, &r);
	ac_err e;
	sim_core *c = &s->cores[mc->core];
	if (ac_agent_add(c->core, ev->machine, &r, &mc->agent, &e) < 0)
		return bad_row(s, ev, "machine %s: %s", ev->machine, e.msg);
	if (ac_agent_set_tag(c->core, mc->agent, m, &e) < 0)
		return sim_fail(s, "internal: agent tag %s: %s", ev->machine, e.msg);
	mc->present = true;
	memcpy(mc->total, res, sizeof res);
	metrics_total_add(s, res, 1);
	s->cluster_version++;
	if (add_shape(s, res))
		model_unpark(s);
	machine_alloc_soon(s, m); /* Mesos allocates when an agent joins */
	return 0;
}

/* A task that ended for good gives its record back (unless keep_tasks). */
static void task_free(sim *s, uint32_t t)
{
	if (s->cfg.keep_tasks)
		return;
	/* room for every record, so that this cannot fail */
	if (GROW(s, s->task_free, s->task_free_cap, s->ntasks) < 0) {
		sim_fail(s, "out of memory");
		return;
	}
	s->tasks[t].state = T_FREE;
	s->tasks[t].gen++;
	s->task_free[s->ntask_free++] = t;
}

static void task_lost(sim *s, uint32_t t)
{
	sim_task *x = &s->tasks[t];
	sim_machine *mc = &s->machines[x->machine];
	sim_list_remove(s, &mc->running, t);
	metrics_fw_add(s, x->fw, x->res, -1);
	s->fws[x->fw].running--;
	s->fws[x->fw].lost++;
	s->running--;
	s->lost++;
	x->gen++; /* its TASK_END is stale now */
	s->live--;
	if (s->cfg.resubmit_lost) {
		x->state = T_PENDING;
		sim_pending_push(s, t);
		model_update_suppression(s, x->fw);
	} else {
		x->state = T_LOST;
		task_free(s, t);
	}
}

static int machine_remove(sim *s, const tr_event *ev)
{
	uint32_t m = sim__names_find(&s->machine_names, ev->machine);
	if (m == SIM_NONE || m >= s->machines_cap || !s->machines[m].present)
		return bad_row(s, ev, "machine %s is removed but not present", ev->machine);
	sim_machine *mc = &s->machines[m];
	ac_err e;
	if (ac_agent_remove(s->cores[mc->core].core, mc->agent, &e) < 0)
		return sim_fail(s, "internal: agent remove %s: %s", ev->machine, e.msg);
	/* the core dropped what frameworks held there: no recover */
	while (mc->running.head != SIM_NONE)
		task_lost(s, mc->running.head);
	mc->present = false;
	metrics_total_add(s, mc->total, -1);
	s->cluster_version++;
	return 0;
}

static int machine_update(sim *s, const tr_event *ev)
{
	uint32_t m = sim__names_find(&s->machine_names, ev->machine);
	if (m == SIM_NONE || m >= s->machines_cap || !s->machines[m].present)
		return bad_row(s, ev, "machine %s is updated but not present", ev->machine);
	sim_machine *mc = &s->machines[m];
	int64_t res[NRES];
	tr_to_res(&ev->res, res);
	ac_resources r;
	res_to_ac(res, &r);
	ac_err e;
	if (ac_agent_update(s->cores[mc->core].core, mc->agent, &r, &e) < 0)
		return bad_row(s, ev, "machine %s: update: %s", ev->machine, e.msg);
	metrics_total_add(s, mc->total, -1);
	memcpy(mc->total, res, sizeof res);
	metrics_total_add(s, res, 1);
	s->cluster_version++;
	if (add_shape(s, res))
		model_unpark(s);
	machine_alloc_soon(s, m);
	return 0;
}

/* ------------------------------------------------------------------ tasks */

static int parse_locality(sim *s, const char *text, uint32_t *off, uint32_t *n)
{
	*off = (uint32_t)s->nloc;
	*n = 0;
	const char *p = text;
	char name[256];
	while (*p) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > 0 && len < sizeof name) {
			memcpy(name, p, len);
			name[len] = '\0';
			int added;
			uint32_t m = sim__names_intern(&s->machine_names, name, &added);
			if (m == SIM_NONE || GROW(s, s->machines, s->machines_cap, (size_t)m + 1) < 0 ||
			    GROW(s, s->loc, s->loc_cap, s->nloc + 1) < 0)
				return sim_fail(s, "out of memory");
			if (added) {
				memset(&s->machines[m], 0, sizeof s->machines[m]);
				list_init(&s->machines[m].running);
				s->machines[m].core = SIM_NONE;
			}
			s->loc[s->nloc++] = m;
			(*n)++;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static int task_submit(sim *s, const tr_event *ev)
{
	uint32_t f = sim__names_find(&s->fw_names, ev->framework);
	if (f == SIM_NONE) {
		if (s->is_static)
			return bad_row(s, ev, "framework %s was not known when the static slices were made",
			               ev->framework);
		tr_framework cfg;
		tr_framework_defaults(&cfg);
		cfg.name = (char *)ev->framework;
		f = fw_register(s, &cfg);
		if (f == SIM_NONE)
			return -1;
	}
	if (ev->task_index > SIM_MAX_TASK_INDEX)
		return bad_row(s, ev, "job %s: task_index %u is above the limit of %u", ev->job, ev->task_index,
		               SIM_MAX_TASK_INDEX);
	int added;
	uint32_t j = sim__names_intern(&s->job_names, ev->job, &added);
	if (j == SIM_NONE || GROW(s, s->jobs, s->jobs_cap, (size_t)j + 1) < 0)
		return sim_fail(s, "out of memory");
	sim_job *job = &s->jobs[j];
	if (added) {
		memset(job, 0, sizeof *job);
		job->fw = f;
		job->submit_ns = job->wait_since_ns = ev->time_ns;
		job->start_ns = job->finish_ns = -1;
		job->gang = ev->gang;
	} else if (job->fw != f) {
		return bad_row(s, ev, "job %s belongs to framework %s, not %s", ev->job,
		               sim__names_get(&s->fw_names, job->fw), ev->framework);
	} else if (job->gang != ev->gang) {
		return bad_row(s, ev, "job %s: gang is %d here but %d on its first task", ev->job, ev->gang, job->gang);
	}
	uint32_t w = ev->task_index / 64;
	if (w >= job->seen_words) {
		uint32_t nw = job->seen_words ? job->seen_words : 1;
		while (nw <= w)
			nw *= 2;
		uint64_t *p = realloc(job->seen, nw * sizeof *p);
		if (!p)
			return sim_fail(s, "out of memory");
		memset(p + job->seen_words, 0, (nw - job->seen_words) * sizeof *p);
		job->seen = p;
		job->seen_words = nw;
	}
	uint64_t bit = 1ull << (ev->task_index % 64);
	if (job->seen[w] & bit)
		return bad_row(s, ev, "job %s: task_index %u was already submitted", ev->job, ev->task_index);
	job->seen[w] |= bit;
	uint32_t t, gen = 0;
	if (s->ntask_free) {
		t = s->task_free[--s->ntask_free];
		gen = s->tasks[t].gen; /* moved on when freed: old events stay stale */
	} else {
		if (s->ntasks >= SIM_NONE - 1 || tasks_reserve(s, s->ntasks + 1) < 0)
			return sim_fail(s, "out of memory (or more than 4e9 tasks alive)");
		t = (uint32_t)s->ntasks++;
	}
	sim_task *x = &s->tasks[t];
	x->submit_ns = ev->time_ns;
	x->start_ns = -1;
	x->duration_ns = ev->duration_ns;
	tr_to_res(&ev->res, x->res);
	x->job = j;
	x->fw = f;
	x->index = ev->task_index;
	x->machine = SIM_NONE;
	x->gen = gen;
	if (ev->locality && *ev->locality) {
		if (parse_locality(s, ev->locality, &x->loc_off, &x->loc_n) < 0)
			return -1;
		x = &s->tasks[t];
	} else {
		x->loc_off = x->loc_n = 0;
	}
	job->ntasks++;
	job->finish_ns = -1;
	s->submitted++;
	sim_fw *fw = &s->fws[f];
	if (job->gang && job->start_ns < 0) {
		x->state = T_GANG_WAIT;
		if (GROW(s, job->gang_tasks, job->gang_cap, job->ngang + 1) < 0)
			return sim_fail(s, "out of memory");
		job->gang_tasks[job->ngang++] = t;
		job->feasible_version = 0;
		if (job->ngang == 1 && model_gang_push(s, f, j) < 0)
			return -1;
	} else if (!sim_fits_shape(s, x->res)) {
		x->state = T_PARKED;
		sim_list_push(s, &fw->parked, t);
	} else {
		x->state = T_PENDING;
		sim_pending_push(s, t);
	}
	model_task_submitted(s, f, t);
	return 0;
}

static void task_end(sim *s, uint32_t t, uint64_t gen)
{
	sim_task *x = &s->tasks[t];
	if (x->state != T_RUNNING || x->gen != gen)
		return; /* lost with its machine */
	s->live--;
	sim_machine *mc = &s->machines[x->machine];
	sim_fw *fw = &s->fws[x->fw];
	ac_resources r;
	res_to_ac(x->res, &r);
	ac_err e;
	if (ac_recover(s->cores[mc->core].core, fw->id, mc->agent, &r, &e) < 0) {
		sim_fail(s, "internal: recover: %s", e.msg);
		return;
	}
	sim_list_remove(s, &mc->running, t);
	x->state = T_FINISHED;
	metrics_fw_add(s, x->fw, x->res, -1);
	fw->running--;
	fw->finished++;
	s->running--;
	s->finished++;
	sim_job *job = &s->jobs[x->job];
	if (++job->nfinished == job->ntasks)
		job->finish_ns = s->now;
	if (s->src_deps &&
	    tr_source_task_finished(s->src, sim__names_get(&s->job_names, x->job), x->index, s->now) == 1)
		s->src_refetch = true;     /* DAG children became ready */
	machine_alloc_soon(s, x->machine); /* resources freed: offer them now */
	task_free(s, t);
}

/* ------------------------------------------------------------------- loop */

static int handle_trace(sim *s, const tr_event *ev)
{
	switch (ev->kind) {
	case TR_MACHINE_ADD:
		return machine_add(s, ev);
	case TR_MACHINE_REMOVE:
		return machine_remove(s, ev);
	case TR_MACHINE_UPDATE:
		return machine_update(s, ev);
	case TR_TASK_SUBMIT:
		return task_submit(s, ev);
	}
	return 0;
}

static void handle_event(sim *s, const sim_event *e)
{
	ac_err err;
	/* a stale TASK_END or GANG_HOLD gave its live count back when it went
	 * stale (task lost, hold cancelled) */
	if (e->kind == EV_DECISION || e->kind == EV_ALLOC_AGENT)
		s->live--;
	switch (e->kind) {
	case EV_TICK:
		for (uint32_t i = 0; i < s->ncores; i++)
			if (s->cores[i].wanting && ac_allocate(s->cores[i].core, s->now, &err) < 0)
				sim_fail(s, "internal: allocate: %s", err.msg);
		sim_push(s, s->now + s->cfg.interval, EV_TICK, 0, 0);
		break;
	case EV_SAMPLE:
		if (metrics_sample(s) < 0)
			return;
		sim_push(s, s->now + s->cfg.sample, EV_SAMPLE, 0, 0);
		break;
	case EV_DECISION:
		model_decide(s, e->a);
		break;
	case EV_TASK_END:
		task_end(s, e->a, e->b);
		break;
	case EV_ALLOC_AGENT: {
		sim_machine *mc = &s->machines[e->a];
		mc->alloc_pending = false;
		sim_core *c = &s->cores[mc->core];
		if (mc->present && c->wanting && ac_allocate_agent(c->core, mc->agent, s->now, &err) < 0)
			sim_fail(s, "internal: allocate agent: %s", err.msg);
		break;
	}
	case EV_GANG_HOLD:
		model_gang_hold_end(s, e->a, e->b);
		break;
	}
}

void sim_config_default(sim_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->policy = "drf";
	cfg->interval = AC_SECOND;
	cfg->sample = 10 * AC_SECOND;
	cfg->gang_hold = 10 * AC_SECOND;
	cfg->locality_wait = 5 * AC_SECOND;
	cfg->remote_slowdown = SIM_SLOWDOWN_ONE;
}

int sim_create(const sim_config *cfg, tr_source *src, sim **out, char *err, size_t errlen)
{
	sim *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->cfg = *cfg;
	s->src = src;
	s->src_deps = tr_source_has_deps(src);
	s->err = err;
	s->errlen = errlen;
	sim__queue_init(&s->q);
	sim__names_init(&s->machine_names);
	sim__names_init(&s->job_names);
	sim__names_init(&s->fw_names);
	*out = s;
	if (s->cfg.interval <= 0 || s->cfg.sample <= 0)
		return sim_fail(s, "the allocation interval and the sample period must be > 0");
	if (s->cfg.remote_slowdown < SIM_SLOWDOWN_ONE || s->cfg.remote_slowdown > 1000 * SIM_SLOWDOWN_ONE)
		return sim_fail(s, "the remote slowdown must be between 1 and 1000");
	s->is_static = strcmp(cfg->policy, "static") == 0;
	size_t nfws;
	const tr_framework *fws = tr_source_frameworks(src, &nfws);
	if (s->is_static && nfws == 0)
		return sim_fail(s, "--policy static needs the frameworks before the first machine joins: none found");
	s->ncores = s->is_static ? (uint32_t)nfws : 1;
	s->cores = calloc(s->ncores, sizeof *s->cores);
	s->slice_credit = calloc(s->ncores, sizeof *s->slice_credit);
	if (!s->cores || !s->slice_credit)
		return sim_fail(s, "out of memory");
	for (uint32_t i = 0; i < s->ncores; i++)
		if (core_create(s, &s->cores[i]) < 0)
			return -1;
	for (size_t i = 0; i < nfws; i++)
		if (fw_register(s, &fws[i]) == SIM_NONE)
			return -1;
	if (metrics_open(s) < 0)
		return -1;
	/* Keeping every record: one table for all, sized once. */
	uint64_t hint = s->cfg.keep_tasks ? tr_source_events_hint(src) : 0;
	if (hint > 0 && hint < SIM_NONE && tasks_reserve(s, (size_t)hint) < 0)
		return sim_fail(s, "out of memory (a table for %llu tasks)", (unsigned long long)hint);
	return 0;
}

void sim_destroy(sim *s)
{
	if (!s)
		return;
	metrics_close(s);
	for (uint32_t i = 0; i < s->ncores; i++) {
		ac_core_destroy(s->cores[i].core);
	}
	free(s->cores);
	free(s->slice_credit);
	for (size_t f = 0; f < s->fw_names.n; f++) {
		free(s->fws[f].cfg.role);
		free(s->fws[f].gang_q.v);
		free(s->fws[f].held);
		free(s->fws[f].inbox.v);
	}
	for (size_t j = 0; j < s->job_names.n; j++) {
		free(s->jobs[j].gang_tasks);
		free(s->jobs[j].seen);
	}
	free(s->gang_mach);
	free(s->gang_where);
	free(s->gang_room);
	free(s->fws);
	free(s->jobs);
	free(s->machines);
	free(s->tasks);
	free(s->loc);
	free(s->task_free);
	free(s->offers);
	free(s->offer_free);
	free(s->shapes);
	free(s->waits);
	free(s->scratch);
	free(s->declines);
	free(s->ids);
	free(s->scratch_res);
	sim__names_free(&s->machine_names);
	sim__names_free(&s->job_names);
	sim__names_free(&s->fw_names);
	sim__queue_free(&s->q);
	free(s);
}

int sim_run(sim *s, char *err, size_t errlen)
{
	s->err = err;
	s->errlen = errlen;
	if (s->failed)
		return -1;
	sim_push(s, 0, EV_TICK, 0, 0);
	sim_push(s, 0, EV_SAMPLE, 0, 0);
	tr_event tev;
	tr_err terr;
	int have = tr_source_next(s->src, &tev, &terr);
	ac_time until = s->cfg.until;
	while (!s->failed) {
		if (have < 0) {
			snprintf(err, errlen, "%s", terr.msg);
			return terr.code == TR_EIO ? -2 : -1;
		}
		const sim_event *top = sim__queue_peek(&s->q);
		bool take_trace = have == 1 && (!top || tev.time_ns <= top->time_ns);
		if (!take_trace && !top)
			break;
		ac_time t = take_trace ? tev.time_ns : top->time_ns;
		if (until > 0 && t > until) {
			s->now = until;
			break;
		}
		s->now = t;
		s->events++;
		if (take_trace) {
			handle_trace(s, &tev);
			have = tr_source_next(s->src, &tev, &terr);
		} else {
			sim_event e;
			sim__queue_pop(&s->q, &e);
			handle_event(s, &e);
			if (s->src_refetch) { /* the held look-ahead is given again */
				s->src_refetch = false;
				have = tr_source_next(s->src, &tev, &terr);
			}
		}
		if (have == 0 && s->running == 0 && s->live == 0 && !model_startable(s))
			break;
		if (s->cfg.progress && (s->events & 0xffff) == 0)
			s->cfg.progress(s->cfg.progress_ud, tr_source_progress(s->src), s->now, s->events);
	}
	if (s->failed)
		return -1;
	s->bad_rows += tr_source_bad_rows(s->src);
	int rc = metrics_write_final(s);
	return rc;
}

void sim_stats_get(const sim *s, sim_stats *out)
{
	memset(out, 0, sizeof *out);
	out->end_ns = s->now;
	out->events = s->events;
	out->task_records = s->ntasks;
	for (uint32_t i = 0; i < s->ncores; i++) {
		ac_counters c;
		ac_counters_get(s->cores[i].core, &c);
		out->offers_made += c.offers_made;
		out->offers_accepted += c.offers_accepted;
		out->offers_declined += c.offers_declined;
		out->offers_rescinded += c.offers_rescinded;
	}
	out->tasks_submitted = s->submitted;
	out->tasks_launched = s->launched;
	out->tasks_launched_pref = s->launched_pref;
	out->tasks_launched_local = s->launched_local;
	out->tasks_finished = s->finished;
	out->tasks_lost = s->lost;
	for (size_t f = 0; f < s->fw_names.n; f++)
		out->tasks_never_fit += s->fws[f].parked.n;
	out->jobs_submitted = s->job_names.n;
	for (size_t j = 0; j < s->job_names.n; j++)
		out->jobs_finished += s->jobs[j].finish_ns >= 0;
	out->bad_rows = s->bad_rows;
}

int64_t sim_fw_launched(const sim *s, const char *name)
{
	uint32_t f = sim__names_find(&s->fw_names, name);
	return f == SIM_NONE ? -1 : (int64_t)s->fws[f].launched;
}

int64_t sim_fw_running(const sim *s, const char *name)
{
	uint32_t f = sim__names_find(&s->fw_names, name);
	return f == SIM_NONE ? -1 : (int64_t)s->fws[f].running;
}

ac_time sim_task_start(const sim *s, const char *job, uint32_t index)
{
	uint32_t j = sim__names_find(&s->job_names, job);
	if (j == SIM_NONE)
		return -2;
	for (size_t t = 0; t < s->ntasks; t++)
		if (s->tasks[t].state != T_FREE && s->tasks[t].job == j && s->tasks[t].index == index)
			return s->tasks[t].start_ns;
	return -2;
}

/*
 * engine.c — the bottom of the simulator (engine.h): the clock that merges
 * workload rows with queued events, the cluster (machines = alloccore
 * agents), the frameworks registered in the core, task and job records, the
 * periodic and event-driven allocation passes, the offers they make (a
 * batch per pass and framework, into the frameworks' inboxes) and the
 * answers the models give to them.
 */
#include <stdarg.h>
#include <stdio.h>
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

int sim__fail(sim_engine *e, const char *fmt, ...)
{
	if (!e->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->err, e->errlen, fmt, ap);
		va_end(ap);
		e->failed = -1;
	}
	return -1;
}

/* The task table: sized once when the source says how many events come
 * (a copy of a 10 M-task table would hold both in memory for a moment),
 * else grown by half. Not zeroed: sim__engine_task_submit sets every field. */
static int tasks_reserve(sim_engine *e, size_t need)
{
	if (need <= e->tasks_cap)
		return 0;
	size_t cap = e->tasks_cap + e->tasks_cap / 2;
	if (cap < need)
		cap = need < 1024 ? 1024 : need;
	sim_task *p = realloc(e->tasks, cap * sizeof *p);
	if (!p)
		return -1;
	e->tasks = p;
	e->tasks_cap = cap;
	return 0;
}

int sim__engine_push(sim_engine *e, ac_time t, uint32_t kind, uint32_t a, uint64_t b)
{
	if (kind != EV_TICK && kind != EV_SAMPLE)
		e->live++;
	if (sim__queue_push(&e->q, t, kind, a, b) < 0)
		return sim__fail(e, "out of memory");
	return 0;
}

/* res as a set of one unreserved group without ports. */
static void res_to_ac(const int64_t res[NRES], ac_resources *out)
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

bool sim__engine_fits_shape(const sim_engine *e, const int64_t res[NRES])
{
	for (size_t i = 0; i < e->nshapes; i++)
		if (sim_res_fits(res, e->shapes[i]))
			return true;
	return false;
}

/* Remembers a machine shape; true when it is new. */
static bool add_shape(sim_engine *e, const int64_t res[NRES])
{
	for (size_t i = 0; i < e->nshapes; i++)
		if (memcmp(e->shapes[i], res, sizeof e->shapes[i]) == 0)
			return false;
	if (GROW(e->shapes, e->shapes_cap, e->nshapes + 1) < 0) {
		sim__fail(e, "out of memory");
		return false;
	}
	memcpy(e->shapes[e->nshapes++], res, sizeof e->shapes[0]);
	return true;
}

/* A malformed or inconsistent workload row: fatal, or skipped and counted. */
static int bad_row(sim_engine *e, const tr_event *ev, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad_row(sim_engine *e, const tr_event *ev, const char *fmt, ...)
{
	char what[300], msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof msg, "%s:%llu: %s", ev->file ? ev->file : "?", (unsigned long long)ev->line, what);
	if (e->cfg.skip_bad_rows) {
		e->bad_rows++;
		if (e->cfg.warn)
			e->cfg.warn(e->cfg.warn_ud, msg);
		return 0;
	}
	return sim__fail(e, "%s", msg);
}

/* ------------------------------------------------------------ core hooks */

/* A slot from a free stack (last freed first) or a new one at the end of
 * an array of *n records; the stack has room for every slot, so that
 * releasing one never fails. SIM_NONE when out of memory (failed). */
#define SLOT_NEW(e, arr, cap, n, freev, nfree, freecap)                                                                \
	((nfree) ? (freev)[--(nfree)]                                                                                  \
	 : (GROW(arr, cap, (n) + 1) < 0 || GROW(freev, freecap, (n) + 1) < 0)                                          \
	         ? (sim__fail(e, "out of memory"), SIM_NONE)                                                           \
	         : (uint32_t)(n)++)

/* The core's offers of one pass to one framework: into its inbox, to be
 * answered at its decision latency. */
static void hook_batch(void *ud, const ac_batch_view *v)
{
	sim_engine *e = ud;
	uint32_t fw = (uint32_t)v->fw_tag;
	uint32_t slot = SLOT_NEW(e, e->deliveries, e->deliveries_cap, e->ndeliveries, e->delivery_free,
	                         e->ndelivery_free, e->delivery_free_cap);
	if (slot == SIM_NONE)
		return;
	sim_delivery *d = &e->deliveries[slot];
	d->batch = v->id;
	d->decide_ns = e->now + e->fws[fw].cfg.decision_latency_ns;
	sim_ring *in = &e->fws[fw].inbox;
	/* one decision per framework and time: a new one when the last
	 * delivery waiting is answered at another time */
	uint32_t last = in->n ? sim_ring_at(in, in->n - 1) : SIM_NONE;
	if (sim__ring_push(in, slot) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	if (last == SIM_NONE || e->deliveries[last].decide_ns != d->decide_ns)
		sim__engine_push(e, d->decide_ns, EV_DECISION, fw, 0);
}

uint32_t sim__engine_offer_hold(sim_engine *e, uint32_t f, const ac_batch_view *v, size_t i)
{
	uint32_t slot =
	        SLOT_NEW(e, e->offers, e->offers_cap, e->noffers, e->offer_free, e->noffer_free, e->offer_free_cap);
	if (slot == SIM_NONE)
		return SIM_NONE;
	sim_offer *o = &e->offers[slot];
	o->id = ac_batch_offer_id(v->id, i);
	o->fw = f;
	o->machine = (uint32_t)v->agent_tag[i];
	for (int k = 0; k < NRES; k++)
		o->res[k] = ac_batch_scalar(v, i, k);
	o->rescinds = e->rescinds;
	return slot;
}

static void hook_rescind(void *ud, const ac_offer_view *ov, ac_rescind_reason why)
{
	sim_engine *e = ud;
	e->rescinds++;
}

/* Hooks must not call back into the core: requests wait for the end of the
 * allocation call (sim__engine_preempt). */
static void hook_preempt(void *ud, const ac_preempt_request *r)
{
	sim_engine *e = ud;
	if (GROW(e->preempts, e->preempts_cap, e->npreempts + 1) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	e->preempts[e->npreempts++] = *r;
}

static int core_create(sim_engine *e, sim_core *c)
{
	ac_config cfg;
	ac_config_default(&cfg);
	cfg.policy = e->is_static ? "drf" : e->cfg.policy;
	ac_policy pol;
	ac_err perr = {0};
	if (e->cfg.policy_module) {
		if (e->cfg.policy_module->create(e->cfg.policy_args ? e->cfg.policy_args : "", &pol, &perr) < 0)
			return sim__fail(e, "policy %s: %s", e->cfg.policy, perr.msg);
		cfg.policy_impl = &pol;
	}
	cfg.seed = e->cfg.seed;
	cfg.allocation_interval = e->cfg.interval;
	cfg.agent_order = AC_ORDER_SHUFFLE;
	ac_hooks hooks = {NULL, hook_rescind, e};
	ac_err err;
	if (ac_core_create(&cfg, &hooks, &c->core, &err) < 0)
		return sim__fail(e, "policy %s: %s", e->cfg.policy, err.msg);
	ac_core_set_batch_hook(c->core, hook_batch, e);
	ac_core_set_preempt_hook(c->core, hook_preempt, e);
	e->want_demand = ac_core_policy_flags(c->core) & AC_POLICY_WANTS_DEMAND;
	size_t nroles;
	const tr_role *roles = tr_source_roles(e->src, &nroles);
	for (size_t i = 0; i < nroles; i++) {
		const tr_role *r = &roles[i];
		if (r->weight > 0 && ac_role_set_weight(c->core, r->role, r->weight, &err) < 0)
			return sim__fail(e, "roles: role %s: %s", r->role, err.msg);
		if (r->guarantee || r->limit) {
			ac_quota q;
			if (ac_quota_parse(c->core, r->guarantee, r->limit, &q, &err) < 0 ||
			    ac_role_set_quota(c->core, r->role, &q, &err) < 0)
				return sim__fail(e, "roles: role %s: quota: %s", r->role, err.msg);
		}
	}
	return 0;
}

/* ------------------------------------------------------------- frameworks */

void sim__engine_fw_suppress(sim_engine *e, uint32_t f, bool on)
{
	sim_fw *fw = &e->fws[f];
	sim_core *c = &e->cores[fw->core];
	ac_err err;
	const char *role = fw->cfg.role;
	if (on) {
		if ((fw->mfw ? ac_mfw_suppress(c->core, fw->mfw, &role, 1, &err)
		             : ac_fw_suppress(c->core, fw->id, &err)) < 0)
			sim__fail(e, "internal: suppress: %s", err.msg);
		fw->suppressed = true;
		c->wanting--;
	} else {
		if ((fw->mfw ? ac_mfw_revive(c->core, fw->mfw, &role, 1, &err) : ac_fw_revive(c->core, fw->id, &err)) <
		    0)
			sim__fail(e, "internal: revive: %s", err.msg);
		fw->suppressed = false;
		c->wanting++;
	}
}

static uint32_t fw_register(sim_engine *e, const tr_framework *cfg)
{
	int added;
	uint32_t f = sim__names_intern(&e->fw_names, cfg->name, &added);
	if (f == SIM_NONE || GROW(e->fws, e->fws_cap, (size_t)f + 1) < 0) {
		sim__fail(e, "out of memory");
		return SIM_NONE;
	}
	if (!added)
		return f;
	sim_fw *fw = &e->fws[f];
	memset(fw, 0, sizeof *fw);
	fw->cfg = *cfg;
	fw->cfg.name = (char *)sim__names_get(&e->fw_names, f);
	fw->cfg.role = dupstr(cfg->role ? cfg->role : "*");
	fw->core = e->is_static ? f : 0;
	sim_core *c = &e->cores[fw->core];
	ac_fw_opts o = {fw->cfg.role, cfg->weight, cfg->priority};
	ac_err err;
	if (!fw->cfg.role || ac_fw_add(c->core, cfg->name, &o, &fw->id, &err) < 0 ||
	    ac_fw_set_tag(c->core, fw->id, f, &err) < 0) {
		sim__fail(e, "framework %s: %s", cfg->name, fw->cfg.role ? err.msg : "out of memory");
		return SIM_NONE;
	}
	c->wanting++;
	sim__engine_fw_suppress(e, f, true); /* no work yet */
	return f;
}

/* A multi-role framework (cfg->roles "a;b"): one alloccore multi-role
 * framework, and one model framework per role, named F(ROLE), in a row. */
static int mfw_register(sim_engine *e, const tr_framework *cfg)
{
	if (e->is_static)
		return sim__fail(e, "framework %s has several roles: --policy static slices machines per framework",
		                 cfg->name);
	int added;
	uint32_t m = sim__names_intern(&e->mfw_names, cfg->name, &added);
	if (m == SIM_NONE || GROW(e->mfws, e->mfws_cap, (size_t)m + 1) < 0)
		return sim__fail(e, "out of memory");
	const char *roles[64];
	char buf[1100];
	size_t n = 0;
	snprintf(buf, sizeof buf, "%s", cfg->roles);
	for (char *r = strtok(buf, ";"); r; r = strtok(NULL, ";")) {
		if (n == sizeof roles / sizeof *roles)
			return sim__fail(e, "framework %s: more than %zu roles", cfg->name, n);
		roles[n++] = r;
	}
	sim_core *c = &e->cores[0];
	ac_fw_opts o = {NULL, cfg->weight, cfg->priority};
	ac_mfw_id mid;
	ac_err err;
	if (ac_mfw_add(c->core, cfg->name, roles, n, &o, &mid, &err) < 0)
		return sim__fail(e, "framework %s: %s", cfg->name, err.msg);
	e->mfws[m] = (struct sim_mfw){(uint32_t)e->fw_names.n, (uint32_t)n};
	for (size_t i = 0; i < n; i++) {
		char name[1200];
		snprintf(name, sizeof name, "%s(%s)", cfg->name, roles[i]);
		uint32_t f = sim__names_intern(&e->fw_names, name, &added);
		if (f == SIM_NONE || GROW(e->fws, e->fws_cap, (size_t)f + 1) < 0)
			return sim__fail(e, "out of memory");
		if (!added)
			return sim__fail(e, "framework %s: the name %s of its role %s is another framework's",
			                 cfg->name, name, roles[i]);
		sim_fw *fw = &e->fws[f];
		memset(fw, 0, sizeof *fw);
		fw->cfg = *cfg;
		fw->cfg.name = (char *)sim__names_get(&e->fw_names, f);
		fw->cfg.role = dupstr(roles[i]);
		fw->cfg.roles = NULL;
		fw->mfw = mid;
		fw->id = ac_mfw_role_fw(c->core, mid, roles[i]);
		if (!fw->cfg.role || ac_fw_set_tag(c->core, fw->id, f, &err) < 0)
			return sim__fail(e, "framework %s: %s", name, fw->cfg.role ? err.msg : "out of memory");
		c->wanting++;
		sim__engine_fw_suppress(e, f, true); /* no work yet */
	}
	return 0;
}

/* The model framework a task row runs in: its framework, or the role it
 * names of a multi-role one; a framework first seen here is registered
 * (with the row's role). SIM_NONE for a bad row or a failure. */
static uint32_t task_fw(sim_engine *e, const tr_event *ev)
{
	const char *role = ev->role && *ev->role ? ev->role : NULL;
	uint32_t m = e->mfw_names.n ? sim__names_find(&e->mfw_names, ev->framework) : SIM_NONE;
	if (m != SIM_NONE) {
		const struct sim_mfw *x = &e->mfws[m];
		if (!role)
			return x->first;
		for (uint32_t i = 0; i < x->n; i++)
			if (strcmp(e->fws[x->first + i].cfg.role, role) == 0)
				return x->first + i;
		bad_row(e, ev, "framework %s has no role '%s'", ev->framework, role);
		return SIM_NONE;
	}
	uint32_t f = sim__names_find(&e->fw_names, ev->framework);
	if (f == SIM_NONE) {
		if (e->is_static) {
			bad_row(e, ev, "framework %s was not known when the static slices were made", ev->framework);
			return SIM_NONE;
		}
		tr_framework cfg;
		tr_framework_defaults(&cfg);
		cfg.name = (char *)ev->framework;
		cfg.role = (char *)role;
		return fw_register(e, &cfg);
	}
	if (role && strcmp(role, e->fws[f].cfg.role) != 0) {
		bad_row(e, ev, "framework %s has no role '%s' (its role is %s)", ev->framework, role,
		        e->fws[f].cfg.role);
		return SIM_NONE;
	}
	return f;
}

/* ---------------------------------------------------------------- machines */

/* Static partitioning: a machine's slice is fixed when it first joins, by a
 * smooth weighted round robin over the frameworks (weight = framework weight):
 * each framework gains its weight in credit, the richest takes the machine and
 * pays the total weight. Ties go to the framework listed first. */
static uint32_t static_slice(sim_engine *e)
{
	uint32_t n = e->ncores, best = 0;
	double total = 0;
	for (uint32_t i = 0; i < n; i++) {
		e->slice_credit[i] += e->fws[i].cfg.weight;
		total += e->fws[i].cfg.weight;
		if (e->slice_credit[i] > e->slice_credit[best])
			best = i;
	}
	e->slice_credit[best] -= total;
	return best;
}

static void machine_alloc_soon(sim_engine *e, uint32_t m)
{
	if (!e->machines[m].alloc_pending) {
		e->machines[m].alloc_pending = true;
		sim__engine_push(e, e->now, EV_ALLOC_AGENT, m, 0);
	}
}

/* The record of machine `name` (new ones absent, in no core yet). */
static uint32_t machine_intern(sim_engine *e, const char *name)
{
	int added;
	uint32_t m = sim__names_intern(&e->machine_names, name, &added);
	if (m == SIM_NONE || GROW(e->machines, e->machines_cap, (size_t)m + 1) < 0) {
		sim__fail(e, "out of memory");
		return SIM_NONE;
	}
	if (added) {
		sim_machine *mc = &e->machines[m];
		memset(mc, 0, sizeof *mc);
		sim_list_init(&mc->running);
		mc->core = SIM_NONE;
	}
	return m;
}

/* ------------------------------------------------------------ reservations */

/* A bad row (reported, fatal or skipped) that ends the caller's work: -1. */
#define BAD_ROW(...) (bad_row(__VA_ARGS__), -1)

/* Parses a `reserved` cell: resource text whose every entry names a role
 * (cpus(web):2), scalars of the simulator's kinds only. 0 or a bad row. */
static int reserved_parse(sim_engine *e, const tr_event *ev, ac_core *core, ac_resources *out)
{
	ac_err err;
	if (ac_resources_parse(core, ev->reserved, out, &err) < 0)
		return BAD_ROW(e, ev, "reserved: %s", err.msg);
	bool ok = out->group[0].nports == 0 && ac_vec_is_zero(&out->group[0].amount);
	for (uint32_t g = 0; g < out->ngroups; g++) {
		ok &= out->group[g].nports == 0;
		for (int k = NRES; k < AC_KINDS; k++)
			ok &= out->group[g].amount.v[k] == 0;
	}
	if (!ok)
		return BAD_ROW(e, ev,
		               "reserved: '%s': every entry names a role (cpus(web):2), of cpus, mem, disk or gpus "
		               "only",
		               ev->reserved);
	e->reservations = true;
	return 0;
}

/* A machine's total as the core takes it: res whole, with the part its
 * `reserved` cell names reserved for those roles. 0 or a bad row. */
static int machine_total(sim_engine *e, const tr_event *ev, ac_core *core, const int64_t res[NRES], ac_resources *out)
{
	res_to_ac(res, out);
	if (!ev->reserved || !*ev->reserved)
		return 0;
	ac_resources r;
	if (reserved_parse(e, ev, core, &r) < 0)
		return -1;
	ac_vec sum;
	ac_resources_scalars(&r, &sum);
	if (!ac_vec_fits(&sum, &out->group[0].amount))
		return BAD_ROW(e, ev, "reserved: '%s' is more than the machine has", ev->reserved);
	ac_vec_sub(&out->group[0].amount, &sum);
	r.group[0].amount = out->group[0].amount;
	*out = r;
	return 0;
}

/* Of `want`, what to take out of `from`: the reserved groups first (in
 * group order), then the unreserved one. Only scalars; want must fit the
 * sum of from's groups. */
static void split_reserved_first(const ac_resources *from, const int64_t want[NRES], ac_resources *out)
{
	int64_t left[NRES];
	memcpy(left, want, sizeof left);
	ac_resources_init(out);
	for (uint32_t g = 1; g < from->ngroups; g++) {
		ac_group *o = &out->group[out->ngroups];
		memset(o, 0, sizeof *o);
		o->role = from->group[g].role;
		bool any = false;
		for (int k = 0; k < NRES; k++) {
			int64_t have = from->group[g].amount.v[k], t = left[k] < have ? left[k] : have;
			o->amount.v[k] = t;
			left[k] -= t;
			any |= t > 0;
		}
		if (any)
			out->ngroups++;
	}
	for (int k = 0; k < NRES; k++)
		out->group[0].amount.v[k] = left[k];
}

/* What tasks using `used` take of an offer (or of what their framework
 * holds on a machine): reserved first once reservations exist. */
static void used_of(const sim_engine *e, const ac_resources *from, const int64_t used[NRES], ac_resources *out)
{
	if (e->reservations && from)
		split_reserved_first(from, used, out);
	else
		res_to_ac(used, out);
}

int sim__engine_machine_reserve(sim_engine *e, const tr_event *ev, bool reserve)
{
	uint32_t m = sim__names_find(&e->machine_names, ev->machine);
	if (m == SIM_NONE || m >= e->machines_cap || !e->machines[m].present)
		return BAD_ROW(e, ev, "machine %s: %s but not present", ev->machine, reserve ? "reserve" : "unreserve");
	sim_machine *mc = &e->machines[m];
	ac_core *core = e->cores[mc->core].core;
	ac_resources r;
	if (reserved_parse(e, ev, core, &r) < 0)
		return -1;
	/* every role's part at once: the core checks the whole and changes
	 * nothing when some of it is not free (or not reserved) */
	ac_err err;
	int rc = reserve ? ac_agent_reserve_groups(core, mc->agent, 0, &r, &err)
	                 : ac_agent_unreserve_groups(core, mc->agent, 0, &r, &err);
	if (rc == AC_EINVAL)
		return BAD_ROW(e, ev, "machine %s: %s %s: not free there now", ev->machine,
		               reserve ? "reserve" : "unreserve", ev->reserved);
	if (rc == AC_ENOMEM)
		return sim__fail(e, "machine %s: %s: %s", ev->machine, reserve ? "reserve" : "unreserve", err.msg);
	if (rc < 0) /* (too many reservation roles on the machine, say) */
		return BAD_ROW(e, ev, "machine %s: %s %s: %s", ev->machine, reserve ? "reserve" : "unreserve",
		               ev->reserved, err.msg);
	machine_alloc_soon(e, m);
	return 0;
}

int sim__engine_machine_add(sim_engine *e, const tr_event *ev)
{
	uint32_t m = machine_intern(e, ev->machine);
	if (m == SIM_NONE)
		return -1;
	sim_machine *mc = &e->machines[m];
	if (mc->present)
		return bad_row(e, ev, "machine %s is added while already present", ev->machine);
	if (mc->core == SIM_NONE)
		mc->core = e->is_static ? static_slice(e) : 0;
	int64_t res[NRES];
	tr_to_res(&ev->res, res);
	ac_resources r;
	ac_err err;
	sim_core *c = &e->cores[mc->core];
	if (machine_total(e, ev, c->core, res, &r) < 0)
		return -1;
	if (ac_agent_add(c->core, ev->machine, &r, &mc->agent, &err) < 0)
		return bad_row(e, ev, "machine %s: %s", ev->machine, err.msg);
	if (ac_agent_set_tag(c->core, mc->agent, m, &err) < 0)
		return sim__fail(e, "internal: agent tag %s: %s", ev->machine, err.msg);
	mc->present = true;
	memcpy(mc->total, res, sizeof res);
	e->watch.capacity(e->watch.ud, res, 1);
	e->cluster_version++;
	bool new_shape = add_shape(e, res);
	machine_alloc_soon(e, m); /* Mesos allocates when an agent joins */
	return new_shape;
}

/* A task that ended for good gives its record back (unless keep_tasks). */
static void task_free(sim_engine *e, uint32_t t)
{
	if (e->cfg.keep_tasks)
		return;
	/* room for every record, so that this cannot fail */
	if (GROW(e->task_free, e->task_free_cap, e->ntasks) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	e->tasks[t].state = T_FREE;
	e->tasks[t].gen++;
	e->task_free[e->ntask_free++] = t;
}

static void task_lost(sim_engine *e, uint32_t t)
{
	sim_task *x = &e->tasks[t];
	sim_machine *mc = &e->machines[x->machine];
	sim_list_remove(e, &mc->running, t);
	e->watch.fw_use(e->watch.ud, x->fw, x->res, -1);
	e->fws[x->fw].running--;
	e->fws[x->fw].lost++;
	e->running--;
	e->lost++;
	x->gen++; /* its TASK_END is stale now */
	e->live--;
	x->state = T_LOST;
	x->lost_n += x->lost_n < UINT8_MAX;
	if (!e->cfg.resubmit_lost) {
		if (e->cfg.tasks_out)
			e->watch.task_done(e->watch.ud, t);
		task_free(e, t);
	} else if (GROW(e->lost_tasks, e->lost_tasks_cap, e->nlost_tasks + 1) < 0) {
		sim__fail(e, "out of memory");
	} else {
		e->lost_tasks[e->nlost_tasks++] = t;
	}
}

int sim__engine_machine_remove(sim_engine *e, const tr_event *ev)
{
	e->nlost_tasks = 0;
	uint32_t m = sim__names_find(&e->machine_names, ev->machine);
	if (m == SIM_NONE || m >= e->machines_cap || !e->machines[m].present)
		return bad_row(e, ev, "machine %s is removed but not present", ev->machine);
	sim_machine *mc = &e->machines[m];
	ac_err err;
	if (ac_agent_remove(e->cores[mc->core].core, mc->agent, &err) < 0)
		return sim__fail(e, "internal: agent remove %s: %s", ev->machine, err.msg);
	/* the core dropped what frameworks held there: no recover */
	while (mc->running.head != SIM_NONE)
		task_lost(e, mc->running.head);
	mc->present = false;
	e->watch.capacity(e->watch.ud, mc->total, -1);
	e->cluster_version++;
	return 0;
}

int sim__engine_machine_update(sim_engine *e, const tr_event *ev)
{
	uint32_t m = sim__names_find(&e->machine_names, ev->machine);
	if (m == SIM_NONE || m >= e->machines_cap || !e->machines[m].present)
		return bad_row(e, ev, "machine %s is updated but not present", ev->machine);
	sim_machine *mc = &e->machines[m];
	int64_t res[NRES];
	tr_to_res(&ev->res, res);
	ac_resources r;
	ac_err err;
	if (machine_total(e, ev, e->cores[mc->core].core, res, &r) < 0)
		return -1;
	if (ac_agent_update(e->cores[mc->core].core, mc->agent, &r, &err) < 0)
		return bad_row(e, ev, "machine %s: update: %s", ev->machine, err.msg);
	e->watch.capacity(e->watch.ud, mc->total, -1);
	memcpy(mc->total, res, sizeof res);
	e->watch.capacity(e->watch.ud, res, 1);
	e->cluster_version++;
	bool new_shape = add_shape(e, res);
	machine_alloc_soon(e, m);
	return new_shape;
}

void sim__engine_alloc_agent(sim_engine *e, uint32_t m)
{
	sim_machine *mc = &e->machines[m];
	mc->alloc_pending = false;
	sim_core *c = &e->cores[mc->core];
	ac_err err;
	if (mc->present && c->wanting && ac_allocate_agent(c->core, mc->agent, e->now, &err) < 0)
		sim__fail(e, "internal: allocate agent: %s", err.msg);
}

/* ------------------------------------------------------------------ tasks */

static int parse_locality(sim_engine *e, const char *text, uint32_t *off, uint32_t *n)
{
	*off = (uint32_t)e->nloc;
	*n = 0;
	const char *p = text;
	char name[256];
	while (*p) {
		const char *end = strchr(p, '|');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > 0 && len < sizeof name) {
			memcpy(name, p, len);
			name[len] = '\0';
			uint32_t m = machine_intern(e, name);
			if (m == SIM_NONE)
				return -1;
			if (GROW(e->loc, e->loc_cap, e->nloc + 1) < 0)
				return sim__fail(e, "out of memory");
			e->loc[e->nloc++] = m;
			(*n)++;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

uint32_t sim__engine_task_submit(sim_engine *e, const tr_event *ev)
{
	uint32_t f = task_fw(e, ev);
	if (f == SIM_NONE)
		return SIM_NONE;
	if (ev->task_index > SIM_MAX_TASK_INDEX) {
		bad_row(e, ev, "job %s: task_index %u is above the limit of %u", ev->job, ev->task_index,
		        SIM_MAX_TASK_INDEX);
		return SIM_NONE;
	}
	int added;
	uint32_t j = sim__names_intern(&e->job_names, ev->job, &added);
	if (j == SIM_NONE || GROW(e->jobs, e->jobs_cap, (size_t)j + 1) < 0) {
		sim__fail(e, "out of memory");
		return SIM_NONE;
	}
	sim_job *job = &e->jobs[j];
	if (added) {
		memset(job, 0, sizeof *job);
		job->fw = f;
		job->submit_ns = job->last_local_ns = ev->time_ns;
		job->start_ns = job->finish_ns = -1;
		job->gang = ev->gang;
	} else if (job->fw != f) {
		bad_row(e, ev, "job %s belongs to framework %s, not %s", ev->job, sim__names_get(&e->fw_names, job->fw),
		        sim__names_get(&e->fw_names, f));
		return SIM_NONE;
	} else if (job->gang != ev->gang) {
		bad_row(e, ev, "job %s: gang is %d here but %d on its first task", ev->job, ev->gang, job->gang);
		return SIM_NONE;
	}
	uint32_t w = ev->task_index / 64;
	if (w >= job->seen_words) {
		uint32_t nw = job->seen_words ? job->seen_words : 1;
		while (nw <= w)
			nw *= 2;
		uint64_t *p = realloc(job->seen, nw * sizeof *p);
		if (!p) {
			sim__fail(e, "out of memory");
			return SIM_NONE;
		}
		memset(p + job->seen_words, 0, (nw - job->seen_words) * sizeof *p);
		job->seen = p;
		job->seen_words = nw;
	}
	uint64_t bit = 1ull << (ev->task_index % 64);
	if (job->seen[w] & bit) {
		bad_row(e, ev, "job %s: task_index %u was already submitted", ev->job, ev->task_index);
		return SIM_NONE;
	}
	job->seen[w] |= bit;
	uint32_t t, gen = 0;
	if (e->ntask_free) {
		t = e->task_free[--e->ntask_free];
		gen = e->tasks[t].gen; /* moved on when freed: old events stay stale */
	} else {
		if (e->ntasks >= SIM_NONE - 1 || tasks_reserve(e, e->ntasks + 1) < 0) {
			sim__fail(e, "out of memory (or more than 4e9 tasks alive)");
			return SIM_NONE;
		}
		t = (uint32_t)e->ntasks++;
	}
	if (e->task_prio) {
		if (GROW(e->task_prio, e->task_prio_cap, (size_t)t + 1) < 0) {
			sim__fail(e, "out of memory");
			return SIM_NONE;
		}
		e->task_prio[t] = ev->priority;
	}
	sim_task *x = &e->tasks[t];
	x->submit_ns = ev->time_ns;
	x->start_ns = -1;
	x->duration_ns = ev->duration_ns;
	tr_to_res(&ev->res, x->res);
	x->job = j;
	x->fw = f;
	x->index = ev->task_index;
	x->machine = SIM_NONE;
	x->gen = gen;
	x->lost_n = 0;
	if (ev->locality && *ev->locality) {
		if (parse_locality(e, ev->locality, &x->loc_off, &x->loc_n) < 0)
			return SIM_NONE;
	} else {
		x->loc_off = x->loc_n = 0;
	}
	job->ntasks++;
	job->finish_ns = -1;
	e->submitted++;
	return t;
}

/* Task t starts on machine m (its framework accepted an offer there). */
static void task_start(sim_engine *e, uint32_t t, uint32_t m)
{
	sim_task *x = &e->tasks[t];
	sim_fw *fw = &e->fws[x->fw];
	x->state = T_RUNNING;
	x->machine = m;
	if (x->start_ns < 0) {
		x->start_ns = e->now;
		e->watch.first_start(e->watch.ud, e->now - x->submit_ns);
	}
	bool local = x->loc_n && sim_engine_prefers(e, x, m);
	int64_t run_ns = x->duration_ns;
	if (x->loc_n && !local && e->cfg.remote_slowdown != SIM_SLOWDOWN_ONE) {
		/* reads its input remotely: exact integer scaling, capped */
		unsigned __int128 d = (unsigned __int128)run_ns * (uint64_t)e->cfg.remote_slowdown / SIM_SLOWDOWN_ONE;
		run_ns = d > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)d;
	}
	sim_list_push(e, &e->machines[m].running, t);
	e->watch.fw_use(e->watch.ud, x->fw, x->res, 1);
	fw->running++;
	fw->launched++;
	e->running++;
	e->launched++;
	sim_job *job = &e->jobs[x->job];
	if (x->loc_n) {
		if (local)
			job->last_local_ns = e->now; /* the delay restarts */
		fw->launched_pref++;
		fw->launched_local += local;
		e->launched_pref++;
		e->launched_local += local;
	}
	if (job->start_ns < 0)
		job->start_ns = e->now;
	sim__engine_push(e, e->now + run_ns, EV_TASK_END, t, (uint64_t)m << 32 | x->gen);
}

/* Running task t stops (ends or is killed): its resources go back to the
 * core and it leaves its machine. 0 or -1 (failed). */
static int task_stop(sim_engine *e, uint32_t t)
{
	sim_task *x = &e->tasks[t];
	sim_machine *mc = &e->machines[x->machine];
	sim_fw *fw = &e->fws[x->fw];
	ac_core *core = e->cores[mc->core].core;
	ac_resources r, held;
	ac_err err;
	/* with reservations, what the task gives back is taken out of what its
	 * framework holds there, reserved first (as it was accepted) */
	bool split = e->reservations && ac_allocation_get(core, fw->id, mc->agent, &held, NULL) == 0;
	used_of(e, split ? &held : NULL, x->res, &r);
	if (ac_recover(core, fw->id, mc->agent, &r, &err) < 0)
		return sim__fail(e, "internal: recover: %s", err.msg);
	sim_list_remove(e, &mc->running, t);
	e->watch.fw_use(e->watch.ud, x->fw, x->res, -1);
	fw->running--;
	e->running--;
	return 0;
}

void sim__engine_task_end(sim_engine *e, uint32_t t, uint64_t b)
{
	sim_task *x = &e->tasks[t];
	if (x->state != T_RUNNING || x->gen != (uint32_t)b)
		return; /* lost with its machine */
	/* read after the recover: ask for it now (jobs are a large table) */
	__builtin_prefetch(&e->jobs[x->job]);
	e->live--;
	if (task_stop(e, t) < 0)
		return;
	x->state = T_FINISHED;
	e->fws[x->fw].finished++;
	e->finished++;
	sim_job *job = &e->jobs[x->job];
	if (++job->nfinished == job->ntasks)
		job->finish_ns = e->now;
	if (e->src_deps &&
	    tr_source_task_finished(e->src, sim__names_get(&e->job_names, x->job), x->index, e->now) == 1)
		e->src_refetch = true;     /* DAG children became ready */
	machine_alloc_soon(e, x->machine); /* resources freed: offer them now */
	if (e->cfg.tasks_out)
		e->watch.task_done(e->watch.ud, t);
	task_free(e, t);
}

/* ------------------------------------------------------------- preemption */

/* Task t, running, is killed: its resources go back to the core, its
 * TASK_END goes stale, and it waits to run again from the start (as a
 * task the Google trace evicts is resubmitted). */
static void task_preempt(sim_engine *e, uint32_t t)
{
	sim_task *x = &e->tasks[t];
	if (task_stop(e, t) < 0)
		return;
	e->live--; /* its TASK_END */
	x->gen++;
	x->state = T_PENDING;
	e->preempted_total++;
	if (GROW(e->preempted, e->preempted_cap, e->npreempted + 1) < 0)
		sim__fail(e, "out of memory");
	else
		e->preempted[e->npreempted++] = t;
}

void sim__engine_preempt(sim_engine *e)
{
	for (size_t i = 0; i < e->npreempts && !e->failed; i++) {
		const ac_preempt_request *r = &e->preempts[i];
		uint32_t m = (uint32_t)r->agent_tag, f = (uint32_t)r->victim_tag;
		if (m >= e->machines_cap || !e->machines[m].present)
			continue;
		sim_machine *mc = &e->machines[m];
		int64_t left[NRES];
		for (int k = 0; k < NRES; k++)
			left[k] = r->amount.v[k];
		/* newest first: the least work lost */
		for (uint32_t t = mc->running.tail; t != SIM_NONE;) {
			uint32_t prev = e->tasks[t].prev;
			bool more = false;
			for (int k = 0; k < NRES; k++)
				more |= left[k] > 0;
			if (!more)
				break;
			if (e->tasks[t].fw == f) {
				for (int k = 0; k < NRES; k++)
					left[k] -= e->tasks[t].res[k];
				task_preempt(e, t);
			}
			t = prev;
		}
		machine_alloc_soon(e, m); /* offer what was freed now */
	}
	e->npreempts = 0;
}

void sim__engine_fw_priority(sim_engine *e, uint32_t f, int32_t priority)
{
	sim_fw *fw = &e->fws[f];
	ac_err err;
	if (ac_fw_set_priority(e->cores[fw->core].core, fw->id, priority, &err) < 0)
		sim__fail(e, "internal: priority: %s", err.msg);
}

void sim__engine_fw_demand(sim_engine *e, uint32_t f, const ac_fw_demand *d)
{
	sim_fw *fw = &e->fws[f];
	ac_err err;
	if (ac_fw_set_demand(e->cores[fw->core].core, fw->id, d, &err) < 0)
		sim__fail(e, "internal: demand: %s", err.msg);
}

/* ---------------------------------------------------------------- answers */

void sim__engine_answer(sim_engine *e, const uint32_t *slots, size_t ns, const uint32_t *tasks, size_t n)
{
	sim_offer *o = &e->offers[slots[0]];
	uint32_t f = o->fw, m = o->machine;
	ac_core *core = e->cores[e->fws[f].core].core;
	ac_time refuse = ac_refuse_from_seconds(e->fws[f].cfg.refuse_seconds);
	if (GROW(e->ids, e->ids_cap, ns) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	ac_offer_id *ids = e->ids;
	for (size_t i = 0; i < ns; i++)
		ids[i] = e->offers[slots[i]].id;
	ac_err err;
	if (n == 0) {
		if (ac_offers_decline(core, ids, ns, refuse, e->now, &err) < 0)
			sim__fail(e, "internal: decline: %s", err.msg);
	} else {
		int64_t used[NRES] = {0};
		for (size_t i = 0; i < n; i++)
			for (int k = 0; k < NRES; k++)
				used[k] += e->tasks[tasks[i]].res[k];
		ac_resources r, offered;
		bool split = false;
		if (e->reservations) { /* the offers' sum, to take the reserved part first */
			ac_resources_init(&offered);
			split = true;
			for (size_t i = 0; i < ns && split; i++) {
				ac_offer_info oi;
				split = ac_offer_info_get(core, ids[i], &oi, NULL) == 0 &&
				        ac_resources_add(&offered, &oi.resources) == 0;
			}
		}
		used_of(e, split ? &offered : NULL, used, &r);
		if (ac_offers_accept(core, ids, ns, &r, refuse, e->now, &err) < 0) {
			sim__fail(e, "internal: accept: %s", err.msg);
		} else {
			for (size_t i = 0; i < n; i++)
				task_start(e, tasks[i], m);
		}
	}
	for (size_t i = 0; i < ns; i++)
		sim_engine_offer_release(e, slots[i]);
}

void sim__engine_settle(sim_engine *e, uint32_t f, ac_batch_id batch, const sim_take *takes, size_t nt,
                        const uint32_t *tasks, const uint32_t *keep, size_t nk)
{
	ac_core *core = e->cores[e->fws[f].core].core;
	ac_err err;
	ac_batch_view v;
	if (ac_batch_view_get(core, batch, &v, NULL) < 0)
		return; /* every offer of it was rescinded or answered apart */
	if (GROW(e->answers, e->answers_cap, nt + nk) < 0 || GROW(e->answer_res, e->answer_res_cap, nt) < 0) {
		sim__fail(e, "out of memory");
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < nt; i++) {
		ac_offer_info oi;
		bool split = e->reservations && v.extras &&
		             ac_offer_info_get(core, ac_batch_offer_id(batch, takes[i].index), &oi, NULL) == 0;
		used_of(e, split ? &oi.resources : NULL, takes[i].used, &e->answer_res[i]);
		e->answers[n++] = (ac_batch_answer){takes[i].index, &e->answer_res[i]};
	}
	for (size_t i = 0; i < nk; i++)
		if (v.live[keep[i]]) /* (a held offer may have been answered apart) */
			e->answers[n++] = (ac_batch_answer){keep[i], NULL};
	if (ac_batch_settle(core, batch, e->answers, n, ac_refuse_from_seconds(e->fws[f].cfg.refuse_seconds), e->now,
	                    &err) < 0) {
		sim__fail(e, "internal: settle: %s", err.msg);
		return;
	}
	for (size_t i = 0; i < nt; i++)
		for (uint32_t k = 0; k < takes[i].ntasks; k++)
			task_start(e, tasks[takes[i].task0 + k], takes[i].machine);
}

/* ------------------------------------------------------------------ clock */

void sim__engine_start(sim_engine *e)
{
	sim__engine_push(e, 0, EV_TICK, 0, 0);
	e->have = tr_source_next(e->src, &e->row, &e->row_err);
}

/* ------------------------------------------------------------------- life */

int sim__engine_init(sim_engine *e, const sim_config *cfg, tr_source *src, char *err, size_t errlen)
{
	e->cfg = *cfg;
	e->src = src;
	e->src_deps = tr_source_has_deps(src);
	e->err = err;
	e->errlen = errlen;
	sim__queue_init(&e->q);
	sim__names_init(&e->machine_names);
	sim__names_init(&e->job_names);
	sim__names_init(&e->fw_names);
	sim__names_init(&e->mfw_names);
	if (e->cfg.interval <= 0 || e->cfg.sample <= 0)
		return sim__fail(e, "the allocation interval and the sample period must be > 0");
	if (e->cfg.remote_slowdown < SIM_SLOWDOWN_ONE || e->cfg.remote_slowdown > 1000 * SIM_SLOWDOWN_ONE)
		return sim__fail(e, "the remote slowdown must be between 1 and 1000");
	e->is_static = strcmp(cfg->policy, "static") == 0;
	/* task priorities are kept only for policies that may read them */
	if ((strcmp(cfg->policy, "priority") == 0 || cfg->policy_module) &&
	    GROW(e->task_prio, e->task_prio_cap, 16) < 0)
		return sim__fail(e, "out of memory");
	/* only a module can preempt (the built-ins do not) */
	e->policy_extras = e->task_prio || cfg->policy_module;
	size_t nfws;
	const tr_framework *fws = tr_source_frameworks(src, &nfws);
	if (e->is_static && nfws == 0)
		return sim__fail(e, "--policy static needs the frameworks before the first machine joins: none found");
	uint32_t ncores = e->is_static ? (uint32_t)nfws : 1;
	e->cores = calloc(ncores, sizeof *e->cores);
	e->slice_credit = calloc(ncores, sizeof *e->slice_credit);
	if (!e->cores || !e->slice_credit)
		return sim__fail(e, "out of memory");
	e->ncores = ncores; /* (only once they exist: sim__engine_free walks them) */
	for (uint32_t i = 0; i < e->ncores; i++)
		if (core_create(e, &e->cores[i]) < 0)
			return -1;
	for (size_t i = 0; i < nfws; i++)
		if (fws[i].roles ? mfw_register(e, &fws[i]) < 0 : fw_register(e, &fws[i]) == SIM_NONE)
			return -1;
	/* Keeping every record: one table for all, sized once. */
	uint64_t hint = e->cfg.keep_tasks ? tr_source_events_hint(src) : 0;
	if (hint > 0 && hint < SIM_NONE && tasks_reserve(e, (size_t)hint) < 0)
		return sim__fail(e, "out of memory (a table for %llu tasks)", (unsigned long long)hint);
	return 0;
}

void sim__engine_free(sim_engine *e)
{
	for (uint32_t i = 0; i < e->ncores; i++)
		ac_core_destroy(e->cores[i].core);
	free(e->cores);
	free(e->slice_credit);
	/* A name is interned before its record's array grows: out of memory
	 * there, the last name has no record (the records made are those
	 * within the array). */
	for (size_t f = 0; f < e->fw_names.n && f < e->fws_cap; f++) {
		free(e->fws[f].cfg.role);
		free(e->fws[f].inbox.v);
	}
	for (size_t j = 0; j < e->job_names.n && j < e->jobs_cap; j++)
		free(e->jobs[j].seen);
	free(e->fws);
	free(e->jobs);
	free(e->machines);
	free(e->tasks);
	free(e->loc);
	free(e->task_free);
	free(e->deliveries);
	free(e->delivery_free);
	free(e->offers);
	free(e->offer_free);
	free(e->answers);
	free(e->answer_res);
	free(e->lost_tasks);
	free(e->preempts);
	free(e->task_prio);
	free(e->preempted);
	free(e->shapes);
	free(e->ids);
	sim__names_free(&e->machine_names);
	sim__names_free(&e->job_names);
	sim__names_free(&e->fw_names);
	sim__names_free(&e->mfw_names);
	free(e->mfws);
	sim__queue_free(&e->q);
}

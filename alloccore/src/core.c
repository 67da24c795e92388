/*
 * core.c — lifecycle of an alloccore instance, its slot pools and name
 * registries, and the agent and framework entry points. Allocation itself is
 * in allocate.c; offers and allocations in book.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "err.h"
#include "names.h"

/* strdup is POSIX, not C11. */
static char *str_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

/* ------------------------------------------------------------------ pools */

int pool_init(pool *p, uint32_t size)
{
	memset(p, 0, sizeof *p);
	p->size = size;
	p->n = 1; /* slot 0 is "none" */
	return 0;
}

void pool_fini(pool *p)
{
	free(p->base);
	free(p->gens);
	free(p->freev);
	memset(p, 0, sizeof *p);
}

uint32_t pool_alloc(pool *p)
{
	uint32_t s;
	if (p->nfree) {
		s = p->freev[--p->nfree];
		/* Slots come back in bursts (an answer frees hundreds) and
		 * leave the cache before they are taken again, in bursts too
		 * (a pass's offers): ask for the one a few takes on now. */
		if (p->nfree >= 4)
			__builtin_prefetch(pool_at(p, p->freev[p->nfree - 4]), 1);
	} else {
		if (p->n >= p->cap) {
			uint32_t cap = p->cap ? p->cap * 2 : 64;
			char *base = realloc(p->base, (size_t)cap * p->size);
			if (!base)
				return 0;
			p->base = base;
			uint32_t *gens = realloc(p->gens, sizeof *gens * cap);
			if (!gens)
				return 0;
			memset(gens + p->cap, 0, sizeof *gens * (cap - p->cap));
			p->gens = gens;
			uint32_t *freev = realloc(p->freev, sizeof *freev * cap);
			if (!freev)
				return 0;
			p->freev = freev;
			p->cap = cap;
		}
		s = p->n++;
	}
	memset(pool_at(p, s), 0, p->size);
	p->gens[s]++;
	p->live++;
	return s;
}

void pool_release(pool *p, uint32_t s)
{
	p->gens[s]++;
	p->live--;
	p->freev[p->nfree++] = s;
}

int grow_array(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	uint32_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, elem * n);
	if (!p)
		return AC_ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

uint32_t *core_scratch(ac_core *c, uint32_t n)
{
	if (grow_array((void **)&c->scratch, &c->cap_scratch, n ? n : 1, sizeof *c->scratch))
		return NULL;
	return c->scratch;
}

static uint32_t handle_slot(const pool *p, uint64_t id)
{
	uint32_t slot = (uint32_t)id, gen = (uint32_t)(id >> 32);
	return pool_live(p, slot) && p->gens[slot] == gen ? slot : 0;
}

uint32_t agent_slot(const ac_core *c, ac_agent_id id)
{
	return handle_slot(&c->agents, id);
}
uint32_t fw_slot(const ac_core *c, ac_fw_id id)
{
	return handle_slot(&c->fws, id);
}
uint32_t offer_slot(const ac_core *c, ac_offer_id id)
{
	return handle_slot(&c->offers, id);
}

/* FNV-1a: names are short; this only spreads them over the hash map. */
uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h == HMAP_EMPTY ? 0 : h;
}

/* ------------------------------------------------------------ kind names */

static const char *const fixed_kinds[AC_FIXED_KINDS] = {"cpus", "mem", "disk", "gpus"};

int core_kind_find(const ac_core *c, const char *name, size_t len)
{
	for (int k = 0; k < c->nkinds; k++)
		if (strlen(c->kind_names[k]) == len && memcmp(c->kind_names[k], name, len) == 0)
			return k;
	return -1;
}

int core_kind_count(const ac_core *c)
{
	return c->nkinds;
}

int core_kind_add(ac_core *c, const char *name, size_t len)
{
	if (c->nkinds >= AC_KINDS)
		return AC_ENOSPC;
	char *s = malloc(len + 1);
	if (!s)
		return AC_ENOMEM;
	memcpy(s, name, len);
	s[len] = 0;
	c->kind_names[c->nkinds] = s;
	return c->nkinds++;
}

const char *ac_kind_name(const ac_core *c, int k)
{
	return k >= 0 && k < c->nkinds ? c->kind_names[k] : NULL;
}

/* ------------------------------------------------------------- lifecycle */

void ac_config_default(ac_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->policy = "drf";
	cfg->allocation_interval = AC_SECOND;
	cfg->agent_order = AC_ORDER_SHUFFLE;
}

static int check_name(const char *what, const char *name, ac_err *err)
{
	if (!name || !*name)
		return ac_fail(err, AC_EINVAL, "%s name is empty", what);
	size_t len = strlen(name);
	if (len > 1024)
		return ac_fail(err, AC_EINVAL, "%s name is longer than 1024 bytes", what);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return ac_fail(err, AC_EINVAL, "%s name has a control byte at offset %zu", what, i);
	return 0;
}

int ac_core_create(const ac_config *cfg, const ac_hooks *hooks, ac_core **out, ac_err *err)
{
	ac_config def;
	ac_config_default(&def);
	if (!cfg)
		cfg = &def;
	const struct policy *pol = policy_find(cfg->policy ? cfg->policy : "drf");
	if (!pol)
		return ac_fail(err, AC_EINVAL, "unknown policy \"%s\" (drf, priority, asset, random)", cfg->policy);
	if (cfg->allocation_interval < 0 || cfg->offer_timeout < 0)
		return ac_fail(err, AC_EINVAL, "allocation interval and offer timeout must not be negative");
	if (cfg->agent_order != AC_ORDER_SHUFFLE && cfg->agent_order != AC_ORDER_ADDED)
		return ac_fail(err, AC_EINVAL, "unknown agent order %d", (int)cfg->agent_order);
	ac_core *c = calloc(1, sizeof *c);
	if (!c)
		return ac_fail(err, AC_ENOMEM, "out of memory");
	c->cfg = *cfg;
	c->cfg.policy = pol->name;
	c->cfg.min_allocatable = NULL; /* not kept: parsed below */
	if (c->cfg.allocation_interval == 0)
		c->cfg.allocation_interval = AC_SECOND;
	if (hooks)
		c->hooks = *hooks;
	c->policy = pol;
	rng_seed(c->rng, cfg->seed);
	for (int k = 0; k < AC_FIXED_KINDS; k++)
		c->kind_names[k] = str_dup(fixed_kinds[k]);
	c->nkinds = AC_FIXED_KINDS;
	pool_init(&c->agents, sizeof(agent));
	pool_init(&c->fws, sizeof(fw));
	pool_init(&c->offers, sizeof(offer));
	pool_init(&c->allocs, sizeof(alloc));
	pool_init(&c->filters, sizeof(filter));
	pool_init(&c->xpool, sizeof(ac_resources));
	pool_init(&c->clients, sizeof(client));
	int rc = 0;
	rc |= hmap_init(&c->agent_names, 64);
	rc |= hmap_init(&c->fw_names, 64);
	rc |= hmap_init(&c->role_names, 64);
	rc |= filters_init(c);
	rc |= hmap_init(&c->alloc_map, 64);
	for (int k = 0; k < AC_FIXED_KINDS; k++)
		if (!c->kind_names[k])
			rc = -1;
	if (rc == 0) {
		c->root_order = order_new(c);
		c->first_top_role = NONE;
		/* Role 0 is "*": the default role, and the role of unreserved
		 * resources. */
		if (c->root_order == NONE || role_get(c, "*", 1, err) != 0)
			rc = -1;
	}
	if (rc == 0)
		rc = ac_core_set_min_allocatable(c, cfg->min_allocatable, err);
	if (rc != 0) {
		ac_core_destroy(c);
		return err && err->code ? err->code : ac_fail(err, AC_ENOMEM, "out of memory");
	}
	*out = c;
	return 0;
}

void ac_core_destroy(ac_core *c)
{
	if (!c)
		return;
	for (uint32_t s = 1; s < c->agents.n; s++)
		if (pool_live(&c->agents, s)) {
			free(AGENT(c, s)->name);
			free(AGENT(c, s)->attrs);
		}
	for (uint32_t s = 1; s < c->fws.n; s++)
		if (pool_live(&c->fws, s)) {
			free(FW(c, s)->name);
			filter_fw_free(c, s);
		}
	for (int k = 0; k < c->nkinds; k++)
		free(c->kind_names[k]);
	roles_fini(c);
	orders_fini(c);
	pool_fini(&c->agents);
	pool_fini(&c->fws);
	pool_fini(&c->offers);
	pool_fini(&c->allocs);
	pool_fini(&c->filters);
	pool_fini(&c->xpool);
	pool_fini(&c->clients);
	hmap_fini(&c->agent_names);
	hmap_fini(&c->fw_names);
	hmap_fini(&c->role_names);
	hmap_fini(&c->filter_map);
	hmap_fini(&c->alloc_map);
	free(c->agent_seq);
	free(c->fw_seq);
	free(c->touched);
	free(c->pass_offers);
	free(c->pass_agents);
	free(c->scratch);
	free(c);
}

int ac_core_set_offer_timeout(ac_core *c, ac_time timeout, ac_err *err)
{
	if (timeout < 0)
		return ac_fail(err, AC_EINVAL, "offer timeout must not be negative");
	c->cfg.offer_timeout = timeout;
	return 0;
}

int ac_core_set_interval(ac_core *c, ac_time interval, ac_err *err)
{
	if (interval <= 0)
		return ac_fail(err, AC_EINVAL, "allocation interval must be positive");
	c->cfg.allocation_interval = interval;
	return 0;
}

int ac_core_set_min_allocatable(ac_core *c, const char *text, ac_err *err)
{
	ac_minalloc m;
	int rc = minalloc_parse(c, text ? text : "cpus:0.01|mem:32", &m, err);
	if (rc == 0)
		c->minalloc = m;
	return rc;
}

const char *ac_core_policy(const ac_core *c)
{
	return c->policy->name;
}

/* ------------------------------------------------------------ name index */

typedef uint32_t *(*next_of_fn)(ac_core *c, uint32_t slot);
typedef const char *(*name_of_fn)(const ac_core *c, uint32_t slot);

static uint32_t *agent_next_of(ac_core *c, uint32_t s)
{
	return &AGENT(c, s)->name_next;
}
static const char *agent_name_of(const ac_core *c, uint32_t s)
{
	return AGENT(c, s)->name;
}
static uint32_t *fw_next_of(ac_core *c, uint32_t s)
{
	return &FW(c, s)->name_next;
}
static const char *fw_name_of(const ac_core *c, uint32_t s)
{
	return FW(c, s)->name;
}

static uint32_t names_find(const ac_core *c, const hmap *m, name_of_fn name_of, next_of_fn next_of, const char *name)
{
	uint32_t *head = hmap_get(m, name_hash(name, strlen(name)));
	for (uint32_t s = head ? *head : 0; s; s = *next_of((ac_core *)c, s))
		if (strcmp(name_of(c, s), name) == 0)
			return s;
	return 0;
}

static int names_add(ac_core *c, hmap *m, next_of_fn next_of, const char *name, uint32_t slot)
{
	uint64_t h = name_hash(name, strlen(name));
	uint32_t *head = hmap_get(m, h);
	*next_of(c, slot) = head ? *head : 0;
	return hmap_put(m, h, slot) ? AC_ENOMEM : 0;
}

static void names_del(ac_core *c, hmap *m, next_of_fn next_of, const char *name, uint32_t slot)
{
	uint64_t h = name_hash(name, strlen(name));
	uint32_t *head = hmap_get(m, h);
	if (*head == slot) {
		if (*next_of(c, slot))
			*head = *next_of(c, slot);
		else
			hmap_del(m, h);
		return;
	}
	for (uint32_t s = *head; s; s = *next_of(c, s))
		if (*next_of(c, s) == slot) {
			*next_of(c, s) = *next_of(c, slot);
			return;
		}
}

static int seq_append(uint32_t **seq, uint32_t *n, uint32_t *cap, uint32_t slot)
{
	if (grow_array((void **)seq, cap, *n + 1, sizeof **seq))
		return AC_ENOMEM;
	(*seq)[(*n)++] = slot;
	return 0;
}

static void seq_remove(uint32_t *seq, uint32_t *n, uint32_t slot)
{
	for (uint32_t i = 0; i < *n; i++)
		if (seq[i] == slot) {
			memmove(seq + i, seq + i + 1, sizeof *seq * (*n - i - 1));
			(*n)--;
			return;
		}
}

/* --------------------------------------------------------------- agents */

/* Checks a caller-built resource set against the invariants of resources.h,
 * and that scalar amounts stay within the documented bounds. */
int res_check(const ac_core *c, const ac_resources *r, const char *what, ac_err *err)
{
	const int64_t max = AC_AMOUNT_MAX_UNITS * AC_MILLI;
	if (r->ngroups < 1 || r->ngroups > AC_MAX_GROUPS)
		return ac_fail(err, AC_EINVAL, "%s: %u groups (1 to %d allowed)", what, r->ngroups, AC_MAX_GROUPS);
	for (uint32_t g = 0; g < r->ngroups; g++) {
		const ac_group *gr = &r->group[g];
		if (g == 0 ? gr->role != 0 : (gr->role <= r->group[g - 1].role || gr->role >= c->nroles))
			return ac_fail(err, AC_EINVAL, "%s: group %u has a bad role id %u", what, g, gr->role);
		for (int k = 0; k < AC_KINDS; k++) {
			if (gr->amount.v[k] < 0 || gr->amount.v[k] > max)
				return ac_fail(err, AC_ERANGE, "%s: %s amount out of range", what,
				               k < c->nkinds ? c->kind_names[k] : "unregistered");
			if (k >= c->nkinds && gr->amount.v[k] != 0)
				return ac_fail(err, AC_EINVAL, "%s: amount for unregistered kind %d", what, k);
		}
		if (gr->nports > AC_MAX_RANGES)
			return ac_fail(err, AC_EINVAL, "%s: %u port ranges (at most %d)", what, gr->nports,
			               AC_MAX_RANGES);
		for (uint32_t i = 0; i < gr->nports; i++) {
			const ac_range *p = &gr->ports[i];
			if (p->begin > p->end || p->end > 65535 || (i > 0 && p->begin <= gr->ports[i - 1].end + 1))
				return ac_fail(err, AC_EINVAL, "%s: port ranges not sorted, disjoint and in 0-65535",
				               what);
		}
	}
	return 0;
}

/* Adds or subtracts an agent's total to the cluster sums. */
static void cluster_total_change(ac_core *c, const agent *ag, int sign)
{
	ac_vec all;
	bag_scalars(c, &ag->total, &all);
	for (int k = 0; k < AC_KINDS; k++) {
		c->total.v[k] += sign * all.v[k];
		c->total_unres.v[k] += sign * ag->total.unres.v[k];
	}
	if (ag->total.x) {
		const ac_resources *x = XRES(c, ag->total.x);
		role_reserved_change(c, x, sign);
		if (c->nguarantees)
			for (uint32_t g = 1; g < x->ngroups; g++)
				role_quota_refresh(c, x->group[g].role);
	}
	policy_totals_changed(c);
}

static int totals_fit(const ac_core *c, const ac_resources *r, const ac_resources *minus, ac_err *err)
{
	ac_vec add, sub = {{0}};
	ac_resources_scalars(r, &add);
	if (minus)
		ac_resources_scalars(minus, &sub);
	for (int k = 0; k < AC_KINDS; k++)
		if (c->total.v[k] - sub.v[k] > (INT64_MAX >> 2) - add.v[k])
			return ac_fail(err, AC_ERANGE, "cluster total of %s would overflow", c->kind_names[k]);
	return 0;
}

int ac_agent_add(ac_core *c, const char *name, const ac_resources *total, ac_agent_id *out, ac_err *err)
{
	int rc = check_name("agent", name, err);
	if (rc)
		return rc;
	if (!total)
		return ac_fail(err, AC_EINVAL, "agent %s: no resources given", name);
	if ((rc = res_check(c, total, "agent total", err)) || (rc = totals_fit(c, total, NULL, err)))
		return rc;
	if (names_find(c, &c->agent_names, agent_name_of, agent_next_of, name))
		return ac_fail(err, AC_EEXIST, "agent %s already exists", name);
	uint32_t s = pool_alloc(&c->agents);
	if (!s)
		return ac_fail(err, AC_ENOMEM, "out of memory");
	agent *ag = AGENT(c, s);
	ag->name = str_dup(name);
	ag->offers_head = ag->offers_tail = 0;
	if (!ag->name || bag_set(c, &ag->total, total) || bag_set(c, &AGENT(c, s)->free, total) ||
	    names_add(c, &c->agent_names, agent_next_of, name, s) ||
	    seq_append(&c->agent_seq, &c->nagent_seq, &c->cap_agent_seq, s)) {
		ag = AGENT(c, s);
		if (names_find(c, &c->agent_names, agent_name_of, agent_next_of, name) == s)
			names_del(c, &c->agent_names, agent_next_of, name, s);
		bag_clear(c, &ag->total);
		bag_clear(c, &ag->free);
		free(ag->name);
		pool_release(&c->agents, s);
		return ac_fail(err, AC_ENOMEM, "out of memory");
	}
	ag = AGENT(c, s);
	ag->filter_gen = ++c->epoch;
	cluster_total_change(c, ag, +1);
	if (c->nguarantees) {
		ac_vec f = ag->free.unres;
		ac_vec_clamp0(&f);
		ac_vec_add(&c->free_unres_clamped, &f);
	}
	if (out)
		*out = handle_make(c->agents.gens[s], s);
	return 0;
}

static uint32_t agent_resolve(const ac_core *c, ac_agent_id id, ac_err *err)
{
	uint32_t s = agent_slot(c, id);
	if (!s)
		ac_fail(err, AC_ENOENT, "unknown agent (stale or invalid handle %#llx)", (unsigned long long)id);
	return s;
}

static uint32_t fw_resolve(const ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s = fw_slot(c, id);
	if (!s)
		ac_fail(err, AC_ENOENT, "unknown framework (stale or invalid handle %#llx)", (unsigned long long)id);
	return s;
}

int ac_agent_remove(ac_core *c, ac_agent_id id, ac_err *err)
{
	uint32_t s = agent_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	offers_drop_of_agent(c, s, AC_RESCIND_AGENT_REMOVED);
	allocs_drop_of_agent(c, s);
	agent *ag = AGENT(c, s);
	if (c->nguarantees) {
		ac_vec f = ag->free.unres;
		ac_vec_clamp0(&f);
		ac_vec_sub(&c->free_unres_clamped, &f);
	}
	cluster_total_change(c, ag, -1);
	names_del(c, &c->agent_names, agent_next_of, ag->name, s);
	seq_remove(c->agent_seq, &c->nagent_seq, s);
	bag_clear(c, &ag->total);
	bag_clear(c, &ag->free);
	free(ag->name);
	free(ag->attrs);
	pool_release(&c->agents, s);
	return 0;
}

int ac_agent_update(ac_core *c, ac_agent_id id, const ac_resources *total, ac_err *err)
{
	uint32_t s = agent_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	int rc;
	if (!total)
		return ac_fail(err, AC_EINVAL, "no resources given");
	if ((rc = res_check(c, total, "agent total", err)))
		return rc;
	ac_resources old_total;
	bag_to_res(c, &AGENT(c, s)->total, &old_total);
	if ((rc = totals_fit(c, total, &old_total, err)))
		return rc;
	/* The new free set is the new total less what frameworks hold; offers
	 * are rescinded below. Work it out before changing anything. */
	ac_resources held, nfree = *total, rest;
	ac_resources_init(&held);
	for (uint32_t a = AGENT(c, s)->allocs_head; a; a = ALLOC(c, a)->ag_next) {
		ac_resources r;
		bag_to_res(c, &ALLOC(c, a)->res, &r);
		if (ac_resources_add(&held, &r))
			return ac_fail(err, AC_ENOSPC, "agent %s: allocations too fragmented", AGENT(c, s)->name);
	}
	/* Unreserved scalars may be over-allocated (Mesos allows it); every
	 * other held resource must still be there. */
	rest = held;
	ac_vec_zero(&rest.group[0].amount);
	if (!ac_resources_contains(total, &rest))
		return ac_fail(err, AC_EINVAL,
		               "agent %s: the new total lacks reserved resources or ports that frameworks hold",
		               AGENT(c, s)->name);
	if ((rc = ac_resources_sub(&nfree, &rest)))
		return ac_fail(err, rc, "agent %s: free ports too fragmented", AGENT(c, s)->name);
	ac_vec_sub(&nfree.group[0].amount, &held.group[0].amount);
	bag nt = {0}, nf = {0};
	/* bag_set would keep negative amounts as they are: wanted for unres. */
	if (bag_set(c, &nt, total) || bag_set(c, &nf, &nfree)) {
		bag_clear(c, &nt);
		bag_clear(c, &nf);
		return ac_fail(err, AC_ENOMEM, "out of memory");
	}
	offers_drop_of_agent(c, s, AC_RESCIND_AGENT_UPDATED);
	agent *ag = AGENT(c, s);
	if (c->nguarantees) {
		ac_vec f = ag->free.unres;
		ac_vec_clamp0(&f);
		ac_vec_sub(&c->free_unres_clamped, &f);
	}
	cluster_total_change(c, ag, -1);
	bag_clear(c, &ag->total);
	bag_clear(c, &ag->free);
	ag->total = nt;
	ag->free = nf;
	cluster_total_change(c, ag, +1);
	if (c->nguarantees) {
		ac_vec f = ag->free.unres;
		ac_vec_clamp0(&f);
		ac_vec_add(&c->free_unres_clamped, &f);
	}
	return 0;
}

int ac_agent_deactivate(ac_core *c, ac_agent_id id, ac_err *err)
{
	uint32_t s = agent_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	offers_drop_of_agent(c, s, AC_RESCIND_AGENT_DEACTIVATED);
	AGENT(c, s)->inactive = true;
	return 0;
}

int ac_agent_activate(ac_core *c, ac_agent_id id, ac_err *err)
{
	uint32_t s = agent_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	AGENT(c, s)->inactive = false;
	return 0;
}

int ac_agent_set_attributes(ac_core *c, ac_agent_id id, const char *attrs, ac_err *err)
{
	uint32_t s = agent_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	agent *ag = AGENT(c, s);
	const char *old = ag->attrs ? ag->attrs : "";
	if (!attrs)
		attrs = "";
	if (strcmp(old, attrs) == 0)
		return 0;
	char *copy = str_dup(attrs);
	if (!copy)
		return ac_fail(err, AC_ENOMEM, "out of memory");
	free(ag->attrs);
	ag->attrs = copy;
	ag->filter_gen = ++c->epoch; /* Mesos drops the agent's filters */
	return 0;
}

int ac_agent_set_tag(ac_core *c, ac_agent_id id, uint64_t tag, ac_err *err)
{
	uint32_t s = agent_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	AGENT(c, s)->tag = tag;
	for (uint32_t o = AGENT(c, s)->offers_head; o; o = OFFER(c, o)->ag_next)
		OFFER(c, o)->agent_tag = tag; /* offers keep a copy */
	return 0;
}

ac_agent_id ac_agent_find(const ac_core *c, const char *name)
{
	if (!name)
		return 0;
	uint32_t s = names_find(c, &c->agent_names, agent_name_of, agent_next_of, name);
	return s ? handle_make(c->agents.gens[s], s) : 0;
}

int ac_agent_info_get(const ac_core *c, ac_agent_id id, ac_agent_info *out, ac_err *err)
{
	uint32_t s = agent_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	const agent *ag = AGENT(c, s);
	out->name = ag->name;
	out->attributes = ag->attrs ? ag->attrs : "";
	bag_to_res(c, &ag->total, &out->total);
	bag_to_res(c, &ag->free, &out->free);
	ac_vec_clamp0(&out->free.group[0].amount);
	out->offers = ag->noffers;
	out->active = !ag->inactive;
	return 0;
}

ac_agent_id ac_agent_next(const ac_core *c, size_t *cursor)
{
	if (*cursor >= c->nagent_seq)
		return 0;
	uint32_t s = c->agent_seq[(*cursor)++];
	return handle_make(c->agents.gens[s], s);
}

size_t ac_agent_count(const ac_core *c)
{
	return c->nagent_seq;
}

/* ----------------------------------------------------------- frameworks */

int weight_from_double(double w, uint32_t *out, ac_err *err)
{
	if (!isfinite(w) || w < 0.001 || w > 1e6)
		return ac_fail(err, AC_ERANGE, "weight %g out of range (0.001 to 1000000)", w);
	*out = (uint32_t)llround(w * 1000);
	return 0;
}

static bool fw_eligible(const fw *f)
{
	return f->active && !f->suppressed;
}

/* Applies a change of the active/suppressed flags, moving the framework in
 * or out of its role's order. */
static void fw_set_flags(ac_core *c, uint32_t s, bool active, bool suppressed)
{
	fw *f = FW(c, s);
	bool was = fw_eligible(f);
	f->active = active;
	f->suppressed = suppressed;
	bool is = fw_eligible(f);
	if (was == is)
		return;
	if (is)
		order_insert(c, ROLE(c, f->role)->fws_order, f->client);
	else
		order_remove(c, f->client);
	role_eligible_change(c, f->role, is ? 1 : -1);
}

int ac_fw_add(ac_core *c, const char *name, const ac_fw_opts *opts, ac_fw_id *out, ac_err *err)
{
	int rc = check_name("framework", name, err);
	if (rc)
		return rc;
	ac_fw_opts def = {0};
	if (!opts)
		opts = &def;
	uint32_t weight = 1000;
	if (opts->weight != 0 && (rc = weight_from_double(opts->weight, &weight, err)))
		return rc;
	if (names_find(c, &c->fw_names, fw_name_of, fw_next_of, name))
		return ac_fail(err, AC_EEXIST, "framework %s already exists", name);
	const char *rname = opts->role ? opts->role : "*";
	int64_t r = role_get(c, rname, strlen(rname), err);
	if (r < 0)
		return (int)r;
	uint32_t s = pool_alloc(&c->fws);
	char *copy = str_dup(name);
	uint32_t cl = s && copy ? client_new(c, CL_FW, s, copy, weight) : NONE;
	if (cl == NONE || names_add(c, &c->fw_names, fw_next_of, copy, s) ||
	    seq_append(&c->fw_seq, &c->nfw_seq, &c->cap_fw_seq, s)) {
		if (cl != NONE) {
			if (names_find(c, &c->fw_names, fw_name_of, fw_next_of, copy) == s)
				names_del(c, &c->fw_names, fw_next_of, copy, s);
			pool_release(&c->clients, cl);
		}
		if (s)
			pool_release(&c->fws, s);
		free(copy);
		return ac_fail(err, AC_ENOMEM, "out of memory");
	}
	fw *f = FW(c, s);
	f->name = copy;
	f->client = cl;
	f->role = (uint32_t)r;
	f->filter_gen = ++c->epoch;
	CLIENT(c, cl)->priority = opts->priority;
	ROLE(c, r)->nfws++;
	fw_set_flags(c, s, true, false);
	if (out)
		*out = handle_make(c->fws.gens[s], s);
	return 0;
}

int ac_fw_remove(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s = fw_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	offers_drop_of_fw(c, s, AC_RESCIND_FW_REMOVED);
	allocs_drop_of_fw(c, s);
	fw_set_flags(c, s, false, FW(c, s)->suppressed);
	fw *f = FW(c, s);
	ROLE(c, f->role)->nfws--;
	names_del(c, &c->fw_names, fw_next_of, f->name, s);
	seq_remove(c->fw_seq, &c->nfw_seq, s);
	pool_release(&c->clients, f->client);
	free(f->name);
	filter_fw_free(c, s);
	pool_release(&c->fws, s);
	return 0;
}

int ac_fw_deactivate(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s = fw_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	offers_drop_of_fw(c, s, AC_RESCIND_FW_DEACTIVATED);
	FW(c, s)->filter_gen = ++c->epoch;
	FW(c, s)->filter_until = 0;
	fw_set_flags(c, s, false, FW(c, s)->suppressed);
	return 0;
}

int ac_fw_activate(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s = fw_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	fw_set_flags(c, s, true, FW(c, s)->suppressed);
	return 0;
}

int ac_fw_suppress(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s = fw_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	fw_set_flags(c, s, FW(c, s)->active, true);
	return 0;
}

int ac_fw_revive(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s = fw_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	/* One increment drops every filter of the framework: filters remember
	 * the generation they were made under and stop matching. */
	FW(c, s)->filter_gen = ++c->epoch;
	FW(c, s)->filter_until = 0;
	fw_set_flags(c, s, FW(c, s)->active, false);
	return 0;
}

int ac_fw_set_weight(ac_core *c, ac_fw_id id, double weight, ac_err *err)
{
	uint32_t s = fw_resolve(c, id, err), w = 0;
	if (!s)
		return AC_ENOENT;
	int rc = weight_from_double(weight, &w, err);
	if (rc)
		return rc;
	CLIENT(c, FW(c, s)->client)->weight = w;
	client_changed(c, FW(c, s)->client);
	return 0;
}

int ac_fw_set_tag(ac_core *c, ac_fw_id id, uint64_t tag, ac_err *err)
{
	uint32_t s = fw_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	FW(c, s)->tag = tag;
	return 0;
}

ac_fw_id ac_fw_find(const ac_core *c, const char *name)
{
	if (!name)
		return 0;
	uint32_t s = names_find(c, &c->fw_names, fw_name_of, fw_next_of, name);
	return s ? handle_make(c->fws.gens[s], s) : 0;
}

int ac_fw_info_get(const ac_core *c, ac_fw_id id, ac_fw_info *out, ac_err *err)
{
	uint32_t s = fw_resolve(c, id, err);
	if (!s)
		return AC_ENOENT;
	const fw *f = FW(c, s);
	const client *cl = CLIENT(c, f->client);
	out->name = f->name;
	out->role = ROLE(c, f->role)->name;
	out->weight = cl->weight / 1000.0;
	out->priority = cl->priority;
	out->active = f->active;
	out->suppressed = f->suppressed;
	out->allocated = f->allocated;
	out->offered = f->offered;
	out->dominant_share = share_of(c, &cl->held);
	out->allocations = cl->count;
	return 0;
}

ac_fw_id ac_fw_next(const ac_core *c, size_t *cursor)
{
	if (*cursor >= c->nfw_seq)
		return 0;
	uint32_t s = c->fw_seq[(*cursor)++];
	return handle_make(c->fws.gens[s], s);
}

size_t ac_fw_count(const ac_core *c)
{
	return c->nfw_seq;
}

/* -------------------------------------------------------- introspection */

void ac_counters_get(const ac_core *c, ac_counters *out)
{
	*out = c->counters;
	out->filters_active = c->nfilters;
	out->outstanding_offers = c->offers.live;
}

void ac_cluster_total(const ac_core *c, ac_vec *out)
{
	*out = c->total;
}

size_t ac_core_memory(const ac_core *c)
{
	size_t n = sizeof *c;
	const pool *pools[] = {&c->agents, &c->fws, &c->offers, &c->allocs, &c->filters, &c->xpool, &c->clients};
	for (size_t i = 0; i < sizeof pools / sizeof *pools; i++)
		n += (size_t)pools[i]->cap * (pools[i]->size + 2 * sizeof(uint32_t));
	const hmap *maps[] = {&c->agent_names, &c->fw_names, &c->role_names, &c->filter_map, &c->alloc_map};
	for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
		n += hmap_bytes(maps[i]);
	n += (size_t)c->cap_roles * sizeof(role) + (size_t)c->cap_orders * sizeof(order);
	for (uint32_t o = 0; o < c->norders; o++)
		n += (size_t)c->orders[o].cap * sizeof(uint32_t);
	for (uint32_t s = 1; s < c->fws.n; s++)
		if (pool_live(&c->fws, s))
			n += filter_fw_bytes(c, s);
	n += ((size_t)c->cap_agent_seq + c->cap_fw_seq + c->cap_touched + c->cap_pass_offers + c->cap_scratch) *
	     sizeof(uint32_t);
	return n;
}

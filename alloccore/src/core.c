/*
 * core.c — the life of an alloccore instance: creating it (every part's
 * empty state, role "*", the minimum allocatable rule), its settings,
 * destroying it, and the counters and memory it reports. The top layer,
 * beside agents.c, frameworks.c, allocate.c and book.c's answers: it calls
 * every part's init and fini.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "filters.h"
#include "kinds.h"
#include "multirole.h"
#include "offers.h"
#include "order.h"
#include "policy.h"
#include "restext.h"
#include "rng.h"
#include "roles.h"
#include "state.h"

void ac_config_default(ac_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->policy = "drf";
	cfg->allocation_interval = AC_SECOND;
	cfg->agent_order = AC_ORDER_SHUFFLE;
}

int ac_core_create(const ac_config *cfg, const ac_hooks *hooks, ac_core **out, ac_err *err)
{
	ac_config def;
	ac_config_default(&def);
	if (!cfg)
		cfg = &def;
	/* The policy first: once it stands, a failure destroys its state. */
	ac_policy pol;
	int rc = cfg->policy_impl ? ac_policy_check(cfg->policy_impl, err) : ac_policy_builtin(cfg->policy, &pol, err);
	if (rc)
		return rc == AC_ENOENT ? AC_EINVAL : rc;
	if (cfg->policy_impl)
		pol = *cfg->policy_impl;
	ac_core *c = NULL;
	if (cfg->allocation_interval < 0 || cfg->offer_timeout < 0)
		rc = ac__fail(err, AC_EINVAL, "allocation interval and offer timeout must not be negative");
	else if (cfg->agent_order != AC_ORDER_SHUFFLE && cfg->agent_order != AC_ORDER_ADDED)
		rc = ac__fail(err, AC_EINVAL, "unknown agent order %d", (int)cfg->agent_order);
	else if (!(c = calloc(1, sizeof *c)))
		rc = ac__fail(err, AC_ENOMEM, "out of memory");
	if (rc) {
		if (pol.destroy)
			pol.destroy(pol.state);
		return rc;
	}
	c->cfg = *cfg;
	c->cfg.policy = pol.name;
	c->cfg.policy_impl = NULL;
	c->cfg.min_allocatable = NULL; /* not kept: parsed below */
	if (c->cfg.allocation_interval == 0)
		c->cfg.allocation_interval = AC_SECOND;
	if (hooks)
		c->hooks = *hooks;
	ac__policy_install(c, &pol);
	ac__rng_seed(c->rng, cfg->seed);
	ac__pool_init(&c->agents, sizeof(agent));
	ac__pool_init(&c->fws, sizeof(fw));
	ac__pool_init(&c->allocs, sizeof(alloc));
	ac__pool_init(&c->filters, sizeof(filter));
	ac__pool_init(&c->xpool, sizeof(ac_resources));
	ac__pool_init(&c->clients, sizeof(client));
	c->first_top_role = NONE;
	c->defer_role = NONE;
	rc = ac__kinds_init(c);
	if (!rc)
		rc = ac__hmap_init(&c->agent_names, 64);
	if (!rc)
		rc = ac__hmap_init(&c->fw_names, 64);
	if (!rc)
		rc = ac__hmap_init(&c->role_names, 64);
	if (!rc)
		rc = ac__filters_init(c);
	if (!rc)
		rc = ac__hmap_init(&c->alloc_map, 64);
	if (!rc)
		rc = ac__offers_init(c);
	if (!rc)
		rc = ac__order_new(c, &c->root_order);
	if (rc) {
		ac_core_destroy(c);
		return ac__fail(err, rc, "out of memory");
	}
	/* Role 0 is "*": the default role, and the role of unreserved
	 * resources. */
	uint32_t star;
	if ((rc = ac__role_get(c, "*", 1, &star, err)) ||
	    (rc = ac_core_set_min_allocatable(c, cfg->min_allocatable, err))) {
		ac_core_destroy(c);
		return rc;
	}
	*out = c;
	return 0;
}

void ac_core_destroy(ac_core *c)
{
	if (!c)
		return;
	ac__mfws_free(c);
	for (uint32_t s = 1; s < c->agents.n; s++)
		if (ac__pool_live(&c->agents, s)) {
			free(AGENT(c, s)->name);
			free(AGENT(c, s)->attrs);
		}
	for (uint32_t s = 1; s < c->fws.n; s++)
		if (ac__pool_live(&c->fws, s)) {
			free(FW(c, s)->name);
			free(FW(c, s)->demand);
			ac__filter_fw_free(c, s);
		}
	ac__policy_fini(c);
	ac__kinds_fini(c);
	ac__roles_fini(c);
	ac__orders_fini(c);
	ac__pool_fini(&c->agents);
	ac__pool_fini(&c->fws);
	ac__offers_fini(c);
	ac__pool_fini(&c->allocs);
	ac__pool_fini(&c->filters);
	ac__pool_fini(&c->xpool);
	ac__pool_fini(&c->clients);
	ac__hmap_fini(&c->agent_names);
	ac__hmap_fini(&c->fw_names);
	ac__hmap_fini(&c->role_names);
	ac__hmap_fini(&c->filter_map);
	ac__hmap_fini(&c->alloc_map);
	free(c->agent_seq);
	free(c->fw_seq);
	free(c->touched);
	free(c->pass_agents);
	free(c->arrears);
	free(c->scratch);
	free(c);
}

void ac_core_set_batch_hook(ac_core *c, ac_batch_hook fn, void *ud)
{
	c->batch_hook = fn;
	c->batch_ud = ud;
}

int ac_core_set_offer_timeout(ac_core *c, ac_time timeout, ac_err *err)
{
	if (timeout < 0)
		return ac__fail(err, AC_EINVAL, "offer timeout must not be negative");
	c->cfg.offer_timeout = timeout;
	return 0;
}

int ac_core_set_interval(ac_core *c, ac_time interval, ac_err *err)
{
	if (interval <= 0)
		return ac__fail(err, AC_EINVAL, "allocation interval must be positive");
	c->cfg.allocation_interval = interval;
	return 0;
}

int ac_core_set_min_allocatable(ac_core *c, const char *text, ac_err *err)
{
	ac_minalloc m;
	int rc = ac__minalloc_parse(c, text ? text : "cpus:0.01|mem:32", &m, err);
	if (rc == 0)
		c->minalloc = m;
	return rc;
}

const char *ac_core_policy(const ac_core *c)
{
	return c->pol.name;
}

/* -------------------------------------------------------- introspection */

void ac_counters_get(const ac_core *c, ac_counters *out)
{
	*out = c->counters;
	out->filters_active = c->nfilters;
	out->outstanding_offers = c->noffers;
}

void ac_cluster_total(const ac_core *c, ac_vec *out)
{
	*out = c->total;
}

size_t ac_core_memory(const ac_core *c)
{
	size_t n = sizeof *c;
	const pool *pools[] = {&c->agents, &c->fws, &c->allocs, &c->filters, &c->xpool, &c->clients};
	for (size_t i = 0; i < sizeof pools / sizeof *pools; i++)
		n += (size_t)pools[i]->cap * (pools[i]->size + pools[i]->twin_size + 2 * sizeof(uint32_t));
	const hmap *maps[] = {&c->agent_names, &c->fw_names, &c->role_names, &c->filter_map, &c->alloc_map};
	for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
		n += ac__hmap_bytes(maps[i]);
	n += (size_t)c->cap_roles * sizeof(role) + (size_t)c->cap_orders * sizeof(order);
	for (uint32_t o = 0; o < c->norders; o++)
		n += (size_t)c->orders[o].cap * sizeof(uint32_t);
	for (uint32_t s = 1; s < c->fws.n; s++)
		if (ac__pool_live(&c->fws, s))
			n += ac__filter_fw_bytes(c, s);
	n += ((size_t)c->cap_agent_seq + c->cap_fw_seq + c->cap_touched + c->cap_scratch + c->cap_arrears +
	      c->cap_pass_agents) *
	     sizeof(uint32_t);
	n += ac__offers_bytes(c);
	n += ac__mfws_bytes(c);
	return n;
}

/*
 * policy.c — the core's side of the policy API (alloccore/policy.h): it
 * installs a policy, keeps the view its callbacks see current, compares
 * sort clients by the policy's keys with the core's tie-breaks, and serves
 * the view's calls (random draws, the frameworks, their allocations,
 * preemption requests), checking what the policy asks for. The built-in
 * policies themselves are in builtin.c.
 */
#include "policy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rng.h"

/* ------------------------------------------------------------ the view */

static uint64_t view_random(const ac_policy_view *v)
{
	ac_core *c = v->core_;
	return ac__rng_next(c->rng);
}

static const ac_policy_client *const *view_frameworks(const ac_policy_view *v, size_t *n)
{
	ac_core *c = v->core_;
	*n = 0;
	if (ac__array_grow((void **)&c->pol_fws, &c->cap_pol_fws, c->nfw_seq, sizeof *c->pol_fws))
		return NULL;
	for (uint32_t i = 0; i < c->nfw_seq; i++)
		c->pol_fws[i] = &CLIENT(c, FW(c, c->fw_seq[i])->client)->pub;
	*n = c->nfw_seq;
	return c->pol_fws;
}

static size_t view_allocations(const ac_policy_view *v, ac_fw_id id, ac_policy_alloc *out, size_t cap)
{
	const ac_core *c = v->core;
	uint32_t f = ac__fw_slot(c, id);
	if (!f)
		return 0;
	size_t n = 0;
	for (uint32_t s = FW(c, f)->allocs_head; s; s = ALLOC(c, s)->fw_next, n++) {
		if (n >= cap)
			continue;
		const alloc *al = ALLOC(c, s);
		out[n].agent = ac__pool_handle(&c->agents, al->agent);
		out[n].agent_tag = AGENT(c, al->agent)->tag;
		ac__sbag_scalars(c, ALLOC_BAG(c, s), &out[n].scalars);
	}
	return n;
}

/* Notes the policy's first breach of the API's contract: the pass that
 * made it fails with this message. */
static int breach(ac_core *c, int code, const char *fmt, const char *what)
{
	if (!c->pol_err.code) {
		c->pol_err.code = code;
		snprintf(c->pol_err.msg, sizeof c->pol_err.msg, "policy \"%s\": %s%s", c->pol.name, fmt, what);
	}
	return code;
}

static int view_preempt(const ac_policy_view *v, ac_fw_id victim, ac_agent_id on, const ac_vec *amount, ac_fw_id for_fw)
{
	ac_core *c = v->core_;
	uint32_t f = ac__fw_slot(c, victim), a = ac__agent_slot(c, on);
	if (!f || !a)
		return breach(c, AC_ENOENT, "preemption of an unknown ", f ? "agent" : "framework");
	if (for_fw && !ac__fw_slot(c, for_fw))
		return breach(c, AC_ENOENT, "preemption for an unknown framework", "");
	uint32_t s = ac__alloc_slot(c, f, a);
	if (!s)
		return breach(c, AC_EINVAL, "preemption of a framework that holds nothing on the agent", "");
	ac_vec held;
	ac__sbag_scalars(c, ALLOC_BAG(c, s), &held);
	for (int k = 0; k < AC_KINDS; k++)
		if (amount->v[k] < 0 || amount->v[k] > held.v[k])
			return breach(c, AC_EINVAL, "preemption of more than the framework holds on the agent", "");
	if (ac__array_grow((void **)&c->preempts, &c->cap_preempts, c->npreempts + 1, sizeof *c->preempts))
		return AC_ENOMEM;
	ac_preempt_request *r = &c->preempts[c->npreempts++];
	r->victim = victim;
	r->agent = on;
	r->victim_tag = FW(c, f)->tag;
	r->agent_tag = AGENT(c, a)->tag;
	r->amount = *amount;
	r->for_fw = for_fw;
	return 0;
}

/* ------------------------------------------------------------- install */

int ac_policy_check(const ac_policy *p, ac_err *err)
{
	if (!p)
		return ac__fail(err, AC_EINVAL, "no policy");
	if (p->api_version != AC_POLICY_API_VERSION)
		return ac__fail(err, AC_EINVAL,
		                "policy \"%s\" is built for policy API version %u; this alloccore has version %u",
		                p->name ? p->name : "?", p->api_version, (unsigned)AC_POLICY_API_VERSION);
	if (!p->name || !*p->name)
		return ac__fail(err, AC_EINVAL, "policy without a name");
	if (!p->key || !p->cmp)
		return ac__fail(err, AC_EINVAL, "policy \"%s\" has no %s callback", p->name, p->key ? "cmp" : "key");
	return 0;
}

void ac__policy_install(ac_core *c, const ac_policy *p)
{
	c->pol = *p;
	c->pol_generic = p->pick || (p->flags & AC_POLICY_REDRAW_PER_TURN);
	c->view = (ac_policy_view){.core = c,
	                           .total = &c->total,
	                           .nkinds = c->nkinds,
	                           .random = view_random,
	                           .frameworks = view_frameworks,
	                           .allocations = view_allocations,
	                           .preempt = view_preempt,
	                           .core_ = c};
}

void ac__policy_fini(ac_core *c)
{
	if (c->pol.destroy)
		c->pol.destroy(c->pol.state);
	c->pol.destroy = NULL;
	free(c->preempts);
	free(c->pol_fws);
}

void ac__policy_totals_changed(ac_core *c)
{
	c->keys_dirty = true;
	if (c->pol.totals_changed) {
		c->view.now = c->now;
		c->pol.totals_changed(c->pol.state, &c->view);
	}
}

void ac__policy_preempt(ac_core *c)
{
	if (!c->pol.preempt)
		return;
	c->view.now = c->now;
	c->npreempts = 0;
	c->pol.preempt(c->pol.state, &c->view);
	for (uint32_t i = 0; i < c->npreempts; i++) {
		if (c->preempt_hook)
			c->preempt_hook(c->preempt_ud, &c->preempts[i]);
		else
			c->preempts_dropped++;
	}
	c->npreempts = 0;
}

int ac__policy_breach(ac_core *c, const char *fmt, long a, long b)
{
	char what[96];
	snprintf(what, sizeof what, fmt, a, b);
	return breach(c, AC_EINVAL, what, "");
}

/* ------------------------------------------------------------- compare */

double ac__share_of(const ac_core *c, const ac_vec *held)
{
	/* in locals: through the pointers, every store could change held */
	uint64_t n = 0, d = 1;
	for (int k = 0; k < c->nkinds; k++) {
		int64_t t = c->total.v[k], h = held->v[k];
		if (t <= 0 || h <= 0)
			continue;
		if ((u128)(uint64_t)h * d > (u128)n * (uint64_t)t) {
			n = (uint64_t)h;
			d = (uint64_t)t;
		}
	}
	return (double)n / (double)d;
}

int ac__weight_from_double(double w, uint32_t *out, ac_err *err)
{
	if (!isfinite(w) || w < 0.001 || w > 1e6)
		return ac__fail(err, AC_ERANGE, "weight %g out of range (0.001 to 1000000)", w);
	*out = (uint32_t)llround(w * 1000);
	return 0;
}

uint32_t ac_core_policy_flags(const ac_core *c)
{
	return c->pol.flags;
}

void ac_core_set_preempt_hook(ac_core *c, ac_preempt_hook fn, void *ud)
{
	c->preempt_hook = fn;
	c->preempt_ud = ud;
}

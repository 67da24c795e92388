/*
 * bag.c — resources held inside the core (agent totals and free sets,
 * offers, allocations, filters). The unreserved scalars sit inline where the
 * offer loop reads them; ports and reserved groups, rare on the hot path,
 * live in an extras block from core->xpool.
 */
#include <string.h>

#include "core.h"

/* Copies the groups and ranges in use, not the whole fixed-size set. */
static void copy_used(ac_resources *dst, const ac_resources *src)
{
	dst->ngroups = src->ngroups;
	for (uint32_t g = 0; g < src->ngroups; g++) {
		dst->group[g].role = src->group[g].role;
		dst->group[g].nports = src->group[g].nports;
		dst->group[g].amount = src->group[g].amount;
		memcpy(dst->group[g].ports, src->group[g].ports, sizeof src->group[g].ports[0] * src->group[g].nports);
	}
}

void bag_to_res(const ac_core *c, const bag *b, ac_resources *out)
{
	if (b->x) {
		copy_used(out, XRES(c, b->x));
	} else {
		out->ngroups = 1;
		out->group[0].role = 0;
		out->group[0].nports = 0;
	}
	out->group[0].amount = b->unres;
}

static bool needs_extras(const ac_resources *r)
{
	return r->ngroups > 1 || r->group[0].nports > 0;
}

int bag_set(ac_core *c, bag *b, const ac_resources *r)
{
	ac_vec unres = r->group[0].amount; /* r may be b's own block */
	if (needs_extras(r)) {
		/* Reuse the bag's block when it has one: no pool traffic. */
		uint32_t x = b->x ? b->x : pool_alloc(&c->xpool);
		if (!x)
			return AC_ENOMEM;
		ac_resources *dst = XRES(c, x);
		if (dst != r)
			copy_used(dst, r);
		ac_vec_zero(&dst->group[0].amount);
		b->x = x;
	} else if (b->x) {
		pool_release(&c->xpool, b->x);
		b->x = 0;
	}
	b->unres = unres;
	return 0;
}

void bag_clear(ac_core *c, bag *b)
{
	if (b->x)
		pool_release(&c->xpool, b->x);
	b->x = 0;
	ac_vec_zero(&b->unres);
}

void bag_scalars(const ac_core *c, const bag *b, ac_vec *out)
{
	*out = b->unres;
	if (b->x) {
		const ac_resources *x = XRES(c, b->x);
		for (uint32_t g = 1; g < x->ngroups; g++)
			ac_vec_add(out, &x->group[g].amount);
	}
}

uint64_t bag_ports(const ac_core *c, const bag *b)
{
	return b->x ? ac_resources_port_count(XRES(c, b->x)) : 0;
}

bool bag_empty(const ac_core *c, const bag *b)
{
	return !ac_vec_any_positive(&b->unres) && (!b->x || ac_resources_empty(XRES(c, b->x)));
}

bool bag_contains_x(const ac_core *c, const bag *a, const ac_resources *x)
{
	if (!a->x)
		return ac_resources_empty(x);
	return ac_resources_contains(XRES(c, a->x), x);
}

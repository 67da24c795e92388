/*
 * bag.c — resources held inside the core (agent totals and free sets,
 * offers, allocations, filters). The unreserved scalars sit inline where the
 * offer loop reads them; ports and reserved groups, rare on the hot path,
 * live in an extras block from core->xpool.
 */
#include <string.h>

#include "core.h"

void bag_to_res(const ac_core *c, const bag *b, ac_resources *out)
{
	if (b->x) {
		const ac_resources *x = XRES(c, b->x);
		out->ngroups = x->ngroups;
		for (uint32_t g = 0; g < x->ngroups; g++) {
			const ac_group *src = &x->group[g];
			ac_group *dst = &out->group[g];
			dst->role = src->role;
			dst->nports = src->nports;
			dst->amount = src->amount;
			memcpy(dst->ports, src->ports, sizeof *src->ports * src->nports);
		}
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
	uint32_t x = 0;
	if (needs_extras(r)) {
		x = pool_alloc(&c->xpool);
		if (!x)
			return AC_ENOMEM;
		ac_resources *dst = XRES(c, x);
		*dst = *r;
		ac_vec_zero(&dst->group[0].amount);
	}
	if (b->x)
		pool_release(&c->xpool, b->x);
	b->unres = r->group[0].amount;
	b->x = x;
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

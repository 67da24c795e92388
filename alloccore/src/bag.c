/*
 * bag.c — resources held inside the core (agent totals and free sets,
 * offers, allocations, filters). The unreserved scalars sit inline where the
 * offer loop reads them; ports and reserved groups, rare on the hot path,
 * live in an extras block from core->xpool. And ac__res_check, the gate a
 * caller's resource set passes before it becomes a bag.
 */
#include "bag.h"

#include <string.h>

#include "err.h"

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

void ac__bag_to_res(const ac_core *c, const bag *b, ac_resources *out)
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

int ac__bag_set(ac_core *c, bag *b, const ac_resources *r)
{
	ac_vec unres = r->group[0].amount; /* r may be b's own block */
	if (ac__res_has_extras(r)) {
		/* Reuse the bag's block when it has one: no pool traffic. */
		uint32_t x = b->x;
		if (!x && ac__pool_alloc(&c->xpool, &x))
			return AC_ENOMEM;
		ac_resources *dst = XRES(c, x);
		if (dst != r)
			copy_used(dst, r);
		ac_vec_zero(&dst->group[0].amount);
		b->x = x;
	} else if (b->x) {
		ac__pool_release(&c->xpool, b->x);
		b->x = 0;
	}
	b->unres = unres;
	return 0;
}

void ac__bag_clear(ac_core *c, bag *b)
{
	if (b->x)
		ac__pool_release(&c->xpool, b->x);
	b->x = 0;
	ac_vec_zero(&b->unres);
}

void ac__bag_scalars(const ac_core *c, const bag *b, ac_vec *out)
{
	ac__bag_scalars_of(c, &b->unres, b->x, out);
}

void ac__sbag_to_res(const ac_core *c, sbag_ref r, ac_resources *out)
{
	bag b = ac__sbag_get(r);
	ac__bag_to_res(c, &b, out);
}

int ac__sbag_set(ac_core *c, sbag_ref r, const ac_resources *res)
{
	bag b = ac__sbag_get(r);
	int rc = ac__bag_set(c, &b, res);
	if (!rc)
		ac__sbag_put(r, &b);
	return rc;
}

void ac__sbag_clear(ac_core *c, sbag_ref r)
{
	bag b = ac__sbag_get(r);
	ac__bag_clear(c, &b);
	ac__sbag_put(r, &b);
}

int ac__res_check(const ac_core *c, const ac_resources *r, const char *what, ac_err *err)
{
	const int64_t max = AC_AMOUNT_MAX_UNITS * AC_MILLI;
	if (r->ngroups < 1 || r->ngroups > AC_MAX_GROUPS)
		return ac__fail(err, AC_EINVAL, "%s: %u groups (1 to %d allowed)", what, r->ngroups, AC_MAX_GROUPS);
	for (uint32_t g = 0; g < r->ngroups; g++) {
		const ac_group *gr = &r->group[g];
		if (g == 0 ? gr->role != 0 : (gr->role <= r->group[g - 1].role || gr->role >= c->nroles))
			return ac__fail(err, AC_EINVAL, "%s: group %u has a bad role id %u", what, g, gr->role);
		for (int k = 0; k < AC_KINDS; k++) {
			if (gr->amount.v[k] < 0 || gr->amount.v[k] > max)
				return ac__fail(err, AC_ERANGE, "%s: %s amount out of range", what,
				                k < c->nkinds ? c->kind_names[k] : "unregistered");
			if (k >= c->nkinds && gr->amount.v[k] != 0)
				return ac__fail(err, AC_EINVAL, "%s: amount for unregistered kind %d", what, k);
		}
		if (gr->nports > AC_MAX_RANGES)
			return ac__fail(err, AC_EINVAL, "%s: %u port ranges (at most %d)", what, gr->nports,
			                AC_MAX_RANGES);
		for (uint32_t i = 0; i < gr->nports; i++) {
			const ac_range *p = &gr->ports[i];
			if (p->begin > p->end || p->end > 65535 || (i > 0 && p->begin <= gr->ports[i - 1].end + 1))
				return ac__fail(err, AC_EINVAL, "%s: port ranges not sorted, disjoint and in 0-65535",
				                what);
		}
	}
	return 0;
}

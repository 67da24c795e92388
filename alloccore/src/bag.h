/*
 * bag.h — resources held inside the core (agent totals and free sets,
 * offers, allocations, filters): the unreserved scalars inline, ports and
 * reserved groups in an extras block from core->xpool (struct bag in
 * state.h). Also the check a caller-built resource set passes before it
 * becomes a bag. Sits just above state.h.
 */
#ifndef ALLOCCORE_BAG_H
#define ALLOCCORE_BAG_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

void ac__bag_to_res(const ac_core *c, const bag *b, ac_resources *out);
/* Replaces *b (freeing its extras) with r. AC_ENOMEM on failure, b unchanged. */
int ac__bag_set(ac_core *c, bag *b, const ac_resources *r);
void ac__bag_clear(ac_core *c, bag *b);
void ac__bag_scalars(const ac_core *c, const bag *b, ac_vec *out);

/* The same for a bag as records keep it (state.h: sbag, AGENT_BAG,
 * ALLOC_BAG): through a whole copy. */
static inline ac__sv ac__sbag_sv(sbag_ref r)
{
	return (ac__sv){&r.b->unres, r.hi};
}
static inline bag ac__sbag_get(sbag_ref r)
{
	return (bag){ac__sv_get(ac__sbag_sv(r)), r.b->x};
}
static inline void ac__sbag_put(sbag_ref r, const bag *v)
{
	ac__sv_set(ac__sbag_sv(r), &v->unres);
	r.b->x = v->x;
}
void ac__sbag_to_res(const ac_core *c, sbag_ref r, ac_resources *out);
int ac__sbag_set(ac_core *c, sbag_ref r, const ac_resources *res);
void ac__sbag_clear(ac_core *c, sbag_ref r);
/* (ac__sbag_scalars, for a bag as records keep it, is in state.h: policy.c,
 * on this level too, reads it) */

/* true when r has more than unreserved scalars: what a bag keeps in its
 * extras block. */
static inline bool ac__res_has_extras(const ac_resources *r)
{
	return r->ngroups > 1 || r->group[0].nports > 0;
}

/* A bag's extras block x (bag.x, sbag.x), or NULL. */
static inline const ac_resources *ac__bag_x(const ac_core *c, uint32_t x)
{
	return x ? XRES(c, x) : NULL;
}

/* Checks a caller-built resource set against the invariants of resources.h
 * and this core's kinds and roles, and that scalar amounts stay within the
 * documented bounds. what: the message's subject. */
int ac__res_check(const ac_core *c, const ac_resources *r, const char *what, ac_err *err);

#endif

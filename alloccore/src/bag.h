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

/* true when r has more than unreserved scalars: what a bag keeps in its
 * extras block. */
static inline bool ac__res_has_extras(const ac_resources *r)
{
	return r->ngroups > 1 || r->group[0].nports > 0;
}

static inline const ac_resources *ac__bag_x(const ac_core *c, const bag *b)
{
	return b->x ? XRES(c, b->x) : NULL;
}

/* Checks a caller-built resource set against the invariants of resources.h
 * and this core's kinds and roles, and that scalar amounts stay within the
 * documented bounds. what: the message's subject. */
int ac__res_check(const ac_core *c, const ac_resources *r, const char *what, ac_err *err);

#endif

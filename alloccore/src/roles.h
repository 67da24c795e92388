/*
 * roles.h — the role tree of a core: role names and ids ("*" is role 0,
 * also the role of unreserved resources), parents, weights, and the sort
 * clients each role has in the orders (order.h). Above order.h; quota.c
 * builds on it. Declares no struct: restext.c, which only needs role names,
 * sees none of the core's state.
 */
#ifndef ALLOCCORE_ROLES_H
#define ALLOCCORE_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloccore/alloccore.h"

/* Checks a role path of len bytes; returns 0 or AC_EINVAL with a message. */
int ac__role_name_check(const char *name, size_t len, ac_err *err);
/* Id of a role of len bytes, or -1 when it does not exist. */
int64_t ac__role_find(const ac_core *c, const char *name, size_t len);
/* Interns a role of len bytes whose name was checked, and its ancestors;
 * its id into *id. 0 or AC_ENOMEM. */
int ac__role_intern_n(ac_core *c, const char *name, size_t len, uint32_t *id);
/* Checks and interns a role; its id into *id. 0, or AC_EINVAL / AC_ENOMEM
 * with a message. */
int ac__role_get(ac_core *c, const char *name, size_t len, uint32_t *id, ac_err *err);
void ac__roles_fini(ac_core *c);
bool ac__role_is_ancestor_or_self(const ac_core *c, uint32_t anc, uint32_t r);
/* Eligible-framework counts changed by delta for role r (and up): its
 * clients enter or leave their orders. */
void ac__role_eligible_change(ac_core *c, uint32_t r, int delta);

#endif

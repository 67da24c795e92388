/*
 * quota.h — quota on the role tree: reservations per subtree, the
 * required headroom kept current as consumption changes, and the room a
 * role's limits and guarantees leave (alloccore/README.md, "Quota"). Above
 * roles.h; the offer book and the agent entry points report changes here,
 * the pass reads the rooms.
 */
#ifndef ALLOCCORE_QUOTA_H
#define ALLOCCORE_QUOTA_H

#include <stdint.h>

#include "state.h"

/* The consumption of role r changed: refresh required headroom up the path. */
void ac__role_quota_refresh(ac_core *c, uint32_t r);
/* Per kind, how much more of it r may get under its and its ancestors'
 * limits (INT64_MAX: unlimited). */
void ac__role_limit_room(const ac_core *c, uint32_t r, ac_vec *room);
/* Per kind, the largest unmet guarantee of r and its ancestors. */
void ac__role_guarantee_room(const ac_core *c, uint32_t r, ac_vec *room);
/* Adds (sign +1) or takes (-1) x's reserved groups to their roles' subtrees. */
void ac__role_reserved_change(ac_core *c, const ac_resources *x, int sign);

#endif

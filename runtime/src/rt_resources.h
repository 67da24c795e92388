/*
 * rt_resources.h — converts between Mesos's Resource messages and
 * alloccore's resource sets, so the master can hand the core exactly what a
 * framework or agent sent, and send offers back in Mesos's shape.
 */
#ifndef RT_RESOURCES_H
#define RT_RESOURCES_H

#include <jansson.h>
#include <stddef.h>

#include "alloccore/alloccore.h"
#include "mesos.pb-c.h"
#include "rt_util.h"

/* Parses resources into a set. Scalars (up to three decimals, as Mesos) and
 * ranges (only "ports") are understood; a role other than "*" (the role field
 * or the last reservation) reserves the entry. Returns 0, or an AC_E* code
 * with a message in err (sets, text values, negative or NaN amounts...). */
int rt_resources_from_pb(ac_core *core, Mesos__V1__Resource *const *res, size_t n, ac_resources *out, ac_err *err);

/* Builds Resource messages for a set, allocated in the arena. When
 * alloc_role is not NULL every entry carries allocation_info{role}. */
Mesos__V1__Resource **rt_resources_to_pb(const ac_core *core, const ac_resources *r, const char *alloc_role,
                                         rt_arena *a, size_t *n);

/* Canonical text of a set (ac_resources_format) in a caller buffer. */
const char *rt_resources_text(const ac_core *core, const ac_resources *r, char *buf, size_t len);

/* Mesos's v0 resource map ("model" object) of a set, as /master/state and
 * the agent's /slave(1)/state write them: cpus, gpus, mem, disk always
 * there (0 when absent), other scalars summed, ranges as "[b-e, b-e]". */
json_t *rt_resources_model(const ac_core *core, const ac_resources *r);
/* Mesos's `unreserved_resources` (the map of r's unreserved part) and
 * `reserved_resources` (reservation role → map of that role's part) of
 * an agent's state. */
json_t *rt_resources_model_unreserved(const ac_core *core, const ac_resources *r);
json_t *rt_resources_model_reserved(const ac_core *core, const ac_resources *r);
/* Mesos's `reserved_resources_full`: reservation role (the last
 * `reservations` entry's, else `role`) -> those of res that are reserved,
 * as Resource JSON (persistent volumes with their disk.persistence). */
json_t *rt_resources_full(Mesos__V1__Resource *const *res, size_t n);
/* An empty map (the four scalars at 0), and a set added to one. */
json_t *rt_resources_model_new(void);
void rt_resources_model_add(const ac_core *core, json_t *map, const ac_resources *r);

#endif

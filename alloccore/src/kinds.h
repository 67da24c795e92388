/*
 * kinds.h — the registry of scalar kind names of a core: cpus, mem, disk,
 * gpus at indices 0-3, then names as resource text first uses them, up to
 * AC_KINDS (ac_kind_name in alloccore.h reads it). Sits just above
 * state.h, which its header does not need to show: restext.c uses it.
 */
#ifndef ALLOCCORE_KINDS_H
#define ALLOCCORE_KINDS_H

#include <stddef.h>

#include "alloccore/alloccore.h"

/* Registers the four fixed kinds. 0 or AC_ENOMEM. */
int ac__kinds_init(ac_core *c);
void ac__kinds_fini(ac_core *c);
/* Kind index of a scalar name of len bytes, or -1 when not registered. */
int ac__kind_find(const ac_core *c, const char *name, size_t len);
/* Number of registered kinds (AC_FIXED_KINDS..AC_KINDS). */
int ac__kind_count(const ac_core *c);
/* Registers a new scalar kind (the caller checked it is new); its index
 * into *k. 0, AC_ENOSPC (AC_KINDS already) or AC_ENOMEM. */
int ac__kind_add(ac_core *c, const char *name, size_t len, int *k);

#endif

/*
 * names.h — the core's registries of scalar kind names and role names, as
 * seen by the resource text parser and printer (restext.c).
 */
#ifndef ALLOCCORE_NAMES_H
#define ALLOCCORE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "alloccore/alloccore.h"

/* Kind index of a scalar name of len bytes, or -1 when not registered. */
int core_kind_find(const ac_core *core, const char *name, size_t len);
/* Number of registered kinds (AC_FIXED_KINDS..AC_KINDS). */
int core_kind_count(const ac_core *core);
/* Registers a new scalar kind; the caller checked it is new and fits.
 * Returns its index, or AC_ENOSPC / AC_ENOMEM. */
int core_kind_add(ac_core *core, const char *name, size_t len);

/* Checks a role path of len bytes; returns 0 or AC_EINVAL with a message. */
int role_name_check(const char *name, size_t len, ac_err *err);
/* Id of a role of len bytes, or -1 when it does not exist. "*" is always
 * role 0, which is also the role of unreserved resources. */
int64_t core_role_find(const ac_core *core, const char *name, size_t len);
/* Interns a role of len bytes whose name was checked; returns its id or
 * AC_ENOMEM. */
int64_t core_role_intern_n(ac_core *core, const char *name, size_t len);

#endif

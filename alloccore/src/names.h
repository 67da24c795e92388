/*
 * names.h — names as the core keeps them: the checks an agent or framework
 * name must pass, the hash that spreads names over a table, and the name
 * index that finds an agent or a framework by name (a hash map from the
 * name's hash to the first slot of a chain threaded through the records).
 * Sits just above state.h; knows no record type: the caller says how to
 * reach a slot's name and chain link.
 */
#ifndef ALLOCCORE_NAMES_H
#define ALLOCCORE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

/* strdup and strndup are POSIX, not C11: a copy of s (of s[0..len)),
 * NULL when out of memory, as malloc. */
char *ac__str_dup(const char *s);
char *ac__str_dup_n(const char *s, size_t len);
/* FNV-1a of s[0..len), never AC__HMAP_EMPTY. */
uint64_t ac__name_hash(const char *s, size_t len);
/* Checks an agent or framework name (what: "agent", "framework"): not
 * empty, at most 1024 bytes, no control bytes. 0 or AC_EINVAL. */
int ac__name_check(const char *what, const char *name, ac_err *err);

/* How a name index reaches the records it chains. */
typedef uint32_t *(*ac__next_of_fn)(ac_core *c, uint32_t slot);
typedef const char *(*ac__name_of_fn)(const ac_core *c, uint32_t slot);

/* The slot named `name` in index m, or 0. */
uint32_t ac__names_find(const ac_core *c, const hmap *m, ac__name_of_fn name_of, ac__next_of_fn next_of,
                        const char *name);
/* Adds slot under name (not yet present). 0 or AC_ENOMEM. */
int ac__names_add(ac_core *c, hmap *m, ac__next_of_fn next_of, const char *name, uint32_t slot);
/* Removes slot, present under name. */
void ac__names_del(ac_core *c, hmap *m, ac__next_of_fn next_of, const char *name, uint32_t slot);

#endif

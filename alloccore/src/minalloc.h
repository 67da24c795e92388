/*
 * minalloc.h — the minimum-allocatable rule (Mesos's
 * --min_allocatable_resources): its form and the check on the offer path.
 * restext.c parses it from text. The bottom layer: it knows nothing of a
 * core.
 */
#ifndef ALLOCCORE_MINALLOC_H
#define ALLOCCORE_MINALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "alloccore/alloccore.h"

#define AC_MAX_MINSETS 8

/* Sets joined by '|': resources are allocatable when they hold at least one
 * set whole (every kind the set names, summed over all groups). nsets == 0
 * means anything non-empty is allocatable. */
typedef struct ac_minalloc {
	uint32_t nsets;
	ac_vec set[AC_MAX_MINSETS];
	uint32_t mask[AC_MAX_MINSETS]; /* bit k: the set names kind k */
	bool single;                   /* every set names one kind: kind[s] */
	uint8_t kind[AC_MAX_MINSETS];
} ac_minalloc;

/* The check on resources known to be non-empty. */
static inline bool ac__minalloc_sets_ok(const ac_minalloc *m, const ac_vec *sum)
{
	if (m->nsets == 0)
		return true;
	/* the default (cpus:0.01|mem:32) and most rules: one kind a set */
	if (m->single) {
		for (uint32_t s = 0; s < m->nsets; s++)
			if (sum->v[m->kind[s]] >= m->set[s].v[m->kind[s]])
				return true;
		return false;
	}
	for (uint32_t s = 0; s < m->nsets; s++) {
		bool ok = true;
		/* only the kinds the set names (usually one) */
		for (uint32_t b = m->mask[s]; b && ok; b &= b - 1) {
			int k = __builtin_ctz(b);
			ok = sum->v[k] >= m->set[s].v[k];
		}
		if (ok)
			return true;
	}
	return false;
}

/* The check: `sum` is the scalars of all groups, `ports` the port count.
 * Empty resources are never allocatable. */
static inline bool ac__minalloc_ok(const ac_minalloc *m, const ac_vec *sum, uint64_t ports)
{
	if (!ac_vec_any_positive(sum) && ports == 0)
		return false;
	return ac__minalloc_sets_ok(m, sum);
}

#endif

/*
 * policy.h — the orderings a core can use (drf, priority, asset, random):
 * each turns a sort client's held resources into a key (sortkey, state.h)
 * and compares two keys exactly. Weights are part of the key. Sits just
 * above state.h; order.c keeps clients sorted with it.
 */
#ifndef ALLOCCORE_POLICY_H
#define ALLOCCORE_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

struct policy {
	const char *name;
	void (*key)(const ac_core *c, const client *cl, sortkey *k);
	int (*cmp)(const ac_core *c, const sortkey *a, const sortkey *b);
	bool per_agent_shuffle; /* keys are drawn anew for every agent (random) */
};

/* The policy of that name, or NULL. */
const struct policy *ac__policy_find(const char *name);
/* The cluster totals changed: every key is stale (keys_dirty). */
void ac__policy_totals_changed(ac_core *c);
/* Compares clients a and b by their cached keys, then allocation count,
 * then name: never 0 for two different clients. */
int ac__client_cmp(const ac_core *c, uint32_t a, uint32_t b);
/* The dominant share of held in the cluster, as a double (for reports). */
double ac__share_of(const ac_core *c, const ac_vec *held);
/* A caller's weight (0.001 to 1000000) in thousandths. 0 or AC_ERANGE. */
int ac__weight_from_double(double w, uint32_t *out, ac_err *err);

#endif

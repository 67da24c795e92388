/*
 * policy.h — the core's side of the policy API (alloccore/policy.h): the
 * policy in use (core->pol) and the view its callbacks see (core->view),
 * the comparison of sort clients by its keys with the core's tie-breaks,
 * and the requests it makes during a pass. Sits just above state.h;
 * order.c keeps clients sorted with it. The built-in policies: builtin.c.
 */
#ifndef ALLOCCORE_POLICY_H_PRIVATE
#define ALLOCCORE_POLICY_H_PRIVATE

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "drf.h"
#include "state.h"

/* Makes p the core's policy (checked by the caller: ac_policy_check). */
void ac__policy_install(ac_core *c, const ac_policy *p);
/* Destroys the policy's state; frees the request lists. */
void ac__policy_fini(ac_core *c);
/* The cluster totals changed: every key is stale (keys_dirty). */
void ac__policy_totals_changed(ac_core *c);
/* After a pass: the policy's preempt callback, then the caller's hook for
 * each request it made. */
void ac__policy_preempt(ac_core *c);
/* Records a contract breach of the policy's (fmt takes two longs); returns
 * AC_EINVAL. The pass in progress fails with c->pol_err. */
int ac__policy_breach(ac_core *c, const char *fmt, long a, long b);
/* Compares clients a and b by their cached keys, then allocation count,
 * then name: never 0 for two different clients. Inline, with the built-in
 * DRF and priority comparisons inline too (drf.h): a pass makes several
 * per offer. */
static inline __attribute__((always_inline)) int ac__client_cmp(const ac_core *c, uint32_t ia, uint32_t ib)
{
	const client *a = CLIENT(c, ia), *b = CLIENT(c, ib);
	int r = c->pol.cmp == ac__drf_cmp        ? ac__drf_cmp_keys(&a->key.pk, &b->key.pk)
	        : c->pol.cmp == ac__priority_cmp ? ac__priority_cmp_keys(&a->key.pk, &b->key.pk)
	                                         : c->pol.cmp(c->pol.state, &a->key.pk, &b->key.pk);
	if (r)
		return r;
	if (a->key.count != b->key.count)
		return a->key.count < b->key.count ? -1 : 1;
	if (a->name_key != b->name_key)
		return a->name_key < b->name_key ? -1 : 1;
	return strcmp(a->pub.name, b->pub.name);
}
/* The dominant share of held in the cluster, as a double (for reports). */
double ac__share_of(const ac_core *c, const ac_vec *held);
/* A caller's weight (0.001 to 1000000) in thousandths. 0 or AC_ERANGE. */
int ac__weight_from_double(double w, uint32_t *out, ac_err *err);

#endif

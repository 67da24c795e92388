/*
 * preempt_once.c — a test policy module: DRF-free (every key equal) and,
 * once, as soon as two frameworks are known and the first holds something,
 * it asks that the first give all it holds on one agent back, for the
 * second. test_policy_preempt.sh runs it in meso-master to see the
 * preemption carried out (a KILL_TASK with the grace period).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "alloccore/policy.h"

typedef struct once {
	bool done;
} once;

static void key(void *st, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	(void)st, (void)v, (void)cl;
	k->u[0] = 0;
}

static int cmp(void *st, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)st, (void)a, (void)b;
	return 0;
}

static void preempt(void *state, const ac_policy_view *v)
{
	once *st = state;
	size_t n;
	const ac_policy_client *const *fws = v->frameworks(v, &n);
	ac_policy_alloc al;
	if (st->done || n < 2 || v->allocations(v, fws[0]->fw, &al, 1) == 0)
		return;
	if (v->preempt(v, fws[0]->fw, al.agent, &al.scalars, fws[1]->fw) == 0)
		st->done = true;
}

static int create(const char *args, ac_policy *out, ac_err *err)
{
	(void)args, (void)err;
	once *st = calloc(1, sizeof *st);
	if (!st)
		return AC_ENOMEM;
	*out = (ac_policy){.api_version = AC_POLICY_API_VERSION,
	                   .name = "preempt_once",
	                   .state = st,
	                   .key = key,
	                   .cmp = cmp,
	                   .preempt = preempt,
	                   .destroy = free};
	return 0;
}

AC_POLICY_EXPORT const ac_policy_module *meso_policy_module(void)
{
	static const ac_policy_module m = {AC_POLICY_API_VERSION, "preempt_once", create};
	return &m;
}

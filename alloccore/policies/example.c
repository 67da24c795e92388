/*
 * example.c — the smallest useful policy module (alloccore/README.md,
 * "Policy modules"): frameworks named in ARGS are served in that order,
 * before every other; the rest, and roles, tie (the core then serves
 * fewer allocations first, then the smaller name).
 *   --policy module:build/alloccore/policies/example.so:fw-b,fw-a
 */
#include <stdlib.h>
#include <string.h>

#include "alloccore/policy.h"

typedef struct named {
	char *list; /* ",a,b," for a search by ",NAME," */
} named;

static void key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	const named *st = state;
	(void)v;
	size_t len = strlen(cl->name);
	k->u[0] = UINT64_MAX; /* not named: after all named ones */
	if (cl->kind != AC_CLIENT_FRAMEWORK)
		return;
	for (const char *p = st->list; (p = strstr(p, cl->name)); p++)
		if (p > st->list && p[-1] == ',' && p[len] == ',') {
			k->u[0] = (uint64_t)(p - st->list);
			return;
		}
}

static int cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	return a->u[0] < b->u[0] ? -1 : a->u[0] > b->u[0];
}

static void destroy(void *state)
{
	named *st = state;
	free(st->list);
	free(st);
}

static int create(const char *args, ac_policy *out, ac_err *err)
{
	size_t n = strlen(args);
	if (!n || args[0] == ',' || args[n - 1] == ',' || strstr(args, ",,")) {
		strcpy(err->msg, "expected framework names separated by commas (NAME[,NAME...])");
		return err->code = AC_EINVAL;
	}
	named *st = malloc(sizeof *st);
	if (!st || !(st->list = malloc(n + 3))) {
		free(st);
		return err->code = AC_ENOMEM;
	}
	st->list[0] = ',';
	memcpy(st->list + 1, args, n);
	strcpy(st->list + 1 + n, ",");
	*out = (ac_policy){.api_version = AC_POLICY_API_VERSION,
	                   .name = "example",
	                   .state = st,
	                   .key = key,
	                   .cmp = cmp,
	                   .destroy = destroy};
	return 0;
}

AC_POLICY_EXPORT const ac_policy_module *meso_policy_module(void)
{
	static const ac_policy_module m = {AC_POLICY_API_VERSION, "example", create};
	return &m;
}

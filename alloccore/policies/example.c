/*
 * example.c — the smallest useful policy module (alloccore/README.md,
 * "Policy modules"): frameworks whose name ends with an entry of ARGS are
 * served in the order of the entries, before every other; the rest, and
 * roles, tie (the core then serves fewer allocations first, then the
 * smaller name). In meso-master a framework's name in the allocator is its
 * id, so "-0001" picks the second framework to subscribe.
 *   --policy module:build/alloccore/policies/example.so:fw-b,fw-a
 */
#include <stdlib.h>
#include <string.h>

#include "alloccore/policy.h"

typedef struct named {
	char *list; /* the entries, each ended by a NUL */
	size_t n;
} named;

static bool ends_with(const char *name, const char *tail)
{
	size_t a = strlen(name), b = strlen(tail);
	return a >= b && !memcmp(name + a - b, tail, b);
}

static void key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	const named *st = state;
	(void)v;
	k->u[0] = UINT64_MAX; /* not named: after all named ones */
	if (cl->kind != AC_CLIENT_FRAMEWORK)
		return;
	const char *e = st->list;
	for (size_t i = 0; i < st->n; i++, e += strlen(e) + 1)
		if (ends_with(cl->name, e)) {
			k->u[0] = i;
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
	size_t len = strlen(args);
	if (!len || args[0] == ',' || args[len - 1] == ',' || strstr(args, ",,")) {
		strcpy(err->msg, "expected framework names separated by commas (NAME[,NAME...])");
		return err->code = AC_EINVAL;
	}
	named *st = malloc(sizeof *st);
	if (!st || !(st->list = malloc(len + 1))) {
		free(st);
		return err->code = AC_ENOMEM;
	}
	memcpy(st->list, args, len + 1);
	st->n = 1;
	for (char *p = st->list; (p = strchr(p, ',')); st->n++)
		*p++ = 0;
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

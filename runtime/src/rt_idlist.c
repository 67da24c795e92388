/*
 * rt_idlist.c — see rt_idlist.h. A linear scan: lookups happen when a
 * framework subscribes or an agent re-registers, not on the offer path.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_idlist.h"
#include "rt_util.h"

void rt_idlist_init(rt_idlist *l, size_t max)
{
	l->ids = NULL;
	l->n = 0;
	l->max = max ? max : 1;
}

void rt_idlist_add(rt_idlist *l, const char *id)
{
	if (l->n == l->max) {
		free(l->ids[0]);
		memmove(l->ids, l->ids + 1, (l->n - 1) * sizeof *l->ids);
		l->n--;
	}
	char **p = realloc(l->ids, (l->n + 1) * sizeof *p);
	if (!p)
		abort();
	p[l->n++] = rt_xstrdup(id);
	l->ids = p;
}

bool rt_idlist_has(const rt_idlist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->ids[i], id) == 0)
			return true;
	return false;
}

void rt_idlist_free(rt_idlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ids[i]);
	free(l->ids);
	l->ids = NULL;
	l->n = 0;
}

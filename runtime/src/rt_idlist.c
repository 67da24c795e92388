/*
 * rt_idlist.c — see rt_idlist.h. The ids live in entries that sit both in a
 * ring (arrival order, for forgetting the oldest) and in a uthash map (for
 * the lookups every re-registration and re-subscription makes).
 */
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "rt_idlist.h"
#include "rt_util.h"

struct rt_idlist_entry {
	UT_hash_handle hh;
	char *id;
	bool in_map; /* false once a newer copy of the id took its place */
};

void rt_idlist_init(rt_idlist *l, size_t max)
{
	memset(l, 0, sizeof *l);
	l->max = max ? max : 1;
}

void rt_idlist_add(rt_idlist *l, const char *id)
{
	if (!l->ring)
		l->ring = rt_xcalloc(l->max, sizeof *l->ring);
	if (l->n == l->max) {
		rt_idlist_entry *old = l->ring[l->first];
		if (old->in_map)
			HASH_DELETE(hh, l->by_id, old);
		free(old->id);
		free(old);
		l->first = (l->first + 1) % l->max;
		l->n--;
	}
	rt_idlist_entry *e = rt_xcalloc(1, sizeof *e);
	e->id = rt_xstrdup(id);
	/* A repeated id keeps one map entry (the newer); the older stays in
	 * the ring until its turn to be forgotten. */
	rt_idlist_entry *dup;
	HASH_FIND_STR(l->by_id, id, dup);
	if (dup) {
		HASH_DELETE(hh, l->by_id, dup);
		dup->in_map = false;
	}
	HASH_ADD_KEYPTR(hh, l->by_id, e->id, strlen(e->id), e);
	e->in_map = true;
	l->ring[(l->first + l->n) % l->max] = e;
	l->n++;
}

bool rt_idlist_has(const rt_idlist *l, const char *id)
{
	rt_idlist_entry *e;
	HASH_FIND_STR(l->by_id, id, e);
	return e != NULL;
}

const char *rt_idlist_at(const rt_idlist *l, size_t i)
{
	return i < l->n ? l->ring[(l->first + i) % l->max]->id : NULL;
}

void rt_idlist_free(rt_idlist *l)
{
	HASH_CLEAR(hh, l->by_id);
	for (size_t i = 0; i < l->n; i++) {
		rt_idlist_entry *e = l->ring[(l->first + i) % l->max];
		free(e->id);
		free(e);
	}
	free(l->ring);
	size_t max = l->max;
	rt_idlist_init(l, max);
}

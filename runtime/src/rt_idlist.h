/*
 * rt_idlist.h — a bounded list of ids remembered in order of arrival: once
 * it holds `max`, adding one forgets the oldest. The master keeps the ids of
 * removed frameworks and agents in them, to refuse their return and kill
 * what they left running, in memory that does not grow with uptime. Adding
 * and looking up take O(1) (a ring of the ids and a hash map over them).
 */
#ifndef RT_IDLIST_H
#define RT_IDLIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rt_idlist_entry rt_idlist_entry;

typedef struct rt_idlist {
	rt_idlist_entry **ring; /* max slots; the oldest at ring[first] */
	rt_idlist_entry *by_id; /* the same entries by id */
	size_t first, n, max;
} rt_idlist;

/* An empty list that keeps at most max ids (max >= 1). */
void rt_idlist_init(rt_idlist *l, size_t max);
/* Appends a copy of id, forgetting the oldest when full (aborts when out
 * of memory, as the runtime's other small copies do). */
void rt_idlist_add(rt_idlist *l, const char *id);
bool rt_idlist_has(const rt_idlist *l, const char *id);
/* The i-th oldest id (i < n). */
const char *rt_idlist_at(const rt_idlist *l, size_t i);
void rt_idlist_free(rt_idlist *l);

#endif

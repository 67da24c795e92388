/*
 * rt_idlist.h — a bounded list of ids remembered in order of arrival: once
 * it holds `max`, adding one forgets the oldest. The master keeps the ids of
 * removed frameworks and agents in them, to refuse their return and kill
 * what they left running, in memory that does not grow with uptime.
 */
#ifndef RT_IDLIST_H
#define RT_IDLIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rt_idlist {
	char **ids; /* oldest first */
	size_t n, max;
} rt_idlist;

/* An empty list that keeps at most max ids (max >= 1). */
void rt_idlist_init(rt_idlist *l, size_t max);
/* Appends a copy of id, forgetting the oldest when full (aborts when out
 * of memory, as the runtime's other small copies do). */
void rt_idlist_add(rt_idlist *l, const char *id);
bool rt_idlist_has(const rt_idlist *l, const char *id);
void rt_idlist_free(rt_idlist *l);

#endif

/*
 * rt_lag.h — how long a libev loop was too busy to listen. Each iteration
 * whose callbacks held the loop for longer than a threshold is recorded as
 * a busy stretch, so that a peer's silence can be judged net of the time
 * the program itself could not have heard it: the master does not blame
 * an agent for heartbeats that waited in a socket while it served a flood.
 */
#ifndef RT_LAG_H
#define RT_LAG_H

#include <ev.h>
#include <stdint.h>

typedef struct rt_lag rt_lag;

/* Watches loop (an ev_check at the highest priority notes when callbacks
 * start, an ev_prepare when they are done; neither keeps the loop alive).
 * loop NULL: nothing is watched and stretches come only from rt_lag_record
 * (the unit tests). */
rt_lag *rt_lag_create(struct ev_loop *loop, double threshold_s);
void rt_lag_destroy(rt_lag *l);

/* Records a busy stretch [start_ns, end_ns) of rt_mono_ns time. */
void rt_lag_record(rt_lag *l, int64_t start_ns, int64_t end_ns);

/* Nanoseconds of recorded busy time after since_ns. The last 1024
 * stretches are kept; older ones no longer count (at a 50 ms threshold
 * that is at least 51 s of back-to-back stalls). l NULL: 0. */
int64_t rt_lag_busy_since(const rt_lag *l, int64_t since_ns);

typedef struct rt_lag_stats {
	uint64_t stalls;    /* busy stretches recorded */
	int64_t longest_ns; /* the longest one */
	int64_t total_ns;   /* all of them together */
} rt_lag_stats;
void rt_lag_stats_get(const rt_lag *l, rt_lag_stats *out);

#endif

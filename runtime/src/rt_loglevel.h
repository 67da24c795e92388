/*
 * rt_loglevel.h — Mesos's logging level at run time (the operator APIs'
 * GET_LOGGING_LEVEL and SET_LOGGING_LEVEL, libprocess's /logging/toggle):
 * a glog verbosity set for a while, then back. Meso logs by severity, so
 * verbosity 0 is the level the program started with (--log_level) and any
 * higher verbosity also prints debug lines, until the duration ends.
 */
#ifndef RT_LOGLEVEL_H
#define RT_LOGLEVEL_H

#include <ev.h>
#include <stddef.h>

typedef struct rt_loglevel {
	struct ev_loop *loop;
	ev_timer revert;
	int base;           /* the severity at start (RT_DEBUG ... RT_ERROR) */
	unsigned verbosity; /* 0 while at base */
} rt_loglevel;

/* Remembers the current severity (rt_log_init's) as the base. */
void rt_loglevel_init(rt_loglevel *l, struct ev_loop *loop);
/* Verbosity `level` for `seconds` (> 0), then back to 0; 0 reverts now.
 * 0, or 400 with why (a non-positive or non-finite duration). */
int rt_loglevel_set(rt_loglevel *l, unsigned level, double seconds, char *why, size_t len);
unsigned rt_loglevel_get(const rt_loglevel *l);
/* Stops the timer (the program is stopping). */
void rt_loglevel_stop(rt_loglevel *l);

#endif

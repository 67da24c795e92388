/*
 * rt_loglevel.c — a verbosity for a while, then back (rt_loglevel.h).
 */
#include "rt_loglevel.h"

#include <math.h>
#include <stdio.h>

#include "rt_util.h"

static void apply(rt_loglevel *l)
{
	rt_log_set_level(l->verbosity > 0 ? RT_DEBUG : l->base);
}

static void revert_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	rt_loglevel *l = w->data;
	l->verbosity = 0;
	apply(l);
	rt_log(RT_INFO, "logging level back to verbosity 0");
}

void rt_loglevel_init(rt_loglevel *l, struct ev_loop *loop)
{
	l->loop = loop;
	l->base = rt_log_get_level();
	l->verbosity = 0;
	ev_timer_init(&l->revert, revert_cb, 0., 0.);
	l->revert.data = l;
}

int rt_loglevel_set(rt_loglevel *l, unsigned level, double seconds, char *why, size_t len)
{
	if (level > 0 && (!isfinite(seconds) || seconds <= 0)) {
		snprintf(why, len, "Invalid duration: it must be positive");
		return 400;
	}
	if (l->loop)
		ev_timer_stop(l->loop, &l->revert);
	l->verbosity = level;
	apply(l);
	rt_log(RT_INFO, "logging level set to verbosity %u%s", level, level ? " (debug lines on)" : "");
	if (level > 0 && l->loop) {
		ev_timer_set(&l->revert, seconds, 0.);
		ev_timer_start(l->loop, &l->revert);
	}
	return 0;
}

unsigned rt_loglevel_get(const rt_loglevel *l)
{
	return l->verbosity;
}

void rt_loglevel_stop(rt_loglevel *l)
{
	if (l->loop)
		ev_timer_stop(l->loop, &l->revert);
}

/*
 * rt_lag.c — the busy-loop record of rt_lag.h: a ring of the last busy
 * stretches with running totals, searched by time.
 */
#include "rt_lag.h"

#include <stdlib.h>

#include "rt_util.h"

#define RING 1024

typedef struct stretch {
	int64_t start, end;
	int64_t busy_before; /* total busy time recorded before this stretch */
} stretch;

struct rt_lag {
	struct ev_loop *loop;
	ev_check check;
	ev_prepare prepare;
	int64_t threshold_ns;
	int64_t woke_ns; /* when this iteration's callbacks started; 0: not yet */
	stretch ring[RING];
	uint64_t n; /* stretches recorded; ring[(n - 1) % RING] is the newest */
	int64_t total_ns, longest_ns;
};

static void check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	rt_lag *l = w->data;
	l->woke_ns = rt_mono_ns();
}

static void prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	rt_lag *l = w->data;
	if (!l->woke_ns)
		return;
	int64_t now = rt_mono_ns();
	if (now - l->woke_ns >= l->threshold_ns)
		rt_lag_record(l, l->woke_ns, now);
	l->woke_ns = 0;
}

rt_lag *rt_lag_create(struct ev_loop *loop, double threshold_s)
{
	rt_lag *l = rt_xcalloc(1, sizeof *l);
	l->loop = loop;
	l->threshold_ns = (int64_t)(threshold_s * 1e9);
	if (!loop)
		return l;
	ev_check_init(&l->check, check_cb);
	ev_prepare_init(&l->prepare, prepare_cb);
	/* First among the callbacks of an iteration, so the stretch covers all. */
	ev_set_priority(&l->check, EV_MAXPRI);
	l->check.data = l->prepare.data = l;
	ev_check_start(loop, &l->check);
	ev_prepare_start(loop, &l->prepare);
	ev_unref(loop);
	ev_unref(loop);
	return l;
}

void rt_lag_destroy(rt_lag *l)
{
	if (!l)
		return;
	if (l->loop) {
		ev_ref(l->loop);
		ev_ref(l->loop);
		ev_check_stop(l->loop, &l->check);
		ev_prepare_stop(l->loop, &l->prepare);
	}
	free(l);
}

void rt_lag_record(rt_lag *l, int64_t start_ns, int64_t end_ns)
{
	if (end_ns <= start_ns)
		return;
	stretch *s = &l->ring[l->n % RING];
	s->start = start_ns;
	s->end = end_ns;
	s->busy_before = l->total_ns;
	l->n++;
	l->total_ns += end_ns - start_ns;
	if (end_ns - start_ns > l->longest_ns)
		l->longest_ns = end_ns - start_ns;
}

int64_t rt_lag_busy_since(const rt_lag *l, int64_t since_ns)
{
	if (!l || !l->n)
		return 0;
	/* The stretches are in time order: find the oldest kept one that
	 * ends after since_ns; everything from it on counts, less the part
	 * of it before since_ns. */
	uint64_t lo = l->n > RING ? l->n - RING : 0, hi = l->n;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (l->ring[mid % RING].end > since_ns)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo == l->n)
		return 0;
	const stretch *s = &l->ring[lo % RING];
	int64_t busy = l->total_ns - s->busy_before;
	if (since_ns > s->start)
		busy -= since_ns - s->start;
	return busy;
}

void rt_lag_stats_get(const rt_lag *l, rt_lag_stats *out)
{
	out->stalls = l ? l->n : 0;
	out->longest_ns = l ? l->longest_ns : 0;
	out->total_ns = l ? l->total_ns : 0;
}

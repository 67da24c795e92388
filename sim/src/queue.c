/*
 * queue.c — a 4-ary heap of sim_event ordered by (time, seq). Sift-up and
 * sift-down move a hole instead of swapping, so each level costs one copy;
 * four children a node halve the levels of a binary heap, and the four sit
 * in two cache lines (a pop on a heap of a hundred thousand task ends was
 * a tenth of a replay).
 */
#include <stdlib.h>

#include "queue.h"

static inline bool before(const sim_event *x, const sim_event *y)
{
	return x->time_ns < y->time_ns || (x->time_ns == y->time_ns && x->seq < y->seq);
}

void sim__queue_init(sim_queue *q)
{
	q->heap = NULL;
	q->n = q->cap = 0;
	q->ring = NULL;
	q->rhead = q->rn = q->rcap = 0;
	q->now = INT64_MIN;
	q->next_seq = 0;
}

void sim__queue_free(sim_queue *q)
{
	free(q->heap);
	free(q->ring);
	sim__queue_init(q);
}

static int ring_push(sim_queue *q, const sim_event *e)
{
	if (q->rn == q->rcap) {
		size_t cap = q->rcap ? q->rcap * 2 : 1024;
		sim_event *r = malloc(cap * sizeof *r);
		if (!r)
			return -1;
		for (size_t i = 0; i < q->rn; i++)
			r[i] = q->ring[(q->rhead + i) % q->rcap];
		free(q->ring);
		q->ring = r;
		q->rhead = 0;
		q->rcap = cap;
	}
	q->ring[(q->rhead + q->rn++) % q->rcap] = *e;
	return 0;
}

int sim__queue_push(sim_queue *q, int64_t time_ns, uint32_t kind, uint32_t a, uint64_t b)
{
	if (time_ns == q->now) {
		/* Every event already queued for `now` has a smaller sequence
		 * number, so appending keeps the order. */
		sim_event e = {time_ns, q->next_seq, kind, a, b};
		if (ring_push(q, &e))
			return -1;
		q->next_seq++;
		return 0;
	}
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 1024;
		sim_event *h = realloc(q->heap, cap * sizeof *h);
		if (!h)
			return -1;
		q->heap = h;
		q->cap = cap;
	}
	sim_event e = {time_ns, q->next_seq++, kind, a, b};
	size_t i = q->n++;
	while (i > 0) {
		size_t p = (i - 1) / 4;
		if (!before(&e, &q->heap[p]))
			break;
		q->heap[i] = q->heap[p];
		i = p;
	}
	q->heap[i] = e;
	return 0;
}

bool sim__queue_pop(sim_queue *q, sim_event *out)
{
	const sim_event *top = sim__queue_peek(q);
	if (!top)
		return false;
	if (q->rn && top == &q->ring[q->rhead]) {
		*out = *top;
		q->rhead = (q->rhead + 1) % q->rcap;
		q->rn--;
		q->now = out->time_ns;
		return true;
	}
	*out = q->heap[0];
	q->now = out->time_ns;
	sim_event last = q->heap[--q->n];
	size_t n = q->n, i = 0;
	for (;;) {
		size_t c = 4 * i + 1;
		if (c >= n)
			break;
		/* the least of up to four children */
		size_t end = c + 4 < n ? c + 4 : n, m = c;
		for (size_t k = c + 1; k < end; k++)
			if (before(&q->heap[k], &q->heap[m]))
				m = k;
		if (!before(&q->heap[m], &last))
			break;
		q->heap[i] = q->heap[m];
		i = m;
	}
	if (n)
		q->heap[i] = last;
	return true;
}

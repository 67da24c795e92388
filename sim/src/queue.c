/*
 * queue.c — binary heap of sim_event ordered by (time, seq). Sift-up and
 * sift-down move a hole instead of swapping, so each level costs one copy.
 */
#include <stdlib.h>

#include "queue.h"

static inline bool before(const sim_event *x, const sim_event *y)
{
	return x->time_ns < y->time_ns || (x->time_ns == y->time_ns && x->seq < y->seq);
}

void sim_queue_init(sim_queue *q)
{
	q->heap = NULL;
	q->n = q->cap = 0;
	q->next_seq = 0;
}

void sim_queue_free(sim_queue *q)
{
	free(q->heap);
	sim_queue_init(q);
}

int sim_queue_push(sim_queue *q, int64_t time_ns, uint32_t kind, uint32_t a, uint64_t b)
{
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
		size_t p = (i - 1) / 2;
		if (!before(&e, &q->heap[p]))
			break;
		q->heap[i] = q->heap[p];
		i = p;
	}
	q->heap[i] = e;
	return 0;
}

bool sim_queue_pop(sim_queue *q, sim_event *out)
{
	if (q->n == 0)
		return false;
	*out = q->heap[0];
	sim_event last = q->heap[--q->n];
	size_t n = q->n, i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(&q->heap[c + 1], &q->heap[c]))
			c++;
		if (!before(&q->heap[c], &last))
			break;
		q->heap[i] = q->heap[c];
		i = c;
	}
	if (n)
		q->heap[i] = last;
	return true;
}

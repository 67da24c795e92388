/*
 * queue.c — the event queue as a radix heap (Ahuja, Mehlhorn, Orlin and
 * Tarjan): an event waits in the bucket of the highest bit in which its time
 * differs from `now`, and moves to a lower bucket only when every lower one
 * is empty, its bucket's earliest time becomes `now` and the bucket is
 * redistributed. A 4-ary heap's pop walked a hundred thousand scattered
 * task ends (memory stalls, a tenth of a replay); here events are appended
 * to and read from chunks in order, a few times each.
 *
 * Ties: a bucket's events are in sequence order. A push appends the largest
 * sequence number yet; a redistribution empties the lowest non-empty bucket
 * in order into lower ones, which were empty. So bucket 0 — the events at
 * `now` — pops from its head in (time, sequence) order.
 */
#include <assert.h>
#include <stdlib.h>

#include "queue.h"

void sim__queue_init(sim_queue *q)
{
	for (int i = 0; i < SIM_QUEUE_BUCKETS; i++)
		q->b[i] = (sim_bucket){NULL, NULL, 0, 0, 0, NULL, 0};
	q->used = 0;
	q->n = 0;
	q->now = INT64_MIN;
	q->next_seq = 0;
	q->spare = NULL;
	q->nspare = 0;
}

static void chunks_free(sim_chunk *c)
{
	while (c) {
		sim_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void sim__queue_free(sim_queue *q)
{
	for (int i = 0; i < SIM_QUEUE_BUCKETS; i++)
		chunks_free(q->b[i].head);
	chunks_free(q->spare);
	sim__queue_init(q);
}

/* The bucket of time t when the clock is at `now` (t >= now): 0 for t ==
 * now, else one more than the highest bit in which they differ. Signed
 * times order as their two's complement with the sign bit flipped, and the
 * flip cancels in the XOR. */
static inline unsigned bucket_of(int64_t t, int64_t now)
{
	uint64_t x = (uint64_t)t ^ (uint64_t)now;
	return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

/* Keeps at least k chunks spare; 0 or -1 (out of memory). */
static int spare_reserve(sim_queue *q, size_t k)
{
	while (q->nspare < k) {
		sim_chunk *c = malloc(sizeof *c);
		if (!c)
			return -1;
		c->next = q->spare;
		q->spare = c;
		q->nspare++;
	}
	return 0;
}

static inline void spare_put(sim_queue *q, sim_chunk *c)
{
	c->next = q->spare;
	q->spare = c;
	q->nspare++;
}

/* Appends e to bucket i; a new tail chunk comes from the spares, which hold
 * one (the caller made sure). */
static inline void append(sim_queue *q, unsigned i, const sim_event *e)
{
	sim_bucket *b = &q->b[i];
	if (!b->tail || b->tail_n == SIM_CHUNK_EVENTS) {
		assert(q->spare);
		sim_chunk *c = q->spare;
		q->spare = c->next;
		q->nspare--;
		c->next = NULL;
		if (b->tail)
			b->tail->next = c;
		else
			b->head = c;
		b->tail = c;
		b->tail_n = 0;
	}
	sim_event *slot = &b->tail->ev[b->tail_n++];
	*slot = *e;
	/* the first of equal times is the smallest sequence */
	if (b->n++ == 0 || e->time_ns < b->min_ns) {
		b->min = slot;
		b->min_ns = e->time_ns;
	}
}

int sim__queue_push(sim_queue *q, int64_t time_ns, uint32_t kind, uint32_t a, uint64_t b)
{
	assert(time_ns >= q->now);
	if (spare_reserve(q, 1))
		return -1;
	sim_event e = {time_ns, q->next_seq++, kind, a, b};
	unsigned i = bucket_of(time_ns, q->now);
	append(q, i, &e);
	if (i)
		q->used |= 1ull << (i - 1);
	q->n++;
	return 0;
}

/* Bucket 0 is empty: the lowest non-empty bucket's earliest time becomes
 * `now` and its events move to the buckets below, those at the new `now` to
 * bucket 0. Every event there agrees with the new `now` above the bucket's
 * bit, so each lands lower. A chunk read goes back to the spares at once, so
 * the move needs a spare for each bucket below (a partly filled tail) and
 * one more. 0, or -1 when out of memory (nothing moved). */
static int redistribute(sim_queue *q)
{
	unsigned i = 1 + (unsigned)__builtin_ctzll(q->used);
	if (spare_reserve(q, i + 1))
		return -1;
	sim_bucket *src = &q->b[i];
	int64_t now = src->min_ns;
	uint64_t used = q->used & ~(1ull << (i - 1));
	sim_chunk *c = src->head;
	uint32_t k = src->head_i;
	for (size_t left = src->n; left > 0; left--) {
		if (k == SIM_CHUNK_EVENTS) {
			sim_chunk *next = c->next;
			spare_put(q, c);
			c = next;
			k = 0;
		}
		const sim_event *e = &c->ev[k++];
		unsigned j = bucket_of(e->time_ns, now);
		assert(j < i);
		append(q, j, e);
		used |= (1ull << j) >> 1; /* bit j - 1, none for bucket 0 */
	}
	spare_put(q, c);
	*src = (sim_bucket){NULL, NULL, 0, 0, 0, NULL, 0};
	q->used = used;
	q->now = now;
	return 0;
}

int sim__queue_pop(sim_queue *q, sim_event *out)
{
	sim_bucket *z = &q->b[0];
	if (z->n == 0) {
		if (!q->used)
			return 0;
		if (redistribute(q))
			return -1;
	}
	/* field by field, as a push stores them: a load of two fields at
	 * once cannot be forwarded from two separate stores still waiting in
	 * the store buffer (an event pushed at `now` is popped soon after) */
	const sim_event *e = &z->head->ev[z->head_i++];
	out->time_ns = e->time_ns;
	out->seq = e->seq;
	out->kind = e->kind;
	out->a = e->a;
	out->b = e->b;
	if (--z->n == 0) {
		/* keep no empty chunk in the bucket */
		spare_put(q, z->head);
		z->head = z->tail = NULL;
		z->head_i = z->tail_n = 0;
	} else if (z->head_i == SIM_CHUNK_EVENTS) {
		sim_chunk *next = z->head->next;
		spare_put(q, z->head);
		z->head = next;
		z->head_i = 0;
	}
	q->now = out->time_ns;
	q->n--;
	return 1;
}

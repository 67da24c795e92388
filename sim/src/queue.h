/*
 * queue.h — the simulator's event queue: fixed-size events keyed by (time,
 * sequence) in a radix heap. The sequence number is taken at push, so events
 * at the same time come out in the order they were scheduled: ties are
 * deterministic. A radix heap needs what the simulator guarantees anyway:
 * time never goes back (an event is never scheduled before the last one
 * popped). Events live in chunks reused through a free list: no allocation
 * per event, memory in proportion to the events queued.
 */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_event {
	int64_t time_ns;
	uint64_t seq;
	uint32_t kind;
	uint32_t a; /* kind-specific: a task, machine, offer slot or framework */
	uint64_t b; /* kind-specific: a generation, to drop stale events */
} sim_event;

/* 127 events and a link: just under 4 KB. */
#define SIM_CHUNK_EVENTS 127
typedef struct sim_chunk {
	sim_event ev[SIM_CHUNK_EVENTS];
	struct sim_chunk *next;
} sim_chunk;

/* Bucket 0 holds the events at `now`; bucket i > 0 those whose time differs
 * from `now` first in bit i - 1 (counting from 0). Each is a list of chunks
 * in sequence order, read from the head, appended at the tail; buckets > 0
 * know their earliest event. */
typedef struct sim_bucket {
	sim_chunk *head, *tail;
	uint32_t head_i, tail_n; /* first unread of head, filled of tail */
	size_t n;                /* events */
	const sim_event *min;    /* the earliest (n > 0, buckets > 0) */
	int64_t min_ns;          /* its time */
} sim_bucket;

#define SIM_QUEUE_BUCKETS 65

typedef struct sim_queue {
	sim_bucket b[SIM_QUEUE_BUCKETS];
	uint64_t used; /* bit i - 1: bucket i > 0 holds events */
	size_t n;      /* events queued */
	int64_t now;   /* time of the last event popped (INT64_MIN before) */
	uint64_t next_seq;
	sim_chunk *spare; /* free chunks */
	size_t nspare;
} sim_queue;

void sim__queue_init(sim_queue *q);
void sim__queue_free(sim_queue *q);
/* Schedules an event no earlier than the last one popped (time_ns >=
 * q->now; asserted); 0, or -1 when out of memory. */
int sim__queue_push(sim_queue *q, int64_t time_ns, uint32_t kind, uint32_t a, uint64_t b);
/* The earliest event, or NULL when empty. Valid until the next push or pop. */
static inline const sim_event *sim__queue_peek(const sim_queue *q)
{
	if (q->b[0].n)
		return &q->b[0].head->ev[q->b[0].head_i];
	if (!q->used)
		return NULL;
	return q->b[1 + __builtin_ctzll(q->used)].min;
}
/* Removes the earliest event into *out: 1, 0 when empty, -1 when out of
 * memory (the queue unchanged). */
int sim__queue_pop(sim_queue *q, sim_event *out);
static inline size_t sim__queue_size(const sim_queue *q)
{
	return q->n;
}

#endif

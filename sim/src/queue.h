/*
 * queue.h — the simulator's event queue: a binary min-heap of fixed-size
 * events keyed by (time, sequence). The sequence number is taken at push, so
 * events at the same time come out in the order they were scheduled: ties are
 * deterministic. Events scheduled for the current time (offers answered with
 * no decision latency, most of them) skip the heap for a FIFO ring, which
 * keeps the same (time, sequence) order at O(1). Growing arrays, no
 * allocation per event.
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

typedef struct sim_queue {
	sim_event *heap;
	size_t n, cap;
	sim_event *ring; /* events at time `now`, in sequence order */
	size_t rhead, rn, rcap;
	int64_t now; /* time of the last event popped */
	uint64_t next_seq;
} sim_queue;

void sim__queue_init(sim_queue *q);
void sim__queue_free(sim_queue *q);
/* Schedules an event; 0, or -1 when out of memory. */
int sim__queue_push(sim_queue *q, int64_t time_ns, uint32_t kind, uint32_t a, uint64_t b);
/* The earliest event, or NULL when empty. */
static inline const sim_event *sim__queue_peek(const sim_queue *q)
{
	const sim_event *h = q->n ? &q->heap[0] : NULL, *r = q->rn ? &q->ring[q->rhead] : NULL;
	if (!h || !r)
		return h ? h : r;
	return h->time_ns < r->time_ns || (h->time_ns == r->time_ns && h->seq < r->seq) ? h : r;
}
/* Removes the earliest event into *out; false when empty. */
bool sim__queue_pop(sim_queue *q, sim_event *out);
static inline size_t sim__queue_size(const sim_queue *q)
{
	return q->n + q->rn;
}

#endif

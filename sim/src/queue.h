/*
 * queue.h — the simulator's event queue: a binary min-heap of fixed-size
 * events keyed by (time, sequence). The sequence number is taken at push, so
 * events at the same time come out in the order they were scheduled: ties are
 * deterministic. One growing array, no allocation per event.
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
	uint64_t next_seq;
} sim_queue;

void sim_queue_init(sim_queue *q);
void sim_queue_free(sim_queue *q);
/* Schedules an event; 0, or -1 when out of memory. */
int sim_queue_push(sim_queue *q, int64_t time_ns, uint32_t kind, uint32_t a, uint64_t b);
/* The earliest event, or NULL when empty. */
static inline const sim_event *sim_queue_peek(const sim_queue *q)
{
	return q->n ? &q->heap[0] : NULL;
}
/* Removes the earliest event into *out; false when empty. */
bool sim_queue_pop(sim_queue *q, sim_event *out);
static inline size_t sim_queue_size(const sim_queue *q)
{
	return q->n;
}

#endif

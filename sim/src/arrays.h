/*
 * arrays.h — private: the two containers every part of the simulator grows,
 * a geometrically grown array (sim__grow, GROW) and a FIFO ring of u32
 * (offer slots, job ids). Neither allocates once it has reached its peak.
 */
#ifndef SIM_ARRAYS_H
#define SIM_ARRAYS_H

#include <stddef.h>
#include <stdint.h>

/* Grows *arr (of *cap elements of elem bytes, doubling from 64) to hold
 * need, zeroing the new part; 0, or -1 when out of memory (*arr kept). */
int sim__grow(void **arr, size_t *cap, size_t need, size_t elem);

/* The same, with the common case (room enough) inline: hot paths append
 * through it once per offer. */
static inline int sim_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	return need <= *cap ? 0 : sim__grow(arr, cap, need, elem);
}
#define GROW(arr, cap, need) sim_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* A FIFO of u32: element i is v[(head + i) & (cap - 1)], cap a power of two. */
typedef struct sim_ring {
	uint32_t *v;
	uint32_t head, n, cap;
} sim_ring;

static inline uint32_t sim_ring_at(const sim_ring *r, uint32_t i)
{
	return r->v[(r->head + i) & (r->cap - 1)];
}

static inline uint32_t sim_ring_pop(sim_ring *r)
{
	uint32_t x = r->v[r->head];
	r->head = (r->head + 1) & (r->cap - 1);
	r->n--;
	return x;
}

/* Appends x to r, growing it (0, or -1 when out of memory, r unchanged). */
int sim__ring_push(sim_ring *r, uint32_t x);

#endif

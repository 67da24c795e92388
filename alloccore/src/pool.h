/*
 * pool.h — slot pools: the arrays that hold a core's agents, frameworks,
 * offers, allocations, filters, extras blocks and sort clients, addressed
 * by index, and the handles (generation << 32 | slot) the API gives out for
 * them. Knows nothing of what the slots hold. On array.h only.
 *
 * A pool may have a twin: a second array of twin_size bytes per slot, grown
 * with the items and zeroed whenever a slot is taken, for the part of a
 * record that only some cores need (a wide core's lanes 4..7: vec.h).
 */
#ifndef ALLOCCORE_POOL_H
#define ALLOCCORE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloccore/alloccore.h"

/* A growable array of items. Slot 0 is never handed out, so 0 can mean
 * "none". gens[slot] is odd while the slot is in use and changes on every
 * allocation and release, so handles (gen << 32 | slot) go stale. Growing
 * moves the items: never hold a pointer into a pool across an allocation
 * from that same pool. */
typedef struct pool {
	char *base;
	uint32_t *gens;
	/* Free slots, last released on top. A stack rather than a list
	 * threaded through the slots: taking one then reads this array, not
	 * a slot that has left the cache. Room for cap entries, always. */
	uint32_t *freev;
	char *twin; /* twin_size bytes a slot; NULL while twin_size is 0 or cap 0 */
	uint32_t size, n, cap, nfree, live, twin_size;
} pool;

/* An empty pool of items of `size` bytes (it allocates on first use). */
void ac__pool_init(pool *p, uint32_t size);
void ac__pool_fini(pool *p);
/* Takes a zeroed slot >= 1 into *slot. 0 or AC_ENOMEM. */
int ac__pool_alloc(pool *p, uint32_t *slot);
/* Gives a pool without a twin one of `size` bytes a slot, zero for every
 * slot (the twin of slot i: p->twin + i * size, typed by the caller as
 * state.h does). 0, or AC_ENOMEM with the pool unchanged. */
int ac__pool_twin_on(pool *p, uint32_t size);
/* Drops the twin. */
void ac__pool_twin_off(pool *p);

/* Zeroes a slot's twin, if any: a slot taken starts with a zero twin. */
static inline void ac__pool_twin_clear(pool *p, uint32_t slot)
{
	if (p->twin_size)
		__builtin_memset(p->twin + (size_t)slot * p->twin_size, 0, p->twin_size);
}

/* Gives a slot back (inline: a task's end releases one). */
static inline void ac__pool_release(pool *p, uint32_t slot)
{
	p->gens[slot]++;
	p->live--;
	p->freev[p->nfree++] = slot;
}

static inline void *ac__pool_at(const pool *p, uint32_t slot)
{
	return p->base + (size_t)slot * p->size;
}

/* Room for k more takes (released slots count): then k calls of
 * ac__pool_take or ac__pool_alloc cannot fail. 0 or AC_ENOMEM. */
int ac__pool_reserve(pool *p, uint32_t k);
/* ac__pool_take when no released slot is left: a new one at the end. */
int ac__pool_take_new(pool *p, uint32_t *slot);
/* As ac__pool_alloc, the slot's contents left as they were (its twin
 * zeroed): for a caller that writes the whole record itself. Inline: a
 * released slot is reused. */
static inline int ac__pool_take(pool *p, uint32_t *slot)
{
	if (!p->nfree)
		return ac__pool_take_new(p, slot);
	uint32_t s = p->freev[--p->nfree];
	/* Slots come back in bursts (an answer frees hundreds) and leave the
	 * cache before they are taken again, in bursts too (a pass's
	 * offers): ask for the one a few takes on now. */
	if (p->nfree >= 4)
		__builtin_prefetch(ac__pool_at(p, p->freev[p->nfree - 4]), 1);
	p->gens[s]++;
	p->live++;
	ac__pool_twin_clear(p, s);
	*slot = s;
	return 0;
}

static inline bool ac__pool_live(const pool *p, uint32_t slot)
{
	return slot > 0 && slot < p->n && (p->gens[slot] & 1);
}

static inline uint64_t ac__handle_make(uint32_t gen, uint32_t slot)
{
	return (uint64_t)gen << 32 | slot;
}

/* The handle of a live slot. */
static inline uint64_t ac__pool_handle(const pool *p, uint32_t slot)
{
	return ac__handle_make(p->gens[slot], slot);
}

/* Resolves a handle to its live slot, or 0 (stale or invalid). */
static inline uint32_t ac__pool_slot(const pool *p, uint64_t id)
{
	uint32_t slot = (uint32_t)id, gen = (uint32_t)(id >> 32);
	return ac__pool_live(p, slot) && p->gens[slot] == gen ? slot : 0;
}

/* Resolves handle id to its live slot, into *slot. 0, or AC_ENOENT with a
 * message naming the kind of object (what: "agent", "framework"). */
int ac__pool_resolve(const pool *p, uint64_t id, const char *what, uint32_t *slot, ac_err *err);

#endif

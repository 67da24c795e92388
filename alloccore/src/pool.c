/*
 * pool.c — slot pools (pool.h): a stack of free slots in front of arrays
 * that grow through array.h.
 */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

#include "alloccore/alloccore.h"
#include "array.h"
#include "err.h"

void ac__pool_init(pool *p, uint32_t size)
{
	memset(p, 0, sizeof *p);
	p->size = size;
	p->n = 1; /* slot 0 is "none" */
}

void ac__pool_fini(pool *p)
{
	free(p->base);
	free(p->gens);
	free(p->freev);
	free(p->twin);
	memset(p, 0, sizeof *p);
}

int ac__pool_twin_on(pool *p, uint32_t size)
{
	char *t = NULL;
	if (p->cap && !(t = calloc(p->cap, size)))
		return AC_ENOMEM;
	free(p->twin);
	p->twin = t;
	p->twin_size = size;
	return 0;
}

void ac__pool_twin_off(pool *p)
{
	free(p->twin);
	p->twin = NULL;
	p->twin_size = 0;
}

/* Room for `need` slots in all: the three arrays (four with a twin) share
 * one capacity, 64 at first; p->cap moves only once all have grown. */
static int pool_grow(pool *p, uint32_t need)
{
	if (need <= p->cap)
		return 0;
	if (need < 64)
		need = 64;
	uint32_t cap = p->cap;
	if (ac__array_grow((void **)&p->base, &cap, need, p->size))
		return AC_ENOMEM;
	cap = p->cap;
	if (ac__array_grow((void **)&p->gens, &cap, need, sizeof *p->gens))
		return AC_ENOMEM;
	memset(p->gens + p->cap, 0, sizeof *p->gens * (cap - p->cap));
	cap = p->cap;
	if (ac__array_grow((void **)&p->freev, &cap, need, sizeof *p->freev))
		return AC_ENOMEM;
	if (p->twin_size) {
		cap = p->cap;
		if (ac__array_grow((void **)&p->twin, &cap, need, p->twin_size))
			return AC_ENOMEM;
	}
	p->cap = cap;
	return 0;
}

int ac__pool_reserve(pool *p, uint32_t k)
{
	/* (a pool never grown has n 1 and cap 0: slot 0 is "none") */
	uint64_t room = (uint64_t)p->nfree + (p->cap > p->n ? p->cap - p->n : 0);
	if (room >= k)
		return 0;
	return pool_grow(p, p->n + (uint32_t)(k - room));
}

int ac__pool_take_new(pool *p, uint32_t *slot)
{
	if (p->n >= p->cap && pool_grow(p, p->n + 1))
		return AC_ENOMEM;
	uint32_t s = p->n++;
	p->gens[s]++;
	p->live++;
	ac__pool_twin_clear(p, s);
	*slot = s;
	return 0;
}

int ac__pool_alloc(pool *p, uint32_t *slot)
{
	if (ac__pool_take(p, slot))
		return AC_ENOMEM;
	memset(ac__pool_at(p, *slot), 0, p->size);
	return 0;
}

int ac__pool_resolve(const pool *p, uint64_t id, const char *what, uint32_t *slot, ac_err *err)
{
	uint32_t s = ac__pool_slot(p, id);
	if (!s)
		return ac__fail(err, AC_ENOENT, "unknown %s (stale or invalid handle %#llx)", what,
		                (unsigned long long)id);
	*slot = s;
	return 0;
}

/*
 * pool.c — slot pools (pool.h): a stack of free slots in front of an array
 * that grows by doubling.
 */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

int ac__pool_init(pool *p, uint32_t size)
{
	memset(p, 0, sizeof *p);
	p->size = size;
	p->n = 1; /* slot 0 is "none" */
	return 0;
}

void ac__pool_fini(pool *p)
{
	free(p->base);
	free(p->gens);
	free(p->freev);
	memset(p, 0, sizeof *p);
}

uint32_t ac__pool_alloc(pool *p)
{
	uint32_t s;
	if (p->nfree) {
		s = p->freev[--p->nfree];
		/* Slots come back in bursts (an answer frees hundreds) and
		 * leave the cache before they are taken again, in bursts too
		 * (a pass's offers): ask for the one a few takes on now. */
		if (p->nfree >= 4)
			__builtin_prefetch(ac__pool_at(p, p->freev[p->nfree - 4]), 1);
	} else {
		if (p->n >= p->cap) {
			uint32_t cap = p->cap ? p->cap * 2 : 64;
			char *base = realloc(p->base, (size_t)cap * p->size);
			if (!base)
				return 0;
			p->base = base;
			uint32_t *gens = realloc(p->gens, sizeof *gens * cap);
			if (!gens)
				return 0;
			memset(gens + p->cap, 0, sizeof *gens * (cap - p->cap));
			p->gens = gens;
			uint32_t *freev = realloc(p->freev, sizeof *freev * cap);
			if (!freev)
				return 0;
			p->freev = freev;
			p->cap = cap;
		}
		s = p->n++;
	}
	memset(ac__pool_at(p, s), 0, p->size);
	p->gens[s]++;
	p->live++;
	return s;
}

void ac__pool_release(pool *p, uint32_t s)
{
	p->gens[s]++;
	p->live--;
	p->freev[p->nfree++] = s;
}

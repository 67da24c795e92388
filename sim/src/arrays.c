/*
 * arrays.c — the growable array and the u32 ring of arrays.h.
 */
#include <stdlib.h>
#include <string.h>

#include "arrays.h"

int sim__grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, n * elem);
	if (!p)
		return -1;
	memset((char *)p + *cap * elem, 0, (n - *cap) * elem);
	*arr = p;
	*cap = n;
	return 0;
}

int sim__ring_push(sim_ring *r, uint32_t x)
{
	if (r->n == r->cap) {
		/* unroll into a ring twice the size */
		uint32_t cap = r->cap ? r->cap * 2 : 16;
		uint32_t *v = malloc(sizeof *v * cap);
		if (!v)
			return -1;
		for (uint32_t i = 0; i < r->n; i++)
			v[i] = sim_ring_at(r, i);
		free(r->v);
		r->v = v;
		r->cap = cap;
		r->head = 0;
	}
	r->v[(r->head + r->n++) & (r->cap - 1)] = x;
	return 0;
}

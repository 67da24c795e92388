/*
 * array.c — growing an array, at least doubling (array.h), and appending to
 * or removing from an array of u32.
 */
#include "array.h"

#include <stdlib.h>
#include <string.h>

#include "alloccore/alloccore.h"

int ac__array_grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	/* At least double, so that growing one element at a time copies
	 * O(n) in all; at least need, so that a large request is one
	 * allocation of just that size. */
	uint64_t n = (uint64_t)*cap * 2;
	if (n < need)
		n = need;
	if (n < 16)
		n = 16;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	void *p = realloc(*arr, elem * n);
	if (!p)
		return AC_ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

int ac__u32_push(uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x)
{
	if (ac__array_grow((void **)v, cap, *n + 1, sizeof **v))
		return AC_ENOMEM;
	(*v)[(*n)++] = x;
	return 0;
}

void ac__u32_remove(uint32_t *v, uint32_t *n, uint32_t x)
{
	for (uint32_t i = 0; i < *n; i++)
		if (v[i] == x) {
			memmove(v + i, v + i + 1, sizeof *v * (*n - i - 1));
			(*n)--;
			return;
		}
}

/*
 * mcount.c — a counting malloc for the benchmark program. The program is
 * linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free, so
 * every allocation made by code linked into it (alloccore, the reference,
 * the benchmarks; not libc or libstdc++ internals, which alloccore does not
 * call for memory) passes here on its way to the real allocator. This is how
 * BENCHMARKS.md shows that the offer path does not allocate.
 */
#include <malloc.h>
#include <stdlib.h>

#include "bench.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static bool counting;
static uint64_t calls;
static int64_t live;

void mcount_enable(bool on)
{
	counting = on;
}

uint64_t mcount_calls(void)
{
	return calls;
}

int64_t mcount_live_bytes(void)
{
	return live;
}

void *__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);
	calls += counting;
	if (p)
		live += (int64_t)malloc_usable_size(p);
	return p;
}

void *__wrap_calloc(size_t k, size_t n)
{
	void *p = __real_calloc(k, n);
	calls += counting;
	if (p)
		live += (int64_t)malloc_usable_size(p);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	int64_t before = p ? (int64_t)malloc_usable_size(p) : 0;
	void *q = __real_realloc(p, n);
	calls += counting;
	if (q)
		live += (int64_t)malloc_usable_size(q) - before;
	return q;
}

void __wrap_free(void *p)
{
	if (p)
		live -= (int64_t)malloc_usable_size(p);
	__real_free(p);
}

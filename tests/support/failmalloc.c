/*
 * failmalloc.c — an LD_PRELOAD library that makes one allocation of a
 * program fail, for the out-of-memory sweeps of whole programs
 * (tests/sim/oom.sh). Environment:
 *   FAIL_MALLOC_AT=n     the n-th call (from 0) of malloc, calloc or
 *                        realloc returns NULL; the others go through
 *   FAIL_MALLOC_COUNT=1  at exit, "failmalloc: N allocations" on stderr
 * Everything else goes to the allocator the program would have used (the
 * next definition: glibc's, or jemalloc when the program links it).
 * Calls made while this library looks the real ones up (dlsym may
 * allocate) are served from a small static arena and never failed; free
 * is not interposed, so such a block must never be freed — dlsym's are
 * not.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static long fail_at = -1, calls;
static int looking_up;

static _Alignas(16) char arena[16384];
static size_t arena_used;

static void *arena_take(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n > sizeof arena - arena_used)
		return NULL;
	void *p = arena + arena_used;
	arena_used += n;
	return p;
}

static void look_up(void)
{
	looking_up = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	const char *at = getenv("FAIL_MALLOC_AT");
	fail_at = at && *at ? atol(at) : -1;
	looking_up = 0;
}

/* Whether this call fails (and counts it); a failure sets errno, as a
 * real allocator's does. */
static int fails(void)
{
	if (calls++ != fail_at)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n)
{
	if (!real_malloc) {
		if (looking_up)
			return arena_take(n);
		look_up();
	}
	return fails() ? NULL : real_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	if (!real_calloc) {
		if (looking_up)
			return size && n > SIZE_MAX / size ? NULL : arena_take(n * size); /* (static: zeroed) */
		look_up();
	}
	return fails() ? NULL : real_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	if (!real_realloc)
		look_up();
	return fails() ? NULL : real_realloc(p, n);
}

__attribute__((destructor)) static void report(void)
{
	if (!getenv("FAIL_MALLOC_COUNT"))
		return;
	char line[64];
	int len = snprintf(line, sizeof line, "failmalloc: %ld allocations\n", calls);
	if (len > 0)
		(void)!write(2, line, (size_t)len);
}

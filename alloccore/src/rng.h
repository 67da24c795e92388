/*
 * rng.h — the core's seeded random generator: xoshiro256**, seeded by four
 * splitmix64 draws. One per core (ac_core.rng); the agent shuffle
 * (allocate.c) and the random policy's keys (order.c) draw from it, so the
 * same seed gives the same offers. Header only: a draw is a few
 * instructions on the pass's hot path. The bottom layer.
 */
#ifndef ALLOCCORE_RNG_H
#define ALLOCCORE_RNG_H

#include <stdint.h>

static inline uint64_t ac__splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void ac__rng_seed(uint64_t s[4], uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		s[i] = ac__splitmix64(&seed);
}

static inline uint64_t ac__rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static inline uint64_t ac__rng_next(uint64_t s[4])
{
	uint64_t result = ac__rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = ac__rotl(s[3], 45);
	return result;
}

#endif

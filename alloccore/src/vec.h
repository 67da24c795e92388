/*
 * vec.h — the few vector operations the offer path runs several times per
 * offer, written with GCC/Clang vector types (two 64-bit lanes, SSE2) and
 * without loops: the public helpers of resources.h compile to 4-iteration
 * loops, and their reductions (any positive) stay scalar. Same results.
 * The bottom layer: it knows nothing of a core but the one flag each
 * operation is passed (`wide`, below).
 */
#ifndef ALLOCCORE_VEC_H
#define ALLOCCORE_VEC_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

/* (vector types: GCC and Clang, as the build) */

#include "alloccore/resources.h"

typedef uint64_t ac__u64x2 __attribute__((vector_size(16)));

/* Every operation takes `wide`: false while the core has registered no
 * more than the four fixed kinds (state.h, core.wide). Lanes 4..7 are then
 * zero in every vector the core holds (amounts of unregistered kinds are
 * refused at the door), so the operations leave them alone: half the
 * loads and stores. A kind registered later makes the core wide for good;
 * the vectors it holds are already right for that, zeros included. */

/* Lane pair i of a (unaligned loads and stores of the vector type, which
 * may alias int64_t but not the core's other fields). */
typedef uint64_t ac__u64x2u __attribute__((vector_size(16), aligned(8)));

static inline ac__u64x2 ac__ld(const ac_vec *a, int i)
{
	return *(const ac__u64x2u *)&a->v[2 * i];
}

static inline void ac__st(ac_vec *a, int i, ac__u64x2 x)
{
	*(ac__u64x2u *)&a->v[2 * i] = x;
}

/* max(x, 0) per lane, as unsigned bits. */
static inline ac__u64x2 ac__clamp0x2(ac__u64x2 x)
{
	return x & ~((ac__u64x2){0, 0} - (x >> 63));
}

/* Per lane, the sign bit set exactly when the lane is > 0: that of -x &
 * ~x (INT64_MIN included: its negation wraps to itself). */
static inline ac__u64x2 ac__pos2(ac__u64x2 x)
{
	return ((ac__u64x2){0, 0} - x) & ~x;
}

/* a = max(a, 0) per kind; returns whether some kind is then > 0. */
static inline bool ac__vec_clamp0_any(ac_vec *a, bool wide)
{
	ac__u64x2 x0 = ac__clamp0x2(ac__ld(a, 0)), x1 = ac__clamp0x2(ac__ld(a, 1));
	ac__st(a, 0, x0);
	ac__st(a, 1, x1);
	ac__u64x2 any = x0 | x1;
	if (wide) {
		ac__u64x2 x2 = ac__clamp0x2(ac__ld(a, 2)), x3 = ac__clamp0x2(ac__ld(a, 3));
		ac__st(a, 2, x2);
		ac__st(a, 3, x3);
		any |= x2 | x3;
	}
	return (any[0] | any[1]) != 0;
}

/* a += b. */
static inline void ac__vec_add(ac_vec *a, const ac_vec *b, bool wide)
{
	ac__st(a, 0, ac__ld(a, 0) + ac__ld(b, 0));
	ac__st(a, 1, ac__ld(a, 1) + ac__ld(b, 1));
	if (wide) {
		ac__st(a, 2, ac__ld(a, 2) + ac__ld(b, 2));
		ac__st(a, 3, ac__ld(a, 3) + ac__ld(b, 3));
	}
}

/* a -= b. */
static inline void ac__vec_sub(ac_vec *a, const ac_vec *b, bool wide)
{
	ac__st(a, 0, ac__ld(a, 0) - ac__ld(b, 0));
	ac__st(a, 1, ac__ld(a, 1) - ac__ld(b, 1));
	if (wide) {
		ac__st(a, 2, ac__ld(a, 2) - ac__ld(b, 2));
		ac__st(a, 3, ac__ld(a, 3) - ac__ld(b, 3));
	}
}

/* a += b (sign +1) or a -= b (-1). */
static inline void ac__vec_add_signed(ac_vec *a, const ac_vec *b, int sign, bool wide)
{
	/* two straight-line forms: a multiply by sign keeps the compiler from
	 * using vector adds (64-bit multiplies have no SSE2 instruction) */
	if (sign > 0)
		ac__vec_add(a, b, wide);
	else
		ac__vec_sub(a, b, wide);
}

/* true when some kind is > 0 (as ac_vec_any_positive). */
static inline bool ac__vec_any_pos(const ac_vec *a, bool wide)
{
	ac__u64x2 any = ac__pos2(ac__ld(a, 0)) | ac__pos2(ac__ld(a, 1));
	if (wide)
		any |= ac__pos2(ac__ld(a, 2)) | ac__pos2(ac__ld(a, 3));
	return ((any[0] | any[1]) >> 63) != 0;
}

/* true when need <= have in every kind (as ac_vec_fits), for amounts the
 * core holds: both within +-2^62, so have - need cannot overflow and its
 * sign bit says which is larger. */
static inline bool ac__vec_fits(const ac_vec *need, const ac_vec *have, bool wide)
{
	ac__u64x2 d = (ac__ld(have, 0) - ac__ld(need, 0)) | (ac__ld(have, 1) - ac__ld(need, 1));
	if (wide)
		d |= (ac__ld(have, 2) - ac__ld(need, 2)) | (ac__ld(have, 3) - ac__ld(need, 3));
	return ((d[0] | d[1]) >> 63) == 0;
}

/* have -= need when need <= have in every kind (amounts the core holds,
 * as ac__vec_fits): then 1, or 0 when have is left zero; -1 (have
 * unchanged) when need does not fit. One subtraction for the three. */
static inline int ac__vec_take(ac_vec *have, const ac_vec *need, bool wide)
{
	ac__u64x2 d0 = ac__ld(have, 0) - ac__ld(need, 0), d1 = ac__ld(have, 1) - ac__ld(need, 1), d2 = {0, 0},
	          d3 = {0, 0};
	if (wide) {
		d2 = ac__ld(have, 2) - ac__ld(need, 2);
		d3 = ac__ld(have, 3) - ac__ld(need, 3);
	}
	ac__u64x2 any = d0 | d1 | d2 | d3;
	if ((any[0] | any[1]) >> 63)
		return -1;
	ac__st(have, 0, d0);
	ac__st(have, 1, d1);
	if (wide) {
		ac__st(have, 2, d2);
		ac__st(have, 3, d3);
	}
	return (any[0] | any[1]) != 0;
}

/* ------------------------------------------------------ split vectors
 *
 * The vectors the core stores are split: the four fixed kinds (lanes
 * 0..3) where the record is, 32 bytes, and lanes 4..7 apart, where only a
 * wide core keeps them (agents' and allocation records' bags, frameworks'
 * and batches' sums in the twin of the record's pool, pool.h; a batch's
 * entries in an array beside theirs; state.h).
 * While the core is narrow those lanes are zero, and the records carry
 * none of their bytes: the offer path's working set is that much smaller
 * (it is bound by the cache, not by arithmetic: BENCHMARKS.md, issue 15).
 * An ac__sv names one such vector: lo where the record is, hi apart or
 * NULL (narrow: then lanes 4..7 must stay zero, which the asserts check).
 * Values in flight stay whole ac_vecs. */
typedef struct ac__v4 {
	int64_t v[4];
} ac__v4;

typedef struct ac__sv {
	ac__v4 *lo;
	ac__v4 *hi; /* NULL: the core is narrow, lanes 4..7 are zero */
} ac__sv;

static inline ac__u64x2 ac__ld4(const ac__v4 *a, int i)
{
	return *(const ac__u64x2u *)&a->v[2 * i];
}

static inline void ac__st4(ac__v4 *a, int i, ac__u64x2 x)
{
	*(ac__u64x2u *)&a->v[2 * i] = x;
}

/* Lanes 4..7 of v are zero: what a split vector without hi can hold. */
static inline bool ac__hi_zero(const ac_vec *v)
{
	ac__u64x2 x = ac__ld(v, 2) | ac__ld(v, 3);
	return (x[0] | x[1]) == 0;
}

/* s = v. */
static inline void ac__sv_set(ac__sv s, const ac_vec *v)
{
	assert(s.hi || ac__hi_zero(v));
	ac__st4(s.lo, 0, ac__ld(v, 0));
	ac__st4(s.lo, 1, ac__ld(v, 1));
	if (s.hi) {
		ac__st4(s.hi, 0, ac__ld(v, 2));
		ac__st4(s.hi, 1, ac__ld(v, 3));
	}
}

/* The whole vector s names. */
static inline ac_vec ac__sv_get(ac__sv s)
{
	ac_vec v;
	ac__st(&v, 0, ac__ld4(s.lo, 0));
	ac__st(&v, 1, ac__ld4(s.lo, 1));
	ac__u64x2 z = {0, 0};
	ac__st(&v, 2, s.hi ? ac__ld4(s.hi, 0) : z);
	ac__st(&v, 3, s.hi ? ac__ld4(s.hi, 1) : z);
	return v;
}

static inline void ac__sv_zero(ac__sv s)
{
	ac__u64x2 z = {0, 0};
	ac__st4(s.lo, 0, z);
	ac__st4(s.lo, 1, z);
	if (s.hi) {
		ac__st4(s.hi, 0, z);
		ac__st4(s.hi, 1, z);
	}
}

/* s += v. v's lanes 4..7 are zero while the core is narrow (s.hi NULL). */
static inline void ac__sv_add(ac__sv s, const ac_vec *v)
{
	assert(s.hi || ac__hi_zero(v));
	ac__st4(s.lo, 0, ac__ld4(s.lo, 0) + ac__ld(v, 0));
	ac__st4(s.lo, 1, ac__ld4(s.lo, 1) + ac__ld(v, 1));
	if (s.hi) {
		ac__st4(s.hi, 0, ac__ld4(s.hi, 0) + ac__ld(v, 2));
		ac__st4(s.hi, 1, ac__ld4(s.hi, 1) + ac__ld(v, 3));
	}
}

/* s -= v. */
static inline void ac__sv_sub(ac__sv s, const ac_vec *v)
{
	assert(s.hi || ac__hi_zero(v));
	ac__st4(s.lo, 0, ac__ld4(s.lo, 0) - ac__ld(v, 0));
	ac__st4(s.lo, 1, ac__ld4(s.lo, 1) - ac__ld(v, 1));
	if (s.hi) {
		ac__st4(s.hi, 0, ac__ld4(s.hi, 0) - ac__ld(v, 2));
		ac__st4(s.hi, 1, ac__ld4(s.hi, 1) - ac__ld(v, 3));
	}
}

/* s += v (sign +1) or s -= v (-1). */
static inline void ac__sv_add_signed(ac__sv s, const ac_vec *v, int sign)
{
	if (sign > 0)
		ac__sv_add(s, v);
	else
		ac__sv_sub(s, v);
}

/* s -= need when need <= s in every kind (as ac__vec_take): 1, or 0 when
 * s is left zero; -1 (s unchanged) when need does not fit. need is an
 * amount the core took in (ac__vec_within): without hi, its lanes 4..7
 * are zero, as s's are. */
static inline int ac__sv_take(ac__sv s, const ac_vec *need)
{
	assert(s.hi || ac__hi_zero(need));
	ac__u64x2 z = {0, 0};
	ac__u64x2 d0 = ac__ld4(s.lo, 0) - ac__ld(need, 0), d1 = ac__ld4(s.lo, 1) - ac__ld(need, 1);
	ac__u64x2 d2 = s.hi ? ac__ld4(s.hi, 0) - ac__ld(need, 2) : z;
	ac__u64x2 d3 = s.hi ? ac__ld4(s.hi, 1) - ac__ld(need, 3) : z;
	ac__u64x2 any = d0 | d1 | d2 | d3;
	if ((any[0] | any[1]) >> 63)
		return -1;
	ac__st4(s.lo, 0, d0);
	ac__st4(s.lo, 1, d1);
	if (s.hi) {
		ac__st4(s.hi, 0, d2);
		ac__st4(s.hi, 1, d3);
	}
	return (any[0] | any[1]) != 0;
}

/* true when need <= s in every kind (as ac__vec_fits), for an amount
 * the core took in: without hi, need's lanes 4..7 are zero. */
static inline bool ac__sv_fits(const ac_vec *need, ac__sv s)
{
	assert(s.hi || ac__hi_zero(need));
	ac__u64x2 d = (ac__ld4(s.lo, 0) - ac__ld(need, 0)) | (ac__ld4(s.lo, 1) - ac__ld(need, 1));
	if (s.hi)
		d |= (ac__ld4(s.hi, 0) - ac__ld(need, 2)) | (ac__ld4(s.hi, 1) - ac__ld(need, 3));
	return ((d[0] | d[1]) >> 63) == 0;
}

/* true when some kind of s is > 0 (as ac__vec_any_pos). */
static inline bool ac__sv_any_pos(ac__sv s)
{
	ac__u64x2 any = ac__pos2(ac__ld4(s.lo, 0)) | ac__pos2(ac__ld4(s.lo, 1));
	if (s.hi)
		any |= ac__pos2(ac__ld4(s.hi, 0)) | ac__pos2(ac__ld4(s.hi, 1));
	return ((any[0] | any[1]) >> 63) != 0;
}

/* true when 0 <= v <= bound in every kind, for bounds within 0..2^62:
 * the sign bits of v and of bound - v are all clear exactly then (a
 * negative v sets its own; otherwise bound - v cannot overflow). v comes
 * from a caller, so all eight kinds are checked; bound (core.kind_bound)
 * is zero for kinds not registered, so while the core is narrow kinds
 * 4..7 need only be zero, without reading bound there. */
static inline bool ac__vec_within(const ac_vec *v, const ac_vec *bound, bool wide)
{
	ac__u64x2 x0 = ac__ld(v, 0), x1 = ac__ld(v, 1), x2 = ac__ld(v, 2), x3 = ac__ld(v, 3);
	ac__u64x2 d = x0 | x1 | (ac__ld(bound, 0) - x0) | (ac__ld(bound, 1) - x1);
	if (wide) {
		d |= x2 | x3 | (ac__ld(bound, 2) - x2) | (ac__ld(bound, 3) - x3);
		return ((d[0] | d[1]) >> 63) == 0;
	}
	ac__u64x2 hi = x2 | x3;
	return ((d[0] | d[1]) >> 63) == 0 && (hi[0] | hi[1]) == 0;
}

#endif

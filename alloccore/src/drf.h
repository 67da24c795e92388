/*
 * drf.h — weighted DRF's sort key and comparison (alloccore/README.md,
 * "Ordering"), on the public policy API alone: builtin.c makes the drf and
 * priority policies' callbacks of them, and the core's comparison of sort
 * clients (policy.h) and its key refresh (order.c) call them inline when the
 * core's policy is one of those two, without the policy API's indirect
 * calls. One definition for both. Header only; level 0.
 *
 * The key: the dominant share as an exact fraction num / den (den = the
 * kind's total x weight; the weight alone when nothing is held) and as a
 * double to pre-screen comparisons; the priority beside it for the
 * priority policy. Shares are rationals compared by integer
 * cross-multiplication, never decided by floating point.
 */
#ifndef ALLOCCORE_DRF_H
#define ALLOCCORE_DRF_H

#include <assert.h>
#include <stdint.h>

#include "alloccore/policy.h"

typedef unsigned __int128 u128;

enum { AC__DRF_SHARE = 0, AC__DRF_NUM = 1, AC__DRF_DEN_LO = 2, AC__DRF_DEN_HI = 3, AC__DRF_PRIO = 4 };

/* A core's DRF state, recomputed when the totals change: the kinds with a
 * total (only registered kinds can have one: the others are zero
 * everywhere), ascending, and those totals. A key reads them rather than
 * the view: a kind without a total then costs it nothing. */
typedef struct ac__drf_state {
	uint64_t total[AC_KINDS];
	uint8_t kind[AC_KINDS];
	int nk;
} ac__drf_state;

/* The policy API's callbacks (builtin.c): the core compares its policy's
 * with these to take the inline path. */
void ac__drf_key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k);
int ac__drf_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b);
int ac__priority_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b);

static inline void ac__drf_totals(ac__drf_state *st, const ac_policy_view *v)
{
	st->nk = 0;
	for (int k = 0; k < v->nkinds; k++)
		if (v->total->v[k] > 0) {
			st->total[st->nk] = (uint64_t)v->total->v[k];
			st->kind[st->nk++] = (uint8_t)k;
		}
}

/* The dominant kind: the largest held/total over the kinds with a total;
 * the first kind leads until a larger share. Shares are compared exactly,
 * h / t > n / d as h x d > n x t (each below 2^63: the products fit in
 * 128 bits), with no floating-point screen first: one costs about as much
 * as the two widening multiplies, and shares often tie (whole offers of
 * equal agents), where a screen cannot decide. The kinds and totals come
 * from the state; a state never filled (a module that does not pass on
 * totals_changed) leaves them to be read from the view, slower but as
 * exact. */
static inline void ac__drf_dominant(const ac__drf_state *st, const ac_policy_view *v, const ac_vec *held, uint64_t *num,
                                    uint64_t *den)
{
	/* in locals: through the pointers, every store could change held */
	uint64_t n = 0, d = 1;
	int nk = st->nk;
	if (nk > 0) {
		/* while the first kind is not held (n = 0), any kind held takes
		 * over: h x d > 0 */
		n = (uint64_t)held->v[st->kind[0]];
		d = st->total[0];
		for (int i = 1; i < nk; i++) {
			uint64_t t = st->total[i], h = (uint64_t)held->v[st->kind[i]];
			if ((u128)h * d > (u128)n * t) {
				n = h;
				d = t;
			}
		}
	} else {
		/* (or no kind has a total yet, and nothing is held) */
		for (int k = 0; k < v->nkinds; k++) {
			int64_t t = v->total->v[k];
			uint64_t h = (uint64_t)held->v[k];
			if (t > 0 && (u128)h * d > (u128)n * (uint64_t)t) {
				n = h;
				d = (uint64_t)t;
			}
		}
	}
	/* held is never below 0: a negative amount would read as one above
	 * 2^63 here, and lead */
	assert((int64_t)n >= 0);
	*num = n;
	*den = n ? d : 1; /* nothing held: one key, whatever the kinds */
}

static inline void ac__drf_key_of(const ac__drf_state *st, const ac_policy_view *v, const ac_policy_client *cl,
                                  ac_policy_key *k)
{
	uint64_t num, den;
	ac__drf_dominant(st, v, &cl->held, &num, &den);
	u128 wden = (u128)den * cl->weight;
	k->u[AC__DRF_NUM] = num;
	k->u[AC__DRF_DEN_LO] = (uint64_t)wden;
	k->u[AC__DRF_DEN_HI] = (uint64_t)(wden >> 64);
	k->i[AC__DRF_PRIO] = cl->priority;
	/* (double)den x weight rather than (double)wden: no 128-bit
	 * conversion call; the share only pre-screens comparisons with a
	 * 1e-9 margin, far above the rounding of either form. Through
	 * int64_t (both are below 2^63): a signed conversion is one
	 * instruction, an unsigned one a branch and several. */
	k->d[AC__DRF_SHARE] = (double)(int64_t)num / ((double)(int64_t)den * (double)cl->weight);
}

/* a x b as 192 bits: hi:lo. */
static inline void ac__mul_64_128(uint64_t a, u128 b, uint64_t *hi, u128 *lo)
{
	u128 p0 = (u128)a * (uint64_t)b;
	u128 p1 = (u128)a * (uint64_t)(b >> 64);
	u128 mid = p1 << 64;
	*lo = p0 + mid;
	*hi = (uint64_t)(p1 >> 64) + (*lo < p0);
}

static inline u128 ac__drf_den(const ac_policy_key *k)
{
	return (u128)k->u[AC__DRF_DEN_HI] << 64 | k->u[AC__DRF_DEN_LO];
}

static inline int ac__drf_cmp_keys(const ac_policy_key *a, const ac_policy_key *b)
{
	/* The same fraction first: ties are common (equal holdings, nothing
	 * held), and cheaper told this way than by the doubles. */
	if (a->u[AC__DRF_NUM] == b->u[AC__DRF_NUM] && a->u[AC__DRF_DEN_LO] == b->u[AC__DRF_DEN_LO] &&
	    a->u[AC__DRF_DEN_HI] == b->u[AC__DRF_DEN_HI])
		return 0;
	/* The doubles are within 1e-15 of the exact shares; only when they are
	 * this close does the exact comparison decide. */
	double sa = a->d[AC__DRF_SHARE], sb = b->d[AC__DRF_SHARE];
	if (sa < sb * (1 - 1e-9))
		return -1;
	if (sb < sa * (1 - 1e-9))
		return 1;
	uint64_t ha, hb;
	u128 la, lb;
	ac__mul_64_128(a->u[AC__DRF_NUM], ac__drf_den(b), &ha, &la);
	ac__mul_64_128(b->u[AC__DRF_NUM], ac__drf_den(a), &hb, &lb);
	if (ha != hb)
		return ha < hb ? -1 : 1;
	return la < lb ? -1 : la > lb;
}

/* Strict priority: the higher first, DRF among equals. */
static inline int ac__priority_cmp_keys(const ac_policy_key *a, const ac_policy_key *b)
{
	if (a->i[AC__DRF_PRIO] != b->i[AC__DRF_PRIO])
		return a->i[AC__DRF_PRIO] > b->i[AC__DRF_PRIO] ? -1 : 1;
	return ac__drf_cmp_keys(a, b);
}

#endif

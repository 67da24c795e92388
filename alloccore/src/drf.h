/*
 * drf.h — weighted DRF's sort key and comparison (alloccore/README.md,
 * "Ordering"), on the public policy API alone: builtin.c makes the drf and
 * priority policies' callbacks of them, and the core's comparison of sort
 * clients (policy.h) and its key refresh (order.c) call them inline when the
 * core's policy is one of those two, without the policy API's indirect
 * calls. One definition for both. Header only; level 0.
 *
 * The key: the dominant share as an exact fraction num / den (den = the
 * kind's total x weight) and as a double to pre-screen comparisons; the
 * priority beside it for the priority policy. Shares are rationals compared
 * by integer cross-multiplication, never decided by floating point.
 */
#ifndef ALLOCCORE_DRF_H
#define ALLOCCORE_DRF_H

#include <stdint.h>

#include "alloccore/policy.h"

typedef unsigned __int128 u128;

enum { AC__DRF_SHARE = 0, AC__DRF_NUM = 1, AC__DRF_DEN_LO = 2, AC__DRF_DEN_HI = 3, AC__DRF_PRIO = 4 };

/* A core's DRF state: the totals' reciprocals, recomputed when the totals
 * change (0 for a kind without a total), to screen the kinds' shares with
 * multiplies. */
typedef struct ac__drf_state {
	double inv[AC_KINDS];
} ac__drf_state;

/* The policy API's callbacks (builtin.c): the core compares its policy's
 * with these to take the inline path. */
void ac__drf_key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k);
int ac__drf_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b);
int ac__priority_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b);

static inline void ac__drf_totals(ac__drf_state *st, const ac_policy_view *v)
{
	for (int k = 0; k < AC_KINDS; k++)
		st->inv[k] = k < v->nkinds && v->total->v[k] > 0 ? 1.0 / (double)v->total->v[k] : 0;
}

/* The dominant kind: the largest held/total over kinds with a total (only
 * registered kinds can have one: the others are zero everywhere); the
 * first kind held leads until a larger share. Each kind's share is
 * screened as a double (within 4e-16 of the exact fraction: the amounts
 * are below 2^53); only shares within 1e-9 of the leader's are compared
 * exactly, by cross-multiplication. */
static inline void ac__drf_dominant(const ac__drf_state *st, const ac_policy_view *v, const ac_vec *held, uint64_t *num,
                                    uint64_t *den)
{
	/* in locals: through the pointers, every store could change held */
	uint64_t n = 0, d = 1;
	double lead = 0;
	const ac_vec *total = v->total;
	for (int k = 0, nk = v->nkinds; k < nk; k++) {
		int64_t t = total->v[k], h = held->v[k];
		if (t <= 0 || h <= 0)
			continue;
		double s = (double)h * st->inv[k];
		/* (through uint64_t: a widening 64 x 64 multiply, not 128 x 128) */
		if (!n || s > lead * (1 + 1e-9) ||
		    (s >= lead * (1 - 1e-9) && (u128)(uint64_t)h * d > (u128)n * (uint64_t)t)) {
			n = (uint64_t)h;
			d = (uint64_t)t;
			lead = s;
		}
	}
	*num = n;
	*den = d;
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
	 * 1e-9 margin, far above the rounding of either form */
	k->d[AC__DRF_SHARE] = (double)num / ((double)den * (double)cl->weight);
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
	/* The doubles are within 1e-15 of the exact shares; only when they are
	 * this close does the exact comparison decide. */
	double sa = a->d[AC__DRF_SHARE], sb = b->d[AC__DRF_SHARE];
	if (sa < sb * (1 - 1e-9))
		return -1;
	if (sb < sa * (1 - 1e-9))
		return 1;
	if (a->u[AC__DRF_NUM] == b->u[AC__DRF_NUM] && a->u[AC__DRF_DEN_LO] == b->u[AC__DRF_DEN_LO] &&
	    a->u[AC__DRF_DEN_HI] == b->u[AC__DRF_DEN_HI])
		return 0; /* the same fraction (ties are common: equal holdings) */
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

/*
 * builtin.c — the policies a researcher can name: weighted DRF (default),
 * strict priority, asset fairness and a seeded random order, written
 * against the public policy API (alloccore/policy.h) alone, as a module
 * would be. Shares are rationals compared by integer cross-multiplication,
 * never as floating point (alloccore/README.md, "Ordering").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloccore/policy.h"
#include "err.h"

typedef unsigned __int128 u128;

/* ------------------------------------------------------ wide arithmetic */

/* a x b as 192 bits: hi:lo. */
static void mul_64_128(uint64_t a, u128 b, uint64_t *hi, u128 *lo)
{
	u128 p0 = (u128)a * (uint64_t)b;
	u128 p1 = (u128)a * (uint64_t)(b >> 64);
	u128 mid = p1 << 64;
	*lo = p0 + mid;
	*hi = (uint64_t)(p1 >> 64) + (*lo < p0);
}

/* Multiplies an n-limb little-endian number by m in place (n limbs kept). */
static void wide_mul(uint64_t *w, int n, uint64_t m)
{
	u128 carry = 0;
	for (int i = 0; i < n; i++) {
		u128 p = (u128)w[i] * m + carry;
		w[i] = (uint64_t)p;
		carry = p >> 64;
	}
}

static void wide_add(uint64_t *a, const uint64_t *b, int n)
{
	u128 carry = 0;
	for (int i = 0; i < n; i++) {
		u128 s = (u128)a[i] + b[i] + carry;
		a[i] = (uint64_t)s;
		carry = s >> 64;
	}
}

static int wide_cmp(const uint64_t *a, const uint64_t *b, int n)
{
	for (int i = n; i-- > 0;)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* ------------------------------------------------------------------ drf */

/* The DRF key: the dominant share as an exact fraction num / den (den =
 * the kind's total x weight) and as a double to pre-screen comparisons;
 * the priority beside it for the priority policy. */
enum { K_SHARE = 0, K_NUM = 1, K_DEN_LO = 2, K_DEN_HI = 3, K_PRIO = 4 };

static u128 key_den(const ac_policy_key *k)
{
	return (u128)k->u[K_DEN_HI] << 64 | k->u[K_DEN_LO];
}

/* Per core: the totals' reciprocals, recomputed when the totals change
 * (0 for a kind without a total), to screen the kinds' shares with
 * multiplies. */
typedef struct drf_state {
	double inv[AC_KINDS];
} drf_state;

static void drf_totals(void *state, const ac_policy_view *v)
{
	drf_state *st = state;
	for (int k = 0; k < AC_KINDS; k++)
		st->inv[k] = k < v->nkinds && v->total->v[k] > 0 ? 1.0 / (double)v->total->v[k] : 0;
}

/* The dominant kind: the largest held/total over kinds with a total (only
 * registered kinds can have one: the others are zero everywhere); the
 * first kind held leads until a larger share. Each kind's share is
 * screened as a double (within 4e-16 of the exact fraction: the amounts
 * are below 2^53); only shares within 1e-9 of the leader's are compared
 * exactly, by cross-multiplication. */
static void dominant(const drf_state *st, const ac_policy_view *v, const ac_vec *held, uint64_t *num, uint64_t *den)
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

static void drf_key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	uint64_t num, den;
	dominant(state, v, &cl->held, &num, &den);
	u128 wden = (u128)den * cl->weight;
	k->u[K_NUM] = num;
	k->u[K_DEN_LO] = (uint64_t)wden;
	k->u[K_DEN_HI] = (uint64_t)(wden >> 64);
	k->i[K_PRIO] = cl->priority;
	/* (double)den x weight rather than (double)wden: no 128-bit
	 * conversion call; the share only pre-screens comparisons with a
	 * 1e-9 margin, far above the rounding of either form */
	k->d[K_SHARE] = (double)num / ((double)den * (double)cl->weight);
}

static int drf_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	/* The doubles are within 1e-15 of the exact shares; only when they are
	 * this close does the exact comparison decide. */
	double sa = a->d[K_SHARE], sb = b->d[K_SHARE];
	if (sa < sb * (1 - 1e-9))
		return -1;
	if (sb < sa * (1 - 1e-9))
		return 1;
	if (a->u[K_NUM] == b->u[K_NUM] && a->u[K_DEN_LO] == b->u[K_DEN_LO] && a->u[K_DEN_HI] == b->u[K_DEN_HI])
		return 0; /* the same fraction (ties are common: equal holdings) */
	uint64_t ha, hb;
	u128 la, lb;
	mul_64_128(a->u[K_NUM], key_den(b), &ha, &la);
	mul_64_128(b->u[K_NUM], key_den(a), &hb, &lb);
	if (ha != hb)
		return ha < hb ? -1 : 1;
	return la < lb ? -1 : la > lb;
}

/* ------------------------------------------------------------- priority */

static int priority_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	if (a->i[K_PRIO] != b->i[K_PRIO])
		return a->i[K_PRIO] > b->i[K_PRIO] ? -1 : 1;
	return drf_cmp(state, a, b);
}

/* ---------------------------------------------------------------- asset */

/* Per core: for each fixed kind r, the product of the other kinds' totals
 * (3 limbs), recomputed when the totals change. */
typedef struct asset_state {
	uint64_t prod[AC_FIXED_KINDS][3];
	ac_vec total;
} asset_state;

static void asset_totals(void *state, const ac_policy_view *v)
{
	asset_state *st = state;
	st->total = *v->total;
	for (int r = 0; r < AC_FIXED_KINDS; r++) {
		uint64_t p[3] = {1, 0, 0};
		for (int j = 0; j < AC_FIXED_KINDS; j++)
			if (j != r && v->total->v[j] > 0)
				wide_mul(p, 3, (uint64_t)v->total->v[j]);
		memcpy(st->prod[r], p, sizeof p);
	}
}

/* u[0..5): sum over k of held_k x prod_{j != k} total_j (kinds 0..3 with a
 * total), which orders clients exactly as sum of held_k / total_k does;
 * u[5]: the weight. */
static void asset_key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	const asset_state *st = state;
	(void)v;
	memset(k->u, 0, 5 * sizeof *k->u);
	for (int r = 0; r < AC_FIXED_KINDS; r++) {
		if (st->total.v[r] <= 0 || cl->held.v[r] <= 0)
			continue;
		uint64_t term[5] = {st->prod[r][0], st->prod[r][1], st->prod[r][2], 0, 0};
		wide_mul(term, 5, (uint64_t)cl->held.v[r]);
		wide_add(k->u, term, 5);
	}
	k->u[5] = cl->weight;
}

static int asset_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	uint64_t x[6] = {0}, y[6] = {0};
	memcpy(x, a->u, 5 * sizeof *a->u);
	memcpy(y, b->u, 5 * sizeof *b->u);
	wide_mul(x, 6, b->u[5]);
	wide_mul(y, 6, a->u[5]);
	return wide_cmp(x, y, 6);
}

/* --------------------------------------------------------------- random */

/* Efraimidis-Spirakis: ascending -ln(u)/w is a weighted random
 * permutation. u in (0, 1]. Drawn at every agent's turn; in between the
 * key stays. */
static void random_key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	(void)state;
	if (!v->redraw)
		return;
	double u = (double)((v->random(v) >> 11) + 1) * 0x1.0p-53;
	k->d[0] = -log(u) / (cl->weight / 1000.0);
}

static int random_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	return a->d[0] < b->d[0] ? -1 : a->d[0] > b->d[0];
}

/* --------------------------------------------------------------- common */

int ac_policy_builtin(const char *name, ac_policy *out, ac_err *err)
{
	ac_policy p = {.api_version = AC_POLICY_API_VERSION, .key = drf_key, .cmp = drf_cmp};
	bool drf = !name || !strcmp(name, "drf");
	if (drf || !strcmp(name, "priority")) {
		p.name = drf ? "drf" : "priority";
		p.cmp = drf ? drf_cmp : priority_cmp;
		p.totals_changed = drf_totals;
		p.destroy = free;
		if (!(p.state = calloc(1, sizeof(drf_state))))
			return ac__fail(err, AC_ENOMEM, "out of memory");
	} else if (!strcmp(name, "asset")) {
		p.name = "asset";
		p.key = asset_key;
		p.cmp = asset_cmp;
		p.totals_changed = asset_totals;
		p.destroy = free;
		if (!(p.state = calloc(1, sizeof(asset_state))))
			return ac__fail(err, AC_ENOMEM, "out of memory");
	} else if (!strcmp(name, "random")) {
		p.name = "random";
		p.key = random_key;
		p.cmp = random_cmp;
		p.flags = AC_POLICY_REDRAW_PER_TURN;
	} else {
		return ac__fail(err, AC_ENOENT, "unknown policy \"%s\" (drf, priority, asset, random)", name);
	}
	*out = p;
	return 0;
}

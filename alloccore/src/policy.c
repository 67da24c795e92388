/*
 * policy.c — the orderings a researcher can choose: weighted DRF (default),
 * strict priority, asset fairness and a seeded random order. Each policy
 * turns a client's held resources into a key and compares two keys exactly:
 * shares are rationals compared by integer cross-multiplication, never as
 * floating point (alloccore/README.md, "Ordering").
 */
#include "policy.h"

#include <math.h>
#include <string.h>

#include "err.h"

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

/* The dominant kind: the largest held/total over kinds with a total (only
 * registered kinds can have one: the others are zero everywhere). */
static void dominant(const ac_core *c, const ac_vec *held, uint64_t *num, uint64_t *den)
{
	/* in locals: through the pointers, every store could change held */
	uint64_t n = 0, d = 1;
	for (int k = 0; k < c->nkinds; k++) {
		int64_t t = c->total.v[k], h = held->v[k];
		if (t <= 0 || h <= 0)
			continue;
		/* (through uint64_t: a widening 64 x 64 multiply, not 128 x 128) */
		if ((u128)(uint64_t)h * d > (u128)n * (uint64_t)t) {
			n = (uint64_t)h;
			d = (uint64_t)t;
		}
	}
	*num = n;
	*den = d;
}

double ac__share_of(const ac_core *c, const ac_vec *held)
{
	uint64_t num, den;
	dominant(c, held, &num, &den);
	return (double)num / (double)den;
}

static void base_key(const client *cl, sortkey *k)
{
	k->count = cl->count;
	k->priority = cl->priority;
	k->weight = cl->weight;
}

static void drf_key(const ac_core *c, const client *cl, sortkey *k)
{
	uint64_t den;
	base_key(cl, k);
	dominant(c, &cl->held, &k->num, &den);
	k->den = (u128)den * cl->weight;
	/* (double)den x weight rather than (double)k->den: no 128-bit
	 * conversion call; the share only pre-screens comparisons with a
	 * 1e-9 margin, far above the rounding of either form */
	k->share = (double)k->num / ((double)den * (double)cl->weight);
}

static int drf_cmp(const ac_core *c, const sortkey *a, const sortkey *b)
{
	/* The doubles are within 1e-15 of the exact shares; only when they are
	 * this close does the exact comparison decide. */
	if (a->share < b->share * (1 - 1e-9))
		return -1;
	if (b->share < a->share * (1 - 1e-9))
		return 1;
	if (a->num == b->num && a->den == b->den)
		return 0; /* the same fraction (ties are common: equal holdings) */
	uint64_t ha, hb;
	u128 la, lb;
	mul_64_128(a->num, b->den, &ha, &la);
	mul_64_128(b->num, a->den, &hb, &lb);
	if (ha != hb)
		return ha < hb ? -1 : 1;
	return la < lb ? -1 : la > lb;
}

static int priority_cmp(const ac_core *c, const sortkey *a, const sortkey *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	return drf_cmp(c, a, b);
}

/* ---------------------------------------------------------------- asset */

/* sum over k of held_k x prod_{j != k} total_j (kinds 0..3 with a total),
 * which orders clients exactly as sum of held_k / total_k does. */
static void asset_key(const ac_core *c, const client *cl, sortkey *k)
{
	base_key(cl, k);
	memset(k->wide, 0, sizeof k->wide);
	for (int r = 0; r < AC_FIXED_KINDS; r++) {
		if (c->total.v[r] <= 0 || cl->held.v[r] <= 0)
			continue;
		uint64_t term[5] = {c->asset_prod[r][0], c->asset_prod[r][1], c->asset_prod[r][2], 0, 0};
		wide_mul(term, 5, (uint64_t)cl->held.v[r]);
		wide_add(k->wide, term, 5);
	}
}

static int asset_cmp(const ac_core *c, const sortkey *a, const sortkey *b)
{
	uint64_t x[6] = {0}, y[6] = {0};
	memcpy(x, a->wide, sizeof a->wide);
	memcpy(y, b->wide, sizeof b->wide);
	wide_mul(x, 6, b->weight);
	wide_mul(y, 6, a->weight);
	return wide_cmp(x, y, 6);
}

/* --------------------------------------------------------------- random */

static void random_key(const ac_core *c, const client *cl, sortkey *k)
{
	base_key(cl, k); /* rnd is drawn by ac__orders_resort for every agent */
}

static int random_cmp(const ac_core *c, const sortkey *a, const sortkey *b)
{
	return a->rnd < b->rnd ? -1 : a->rnd > b->rnd;
}

/* --------------------------------------------------------------- common */

static const struct policy policies[] = {
        {"drf", drf_key, drf_cmp, false},
        {"priority", drf_key, priority_cmp, false},
        {"asset", asset_key, asset_cmp, false},
        {"random", random_key, random_cmp, true},
};

const struct policy *ac__policy_find(const char *name)
{
	for (size_t i = 0; i < sizeof policies / sizeof *policies; i++)
		if (strcmp(policies[i].name, name) == 0)
			return &policies[i];
	return NULL;
}

void ac__policy_totals_changed(ac_core *c)
{
	c->keys_dirty = true;
	for (int r = 0; r < AC_FIXED_KINDS; r++) {
		uint64_t p[3] = {1, 0, 0};
		for (int j = 0; j < AC_FIXED_KINDS; j++)
			if (j != r && c->total.v[j] > 0)
				wide_mul(p, 3, (uint64_t)c->total.v[j]);
		memcpy(c->asset_prod[r], p, sizeof p);
	}
}

int ac__client_cmp(const ac_core *c, uint32_t ia, uint32_t ib)
{
	const client *a = CLIENT(c, ia), *b = CLIENT(c, ib);
	int r = c->policy->cmp(c, &a->key, &b->key);
	if (r)
		return r;
	if (a->key.count != b->key.count)
		return a->key.count < b->key.count ? -1 : 1;
	if (a->name_key != b->name_key)
		return a->name_key < b->name_key ? -1 : 1;
	return strcmp(a->name, b->name);
}

int ac__weight_from_double(double w, uint32_t *out, ac_err *err)
{
	if (!isfinite(w) || w < 0.001 || w > 1e6)
		return ac__fail(err, AC_ERANGE, "weight %g out of range (0.001 to 1000000)", w);
	*out = (uint32_t)llround(w * 1000);
	return 0;
}

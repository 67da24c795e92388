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
#include "drf.h"
#include "err.h"

/* ------------------------------------------------------ wide arithmetic */

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

/* ----------------------------------------------------- drf and priority */

/* Their keys and comparison are drf.h's, inline there for the core's own
 * fast path; these are the policy API's callbacks around them. */

static void drf_totals(void *state, const ac_policy_view *v)
{
	ac__drf_totals(state, v);
}

void ac__drf_key(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *k)
{
	ac__drf_key_of(state, v, cl, k);
}

int ac__drf_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	return ac__drf_cmp_keys(a, b);
}

int ac__priority_cmp(void *state, const ac_policy_key *a, const ac_policy_key *b)
{
	(void)state;
	return ac__priority_cmp_keys(a, b);
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
	ac_policy p = {.api_version = AC_POLICY_API_VERSION, .key = ac__drf_key, .cmp = ac__drf_cmp};
	bool drf = !name || !strcmp(name, "drf");
	if (drf || !strcmp(name, "priority")) {
		p.name = drf ? "drf" : "priority";
		p.cmp = drf ? ac__drf_cmp : ac__priority_cmp;
		p.totals_changed = drf_totals;
		p.destroy = free;
		if (!(p.state = calloc(1, sizeof(ac__drf_state))))
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

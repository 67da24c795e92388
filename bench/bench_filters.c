/*
 * bench_filters.c — the decline filter table (issue 5, item 4), measured
 * through alloccore's private API (src/filters.h: ac__filter_add,
 * ac__filter_match), which is what the offer path calls, and revive through
 * the public API.
 * The tables hold one filter per (framework, agent) pair over 100
 * frameworks; lookups visit the pairs in a shuffled order, so a large table
 * pays its cache misses as the offer path would.
 */
#include <stdlib.h>

#include "bench.h"
#include "filters.h"
#include "state.h"

#define FILTER_FWS 100
#define FOREVER    (365 * 24 * 3600 * AC_SECOND)

typedef struct pair {
	uint32_t f, a;
} pair;

typedef struct ftable {
	core_cluster cc;
	pair *pairs; /* shuffled */
	uint32_t n;
	ac_resources refused;
	ac_vec inside, outside; /* a candidate the filters cover, one they do not */
} ftable;

static uint64_t mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* n pairs over FILTER_FWS frameworks (and, for misses, as many pairs of
 * frameworks that have no filter: slots of the second half). */
static int ftable_init(ftable *t, uint32_t n, bool install)
{
	uint32_t na = (n + FILTER_FWS - 1) / FILTER_FWS;
	if (core_cluster_init(&t->cc, na, 2 * FILTER_FWS, SHAPE_SCALARS, 16))
		return -1;
	ac_core *c = t->cc.core;
	t->n = n;
	t->pairs = calloc(n, sizeof *t->pairs);
	for (uint32_t i = 0; i < n; i++)
		t->pairs[i] = (pair){ac__fw_slot(c, t->cc.fws[i % FILTER_FWS]),
		                     ac__agent_slot(c, t->cc.agents[i / FILTER_FWS])};
	uint64_t seed = 7;
	for (uint32_t i = n; i-- > 1;) {
		uint32_t j = (uint32_t)(mix(&seed) % (i + 1));
		pair p = t->pairs[i];
		t->pairs[i] = t->pairs[j];
		t->pairs[j] = p;
	}
	core_res(&t->cc, "cpus:4;mem:1024;disk:1024", &t->refused);
	t->inside = t->refused.group[0].amount;
	t->inside.v[AC_CPUS] = 2000;
	t->outside = t->refused.group[0].amount;
	t->outside.v[AC_CPUS] = 8000;
	if (install)
		for (uint32_t i = 0; i < n; i++)
			if (ac__filter_add(c, t->pairs[i].f, t->pairs[i].a, 0, FOREVER, &t->refused))
				return -1;
	return 0;
}

static void ftable_fini(ftable *t)
{
	free(t->pairs);
	core_cluster_fini(&t->cc);
}

static void filter_insert(bench_state *s)
{
	ftable t;
	if (ftable_init(&t, (uint32_t)bench_arg(s, 0), false)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_core *c = t.cc.core;
	size_t mem0 = ac_core_memory(c);
	int64_t items = 0;
	while (bench_running(s)) {
		for (uint32_t i = 0; i < t.n; i++)
			ac__filter_add(c, t.pairs[i].f, t.pairs[i].a, 0, FOREVER, &t.refused);
		items += t.n;
		/* Revive: the next round's inserts find (and reclaim) dead ones. */
		bench_pause(s);
		for (uint32_t f = 0; f < FILTER_FWS; f++)
			ac_fw_revive(c, t.cc.fws[f], NULL);
		bench_resume(s);
	}
	bench_items(s, items);
	bench_counter(s, "bytes_per_filter", (double)(ac_core_memory(c) - mem0) / t.n, BENCH_PLAIN);
	ftable_fini(&t);
}

/* hit = 1: every lookup finds a filter covering the candidate; hit = 0: the
 * pair has no filter (a framework of the second half). */
static void filter_lookup(bench_state *s)
{
	ftable t;
	bool hit = bench_arg(s, 1) != 0;
	if (ftable_init(&t, (uint32_t)bench_arg(s, 0), true)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_core *c = t.cc.core;
	uint32_t miss_off = hit ? 0 : ac__fw_slot(c, t.cc.fws[FILTER_FWS]) - ac__fw_slot(c, t.cc.fws[0]);
	int64_t items = 0, found = 0;
	while (bench_running(s)) {
		for (uint32_t i = 0; i < t.n; i++)
			found += ac__filter_match(c, t.pairs[i].f + miss_off, t.pairs[i].a, AC_SECOND, &t.inside, NULL);
		items += t.n;
	}
	if (found != (hit ? items : 0))
		bench_error(s, "unexpected lookup result");
	bench_items(s, items);
	ftable_fini(&t);
}

/* A candidate larger than the filter: the pair has a filter, but it does
 * not cover the offer (the bag comparison runs and fails). */
static void filter_lookup_uncovered(bench_state *s)
{
	ftable t;
	if (ftable_init(&t, (uint32_t)bench_arg(s, 0), true)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_core *c = t.cc.core;
	int64_t items = 0, found = 0;
	while (bench_running(s)) {
		for (uint32_t i = 0; i < t.n; i++)
			found += ac__filter_match(c, t.pairs[i].f, t.pairs[i].a, AC_SECOND, &t.outside, NULL);
		items += t.n;
	}
	if (found)
		bench_error(s, "unexpected lookup result");
	bench_items(s, items);
	ftable_fini(&t);
}

/* Revive of one framework holding `filters` filters (one per agent). The
 * filters are made again, untimed, before each revive: a fixed number of
 * iterations keeps that bounded. */
static void revive_core(bench_state *s)
{
	uint32_t n = (uint32_t)bench_arg(s, 0);
	core_cluster cc;
	if (core_cluster_init(&cc, n, 2, SHAPE_SCALARS, 16)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_core *c = cc.core;
	ac_resources refused;
	core_res(&cc, "cpus:4;mem:1024", &refused);
	uint32_t f = ac__fw_slot(c, cc.fws[0]);
	int64_t items = 0;
	while (bench_running(s)) {
		bench_pause(s);
		for (uint32_t a = 0; a < n; a++)
			ac__filter_add(c, f, ac__agent_slot(c, cc.agents[a]), 0, FOREVER, &refused);
		bench_resume(s);
		ac_fw_revive(c, cc.fws[0], NULL);
		items++;
	}
	bench_items(s, items);
	core_cluster_fini(&cc);
}

static void revive_ref(bench_state *s)
{
	uint32_t n = (uint32_t)bench_arg(s, 0);
	ref_cluster rc;
	if (ref_cluster_init(&rc, n, 1, SHAPE_SCALARS)) {
		bench_error(s, "setup failed");
		return;
	}
	int64_t items = 0;
	while (bench_running(s)) {
		bench_pause(s);
		rc.now += AC_SECOND;
		ref_allocate(rc.ref, rc.now);
		ref_decline_all(&rc, FOREVER);
		bench_resume(s);
		ref_fw_revive(rc.ref, 0);
		items++;
	}
	bench_items(s, items);
	ref_cluster_fini(&rc);
}

void bench_filters_register(void)
{
	static const bench_def ins = {"filter_insert", filter_insert, "filters", BENCH_US, 0};
	static const bench_def look = {"filter_lookup", filter_lookup, "filters,hit", BENCH_US, 0};
	static const bench_def unc = {"filter_lookup_uncovered", filter_lookup_uncovered, "filters", BENCH_US, 0};
	static const bench_def rc = {"revive_core", revive_core, "filters", BENCH_NS, 200};
	static const bench_def rr = {"revive_ref", revive_ref, "filters", BENCH_NS, 20};
	if (bench_smoke) {
		BENCH_ARGS(&ins, 200);
		BENCH_ARGS(&look, 200, 1);
		BENCH_ARGS(&look, 200, 0);
		BENCH_ARGS(&unc, 200);
		BENCH_ARGS(&rc, 20);
		BENCH_ARGS(&rr, 20);
		return;
	}
	static const int64_t sizes[] = {1000, 100000, 1000000};
	for (int i = 0; i < 3; i++) {
		BENCH_ARGS(&ins, sizes[i]);
		BENCH_ARGS(&look, sizes[i], 1);
		BENCH_ARGS(&look, sizes[i], 0);
		BENCH_ARGS(&unc, sizes[i]);
	}
	BENCH_ARGS(&rc, 1000);
	BENCH_ARGS(&rc, 10000);
	/* The reference's filters come from declined offers (its pass costs
	 * O(agents^2)): 1,000 filters, not 10,000. */
	BENCH_ARGS(&rr, 1000);
}

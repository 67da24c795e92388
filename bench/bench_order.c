/*
 * bench_order.c — the share order (issue 5, item 5) and the core's memory:
 *  - rekey_offer: what an offer does to the order: the framework at the
 *    front (the one served) gets more held resources (book.c ac__held_change:
 *    the framework, its role's leaf and subtree) and moves to its new place;
 *  - rekey_full: the cluster total changed, so every key is recomputed and
 *    every order sorted again (order.c ac__orders_resort);
 *  - memory_agents / memory_fws: bytes per agent and per framework, from
 *    ac_core_memory and from the heap (counting malloc), while timing adds.
 * alloccore keeps each order as a sorted array rather than a heap (see
 * alloccore/src/order.c for why); these measure that structure.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "book.h"
#include "order.h"
#include "policy.h"
#include "state.h"

static uint64_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x >> 33;
}

/* A core with nf frameworks holding random amounts (so that dominant kinds
 * differ) on 1000 agents. */
static int order_setup(core_cluster *cc, uint32_t nf)
{
	if (core_cluster_init(cc, 1000, nf, SHAPE_SCALARS, 16))
		return -1;
	uint64_t seed = 1;
	for (uint32_t i = 0; i < nf; i++) {
		ac_vec v = {{0}};
		v.v[AC_CPUS] = (int64_t)(lcg(&seed) % 1000) * 1000;
		v.v[AC_MEM] = (int64_t)(lcg(&seed) % 200000) * 1000;
		v.v[AC_DISK] = (int64_t)(lcg(&seed) % 200000) * 1000;
		ac__held_change(cc->core, ac__fw_slot(cc->core, cc->fws[i]), &v, &v, +1);
	}
	return 0;
}

static void rekey_offer(bench_state *s)
{
	uint32_t nf = (uint32_t)bench_arg(s, 0);
	core_cluster cc;
	if (order_setup(&cc, nf)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_core *c = cc.core;
	const order *fo = &c->orders[ROLE(c, FW(c, ac__fw_slot(c, cc.fws[0]))->role)->fws_order];
	ac_vec got = {{0}};
	got.v[AC_CPUS] = 24000;
	got.v[AC_MEM] = 4096000;
	got.v[AC_DISK] = 4096000;
	enum { BATCH = 1000 };
	int64_t items = 0;
	while (bench_running(s)) {
		for (int i = 0; i < BATCH; i++) {
			uint32_t f = CLIENT(c, ac__ord_get(fo, 0))->owner;
			ac__held_change(c, f, &got, &got, +1);
		}
		items += BATCH;
	}
	bench_items(s, items);
	core_cluster_fini(&cc);
}

static void rekey_full(bench_state *s)
{
	uint32_t nf = (uint32_t)bench_arg(s, 0);
	core_cluster cc;
	if (order_setup(&cc, nf)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_core *c = cc.core;
	int64_t mem = c->total.v[AC_MEM], items = 0;
	uint64_t flip = 0;
	while (bench_running(s)) {
		/* The total changes (as when an agent joins or leaves): memory
		 * doubles or halves, which moves frameworks whose dominant kind
		 * was close. */
		bench_pause(s);
		c->total.v[AC_MEM] = flip++ & 1 ? mem : 2 * mem;
		ac__policy_totals_changed(c);
		bench_resume(s);
		ac__orders_resort(c, false);
		items += nf;
	}
	c->total.v[AC_MEM] = mem;
	ac__policy_totals_changed(c);
	bench_items(s, items);
	core_cluster_fini(&cc);
}

/* Adds n agents (kind 0: scalars only; 1: Mesos's shape, with ports) or n
 * frameworks to a fresh core; reports the bytes each costs. */
static void memory_entities(bench_state *s, bool agents)
{
	uint32_t n = (uint32_t)bench_arg(s, 0);
	const char *shape = agents && bench_arg(s, 1) ? SHAPE_MESOS : SHAPE_SCALARS;
	char(*names)[24] = calloc(n, sizeof *names);
	for (uint32_t i = 0; i < n; i++)
		snprintf(names[i], sizeof names[i], "%s-%u", agents ? "agent" : "fw", i);
	double core_bytes = 0, heap_bytes = 0;
	int64_t items = 0;
	while (bench_running(s)) {
		bench_pause(s);
		core_cluster cc;
		if (core_cluster_init(&cc, 0, 0, shape, 16)) {
			bench_error(s, "setup failed");
			break;
		}
		ac_resources total;
		core_res(&cc, shape, &total);
		size_t m0 = ac_core_memory(cc.core);
		int64_t h0 = mcount_live_bytes();
		bench_resume(s);
		for (uint32_t i = 0; i < n; i++) {
			int rc = agents ? ac_agent_add(cc.core, names[i], &total, NULL, NULL)
			                : ac_fw_add(cc.core, names[i], NULL, NULL, NULL);
			if (rc)
				abort();
		}
		bench_pause(s);
		core_bytes = (double)(ac_core_memory(cc.core) - m0) / n;
		heap_bytes = (double)(mcount_live_bytes() - h0) / n;
		core_cluster_fini(&cc);
		items += n;
		bench_resume(s);
	}
	bench_items(s, items);
	bench_counter(s, "core_bytes_each", core_bytes, BENCH_PLAIN);
	bench_counter(s, "heap_bytes_each", heap_bytes, BENCH_PLAIN);
	free(names);
}

static void memory_agents(bench_state *s)
{
	memory_entities(s, true);
}

static void memory_fws(bench_state *s)
{
	memory_entities(s, false);
}

void bench_order_register(void)
{
	static const bench_def ro = {"rekey_offer", rekey_offer, "fws", BENCH_US, 0};
	static const bench_def rf = {"rekey_full", rekey_full, "fws", BENCH_US, 0};
	static const bench_def ma = {"memory_agents", memory_agents, "agents,ports", BENCH_MS, 0};
	static const bench_def mf = {"memory_fws", memory_fws, "fws", BENCH_MS, 0};
	if (bench_smoke) {
		BENCH_ARGS(&ro, 10);
		BENCH_ARGS(&rf, 10);
		BENCH_ARGS(&ma, 10, 1);
		BENCH_ARGS(&mf, 10);
		return;
	}
	static const int64_t fws[] = {10, 100, 1000, 10000};
	for (int i = 0; i < 4; i++) {
		BENCH_ARGS(&ro, fws[i]);
		BENCH_ARGS(&rf, fws[i]);
	}
	BENCH_ARGS(&ma, 10000, 0);
	BENCH_ARGS(&ma, 10000, 1);
	BENCH_ARGS(&ma, 50000, 0);
	BENCH_ARGS(&mf, 1000);
	BENCH_ARGS(&mf, 10000);
}

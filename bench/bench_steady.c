/*
 * bench_steady.c — the offer path in steady state (issue 5, items 2 and 3):
 *  - steady_*: every pass's offers are accepted in part (one task), the rest
 *    returned without a filter, and each task recovered one pass later;
 *  - filtered_*: every offer is declined with refuse_seconds = 0.9 x the
 *    number of frameworks (in passes of 1 s), so in steady state about 90%
 *    of the frameworks are filtered on every agent;
 *  - event_*: one agent freed (its task ends) and allocated alone
 *    (ac_allocate_agent) among all frameworks, then accepted whole.
 * Everything inside the loop is timed; split timings are counters.
 */
#include <stdlib.h>

#include "bench.h"

#define TASK "cpus:1;mem:128;disk:128"

typedef struct task {
	ac_fw_id fw;
	ac_agent_id agent;
} task;

/* One round's answers on the bulk path: each batch settled in one call,
 * every offer accepted with task t; the tasks into cur. Returns false on a
 * failure. */
static bool settle_round(core_cluster *cc, const ac_resources *t, ac_batch_answer *ans, task *cur, size_t *ncur)
{
	bool ok = !cc->batches.overflow;
	*ncur = 0;
	for (size_t b = 0; b < cc->batches.n && ok; b++) {
		ac_batch_view v;
		ok = ac_batch_view_get(cc->core, cc->batches.id[b], &v, NULL) == 0;
		for (size_t i = 0; i < v.n && ok; i++) {
			ans[i] = (ac_batch_answer){i, t};
			cur[(*ncur)++] = (task){v.fw, cc->agents[v.agent_tag[i]]};
		}
		ok = ok && ac_batch_settle(cc->core, v.id, ans, v.n, 0, cc->now, NULL) >= 0;
	}
	cc->batches.n = 0;
	return ok;
}

/* steady_core: offers accepted one by one; steady_core_bulk: each pass's
 * batches settled in one call each (every offer accepted with one task, the
 * rest returned, no filter). Tasks recovered one pass later either way. */
static void steady(bench_state *s, bool bulk)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	core_cluster cc;
	if (bulk ? core_cluster_init_bulk(&cc, na, nf, SHAPE_SCALARS)
	         : core_cluster_init(&cc, na, nf, SHAPE_SCALARS, (size_t)na + 16)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_resources t;
	core_res(&cc, TASK, &t);
	task *prev = calloc(na + 16, sizeof *prev), *cur = calloc(na + 16, sizeof *cur);
	ac_batch_answer *ans = calloc(na + 16, sizeof *ans);
	size_t nprev = 0;
	int64_t offers = 0, ns_alloc = 0, ns_accept = 0, ns_recover = 0;
	bool failed = !prev || !cur || !ans;
	for (int warm = 3; warm >= 0 && !failed; warm--) {
		while (warm || bench_running(s)) {
			int64_t t0 = bench_now_ns();
			cc.now += AC_SECOND;
			int n = ac_allocate(cc.core, cc.now, NULL);
			int64_t t1 = bench_now_ns();
			failed |= n < 0 || cc.log.overflow;
			size_t ncur = cc.log.n;
			if (bulk) {
				failed |= !settle_round(&cc, &t, ans, cur, &ncur);
			} else {
				for (size_t i = 0; i < cc.log.n; i++) {
					failed |= ac_offers_accept(cc.core, &cc.log.id[i], 1, &t, 0, cc.now, NULL) != 0;
					cur[i] = (task){cc.log.fw[i], cc.log.agent[i]};
				}
			}
			int64_t t2 = bench_now_ns();
			for (size_t i = 0; i < nprev; i++)
				failed |= ac_recover(cc.core, prev[i].fw, prev[i].agent, &t, NULL) != 0;
			int64_t t3 = bench_now_ns();
			nprev = ncur;
			task *x = prev;
			prev = cur;
			cur = x;
			cc.log.n = 0;
			if (failed) {
				bench_error(s, "steady state failed");
				break;
			}
			if (warm)
				break;
			offers += n;
			ns_alloc += t1 - t0;
			ns_accept += t2 - t1;
			ns_recover += t3 - t2;
		}
	}
	double per = offers ? (double)offers : 1;
	bench_items(s, offers);
	bench_counter(s, "offers", (double)offers, BENCH_PER_ITER);
	bench_counter(s, "alloc_ns_per_offer", (double)ns_alloc / per, BENCH_PLAIN);
	bench_counter(s, "accept_ns_per_offer", (double)ns_accept / per, BENCH_PLAIN);
	bench_counter(s, "recover_ns_per_offer", (double)ns_recover / per, BENCH_PLAIN);
	free(prev);
	free(cur);
	free(ans);
	core_cluster_fini(&cc);
}

static void steady_core(bench_state *s)
{
	steady(s, false);
}

static void steady_core_bulk(bench_state *s)
{
	steady(s, true);
}

static void steady_ref(bench_state *s)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	ref_cluster rc;
	if (ref_cluster_init(&rc, na, nf, SHAPE_SCALARS)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_resources t;
	ac_resources_parse(rc.names, TASK, &t, NULL);
	task *prev = calloc(na + 16, sizeof *prev), *cur = calloc(na + 16, sizeof *cur);
	size_t nprev = 0;
	int64_t offers = 0;
	bool failed = false;
	for (int warm = 3; warm >= 0; warm--) {
		while (warm || bench_running(s)) {
			rc.now += AC_SECOND;
			int n = ref_allocate(rc.ref, rc.now);
			size_t nev;
			const ref_event *ev = ref_events(rc.ref, &nev);
			size_t ncur = 0;
			failed |= n < 0;
			for (size_t i = 0; i < nev && ncur < na + 16; i++) {
				failed |= ref_accept(rc.ref, ev[i].fw, ev[i].agent, &t, 0, rc.now) != 0;
				cur[ncur++] = (task){(ac_fw_id)ev[i].fw, (ac_agent_id)ev[i].agent};
			}
			ref_events_clear(rc.ref);
			for (size_t i = 0; i < nprev; i++)
				failed |= ref_recover(rc.ref, (int)prev[i].fw, (int)prev[i].agent, &t) != 0;
			nprev = ncur;
			task *x = prev;
			prev = cur;
			cur = x;
			if (failed) {
				bench_error(s, "steady state failed");
				break;
			}
			if (warm)
				break;
			offers += n;
		}
	}
	bench_items(s, offers);
	bench_counter(s, "offers", (double)offers, BENCH_PER_ITER);
	free(prev);
	free(cur);
	ref_cluster_fini(&rc);
}

/* Declines refused for 0.9 x frameworks passes of 1 s. */
static ac_time filtered_refuse(uint32_t nf)
{
	return (ac_time)(nf * 9 / 10) * AC_SECOND;
}

static void filtered_core(bench_state *s)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	core_cluster cc;
	if (core_cluster_init(&cc, na, nf, SHAPE_SCALARS, (size_t)na + 16)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_time refuse = filtered_refuse(nf);
	/* Warm-up: long enough for every agent to hold its ~0.9 x F filters. */
	for (uint32_t i = 0; i < nf + 2; i++) {
		cc.now += AC_SECOND;
		ac_allocate(cc.core, cc.now, NULL);
		core_decline_all(&cc, refuse);
	}
	ac_counters c0, c1;
	ac_counters_get(cc.core, &c0);
	int64_t offers = 0;
	while (bench_running(s)) {
		cc.now += AC_SECOND;
		int n = ac_allocate(cc.core, cc.now, NULL);
		if (n < 0 || cc.log.overflow) {
			bench_error(s, "allocation failed");
			break;
		}
		offers += n;
		core_decline_all(&cc, refuse);
	}
	ac_counters_get(cc.core, &c1);
	double skips = (double)(c1.filtered_skips - c0.filtered_skips);
	bench_items(s, offers);
	bench_counter(s, "offers", (double)offers, BENCH_PER_ITER);
	bench_counter(s, "skips", skips, BENCH_PER_ITER);
	bench_counter(s, "skips_per_s", skips, BENCH_RATE);
	bench_counter(s, "live_filters", (double)c1.filters_active, BENCH_PLAIN);
	core_cluster_fini(&cc);
}

static void filtered_ref(bench_state *s)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	ref_cluster rc;
	if (ref_cluster_init(&rc, na, nf, SHAPE_SCALARS)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_time refuse = filtered_refuse(nf);
	for (uint32_t i = 0; i < nf + 2; i++) {
		rc.now += AC_SECOND;
		ref_allocate(rc.ref, rc.now);
		ref_decline_all(&rc, refuse);
	}
	int64_t offers = 0;
	while (bench_running(s)) {
		rc.now += AC_SECOND;
		int n = ref_allocate(rc.ref, rc.now);
		if (n < 0) {
			bench_error(s, "allocation failed");
			break;
		}
		offers += n;
		ref_decline_all(&rc, refuse);
	}
	bench_items(s, offers);
	bench_counter(s, "offers", (double)offers, BENCH_PER_ITER);
	ref_cluster_fini(&rc);
}

/* event_*: agents each wholly used by one framework (round-robin); per
 * iteration agent i mod A is freed, allocated alone and accepted whole. */
static void event_core(bench_state *s)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	core_cluster cc;
	if (core_cluster_init(&cc, na, nf, SHAPE_SCALARS, 16)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_resources whole;
	core_res(&cc, SHAPE_SCALARS, &whole);
	ac_fw_id *owner = calloc(na, sizeof *owner);
	for (uint32_t a = 0; a < na; a++) {
		owner[a] = cc.fws[a % nf];
		if (ac_allocation_restore(cc.core, owner[a], cc.agents[a], &whole, NULL))
			abort();
	}
	uint32_t a = 0;
	int64_t events = 0, ns_alloc = 0;
	bool failed = false;
	while (bench_running(s)) {
		failed |= ac_recover(cc.core, owner[a], cc.agents[a], &whole, NULL) != 0;
		int64_t t0 = bench_now_ns();
		failed |= ac_allocate_agent(cc.core, cc.agents[a], cc.now, NULL) != 1;
		ns_alloc += bench_now_ns() - t0;
		failed |= ac_offers_accept(cc.core, &cc.log.id[0], 1, &whole, 0, cc.now, NULL) != 0;
		owner[a] = cc.log.fw[0];
		cc.log.n = 0;
		if (failed) {
			bench_error(s, "event failed");
			break;
		}
		a = a + 1 == na ? 0 : a + 1;
		events++;
	}
	bench_items(s, events);
	bench_counter(s, "allocate_agent_ns", (double)ns_alloc / (double)(events ? events : 1), BENCH_PLAIN);
	free(owner);
	core_cluster_fini(&cc);
}

static void event_ref(bench_state *s)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	ref_cluster rc;
	if (ref_cluster_init(&rc, na, nf, SHAPE_SCALARS)) {
		bench_error(s, "setup failed");
		return;
	}
	ac_resources whole;
	ac_resources_parse(rc.names, SHAPE_SCALARS, &whole, NULL);
	int *owner = calloc(na, sizeof *owner);
	/* The reference has no restore: give each agent to its owner alone. */
	for (uint32_t f = 0; f < nf; f++)
		ref_fw_suppress(rc.ref, (int)f);
	for (uint32_t a = 0; a < na; a++) {
		owner[a] = (int)(a % nf);
		ref_fw_revive(rc.ref, owner[a]);
		if (ref_allocate_agent(rc.ref, (int)a, rc.now) != 1 ||
		    ref_accept(rc.ref, owner[a], (int)a, &whole, 0, rc.now))
			abort();
		ref_events_clear(rc.ref);
		ref_fw_suppress(rc.ref, owner[a]);
	}
	for (uint32_t f = 0; f < nf; f++)
		ref_fw_revive(rc.ref, (int)f);
	uint32_t a = 0;
	int64_t events = 0;
	bool failed = false;
	while (bench_running(s)) {
		failed |= ref_recover(rc.ref, owner[a], (int)a, &whole) != 0;
		failed |= ref_allocate_agent(rc.ref, (int)a, rc.now) != 1;
		size_t nev;
		const ref_event *ev = ref_events(rc.ref, &nev);
		failed |= nev != 1;
		if (!failed) {
			owner[a] = ev[0].fw;
			failed |= ref_accept(rc.ref, owner[a], (int)a, &whole, 0, rc.now) != 0;
		}
		ref_events_clear(rc.ref);
		if (failed) {
			bench_error(s, "event failed");
			break;
		}
		a = a + 1 == na ? 0 : a + 1;
		events++;
	}
	bench_items(s, events);
	free(owner);
	ref_cluster_fini(&rc);
}

void bench_steady_register(void)
{
	static const bench_def sc = {"steady_core", steady_core, "agents,fws", BENCH_MS, 0};
	static const bench_def sr = {"steady_ref", steady_ref, "agents,fws", BENCH_MS, 0};
	static const bench_def sb = {"steady_core_bulk", steady_core_bulk, "agents,fws", BENCH_MS, 0};
	static const bench_def fc = {"filtered_core", filtered_core, "agents,fws", BENCH_MS, 0};
	static const bench_def fr = {"filtered_ref", filtered_ref, "agents,fws", BENCH_MS, 0};
	static const bench_def ec = {"event_core", event_core, "agents,fws", BENCH_NS, 0};
	static const bench_def er = {"event_ref", event_ref, "agents,fws", BENCH_US, 0};
	if (bench_smoke) {
		BENCH_ARGS(&sc, 20, 4);
		BENCH_ARGS(&sr, 20, 4);
		BENCH_ARGS(&sb, 20, 4);
		BENCH_ARGS(&fc, 20, 10);
		BENCH_ARGS(&fr, 20, 10);
		BENCH_ARGS(&ec, 20, 10);
		BENCH_ARGS(&er, 20, 10);
		return;
	}
	BENCH_ARGS(&sc, 10000, 10);
	BENCH_ARGS(&sc, 10000, 100);
	BENCH_ARGS(&sc, 10000, 1000);
	BENCH_ARGS(&sc, 1000, 100);
	BENCH_ARGS(&sb, 1000, 100);
	BENCH_ARGS(&sb, 10000, 1000);
	BENCH_ARGS(&sr, 1000, 100);
	BENCH_ARGS(&fc, 10000, 100);
	BENCH_ARGS(&fc, 1000, 1000);
	BENCH_ARGS(&fc, 100, 20);
	BENCH_ARGS(&fr, 100, 20);
	BENCH_ARGS(&ec, 1000, 1000);
	BENCH_ARGS(&ec, 10000, 1000);
	BENCH_ARGS(&er, 1000, 1000);
}

/*
 * bench_pass.c — full allocation passes (issue 5, item 1) and Mesos's own
 * DeclineOffers benchmark reproduced (agents partly used, every offer
 * declined with a long filter, one pass per round), on alloccore and on the
 * reference allocator. Between timed passes every offer is declined with
 * refuse 0 (no filter), so each pass starts from the same free cluster.
 */
#include <stdio.h>

#include "bench.h"

#define YEAR_NS (365 * 24 * 3600 * AC_SECOND)

/* pass_*: agents x frameworks, all agents free, every framework wanting.
 * bulk (pass_*_bulk): each framework's offers reported as one batch and
 * declined between passes with one settle each, instead of one hook call
 * and one decline per offer. */
static void pass_core(bench_state *s, const char *shape, bool bulk)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	core_cluster cc;
	if (bulk ? core_cluster_init_bulk(&cc, na, nf, shape)
	         : core_cluster_init(&cc, na, nf, shape, (size_t)na + 16)) {
		bench_error(s, "setup failed");
		return;
	}
	/* Warm-up: the pass's scratch arrays reach their size. */
	cc.now += AC_SECOND;
	ac_allocate(cc.core, cc.now, NULL);
	bulk ? core_settle_all(&cc, 0) : core_decline_all(&cc, 0);
	int64_t offers = 0;
	while (bench_running(s)) {
		cc.now += AC_SECOND;
		int n = ac_allocate(cc.core, cc.now, NULL);
		bench_pause(s);
		if (n < 0 || cc.log.overflow || cc.batches.overflow) {
			bench_error(s, "allocation failed");
			break;
		}
		offers += n;
		bulk ? core_settle_all(&cc, 0) : core_decline_all(&cc, 0);
		bench_resume(s);
	}
	bench_items(s, offers);
	bench_counter(s, "offers", (double)offers, BENCH_PER_ITER);
	bench_counter(s, "core_bytes", (double)ac_core_memory(cc.core), BENCH_PLAIN);
	/* Everything the core holds (agents, frameworks, offers), per agent. */
	bench_counter(s, "bytes_per_agent", (double)ac_core_memory(cc.core) / na, BENCH_PLAIN);
	core_cluster_fini(&cc);
}

static void pass_core_bulk_mesos_shape(bench_state *s)
{
	pass_core(s, SHAPE_MESOS, true);
}

static void pass_core_bulk_scalars(bench_state *s)
{
	pass_core(s, SHAPE_SCALARS, true);
}

static void pass_core_mesos_shape(bench_state *s)
{
	pass_core(s, SHAPE_MESOS, false);
}

static void pass_core_scalars(bench_state *s)
{
	pass_core(s, SHAPE_SCALARS, false);
}

static void pass_ref_mesos_shape(bench_state *s)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	ref_cluster rc;
	if (ref_cluster_init(&rc, na, nf, SHAPE_MESOS)) {
		bench_error(s, "setup failed");
		return;
	}
	int64_t offers = 0;
	while (bench_running(s)) {
		rc.now += AC_SECOND;
		int n = ref_allocate(rc.ref, rc.now);
		bench_pause(s);
		if (n < 0) {
			bench_error(s, "allocation failed");
			break;
		}
		offers += n;
		ref_decline_all(&rc, 0);
		bench_resume(s);
	}
	bench_items(s, offers);
	bench_counter(s, "offers", (double)offers, BENCH_PER_ITER);
	ref_cluster_fini(&rc);
}

/* mesos_decline_*: Mesos's DeclineOffers (mesos-allocator.md 3.1). Agents
 * cpus:24;mem:4096;disk:4096;ports:[31000-32000], each partly used by one
 * framework (round-robin). Each iteration is one round: one pass, timed;
 * then every offer is declined, with refuse_seconds = 365 days (filter = 1,
 * Mesos's DeclineOffers) or with no filter (filter = 0, the "no filtering"
 * cycle of the Mesos 1.7 blog). Three rounds, as Mesos quotes rounds 0-2. */
static void mesos_decline_core(bench_state *s)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	ac_time refuse = bench_arg(s, 2) ? YEAR_NS : 0;
	core_cluster cc;
	if (core_cluster_init(&cc, na, nf, SHAPE_MESOS, (size_t)na + 16) || core_cluster_mesos_used(&cc)) {
		bench_error(s, "setup failed");
		return;
	}
	int64_t offers = 0;
	ac_counters c0, c1;
	ac_counters_get(cc.core, &c0);
	while (bench_running(s)) {
		cc.now += AC_SECOND;
		int n = ac_allocate(cc.core, cc.now, NULL);
		bench_pause(s);
		if (n < 0 || cc.log.overflow) {
			bench_error(s, "allocation failed");
			break;
		}
		offers += n;
		core_decline_all(&cc, refuse);
		bench_resume(s);
	}
	ac_counters_get(cc.core, &c1);
	bench_items(s, offers);
	bench_counter(s, "offers", (double)offers, BENCH_PER_ITER);
	bench_counter(s, "filtered", (double)(c1.filtered_skips - c0.filtered_skips), BENCH_PER_ITER);
	core_cluster_fini(&cc);
}

static void mesos_decline_ref(bench_state *s)
{
	uint32_t na = (uint32_t)bench_arg(s, 0), nf = (uint32_t)bench_arg(s, 1);
	ac_time refuse = bench_arg(s, 2) ? YEAR_NS : 0;
	ref_cluster rc;
	if (ref_cluster_init(&rc, na, nf, SHAPE_MESOS) || ref_cluster_mesos_used(&rc)) {
		bench_error(s, "setup failed");
		return;
	}
	int64_t offers = 0;
	while (bench_running(s)) {
		rc.now += AC_SECOND;
		int n = ref_allocate(rc.ref, rc.now);
		bench_pause(s);
		if (n < 0) {
			bench_error(s, "allocation failed");
			break;
		}
		offers += n;
		ref_decline_all(&rc, refuse);
		bench_resume(s);
	}
	bench_items(s, offers);
	bench_counter(s, "offers", (double)offers, BENCH_PER_ITER);
	ref_cluster_fini(&rc);
}

void bench_pass_register(void)
{
	static const bench_def core = {"pass_core", pass_core_mesos_shape, "agents,fws", BENCH_MS, 0};
	static const bench_def core_sc = {"pass_core_scalars", pass_core_scalars, "agents,fws", BENCH_MS, 0};
	static const bench_def ref = {"pass_ref", pass_ref_mesos_shape, "agents,fws", BENCH_MS, 0};
	static const bench_def bulk = {"pass_core_bulk", pass_core_bulk_mesos_shape, "agents,fws", BENCH_MS, 0};
	static const bench_def bulk_sc = {"pass_core_bulk_scalars", pass_core_bulk_scalars, "agents,fws", BENCH_MS, 0};
	static const bench_def dcore = {"mesos_decline_core", mesos_decline_core, "agents,fws,filter", BENCH_MS, 3};
	static const bench_def dref = {"mesos_decline_ref", mesos_decline_ref, "agents,fws,filter", BENCH_MS, 3};
	if (bench_smoke) {
		BENCH_ARGS(&core, 20, 4);
		BENCH_ARGS(&core_sc, 20, 4);
		BENCH_ARGS(&ref, 20, 4);
		BENCH_ARGS(&bulk, 20, 4);
		BENCH_ARGS(&bulk_sc, 20, 4);
		BENCH_ARGS(&dcore, 20, 4, 1);
		BENCH_ARGS(&dref, 20, 4, 1);
		return;
	}
	/* The grid, plus the reference's smaller sizes for the ratio. */
	static const int64_t agents[] = {100, 1000, 10000, 50000}, fws[] = {10, 100, 1000};
	for (int a = 0; a < 4; a++)
		for (int f = 0; f < 3; f++)
			BENCH_ARGS(&core, agents[a], fws[f]);
	BENCH_ARGS(&core_sc, 10000, 1000);
	BENCH_ARGS(&bulk, 10000, 1000);
	BENCH_ARGS(&bulk_sc, 10000, 1000);
	/* The reference costs O(agents^2 x frameworks) per pass: small sizes. */
	BENCH_ARGS(&ref, 100, 10);
	BENCH_ARGS(&ref, 100, 100);
	BENCH_ARGS(&ref, 1000, 10);
	BENCH_ARGS(&ref, 1000, 100);
	BENCH_ARGS(&ref, 1000, 1000);
	/* Mesos's published sizes: DeclineOffers (MESOS-4694 rows; commits B, C
	 * and F) and the 1.7 blog's no-filter cycles. */
	BENCH_ARGS(&dcore, 2000, 200, 1);
	BENCH_ARGS(&dcore, 2000, 2000, 1);
	BENCH_ARGS(&dcore, 10000, 1000, 1);
	BENCH_ARGS(&dcore, 10000, 3000, 1);
	BENCH_ARGS(&dcore, 1000, 100, 0);
	BENCH_ARGS(&dcore, 5000, 500, 0);
	BENCH_ARGS(&dcore, 10000, 1000, 0);
	BENCH_ARGS(&dcore, 20000, 2000, 0);
	/* Reference twins at sizes it can run (1000 x 100 is the blog's). */
	BENCH_ARGS(&dcore, 1000, 100, 1);
	BENCH_ARGS(&dref, 1000, 100, 1);
	BENCH_ARGS(&dref, 1000, 100, 0);
}

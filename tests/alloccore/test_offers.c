/*
 * test_offers.c — the offer book: accept (use part, the rest declined),
 * recover, offer timeout, rescinds on agent/framework changes, handles
 * that cannot be confused after their slot is reused, and batches (the bulk
 * hook, views and ac_batch_settle).
 */
#include "harness.h"

static void assert_free(harness *h, ac_agent_id m, const char *want)
{
	ac_agent_info ai;
	assert_int_equal(ac_agent_info_get(h->core, m, &ai, NULL), 0);
	assert_string_equal(h_fmt(h, &ai.free), want);
}

/* Accept uses part of an offer; the rest is free again (here with refuse 0,
 * so no filter) and recover returns the used part. */
static void test_accept_then_recover(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:4;mem:4096;ports:[31000-31009]");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer A m0 cpus:4;mem:4096;ports:[31000-31009]");
	assert_free(h, m, "");
	ac_err err = {0};
	assert_int_equal(h_accept(h, a, m, "cpus:1;mem:512;ports:[31002-31003]", 0, &err), 0);
	assert_free(h, m, "cpus:3;mem:3584;ports:[31000-31001,31004-31009]");
	ac_resources held;
	assert_int_equal(ac_allocation_get(h->core, a, m, &held, NULL), 0);
	assert_string_equal(h_fmt(h, &held), "cpus:1;mem:512;ports:[31002-31003]");
	ac_fw_info fi;
	ac_fw_info_get(h->core, a, &fi, NULL);
	assert_int_equal(fi.allocated.v[AC_CPUS], 1000);
	assert_int_equal(fi.offered.v[AC_CPUS], 0);
	ac_resources r = h_res(h, "cpus:1;mem:512;ports:[31002-31003]");
	assert_int_equal(ac_recover(h->core, a, m, &r, &err), 0);
	assert_free(h, m, "cpus:4;mem:4096;ports:[31000-31009]");
	assert_int_equal(ac_allocation_get(h->core, a, m, &held, NULL), 0);
	assert_true(ac_resources_empty(&held));
	h_free(h);
}

/* Offers time out only when a timeout is set, once their age reaches it;
 * their resources are free again and count no more toward the share. */
static void test_offer_timeout(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:4;mem:4096");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 1);
	h_advance(h, 100);
	assert_int_equal(h->nev, 1);
	assert_int_equal(ac_core_set_offer_timeout(h->core, 10 * AC_SECOND, NULL), 0);
	assert_int_equal(h_allocate(h), 0);
	h_advance(h, 0); /* made at 0, the offer is 100 s old */
	assert_int_equal(h->nev, 2);
	assert_string_equal(h_line(h, 1), "rescind A m0 cpus:4;mem:4096");
	assert_free(h, m, "cpus:4;mem:4096");
	ac_fw_info fi;
	ac_fw_info_get(h->core, a, &fi, NULL);
	assert_true(fi.dominant_share == 0);
	/* A fresh offer at 100 s lives until 110 s exactly. */
	assert_int_equal(h_allocate(h), 1);
	h_advance(h, 9.999);
	assert_int_equal(h->nev, 3);
	h_advance(h, 0.001);
	assert_int_equal(h->nev, 4);
	h_free(h);
}

/* Removing or updating an agent, removing or deactivating a framework
 * rescind its offers (no filter: the resources go out again). */
static void test_rescinds(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m0 = h_agent(h, "m0", "cpus:1;mem:1024");
	ac_agent_id m1 = h_agent(h, "m1", "cpus:1;mem:1024");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	ac_fw_id b = h_fw(h, "B", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 2); /* A m0, B m1 */
	ac_resources bigger = h_res(h, "cpus:2;mem:1024");
	assert_int_equal(ac_agent_update(h->core, m0, &bigger, NULL), 0);
	assert_string_equal(h_line(h, 2), "rescind A m0 cpus:1;mem:1024");
	assert_int_equal(ac_agent_remove(h->core, m1, NULL), 0);
	assert_string_equal(h->ev[3].rescind ? "rescind" : "offer", "rescind");
	assert_int_equal(h->ev[3].fw, b);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 4), "offer A m0 cpus:2;mem:1024");
	assert_int_equal(ac_fw_deactivate(h->core, a, NULL), 0);
	assert_string_equal(h_line(h, 5), "rescind A m0 cpus:2;mem:1024");
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 6), "offer B m0 cpus:2;mem:1024");
	assert_int_equal(ac_fw_remove(h->core, b, NULL), 0);
	assert_int_equal(h->nev, 8);
	assert_true(h->ev[7].rescind);
	assert_free(h, m0, "cpus:2;mem:1024");
	h_free(h);
}

/* An answered offer's id stays dead even when its storage is reused (the
 * next pass's batch takes the same slot and entry). */
static void test_offer_ids_not_confused_after_reuse(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:1;mem:1024");
	h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 1);
	ac_offer_id first = h->ev[0].id;
	ac_err err = {0};
	assert_int_equal(ac_offers_decline(h->core, &first, 1, 0, h->now, &err), 0);
	assert_int_equal(h_allocate(h), 1);
	ac_offer_id second = h->ev[1].id;
	assert_true(first != second);
	assert_int_equal(first & ((1u << AC_BATCH_ENTRY_BITS) - 1), second & ((1u << AC_BATCH_ENTRY_BITS) - 1));
	assert_int_equal(ac_offers_decline(h->core, &first, 1, 0, h->now, &err), AC_ENOENT);
	ac_offer_info oi;
	assert_int_equal(ac_offer_info_get(h->core, second, &oi, NULL), 0);
	assert_int_equal(oi.agent, m);
	h_free(h);
}

/* An agent shrunk below what is allocated is over-allocated: nothing more
 * is offered there until enough is recovered. */
static void test_over_allocation_after_shrink(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:4;mem:4096");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_accept(h, a, m, "cpus:3;mem:1024", 0, NULL), 0);
	ac_resources small = h_res(h, "cpus:2;mem:4096");
	assert_int_equal(ac_agent_update(h->core, m, &small, NULL), 0);
	assert_free(h, m, "mem:3072");
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 1), "offer A m0 mem:3072");
	h_free(h);
}

/* A deactivated agent gets its offers rescinded and no new ones; what
 * frameworks hold there stays; activation makes it offerable again. */
static void test_agent_deactivate(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:4;mem:4096");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_accept(h, a, m, "cpus:1;mem:512", 0, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(ac_agent_deactivate(h->core, m, NULL), 0);
	assert_string_equal(h_line(h, 2), "rescind A m0 cpus:3;mem:3584");
	assert_int_equal(h_allocate(h), 0);
	ac_agent_info ai;
	assert_int_equal(ac_agent_info_get(h->core, m, &ai, NULL), 0);
	assert_false(ai.active);
	ac_resources held;
	assert_int_equal(ac_allocation_get(h->core, a, m, &held, NULL), 0);
	assert_string_equal(h_fmt(h, &held), "cpus:1;mem:512");
	assert_int_equal(ac_agent_activate(h->core, m, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 3), "offer A m0 cpus:3;mem:3584");
	assert_int_equal(ac_agent_deactivate(h->core, 99, NULL), AC_ENOENT);
	h_free(h);
}

/* Tags are the caller's numbers, carried by every offer view (offers and
 * rescinds): 0 until set, a change reaches outstanding offers, and a stale
 * handle is refused. */
static void test_tags(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m0 = h_agent(h, "m0", "cpus:4;mem:4096");
	ac_agent_id m1 = h_agent(h, "m1", "cpus:4;mem:4096");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	ac_err err = {0};
	assert_int_equal(ac_agent_set_tag(h->core, m1, 11, &err), 0);
	assert_int_equal(ac_fw_set_tag(h->core, a, 7, &err), 0);
	assert_int_equal(h_allocate(h), 2);
	assert_int_equal(h->ev[0].agent_tag, 0); /* m0: never set */
	assert_int_equal(h->ev[0].fw_tag, 7);
	assert_int_equal(h->ev[1].agent_tag, 11);
	/* a new tag reaches the offer already out */
	assert_int_equal(ac_agent_set_tag(h->core, m1, 12, &err), 0);
	assert_int_equal(ac_agent_remove(h->core, m1, &err), 0);
	assert_int_equal(h->nev, 3);
	assert_true(h->ev[2].rescind);
	assert_int_equal(h->ev[2].agent_tag, 12);
	assert_int_equal(h->ev[2].fw_tag, 7);
	/* m1 is gone: its handle is stale */
	assert_int_equal(ac_agent_set_tag(h->core, m1, 1, &err), AC_ENOENT);
	assert_int_equal(ac_fw_set_tag(h->core, a + 1, 1, &err), AC_ENOENT);
	(void)m0;
	h_free(h);
}

/* ac_offers_decline_each: offers of one framework on several agents, each
 * filtered on its own agent; bad calls change nothing. */
static void test_decline_each(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m0 = h_agent(h, "m0", "cpus:4;mem:4096");
	ac_agent_id m1 = h_agent(h, "m1", "cpus:2;mem:2048;ports:[31000-31001]");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	ac_err err = {0};
	assert_int_equal(h_allocate(h), 2);
	ac_offer_id ids[3] = {h->ev[0].id, h->ev[1].id, h->ev[0].id};
	/* refused whole: a repeat, an unknown id, another framework's offer */
	assert_int_equal(ac_offers_decline_each(h->core, ids, 3, AC_SECOND, h->now, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
	ac_offer_id bad[2] = {h->ev[0].id, 12345};
	assert_int_equal(ac_offers_decline_each(h->core, bad, 2, AC_SECOND, h->now, &err), AC_ENOENT);
	assert_int_equal(ac_offers_decline_each(h->core, ids, 0, AC_SECOND, h->now, &err), AC_EINVAL);
	assert_int_equal(ac_offers_decline_each(h->core, ids, 2, -1, h->now, &err), AC_EINVAL);
	ac_fw_info fi;
	ac_fw_info_get(h->core, a, &fi, NULL);
	assert_int_equal(fi.offered.v[AC_CPUS], 6000); /* both still out */
	assert_free(h, m0, "");
	/* both declined (m1's through the ports path), each filtered */
	if (ac_offers_decline_each(h->core, ids, 2, 10 * AC_SECOND, h->now, &err) != 0)
		fail_msg("decline_each: %s", err.msg);
	ac_fw_info_get(h->core, a, &fi, NULL);
	assert_int_equal(fi.offered.v[AC_CPUS], 0);
	assert_free(h, m0, "cpus:4;mem:4096");
	assert_free(h, m1, "cpus:2;mem:2048;ports:[31000-31001]");
	assert_int_equal(h_allocate(h), 0); /* filtered on both agents */
	ac_counters ct;
	ac_counters_get(h->core, &ct);
	assert_int_equal(ct.offers_declined, 2);
	/* answered already */
	assert_int_equal(ac_offers_decline_each(h->core, ids, 1, 0, h->now, &err), AC_ENOENT);
	h_advance(h, 10);
	assert_int_equal(h_allocate(h), 2); /* the filters ended */
	h_free(h);
}

/* Batches the bulk hook reported, for the tests below. */
static ac_batch_view batches[16];
static size_t nbatches;

static void on_batch(void *ud, const ac_batch_view *b)
{
	(void)ud;
	assert_true(nbatches < 16);
	batches[nbatches++] = *b;
}

/* n agents m0.. of cpus:2;mem:1024 (the last with `last` instead), tagged
 * 100 + index; the core reports batches to on_batch. */
static void batch_agents(harness *h, ac_agent_id *m, int n, const char *last)
{
	nbatches = 0;
	ac_core_set_batch_hook(h->core, on_batch, NULL);
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof name, "m%d", i);
		m[i] = h_agent(h, name, i == n - 1 ? last : "cpus:2;mem:1024");
		assert_int_equal(ac_agent_set_tag(h->core, m[i], 100 + (uint64_t)i, NULL), 0);
	}
}

/* A pass reports each framework's offers as one batch, after the per-offer
 * hook, in the order of each framework's first offer; entry i is the offer
 * the per-offer hook reported with the id ac_batch_offer_id(batch, i). */
static void test_batch_hook_and_view(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m[4];
	batch_agents(h, m, 4, "cpus:1;mem:512;ports:[31000-31001]");
	ac_fw_id b = h_fw(h, "B", NULL, 0, 0), a = h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(ac_fw_set_tag(h->core, a, 7, NULL), 0);
	/* A and B tie on share and count: the name decides, A first; they
	 * then take turns */
	assert_int_equal(h_allocate(h), 4);
	assert_int_equal(nbatches, 2);
	assert_int_equal(batches[0].fw, a);
	assert_int_equal(batches[0].fw_tag, 7);
	assert_int_equal(batches[1].fw, b);
	assert_int_equal(batches[0].n, 2);
	assert_int_equal(batches[0].live_count, 2);
	assert_true(batches[1].extras); /* m3's ports */
	assert_false(batches[0].extras);
	size_t seen = 0;
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < batches[k].n; i++) {
			ac_offer_id id = ac_batch_offer_id(batches[k].id, i);
			size_t e = 0;
			while (e < h->nev && h->ev[e].id != id)
				e++;
			assert_true(e < h->nev);
			assert_int_equal(h->ev[e].fw, batches[k].fw);
			assert_int_equal(h->ev[e].agent_tag, batches[k].agent_tag[i]);
			ac_vec v, s = ac_batch_scalars(&batches[k], i);
			ac_resources_scalars(&h->ev[e].res, &v);
			assert_memory_equal(&v, &s, sizeof v);
			assert_int_equal(batches[k].live[i], 1);
			seen++;
		}
	assert_int_equal(seen, 4);
	/* answered one by one, the batch shrinks, then goes */
	ac_batch_view v;
	ac_err err = {0};
	assert_int_equal(ac_offers_decline(h->core, &h->ev[0].id, 1, 0, h->now, &err), 0);
	ac_batch_id first = h->ev[0].id >> AC_BATCH_ENTRY_BITS;
	assert_int_equal(ac_batch_view_get(h->core, first, &v, &err), 0);
	assert_int_equal(v.live_count, 1);
	ac_offer_id rest[2];
	assert_int_equal(ac_offers_of(h->core, v.fw, 0, rest, 2), 1);
	assert_int_equal(ac_offers_decline(h->core, rest, 1, 0, h->now, &err), 0);
	assert_int_equal(ac_batch_view_get(h->core, first, &v, &err), AC_ENOENT);
	assert_int_equal(ac_batch_settle(h->core, first, NULL, 0, 0, h->now, &err), AC_ENOENT);
	h_free(h);
}

static void assert_counters(harness *h, uint64_t accepted, uint64_t declined, uint64_t outstanding)
{
	ac_counters ct;
	ac_counters_get(h->core, &ct);
	assert_int_equal(ct.offers_accepted, accepted);
	assert_int_equal(ct.offers_declined, declined);
	assert_int_equal(ct.outstanding_offers, outstanding);
}

/* ac_batch_settle: accepts the named offers, keeps those named without
 * `used`, declines the rest each with its own filter; a bad call changes
 * nothing; an offer rescinded meanwhile is simply not there. */
static void test_batch_settle(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m[5];
	batch_agents(h, m, 5, "cpus:2;mem:1024;ports:[31000-31003]");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 5);
	assert_int_equal(nbatches, 1);
	ac_batch_id id = batches[0].id;
	ac_err err = {0};
	ac_resources one = h_res(h, "cpus:1;mem:256"), much = h_res(h, "cpus:3"),
	             port = h_res(h, "cpus:1;ports:[31001-31001]");
	/* refused whole: a repeat, an index past the end, more than offered */
	ac_batch_answer twice[2] = {{0, &one}, {0, NULL}}, past[1] = {{5, &one}}, over[1] = {{1, &much}};
	assert_int_equal(ac_batch_settle(h->core, id, twice, 2, AC_SECOND, h->now, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(ac_batch_settle(h->core, id, past, 1, AC_SECOND, h->now, &err), AC_ENOENT);
	assert_int_equal(ac_batch_settle(h->core, id, over, 1, AC_SECOND, h->now, &err), AC_EINVAL);
	assert_int_equal(ac_batch_settle(h->core, id, NULL, 0, -1, h->now, &err), AC_EINVAL);
	assert_counters(h, 0, 0, 5);
	for (int i = 0; i < 5; i++)
		assert_free(h, m[i], "");
	/* m1 goes before the answer: its offer is rescinded */
	assert_int_equal(ac_agent_remove(h->core, m[1], &err), 0);
	ac_batch_answer gone[1] = {{1, &one}};
	assert_int_equal(ac_batch_settle(h->core, id, gone, 1, AC_SECOND, h->now, &err), AC_ENOENT);
	/* accept on m0 and on m4 (a port), keep m2, decline m3 */
	ac_batch_answer ans[3] = {{0, &one}, {2, NULL}, {4, &port}};
	int n = ac_batch_settle(h->core, id, ans, 3, 10 * AC_SECOND, h->now, &err);
	if (n < 0)
		fail_msg("settle: %s", err.msg);
	assert_int_equal(n, 3);
	assert_counters(h, 2, 1, 1);
	assert_free(h, m[0], "cpus:1;mem:768");
	assert_free(h, m[2], "");
	assert_free(h, m[3], "cpus:2;mem:1024");
	assert_free(h, m[4], "cpus:1;mem:1024;ports:[31000-31000,31002-31003]");
	ac_resources held;
	assert_int_equal(ac_allocation_get(h->core, a, m[4], &held, NULL), 0);
	assert_string_equal(h_fmt(h, &held), "cpus:1;ports:[31001-31001]");
	ac_fw_info fi;
	ac_fw_info_get(h->core, a, &fi, NULL);
	assert_int_equal(fi.offered.v[AC_CPUS], 2000); /* m2's, kept */
	assert_int_equal(fi.allocated.v[AC_CPUS], 2000);
	/* the unused parts and m3 are filtered for A for 10 s */
	assert_int_equal(h_allocate(h), 0);
	ac_batch_view v;
	assert_int_equal(ac_batch_view_get(h->core, id, &v, &err), 0);
	assert_int_equal(v.live_count, 1);
	assert_int_equal(v.live[2], 1);
	assert_int_equal(v.live[0] + v.live[1] + v.live[3] + v.live[4], 0);
	/* the kept one, declined at last: the batch goes */
	assert_int_equal(ac_batch_settle(h->core, id, NULL, 0, 0, h->now, &err), 1);
	assert_int_equal(ac_batch_view_get(h->core, id, &v, &err), AC_ENOENT);
	assert_counters(h, 2, 2, 0);
	assert_free(h, m[2], "cpus:2;mem:1024");
	h_advance(h, 10);
	assert_int_equal(h_allocate(h), 4); /* the filters ended */
	h_free(h);
}

/* Dynamic reservations: from the free set, then within what a framework
 * accepted; the reserved part is offered only to the role afterwards, and
 * unreserving returns it to everyone. Bad requests change nothing. */
static void test_dynamic_reserve(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:4;mem:4096;cpus(web):1");
	ac_fw_id a = h_fw(h, "A", "web", 0, 0);
	ac_err err = {0};
	ac_resources two = h_res(h, "cpus:2;mem:1024");
	assert_int_equal(ac_agent_reserve(h->core, m, 0, "web", &two, &err), 0);
	assert_free(h, m, "cpus:2;mem:3072;cpus(web):3;mem(web):1024");
	ac_agent_info ai;
	ac_agent_info_get(h->core, m, &ai, NULL);
	assert_string_equal(h_fmt(h, &ai.total), "cpus:2;mem:3072;cpus(web):3;mem(web):1024");
	ac_role_info ri;
	assert_int_equal(ac_role_info_get(h->core, "web", &ri, NULL), 0);
	assert_int_equal(ri.reserved.v[AC_CPUS], 3000);
	/* Too much, ports, "*", nothing, unknown agent: refused, no change. */
	ac_resources big = h_res(h, "cpus:3"), ports = h_res(h, "ports:[1-2]"), none = h_res(h, "");
	assert_int_equal(ac_agent_reserve(h->core, m, 0, "web", &big, &err), AC_EINVAL);
	assert_int_equal(ac_agent_reserve(h->core, m, 0, "web", &ports, &err), AC_EINVAL);
	assert_int_equal(ac_agent_reserve(h->core, m, 0, "*", &two, &err), AC_EINVAL);
	assert_int_equal(ac_agent_reserve(h->core, m, 0, "web", &none, &err), AC_EINVAL);
	assert_int_equal(ac_agent_reserve(h->core, m + 1, 0, "web", &two, &err), AC_ENOENT);
	ac_resources four = h_res(h, "cpus:4");
	assert_int_equal(ac_agent_unreserve(h->core, m, 0, "web", &four, &err), AC_EINVAL);
	assert_free(h, m, "cpus:2;mem:3072;cpus(web):3;mem(web):1024");
	/* A framework of another role is offered the unreserved part only. */
	ac_fw_id b = h_fw(h, "B", "batch", 0, 0);
	ac_fw_suppress(h->core, a, NULL);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer B m0 cpus:2;mem:3072");
	assert_int_equal(h_accept(h, b, m, "cpus:1;mem:512", 0, &err), 0);
	/* Within what B holds: the reservation follows the held resources. */
	ac_resources one = h_res(h, "cpus:1");
	assert_int_equal(ac_agent_reserve(h->core, m, b, "batch", &one, &err), 0);
	ac_resources held;
	ac_allocation_get(h->core, b, m, &held, NULL);
	assert_string_equal(h_fmt(h, &held), "mem:512;cpus(batch):1");
	ac_fw_info fi;
	ac_fw_info_get(h->core, b, &fi, NULL);
	assert_int_equal(fi.allocated.v[AC_CPUS], 1000);
	assert_int_equal(ac_agent_reserve(h->core, m, b, "batch", &one, &err), AC_EINVAL);
	assert_int_equal(ac_recover(h->core, b, m, &held, &err), 0);
	assert_free(h, m, "cpus:1;mem:3072;cpus(batch):1;cpus(web):3;mem(web):1024");
	/* Unreserve from the free set; then A (web) gets the rest of web's. */
	assert_int_equal(ac_agent_unreserve(h->core, m, 0, "web", &two, &err), 0);
	assert_free(h, m, "cpus:3;mem:4096;cpus(batch):1;cpus(web):1");
	ac_fw_revive(h->core, a, NULL);
	ac_fw_suppress(h->core, b, NULL);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 1), "offer A m0 cpus:3;mem:4096;cpus(web):1");
	h_free(h);
}

/* Refinement: part of eng's reservation moves to eng/web's and back;
 * sideways or to the same role is refused and changes nothing; quota
 * consumption of the parent counts its subroles' reservations. */
static void test_reservation_refine(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:4;mem:4096");
	ac_err err = {0};
	ac_resources two = h_res(h, "cpus:2;mem:1024"), one = h_res(h, "cpus:1");
	assert_int_equal(ac_agent_reserve(h->core, m, 0, "eng", &two, &err), 0);
	assert_int_equal(ac_agent_move_reservation(h->core, m, 0, "eng", "eng/web", &one, &err), 0);
	assert_free(h, m, "cpus:2;mem:3072;cpus(eng):1;mem(eng):1024;cpus(eng/web):1");
	ac_role_info ri;
	assert_int_equal(ac_role_info_get(h->core, "eng", &ri, NULL), 0);
	assert_int_equal(ri.reserved.v[AC_CPUS], 2000); /* its own and eng/web's */
	/* Refused, nothing changed: sideways, same role, more than there is,
	 * a refinement of unreserved resources that are not there. */
	ac_resources three = h_res(h, "cpus:3");
	assert_int_equal(ac_agent_move_reservation(h->core, m, 0, "eng", "batch", &one, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "not a refinement"));
	assert_int_equal(ac_agent_move_reservation(h->core, m, 0, "eng", "eng", &one, &err), AC_EINVAL);
	assert_int_equal(ac_agent_move_reservation(h->core, m, 0, "eng", "eng/web", &three, &err), AC_EINVAL);
	assert_int_equal(ac_agent_move_reservation(h->core, m, 0, "*", "*", &one, &err), AC_EINVAL);
	assert_free(h, m, "cpus:2;mem:3072;cpus(eng):1;mem(eng):1024;cpus(eng/web):1");
	/* Undone, back to eng's (not to unreserved); then eng's undone. */
	assert_int_equal(ac_agent_move_reservation(h->core, m, 0, "eng/web", "eng", &one, &err), 0);
	assert_free(h, m, "cpus:2;mem:3072;cpus(eng):2;mem(eng):1024");
	assert_int_equal(ac_agent_move_reservation(h->core, m, 0, "eng", NULL, &two, &err), 0);
	assert_free(h, m, "cpus:4;mem:4096");
	h_free(h);
}

/* Ports reserved at run time: a range moves into a role's reservation
 * (offered to that role only), within what a framework holds too, and back,
 * where it joins the unreserved ranges again. */
static void test_reserve_ports(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:2;mem:1024;ports:[31000-31009]");
	ac_fw_id a = h_fw(h, "A", "web", 0, 0), b = h_fw(h, "B", "batch", 0, 0);
	ac_err err = {0};
	ac_resources five = h_res(h, "ports:[31000-31004]"), other = h_res(h, "ports:[40000-40001]");
	assert_int_equal(ac_agent_reserve(h->core, m, 0, "web", &five, &err), 0);
	assert_free(h, m, "cpus:2;mem:1024;ports:[31005-31009];ports(web):[31000-31004]");
	assert_int_equal(ac_agent_reserve(h->core, m, 0, "web", &other, &err), AC_EINVAL); /* not there */
	assert_free(h, m, "cpus:2;mem:1024;ports:[31005-31009];ports(web):[31000-31004]");
	ac_fw_suppress(h->core, a, NULL);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer B m0 cpus:2;mem:1024;ports:[31005-31009]");
	/* B reserves two of the ports it holds for its own role. */
	assert_int_equal(h_accept(h, b, m, "cpus:1;ports:[31005-31006]", 0, &err), 0);
	ac_resources two = h_res(h, "ports:[31005-31006]");
	assert_int_equal(ac_agent_reserve(h->core, m, b, "batch", &two, &err), 0);
	ac_resources held;
	ac_allocation_get(h->core, b, m, &held, NULL);
	assert_string_equal(h_fmt(h, &held), "cpus:1;ports(batch):[31005-31006]");
	assert_int_equal(ac_recover(h->core, b, m, &held, &err), 0);
	ac_fw_suppress(h->core, b, NULL);
	ac_fw_revive(h->core, a, NULL);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 1), "offer A m0 cpus:2;mem:1024;ports:[31007-31009];ports(web):[31000-31004]");
	assert_int_equal(h_decline(h, a, m, 0, &err), 0);
	/* Unreserved again: the ranges join. */
	assert_int_equal(ac_agent_unreserve(h->core, m, 0, "web", &five, &err), 0);
	assert_int_equal(ac_agent_unreserve(h->core, m, 0, "batch", &two, &err), 0);
	assert_free(h, m, "cpus:2;mem:1024;ports:[31000-31009]");
	h_free(h);
}

/* Several roles' reservations in one call (ac_agent_reserve_groups): the
 * whole is checked, so parts that each fit but not together are refused,
 * and a refused call changes nothing; unreserving takes every group back at
 * once; within what a framework holds too. */
static void test_reserve_groups(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:4;mem:4096;ports:[31000-31009]");
	ac_err err = {0};
	const char *all = "cpus:4;mem:4096;ports:[31000-31009]";
	/* each part fits alone, not the two together: nothing moves */
	ac_resources six = h_res(h, "cpus(web):3;cpus(batch):3");
	assert_int_equal(ac_agent_reserve_groups(h->core, m, 0, &six, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "less than that free"));
	assert_free(h, m, all);
	/* unreserved resources, nothing, no set, an empty group, unknown agent */
	ac_resources plain = h_res(h, "cpus:1;cpus(web):1"), none = h_res(h, "");
	assert_int_equal(ac_agent_reserve_groups(h->core, m, 0, &plain, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "for their roles"));
	assert_int_equal(ac_agent_reserve_groups(h->core, m, 0, &none, &err), AC_EINVAL);
	assert_int_equal(ac_agent_reserve_groups(h->core, m, 0, NULL, &err), AC_EINVAL);
	ac_resources hollow = h_res(h, "cpus(web):1");
	ac_vec_zero(&hollow.group[1].amount);
	assert_int_equal(ac_agent_reserve_groups(h->core, m, 0, &hollow, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "empty"));
	ac_resources split = h_res(h, "cpus(web):2;mem(web):1024;cpus(batch):1;ports(batch):[31000-31001]");
	assert_int_equal(ac_agent_reserve_groups(h->core, m + 1, 0, &split, &err), AC_ENOENT);
	assert_free(h, m, all);
	/* both roles at once, ports too */
	assert_int_equal(ac_agent_reserve_groups(h->core, m, 0, &split, &err), 0);
	assert_free(h, m,
	            "cpus:1;mem:3072;ports:[31002-31009];cpus(batch):1;ports(batch):[31000-31001];cpus(web):2;"
	            "mem(web):1024");
	/* unreserving more than one role has: refused whole */
	ac_resources over = h_res(h, "cpus(web):1;cpus(batch):2");
	assert_int_equal(ac_agent_unreserve_groups(h->core, m, 0, &over, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "in that reservation"));
	assert_int_equal(ac_agent_unreserve_groups(h->core, m, 0, &split, &err), 0);
	assert_free(h, m, all);
	/* within what a framework holds: accepted, then reserved for two roles */
	ac_fw_id b = h_fw(h, "B", "batch", 0, 0);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_accept(h, b, m, "cpus:3;mem:1024", 0, &err), 0);
	ac_resources held_two = h_res(h, "cpus(web):1;cpus(batch):2");
	assert_int_equal(ac_agent_reserve_groups(h->core, m, b, &held_two, &err), 0);
	ac_resources held;
	ac_allocation_get(h->core, b, m, &held, NULL);
	assert_string_equal(h_fmt(h, &held), "mem:1024;cpus(batch):2;cpus(web):1");
	assert_int_equal(ac_agent_reserve_groups(h->core, m, b, &held_two, &err), AC_EINVAL); /* not held now */
	assert_int_equal(ac_agent_unreserve_groups(h->core, m, b, &held_two, &err), 0);
	ac_allocation_get(h->core, b, m, &held, NULL);
	assert_string_equal(h_fmt(h, &held), "cpus:3;mem:1024");
	h_free(h);
}

/* Batch ids found again (ac__batch_slot): a batch outstanding while
 * hundreds of others come and go, one of them in its cell of the core's
 * direct-mapped table (that one then in the hash map); and hundreds
 * outstanding at once, the table growing under them. */
static ac_batch_id seen_ids[512];
static size_t nseen;

static void on_batch_id(void *ud, const ac_batch_view *b)
{
	(void)ud;
	assert_true(nseen < 512);
	seen_ids[nseen++] = b->id;
}

static void test_batch_ids(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	ac_core_set_batch_hook(h->core, on_batch_id, NULL);
	nseen = 0;
	ac_err err = {0};
	ac_agent_id m = h_agent(h, "m", "cpus:1;mem:64");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 1);
	ac_batch_id kept = seen_ids[0];
	ac_fw_suppress(h->core, a, NULL);
	h_agent(h, "n", "cpus:1;mem:64");
	h_fw(h, "B", NULL, 0, 0);
	ac_batch_view v;
	for (int i = 0; i < 600; i++) {
		nseen = 0;
		assert_int_equal(h_allocate(h), 1);
		assert_int_equal(nseen, 1);
		assert_int_equal(ac_batch_view_get(h->core, seen_ids[0], &v, &err), 0);
		assert_int_equal(ac_batch_settle(h->core, seen_ids[0], NULL, 0, 0, h->now, &err), 1);
		assert_int_equal(ac_batch_view_get(h->core, seen_ids[0], &v, &err), AC_ENOENT);
		assert_int_equal(ac_batch_view_get(h->core, kept, &v, &err), 0);
		assert_int_equal(v.fw, a);
	}
	assert_int_equal(ac_batch_settle(h->core, kept, NULL, 0, 0, h->now, &err), 1);
	assert_int_equal(ac_batch_view_get(h->core, kept, &v, &err), AC_ENOENT);
	assert_int_equal(ac_agent_remove(h->core, m, &err), 0);
	h_free(h);

	/* 300 frameworks, each offered one of 300 agents: 300 batches out */
	h = h_new("drf");
	ac_core_set_batch_hook(h->core, on_batch_id, NULL);
	nseen = 0;
	char name[16];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "m%d", i);
		h_agent(h, name, "cpus:1;mem:64");
		snprintf(name, sizeof name, "F%d", i);
		h_fw(h, name, NULL, 0, 0);
	}
	assert_int_equal(h_allocate(h), 300);
	assert_int_equal(nseen, 300);
	for (size_t i = 0; i < nseen; i++) {
		assert_int_equal(ac_batch_view_get(h->core, seen_ids[i], &v, &err), 0);
		assert_int_equal(v.n, 1);
	}
	for (size_t i = 0; i < nseen; i++)
		assert_int_equal(ac_batch_settle(h->core, seen_ids[i], NULL, 0, 0, h->now, &err), 1);
	for (size_t i = 0; i < nseen; i++)
		assert_int_equal(ac_batch_view_get(h->core, seen_ids[i], &v, &err), AC_ENOENT);
	h_free(h);
}

/* What each framework holds on one agent, when more frameworks hold
 * something there than the agent's own index of them has places for (the
 * rest are in the core's table): every record is found, grows, shrinks and
 * goes, in the index and out of it, through accepts, recovers, restores, a
 * framework's removal and the agent's. */
static void expect_held(harness *h, ac_fw_id fw, ac_agent_id m, int cpus, int mem)
{
	char want[48] = "";
	if (cpus)
		snprintf(want, sizeof want, "cpus:%d;mem:%d", cpus, mem);
	ac_resources held;
	assert_int_equal(ac_allocation_get(h->core, fw, m, &held, NULL), 0);
	assert_string_equal(h_fmt(h, &held), want);
}

/* Framework f's offered or allocated sum (ac_fw_info), as text. */
static const char *fw_sum(harness *h, ac_fw_id f, bool allocated)
{
	ac_fw_info fi;
	assert_int_equal(ac_fw_info_get(h->core, f, &fi, NULL), 0);
	ac_resources r;
	ac_resources_init(&r);
	ac_resources_from_vec(&r, allocated ? &fi.allocated : &fi.offered);
	return h_fmt(h, &r);
}

/* A fifth scalar kind registered while a framework holds an offer, an
 * allocation and a recover its sums still owe (book.h): from then on the
 * core keeps lanes 4..7 of the vectors it stores (vec.h, split vectors).
 * What came before is still right, and amounts of the new kind are
 * offered, accepted, counted and recovered like the others. */
static void test_fifth_kind_mid_run(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m0 = h_agent(h, "m0", "cpus:4;mem:4096");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	ac_err err = {0};
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_accept(h, a, m0, "cpus:2;mem:1024", 0, &err), 0);
	ac_resources r = h_res(h, "cpus:1;mem:512");
	assert_int_equal(ac_recover(h->core, a, m0, &r, &err), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(fw_sum(h, a, false), "cpus:3;mem:3584");
	assert_string_equal(fw_sum(h, a, true), "cpus:1;mem:512");
	assert_null(ac_kind_name(h->core, AC_FIXED_KINDS));

	ac_agent_id m1 = h_agent(h, "m1", "cpus:2;mem:512;fpgas:3");
	assert_string_equal(ac_kind_name(h->core, AC_FIXED_KINDS), "fpgas");
	assert_string_equal(fw_sum(h, a, false), "cpus:3;mem:3584");
	assert_string_equal(fw_sum(h, a, true), "cpus:1;mem:512");
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, h->nev - 1), "offer A m1 cpus:2;mem:512;fpgas:3");
	assert_string_equal(fw_sum(h, a, false), "cpus:5;mem:4096;fpgas:3");
	assert_int_equal(h_accept(h, a, m1, "cpus:1;fpgas:2", 0, &err), 0);
	assert_free(h, m1, "cpus:1;mem:512;fpgas:1");
	assert_string_equal(fw_sum(h, a, false), "cpus:3;mem:3584");
	assert_string_equal(fw_sum(h, a, true), "cpus:2;mem:512;fpgas:2");
	r = h_res(h, "fpgas:3");
	assert_int_equal(ac_recover(h->core, a, m1, &r, &err), AC_EINVAL);
	r = h_res(h, "fpgas:2");
	assert_int_equal(ac_recover(h->core, a, m1, &r, &err), 0);
	ac_resources held;
	assert_int_equal(ac_allocation_get(h->core, a, m1, &held, NULL), 0);
	assert_string_equal(h_fmt(h, &held), "cpus:1");
	assert_free(h, m1, "cpus:1;mem:512;fpgas:3");
	assert_string_equal(fw_sum(h, a, true), "cpus:2;mem:512");
	assert_int_equal(h_allocate(h), 1); /* (applies what the recover owed) */
	assert_string_equal(h_line(h, h->nev - 1), "offer A m1 cpus:1;mem:512;fpgas:3");
	assert_string_equal(fw_sum(h, a, false), "cpus:4;mem:4096;fpgas:3");
	assert_string_equal(fw_sum(h, a, true), "cpus:2;mem:512");
	assert_free(h, m0, "");
	h_free(h);
}

/* An amount in a kind the core has not registered is refused by an accept
 * (ac_batch_settle) and a recover, narrow core or wide (their fast paths
 * check lanes 4..7 differently in each), and changes nothing. */
static void test_unregistered_kind_refused(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	ac_agent_id m[2];
	batch_agents(h, m, 2, "cpus:2;mem:1024");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	ac_err err = {0};
	for (int wide = 0; wide < 2; wide++) {
		/* the first kind past the registered ones */
		int k = AC_FIXED_KINDS + wide;
		h->now += AC_SECOND;
		nbatches = 0;
		assert_int_equal(h_allocate(h), 2);
		assert_int_equal(nbatches, 1);
		ac_batch_id id = batches[0].id;
		ac_resources one = h_res(h, "cpus:1;mem:256"), bad = one;
		bad.group[0].amount.v[k] = 1000;
		ac_batch_answer answers[1] = {{0, &bad}};
		assert_int_equal(ac_batch_settle(h->core, id, answers, 1, 0, h->now, &err), AC_EINVAL);
		answers[0].used = &one;
		assert_int_equal(ac_batch_settle(h->core, id, answers, 1, 0, h->now, &err), 2);
		ac_agent_id on = m[batches[0].agent_tag[0] - 100];
		assert_int_equal(ac_recover(h->core, a, on, &bad, &err), AC_EINVAL);
		ac_resources held;
		assert_int_equal(ac_allocation_get(h->core, a, on, &held, NULL), 0);
		assert_string_equal(h_fmt(h, &held), "cpus:1;mem:256");
		assert_int_equal(ac_recover(h->core, a, on, &one, &err), 0);
		if (!wide) { /* a fifth kind makes the core wide */
			ac_agent_id m2 = h_agent(h, "m2", "cpus:1;mem:512;fpgas:1");
			assert_string_equal(ac_kind_name(h->core, AC_FIXED_KINDS), "fpgas");
			assert_int_equal(ac_agent_remove(h->core, m2, NULL), 0);
		}
	}
	h_free(h);
}

static void test_many_frameworks_on_one_agent(void **state)
{
	(void)state;
	enum { N = 12 };
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:40;mem:40960");
	ac_fw_id f[N];
	int cpus[N] = {0}, mem[N] = {0};
	char text[48];
	for (int i = 0; i < N; i++) {
		snprintf(text, sizeof text, "F%02d", i);
		f[i] = h_fw(h, text, NULL, 0, 0);
	}
	ac_err err = {0};
	/* each pass offers the agent to the framework holding least, which
	 * takes a task of its own size: each framework gets two or three */
	for (int round = 0; round < 2 * N + 3; round++) {
		h->now += AC_SECOND;
		assert_int_equal(h_allocate(h), 1);
		int i = 0;
		while (f[i] != h->ev[h->nev - 1].fw)
			i++;
		snprintf(text, sizeof text, "cpus:1;mem:%d", 100 * (i + 1));
		assert_int_equal(h_accept(h, f[i], m, text, 0, &err), 0);
		cpus[i]++;
		mem[i] += 100 * (i + 1);
	}
	for (int i = 0; i < N; i++) {
		assert_true(cpus[i] >= 2);
		expect_held(h, f[i], m, cpus[i], mem[i]);
	}
	/* empty every other record (index places and spilled ones alike),
	 * shrink the rest by one task, then give two of the emptied ones
	 * something again */
	for (int i = 0; i < N; i++) {
		snprintf(text, sizeof text, "cpus:%d;mem:%d", i % 2 ? 1 : cpus[i], i % 2 ? 100 * (i + 1) : mem[i]);
		ac_resources r = h_res(h, text);
		assert_int_equal(ac_recover(h->core, f[i], m, &r, &err), 0);
		cpus[i] = i % 2 ? cpus[i] - 1 : 0;
		mem[i] = i % 2 ? mem[i] - 100 * (i + 1) : 0;
	}
	ac_resources one = h_res(h, "cpus:1;mem:7");
	assert_int_equal(ac_allocation_restore(h->core, f[0], m, &one, &err), 0);
	assert_int_equal(ac_allocation_restore(h->core, f[10], m, &one, &err), 0);
	cpus[0] = cpus[10] = 1;
	mem[0] = mem[10] = 7;
	for (int i = 0; i < N; i++)
		expect_held(h, f[i], m, cpus[i], mem[i]);
	/* a framework's removal returns what it held; the agent's takes the rest */
	assert_int_equal(ac_fw_remove(h->core, f[11], &err), 0);
	assert_int_equal(ac_fw_remove(h->core, f[1], &err), 0);
	for (int i = 2; i < N - 1; i++)
		expect_held(h, f[i], m, cpus[i], mem[i]);
	/* a new total: the free set is worked out from every record, those
	 * in the agent's index and those spilled to the table */
	int held_cpus = 0, held_mem = 0;
	for (int i = 2; i < N - 1; i++) {
		held_cpus += cpus[i];
		held_mem += mem[i];
	}
	held_cpus += cpus[0];
	held_mem += mem[0];
	ac_resources total = h_res(h, "cpus:50;mem:50000");
	assert_int_equal(ac_agent_update(h->core, m, &total, &err), 0);
	ac_agent_info ai;
	assert_int_equal(ac_agent_info_get(h->core, m, &ai, NULL), 0);
	snprintf(text, sizeof text, "cpus:%d;mem:%d", 50 - held_cpus, 50000 - held_mem);
	assert_string_equal(h_fmt(h, &ai.free), text);
	assert_int_equal(ac_agent_remove(h->core, m, &err), 0);
	ac_fw_info fi;
	assert_int_equal(ac_fw_info_get(h->core, f[9], &fi, NULL), 0);
	assert_true(ac_vec_is_zero(&fi.allocated));
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accept_then_recover),
	        cmocka_unit_test(test_offer_timeout),
	        cmocka_unit_test(test_rescinds),
	        cmocka_unit_test(test_offer_ids_not_confused_after_reuse),
	        cmocka_unit_test(test_over_allocation_after_shrink),
	        cmocka_unit_test(test_agent_deactivate),
	        cmocka_unit_test(test_tags),
	        cmocka_unit_test(test_decline_each),
	        cmocka_unit_test(test_batch_hook_and_view),
	        cmocka_unit_test(test_batch_settle),
	        cmocka_unit_test(test_batch_ids),
	        cmocka_unit_test(test_dynamic_reserve),
	        cmocka_unit_test(test_reservation_refine),
	        cmocka_unit_test(test_reserve_ports),
	        cmocka_unit_test(test_reserve_groups),
	        cmocka_unit_test(test_many_frameworks_on_one_agent),
	        cmocka_unit_test(test_fifth_kind_mid_run),
	        cmocka_unit_test(test_unregistered_kind_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

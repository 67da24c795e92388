/*
 * test_offers.c — the offer book: accept (use part, the rest declined),
 * recover, offer timeout, rescinds on agent/framework changes, and handles
 * that cannot be confused after their slot is reused.
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

/* An answered offer's id stays dead even when its slot is reused. */
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
	assert_int_equal((uint32_t)first, (uint32_t)second); /* same slot */
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

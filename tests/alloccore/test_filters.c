/*
 * test_filters.c — decline filters: lifetime max(refuse, interval), the
 * superset match rule, O(1) revive, and which events drop filters.
 */
#include "harness.h"

static harness *one_agent_two_fws(ac_agent_id *m, ac_fw_id *a, ac_fw_id *b)
{
	harness *h = h_new("drf");
	*m = h_agent(h, "m0", "cpus:4;mem:4096");
	*a = h_fw(h, "A", NULL, 0, 0);
	if (b)
		*b = h_fw(h, "B", NULL, 0, 0);
	return h;
}

/* A declined agent is not re-offered to the framework before refuse
 * seconds, and is re-offered from then on (applies while now < t + d). */
static void test_decline_filters_until_expiry(void **state)
{
	ac_agent_id m;
	ac_fw_id a;
	harness *h = one_agent_two_fws(&m, &a, NULL);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_decline(h, a, m, 10, NULL), 0);
	h_advance(h, 5);
	assert_int_equal(h_allocate(h), 0);
	h_advance(h, 4.999);
	assert_int_equal(h_allocate(h), 0);
	ac_counters cn;
	ac_counters_get(h->core, &cn);
	assert_int_equal(cn.filtered_skips, 2);
	h_advance(h, 0.001);
	assert_int_equal(h_allocate(h), 1);
	h_free(h);
}

/* Other frameworks are unaffected by A's filter. */
static void test_filter_is_per_framework(void **state)
{
	ac_agent_id m;
	ac_fw_id a, b;
	harness *h = one_agent_two_fws(&m, &a, &b);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer A m0 cpus:4;mem:4096");
	assert_int_equal(h_decline(h, a, m, 60, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 1), "offer B m0 cpus:4;mem:4096");
	h_free(h);
}

/* Revive drops all of the framework's filters at once. */
static void test_revive_reoffers_at_once(void **state)
{
	ac_agent_id m;
	ac_fw_id a;
	harness *h = one_agent_two_fws(&m, &a, NULL);
	h_agent(h, "m1", "cpus:4;mem:4096");
	assert_int_equal(h_allocate(h), 2);
	ac_agent_id m1 = ac_agent_find(h->core, "m1");
	assert_int_equal(h_decline(h, a, m, 3600, NULL), 0);
	assert_int_equal(h_decline(h, a, m1, 3600, NULL), 0);
	assert_int_equal(h_allocate(h), 0);
	assert_int_equal(ac_fw_revive(h->core, a, NULL), 0);
	assert_int_equal(h_allocate(h), 2);
	h_free(h);
}

/* refuse 0 makes no filter; a short refuse still lasts the interval. */
static void test_refuse_zero_and_interval_minimum(void **state)
{
	ac_agent_id m;
	ac_fw_id a;
	harness *h = one_agent_two_fws(&m, &a, NULL);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_decline(h, a, m, 0, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_decline(h, a, m, 0.2, NULL), 0);
	h_advance(h, 0.5);
	assert_int_equal(h_allocate(h), 0);
	h_advance(h, 0.5);
	assert_int_equal(h_allocate(h), 1);
	h_free(h);
}

/* A filter covers only subsets of what was refused: once more is free on
 * the agent, the offer goes out. */
static void test_filter_superset_rule(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m0", "cpus:4;mem:4096");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0), b = h_fw(h, "B", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 1);
	/* A keeps 2 cpus and refuses the rest for an hour. */
	assert_int_equal(h_accept(h, a, m, "cpus:2;mem:1024", 3600, NULL), 0);
	assert_int_equal(ac_fw_suppress(h->core, b, NULL), 0);
	assert_int_equal(h_allocate(h), 0);
	/* A's task ends: now cpus:4;mem:4096 is free, more than refused. */
	ac_resources r = h_res(h, "cpus:2;mem:1024");
	assert_int_equal(ac_recover(h->core, a, m, &r, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 1), "offer A m0 cpus:4;mem:4096");
	h_free(h);
}

/* Deactivation and an attribute change drop filters (Mesos). */
static void test_deactivate_and_attributes_drop_filters(void **state)
{
	ac_agent_id m;
	ac_fw_id a;
	harness *h = one_agent_two_fws(&m, &a, NULL);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_decline(h, a, m, 3600, NULL), 0);
	assert_int_equal(ac_fw_deactivate(h->core, a, NULL), 0);
	assert_int_equal(ac_fw_activate(h->core, a, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_decline(h, a, m, 3600, NULL), 0);
	assert_int_equal(h_allocate(h), 0);
	assert_int_equal(ac_agent_set_attributes(h->core, m, "rack:r1", NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	h_free(h);
}

/* Many filters made and dropped: the table reclaims dead ones, so the
 * number held stays bounded by the live ones, not by the total made. */
static void test_dead_filters_are_reclaimed(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id ag[64];
	for (int i = 0; i < 64; i++) {
		char name[8];
		snprintf(name, sizeof name, "m%d", i);
		ag[i] = h_agent(h, name, "cpus:1;mem:1024");
	}
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	for (int round = 0; round < 200; round++) {
		h->nev = 0;
		assert_int_equal(h_allocate(h), 64);
		for (int i = 0; i < 64; i++)
			assert_int_equal(h_decline(h, a, ag[i], 3600, NULL), 0);
		assert_int_equal(ac_fw_revive(h->core, a, NULL), 0);
	}
	ac_counters cn;
	ac_counters_get(h->core, &cn);
	assert_int_equal(cn.filters_created, 200 * 64);
	assert_true(cn.filters_active <= 4 * 1024);
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decline_filters_until_expiry),
	        cmocka_unit_test(test_filter_is_per_framework),
	        cmocka_unit_test(test_revive_reoffers_at_once),
	        cmocka_unit_test(test_refuse_zero_and_interval_minimum),
	        cmocka_unit_test(test_filter_superset_rule),
	        cmocka_unit_test(test_deactivate_and_attributes_drop_filters),
	        cmocka_unit_test(test_dead_filters_are_reclaimed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

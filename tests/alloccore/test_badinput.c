/*
 * test_badinput.c — every entry point rejects invalid input with an error
 * code and a message, and leaves the core exactly as it was.
 */
#include <math.h>

#include "harness.h"

/* Everything observable through the public API, as text. */
static void snapshot(harness *h, char *out, size_t len)
{
	size_t n = 0;
	ac_counters cn;
	ac_counters_get(h->core, &cn);
	n += snprintf(out + n, len - n, "c %llu %llu %llu %llu %llu %llu\n", (unsigned long long)cn.offers_made,
	              (unsigned long long)cn.offers_accepted, (unsigned long long)cn.offers_declined,
	              (unsigned long long)cn.offers_rescinded, (unsigned long long)cn.filters_created,
	              (unsigned long long)cn.outstanding_offers);
	size_t cur = 0;
	for (ac_agent_id a; (a = ac_agent_next(h->core, &cur));) {
		ac_agent_info ai;
		ac_agent_info_get(h->core, a, &ai, NULL);
		n += snprintf(out + n, len - n, "a %s [%s] t=%s f=%s o=%u\n", ai.name, ai.attributes,
		              h_fmt(h, &ai.total), h_fmt(h, &ai.free), ai.offers);
		size_t fc = 0;
		for (ac_fw_id f; (f = ac_fw_next(h->core, &fc));) {
			ac_resources r;
			ac_allocation_get(h->core, f, a, &r, NULL);
			n += snprintf(out + n, len - n, "  held %s\n", h_fmt(h, &r));
		}
	}
	cur = 0;
	for (ac_fw_id f; (f = ac_fw_next(h->core, &cur));) {
		ac_fw_info fi;
		ac_fw_info_get(h->core, f, &fi, NULL);
		ac_offer_id ids[8];
		size_t no = ac_offers_of(h->core, f, 0, ids, 8);
		n += snprintf(out + n, len - n, "f %s %s w=%g p=%d %d%d o=%lld a=%lld n=%zu s=%.6f\n", fi.name, fi.role,
		              fi.weight, fi.priority, fi.active, fi.suppressed, (long long)fi.offered.v[AC_CPUS],
		              (long long)fi.allocated.v[AC_CPUS], no, fi.dominant_share);
	}
	const char *roles[] = {"*", "a", "a/b"};
	for (size_t i = 0; i < 3; i++) {
		ac_role_info ri;
		if (ac_role_info_get(h->core, roles[i], &ri, NULL) == 0)
			n += snprintf(out + n, len - n, "r %s w=%g g=%lld l=%lld/%u\n", ri.name, ri.weight,
			              (long long)ri.quota.guarantee.v[AC_CPUS], (long long)ri.quota.limit.v[AC_CPUS],
			              ri.quota.limit_mask);
	}
}

static char before[8192], after[8192];

#define EXPECT_REJECTED(h, call, code)                                                                                 \
	do {                                                                                                           \
		ac_err err_ = {0};                                                                                     \
		snapshot(h, before, sizeof before);                                                                    \
		int rc_ = (call);                                                                                      \
		(void)err_;                                                                                            \
		if (rc_ != (code))                                                                                     \
			fail_msg("%s returned %d, want %d (%s)", #call, rc_, code, err_.msg);                          \
		if (!err_.msg[0])                                                                                      \
			fail_msg("%s gave no message", #call);                                                         \
		snapshot(h, after, sizeof after);                                                                      \
		assert_string_equal(before, after);                                                                    \
	} while (0)

/* A small world with one outstanding offer, one allocation and a filter. */
static harness *world(ac_agent_id *m0, ac_agent_id *m1, ac_fw_id *a, ac_fw_id *b)
{
	harness *h = h_new("drf");
	*m0 = h_agent(h, "m0", "cpus:4;mem:4096;cpus(a):1;ports:[31000-31010]");
	*m1 = h_agent(h, "m1", "cpus:2;mem:2048");
	*a = h_fw(h, "A", "a", 0, 0);
	*b = h_fw(h, "B", "a/b", 2, 1);
	h_allocate(h);
	assert_int_equal(h_accept(h, *a, *m0, "cpus:1;mem:100", 30, NULL), 0);
	return h;
}

static void test_agents(void **state)
{
	ac_agent_id m0, m1, id;
	ac_fw_id a, b;
	harness *h = world(&m0, &m1, &a, &b);
	ac_resources ok = h_res(h, "cpus:1;mem:1"), bad = ok;
	EXPECT_REJECTED(h, ac_agent_add(h->core, "m0", &ok, &id, &err_), AC_EEXIST);
	EXPECT_REJECTED(h, ac_agent_add(h->core, "", &ok, &id, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_agent_add(h->core, "x\ny", &ok, &id, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_agent_add(h->core, "x", NULL, &id, &err_), AC_EINVAL);
	bad.group[0].amount.v[AC_CPUS] = -1;
	EXPECT_REJECTED(h, ac_agent_add(h->core, "x", &bad, &id, &err_), AC_ERANGE);
	bad = ok;
	bad.group[0].amount.v[AC_MEM] = INT64_MAX;
	EXPECT_REJECTED(h, ac_agent_add(h->core, "x", &bad, &id, &err_), AC_ERANGE);
	bad = ok;
	bad.ngroups = 0;
	EXPECT_REJECTED(h, ac_agent_add(h->core, "x", &bad, &id, &err_), AC_EINVAL);
	bad = ok;
	bad.group[0].nports = 2;
	bad.group[0].ports[0] = (ac_range){10, 20};
	bad.group[0].ports[1] = (ac_range){15, 30};
	EXPECT_REJECTED(h, ac_agent_add(h->core, "x", &bad, &id, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_agent_remove(h->core, 12345, &err_), AC_ENOENT);
	EXPECT_REJECTED(h, ac_agent_update(h->core, 0, &ok, &err_), AC_ENOENT);
	/* An update may not drop reserved resources or ports a framework holds. */
	ac_resources res_a = h_res(h, "cpus(a):1;ports:[31000-31000]");
	assert_int_equal(ac_allocation_restore(h->core, a, m0, &res_a, NULL), 0);
	ac_resources no_res = h_res(h, "cpus:4;mem:4096;ports:[31000-31010]");
	EXPECT_REJECTED(h, ac_agent_update(h->core, m0, &no_res, &err_), AC_EINVAL);
	ac_resources no_port = h_res(h, "cpus:4;mem:4096;cpus(a):1;ports:[31001-31010]");
	EXPECT_REJECTED(h, ac_agent_update(h->core, m0, &no_port, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_agent_set_attributes(h->core, 99, "x", &err_), AC_ENOENT);
	h_free(h);
}

static void test_frameworks(void **state)
{
	ac_agent_id m0, m1;
	ac_fw_id a, b, id;
	harness *h = world(&m0, &m1, &a, &b);
	ac_fw_opts o = {"a", 1, 0};
	EXPECT_REJECTED(h, ac_fw_add(h->core, "A", &o, &id, &err_), AC_EEXIST);
	o.weight = NAN;
	EXPECT_REJECTED(h, ac_fw_add(h->core, "N", &o, &id, &err_), AC_ERANGE);
	o.weight = -1;
	EXPECT_REJECTED(h, ac_fw_add(h->core, "N", &o, &id, &err_), AC_ERANGE);
	o.weight = 1;
	o.role = "a//b";
	EXPECT_REJECTED(h, ac_fw_add(h->core, "N", &o, &id, &err_), AC_EINVAL);
	o.role = "/a";
	EXPECT_REJECTED(h, ac_fw_add(h->core, "N", &o, &id, &err_), AC_EINVAL);
	o.role = "a/*";
	EXPECT_REJECTED(h, ac_fw_add(h->core, "N", &o, &id, &err_), AC_EINVAL);
	ac_fw_id stale = a + ((uint64_t)2 << 32);
	EXPECT_REJECTED(h, ac_fw_remove(h->core, stale, &err_), AC_ENOENT);
	EXPECT_REJECTED(h, ac_fw_suppress(h->core, 0, &err_), AC_ENOENT);
	EXPECT_REJECTED(h, ac_fw_revive(h->core, 0, &err_), AC_ENOENT);
	EXPECT_REJECTED(h, ac_fw_activate(h->core, 0, &err_), AC_ENOENT);
	EXPECT_REJECTED(h, ac_fw_deactivate(h->core, 0, &err_), AC_ENOENT);
	EXPECT_REJECTED(h, ac_fw_set_weight(h->core, a, INFINITY, &err_), AC_ERANGE);
	EXPECT_REJECTED(h, ac_fw_set_weight(h->core, a, 0, &err_), AC_ERANGE);
	h_free(h);
}

static void test_roles(void **state)
{
	ac_agent_id m0, m1;
	ac_fw_id a, b;
	harness *h = world(&m0, &m1, &a, &b);
	ac_quota q = {0};
	EXPECT_REJECTED(h, ac_role_set_weight(h->core, "a", NAN, &err_), AC_ERANGE);
	EXPECT_REJECTED(h, ac_role_set_weight(h->core, "a/", 2, &err_), AC_EINVAL);
	q.guarantee.v[AC_CPUS] = -5;
	EXPECT_REJECTED(h, ac_role_set_quota(h->core, "a", &q, &err_), AC_ERANGE);
	q.guarantee.v[AC_CPUS] = 0;
	q.limit_mask = 1u << 12;
	EXPECT_REJECTED(h, ac_role_set_quota(h->core, "a", &q, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_quota_parse(h->core, "cpus(a):1", NULL, &q, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_quota_parse(h->core, NULL, "ports:[1-2]", &q, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_core_set_min_allocatable(h->core, "cpus:x", &err_), AC_EINVAL);
	/* Guarantees a limit forbids could never be met. */
	ac_quota bad;
	assert_int_equal(ac_quota_parse(h->core, "cpus:3", "cpus:2", &bad, NULL), 0);
	EXPECT_REJECTED(h, ac_role_set_quota(h->core, "a", &bad, &err_), AC_EINVAL);
	ac_quota lim, gua;
	assert_int_equal(ac_quota_parse(h->core, NULL, "cpus:1", &lim, NULL), 0);
	assert_int_equal(ac_role_set_quota(h->core, "a", &lim, NULL), 0);
	assert_int_equal(ac_quota_parse(h->core, "cpus:2", NULL, &gua, NULL), 0);
	EXPECT_REJECTED(h, ac_role_set_quota(h->core, "a/b", &gua, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_role_set_quota(h->core, "a/b/new", &gua, &err_), AC_EINVAL);
	assert_int_equal(ac_role_set_quota(h->core, "a", &(ac_quota){0}, NULL), 0);
	assert_int_equal(ac_role_set_quota(h->core, "a/b", &gua, NULL), 0);
	EXPECT_REJECTED(h, ac_role_set_quota(h->core, "a", &lim, &err_), AC_EINVAL);
	h_free(h);
}

static void test_offers(void **state)
{
	ac_agent_id m0, m1;
	ac_fw_id a, b;
	harness *h = world(&m0, &m1, &a, &b);
	ac_offer_id ids[4];
	size_t n = ac_offers_of(h->core, b, 0, ids, 4);
	assert_int_equal(n, 1); /* B's offer of m1 */
	ac_resources more = h_res(h, "cpus:3"), some = h_res(h, "cpus:1");
	EXPECT_REJECTED(h, ac_offers_accept(h->core, ids, 1, &more, 0, h->now, &err_), AC_EINVAL);
	ac_offer_id twice[2] = {ids[0], ids[0]};
	EXPECT_REJECTED(h, ac_offers_accept(h->core, twice, 2, &some, 0, h->now, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_offers_accept(h->core, ids, 0, &some, 0, h->now, &err_), AC_EINVAL);
	ac_offer_id stale = ids[0] + ((uint64_t)2 << 32);
	EXPECT_REJECTED(h, ac_offers_decline(h->core, &stale, 1, 0, h->now, &err_), AC_ENOENT);
	ac_resources reserved = h_res(h, "cpus(a):1");
	EXPECT_REJECTED(h, ac_offers_accept(h->core, ids, 1, &reserved, 0, h->now, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_offers_accept(h->core, ids, 1, &some, -1, h->now, &err_), AC_EINVAL);
	h_advance(h, 1);
	EXPECT_REJECTED(h, ac_offers_accept(h->core, ids, 1, &some, 0, h->now - 1, &err_), AC_ESTATE);
	/* Double accept, and accept after rescind. */
	assert_int_equal(ac_offers_accept(h->core, ids, 1, &some, 0, h->now, NULL), 0);
	EXPECT_REJECTED(h, ac_offers_accept(h->core, ids, 1, &some, 0, h->now, &err_), AC_ENOENT);
	h_allocate(h);
	n = ac_offers_of(h->core, a, 0, ids, 4) + ac_offers_of(h->core, b, 0, ids + 1, 3);
	assert_true(n >= 1);
	ac_offer_id any = ids[0];
	ac_offer_info oi;
	assert_int_equal(ac_offer_info_get(h->core, any, &oi, NULL), 0);
	assert_int_equal(ac_agent_remove(h->core, oi.agent, NULL), 0);
	EXPECT_REJECTED(h, ac_offers_decline(h->core, &any, 1, 0, h->now, &err_), AC_ENOENT);
	h_free(h);
}

static void test_recover_and_time(void **state)
{
	ac_agent_id m0, m1;
	ac_fw_id a, b;
	harness *h = world(&m0, &m1, &a, &b);
	ac_resources too_much = h_res(h, "cpus:2"), other = h_res(h, "disk:1");
	EXPECT_REJECTED(h, ac_recover(h->core, a, m0, &too_much, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_recover(h->core, a, m0, &other, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_recover(h->core, b, m0, &too_much, &err_), AC_EINVAL);
	EXPECT_REJECTED(h, ac_recover(h->core, a, 77, &too_much, &err_), AC_ENOENT);
	ac_resources huge = h_res(h, "cpus:100");
	EXPECT_REJECTED(h, ac_allocation_restore(h->core, a, m1, &huge, &err_), AC_EINVAL);
	h_advance(h, 10);
	EXPECT_REJECTED(h, ac_advance(h->core, h->now - 1, &err_), AC_ESTATE);
	EXPECT_REJECTED(h, ac_allocate(h->core, h->now - 1, &err_), AC_ESTATE);
	EXPECT_REJECTED(h, ac_allocate_agent(h->core, 5, h->now, &err_), AC_ENOENT);
	h_free(h);
}

static void test_core_config(void **state)
{
	ac_config cfg;
	ac_core *c = NULL;
	ac_err err = {0};
	ac_config_default(&cfg);
	cfg.policy = "fifo";
	assert_int_equal(ac_core_create(&cfg, NULL, &c, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "fifo"));
	ac_config_default(&cfg);
	cfg.min_allocatable = "cpus:0.01||mem:32";
	assert_int_equal(ac_core_create(&cfg, NULL, &c, &err), AC_EINVAL);
	ac_config_default(&cfg);
	cfg.offer_timeout = -1;
	assert_int_equal(ac_core_create(&cfg, NULL, &c, &err), AC_EINVAL);
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_agents),
	        cmocka_unit_test(test_frameworks),
	        cmocka_unit_test(test_roles),
	        cmocka_unit_test(test_offers),
	        cmocka_unit_test(test_recover_and_time),
	        cmocka_unit_test(test_core_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_allocate.c — the allocation pass: DRF (the DRF paper's example),
 * weighted DRF, roles before frameworks, quota guarantees and limits,
 * reservations, leftovers, and offers counting toward shares.
 */
#include "harness.h"

/* The DRF paper (Ghodsi et al., NSDI 2011, section 4): 9 CPUs and 18 GB;
 * A's tasks need <1 CPU, 4 GB>, B's <3 CPUs, 1 GB>. Each framework takes one
 * task per offer and declines the rest without a filter; one that cannot fit
 * a task suppresses. Progressive filling ends with A 3 tasks, B 2 tasks and
 * both dominant shares at 2/3. */
static void test_drf_paper_example(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m = h_agent(h, "m", "cpus:9;mem:18432");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0), b = h_fw(h, "B", NULL, 0, 0);
	const char *task[2] = {"cpus:1;mem:4096", "cpus:3;mem:1024"};
	int tasks[2] = {0, 0};
	for (int round = 0; round < 20; round++) {
		size_t first = h->nev;
		if (h_allocate(h) == 0)
			break;
		for (size_t i = first; i < h->nev; i++) {
			int who = h->ev[i].fw == a ? 0 : 1;
			ac_resources need = h_res(h, task[who]);
			ac_err err = {0};
			if (ac_resources_contains(&h->ev[i].res, &need)) {
				assert_int_equal(h_accept(h, h->ev[i].fw, m, task[who], 0, &err), 0);
				tasks[who]++;
			} else {
				assert_int_equal(h_decline(h, h->ev[i].fw, m, 0, &err), 0);
				assert_int_equal(ac_fw_suppress(h->core, h->ev[i].fw, &err), 0);
			}
		}
	}
	assert_int_equal(tasks[0], 3);
	assert_int_equal(tasks[1], 2);
	ac_fw_info ia, ib;
	ac_fw_info_get(h->core, a, &ia, NULL);
	ac_fw_info_get(h->core, b, &ib, NULL);
	assert_true(ia.dominant_share > 0.6666 && ia.dominant_share < 0.6667);
	assert_true(ib.dominant_share > 0.6666 && ib.dominant_share < 0.6667);
	h_free(h);
}

/* Nine equal agents, frameworks of weight 2 and 1 that keep what they get:
 * the heavier ends with twice the dominant share (6 agents against 3). */
static void test_weighted_drf(void **state)
{
	harness *h = h_new("drf");
	for (int i = 0; i < 9; i++) {
		char name[8];
		snprintf(name, sizeof name, "m%d", i);
		h_agent(h, name, "cpus:1;mem:1024");
	}
	ac_fw_id a = h_fw(h, "A", NULL, 2, 0), b = h_fw(h, "B", NULL, 1, 0);
	assert_int_equal(h_allocate(h), 9);
	int n[2] = {0, 0};
	for (size_t i = 0; i < h->nev; i++)
		n[h->ev[i].fw == a ? 0 : 1]++;
	assert_int_equal(n[0], 6);
	assert_int_equal(n[1], 3);
	ac_fw_info ia, ib;
	ac_fw_info_get(h->core, a, &ia, NULL);
	ac_fw_info_get(h->core, b, &ib, NULL);
	assert_true(ia.dominant_share > 1.999 * ib.dominant_share && ia.dominant_share < 2.001 * ib.dominant_share);
	(void)b;
	h_free(h);
}

/* Roles are sorted first: role a's two frameworks together get what role b's
 * single framework gets (flat DRF over three frameworks would not). */
static void test_roles_before_frameworks(void **state)
{
	harness *h = h_new("drf");
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof name, "m%d", i);
		h_agent(h, name, "cpus:1;mem:1024");
	}
	h_fw(h, "a1", "a", 0, 0);
	h_fw(h, "a2", "a", 0, 0);
	h_fw(h, "b1", "b", 0, 0);
	assert_int_equal(h_allocate(h), 4);
	assert_string_equal(h_line(h, 0), "offer a1 m0 cpus:1;mem:1024");
	assert_string_equal(h_line(h, 1), "offer b1 m1 cpus:1;mem:1024");
	assert_string_equal(h_line(h, 2), "offer a2 m2 cpus:1;mem:1024");
	assert_string_equal(h_line(h, 3), "offer b1 m3 cpus:1;mem:1024");
	ac_role_info ra, rb;
	assert_int_equal(ac_role_info_get(h->core, "a", &ra, NULL), 0);
	assert_int_equal(ac_role_info_get(h->core, "b", &rb, NULL), 0);
	assert_int_equal(ra.offered.v[AC_CPUS], 2000);
	assert_int_equal(rb.offered.v[AC_CPUS], 2000);
	h_free(h);
}

/* A subtree is ranked by its summed share: b's two children count as one
 * against a (Mesos's DRFSorterTest.HierarchicalAllocation shape). */
static void test_hierarchical_roles(void **state)
{
	harness *h = h_new("drf");
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof name, "m%d", i);
		h_agent(h, name, "cpus:1;mem:1024");
	}
	h_fw(h, "fa", "a", 0, 0);
	h_fw(h, "fc", "b/c", 0, 0);
	h_fw(h, "fd", "b/d", 0, 0);
	assert_int_equal(h_allocate(h), 4);
	assert_string_equal(h_line(h, 0), "offer fa m0 cpus:1;mem:1024");
	assert_string_equal(h_line(h, 1), "offer fc m1 cpus:1;mem:1024");
	/* a and b tie at 1/4 with one allocation each: a by name. */
	assert_string_equal(h_line(h, 2), "offer fa m2 cpus:1;mem:1024");
	assert_string_equal(h_line(h, 3), "offer fd m3 cpus:1;mem:1024");
	h_free(h);
}

/* A guarantee is met in stage 1, before fair sharing: q gets three agents
 * of four where DRF alone would split them two and two. */
static void test_quota_guarantee_first(void **state)
{
	harness *h = h_new("drf");
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof name, "m%d", i);
		h_agent(h, name, "cpus:2;mem:1024");
	}
	h_fw(h, "fq", "q", 0, 0);
	h_fw(h, "fr", "r", 0, 0);
	ac_quota q;
	ac_err err = {0};
	assert_int_equal(ac_quota_parse(h->core, "cpus:6", NULL, &q, &err), 0);
	assert_int_equal(ac_role_set_quota(h->core, "q", &q, &err), 0);
	assert_int_equal(h_allocate(h), 4);
	assert_string_equal(h_line(h, 0), "offer fq m0 cpus:2;mem:1024");
	assert_string_equal(h_line(h, 1), "offer fq m1 cpus:2;mem:1024");
	assert_string_equal(h_line(h, 2), "offer fq m2 cpus:2;mem:1024");
	assert_string_equal(h_line(h, 3), "offer fr m3 cpus:2;mem:1024");
	h_free(h);
}

/* Stage 2 holds back what unmet guarantees still need: while q's framework
 * is suppressed, r may take only the surplus over q's guarantee. */
static void test_quota_headroom_held_back(void **state)
{
	harness *h = h_new("drf");
	h_agent(h, "m0", "cpus:4;mem:4096");
	ac_fw_id fq = h_fw(h, "fq", "q", 0, 0);
	h_fw(h, "fr", "r", 0, 0);
	ac_quota q;
	assert_int_equal(ac_quota_parse(h->core, "cpus:3", NULL, &q, NULL), 0);
	assert_int_equal(ac_role_set_quota(h->core, "q", &q, NULL), 0);
	assert_int_equal(ac_fw_suppress(h->core, fq, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer fr m0 cpus:1;mem:4096");
	h_free(h);
}

/* A limit is never exceeded, and what it cuts off goes to the next
 * framework in the same pass (leftovers). A limit of 0 allows none. */
static void test_quota_limit_and_leftovers(void **state)
{
	harness *h = h_new("drf");
	h_agent(h, "m0", "cpus:4;mem:2048");
	h_fw(h, "fl", "l", 0, 0);
	h_fw(h, "fo", "o", 0, 0);
	ac_quota q;
	assert_int_equal(ac_quota_parse(h->core, NULL, "cpus:3", &q, NULL), 0);
	assert_int_equal(ac_role_set_quota(h->core, "l", &q, NULL), 0);
	assert_int_equal(h_allocate(h), 2);
	assert_string_equal(h_line(h, 0), "offer fl m0 cpus:3;mem:2048");
	assert_string_equal(h_line(h, 1), "offer fo m0 cpus:1");

	harness *z = h_new("drf");
	h_agent(z, "m0", "cpus:4;mem:2048");
	h_fw(z, "fz", "z", 0, 0);
	assert_int_equal(ac_quota_parse(z->core, NULL, "cpus:0", &q, NULL), 0);
	assert_int_equal(ac_role_set_quota(z->core, "z", &q, NULL), 0);
	assert_int_equal(h_allocate(z), 1);
	assert_string_equal(h_line(z, 0), "offer fz m0 mem:2048");
	h_free(z);
	h_free(h);
}

/* Reserved resources go only to their role and its descendants. */
static void test_reservations(void **state)
{
	harness *h = h_new("drf");
	h_agent(h, "m0", "cpus:2;mem:1024;cpus(a):2;mem(a):512");
	h_fw(h, "fb", "b", 0, 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer fb m0 cpus:2;mem:1024");
	h_fw(h, "fx", "a/x", 0, 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 1), "offer fx m0 cpus(a):2;mem(a):512");

	/* Never the reverse: a reservation for a/b is not for role a. */
	harness *r = h_new("drf");
	h_agent(r, "m0", "cpus(a/b):1;mem(a/b):64");
	h_fw(r, "fa", "a", 0, 0);
	assert_int_equal(h_allocate(r), 0);
	h_fw(r, "fab", "a/b", 0, 0);
	assert_int_equal(h_allocate(r), 1);
	assert_string_equal(h_line(r, 0), "offer fab m0 cpus(a/b):1;mem(a/b):64");
	h_free(r);
	h_free(h);
}

/* Outstanding offers count toward the share: A holding an unanswered offer
 * is behind B for the next agent. */
static void test_offers_count_toward_share(void **state)
{
	harness *h = h_new("drf");
	h_agent(h, "m0", "cpus:1;mem:1024");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0);
	h_fw(h, "B", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer A m0 cpus:1;mem:1024");
	ac_fw_info ia;
	ac_fw_info_get(h->core, a, &ia, NULL);
	assert_int_equal(ia.offered.v[AC_CPUS], 1000);
	assert_true(ia.dominant_share == 1.0);
	h_agent(h, "m1", "cpus:1;mem:1024");
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 1), "offer B m1 cpus:1;mem:1024");
	h_free(h);
}

/* Recovers leave the framework's and its roles' sums owing them until the
 * next pass (book.h): the views already show what is left, a framework that
 * goes while owing (suppressed: leaving its order would have settled it)
 * leaves its role at nothing even when its slot is taken again at once, and
 * quota set meanwhile sees the sums as they are. A and B each run two tasks
 * on four agents; A's two end, then one of B's. */
static void test_recovers_owed(void **state)
{
	harness *h = h_new("drf");
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof name, "m%d", i);
		h_agent(h, name, "cpus:4;mem:4096");
	}
	ac_fw_id a = h_fw(h, "A", "ra", 0, 0), b = h_fw(h, "B", "rb", 0, 0);
	ac_fw_id c = h_fw(h, "C", "ra", 0, 0);
	assert_int_equal(ac_fw_suppress(h->core, c, NULL), 0);
	assert_int_equal(h_allocate(h), 4);
	ac_err err = {0};
	for (size_t i = 0; i < h->nev; i++)
		assert_int_equal(h_accept(h, h->ev[i].fw, h->ev[i].agent, "cpus:2;mem:1024", 0, &err), 0);
	ac_resources task = h_res(h, "cpus:2;mem:1024");
	/* (suppressed first: leaving its order would bring its sums up to
	 * date, and the removal below must do it itself) */
	assert_int_equal(ac_fw_suppress(h->core, a, NULL), 0);
	int ended = 0;
	for (size_t i = 0; i < h->nev; i++)
		if (h->ev[i].fw == a) {
			assert_int_equal(ac_recover(h->core, a, h->ev[i].agent, &task, &err), 0);
			ended++;
		}
	assert_int_equal(ended, 2);
	ac_fw_info fa, fb;
	ac_role_info ra;
	assert_int_equal(ac_fw_info_get(h->core, a, &fa, NULL), 0);
	assert_int_equal(ac_fw_info_get(h->core, b, &fb, NULL), 0);
	assert_int_equal(fa.allocated.v[AC_CPUS], 0);
	assert_true(fa.dominant_share == 0);
	assert_int_equal(fb.allocated.v[AC_CPUS], 4000);
	assert_true(fb.dominant_share == 0.25);
	assert_int_equal(ac_role_info_get(h->core, "ra", &ra, NULL), 0);
	assert_int_equal(ra.allocated.v[AC_CPUS], 0);
	assert_int_equal(ra.consumed.v[AC_CPUS], 0);
	assert_int_equal(ra.offered.v[AC_CPUS], 0);
	/* A goes while owing: ra holds nothing, and nothing is owed by a
	 * slot that D then takes */
	assert_int_equal(ac_fw_remove(h->core, a, &err), 0);
	assert_int_equal(ac_role_info_get(h->core, "ra", &ra, NULL), 0);
	assert_int_equal(ra.allocated.v[AC_CPUS], 0);
	assert_int_equal(ra.offered.v[AC_CPUS], 0);
	ac_fw_id d = h_fw(h, "D", "rb", 0, 0);
	assert_int_equal((uint32_t)d, (uint32_t)a); /* (the slot, reused) */
	assert_int_equal(ac_fw_suppress(h->core, d, NULL), 0);
	/* C enters ra's order (its key is computed now), and one of B's
	 * tasks ends: B owes it when quota is set on rb */
	assert_int_equal(ac_fw_revive(h->core, c, NULL), 0);
	for (size_t i = 0; i < h->nev; i++)
		if (h->ev[i].fw == b) {
			assert_int_equal(ac_recover(h->core, b, h->ev[i].agent, &task, &err), 0);
			break;
		}
	ac_quota q;
	assert_int_equal(ac_quota_parse(h->core, "cpus:4", NULL, &q, &err), 0);
	assert_int_equal(ac_role_set_quota(h->core, "ra", &q, &err), 0);
	assert_int_equal(ac_role_set_quota(h->core, "rb", &q, &err), 0);
	assert_int_equal(ac_role_info_get(h->core, "rb", &ra, NULL), 0);
	assert_int_equal(ra.consumed.v[AC_CPUS], 2000);
	/* the pass offers all that is free (16 cpus less B's 2), C at least
	 * ra's guarantee; the roles' sums are what their frameworks hold */
	assert_true(h_allocate(h) > 0);
	ac_role_info rb;
	ac_fw_info fc;
	assert_int_equal(ac_role_info_get(h->core, "ra", &ra, NULL), 0);
	assert_int_equal(ac_role_info_get(h->core, "rb", &rb, NULL), 0);
	assert_int_equal(ac_fw_info_get(h->core, b, &fb, NULL), 0);
	assert_int_equal(ac_fw_info_get(h->core, c, &fc, NULL), 0);
	assert_int_equal(ra.offered.v[AC_CPUS] + rb.offered.v[AC_CPUS], 14000);
	assert_true(ra.offered.v[AC_CPUS] >= 4000);
	assert_int_equal(ra.allocated.v[AC_CPUS], 0);
	assert_int_equal(fc.offered.v[AC_CPUS], ra.offered.v[AC_CPUS]);
	assert_int_equal(rb.allocated.v[AC_CPUS], 2000);
	assert_int_equal(fb.allocated.v[AC_CPUS], 2000);
	assert_int_equal(rb.consumed.v[AC_CPUS], 2000 + rb.offered.v[AC_CPUS]);
	assert_int_equal(fb.offered.v[AC_CPUS], rb.offered.v[AC_CPUS]);
	h_free(h);
}

/* Shares closer than a double tells apart are still ordered exactly: A's
 * dominant kind leads its other kind by 2 parts in 10^12 (disk over mem,
 * then mem over disk), and B's share lies between the two, so B is offered
 * first. Taking the smaller of A's kinds, or a tie of B with A, would
 * offer A. */
static void test_drf_exact_near_ties(void **state)
{
	for (int flip = 0; flip < 2; flip++) {
		harness *h = h_new("drf");
		ac_agent_id big = h_agent(h, "big", "mem:1000000000000;disk:1000000000000");
		ac_agent_id big2 = h_agent(h, "big2", "mem:1000000000000;disk:1000000000000");
		ac_fw_id a = h_fw(h, "A", NULL, 0, 0), b = h_fw(h, "B", NULL, 0, 0);
		ac_resources ra = h_res(h, flip ? "mem:500000000001;disk:499999999999"
		                                : "mem:500000000000;disk:500000000001"),
		             rb = h_res(h, flip ? "mem:500000000000.5" : "disk:500000000000.5");
		ac_err err = {0};
		if (ac_allocation_restore(h->core, a, big, &ra, &err) ||
		    ac_allocation_restore(h->core, b, big2, &rb, &err))
			fail_msg("%s", err.msg);
		/* (only the small agent is offered) */
		assert_int_equal(ac_agent_deactivate(h->core, big, &err), 0);
		assert_int_equal(ac_agent_deactivate(h->core, big2, &err), 0);
		h_agent(h, "small", "cpus:1");
		assert_int_equal(h_allocate(h), 1);
		assert_string_equal(h_line(h, 0), "offer B small cpus:1");
		h_free(h);
	}
}

/* Equal shares written as different fractions are a tie: one framework
 * holds half the cpus (2000 / 4000 in thousandths), the other half the mem
 * (2048 / 4096), each one allocation, so the name decides and A is offered
 * first, whichever kind it holds. Ordering by the numerators, or by the
 * fractions' parts, would put the cpus holder first. */
static void test_drf_equal_shares_differently_written(void **state)
{
	for (int flip = 0; flip < 2; flip++) {
		harness *h = h_new("drf");
		ac_agent_id big = h_agent(h, "big", "cpus:3;mem:3072");
		ac_fw_id a = h_fw(h, "A", NULL, 0, 0), z = h_fw(h, "Z", NULL, 0, 0);
		ac_resources cpus = h_res(h, "cpus:2"), mem = h_res(h, "mem:2048");
		ac_err err = {0};
		if (ac_allocation_restore(h->core, a, big, flip ? &cpus : &mem, &err) ||
		    ac_allocation_restore(h->core, z, big, flip ? &mem : &cpus, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(ac_agent_deactivate(h->core, big, &err), 0);
		h_agent(h, "small", "cpus:1;mem:1024");
		assert_int_equal(h_allocate(h), 1);
		assert_string_equal(h_line(h, 0), "offer A small cpus:1;mem:1024");
		h_free(h);
	}
}

/* Minimum allocatable: below cpus 0.01 and mem 32 nothing is offered. */
static void test_min_allocatable(void **state)
{
	harness *h = h_new("drf");
	h_agent(h, "m0", "cpus:0.005;mem:16;disk:100");
	h_fw(h, "A", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 0);
	assert_int_equal(ac_core_set_min_allocatable(h->core, "disk:50", NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer A m0 cpus:0.005;mem:16;disk:100");
	h_free(h);
}

/* Priority: higher priority first within a role, DRF among equals. */
static void test_priority_policy(void **state)
{
	harness *h = h_new("priority");
	for (int i = 0; i < 3; i++) {
		char name[8];
		snprintf(name, sizeof name, "m%d", i);
		h_agent(h, name, "cpus:1;mem:1024");
	}
	h_fw(h, "lo", NULL, 0, 0);
	h_fw(h, "hi", NULL, 0, 5);
	assert_int_equal(h_allocate(h), 3);
	for (size_t i = 0; i < 3; i++)
		assert_non_null(strstr(h_line(h, i), "offer hi "));
	h_free(h);
}

/* Asset fairness sums the shares of every kind: a framework holding much
 * memory and few cpus ranks behind one holding the reverse when its sum is
 * larger, whatever the dominant shares say. */
static void test_asset_policy(void **state)
{
	harness *h = h_new("asset");
	h_agent(h, "m0", "cpus:10;mem:1000");
	ac_fw_id a = h_fw(h, "A", NULL, 0, 0), b = h_fw(h, "B", NULL, 0, 0);
	ac_agent_id m0 = ac_agent_find(h->core, "m0");
	ac_resources ra = h_res(h, "cpus:4;mem:400"), rb = h_res(h, "cpus:5");
	assert_int_equal(ac_allocation_restore(h->core, a, m0, &ra, NULL), 0);
	assert_int_equal(ac_allocation_restore(h->core, b, m0, &rb, NULL), 0);
	/* A: 0.4 + 0.4 = 0.8 > B: 0.5 (DRF would rank A 0.4 first). */
	h_agent(h, "m1", "cpus:1;mem:100");
	assert_int_equal(h_allocate(h), 2);
	assert_string_equal(h_line(h, 0), "offer B m0 cpus:1;mem:600");
	/* B now sums 6/11 + 6/11; A's 0.727 is lower. */
	assert_string_equal(h_line(h, 1), "offer A m1 cpus:1;mem:100");
	h_free(h);
}

/* The random policy is seeded: the same seed gives the same offers. */
static void test_random_policy_reproducible(void **state)
{
	char out[2][4096];
	for (int run = 0; run < 2; run++) {
		ac_config cfg;
		ac_config_default(&cfg);
		cfg.policy = "random";
		cfg.seed = 42;
		harness *h = h_new("drf");
		ac_core_destroy(h->core);
		ac_hooks hooks = {h_on_offer, h_on_rescind, h};
		assert_int_equal(ac_core_create(&cfg, &hooks, &h->core, NULL), 0);
		for (int i = 0; i < 8; i++) {
			char name[8];
			snprintf(name, sizeof name, "m%d", i);
			h_agent(h, name, "cpus:1;mem:1024");
		}
		for (int i = 0; i < 5; i++) {
			char name[8];
			snprintf(name, sizeof name, "f%d", i);
			h_fw(h, name, NULL, 0, 0);
		}
		assert_int_equal(h_allocate(h), 8);
		out[run][0] = 0;
		for (size_t i = 0; i < h->nev; i++) {
			strcat(out[run], h_line(h, i));
			strcat(out[run], "\n");
		}
		h_free(h);
	}
	assert_string_equal(out[0], out[1]);
}

/* Agents are visited in a seeded shuffle: every agent once per pass. */
static void test_shuffled_pass_visits_every_agent(void **state)
{
	ac_config cfg;
	ac_config_default(&cfg);
	cfg.seed = 7;
	harness *h = h_new("drf");
	ac_core_destroy(h->core);
	ac_hooks hooks = {h_on_offer, h_on_rescind, h};
	assert_int_equal(ac_core_create(&cfg, &hooks, &h->core, NULL), 0);
	for (int i = 0; i < 50; i++) {
		char name[8];
		snprintf(name, sizeof name, "m%d", i);
		h_agent(h, name, "cpus:1;mem:1024");
	}
	h_fw(h, "A", NULL, 0, 0);
	h_fw(h, "B", NULL, 0, 0);
	assert_int_equal(h_allocate(h), 50);
	int seen[50] = {0}, in_order = 1;
	for (size_t i = 0; i < h->nev; i++) {
		ac_agent_info ai;
		ac_agent_info_get(h->core, h->ev[i].agent, &ai, NULL);
		int k = atoi(ai.name + 1);
		seen[k]++;
		in_order &= k == (int)i;
	}
	for (int k = 0; k < 50; k++)
		assert_int_equal(seen[k], 1);
	assert_false(in_order);
	h_free(h);
}

/* A pass over a candidate set: only the named agents, each once however
 * often named, in the order given (agents in added order here); an unknown
 * id makes no offer at all. */
static void test_pass_over_candidates(void **state)
{
	harness *h = h_new("drf");
	ac_agent_id m1 = h_agent(h, "m1", "cpus:2;mem:2048");
	ac_agent_id m2 = h_agent(h, "m2", "cpus:2;mem:2048");
	ac_agent_id m3 = h_agent(h, "m3", "cpus:2;mem:2048");
	h_fw(h, "A", NULL, 0, 0);
	h_fw(h, "B", NULL, 0, 0);
	ac_err err = {0};

	ac_agent_id bad[] = {m1, 999};
	assert_int_equal(ac_allocate_agents(h->core, bad, 2, h->now, &err), AC_ENOENT);
	assert_int_equal(h->nev, 0);
	assert_non_null(strstr(err.msg, "unknown agent"));
	assert_int_equal(ac_allocate_agents(h->core, NULL, 1, h->now, &err), AC_EINVAL);
	assert_int_equal(ac_allocate_agents(h->core, NULL, 0, h->now, &err), 0);

	ac_agent_id cand[] = {m3, m1, m3, m3};
	assert_int_equal(ac_allocate_agents(h->core, cand, 4, h->now, &err), 2);
	assert_int_equal(h->nev, 2);
	assert_string_equal(h_line(h, 0), "offer A m3 cpus:2;mem:2048");
	assert_string_equal(h_line(h, 1), "offer B m1 cpus:2;mem:2048");
	(void)m2; /* not a candidate: not offered */
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_drf_paper_example),
	        cmocka_unit_test(test_weighted_drf),
	        cmocka_unit_test(test_roles_before_frameworks),
	        cmocka_unit_test(test_hierarchical_roles),
	        cmocka_unit_test(test_quota_guarantee_first),
	        cmocka_unit_test(test_quota_headroom_held_back),
	        cmocka_unit_test(test_quota_limit_and_leftovers),
	        cmocka_unit_test(test_reservations),
	        cmocka_unit_test(test_offers_count_toward_share),
	        cmocka_unit_test(test_drf_equal_shares_differently_written),
	        cmocka_unit_test(test_min_allocatable),
	        cmocka_unit_test(test_priority_policy),
	        cmocka_unit_test(test_asset_policy),
	        cmocka_unit_test(test_random_policy_reproducible),
	        cmocka_unit_test(test_shuffled_pass_visits_every_agent),
	        cmocka_unit_test(test_pass_over_candidates),
	        cmocka_unit_test(test_drf_exact_near_ties),
	        cmocka_unit_test(test_recovers_owed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

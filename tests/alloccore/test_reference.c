/*
 * test_reference.c — hand-checked outcomes of the reference allocator
 * (tests/reference/refalloc.c), so that the baseline of the differential test
 * and of the benchmarks is trustworthy on its own: the DRF paper's example,
 * weighted frameworks and roles, filters, quota, reservations, the order of
 * one turn, the asset and priority policies, and offer timeouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alloccore/alloccore.h"
#include "reference/refalloc.h"

#define S AC_SECOND

/* A reference and the core that serves as its name registry. */
typedef struct fixture {
	ac_core *names;
	ref_alloc *ref;
} fixture;

static fixture setup(const char *policy)
{
	fixture fx;
	ref_config cfg = {policy, 0, 0, NULL};
	assert_int_equal(ac_core_create(NULL, NULL, &fx.names, NULL), 0);
	assert_int_equal(ref_create(fx.names, &cfg, &fx.ref), 0);
	return fx;
}

static void teardown(fixture *fx)
{
	ref_destroy(fx->ref);
	ac_core_destroy(fx->names);
}

static ac_resources res(fixture *fx, const char *text)
{
	ac_resources r;
	ac_err err = {0};
	if (ac_resources_parse(fx->names, text, &r, &err))
		fail_msg("parse \"%s\": %s", text, err.msg);
	return r;
}

static const char *fmt(fixture *fx, const ac_resources *r)
{
	static char buf[4][256];
	static int i;
	char *b = buf[i++ % 4];
	ac_resources_format(fx->names, r, b, 256);
	return b;
}

/* Event i as "offer F A RES" or "rescind F A RES". */
static const char *event(fixture *fx, size_t i)
{
	static char buf[4][320];
	static int k;
	size_t n;
	const ref_event *ev = ref_events(fx->ref, &n);
	char *b = buf[k++ % 4];
	assert_true(i < n);
	snprintf(b, 320, "%s %s %s %s", ev[i].kind == REF_OFFER ? "offer" : "rescind", ev[i].fw_name, ev[i].agent_name,
	         fmt(fx, &ev[i].res));
	return b;
}

static size_t nevents(fixture *fx)
{
	size_t n;
	ref_events(fx->ref, &n);
	return n;
}

static const char *held(fixture *fx, int fw, int agent)
{
	ac_resources r;
	assert_int_equal(ref_allocation(fx->ref, fw, agent, &r), 0);
	return fmt(fx, &r);
}

/* The DRF paper (Ghodsi et al., NSDI 2011): 9 cpus and 18 GB; A runs tasks
 * of <1 cpu, 4 GB>, B of <3 cpus, 1 GB>. Each framework launches one task per
 * offer and declines the rest without a filter. DRF ends with A running 3
 * tasks, B 2, both at a dominant share of 2/3. */
static void drf_paper_example(void **state)
{
	(void)state;
	fixture fx = setup("drf");
	ac_resources total = res(&fx, "cpus:9;mem:18432");
	int agent = ref_agent_add(fx.ref, "s1", &total);
	int a = ref_fw_add(fx.ref, "A", "*", 1, 0), b = ref_fw_add(fx.ref, "B", "*", 1, 0);
	ac_resources task[2] = {res(&fx, "cpus:1;mem:4096"), res(&fx, "cpus:3;mem:1024")};
	int tasks[2] = {0, 0};
	for (int round = 0; round < 12; round++) {
		size_t n;
		ref_events_clear(fx.ref);
		assert_true(ref_allocate(fx.ref, round * S) >= 0);
		const ref_event *ev = ref_events(fx.ref, &n);
		for (size_t i = 0; i < n; i++) {
			int f = ev[i].fw;
			if (ac_resources_contains(&ev[i].res, &task[f])) {
				assert_int_equal(ref_accept(fx.ref, f, agent, &task[f], 0, round * S), 0);
				tasks[f]++;
			} else {
				assert_int_equal(ref_decline(fx.ref, f, agent, 0, round * S), 0);
			}
		}
	}
	assert_int_equal(tasks[0], 3);
	assert_int_equal(tasks[1], 2);
	assert_string_equal(held(&fx, a, agent), "cpus:3;mem:12288");
	assert_string_equal(held(&fx, b, agent), "cpus:6;mem:2048");
	assert_true(ref_fw_dominant_share(fx.ref, a) > 0.6666 && ref_fw_dominant_share(fx.ref, a) < 0.6667);
	assert_true(ref_fw_dominant_share(fx.ref, b) > 0.6666 && ref_fw_dominant_share(fx.ref, b) < 0.6667);
	/* Then only 4 GB remain, offered alternately (equal shares, so the
	 * allocation count breaks the tie, then the name): B, A, B, ... */
	assert_int_equal(ref_fw_allocations(fx.ref, a), 3 + 3);
	assert_int_equal(ref_fw_allocations(fx.ref, b), 2 + 4);
	teardown(&fx);
}

/* Framework weights divide shares: with weights 2 and 1 over six equal
 * agents, one pass goes X, Y, X, Y (tie broken by count), X, X. */
static void framework_weights_split_two_to_one(void **state)
{
	(void)state;
	fixture fx = setup("drf");
	char name[8];
	ac_resources one = res(&fx, "cpus:1;mem:1024");
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof name, "s%d", i);
		assert_int_equal(ref_agent_add(fx.ref, name, &one), i);
	}
	int x = ref_fw_add(fx.ref, "X", "*", 2, 0), y = ref_fw_add(fx.ref, "Y", "*", 1, 0);
	assert_int_equal(ref_allocate(fx.ref, 0), 6);
	const char *want[6] = {"X", "Y", "X", "Y", "X", "X"};
	for (size_t i = 0; i < 6; i++) {
		snprintf(name, sizeof name, "s%zu", i);
		char line[64];
		snprintf(line, sizeof line, "offer %s %s cpus:1;mem:1024", want[i], name);
		assert_string_equal(event(&fx, i), line);
	}
	assert_int_equal(ref_fw_allocations(fx.ref, x), 4);
	assert_int_equal(ref_fw_allocations(fx.ref, y), 2);
	teardown(&fx);
}

/* Role weights work the same one level up: a (weight 3) against c. */
static void role_weights_split_three_to_one(void **state)
{
	(void)state;
	fixture fx = setup("drf");
	char name[8];
	ac_resources one = res(&fx, "cpus:1;mem:1024");
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "s%d", i);
		ref_agent_add(fx.ref, name, &one);
	}
	assert_int_equal(ref_role_set_weight(fx.ref, "a", 3), 0);
	ref_fw_add(fx.ref, "fc", "c", 1, 0);
	ref_fw_add(fx.ref, "fa", "a", 1, 0);
	assert_int_equal(ref_allocate(fx.ref, 0), 4);
	assert_string_equal(event(&fx, 0), "offer fa s0 cpus:1;mem:1024");
	assert_string_equal(event(&fx, 1), "offer fc s1 cpus:1;mem:1024");
	assert_string_equal(event(&fx, 2), "offer fa s2 cpus:1;mem:1024");
	assert_string_equal(event(&fx, 3), "offer fa s3 cpus:1;mem:1024");
	teardown(&fx);
}

/* A filter covers subsets of what was refused, for max(refuse, interval),
 * applying while now < t + d; more resources than refused get through. */
static void filters_hold_refused_resources_until_expiry(void **state)
{
	(void)state;
	fixture fx = setup("drf");
	ac_resources total = res(&fx, "cpus:4;mem:4096"), used = res(&fx, "cpus:1;mem:1024");
	int s = ref_agent_add(fx.ref, "s", &total), f = ref_fw_add(fx.ref, "F", "*", 0, 0);
	assert_int_equal(ref_allocate(fx.ref, 0), 1);
	assert_int_equal(ref_accept(fx.ref, f, s, &used, 10 * S, 0), 0);
	assert_int_equal(ref_allocate(fx.ref, 9 * S), 0); /* cpus:3;mem:3072 is filtered */
	assert_int_equal(ref_recover(fx.ref, f, s, &used), 0);
	ref_events_clear(fx.ref);
	assert_int_equal(ref_allocate(fx.ref, 9 * S), 1); /* more than refused */
	assert_string_equal(event(&fx, 0), "offer F s cpus:4;mem:4096");
	/* A refuse below the interval lasts one interval; at t + d it is gone. */
	assert_int_equal(ref_decline(fx.ref, f, s, S / 2, 20 * S), 0);
	assert_int_equal(ref_allocate(fx.ref, 20 * S + S - 1), 0);
	assert_int_equal(ref_allocate(fx.ref, 21 * S), 1);
	/* Refuse 0 installs nothing; revive drops filters. */
	assert_int_equal(ref_decline(fx.ref, f, s, 0, 22 * S), 0);
	assert_int_equal(ref_allocate(fx.ref, 22 * S), 1);
	assert_int_equal(ref_decline(fx.ref, f, s, 60 * S, 22 * S), 0);
	assert_int_equal(ref_allocate(fx.ref, 23 * S), 0);
	assert_int_equal(ref_fw_revive(fx.ref, f), 0);
	assert_int_equal(ref_allocate(fx.ref, 23 * S), 1);
	teardown(&fx);
}

/* Stage 1 gives a guaranteed role its guarantee (cut to its limit) plus
 * what the surplus headroom allows; stage 2 then shares the rest. */
static void quota_guarantee_then_fair_share(void **state)
{
	(void)state;
	fixture fx = setup("drf");
	ac_resources two = res(&fx, "cpus:2;mem:1024");
	ac_quota q;
	int s1 = ref_agent_add(fx.ref, "s1", &two), s2 = ref_agent_add(fx.ref, "s2", &two);
	int g = ref_fw_add(fx.ref, "G", "g", 1, 0), h = ref_fw_add(fx.ref, "H", "*", 1, 0);
	assert_int_equal(ac_quota_parse(fx.names, "cpus:1", "cpus:1", &q, NULL), 0);
	assert_int_equal(ref_role_set_quota(fx.ref, "g", &q), 0);
	assert_int_equal(ref_allocate(fx.ref, 0), 3);
	assert_string_equal(event(&fx, 0), "offer G s1 cpus:1;mem:1024");
	assert_string_equal(event(&fx, 1), "offer H s1 cpus:1");
	assert_string_equal(event(&fx, 2), "offer H s2 cpus:2;mem:1024");
	ac_vec cons;
	ref_role_consumed(fx.ref, "g", &cons);
	assert_int_equal(cons.v[AC_CPUS], 1000);
	(void)g, (void)h, (void)s2;
	/* The limit caps stage 2 as well: nothing more for G once s1 frees up. */
	ref_events_clear(fx.ref);
	assert_int_equal(ref_decline(fx.ref, h, s1, 0, 0), 0);
	assert_int_equal(ref_allocate(fx.ref, 0), 1);
	assert_string_equal(event(&fx, 0), "offer H s1 cpus:1");
	teardown(&fx);
}

/* Reserved resources go to the reservation role and its descendants only,
 * uncut by quota limits; unreserved scalars are cut to the limit room. */
static void reservations_go_to_the_role_and_below(void **state)
{
	(void)state;
	fixture fx = setup("drf");
	ac_resources total = res(&fx, "cpus:1;mem:512;cpus(a):2;mem(a):256;cpus(c):1");
	ac_quota q;
	ref_agent_add(fx.ref, "s", &total);
	assert_int_equal(ac_quota_parse(fx.names, NULL, "cpus:0", &q, NULL), 0);
	assert_int_equal(ref_role_set_quota(fx.ref, "a/b", &q), 0);
	ref_fw_add(fx.ref, "leaf", "a/b", 1, 0);
	ref_fw_add(fx.ref, "other", "z", 1, 0);
	assert_int_equal(ref_allocate(fx.ref, 0), 2);
	/* "a" sorts before "z" at zero shares; neither sees cpus(c). */
	assert_string_equal(event(&fx, 0), "offer leaf s mem:512;cpus(a):2;mem(a):256");
	assert_string_equal(event(&fx, 1), "offer other s cpus:1");
	teardown(&fx);
}

/* Within one agent's turn the order taken at its start holds: after a
 * limit cuts the first framework's offer, the leftovers go to the next
 * framework in that order (a2, in a's subtree), although a's share now
 * exceeds b's. The next agent sees the new shares. */
static void order_is_fixed_within_a_turn(void **state)
{
	(void)state;
	fixture fx = setup("drf");
	ac_resources big = res(&fx, "cpus:4;mem:4096");
	ac_quota q;
	ref_agent_add(fx.ref, "s1", &big);
	ref_agent_add(fx.ref, "s2", &big);
	assert_int_equal(ac_quota_parse(fx.names, NULL, "mem:1024", &q, NULL), 0);
	assert_int_equal(ref_role_set_quota(fx.ref, "a/x", &q), 0);
	ref_fw_add(fx.ref, "a1", "a/x", 1, 0);
	ref_fw_add(fx.ref, "a2", "a/y", 1, 0);
	ref_fw_add(fx.ref, "b1", "b", 1, 0);
	assert_int_equal(ref_allocate(fx.ref, 0), 3);
	assert_string_equal(event(&fx, 0), "offer a1 s1 cpus:4;mem:1024");
	assert_string_equal(event(&fx, 1), "offer a2 s1 mem:3072");
	assert_string_equal(event(&fx, 2), "offer b1 s2 cpus:4;mem:4096");
	assert_int_equal(nevents(&fx), 3);
	teardown(&fx);
}

/* asset sums the fractions of each kind; drf takes the largest. X holds
 * 3/10 cpus and 1/10 mem (drf .3, asset .4), Y 0.35 of mem: drf hands the
 * third agent to X, asset to Y. */
static void asset_and_drf_disagree(void **state)
{
	(void)state;
	const char *policy[2] = {"drf", "asset"}, *want[2] = {"offer X c cpus:7;mem:5632", "offer Y c cpus:7;mem:5632"};
	for (int p = 0; p < 2; p++) {
		fixture fx = setup(policy[p]);
		ac_resources ra = res(&fx, "cpus:3;mem:1024"), rb = res(&fx, "mem:3584"),
		             rc = res(&fx, "cpus:7;mem:5632");
		ref_agent_add(fx.ref, "a", &ra);
		ref_agent_add(fx.ref, "b", &rb);
		ref_agent_add(fx.ref, "c", &rc);
		ref_fw_add(fx.ref, "X", "*", 1, 0);
		ref_fw_add(fx.ref, "Y", "*", 1, 0);
		assert_int_equal(ref_allocate(fx.ref, 0), 3);
		assert_string_equal(event(&fx, 0), "offer X a cpus:3;mem:1024");
		assert_string_equal(event(&fx, 1), "offer Y b mem:3584");
		assert_string_equal(event(&fx, 2), want[p]);
		teardown(&fx);
	}
}

/* priority: a higher priority goes first whatever the shares; roles still
 * sort by drf. */
static void priority_beats_share(void **state)
{
	(void)state;
	fixture fx = setup("priority");
	ac_resources one = res(&fx, "cpus:1;mem:1024");
	ref_agent_add(fx.ref, "s0", &one);
	ref_agent_add(fx.ref, "s1", &one);
	ref_agent_add(fx.ref, "s2", &one);
	ref_fw_add(fx.ref, "low", "*", 1, 1);
	ref_fw_add(fx.ref, "high", "*", 1, 2);
	ref_fw_add(fx.ref, "other", "r", 1, 9);
	assert_int_equal(ref_allocate(fx.ref, 0), 3);
	/* Role "*" (share 0) before "r" (share 0) by name; then "*" holds more. */
	assert_string_equal(event(&fx, 0), "offer high s0 cpus:1;mem:1024");
	assert_string_equal(event(&fx, 1), "offer other s1 cpus:1;mem:1024");
	assert_string_equal(event(&fx, 2), "offer high s2 cpus:1;mem:1024");
	teardown(&fx);
}

/* Offers are rescinded when their age reaches the timeout, oldest first, by
 * ref_advance only; a pass does not move the clock backwards. */
static void offers_time_out_oldest_first(void **state)
{
	(void)state;
	fixture fx;
	ref_config cfg = {"drf", 0, 3 * S, NULL};
	assert_int_equal(ac_core_create(NULL, NULL, &fx.names, NULL), 0);
	assert_int_equal(ref_create(fx.names, &cfg, &fx.ref), 0);
	ac_resources one = res(&fx, "cpus:1;mem:1024");
	int s1 = ref_agent_add(fx.ref, "s1", &one);
	ref_fw_add(fx.ref, "F", "*", 1, 0);
	assert_int_equal(ref_allocate(fx.ref, 0), 1);
	ref_agent_add(fx.ref, "s2", &one);
	assert_int_equal(ref_allocate(fx.ref, S), 1);
	assert_int_equal(ref_allocate(fx.ref, S / 2), AC_ESTATE);
	ref_events_clear(fx.ref);
	assert_int_equal(ref_advance(fx.ref, 3 * S - 1), 0);
	assert_int_equal(ref_advance(fx.ref, 4 * S), 2);
	assert_string_equal(event(&fx, 0), "rescind F s1 cpus:1;mem:1024");
	assert_string_equal(event(&fx, 1), "rescind F s2 cpus:1;mem:1024");
	assert_int_equal(ref_advance(fx.ref, 3 * S), AC_ESTATE);
	(void)s1;
	teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(drf_paper_example),
	        cmocka_unit_test(framework_weights_split_two_to_one),
	        cmocka_unit_test(role_weights_split_three_to_one),
	        cmocka_unit_test(filters_hold_refused_resources_until_expiry),
	        cmocka_unit_test(quota_guarantee_then_fair_share),
	        cmocka_unit_test(reservations_go_to_the_role_and_below),
	        cmocka_unit_test(order_is_fixed_within_a_turn),
	        cmocka_unit_test(asset_and_drf_disagree),
	        cmocka_unit_test(priority_beats_share),
	        cmocka_unit_test(offers_time_out_oldest_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

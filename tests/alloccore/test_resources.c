/*
 * test_resources.c — the algebra of resource sets: add, sub, contains, equal,
 * port ranges kept coalesced, capacity errors that leave a set unchanged, and
 * reserved resources that never stand in for unreserved ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alloccore/alloccore.h"

#define M AC_MILLI /* one unit */

/* ----------------------------------------------------------- set builders */

/* The group of `role`, appended when missing (tests add roles in increasing
 * order, as the invariant wants). */
static ac_group *group(ac_resources *r, uint32_t role)
{
	for (uint32_t i = 0; i < r->ngroups; i++)
		if (r->group[i].role == role)
			return &r->group[i];
	assert_true(r->ngroups < AC_MAX_GROUPS);
	assert_true(role > r->group[r->ngroups - 1].role);
	ac_group *g = &r->group[r->ngroups++];
	memset(g, 0, sizeof *g);
	g->role = role;
	return g;
}

static void scalar(ac_resources *r, uint32_t role, int kind, int64_t milli)
{
	group(r, role)->amount.v[kind] = milli;
}

/* Appends a range; tests list them sorted and non-adjacent. */
static void range(ac_resources *r, uint32_t role, uint32_t begin, uint32_t end)
{
	ac_group *g = group(r, role);
	assert_true(g->nports < AC_MAX_RANGES);
	g->ports[g->nports].begin = begin;
	g->ports[g->nports].end = end;
	g->nports++;
}

static ac_resources empty_set(void)
{
	ac_resources r;
	ac_resources_init(&r);
	return r;
}

/* Asserts that group `role` of r has exactly the ranges listed as
 * begin, end pairs. */
static void assert_ports(const ac_resources *r, uint32_t role, uint32_t n, const uint32_t *pairs)
{
	for (uint32_t i = 0; i < r->ngroups; i++) {
		const ac_group *g = &r->group[i];
		if (g->role != role)
			continue;
		if (g->nports != n)
			fail_msg("role %u: %u port ranges, expected %u", role, g->nports, n);
		for (uint32_t j = 0; j < n; j++)
			if (g->ports[j].begin != pairs[2 * j] || g->ports[j].end != pairs[2 * j + 1])
				fail_msg("role %u range %u: [%u-%u], expected [%u-%u]", role, j, g->ports[j].begin,
				         g->ports[j].end, pairs[2 * j], pairs[2 * j + 1]);
		return;
	}
	fail_msg("no group for role %u", role);
}

/* ---------------------------------------------------------------- basics */

static void init_gives_one_empty_unreserved_group(void **state)
{
	ac_resources r = empty_set();
	assert_int_equal(r.ngroups, 1);
	assert_int_equal(r.group[0].role, 0);
	assert_true(ac_resources_empty(&r));
	assert_int_equal(ac_resources_port_count(&r), 0);
}

static void from_vec_fills_only_unreserved_scalars(void **state)
{
	ac_vec v = {{2 * M, 512 * M, 0, 1 * M}};
	ac_resources r;
	ac_vec sum;
	ac_resources_from_vec(&r, &v);
	assert_int_equal(r.ngroups, 1);
	assert_memory_equal(&r.group[0].amount, &v, sizeof v);
	assert_int_equal(r.group[0].nports, 0);
	ac_resources_scalars(&r, &sum);
	assert_memory_equal(&sum, &v, sizeof v);
	assert_false(ac_resources_empty(&r));
}

static void ports_alone_make_a_set_non_empty(void **state)
{
	ac_resources r = empty_set();
	range(&r, 0, 80, 80);
	assert_false(ac_resources_empty(&r));
	assert_int_equal(ac_resources_port_count(&r), 1);
}

/* ------------------------------------------------------------------- add */

static void add_sums_scalars_per_group(void **state)
{
	ac_resources a = empty_set(), b = empty_set(), want = empty_set();
	scalar(&a, 0, AC_CPUS, 1500);
	scalar(&a, 0, AC_MEM, 100 * M);
	scalar(&a, 7, AC_CPUS, 1 * M);
	scalar(&b, 0, AC_CPUS, 500);
	scalar(&b, 7, AC_DISK, 10 * M);
	scalar(&want, 0, AC_CPUS, 2 * M);
	scalar(&want, 0, AC_MEM, 100 * M);
	scalar(&want, 7, AC_CPUS, 1 * M);
	scalar(&want, 7, AC_DISK, 10 * M);

	assert_int_equal(ac_resources_add(&a, &b), AC_OK);
	if (!ac_resources_equal(&a, &want))
		fail_msg("cpus:1.5;mem:100;cpus(7):1 + cpus:0.5;disk(7):10 is not cpus:2;mem:100;cpus(7):1;disk(7):10");
	assert_int_equal(a.ngroups, 2);
}

static void add_coalesces_overlapping_and_adjacent_ports(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	range(&a, 0, 1, 5);
	range(&a, 0, 20, 30);
	range(&a, 0, 40, 40);
	range(&b, 0, 6, 10);  /* touches 1-5 */
	range(&b, 0, 25, 35); /* overlaps 20-30 */
	range(&b, 0, 38, 38); /* one gap before 40: stays apart */
	range(&b, 0, 50, 60);

	assert_int_equal(ac_resources_add(&a, &b), AC_OK);
	const uint32_t want[] = {1, 10, 20, 35, 38, 38, 40, 40, 50, 60};
	assert_ports(&a, 0, 5, want);
	assert_int_equal(ac_resources_port_count(&a), 10 + 16 + 1 + 1 + 11);
}

static void add_bridging_range_merges_many_into_one(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	for (uint32_t i = 0; i < AC_MAX_RANGES; i++)
		range(&a, 0, 10 * i, 10 * i + 1);
	range(&b, 0, 0, 1000);

	assert_int_equal(ac_resources_add(&a, &b), AC_OK);
	const uint32_t want[] = {0, 1000};
	assert_ports(&a, 0, 1, want);
}

static void add_keeps_reserved_groups_in_role_id_order(void **state)
{
	ac_resources a = empty_set(), b = empty_set(), c = empty_set();
	scalar(&a, 5, AC_CPUS, 1 * M);
	scalar(&b, 2, AC_CPUS, 1 * M);
	range(&c, 9, 100, 200);

	assert_int_equal(ac_resources_add(&a, &b), AC_OK);
	assert_int_equal(ac_resources_add(&a, &c), AC_OK);
	assert_int_equal(a.ngroups, 4);
	assert_int_equal(a.group[0].role, 0);
	assert_int_equal(a.group[1].role, 2);
	assert_int_equal(a.group[2].role, 5);
	assert_int_equal(a.group[3].role, 9);
}

static void add_needing_a_fifth_group_fails_and_leaves_the_set(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	scalar(&a, 0, AC_CPUS, 1 * M);
	scalar(&a, 1, AC_CPUS, 1 * M);
	scalar(&a, 2, AC_CPUS, 1 * M);
	scalar(&a, 3, AC_CPUS, 1 * M);
	scalar(&b, 0, AC_CPUS, 1 * M);
	scalar(&b, 4, AC_CPUS, 1 * M);
	ac_resources before = a;

	assert_int_equal(ac_resources_add(&a, &b), AC_ENOSPC);
	if (memcmp(&a, &before, sizeof a) != 0)
		fail_msg("a failed add changed the set");

	/* The same roles fit: amounts just add up. */
	ac_resources same = empty_set();
	scalar(&same, 3, AC_MEM, 5 * M);
	assert_int_equal(ac_resources_add(&a, &same), AC_OK);
	assert_int_equal(a.ngroups, 4);
}

static void add_needing_a_seventeenth_range_fails_and_leaves_the_set(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	for (uint32_t i = 0; i < AC_MAX_RANGES; i++)
		range(&a, 0, 10 * i, 10 * i + 1);
	scalar(&b, 0, AC_CPUS, 1 * M);
	range(&b, 0, 1000, 1000);
	ac_resources before = a;

	assert_int_equal(ac_resources_add(&a, &b), AC_ENOSPC);
	if (memcmp(&a, &before, sizeof a) != 0)
		fail_msg("a failed add changed the set");
}

static void add_overflowing_int64_fails_with_erange(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	scalar(&a, 0, AC_MEM, INT64_MAX);
	scalar(&b, 0, AC_CPUS, 1);
	scalar(&b, 0, AC_MEM, 1);
	ac_resources before = a;

	assert_int_equal(ac_resources_add(&a, &b), AC_ERANGE);
	if (memcmp(&a, &before, sizeof a) != 0)
		fail_msg("an overflowing add changed the set");
}

static void add_of_the_empty_set_changes_nothing(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	scalar(&a, 3, AC_GPUS, 2 * M);
	range(&a, 3, 7, 9);
	ac_resources before = a;
	assert_int_equal(ac_resources_add(&a, &b), AC_OK);
	assert_true(ac_resources_equal(&a, &before));
	assert_int_equal(a.ngroups, 2);
}

/* -------------------------------------------------------------- contains */

static void contains_compares_each_scalar(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	scalar(&a, 0, AC_CPUS, 2 * M);
	scalar(&a, 0, AC_MEM, 100 * M);
	scalar(&b, 0, AC_CPUS, 2 * M);
	assert_true(ac_resources_contains(&a, &b));
	scalar(&b, 0, AC_MEM, 100 * M + 1);
	assert_false(ac_resources_contains(&a, &b));
	assert_true(ac_resources_contains(&a, &a));
	ac_resources none = empty_set();
	assert_true(ac_resources_contains(&a, &none));
	assert_false(ac_resources_contains(&none, &a));
}

static void contains_needs_every_port_inside_one_range(void **state)
{
	ac_resources a = empty_set(), inside = empty_set(), across_gap = empty_set(), outside = empty_set();
	range(&a, 0, 1, 5);
	range(&a, 0, 7, 10);
	range(&inside, 0, 2, 3);
	range(&inside, 0, 7, 10);
	range(&across_gap, 0, 4, 8); /* port 6 is missing */
	range(&outside, 0, 11, 11);

	assert_true(ac_resources_contains(&a, &inside));
	assert_false(ac_resources_contains(&a, &across_gap));
	assert_false(ac_resources_contains(&a, &outside));
}

static void reserved_never_stands_in_for_unreserved(void **state)
{
	ac_resources reserved = empty_set(), unreserved = empty_set(), other_role = empty_set();
	scalar(&reserved, 4, AC_CPUS, 8 * M);
	range(&reserved, 4, 100, 200);
	scalar(&unreserved, 0, AC_CPUS, 1 * M);
	scalar(&other_role, 5, AC_CPUS, 1 * M);

	assert_false(ac_resources_contains(&reserved, &unreserved));
	assert_false(ac_resources_contains(&unreserved, &reserved));
	assert_false(ac_resources_contains(&reserved, &other_role));

	ac_resources ports = empty_set();
	range(&ports, 0, 150, 150);
	assert_false(ac_resources_contains(&reserved, &ports));
	assert_int_equal(ac_resources_sub(&reserved, &ports), AC_EINVAL);

	/* Adding keeps them apart, in their own groups. */
	assert_int_equal(ac_resources_add(&unreserved, &reserved), AC_OK);
	assert_int_equal(unreserved.ngroups, 2);
	assert_int_equal(unreserved.group[0].amount.v[AC_CPUS], 1 * M);
	assert_int_equal(unreserved.group[1].amount.v[AC_CPUS], 8 * M);
}

/* ------------------------------------------------------------------- sub */

static void sub_removes_scalars_and_splits_ranges(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	scalar(&a, 0, AC_CPUS, 4 * M);
	range(&a, 0, 1, 10);
	range(&a, 0, 20, 30);
	scalar(&b, 0, AC_CPUS, 1500);
	range(&b, 0, 4, 5);
	range(&b, 0, 20, 20);
	range(&b, 0, 30, 30);

	assert_int_equal(ac_resources_sub(&a, &b), AC_OK);
	assert_int_equal(a.group[0].amount.v[AC_CPUS], 2500);
	const uint32_t want[] = {1, 3, 6, 10, 21, 29};
	assert_ports(&a, 0, 3, want);
}

static void sub_drops_a_reserved_group_that_becomes_empty(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	scalar(&a, 0, AC_CPUS, 1 * M);
	scalar(&a, 2, AC_CPUS, 1 * M);
	range(&a, 2, 5, 6);
	scalar(&a, 3, AC_MEM, 1 * M);
	b = a;
	b.group[0].amount.v[AC_CPUS] = 0;
	b.ngroups = 2; /* just role 2's group */

	assert_int_equal(ac_resources_sub(&a, &b), AC_OK);
	assert_int_equal(a.ngroups, 2);
	assert_int_equal(a.group[1].role, 3);
	assert_int_equal(a.group[0].amount.v[AC_CPUS], 1 * M);
}

static void sub_of_itself_leaves_the_empty_set(void **state)
{
	ac_resources a = empty_set();
	scalar(&a, 0, AC_CPUS, 1 * M);
	range(&a, 0, 1, 2);
	scalar(&a, 6, AC_DISK, 1 * M);
	ac_resources b = a;
	assert_int_equal(ac_resources_sub(&a, &b), AC_OK);
	assert_true(ac_resources_empty(&a));
	assert_int_equal(a.ngroups, 1);
	assert_int_equal(a.group[0].role, 0);
}

static void sub_of_what_is_not_contained_fails_and_leaves_the_set(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	scalar(&a, 0, AC_CPUS, 1 * M);
	range(&a, 0, 1, 2);
	scalar(&b, 0, AC_CPUS, 1);
	range(&b, 0, 3, 3);
	ac_resources before = a;

	assert_int_equal(ac_resources_sub(&a, &b), AC_EINVAL);
	if (memcmp(&a, &before, sizeof a) != 0)
		fail_msg("a failed sub changed the set");
}

static void sub_splitting_beyond_capacity_fails_and_leaves_the_set(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	range(&a, 0, 0, 1000);
	/* Punching 16 holes leaves 17 ranges. */
	for (uint32_t i = 0; i < AC_MAX_RANGES; i++)
		range(&b, 0, 10 * i + 5, 10 * i + 5);
	ac_resources before = a;

	assert_int_equal(ac_resources_sub(&a, &b), AC_ENOSPC);
	if (memcmp(&a, &before, sizeof a) != 0)
		fail_msg("a failed sub changed the set");

	/* Fifteen holes fit. */
	b.group[0].nports = AC_MAX_RANGES - 1;
	assert_int_equal(ac_resources_sub(&a, &b), AC_OK);
	assert_int_equal(a.group[0].nports, AC_MAX_RANGES);
}

/* ----------------------------------------------------------------- equal */

static void equal_means_the_same_resources(void **state)
{
	ac_resources a = empty_set(), b = empty_set();
	scalar(&a, 0, AC_CPUS, 1 * M);
	range(&a, 0, 1, 2);
	scalar(&b, 0, AC_CPUS, 1 * M);
	range(&b, 0, 1, 2);
	assert_true(ac_resources_equal(&a, &b));

	b.group[0].ports[0].end = 3;
	assert_false(ac_resources_equal(&a, &b));

	ac_resources c = empty_set(), d = empty_set();
	scalar(&c, 1, AC_CPUS, 1 * M);
	scalar(&d, 2, AC_CPUS, 1 * M);
	assert_false(ac_resources_equal(&c, &d));
	assert_false(ac_resources_equal(&c, &a));
}

/* --------------------------------------------------- scalars, port count */

static void scalars_sum_every_group(void **state)
{
	ac_resources a = empty_set();
	ac_vec sum;
	scalar(&a, 0, AC_CPUS, 1 * M);
	scalar(&a, 1, AC_CPUS, 2 * M);
	scalar(&a, 2, AC_MEM, 3 * M);
	ac_resources_scalars(&a, &sum);
	assert_int_equal(sum.v[AC_CPUS], 3 * M);
	assert_int_equal(sum.v[AC_MEM], 3 * M);
	assert_int_equal(sum.v[AC_DISK], 0);
}

static void scalars_saturate_rather_than_wrap(void **state)
{
	ac_resources a = empty_set();
	ac_vec sum;
	scalar(&a, 0, AC_CPUS, INT64_MAX);
	scalar(&a, 1, AC_CPUS, INT64_MAX);
	ac_resources_scalars(&a, &sum);
	assert_true(sum.v[AC_CPUS] == INT64_MAX);
}

static void port_count_counts_inclusive_ranges_in_every_group(void **state)
{
	ac_resources a = empty_set();
	range(&a, 0, 0, 65535);
	range(&a, 3, 10, 19);
	range(&a, 3, 30, 30);
	assert_int_equal(ac_resources_port_count(&a), 65536 + 10 + 1);

	ac_resources huge = empty_set();
	range(&huge, 0, 0, UINT32_MAX);
	assert_true(ac_resources_port_count(&huge) == (uint64_t)UINT32_MAX + 1);
}

/* Every group's scalars and ports, unreserved, in one group: ranges of two
 * roles that meet join. */
static void unreserved_sums_every_group_into_one(void **state)
{
	ac_resources a = empty_set(), u;
	scalar(&a, 0, AC_CPUS, 1 * M);
	scalar(&a, 1, AC_CPUS, 2 * M);
	scalar(&a, 2, AC_MEM, 3 * M);
	range(&a, 1, 10, 19);
	range(&a, 2, 20, 29);
	assert_int_equal(ac_resources_unreserved(&a, &u), 0);
	assert_int_equal(u.ngroups, 1);
	assert_int_equal(u.group[0].amount.v[AC_CPUS], 3 * M);
	assert_int_equal(u.group[0].amount.v[AC_MEM], 3 * M);
	assert_ports(&u, 0, 1, (const uint32_t[]){10, 29});
}

/* ------------------------------------------------------------ properties */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A small random valid set: few roles, few ports, so that sums often fit. */
static ac_resources random_set(uint64_t *rng)
{
	ac_resources r = empty_set();
	ac_resources part = empty_set();
	for (int n = (int)(rng_next(rng) % 4); n > 0; n--) {
		part = empty_set();
		uint32_t role = (uint32_t)(rng_next(rng) % 3);
		scalar(&part, role, (int)(rng_next(rng) % AC_KINDS), (int64_t)(rng_next(rng) % 5000));
		uint32_t b = (uint32_t)(rng_next(rng) % 200);
		if (rng_next(rng) % 2)
			range(&part, role, b, b + (uint32_t)(rng_next(rng) % 5));
		if (ac_resources_empty(&part))
			continue;
		if (ac_resources_add(&r, &part) != AC_OK)
			break;
	}
	return r;
}

static void add_then_sub_gives_back_the_set(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 5000; i++) {
		ac_resources a = random_set(&rng), b = random_set(&rng);
		ac_resources sum = a;
		if (ac_resources_add(&sum, &b) != AC_OK)
			continue;
		if (!ac_resources_contains(&sum, &a) || !ac_resources_contains(&sum, &b))
			fail_msg("round %d: a + b does not contain a and b", i);
		if (ac_resources_port_count(&sum) > ac_resources_port_count(&a) + ac_resources_port_count(&b))
			fail_msg("round %d: a + b has more ports than a and b", i);
		ac_resources back = sum;
		int rc = ac_resources_sub(&back, &b);
		if (rc == AC_ENOSPC)
			continue;
		if (rc != AC_OK)
			fail_msg("round %d: (a + b) - b failed with %d", i, rc);
		/* Ports shared by a and b are gone, so compare scalars and
		 * containment: (a+b)-b holds a's scalars and is within a. */
		ac_vec sa, sb;
		ac_resources_scalars(&a, &sa);
		ac_resources_scalars(&back, &sb);
		if (memcmp(&sa, &sb, sizeof sa) != 0)
			fail_msg("round %d: (a + b) - b has other scalars than a", i);
		if (!ac_resources_contains(&a, &back))
			fail_msg("round %d: (a + b) - b is not within a", i);
		ac_resources twice = a;
		if (ac_resources_add(&twice, &a) == AC_OK && !ac_resources_contains(&twice, &a))
			fail_msg("round %d: a + a does not contain a", i);
		for (uint32_t g = 1; g < back.ngroups; g++)
			if (back.group[g].role <= back.group[g - 1].role ||
			    (back.group[g].nports == 0 && ac_vec_is_zero(&back.group[g].amount)))
				fail_msg("round %d: group %u out of order or empty", i, g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(init_gives_one_empty_unreserved_group),
	        cmocka_unit_test(from_vec_fills_only_unreserved_scalars),
	        cmocka_unit_test(ports_alone_make_a_set_non_empty),
	        cmocka_unit_test(add_sums_scalars_per_group),
	        cmocka_unit_test(add_coalesces_overlapping_and_adjacent_ports),
	        cmocka_unit_test(add_bridging_range_merges_many_into_one),
	        cmocka_unit_test(add_keeps_reserved_groups_in_role_id_order),
	        cmocka_unit_test(add_needing_a_fifth_group_fails_and_leaves_the_set),
	        cmocka_unit_test(add_needing_a_seventeenth_range_fails_and_leaves_the_set),
	        cmocka_unit_test(add_overflowing_int64_fails_with_erange),
	        cmocka_unit_test(add_of_the_empty_set_changes_nothing),
	        cmocka_unit_test(contains_compares_each_scalar),
	        cmocka_unit_test(contains_needs_every_port_inside_one_range),
	        cmocka_unit_test(reserved_never_stands_in_for_unreserved),
	        cmocka_unit_test(sub_removes_scalars_and_splits_ranges),
	        cmocka_unit_test(sub_drops_a_reserved_group_that_becomes_empty),
	        cmocka_unit_test(sub_of_itself_leaves_the_empty_set),
	        cmocka_unit_test(sub_of_what_is_not_contained_fails_and_leaves_the_set),
	        cmocka_unit_test(sub_splitting_beyond_capacity_fails_and_leaves_the_set),
	        cmocka_unit_test(equal_means_the_same_resources),
	        cmocka_unit_test(scalars_sum_every_group),
	        cmocka_unit_test(scalars_saturate_rather_than_wrap),
	        cmocka_unit_test(port_count_counts_inclusive_ranges_in_every_group),
	        cmocka_unit_test(unreserved_sums_every_group_into_one),
	        cmocka_unit_test(add_then_sub_gives_back_the_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

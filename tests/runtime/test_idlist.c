/*
 * test_idlist.c — the bounded id list the master keeps removed frameworks
 * and agents in: ids are found until max newer ones push them out, and a
 * repeated id until its newest copy is pushed out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "rt_idlist.h"

static void test_bounded(void **state)
{
	rt_idlist l;
	rt_idlist_init(&l, 3);
	assert_false(rt_idlist_has(&l, "a"));
	rt_idlist_add(&l, "a");
	rt_idlist_add(&l, "b");
	rt_idlist_add(&l, "c");
	assert_true(rt_idlist_has(&l, "a") && rt_idlist_has(&l, "b") && rt_idlist_has(&l, "c"));
	rt_idlist_add(&l, "d"); /* full: "a", the oldest, is forgotten */
	assert_int_equal(l.n, 3);
	assert_false(rt_idlist_has(&l, "a"));
	assert_true(rt_idlist_has(&l, "b") && rt_idlist_has(&l, "d"));
	assert_string_equal(rt_idlist_at(&l, 0), "b");
	rt_idlist_add(&l, "e");
	rt_idlist_add(&l, "f");
	assert_false(rt_idlist_has(&l, "b") || rt_idlist_has(&l, "c"));
	assert_string_equal(rt_idlist_at(&l, 0), "d");
	assert_string_equal(rt_idlist_at(&l, 2), "f");
	assert_null(rt_idlist_at(&l, 3));
	assert_false(rt_idlist_has(&l, "")); /* no prefix or empty match */
	assert_false(rt_idlist_has(&l, "ff"));
	rt_idlist_free(&l);
	assert_int_equal(l.n, 0);
	assert_false(rt_idlist_has(&l, "f"));
}

static void test_repeated_id_is_kept_by_its_newest_copy(void **state)
{
	rt_idlist l;
	rt_idlist_init(&l, 3);
	rt_idlist_add(&l, "a");
	rt_idlist_add(&l, "b");
	rt_idlist_add(&l, "a");
	rt_idlist_add(&l, "c"); /* the first "a" goes; the second stays */
	assert_true(rt_idlist_has(&l, "a"));
	assert_string_equal(rt_idlist_at(&l, 0), "b");
	rt_idlist_add(&l, "d");
	rt_idlist_add(&l, "e"); /* now the second "a" goes too */
	assert_false(rt_idlist_has(&l, "a"));
	assert_true(rt_idlist_has(&l, "c") && rt_idlist_has(&l, "d") && rt_idlist_has(&l, "e"));
	rt_idlist_free(&l);
}

static void test_max_zero_keeps_one(void **state)
{
	rt_idlist l;
	rt_idlist_init(&l, 0);
	rt_idlist_add(&l, "x");
	rt_idlist_add(&l, "y");
	assert_int_equal(l.n, 1);
	assert_true(rt_idlist_has(&l, "y"));
	assert_false(rt_idlist_has(&l, "x"));
	rt_idlist_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bounded),
	        cmocka_unit_test(test_repeated_id_is_kept_by_its_newest_copy),
	        cmocka_unit_test(test_max_zero_keeps_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

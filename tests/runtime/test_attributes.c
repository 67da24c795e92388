/*
 * test_attributes.c — agent attributes in Mesos's text form
 * (runtime/src/rt_attributes.h): types as Mesos gives them (scalar, ranges,
 * text), spaces dropped, bad pairs refused with a message naming them, and
 * the text written back the way it was read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rt_attributes.h"

static void test_types(void **state)
{
	rt_arena *ar = rt_arena_create();
	Mesos__V1__Attribute **at;
	size_t n;
	char err[200] = "";
	assert_int_equal(rt_attributes_parse("rack:r1;cores:8;ports:[1-10,20-30]\nzone: us east ;neg:-1", ar, &at, &n,
	                                     err, sizeof err),
	                 0);
	assert_int_equal(n, 5);
	assert_string_equal(at[0]->name, "rack");
	assert_int_equal(at[0]->type, MESOS__V1__VALUE__TYPE__TEXT);
	assert_string_equal(at[0]->text->value, "r1");
	assert_int_equal(at[1]->type, MESOS__V1__VALUE__TYPE__SCALAR);
	assert_true(at[1]->scalar->value == 8.0);
	assert_int_equal(at[2]->type, MESOS__V1__VALUE__TYPE__RANGES);
	assert_int_equal(at[2]->ranges->n_range, 2);
	assert_int_equal(at[2]->ranges->range[1]->begin, 20);
	assert_int_equal(at[2]->ranges->range[1]->end, 30);
	/* Mesos removes every space of a value; "-1" is not a scalar. */
	assert_string_equal(at[3]->text->value, "useast");
	assert_int_equal(at[4]->type, MESOS__V1__VALUE__TYPE__TEXT);
	assert_string_equal(at[4]->text->value, "-1");

	rt_buf b;
	rt_buf_init(&b);
	rt_attributes_format(at, n, &b);
	assert_string_equal((const char *)b.data, "rack:r1;cores:8;ports:[1-10,20-30];zone:useast;neg:-1");
	rt_buf_free(&b);
	rt_arena_destroy(ar);
}

static void test_empty(void **state)
{
	rt_arena *ar = rt_arena_create();
	Mesos__V1__Attribute **at;
	size_t n = 9;
	char err[200];
	assert_int_equal(rt_attributes_parse(NULL, ar, &at, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rt_attributes_parse("", ar, &at, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rt_attributes_parse(";;", ar, &at, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	rt_arena_destroy(ar);
}

static void test_errors(void **state)
{
	static const struct {
		const char *text, *words;
	} bad[] = {
	        {"rack", "attribute 'rack': expecting NAME:VALUE"},
	        {"ok:1;:x", "attribute ':x': expecting NAME:VALUE"},
	        {"k:", "attribute 'k:': the value is empty"},
	        {"k:  ", "the value is empty"},
	        {"s:{a,b}", "sets are not valid"},
	        {"r:[5-1]", "BEGIN <= END"},
	        {"r:[a-b]", "non-negative integer"},
	        {"r:[1-2", "ranges must be written"},
	        {"r:[1-2]x", "ranges must be written"},
	        {"r:[1-2]]", "unexpected text"},
	        {"r:[]", "expecting one or more ranges"},
	        {"r:[1]", "expecting BEGIN-END"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rt_arena *ar = rt_arena_create();
		Mesos__V1__Attribute **at;
		size_t n;
		char err[200] = "";
		if (rt_attributes_parse(bad[i].text, ar, &at, &n, err, sizeof err) == 0)
			fail_msg("'%s' was accepted", bad[i].text);
		if (!strstr(err, bad[i].words))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].text, err, bad[i].words);
		rt_arena_destroy(ar);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_types),
	        cmocka_unit_test(test_empty),
	        cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

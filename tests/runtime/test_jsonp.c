/*
 * test_jsonp.c — the ?jsonp= parameter of the master's and the agent's
 * Mesos-shaped JSON endpoints (runtime/src/rt_jsonp.h): found among other parameters, percent-decoded, and refused
 * (with a message that never quotes it) unless it is a plain script name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_jsonp.h"

static void test_absent(void **state)
{
	char cb[16] = "unchanged";
	const char *why = NULL;
	assert_int_equal(rt_jsonp_callback("", cb, sizeof cb, &why), 0);
	assert_int_equal(rt_jsonp_callback(NULL, cb, sizeof cb, &why), 0);
	assert_int_equal(rt_jsonp_callback("timeout=5secs&jsonpx=a&xjsonp=b", cb, sizeof cb, &why), 0);
	assert_null(why);
}

static void test_found(void **state)
{
	char cb[16];
	const char *why = NULL;
	assert_int_equal(rt_jsonp_callback("jsonp=cb", cb, sizeof cb, &why), 1);
	assert_string_equal(cb, "cb");
	assert_int_equal(rt_jsonp_callback("a=1&jsonp=My.app_$1&jsonp=other", cb, sizeof cb, &why), 1);
	assert_string_equal(cb, "My.app_$1");
	assert_int_equal(rt_jsonp_callback("jsonp=%24.x%5F", cb, sizeof cb, &why), 1);
	assert_string_equal(cb, "$.x_");
	/* 15 bytes fit a 16-byte buffer. */
	assert_int_equal(rt_jsonp_callback("jsonp=abcdefghijklmno", cb, sizeof cb, &why), 1);
	assert_string_equal(cb, "abcdefghijklmno");
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
	        "jsonp=alert(1)",
	        "jsonp=a%3Cb",
	        "jsonp=a+b",
	        "jsonp=a%20b",
	        "jsonp=",
	        "jsonp",
	        "x=1&jsonp&y=2",
	        "jsonp=%",
	        "jsonp=%4",
	        "jsonp=%zz",
	        "jsonp=abcdefghijklmnop" /* 16 bytes */,
	        "jsonp=%00",
	        "jsonp=a/b",
	        "jsonp=a;b",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char cb[16];
		const char *why = NULL;
		if (rt_jsonp_callback(bad[i], cb, sizeof cb, &why) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(why);
		assert_non_null(strstr(why, "jsonp"));
		assert_null(strstr(why, "alert"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_absent),
	        cmocka_unit_test(test_found),
	        cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

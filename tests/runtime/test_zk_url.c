/*
 * test_zk_url.c — parsing --zk URLs: what is accepted, and a clear error
 * naming what is wrong for everything else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_elect.h"
#include "rt_zk.h"

static void test_accepts(void **state)
{
	rt_zk_url u;
	char err[256];
	assert_int_equal(rt_zk_url_parse("zk://127.0.0.1:2181/meso", &u, err, sizeof err), 0);
	assert_string_equal(u.hosts, "127.0.0.1:2181");
	assert_string_equal(u.path, "/meso");
	assert_int_equal(rt_zk_url_parse("zk://a:1,b:2,c:65535/x/y", &u, err, sizeof err), 0);
	assert_string_equal(u.hosts, "a:1,b:2,c:65535");
	assert_string_equal(u.path, "/x/y");
}

static void test_rejects(void **state)
{
	const char *bad[] = {
	        "",                   /* no scheme */
	        "http://a:1/x",       /* wrong scheme */
	        "zk://a:1",           /* no path */
	        "zk:///x",            /* no host */
	        "zk://a/x",           /* no port */
	        "zk://a:0/x",         /* port 0 */
	        "zk://a:65536/x",     /* port too big */
	        "zk://a:1,/x",        /* empty host */
	        "zk://:1/x",          /* empty host name */
	        "zk://a:1x/x",        /* junk in port */
	        "zk://a:1/",          /* path "/" */
	        "zk://a:1/x/",        /* trailing slash */
	        "zk://a:1/x//y",      /* empty segment */
	        "zk://user:pw@a:1/x", /* credentials */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		rt_zk_url u;
		char err[256] = "";
		if (rt_zk_url_parse(bad[i], &u, err, sizeof err) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(strstr(err, "--zk"));
	}
}

static void test_sequence_numbers(void **state)
{
	assert_int_equal(rt_elect_seq("json.info_0000000042"), 42);
	assert_int_equal(rt_elect_seq("json.info_0000000000"), 0);
	assert_int_equal(rt_elect_seq("info_0000000001"), -1); /* legacy protobuf label */
	assert_int_equal(rt_elect_seq("log_replicas"), -1);
	assert_int_equal(rt_elect_seq("json.info_"), -1);
	assert_int_equal(rt_elect_seq("json.info_12a"), -1);
}

static void test_master_info_json(void **state)
{
	char *j = rt_master_info_json("abc", "127.0.0.1", 5050, NULL, "0.1.0");
	assert_string_equal(j, "{\"address\":{\"hostname\":\"127.0.0.1\",\"ip\":\"127.0.0.1\",\"port\":5050},"
	                       "\"hostname\":\"127.0.0.1\",\"id\":\"abc\",\"ip\":16777343,"
	                       "\"pid\":\"master@127.0.0.1:5050\",\"port\":5050,\"version\":\"0.1.0\"}");
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accepts),
	        cmocka_unit_test(test_rejects),
	        cmocka_unit_test(test_sequence_numbers),
	        cmocka_unit_test(test_master_info_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

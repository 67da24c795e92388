/*
 * test_master_url.c — the --master forms (runtime/src/rt_master_url.c):
 * HOST:PORT, master@HOST:PORT, [IPv6]:PORT, zk://, file:// holding either,
 * and a message naming what was expected for everything else.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rt_master_url.h"

static void test_hostport(void **state)
{
	rt_master_url u;
	char err[512], text[600];
	assert_int_equal(rt_master_url_parse("127.0.0.1:5050", &u, err, sizeof err), 0);
	assert_int_equal(u.kind, RT_MASTER_HOSTPORT);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(u.port, 5050);
	assert_int_equal(rt_master_url_parse("master@m1.example:5050", &u, err, sizeof err), 0);
	assert_string_equal(u.host, "m1.example");
	assert_string_equal(rt_master_url_text(&u, text, sizeof text), "m1.example:5050");
	assert_int_equal(rt_master_url_parse("[::1]:65535", &u, err, sizeof err), 0);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 65535);
	assert_string_equal(rt_master_url_text(&u, text, sizeof text), "[::1]:65535");
}

static void test_zk(void **state)
{
	rt_master_url u;
	char err[512], text[600];
	assert_int_equal(rt_master_url_parse("zk://z1:2181,z2:2181/meso", &u, err, sizeof err), 0);
	assert_int_equal(u.kind, RT_MASTER_ZK);
	assert_string_equal(u.zk.hosts, "z1:2181,z2:2181");
	assert_string_equal(u.zk.path, "/meso");
	assert_string_equal(rt_master_url_text(&u, text, sizeof text), "zk://z1:2181,z2:2181/meso");
	/* zk's own errors, under --master's name. */
	assert_int_equal(rt_master_url_parse("zk://z1/meso", &u, err, sizeof err), -1);
	assert_non_null(strstr(err, "--master: "));
	assert_null(strstr(err, "--zk"));
}

/* file:///PATH holds either form, with white space around it. */
static void test_file(void **state)
{
	char path[] = "/tmp/meso-master-url.XXXXXX", url[64], err[512];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	rt_master_url u;
	snprintf(url, sizeof url, "file://%s", path);
	const char *cases[][2] = {
	        {"  zk://127.0.0.1:2181/meso\n", "zk://127.0.0.1:2181/meso"},
	        {"10.0.0.1:5050\n", "10.0.0.1:5050"},
	};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(ftruncate(fd, 0), 0);
		assert_int_equal(pwrite(fd, cases[i][0], strlen(cases[i][0]), 0), (ssize_t)strlen(cases[i][0]));
		if (rt_master_url_parse(url, &u, err, sizeof err) != 0)
			fail_msg("%s holding \"%s\": %s", url, cases[i][0], err);
		char text[600];
		assert_string_equal(rt_master_url_text(&u, text, sizeof text), cases[i][1]);
	}
	/* Refused inside a file: http, nesting, nothing; the message names the file. */
	const char *bad[] = {"http://10.0.0.1:5050\n", "file:///etc/hostname", " \n"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(ftruncate(fd, 0), 0);
		assert_int_equal(pwrite(fd, bad[i], strlen(bad[i]), 0), (ssize_t)strlen(bad[i]));
		assert_int_equal(rt_master_url_parse(url, &u, err, sizeof err), -1);
		if (!strstr(err, path))
			fail_msg("the message for \"%s\" does not name the file: %s", bad[i], err);
	}
	/* parse_text never reads files. */
	assert_int_equal(rt_master_url_parse_text(url, &u, err, sizeof err), -1);
	close(fd);
	unlink(path);
	assert_int_equal(rt_master_url_parse(url, &u, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot read"));
}

static void test_refused(void **state)
{
	static const struct {
		const char *text, *says;
	} bad[] = {
	        {"", "empty"},
	        {"http://10.0.0.1:5050", "HTTP URL"},
	        {"https://m.example:5050/", "HTTP URL"},
	        {"HTTP://m:1", "HTTP URL"},
	        {"ftp://m:1", "unknown scheme"},
	        {"m.example", "no port"},
	        {":5050", "no host"},
	        {"m:0", "1-65535"},
	        {"m:65536", "1-65535"},
	        {"m:50x", "1-65535"},
	        {"m:", "1-65535"},
	        {"::1:5050", "brackets"},
	        {"[::1]", "no port"},
	        {"[::1:5050", "closing"},
	        {"[host]:5050", "IPv6"},
	        {"m e:5050", "host name"},
	        {"a/b:5050", "host name"},
	        {"x:y@m:1", "expected"},
	        {"file://", "names no file"},
	        {"zk://", "zk"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		rt_master_url u;
		char err[512] = "";
		if (rt_master_url_parse(bad[i].text, &u, err, sizeof err) == 0)
			fail_msg("accepted \"%s\"", bad[i].text);
		if (!strstr(err, bad[i].says) || strncmp(err, "--master: ", 10) != 0)
			fail_msg("\"%s\": message \"%s\" does not say \"%s\"", bad[i].text, err, bad[i].says);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hostport),
	        cmocka_unit_test(test_zk),
	        cmocka_unit_test(test_file),
	        cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

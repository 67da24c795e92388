/*
 * test_agent_fetch.c — what the agent, the supervisor and meso-fetcher
 * share about CommandInfo.uris (runtime/agent/agent_fetch.c): one URI as one
 * argument and back, the schemes and file names a URI may have (nothing
 * outside the sandbox), archive kinds and cache names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent_fetch.h"

static void test_encode_decode_round_trip(void **state)
{
	(void)state;
	const agent_fetch_uri in[] = {
	        {.value = "http://h:8/a/b.tgz?x=1", .output_file = "", .extract = true},
	        {.value = "/opt/tool", .output_file = "bin/my:tool", .executable = true, .cache = true},
	        {.value = "file:///x|y", .output_file = "12:34", .extract = false},
	};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		char *arg = agent_fetch_encode(&in[i]);
		assert_non_null(arg);
		agent_fetch_uri out;
		char why[200];
		assert_int_equal(agent_fetch_decode(arg, &out, why, sizeof why), 0);
		assert_string_equal(out.value, in[i].value);
		assert_string_equal(out.output_file, in[i].output_file);
		assert_int_equal(out.executable, in[i].executable);
		assert_int_equal(out.extract, in[i].extract);
		assert_int_equal(out.cache, in[i].cache);
		free(arg);
	}
}

static void test_decode_refuses_malformed_arguments(void **state)
{
	(void)state;
	const char *bad[] = {"",
	                     "10",
	                     "1x0"
	                     "0:http://h/a",
	                     "110",
	                     "110x:abc",
	                     "1105:ab",
	                     "11099999999999999999:a"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		agent_fetch_uri u;
		char why[200] = "";
		assert_int_equal(agent_fetch_decode(bad[i], &u, why, sizeof why), -1);
		assert_true(strlen(why) > 0);
	}
}

static void expect_name(const char *value, const char *output_file, agent_fetch_kind kind, const char *name)
{
	agent_fetch_uri u = {.value = value, .output_file = output_file};
	agent_fetch_kind k;
	char got[256], why[600];
	int rc = agent_fetch_check(&u, &k, got, sizeof got, why, sizeof why);
	if (rc != 0)
		fail_msg("'%s' refused: %s", value, why);
	assert_int_equal(k, kind);
	assert_string_equal(got, name);
}

static void expect_refused(const char *value, const char *output_file, const char *words)
{
	agent_fetch_uri u = {.value = value, .output_file = output_file};
	agent_fetch_kind k;
	char got[256], why[600] = "";
	assert_int_equal(agent_fetch_check(&u, &k, got, sizeof got, why, sizeof why), -1);
	if (!strstr(why, words))
		fail_msg("'%s': '%s' does not say '%s'", value, why, words);
}

static void test_names_and_schemes(void **state)
{
	(void)state;
	expect_name("http://example:80/dist/app.tar.gz", "", AGENT_FETCH_NET, "app.tar.gz");
	expect_name("https://h/x/run.sh?token=1#frag", "", AGENT_FETCH_NET, "run.sh");
	expect_name("ftp://h/pub/f.zip", "", AGENT_FETCH_NET, "f.zip");
	expect_name("file:///etc/hostname", "", AGENT_FETCH_LOCAL, "hostname");
	expect_name("/usr/bin/true", "", AGENT_FETCH_LOCAL, "true");
	expect_name("http://h/x", "conf/app.json", AGENT_FETCH_NET, "conf/app.json");
	expect_refused("hdfs://nn/x", "", "scheme");
	expect_refused("relative/file", "", "--frameworks_home");
	expect_refused("file://relative", "", "absolute");
	expect_refused("http://h/", "", "names no file");
	expect_refused("http://h", "", "names no file");
	expect_refused("http://h/a/..", "", "names no file");
	expect_refused("http://h/a", "../escape", "inside the sandbox");
	expect_refused("http://h/a", "/etc/passwd", "inside the sandbox");
	expect_refused("http://h/a", "a/../../b", "inside the sandbox");
	expect_refused("http://h/a", "dir/", "inside the sandbox");
}

static void test_archive_kinds(void **state)
{
	(void)state;
	assert_int_equal(agent_fetch_archive_kind("a.tar"), AGENT_ARCHIVE_TAR);
	assert_int_equal(agent_fetch_archive_kind("a.tar.gz"), AGENT_ARCHIVE_TAR);
	assert_int_equal(agent_fetch_archive_kind("a.tgz"), AGENT_ARCHIVE_TAR);
	assert_int_equal(agent_fetch_archive_kind("a.tar.bz2"), AGENT_ARCHIVE_TAR);
	assert_int_equal(agent_fetch_archive_kind("a.txz"), AGENT_ARCHIVE_TAR);
	assert_int_equal(agent_fetch_archive_kind("a.zip"), AGENT_ARCHIVE_ZIP);
	assert_int_equal(agent_fetch_archive_kind("a.json.gz"), AGENT_ARCHIVE_GZIP);
	assert_int_equal(agent_fetch_archive_kind("a.sh"), AGENT_ARCHIVE_NONE);
	assert_int_equal(agent_fetch_archive_kind(".zip"), AGENT_ARCHIVE_NONE);
}

static void test_cache_names(void **state)
{
	(void)state;
	char a[128], b[128], c[128];
	agent_fetch_cache_name("http://h/x/app.tgz", a, sizeof a);
	agent_fetch_cache_name("http://h/y/app.tgz", b, sizeof b);
	assert_string_not_equal(a, b); /* one name per URI */
	assert_int_equal(strlen(a), 16 + 1 + strlen("app.tgz"));
	assert_non_null(strstr(a, "-app.tgz"));
	agent_fetch_cache_name("http://h/dl?f=a b/../c", c, sizeof c); /* the query goes, odd bytes are '_' */
	assert_non_null(strstr(c, "-dl"));
	agent_fetch_cache_name("http://h/", c, sizeof c);
	assert_non_null(strstr(c, "-uri"));
	agent_fetch_cache_name("http://h/a%20b$(x)", c, sizeof c);
	assert_non_null(strstr(c, "-a_20b__x_"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_encode_decode_round_trip),
	        cmocka_unit_test(test_decode_refuses_malformed_arguments),
	        cmocka_unit_test(test_names_and_schemes),
	        cmocka_unit_test(test_archive_kinds),
	        cmocka_unit_test(test_cache_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_flags.c — the flag parser (runtime/src/rt_flags.c): Mesos's Duration
 * and Bytes forms, file:// values, MESOS_* environment variables under the
 * command line, and a clear refusal of everything malformed.
 */
#define _GNU_SOURCE
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rt_flags.h"

static void test_durations(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		double secs;
	} ok[] = {{"10secs", 10},     {"1.5mins", 90}, {"2hrs", 7200}, {"1days", 86400},
	          {"1weeks", 604800}, {"250ms", 0.25}, {"3us", 3e-6},  {"7ns", 7e-9},
	          {"42", 42},         {"0.5", 0.5},    {"0secs", 0},   {"106751days", 106751.0 * 86400}};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		double v = -1;
		char err[256] = "";
		assert_int_equal(rt_duration_parse(ok[i].text, &v, err, sizeof err), 0);
		assert_true(v > ok[i].secs * (1 - 1e-12) - 1e-18 && v < ok[i].secs * (1 + 1e-12) + 1e-18);
	}
	static const struct {
		const char *text, *says;
	} bad[] = {{"", "not a duration"},
	           {"secs", "not a duration"},
	           {"-1secs", "not a duration"},
	           {"10 secs", "unknown duration unit ' secs'"},
	           {"10sec", "unknown duration unit 'sec'"},
	           {"1.2.3secs", "is not a number"},
	           {"106752days", "too long"},
	           {"1e3secs", "unknown duration unit"},
	           {"10SECS", "unknown duration unit 'SECS'"}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		double v = 123;
		char err[256] = "";
		assert_int_equal(rt_duration_parse(bad[i].text, &v, err, sizeof err), -1);
		assert_true(v == 123); /* untouched */
		if (!strstr(err, bad[i].says))
			fail_msg("'%s' said \"%s\", not \"%s\"", bad[i].text, err, bad[i].says);
	}
}

static void test_bytes(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint64_t bytes;
	} ok[] = {{"2GB", 2ull << 30}, {"512MB", 512ull << 20}, {"1kb", 1024}, {"7B", 7},
	          {"3TB", 3ull << 40}, {"4096", 4096},          {"0", 0},      {"16777215TB", 16777215ull << 40}};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		uint64_t v = 1;
		char err[256] = "";
		assert_int_equal(rt_bytes_parse(ok[i].text, &v, err, sizeof err), 0);
		assert_true(v == ok[i].bytes);
	}
	static const struct {
		const char *text, *says;
	} bad[] = {
	        {"1.5GB", "fractional bytes"},       {"GB", "not a size"},        {"-1GB", "not a size"},
	        {"2XB", "unknown bytes unit 'XB'"},  {"16777216TB", "too large"}, {"99999999999999999999", "too large"},
	        {"2 GB", "unknown bytes unit ' GB'"}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t v = 5;
		char err[256] = "";
		assert_int_equal(rt_bytes_parse(bad[i].text, &v, err, sizeof err), -1);
		assert_true(v == 5);
		if (!strstr(err, bad[i].says))
			fail_msg("'%s' said \"%s\", not \"%s\"", bad[i].text, err, bad[i].says);
	}
}

static void test_duration_text(void **state)
{
	(void)state;
	static const struct {
		double secs;
		const char *text;
	} cases[] = {{60, "1mins"},
	             {90, "90secs"},
	             {900, "15mins"},
	             {1209600, "2weeks"},
	             {864000, "10days"},
	             {0.25, "250ms"},
	             {1.5, "1500ms"},
	             {0, "0ns"},
	             {596, "596secs"},
	             {5, "5secs"},
	             {7200, "2hrs"},
	             {3e-6, "3us"},
	             {1.2345678, "1.2345678secs"}};
	char buf[48];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rt_duration_text(cases[i].secs, buf, sizeof buf);
		if (strcmp(buf, cases[i].text) != 0)
			fail_msg("%g s written '%s', not '%s'", cases[i].secs, buf, cases[i].text);
		double back = -1;
		char err[128];
		assert_int_equal(rt_duration_parse(buf, &back, err, sizeof err), 0);
		assert_true(fabs(back - cases[i].secs) < 1e-9);
	}
}

static void test_bytes_text(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(rt_bytes_text(2ull << 30, buf, sizeof buf), "2GB");
	assert_string_equal(rt_bytes_text(1536ull << 10, buf, sizeof buf), "1536KB");
	assert_string_equal(rt_bytes_text(7, buf, sizeof buf), "7B");
	assert_string_equal(rt_bytes_text(0, buf, sizeof buf), "0B");
	assert_string_equal(rt_bytes_text(5ull << 40, buf, sizeof buf), "5TB");
	uint64_t back;
	char err[64];
	assert_int_equal(rt_bytes_parse(rt_bytes_text(1536ull << 10, buf, sizeof buf), &back, err, sizeof err), 0);
	assert_true(back == 1536ull << 10);
}

typedef struct opts {
	const char *name;
	int port;
	double timeout, ratio;
	uint64_t size;
	bool on;
} opts;

static int parse(opts *o, const char *env_prefix, int argc, char **argv)
{
	rt_flag flags[] = {
	        {"name", RT_FLAG_STRING, &o->name, "a name"},
	        {"port", RT_FLAG_INT, &o->port, "a port"},
	        {"gc_delay", RT_FLAG_DURATION, &o->timeout, "a duration"},
	        {"ratio", RT_FLAG_DOUBLE, &o->ratio, "a number"},
	        {"cache_size", RT_FLAG_BYTES, &o->size, "a size"},
	        {"switch_user", RT_FLAG_BOOL, &o->on, "a switch"},
	};
	return rt_flags_parse_env("test", "flags under test", env_prefix, flags, sizeof flags / sizeof flags[0], argc,
	                          argv);
}

static void test_command_line(void **state)
{
	(void)state;
	opts o = {.timeout = 1};
	char *argv[] = {"test", "--gc_delay=1weeks", "--cache_size", "2GB", "--no-switch_user", "--ratio=0.25", NULL};
	o.on = true;
	assert_int_equal(parse(&o, NULL, 6, argv), 0);
	assert_true(o.timeout == 604800);
	assert_true(o.size == 2ull << 30);
	assert_false(o.on);
	assert_true(o.ratio == 0.25);
	char *bad[] = {"test", "--gc_delay=5minutes", NULL};
	assert_int_equal(parse(&o, NULL, 2, bad), -1);
	assert_true(o.timeout == 604800);
	char *neg[] = {"test", "--ratio=-1", NULL};
	assert_int_equal(parse(&o, NULL, 2, neg), -1);
}

/* As Mesos: a flag given twice on the command line is refused, whatever
 * its forms; the environment's value of one is not a duplicate. */
static void test_duplicates(void **state)
{
	(void)state;
	opts o = {0};
	char *twice[] = {"test", "--port=5050", "--port", "5051", NULL};
	assert_int_equal(parse(&o, NULL, 4, twice), -1);
	char *same[] = {"test", "--name=a", "--name=a", NULL};
	assert_int_equal(parse(&o, NULL, 3, same), -1);
	char *on_off[] = {"test", "--switch_user", "--no-switch_user", NULL};
	assert_int_equal(parse(&o, NULL, 3, on_off), -1);
	char *off_on[] = {"test", "--no-switch_user", "--switch_user=true", NULL};
	o.on = true;
	assert_int_equal(parse(&o, NULL, 3, off_on), -1);
	/* once each: fine */
	char *once[] = {"test", "--no-switch_user", "--port=5050", "--name=a", NULL};
	assert_int_equal(parse(&o, NULL, 4, once), 0);
	assert_false(o.on);
	assert_int_equal(o.port, 5050);
	setenv("TESTD_PORT", "6000", 1);
	char *port[] = {"test", "--port=7000", NULL};
	assert_int_equal(parse(&o, "TESTD_", 2, port), 0);
	assert_int_equal(o.port, 7000);
	unsetenv("TESTD_PORT");
}

static void test_environment(void **state)
{
	(void)state;
	setenv("TESTX_GC_DELAY", "2mins", 1);
	setenv("TESTX_cache_size", "1MB", 1);
	setenv("TESTX_SWITCH_USER", "true", 1);
	setenv("TESTX_PORT", "5051", 1);
	setenv("TESTX_NOT_A_FLAG", "whatever", 1); /* not ours: left alone */
	opts o = {0};
	char *argv[] = {"test", "--port=6000", NULL};
	assert_int_equal(parse(&o, "TESTX_", 2, argv), 0);
	assert_true(o.timeout == 120);
	assert_true(o.size == 1ull << 20);
	assert_true(o.on);
	assert_int_equal(o.port, 6000); /* the command line wins */
	/* Without a prefix the environment is not read. */
	opts p = {0};
	assert_int_equal(parse(&p, NULL, 1, argv), 0);
	assert_true(p.timeout == 0);
	setenv("TESTX_GC_DELAY", "soon", 1);
	assert_int_equal(parse(&p, "TESTX_", 1, argv), -1);
	unsetenv("TESTX_GC_DELAY");
	unsetenv("TESTX_cache_size");
	unsetenv("TESTX_SWITCH_USER");
	unsetenv("TESTX_PORT");
	unsetenv("TESTX_NOT_A_FLAG");
}

static void test_file_values(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_flags.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], arg[160];
	snprintf(path, sizeof path, "%s/delay", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("3days\n", f);
	fclose(f);
	opts o = {0};
	snprintf(arg, sizeof arg, "--gc_delay=file://%s", path);
	char *argv[] = {"test", arg, NULL};
	assert_int_equal(parse(&o, NULL, 2, argv), 0);
	assert_true(o.timeout == 3 * 86400);
	/* A string flag keeps file:// as given: the flags that read files
	 * (--master, --acls, --credential) do so themselves. */
	snprintf(arg, sizeof arg, "--name=file://%s", path);
	assert_int_equal(parse(&o, NULL, 2, argv), 0);
	assert_string_equal(o.name, arg + 7);
	/* A missing file and one with a bad value are refused. */
	snprintf(arg, sizeof arg, "--gc_delay=file://%s/missing", dir);
	assert_int_equal(parse(&o, NULL, 2, argv), -1);
	f = fopen(path, "w");
	fputs("3 days\n", f);
	fclose(f);
	snprintf(arg, sizeof arg, "--gc_delay=file://%s", path);
	assert_int_equal(parse(&o, NULL, 2, argv), -1);
	assert_true(o.timeout == 3 * 86400);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_durations),    cmocka_unit_test(test_bytes),
	        cmocka_unit_test(test_bytes_text),   cmocka_unit_test(test_duration_text),
	        cmocka_unit_test(test_command_line), cmocka_unit_test(test_environment),
	        cmocka_unit_test(test_file_values),  cmocka_unit_test(test_duplicates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

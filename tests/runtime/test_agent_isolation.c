/*
 * test_agent_isolation.c — --isolation in our words (auto, none) and in
 * Mesos's isolator lists (runtime/agent/agent_cgroups.c), and the logging
 * levels in both spellings (runtime/src/rt_logflags.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "agent.h"
#include "rt_logflags.h"

static void check(const char *text, const char *mode, const char *ignored)
{
	const char *got = NULL;
	char ign[256] = "x", err[256] = "";
	if (agent_isolation_parse(text, &got, ign, sizeof ign, err, sizeof err) != 0)
		fail_msg("'%s' refused: %s", text, err);
	assert_string_equal(got, mode);
	assert_string_equal(ign, ignored);
}

static void test_isolation(void **state)
{
	(void)state;
	check("auto", "auto", "");
	check("none", "none", "");
	check("cgroups/cpu,cgroups/mem", "auto", "");
	check("posix/cpu,posix/mem", "none", "");
	check("filesystem/posix,posix/disk", "none", "");
	check("cgroups/all,filesystem/linux,docker/runtime", "auto", "filesystem/linux,docker/runtime");
	check("namespaces/pid", "none", "namespaces/pid");
	static const char *const bad[] = {"cgroups",      "cgroup/cpu", "posix/", "cgroups/cpu,,cgroups/mem",
	                                  "cgroups/cpu,", "",           "AUTO",   "made/up"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *got = "unchanged";
		char ign[64], err[256] = "";
		assert_int_equal(agent_isolation_parse(bad[i], &got, ign, sizeof ign, err, sizeof err), -1);
		assert_string_equal(got, "unchanged");
		assert_non_null(strstr(err, "--isolation"));
	}
}

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(rt_log_level_parse("debug"), RT_DEBUG);
	assert_int_equal(rt_log_level_parse("INFO"), RT_INFO);
	assert_int_equal(rt_log_level_parse("Warning"), RT_WARN);
	assert_int_equal(rt_log_level_parse("ERROR"), RT_ERROR);
	assert_int_equal(rt_log_level_parse("verbose"), -1);
	assert_int_equal(rt_log_level_parse(""), -1);
	char err[256] = "";
	rt_log_flags lf = {.logging_level = "FATAL"};
	assert_int_equal(rt_log_flags_apply("test", &lf, err, sizeof err), -1);
	assert_non_null(strstr(err, "--logging_level: 'FATAL' is not a level"));
	rt_log_flags both = {.log_level = "debug", .logging_level = "ERROR"}; /* ours wins */
	assert_int_equal(rt_log_flags_apply("test", &both, err, sizeof err), 0);
	assert_int_equal(rt_log_get_level(), RT_DEBUG);
	rt_log_flags dir = {.log_dir = "/proc/no-such-dir/logs"};
	assert_int_equal(rt_log_flags_apply("test", &dir, err, sizeof err), -1);
	assert_non_null(strstr(err, "--log_dir: cannot create"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_isolation), cmocka_unit_test(test_levels)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

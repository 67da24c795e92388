/*
 * test_agent_health.c — the rules that turn health check results into
 * updates and kills (runtime/agent/agent_health.c agent_health_judge),
 * which follow Mesos's health checker: failures before the first success
 * inside the grace period are ignored; a success is reported first and
 * after failures; every counted failure is reported; reaching
 * consecutive_failures kills.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "agent_health.h"

static void test_grace_period_hides_early_failures_until_the_first_success(void **state)
{
	(void)state;
	agent_health_state s = {0};
	assert_int_equal(agent_health_judge(&s, false, 1.0, 10.0, 3), AGENT_HEALTH_QUIET);
	assert_int_equal(agent_health_judge(&s, false, 10.0, 10.0, 3), AGENT_HEALTH_QUIET); /* still within */
	assert_int_equal(s.failures, 0);
	assert_false(s.known);
	assert_int_equal(agent_health_judge(&s, true, 11.0, 10.0, 3), AGENT_HEALTH_HEALTHY);
	assert_true(s.known && s.healthy);
	/* After a success the grace period no longer applies. */
	agent_health_state t = {0};
	assert_int_equal(agent_health_judge(&t, true, 0.5, 10.0, 3), AGENT_HEALTH_HEALTHY);
	assert_int_equal(agent_health_judge(&t, false, 1.0, 10.0, 3), AGENT_HEALTH_UNHEALTHY);
	assert_int_equal(t.failures, 1);
}

static void test_failures_past_the_grace_period_count_and_kill(void **state)
{
	(void)state;
	agent_health_state s = {0};
	assert_int_equal(agent_health_judge(&s, false, 11.0, 10.0, 3), AGENT_HEALTH_UNHEALTHY);
	assert_int_equal(agent_health_judge(&s, false, 12.0, 10.0, 3), AGENT_HEALTH_UNHEALTHY);
	assert_int_equal(agent_health_judge(&s, false, 13.0, 10.0, 3), AGENT_HEALTH_KILL);
	assert_int_equal(s.failures, 3);
	assert_true(s.known && !s.healthy);
	/* A zero grace period counts from the first check. */
	agent_health_state z = {0};
	assert_int_equal(agent_health_judge(&z, false, 0.0, 0.0, 1), AGENT_HEALTH_KILL);
	/* consecutive_failures 0 kills at the first failure, as in Mesos. */
	agent_health_state zero = {0};
	assert_int_equal(agent_health_judge(&zero, false, 20.0, 10.0, 0), AGENT_HEALTH_KILL);
}

static void test_success_resets_and_is_reported_once(void **state)
{
	(void)state;
	agent_health_state s = {0};
	assert_int_equal(agent_health_judge(&s, true, 0.0, 0.0, 2), AGENT_HEALTH_HEALTHY);
	assert_int_equal(agent_health_judge(&s, true, 1.0, 0.0, 2), AGENT_HEALTH_QUIET);
	assert_int_equal(agent_health_judge(&s, false, 2.0, 0.0, 2), AGENT_HEALTH_UNHEALTHY);
	assert_int_equal(agent_health_judge(&s, true, 3.0, 0.0, 2), AGENT_HEALTH_HEALTHY); /* healthy again */
	assert_int_equal(s.failures, 0);
	/* Failures are consecutive: one success in between starts over. */
	assert_int_equal(agent_health_judge(&s, false, 4.0, 0.0, 2), AGENT_HEALTH_UNHEALTHY);
	assert_int_equal(agent_health_judge(&s, false, 5.0, 0.0, 2), AGENT_HEALTH_KILL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_grace_period_hides_early_failures_until_the_first_success),
	        cmocka_unit_test(test_failures_past_the_grace_period_count_and_kill),
	        cmocka_unit_test(test_success_resets_and_is_reported_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

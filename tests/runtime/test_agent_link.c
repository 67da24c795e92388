/*
 * test_agent_link.c — how the agent judges its master's silence
 * (agent_master_timed_out in runtime/agent/agent.c): --master_timeout counts
 * only the time the agent could have heard the master, so turns of its own
 * loop that held it (rt_lag stretches, recorded by hand here) are not the
 * master's fault; stretches before the last frame heard do not count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent.h"

#define S(x) ((int64_t)((x)*1e9))

static void test_silence_counts_without_the_agents_busy_time(void **state)
{
	(void)state;
	agent a;
	memset(&a, 0, sizeof a);
	a.flags.master_timeout = 1.0;
	a.lag = rt_lag_create(NULL, AGENT_LAG_THRESHOLD);
	a.last_heard_ns = S(10);
	int64_t busy;
	/* Quiet and idle: the timeout is the timeout. */
	assert_false(agent_master_timed_out(&a, S(10.9), &busy));
	assert_int_equal(busy, 0);
	assert_true(agent_master_timed_out(&a, S(11.1), &busy));
	/* The agent itself was busy 1.5 s (a burst of launches): 2 s of
	 * silence are 0.5 s of the master's. */
	rt_lag_record(a.lag, S(10.2), S(11.7));
	assert_false(agent_master_timed_out(&a, S(12.0), &busy));
	assert_int_equal(busy, S(1.5));
	assert_true(agent_master_timed_out(&a, S(12.6), &busy));
	rt_lag_destroy(a.lag);
}

static void test_busy_time_before_the_last_frame_does_not_count(void **state)
{
	(void)state;
	agent a;
	memset(&a, 0, sizeof a);
	a.flags.master_timeout = 1.0;
	a.lag = rt_lag_create(NULL, AGENT_LAG_THRESHOLD);
	rt_lag_record(a.lag, S(1), S(5));
	a.last_heard_ns = S(4); /* heard in the last second of that stretch */
	int64_t busy;
	assert_false(agent_master_timed_out(&a, S(5.5), &busy));
	assert_int_equal(busy, S(1));
	assert_true(agent_master_timed_out(&a, S(6.1), &busy));
	a.last_heard_ns = S(6);
	assert_false(agent_master_timed_out(&a, S(6.9), &busy));
	assert_int_equal(busy, 0);
	rt_lag_destroy(a.lag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_silence_counts_without_the_agents_busy_time),
	        cmocka_unit_test(test_busy_time_before_the_last_frame_does_not_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

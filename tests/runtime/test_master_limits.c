/*
 * test_master_limits.c — what bounds the master's memory and keeps its
 * judgement fair (master.c, master_sched.c): a subscriber that leaves its
 * stream unread gets an ERROR and is disconnected; an agent's silence is
 * counted without the time the master's own loop was busy; failover_timeout
 * is validated as Mesos validates a Duration; --max_frameworks makes room
 * by removing the framework disconnected the longest, else refuses; and
 * --max_completed_tasks caps the completed tasks over all frameworks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "master_harness.h"

static void small_output(master_flags *f)
{
	f->http.max_output_bytes = 2048;
}

static int setup_small_output(void **state)
{
	return fx_setup_flags(state, small_output);
}

static void test_unread_stream_gets_an_error_and_is_closed(void **state)
{
	fx *x = *state;
	mh_subscribe_failover(&x->h, &x->f, "slow", "web", false, 3600);
	/* Events the framework never reads: KILLs of unknown tasks, one
	 * TASK_LOST each, until 2 kB wait. */
	for (int i = 0; i < 100; i++)
		mh_kill(&x->f, "nope");
	assert_int_equal(x->h.m.metrics.streams_dropped, 1);
	/* What it finally reads: the updates that fit, an ERROR, the end. */
	Event *ev;
	size_t updates = 0;
	while ((ev = mh_event(&x->f)) && ev->type == MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE) {
		updates++;
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	}
	assert_true(updates > 5 && updates < 100);
	assert_non_null(ev);
	assert_int_equal(ev->type, MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR);
	assert_non_null(strstr(ev->error->message, "were not read"));
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	/* Read to the end, the connection closes: the framework is
	 * disconnected, kept for its failover timeout. */
	rt_http_session_drain(x->f.stream);
	m_fw *fw = master_fw_find(&x->h.m, x->f.id);
	assert_non_null(fw);
	assert_null(fw->stream);
	rt_http_session_destroy(x->f.stream);
}

static void test_agent_silence_excludes_the_masters_busy_time(void **state)
{
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:1", NULL, 0);
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	a->last_seen_ns -= (int64_t)16e9; /* past the 15 s agent timeout */
	/* Busy time before its last frame does not count; 2 s after it,
	 * when the master's loop could not read, do. */
	rt_lag_record(x->h.m.lag, a->last_seen_ns - (int64_t)9e9, a->last_seen_ns - (int64_t)8e9);
	rt_lag_record(x->h.m.lag, a->last_seen_ns + (int64_t)5e9, a->last_seen_ns + (int64_t)7e9);
	ev_invoke(x->h.loop, &x->h.m.agent_check_timer, EV_TIMER);
	assert_non_null(a->conn); /* still connected */
	assert_int_equal(x->h.m.metrics.agent_removals_deferred, 1);
	/* 18 s silent, 2 s of them busy: 16 s are the agent's, so it is
	 * disconnected (and removed only if it does not re-register within
	 * --agent_reregister_timeout). */
	a->last_seen_ns -= (int64_t)2e9;
	ev_invoke(x->h.loop, &x->h.m.agent_check_timer, EV_TIMER);
	assert_null(a->conn);
	assert_non_null(master_agent_find(&x->h.m, x->a.id));
	assert_int_equal(x->h.m.metrics.agent_removals, 0);
}

static void test_failover_timeout_validated_as_a_duration(void **state)
{
	fx *x = *state;
	assert_string_equal(mh_subscribe_refused(&x->h, "forever", 1e308),
	                    "The framework failover_timeout (1e+308) is invalid");
	assert_string_equal(mh_subscribe_refused(&x->h, "minus", -1e10),
	                    "The framework failover_timeout (-1e+10) is invalid");
	assert_null(x->h.m.fws);
	assert_int_equal(x->h.m.metrics.subscriptions_refused, 2);
	/* 1e9 s (31 years) is a valid Duration, as in Mesos. */
	mh_subscribe_failover(&x->h, &x->f, "long", "web", false, 1e9);
	assert_true(master_fw_find(&x->h.m, x->f.id)->failover_timeout == 1e9);
}

static void two_frameworks(master_flags *f)
{
	f->max_frameworks = 2;
}

static int setup_two_frameworks(void **state)
{
	return fx_setup_flags(state, two_frameworks);
}

static void test_max_frameworks_replaces_the_longest_disconnected(void **state)
{
	fx *x = *state;
	mh_fw a, b, c;
	mh_subscribe_failover(&x->h, &a, "a", "web", false, 1e9);
	mh_subscribe_failover(&x->h, &b, "b", "web", false, 1e9);
	/* Both connected: a third is refused. */
	assert_non_null(strstr(mh_subscribe_refused(&x->h, "c", 0), "--max_frameworks"));
	/* a, then b, disconnect: a third takes a's place. */
	rt_http_session_destroy(a.stream);
	master_fw_find(&x->h.m, a.id)->disconnected_ns -= 1000;
	rt_http_session_destroy(b.stream);
	mh_subscribe(&x->h, &c, "c", "web", false);
	assert_null(master_fw_find(&x->h.m, a.id));
	assert_true(master_fw_was_removed(&x->h.m, a.id));
	assert_non_null(master_fw_find(&x->h.m, b.id));
	assert_int_equal(x->h.m.metrics.frameworks_evicted, 1);
	rt_http_session_destroy(c.stream);
}

static void three_completed_tasks(master_flags *f)
{
	f->max_completed_tasks = 3;
}

static int setup_three_completed(void **state)
{
	return fx_setup_flags(state, three_completed_tasks);
}

static void test_completed_tasks_capped_over_all_frameworks(void **state)
{
	fx *x = *state;
	fx_offer(x, "cpus:5;mem:500", false);
	Mesos__V1__TaskInfo *t[5];
	const char *ids[] = {"t0", "t1", "t2", "t3", "t4"};
	for (int i = 0; i < 5; i++)
		t[i] = mh_task(&x->h, ids[i], x->a.id, "cpus:1;mem:10", "true");
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 5, -1), 202);
	for (int i = 0; i < 5; i++)
		mh_agent_status(&x->a, x->f.id, ids[i], MESOS__V1__TASK_STATE__TASK_FINISHED, NULL);
	m_fw *fw = master_fw_find(&x->h.m, x->f.id);
	assert_int_equal(x->h.m.ndone_tasks, 3);
	assert_int_equal(fw->done.n, 3);
	/* The oldest went first. */
	assert_string_equal(fw->done.head->id, "t2");
	assert_string_equal(fw->done.tail->id, "t4");
	/* They stay counted when their framework completes. */
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN;
	assert_int_equal(mh_call(&x->f, &call), 202);
	assert_int_equal(x->h.m.ndone_tasks, 3);
	assert_int_equal(x->h.m.done_fws->tasks.n, 3);
}

#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_unread_stream_gets_an_error_and_is_closed, setup_small_output),
	        T(test_agent_silence_excludes_the_masters_busy_time, fx_setup),
	        T(test_failover_timeout_validated_as_a_duration, fx_setup),
	        T(test_max_frameworks_replaces_the_longest_disconnected, setup_two_frameworks),
	        T(test_completed_tasks_capped_over_all_frameworks, setup_three_completed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

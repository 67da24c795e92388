/*
 * test_master_reconcile.c — RECONCILE and KILL at the master (master_sched.c):
 * a known task reports its latest state; an unknown task on a known agent
 * is TASK_GONE, on an unknown agent TASK_UNKNOWN, both TASK_LOST for a
 * framework that is not partition-aware (Mesos 1.11); implicit
 * reconciliation answers for every task of the framework and no other; a
 * KILL reaches the task's agent, and one for an unknown task is TASK_LOST.
 * An agent marked gone by an operator: its tasks GONE_BY_OPERATOR, or LOST.
 * A large RECONCILE is answered in slices, in order, never faster than the
 * framework reads its stream; ids waiting beyond the master's bound get 429.
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

#define RECONCILIATION MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION

/* One agent; a framework (partition-aware or not) with task t1 launched and
 * RUNNING, and t2 launched (STAGING). */
static int start(void **state, bool partition_aware)
{
	fx_setup(state);
	fx *x = *state;
	fx_offer(x, "cpus:4;mem:1024", partition_aware);
	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", x->a.id, "cpus:1", "sleep 9"),
	                            mh_task(&x->h, "t2", x->a.id, "cpus:1", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 2, -1), 202);
	for (int i = 0; i < 2; i++)
		meso__agent__agent_message__free_unpacked(
		        mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK), NULL);
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	return 0;
}

static int setup(void **state)
{
	return start(state, false);
}

static int setup_partition_aware(void **state)
{
	return start(state, true);
}

/* RECONCILE of (task, agent) pairs (agents NULL, or an entry NULL: none);
 * n = 0 is implicit. Returns the HTTP status. */
static int reconcile_status(mh_fw *f, const char *const *tasks, const char *const *agents, size_t n)
{
	Mesos__V1__Scheduler__Call__Reconcile__Task *rt = calloc(n ? n : 1, sizeof *rt),
	                                            **rtp = calloc(n ? n : 1, sizeof *rtp);
	Mesos__V1__TaskID *tid = calloc(n ? n : 1, sizeof *tid);
	Mesos__V1__AgentID *aid = calloc(n ? n : 1, sizeof *aid);
	for (size_t i = 0; i < n; i++) {
		mesos__v1__scheduler__call__reconcile__task__init(&rt[i]);
		mesos__v1__task_id__init(&tid[i]);
		mesos__v1__agent_id__init(&aid[i]);
		tid[i].value = (char *)tasks[i];
		rt[i].task_id = &tid[i];
		if (agents && agents[i]) {
			aid[i].value = (char *)agents[i];
			rt[i].agent_id = &aid[i];
		}
		rtp[i] = &rt[i];
	}
	Mesos__V1__Scheduler__Call__Reconcile r = MESOS__V1__SCHEDULER__CALL__RECONCILE__INIT;
	r.tasks = rtp;
	r.n_tasks = n;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE;
	call.reconcile = &r;
	int status = mh_call(f, &call);
	free(rt);
	free(rtp);
	free(tid);
	free(aid);
	return status;
}

static void reconcile(mh_fw *f, const char *const *tasks, const char *const *agents, size_t n)
{
	assert_int_equal(reconcile_status(f, tasks, agents, n), 202);
}

static void test_known_tasks_report_their_state(void **state)
{
	fx *x = *state;
	const char *tasks[] = {"t2", "t1"}, *agents[] = {x->a.id, NULL};
	reconcile(&x->f, tasks, agents, 2);
	mh_expect_update(&x->f, "t2", MESOS__V1__TASK_STATE__TASK_STAGING, RECONCILIATION, "Latest task state");
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, RECONCILIATION, "Latest task state");
	mh_expect_quiet(&x->f);
}

static void test_implicit_covers_every_task_of_the_framework(void **state)
{
	fx *x = *state;
	reconcile(&x->f, NULL, NULL, 0);
	/* Newest first: the order of the master's task list. */
	mh_expect_update(&x->f, "t2", MESOS__V1__TASK_STATE__TASK_STAGING, RECONCILIATION, NULL);
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, RECONCILIATION, NULL);
	mh_expect_quiet(&x->f);
	/* Another framework has no tasks: an implicit reconcile answers nothing. */
	mh_fw other;
	mh_subscribe(&x->h, &other, "other", "web", false);
	reconcile(&other, NULL, NULL, 0);
	mh_expect_quiet(&other);
}

static void test_unknown_tasks_are_lost(void **state)
{
	fx *x = *state;
	const char *tasks[] = {"nope", "nope2"}, *agents[] = {x->a.id, "no-such-agent"};
	reconcile(&x->f, tasks, agents, 2);
	mh_expect_update(&x->f, "nope", MESOS__V1__TASK_STATE__TASK_LOST, RECONCILIATION, "unknown to the agent");
	mh_expect_update(&x->f, "nope2", MESOS__V1__TASK_STATE__TASK_LOST, RECONCILIATION, "Task is unknown");
}

static void test_unknown_tasks_are_gone_or_unknown_for_partition_aware(void **state)
{
	fx *x = *state;
	const char *tasks[] = {"nope", "nope2", "nope3"}, *agents[] = {x->a.id, "no-such-agent", NULL};
	reconcile(&x->f, tasks, agents, 3);
	mh_expect_update(&x->f, "nope", MESOS__V1__TASK_STATE__TASK_GONE, RECONCILIATION, NULL);
	mh_expect_update(&x->f, "nope2", MESOS__V1__TASK_STATE__TASK_UNKNOWN, RECONCILIATION, NULL);
	mh_expect_update(&x->f, "nope3", MESOS__V1__TASK_STATE__TASK_UNKNOWN, RECONCILIATION, NULL);
}

/* MARK_AGENT_GONE: the agent's tasks are GONE_BY_OPERATOR for a
 * partition-aware framework, LOST (agent removed) for the others, as Mesos. */
static void mark_gone(fx *x)
{
	char body[300];
	snprintf(body, sizeof body,
	         "{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{\"agent_id\":{\"value\":\"%s\"}}}", x->a.id);
	assert_int_equal(mh_http(&x->h, "POST", "/api/v1", "application/json", NULL, body, strlen(body), NULL, NULL),
	                 200);
}

static void test_marked_gone_is_lost(void **state)
{
	fx *x = *state;
	mark_gone(x);
	mh_expect_update(&x->f, "t2", MESOS__V1__TASK_STATE__TASK_LOST,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED, "marked gone by an operator");
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_LOST,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED, "marked gone by an operator");
}

static void test_marked_gone_is_gone_by_operator_for_partition_aware(void **state)
{
	fx *x = *state;
	mark_gone(x);
	mh_expect_update(&x->f, "t2", MESOS__V1__TASK_STATE__TASK_GONE_BY_OPERATOR,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED_BY_OPERATOR,
	                 "marked gone by an operator");
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_GONE_BY_OPERATOR,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED_BY_OPERATOR,
	                 "marked gone by an operator");
}

static void test_tasks_of_another_framework_are_unknown(void **state)
{
	fx *x = *state;
	mh_fw other;
	mh_subscribe(&x->h, &other, "other", "web", false);
	const char *tasks[] = {"t1"}, *agents[] = {x->a.id};
	reconcile(&other, tasks, agents, 1);
	mh_expect_update(&other, "t1", MESOS__V1__TASK_STATE__TASK_LOST, RECONCILIATION, "unknown to the agent");
}

/* RECONCILE of n ids: "t1" first, then unknown ones u00001, u00002, ...;
 * returns the HTTP status. */
static int reconcile_many(mh_fw *f, size_t n)
{
	char(*names)[16] = calloc(n, sizeof *names);
	const char **tasks = calloc(n, sizeof *tasks);
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], i ? "u%05zu" : "t1", i);
		tasks[i] = names[i];
	}
	int status = reconcile_status(f, tasks, NULL, n);
	free(tasks);
	free(names);
	return status;
}

/* Counts the UPDATEs waiting on the stream, checking they answer u<next>,
 * u<next+1>, ... (after t1, when *next is 0). */
static size_t take_updates(mh_fw *f, size_t *next)
{
	size_t n = 0;
	Event *ev;
	while ((ev = mh_event(f))) {
		assert_int_equal(ev->type, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE);
		char want[16];
		snprintf(want, sizeof want, *next ? "u%05zu" : "t1", *next);
		assert_string_equal(ev->update->status->task_id->value, want);
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
		(*next)++;
		n++;
	}
	return n;
}

static void test_large_reconcile_is_answered_in_slices_in_order(void **state)
{
	fx *x = *state;
	size_t n = MASTER_RECONCILE_SYNC * 4, next = 0;
	assert_int_equal(reconcile_many(&x->f, n), 202);
	/* Nothing during the call itself: the answers come from the loop. */
	mh_expect_quiet(&x->f);
	assert_int_equal(x->h.m.recon_ids, n);
	master_reconcile_run(&x->h.m);
	assert_int_equal(take_updates(&x->f, &next), n);
	assert_int_equal(x->h.m.recon_ids, 0);
	assert_int_equal(x->h.m.recon_bytes, 0);
	/* A small call behind nothing is answered at once again. */
	const char *tasks[] = {"t1"}, *agents[] = {NULL};
	reconcile(&x->f, tasks, agents, 1);
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, RECONCILIATION, NULL);
}

static void test_reconcile_waits_while_the_stream_is_unread(void **state)
{
	fx *x = *state;
	size_t n = 30000, next = 0, rounds = 0;
	assert_int_equal(reconcile_many(&x->f, n), 202);
	while (next < n) {
		master_reconcile_run(&x->h.m);
		/* It stopped at the high-water mark, not at the end. */
		size_t pending = rt_http_session_pending(x->f.stream);
		size_t got = take_updates(&x->f, &next);
		assert_true(got > 0);
		if (next < n)
			assert_true(pending >= MASTER_RECONCILE_HIGH && pending < 2 * MASTER_RECONCILE_HIGH);
		/* The framework reads its stream: answering goes on. */
		rt_http_session_drain(x->f.stream);
		x->f.read = 0;
		rounds++;
	}
	assert_true(rounds >= 2);
	assert_int_equal(x->h.m.recon_ids, 0);
}

static void test_reconcile_beyond_the_queue_bound_is_429(void **state)
{
	fx *x = *state;
	x->h.m.recon_max_bytes = 10000; /* about 1,200 of these ids */
	assert_int_equal(reconcile_many(&x->f, 1000), 202);
	assert_int_equal(reconcile_many(&x->f, 1000), 429);
	assert_int_equal(x->h.m.metrics.reconcile_refused, 1);
	size_t next = 0;
	master_reconcile_run(&x->h.m);
	assert_int_equal(take_updates(&x->f, &next), 1000);
	/* Answered: room again. */
	assert_int_equal(reconcile_many(&x->f, 1000), 202);
}

static void test_queued_answers_go_with_the_stream(void **state)
{
	fx *x = *state;
	assert_int_equal(reconcile_many(&x->f, 5000), 202);
	assert_true(x->h.m.recon_ids > 0);
	/* The framework's connection breaks: nobody to answer. */
	rt_http_session_destroy(x->f.stream);
	assert_int_equal(x->h.m.recon_ids, 0);
	assert_int_equal(x->h.m.recon_bytes, 0);
	x->f.stream = NULL;
}

static void test_kill_reaches_the_agent(void **state)
{
	fx *x = *state;
	assert_int_equal(mh_kill(&x->f, "t1"), 202);
	AgentMessage *msg = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__KILL_TASK);
	assert_string_equal(msg->kill_task->task_id->value, "t1");
	assert_string_equal(msg->kill_task->framework_id->value, x->f.id);
	meso__agent__agent_message__free_unpacked(msg, NULL);
	mh_expect_quiet(&x->f);
}

static void test_kill_of_an_unknown_task_is_lost(void **state)
{
	fx *x = *state;
	assert_int_equal(mh_kill(&x->f, "nope"), 202);
	mh_expect_update(&x->f, "nope", MESOS__V1__TASK_STATE__TASK_LOST,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_TASK_UNKNOWN, "unknown task");
	assert_null(mh_agent_frame(&x->a));
}

#define T(fn)       cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
#define T_AWARE(fn) cmocka_unit_test_setup_teardown(fn, setup_partition_aware, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_known_tasks_report_their_state),
	        T(test_implicit_covers_every_task_of_the_framework),
	        T(test_unknown_tasks_are_lost),
	        T(test_marked_gone_is_lost),
	        T_AWARE(test_unknown_tasks_are_gone_or_unknown_for_partition_aware),
	        T_AWARE(test_marked_gone_is_gone_by_operator_for_partition_aware),
	        T(test_tasks_of_another_framework_are_unknown),
	        T(test_kill_reaches_the_agent),
	        T(test_kill_of_an_unknown_task_is_lost),
	        T(test_large_reconcile_is_answered_in_slices_in_order),
	        T(test_reconcile_waits_while_the_stream_is_unread),
	        T(test_reconcile_beyond_the_queue_bound_is_429),
	        T(test_queued_answers_go_with_the_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

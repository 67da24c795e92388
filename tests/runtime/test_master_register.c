/*
 * test_master_register.c — agents at the master (master_agents.c, master.c):
 * registration and its id, PING/PONG, a disconnection (offers rescinded,
 * agent deactivated) and a re-registration that keeps the id and the tasks
 * it reports (and loses those it does not), tasks of a framework the master
 * never saw (recovered and charged), the agent timeout (a silent agent is
 * disconnected) and the re-registration window (tasks kept inside it; after
 * it the agent is removed: tasks LOST, FAILURE to every framework), and a
 * removed agent coming back.
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
#include "rt_resources.h"

/* Agent a with cpus:2;mem:256 and framework f running t1 on cpus:1 of it. */
static void with_task(fx *x, bool partition_aware)
{
	fx_offer(x, "cpus:2;mem:256", partition_aware);
	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", x->a.id, "cpus:1;mem:128", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, 3600), 202);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK),
	                                          NULL);
}

/* The agent's connection breaks and it comes back on a new one. */
static void reconnect(fx *x, const char *id, const mh_running *tasks, size_t n)
{
	mh_agent_close(&x->a);
	x->a.conn = NULL;
	mh_agent_register(&x->h, &x->a, id, "cpus:2;mem:256", tasks, n);
}

static char *offer_resources(fx *x, mh_fw *f, char *text, size_t len)
{
	(void)x;
	return (char *)mh_offer_text(f, text, len, NULL);
}

static void test_register_gives_an_id_and_offers(void **state)
{
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:2;mem:256", NULL, 0);
	assert_true(strncmp(x->a.id, x->h.m.id, strlen(x->h.m.id)) == 0);
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	assert_non_null(a);
	assert_string_equal(a->hostname, "agent.test");
	assert_string_equal(a->ip, "10.0.0.1");
	assert_int_equal(x->h.m.metrics.agent_registrations, 1);
	mh_subscribe(&x->h, &x->f, "fw", "web", false);
	mh_allocate(&x->h);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS);
	assert_string_equal(ev->offers->offers[0]->agent_id->value, x->a.id);
	assert_string_equal(ev->offers->offers[0]->hostname, "agent.test");
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

static void test_ping_gets_pong(void **state)
{
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:1;mem:64", NULL, 0);
	AgentMessage ping = MESO__AGENT__AGENT_MESSAGE__INIT;
	ping.type = MESO__AGENT__AGENT_MESSAGE__TYPE__PING;
	mh_agent_send(&x->a, &ping);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__PONG), NULL);
}

static void test_ping_before_register_closes(void **state)
{
	fx *x = *state;
	mh_agent s = {.h = &x->h, .conn = master_agent_conn_detached(&x->h.m, "10.9.9.9:1")};
	AgentMessage ping = MESO__AGENT__AGENT_MESSAGE__INIT;
	ping.type = MESO__AGENT__AGENT_MESSAGE__TYPE__PING;
	mh_agent_send(&s, &ping);
	assert_true(rt_conn_closed(s.conn));
	assert_null(mh_agent_frame(&s));
	rt_conn_destroy(s.conn);
}

static void test_disconnect_rescinds_and_reregister_restores(void **state)
{
	fx *x = *state;
	with_task(x, false);
	mh_allocate(&x->h); /* nothing: the rest is filtered for the framework */
	mh_fw other;
	mh_subscribe(&x->h, &other, "other", "batch", false);
	mh_allocate(&x->h);
	const char *offer;
	mh_offers(&other, 1, &offer, NULL);

	mh_agent_close(&x->a);
	Event *ev = mh_expect(&other, MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND);
	assert_string_equal(ev->rescind->offer_id->value, offer);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	assert_non_null(a); /* kept until the agent timeout */
	assert_null(a->conn);
	assert_true(a->deactivated);
	mh_allocate(&x->h);
	mh_expect_quiet(&other);

	char id[128];
	snprintf(id, sizeof id, "%s", x->a.id);
	mh_running t1 = {x->f.id, "t1", "cpus:1;mem:128", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL};
	x->a.conn = NULL;
	mh_agent_register(&x->h, &x->a, id, "cpus:2;mem:256", &t1, 1);
	assert_string_equal(x->a.id, id);
	assert_false(a->deactivated);
	assert_int_equal(x->h.m.metrics.agent_reregistrations, 1);
	mh_expect_quiet(&x->f); /* t1 is as it was */
	assert_non_null(master_task_find(&x->h.m, master_fw_find(&x->h.m, x->f.id), "t1"));
	mh_allocate(&x->h);
	char text[64];
	assert_string_equal(offer_resources(x, &other, text, sizeof text), "cpus:1;mem:128");
}

static void test_unreported_task_is_lost_on_reregister(void **state)
{
	fx *x = *state;
	with_task(x, false);
	char id[128];
	snprintf(id, sizeof id, "%s", x->a.id);
	reconnect(x, id, NULL, 0);
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_LOST,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REREGISTERED, "not reported");
	assert_null(master_task_find(&x->h.m, master_fw_find(&x->h.m, x->f.id), "t1"));
}

static void test_unreported_task_is_gone_for_partition_aware(void **state)
{
	fx *x = *state;
	with_task(x, true);
	char id[128];
	snprintf(id, sizeof id, "%s", x->a.id);
	reconnect(x, id, NULL, 0);
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_GONE,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REREGISTERED, NULL);
}

static void test_tasks_of_an_unseen_framework_are_recovered_and_charged(void **state)
{
	fx *x = *state;
	mh_running t = {"fw-of-the-old-leader", "old-task", "cpus:1;mem:64", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL};
	mh_agent_register(&x->h, &x->a, "agent-of-the-old-leader", "cpus:2;mem:256", &t, 1);
	assert_string_equal(x->a.id, "agent-of-the-old-leader"); /* unknown but never removed: kept */
	m_fw *old = master_fw_find(&x->h.m, "fw-of-the-old-leader");
	assert_non_null(old);
	assert_true(old->recovered);
	assert_non_null(master_task_find(&x->h.m, old, "old-task"));
	/* What the task holds is not offered. */
	mh_subscribe(&x->h, &x->f, "fw", "web", false);
	mh_allocate(&x->h);
	char text[64];
	assert_string_equal(offer_resources(x, &x->f, text, sizeof text), "cpus:1;mem:192");
}

static void test_silent_agent_is_disconnected_not_removed(void **state)
{
	fx *x = *state;
	with_task(x, false);
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	a->last_seen_ns -= (int64_t)16e9; /* past the 15 s agent timeout */
	ev_invoke(x->h.loop, &x->h.m.agent_check_timer, EV_TIMER);
	/* Its connection is dropped and its window starts; the task stays. */
	assert_true(rt_conn_closed(x->a.conn));
	assert_null(a->conn);
	assert_true(a->deactivated);
	assert_non_null(master_task_find(&x->h.m, master_fw_find(&x->h.m, x->f.id), "t1"));
	assert_int_equal(x->h.m.metrics.agent_removals, 0);
	mh_expect_quiet(&x->f);
}

static void test_agent_outside_its_reregistration_window_is_removed(void **state)
{
	fx *x = *state;
	with_task(x, false);
	mh_agent_close(&x->a);
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	a->disconnected_ns -= (int64_t)601e9; /* past the 600 s window */
	ev_invoke(x->h.loop, &x->h.m.agent_check_timer, EV_TIMER);
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_LOST,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED, "did not re-register");
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE);
	assert_string_equal(ev->failure->agent_id->value, x->a.id);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	assert_null(master_agent_find(&x->h.m, x->a.id));
	assert_true(master_agent_was_removed(&x->h.m, x->a.id));
	assert_int_equal(x->h.m.metrics.agent_removals, 1);
}

static void test_agent_within_its_window_stays_and_keeps_its_tasks(void **state)
{
	fx *x = *state;
	with_task(x, false);
	char id[128];
	snprintf(id, sizeof id, "%s", x->a.id);
	mh_agent_close(&x->a);
	m_agent *a = master_agent_find(&x->h.m, id);
	a->disconnected_ns -= (int64_t)599e9;
	a->last_seen_ns -= (int64_t)599e9;
	ev_invoke(x->h.loop, &x->h.m.agent_check_timer, EV_TIMER);
	assert_non_null(master_agent_find(&x->h.m, id));
	mh_expect_quiet(&x->f);
	/* It comes back (a restarted agent) with its task: nothing is lost. */
	mh_running t1 = {x->f.id, "t1", "cpus:1;mem:128", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL};
	x->a.conn = NULL;
	mh_agent_register(&x->h, &x->a, id, "cpus:2;mem:256", &t1, 1);
	assert_string_equal(x->a.id, id);
	assert_non_null(master_task_find(&x->h.m, master_fw_find(&x->h.m, x->f.id), "t1"));
	assert_false(master_agent_find(&x->h.m, id)->deactivated);
	mh_expect_quiet(&x->f);
}

static void test_registered_tells_the_window(void **state)
{
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:1;mem:64", NULL, 0);
	/* mh_agent_register consumed REGISTERED: register again to see one. */
	Meso__Agent__Register reg = MESO__AGENT__REGISTER__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	aid.value = x->a.id;
	reg.agent_id = &aid;
	reg.hostname = "agent.test";
	reg.port = 5051;
	AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTER;
	msg.register_agent = &reg;
	mh_agent_send(&x->a, &msg);
	AgentMessage *r = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTERED);
	assert_true(r->registered->has_reregister_timeout_seconds);
	assert_true(r->registered->reregister_timeout_seconds == 600.0);
	meso__agent__agent_message__free_unpacked(r, NULL);
}

static void test_removed_agent_comes_back_under_a_new_id(void **state)
{
	fx *x = *state;
	with_task(x, true);
	char id[128];
	snprintf(id, sizeof id, "%s", x->a.id);
	master_agent_remove(&x->h.m, master_agent_find(&x->h.m, id), "by the test");
	mh_expect_update(&x->f, "t1", MESOS__V1__TASK_STATE__TASK_GONE,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED, "by the test");
	mesos__v1__scheduler__event__free_unpacked(mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE), NULL);
	assert_true(rt_conn_closed(x->a.conn));

	mh_running t1 = {x->f.id, "t1", "cpus:1;mem:128", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL};
	x->a.conn = NULL;
	mh_agent_register(&x->h, &x->a, id, "cpus:2;mem:256", &t1, 1);
	assert_string_not_equal(x->a.id, id);
	AgentMessage *msg = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__SHUTDOWN_FRAMEWORK);
	assert_string_equal(msg->shutdown_framework->framework_id->value, x->f.id);
	meso__agent__agent_message__free_unpacked(msg, NULL);
	assert_null(master_task_find(&x->h.m, master_fw_find(&x->h.m, x->f.id), "t1"));
}

static void test_connection_registering_another_agent(void **state)
{
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:1;mem:64", NULL, 0);
	char first[128];
	snprintf(first, sizeof first, "%s", x->a.id);
	/* The same connection registers again under another (unknown) id. */
	mh_agent_register(&x->h, &x->a, "second", "cpus:1;mem:64", NULL, 0);
	assert_string_equal(x->a.id, "second");
	m_agent *a = master_agent_find(&x->h.m, first), *b = master_agent_find(&x->h.m, "second");
	assert_non_null(a);
	assert_non_null(b);
	assert_null(a->conn); /* the connection is the second's alone */
	assert_true(a->deactivated);
	assert_non_null(b->conn);
	AgentMessage ping = MESO__AGENT__AGENT_MESSAGE__INIT;
	ping.type = MESO__AGENT__AGENT_MESSAGE__TYPE__PING;
	int64_t before = b->last_seen_ns;
	mh_agent_send(&x->a, &ping);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__PONG), NULL);
	assert_true(b->last_seen_ns >= before);
}

static void test_teardown_shuts_the_framework_down_on_its_agents(void **state)
{
	fx *x = *state;
	with_task(x, false);
	mh_agent b = {0};
	mh_agent_register(&x->h, &b, NULL, "cpus:1;mem:64", NULL, 0); /* runs nothing of it */
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN;
	assert_int_equal(mh_call(&x->f, &call), 202);
	AgentMessage *msg = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__SHUTDOWN_FRAMEWORK);
	assert_string_equal(msg->shutdown_framework->framework_id->value, x->f.id);
	meso__agent__agent_message__free_unpacked(msg, NULL);
	assert_null(mh_agent_frame(&b));
	assert_null(master_fw_find(&x->h.m, x->f.id));
	assert_true(master_fw_was_removed(&x->h.m, x->f.id));
	assert_int_equal(x->h.m.ndone_fws, 1);
	assert_int_equal(x->h.m.done_fws->tasks.n, 1);
	assert_int_equal(x->h.m.done_fws->tasks.head->state, MESOS__V1__TASK_STATE__TASK_KILLED);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_register_gives_an_id_and_offers),
	        T(test_ping_gets_pong),
	        T(test_ping_before_register_closes),
	        T(test_disconnect_rescinds_and_reregister_restores),
	        T(test_unreported_task_is_lost_on_reregister),
	        T(test_unreported_task_is_gone_for_partition_aware),
	        T(test_tasks_of_an_unseen_framework_are_recovered_and_charged),
	        T(test_silent_agent_is_disconnected_not_removed),
	        T(test_agent_outside_its_reregistration_window_is_removed),
	        T(test_agent_within_its_window_stays_and_keeps_its_tasks),
	        T(test_registered_tells_the_window),
	        T(test_removed_agent_comes_back_under_a_new_id),
	        T(test_connection_registering_another_agent),
	        T(test_teardown_shuts_the_framework_down_on_its_agents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

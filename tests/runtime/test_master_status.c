/*
 * test_master_status.c — status updates and their acknowledgements at the
 * master (master_agents.c, master_sched.c): an agent's update reaches the
 * framework with the agent's id and uuid and moves the task's state; a
 * terminal one retires the task to the completed tasks and frees its
 * resources; ACKNOWLEDGE goes to the agent as STATUS_ACK; an update of an
 * unknown framework is acknowledged by the master itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "master_harness.h"

/* One agent with cpus:2, a framework with task t1 launched on all of it. */
static int setup(void **state)
{
	fx_setup(state);
	fx *x = *state;
	fx_offer(x, "cpus:2;mem:256", false);
	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", x->a.id, "cpus:2;mem:256", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, -1), 202);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK),
	                                          NULL);
	return 0;
}

static m_task *task_of(fx *x, const char *id)
{
	m_fw *fw = master_fw_find(&x->h.m, x->f.id);
	assert_non_null(fw);
	return master_task_find(&x->h.m, fw, id);
}

static void test_update_is_forwarded_with_agent_and_uuid(void **state)
{
	fx *x = *state;
	uint8_t uuid[16];
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, uuid);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE);
	const Mesos__V1__TaskStatus *st = ev->update->status;
	assert_string_equal(st->task_id->value, "t1");
	assert_int_equal(st->state, MESOS__V1__TASK_STATE__TASK_RUNNING);
	assert_non_null(st->agent_id);
	assert_string_equal(st->agent_id->value, x->a.id);
	assert_true(st->has_uuid);
	assert_memory_equal(st->uuid.data, uuid, 16);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	m_task *t = task_of(x, "t1");
	assert_non_null(t);
	assert_int_equal(t->state, MESOS__V1__TASK_STATE__TASK_RUNNING);
	assert_int_equal(x->h.m.metrics.status_updates, 1);
	assert_int_equal(x->h.m.metrics.launch_latency.n, 1); /* ACCEPT -> RUNNING measured once */
}

static void test_terminal_update_retires_the_task_and_frees_it(void **state)
{
	fx *x = *state;
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL);
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_FINISHED, NULL);
	for (int i = 0; i < 2; i++)
		mesos__v1__scheduler__event__free_unpacked(mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE),
		                                           NULL);
	assert_null(task_of(x, "t1"));
	m_fw *fw = master_fw_find(&x->h.m, x->f.id);
	assert_int_equal(fw->done.n, 1);
	assert_string_equal(fw->done.head->id, "t1");
	assert_int_equal(fw->done.head->state, MESOS__V1__TASK_STATE__TASK_FINISHED);
	assert_int_equal(fw->done.head->nstatuses, 2);
	assert_int_equal(x->h.m.metrics.tasks_finished, 1);
	/* Its cpus:2;mem:256 are offered again. */
	mh_allocate(&x->h);
	mh_offers(&x->f, 1, NULL, NULL);
}

static void test_repeated_state_keeps_one_status(void **state)
{
	fx *x = *state;
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL);
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL);
	m_task *t = task_of(x, "t1");
	assert_int_equal(t->nstatuses, 1);
}

static void test_update_from_another_agent_does_not_move_the_task(void **state)
{
	fx *x = *state;
	mh_agent b = {0};
	mh_agent_register(&x->h, &b, NULL, "cpus:1;mem:64", NULL, 0);
	mh_agent_status(&b, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_FAILED, NULL);
	/* Forwarded (it is the agent's word), but the master's task stays. */
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE);
	assert_string_equal(ev->update->status->agent_id->value, b.id);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	m_task *t = task_of(x, "t1");
	assert_non_null(t);
	assert_int_equal(t->state, MESOS__V1__TASK_STATE__TASK_STAGING);
}

static void test_acknowledge_goes_to_the_agent(void **state)
{
	fx *x = *state;
	uint8_t uuid[16];
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, uuid);
	mesos__v1__scheduler__event__free_unpacked(mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE), NULL);
	assert_int_equal(mh_acknowledge(&x->f, x->a.id, "t1", uuid, 16), 202);
	AgentMessage *msg = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_ACK);
	assert_string_equal(msg->status_ack->framework_id->value, x->f.id);
	assert_string_equal(msg->status_ack->task_id->value, "t1");
	assert_memory_equal(msg->status_ack->uuid.data, uuid, 16);
	meso__agent__agent_message__free_unpacked(msg, NULL);
	/* A uuid that is not 16 bytes is refused before it travels. */
	assert_int_equal(mh_acknowledge(&x->f, x->a.id, "t1", uuid, 3), 400);
	assert_null(mh_agent_frame(&x->a));
}

static void test_update_of_an_unknown_framework_is_acknowledged_here(void **state)
{
	fx *x = *state;
	uint8_t uuid[16];
	mh_agent_status(&x->a, "no-such-framework", "t9", MESOS__V1__TASK_STATE__TASK_RUNNING, uuid);
	AgentMessage *msg = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_ACK);
	assert_string_equal(msg->status_ack->framework_id->value, "no-such-framework");
	assert_string_equal(msg->status_ack->task_id->value, "t9");
	assert_memory_equal(msg->status_ack->uuid.data, uuid, 16);
	meso__agent__agent_message__free_unpacked(msg, NULL);
	mh_expect_quiet(&x->f);
}

static void test_update_before_register_closes_the_connection(void **state)
{
	fx *x = *state;
	mh_agent stranger = {.h = &x->h, .conn = master_agent_conn_detached(&x->h.m, "10.9.9.9:1")};
	mh_agent_status(&stranger, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_FAILED, NULL);
	assert_true(rt_conn_closed(stranger.conn));
	mh_expect_quiet(&x->f);
	assert_int_equal(task_of(x, "t1")->state, MESOS__V1__TASK_STATE__TASK_STAGING);
	rt_conn_destroy(stranger.conn);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_update_is_forwarded_with_agent_and_uuid),
	        T(test_terminal_update_retires_the_task_and_frees_it),
	        T(test_repeated_state_keeps_one_status),
	        T(test_update_from_another_agent_does_not_move_the_task),
	        T(test_acknowledge_goes_to_the_agent),
	        T(test_update_of_an_unknown_framework_is_acknowledged_here),
	        T(test_update_before_register_closes_the_connection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_master_accept.c — the master's answers to ACCEPT (master_accept.c),
 * driven through the scheduler API on a master with no sockets: every check
 * Mesos makes on the offers (unknown, used, rescinded, another framework's,
 * repeated, of several agents: TASK_LOST, or TASK_DROPPED for a
 * partition-aware framework, with REASON_INVALID_OFFERS) and on each task
 * (TASK_ERROR with REASON_TASK_INVALID), what the valid tasks get (RUN_TASK
 * to the agent) and what happens to the rest of the offers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "master_harness.h"
#include "rt_resources.h"

#define LOST        MESOS__V1__TASK_STATE__TASK_LOST
#define DROPPED     MESOS__V1__TASK_STATE__TASK_DROPPED
#define ERROR       MESOS__V1__TASK_STATE__TASK_ERROR
#define INVALID_OFF MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS
#define INVALID     MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID
#define RUN_TASK    MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK

/* One agent with cpus:4;mem:1024, one framework holding its offer. */
static int setup(void **state)
{
	fx_setup(state);
	fx_offer(*state, "cpus:4;mem:1024", false);
	return 0;
}

static int setup_partition_aware(void **state)
{
	fx_setup(state);
	fx_offer(*state, "cpus:4;mem:1024", true);
	return 0;
}

static Mesos__V1__TaskInfo *task(fx *x, const char *id, const char *res)
{
	return mh_task(&x->h, id, x->a.id, res, "sleep 1");
}

/* The agent got RUN_TASK for task_id and nothing else. */
static void expect_run(fx *x, const char *task_id)
{
	AgentMessage *msg = mh_agent_expect(&x->a, RUN_TASK);
	assert_string_equal(msg->run_task->task->task_id->value, task_id);
	assert_string_equal(msg->run_task->framework_id->value, x->f.id);
	meso__agent__agent_message__free_unpacked(msg, NULL);
}

static void expect_no_frame(fx *x)
{
	AgentMessage *msg = mh_agent_frame(&x->a);
	if (msg)
		fail_msg("the agent got a frame of type %d", (int)msg->type);
}

static m_fw *fw_of(fx *x)
{
	m_fw *fw = master_fw_find(&x->h.m, x->f.id);
	assert_non_null(fw);
	return fw;
}

/* ---------------------------------------------------------- valid launch */

static void test_valid_task_runs_and_the_rest_is_filtered(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1;mem:128")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, 3600), 202);
	expect_run(x, "t1");
	mh_expect_quiet(&x->f); /* STAGING is not sent, as in Mesos */
	m_task *mt = master_task_find(&x->h.m, fw_of(x), "t1");
	assert_non_null(mt);
	assert_int_equal(mt->state, MESOS__V1__TASK_STATE__TASK_STAGING);
	assert_null(master_offer_find(&x->h.m, x->offer));
	/* The unused cpus:3;mem:896 went back under the 3600 s filter. */
	mh_allocate(&x->h);
	mh_expect_quiet(&x->f);
}

static void test_the_rest_comes_back_without_a_filter(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1;mem:128")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, 0), 202);
	expect_run(x, "t1");
	mh_allocate(&x->h);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS);
	assert_int_equal(ev->offers->n_offers, 1);
	ac_resources r;
	assert_int_equal(rt_resources_from_pb(x->h.m.core, ev->offers->offers[0]->resources,
	                                      ev->offers->offers[0]->n_resources, &r, NULL),
	                 0);
	char text[128];
	ac_resources_format(x->h.m.core, &r, text, sizeof text);
	assert_string_equal(text, "cpus:3;mem:896");
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

/* An ACCEPT of the fixture's offer with these operations: the answer. */
static int accept_ops(fx *x, Mesos__V1__Offer__Operation **ops, size_t n, Mesos__V1__Filters *filters)
{
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT;
	Mesos__V1__OfferID *oids[] = {&oid};
	oid.value = (char *)x->offer;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	acc.offer_ids = oids;
	acc.n_offer_ids = 1;
	acc.operations = ops;
	acc.n_operations = n;
	acc.filters = filters;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT;
	call.accept = &acc;
	return mh_call(&x->f, &call);
}

static void test_unsupported_operations_are_ignored(void **state)
{
	fx *x = *state;
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	op.has_type = true;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__RESERVE;
	Mesos__V1__Offer__Operation *ops[] = {&op};
	assert_int_equal(accept_ops(x, ops, 1, NULL), 202);
	mh_expect_quiet(&x->f);
	expect_no_frame(x);
	/* The offer was used up: declined whole under the default filter. */
	assert_null(master_offer_find(&x->h.m, x->offer));
	mh_allocate(&x->h);
	mh_expect_quiet(&x->f);
}

/* RESERVE in an ACCEPT: carried out on the offered resources (a LAUNCH in
 * the same call may use what it reserved), OPERATION_FINISHED with the
 * agent's id for an operation with an id, and the rest offered again with
 * the reservation; a RESERVE for another role is OPERATION_ERROR. */
static void test_reserve_then_launch(void **state)
{
	fx *x = *state;
	Mesos__V1__Resource__ReservationInfo ri = MESOS__V1__RESOURCE__RESERVATION_INFO__INIT;
	ri.has_type = true;
	ri.type = MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC;
	ri.role = "web";
	ri.principal = "p";
	Mesos__V1__Resource__ReservationInfo *stack[] = {&ri};
	Mesos__V1__Value__Scalar one = MESOS__V1__VALUE__SCALAR__INIT;
	one.value = 1;
	Mesos__V1__Resource cpu = MESOS__V1__RESOURCE__INIT;
	cpu.name = "cpus";
	cpu.type = MESOS__V1__VALUE__TYPE__SCALAR;
	cpu.scalar = &one;
	cpu.reservations = stack;
	cpu.n_reservations = 1;
	Mesos__V1__Resource *res[] = {&cpu};
	Mesos__V1__Offer__Operation__Reserve rv = MESOS__V1__OFFER__OPERATION__RESERVE__INIT;
	rv.resources = res;
	rv.n_resources = 1;
	Mesos__V1__OperationID rid = MESOS__V1__OPERATION_ID__INIT;
	rid.value = "r1";
	Mesos__V1__Offer__Operation reserve = MESOS__V1__OFFER__OPERATION__INIT;
	reserve.has_type = true;
	reserve.type = MESOS__V1__OFFER__OPERATION__TYPE__RESERVE;
	reserve.reserve = &rv;
	reserve.id = &rid;
	/* The same for role "db": not the framework's. */
	Mesos__V1__Resource__ReservationInfo ri_db = ri;
	ri_db.role = "db";
	Mesos__V1__Resource__ReservationInfo *stack_db[] = {&ri_db};
	Mesos__V1__Resource cpu_db = cpu;
	cpu_db.reservations = stack_db;
	Mesos__V1__Resource *res_db[] = {&cpu_db};
	Mesos__V1__Offer__Operation__Reserve rv_db = rv;
	rv_db.resources = res_db;
	Mesos__V1__OperationID rid_db = rid;
	rid_db.value = "r2";
	Mesos__V1__Offer__Operation reserve_db = reserve;
	reserve_db.reserve = &rv_db;
	reserve_db.id = &rid_db;
	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", x->a.id, "cpus(web):1;mem:128", "sleep 9")};
	Mesos__V1__Offer__Operation__Launch ln = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	ln.task_infos = t;
	ln.n_task_infos = 1;
	Mesos__V1__Offer__Operation launch = MESOS__V1__OFFER__OPERATION__INIT;
	launch.has_type = true;
	launch.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	launch.launch = &ln;
	Mesos__V1__Offer__Operation *ops[] = {&reserve_db, &reserve, &launch};
	Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
	filters.has_refuse_seconds = true;
	filters.refuse_seconds = 0;
	assert_int_equal(accept_ops(x, ops, 3, &filters), 202);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE_OPERATION_STATUS);
	assert_string_equal(ev->update_operation_status->status->operation_id->value, "r2");
	assert_int_equal(ev->update_operation_status->status->state, MESOS__V1__OPERATION_STATE__OPERATION_ERROR);
	assert_non_null(strstr(ev->update_operation_status->status->message, "but the resource was allocated to role"));
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE_OPERATION_STATUS);
	Mesos__V1__OperationStatus *st = ev->update_operation_status->status;
	assert_string_equal(st->operation_id->value, "r1");
	assert_int_equal(st->state, MESOS__V1__OPERATION_STATE__OPERATION_FINISHED);
	assert_string_equal(st->agent_id->value, x->a.id);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	expect_run(x, "t1");
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	char text[128];
	assert_string_equal(rt_resources_text(x->h.m.core, &a->total, text, sizeof text),
	                    "cpus:3;mem:1024;cpus(web):1");
	assert_int_equal(a->nresv, 1);
	/* What the task does not use comes back at the next pass. */
	mh_allocate(&x->h);
	assert_string_equal(mh_offer_text(&x->f, text, sizeof text, NULL), "cpus:3;mem:896");
}

/* --------------------------------------------------------- invalid offers */

static void test_unknown_offer_is_lost(void **state)
{
	fx *x = *state;
	const char *bogus = "no-such-offer";
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1"), task(x, "t2", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &bogus, 1, t, 2, -1), 202);
	mh_expect_update(&x->f, "t1", LOST, INVALID_OFF, "no longer valid");
	mh_expect_update(&x->f, "t2", LOST, INVALID_OFF, "no longer valid");
	expect_no_frame(x);
	assert_null(master_task_find(&x->h.m, fw_of(x), "t1"));
	/* The framework's real offer is untouched. */
	assert_non_null(master_offer_find(&x->h.m, x->offer));
}

static void test_unknown_offer_is_dropped_for_partition_aware(void **state)
{
	fx *x = *state;
	const char *bogus = "no-such-offer";
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &bogus, 1, t, 1, -1), 202);
	mh_expect_update(&x->f, "t1", DROPPED, INVALID_OFF, "no longer valid");
	expect_no_frame(x);
}

static void test_used_offer_is_lost(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t1[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t1, 1, -1), 202);
	expect_run(x, "t1");
	Mesos__V1__TaskInfo *t2[] = {task(x, "t2", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t2, 1, -1), 202);
	mh_expect_update(&x->f, "t2", LOST, INVALID_OFF, "no longer valid");
	expect_no_frame(x);
}

static void test_rescinded_offer_is_lost(void **state)
{
	fx *x = *state;
	/* A disconnected agent is deactivated: its offers are rescinded. */
	mh_agent_close(&x->a);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND);
	assert_string_equal(ev->rescind->offer_id->value, x->offer);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, -1), 202);
	mh_expect_update(&x->f, "t1", LOST, INVALID_OFF, "no longer valid");
}

static void test_offer_of_another_framework_is_lost(void **state)
{
	fx *x = *state;
	mh_fw other;
	mh_subscribe(&x->h, &other, "other", "web", false);
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&other, &x->offer, 1, t, 1, -1), 202);
	mh_expect_update(&other, "t1", LOST, INVALID_OFF, "no longer valid");
	expect_no_frame(x);
	/* The owner still holds it and can use it. */
	m_offer *o = master_offer_find(&x->h.m, x->offer);
	assert_non_null(o);
	assert_ptr_equal(o->fw, fw_of(x));
	Mesos__V1__TaskInfo *t2[] = {task(x, "t2", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t2, 1, -1), 202);
	expect_run(x, "t2");
}

static void test_offer_named_twice_is_lost_and_comes_back(void **state)
{
	fx *x = *state;
	const char *ids[] = {x->offer, x->offer};
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, ids, 2, t, 1, 3600), 202);
	mh_expect_update(&x->f, "t1", LOST, INVALID_OFF, "more than once");
	expect_no_frame(x);
	assert_null(master_offer_find(&x->h.m, x->offer));
	/* Given back without the call's filter: offered again at once. */
	mh_allocate(&x->h);
	mh_offers(&x->f, 1, NULL, NULL);
}

static void test_offers_of_two_agents_are_lost(void **state)
{
	fx *x = *state;
	mh_agent b = {0};
	mh_agent_register(&x->h, &b, NULL, "cpus:2;mem:512", NULL, 0);
	mh_allocate(&x->h);
	const char *ids[2];
	ids[0] = x->offer;
	mh_offers(&x->f, 1, &ids[1], NULL);
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, ids, 2, t, 1, 3600), 202);
	mh_expect_update(&x->f, "t1", LOST, INVALID_OFF, "different agents");
	expect_no_frame(x);
	/* Both offers went back unfiltered. */
	mh_allocate(&x->h);
	mh_offers(&x->f, 2, NULL, NULL);
}

static void test_no_offer_ids_is_lost(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, NULL, 0, t, 1, -1), 202);
	mh_expect_update(&x->f, "t1", LOST, INVALID_OFF, "No offer ids");
	expect_no_frame(x);
}

/* ---------------------------------------------------------- invalid tasks */

/* One task in an ACCEPT of the fixture's offer: TASK_ERROR with why, and
 * nothing launched. */
static void expect_task_error(fx *x, Mesos__V1__TaskInfo *t, const char *why)
{
	Mesos__V1__TaskInfo *ts[] = {t};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, ts, 1, -1), 202);
	mh_expect_update(&x->f, t->task_id->value, ERROR, INVALID, why);
	expect_no_frame(x);
	assert_null(master_task_find(&x->h.m, fw_of(x), t->task_id->value));
}

static void test_empty_task_id(void **state)
{
	fx *x = *state;
	expect_task_error(x, task(x, "", "cpus:1"), "Task ID must not be empty");
}

static void test_task_on_another_agent(void **state)
{
	fx *x = *state;
	expect_task_error(x, mh_task(&x->h, "t1", "elsewhere", "cpus:1", "true"),
	                  "Task uses an agent other than the offers' agent");
}

static void test_task_without_command_or_executor(void **state)
{
	fx *x = *state;
	expect_task_error(x, mh_task(&x->h, "t1", x->a.id, "cpus:1", NULL), "(but not both)");
}

static void test_task_with_command_and_executor(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t = task(x, "t1", "cpus:1");
	t->executor = mh_executor(&x->h, "e1", "cpus:0.1", "exec");
	expect_task_error(x, t, "(but not both)");
}

static void test_command_without_value(void **state)
{
	fx *x = *state;
	expect_task_error(x, mh_task(&x->h, "t1", x->a.id, "cpus:1", ""), "Task's CommandInfo has no value");
}

static void test_task_without_resources(void **state)
{
	fx *x = *state;
	expect_task_error(x, task(x, "t1", ""), "Task uses no resources");
}

static void test_task_with_invalid_resources(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t = task(x, "t1", "cpus:1");
	t->resources[0]->scalar->value = -1;
	expect_task_error(x, t, "Task uses invalid resources");
}

static void test_task_over_the_offer(void **state)
{
	fx *x = *state;
	expect_task_error(x, task(x, "t1", "cpus:5"), "Task uses more resources than offered");
}

static void test_tasks_over_the_offer_together(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:3"), task(x, "t2", "cpus:2"), task(x, "t3", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 3, -1), 202);
	mh_expect_update(&x->f, "t2", ERROR, INVALID, "more resources than offered");
	expect_run(x, "t1");
	expect_run(x, "t3");
	mh_expect_quiet(&x->f);
}

static void test_duplicate_of_a_running_task(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t1[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t1, 1, 0), 202);
	expect_run(x, "t1");
	mh_allocate(&x->h);
	mh_offers(&x->f, 1, &x->offer, NULL);
	Mesos__V1__TaskInfo *again[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, again, 1, -1), 202);
	mh_expect_update(&x->f, "t1", ERROR, INVALID, "Task has duplicate ID");
	expect_no_frame(x);
	assert_non_null(master_task_find(&x->h.m, fw_of(x), "t1")); /* the first one stays */
}

static void test_duplicate_within_the_call(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t[] = {task(x, "t1", "cpus:1"), task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 2, -1), 202);
	mh_expect_update(&x->f, "t1", ERROR, INVALID, "Task has duplicate ID");
	expect_run(x, "t1");
	expect_no_frame(x);
}

static void test_ids_of_other_frameworks_do_not_clash(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t1[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t1, 1, 0), 202);
	expect_run(x, "t1");
	mh_fw other;
	mh_subscribe(&x->h, &other, "other", "batch", false);
	mh_allocate(&x->h);
	const char *o2;
	mh_offers(&other, 1, &o2, NULL); /* DRF: the framework holding nothing */
	Mesos__V1__TaskInfo *t2[] = {task(x, "t1", "cpus:1")};
	assert_int_equal(mh_accept(&other, &o2, 1, t2, 1, -1), 202);
	mh_expect_quiet(&other);
	AgentMessage *msg = mh_agent_expect(&x->a, RUN_TASK);
	assert_string_equal(msg->run_task->framework_id->value, other.id);
	meso__agent__agent_message__free_unpacked(msg, NULL);
}

/* ------------------------------------------------------------- executors */

static Mesos__V1__TaskInfo *exec_task(fx *x, const char *id, const char *res, Mesos__V1__ExecutorInfo *e)
{
	Mesos__V1__TaskInfo *t = mh_task(&x->h, id, x->a.id, res, NULL);
	t->executor = e;
	return t;
}

static void test_executor_without_id(void **state)
{
	fx *x = *state;
	expect_task_error(x, exec_task(x, "t1", "cpus:1", mh_executor(&x->h, "", "cpus:0.1", "exec")),
	                  "Executor ID must not be empty");
}

static void test_executor_of_another_framework(void **state)
{
	fx *x = *state;
	Mesos__V1__ExecutorInfo *e = mh_executor(&x->h, "e1", "cpus:0.1", "exec");
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = "someone-else";
	e->framework_id = &fid;
	expect_task_error(x, exec_task(x, "t1", "cpus:1", e), "ExecutorInfo has an invalid FrameworkID");
}

static void test_executor_without_command(void **state)
{
	fx *x = *state;
	expect_task_error(x, exec_task(x, "t1", "cpus:1", mh_executor(&x->h, "e1", "cpus:0.1", NULL)),
	                  "Executor's CommandInfo has no value");
}

static void test_task_and_executor_over_the_offer(void **state)
{
	fx *x = *state;
	expect_task_error(x, exec_task(x, "t1", "cpus:3.5", mh_executor(&x->h, "e1", "cpus:1", "exec")),
	                  "Task and its executor use more resources than offered");
}

static void test_executor_is_charged_once(void **state)
{
	fx *x = *state;
	Mesos__V1__ExecutorInfo *e = mh_executor(&x->h, "e1", "cpus:1", "exec");
	/* 1.5 + 1.5 + the executor's 1 fit in 4; a second charge would not. */
	Mesos__V1__TaskInfo *t[] = {exec_task(x, "t1", "cpus:1.5", e), exec_task(x, "t2", "cpus:1.5", e)};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 2, -1), 202);
	mh_expect_quiet(&x->f);
	expect_run(x, "t1");
	expect_run(x, "t2");
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	m_exec *me = master_exec_find(&x->h.m, fw_of(x), a, "e1");
	assert_non_null(me);
	char text[64];
	ac_resources_format(x->h.m.core, &me->res, text, sizeof text);
	assert_string_equal(text, "cpus:1");
}

static void test_incompatible_executor_in_the_call(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t[] = {exec_task(x, "t1", "cpus:1", mh_executor(&x->h, "e1", "cpus:0.5", "exec")),
	                            exec_task(x, "t2", "cpus:1", mh_executor(&x->h, "e1", "cpus:0.5", "other"))};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 2, -1), 202);
	mh_expect_update(&x->f, "t2", ERROR, INVALID, "not compatible");
	expect_run(x, "t1");
	expect_no_frame(x);
}

static void test_incompatible_with_a_running_executor(void **state)
{
	fx *x = *state;
	Mesos__V1__TaskInfo *t1[] = {exec_task(x, "t1", "cpus:1", mh_executor(&x->h, "e1", "cpus:0.5", "exec"))};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t1, 1, 0), 202);
	expect_run(x, "t1");
	mh_allocate(&x->h);
	mh_offers(&x->f, 1, &x->offer, NULL);
	/* Another ExecutorInfo under the running executor's id is refused; the
	 * same one joins the executor (not charged again: 2.25 of 2.5 left fit). */
	Mesos__V1__TaskInfo *t[] = {exec_task(x, "t2", "cpus:1", mh_executor(&x->h, "e1", "cpus:0.5", "other")),
	                            exec_task(x, "t3", "cpus:2.25", mh_executor(&x->h, "e1", "cpus:0.5", "exec"))};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 2, -1), 202);
	mh_expect_update(&x->f, "t2", ERROR, INVALID, "not compatible");
	expect_run(x, "t3");
	mh_expect_quiet(&x->f);
}

#define T(fn)       cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)
#define T_AWARE(fn) cmocka_unit_test_setup_teardown(fn, setup_partition_aware, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_valid_task_runs_and_the_rest_is_filtered),
	        T(test_the_rest_comes_back_without_a_filter),
	        T(test_unsupported_operations_are_ignored),
	        T(test_reserve_then_launch),
	        T(test_unknown_offer_is_lost),
	        T_AWARE(test_unknown_offer_is_dropped_for_partition_aware),
	        T(test_used_offer_is_lost),
	        T(test_rescinded_offer_is_lost),
	        T(test_offer_of_another_framework_is_lost),
	        T(test_offer_named_twice_is_lost_and_comes_back),
	        T(test_offers_of_two_agents_are_lost),
	        T(test_no_offer_ids_is_lost),
	        T(test_empty_task_id),
	        T(test_task_on_another_agent),
	        T(test_task_without_command_or_executor),
	        T(test_task_with_command_and_executor),
	        T(test_command_without_value),
	        T(test_task_without_resources),
	        T(test_task_with_invalid_resources),
	        T(test_task_over_the_offer),
	        T(test_tasks_over_the_offer_together),
	        T(test_duplicate_of_a_running_task),
	        T(test_duplicate_within_the_call),
	        T(test_ids_of_other_frameworks_do_not_clash),
	        T(test_executor_without_id),
	        T(test_executor_of_another_framework),
	        T(test_executor_without_command),
	        T(test_task_and_executor_over_the_offer),
	        T(test_executor_is_charged_once),
	        T(test_incompatible_executor_in_the_call),
	        T(test_incompatible_with_a_running_executor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_master_operator.c — the v1 operator API at the master
 * (master_operator.c, master_opview.c) through detached sessions: the GET_*
 * calls and what they report of agents, frameworks, tasks and executors,
 * both encodings, Mesos's error answers, and the SUBSCRIBE stream's events
 * (SUBSCRIBED with the state, TASK_ADDED, TASK_UPDATED, AGENT_ADDED,
 * AGENT_REMOVED, FRAMEWORK_ADDED/UPDATED/REMOVED, HEARTBEAT) and its bound.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "master_harness.h"
#include "rt_pbjson.h"

typedef Mesos__V1__Master__Event OpEvent;

/* A master with agent a (cpus:2;mem:256) and framework f running t1. */
static void with_task(fx *x)
{
	fx_offer(x, "cpus:2;mem:256", false);
	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", x->a.id, "cpus:1;mem:128", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, 3600), 202);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK),
	                                          NULL);
}

/* A JSON path's string value in an answer, e.g. ("get_health", "healthy"). */
static json_t *at(json_t *j, const char *path)
{
	char copy[256];
	snprintf(copy, sizeof copy, "%s", path);
	for (char *save = NULL, *k = strtok_r(copy, ".", &save); k && j; k = strtok_r(NULL, ".", &save)) {
		char *end;
		long i = strtol(k, &end, 10);
		j = *end == '\0' ? json_array_get(j, (size_t)i) : json_object_get(j, k);
	}
	return j;
}

static const char *str_at(json_t *j, const char *path)
{
	const char *s = json_string_value(at(j, path));
	if (!s)
		fail_msg("no string at %s", path);
	return s;
}

static void test_simple_gets(void **state)
{
	fx *x = *state;
	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_HEALTH\"}", &r), 200);
	assert_string_equal(str_at(r, "type"), "GET_HEALTH");
	assert_true(json_is_true(at(r, "get_health.healthy")));
	json_decref(r);

	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_VERSION\"}", &r), 200);
	assert_string_equal(str_at(r, "get_version.version_info.version"), MASTER_VERSION);
	json_decref(r);

	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_FLAGS\"}", &r), 200);
	bool seen = false;
	json_t *flags = at(r, "get_flags.flags");
	for (size_t i = 0; i < json_array_size(flags); i++)
		if (strcmp(str_at(json_array_get(flags, i), "name"), "allocation_interval") == 0) {
			assert_string_equal(str_at(json_array_get(flags, i), "value"), "1secs");
			seen = true;
		}
	assert_true(seen);
	json_decref(r);

	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_MASTER\"}", &r), 200);
	assert_string_equal(str_at(r, "get_master.master_info.id"), x->h.m.id);
	assert_string_equal(str_at(r, "get_master.master_info.hostname"), "master.test");
	json_decref(r);

	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_METRICS\",\"get_metrics\":{}}", &r), 200);
	json_t *metrics = at(r, "get_metrics.metrics");
	seen = false;
	for (size_t i = 0; i < json_array_size(metrics); i++)
		if (strcmp(str_at(json_array_get(metrics, i), "name"), "master/elected") == 0) {
			assert_true(json_number_value(at(json_array_get(metrics, i), "value")) == 1.0);
			seen = true;
		}
	assert_true(seen);
	json_decref(r);

	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_LOGGING_LEVEL\"}", &r), 200);
	assert_int_equal(json_integer_value(at(r, "get_logging_level.level")), 0);
	json_decref(r);

	/* SET_LOGGING_LEVEL: a verbosity (debug lines on) for its duration,
	 * then back to the level the master started with. */
	int base = rt_log_get_level();
	assert_int_equal(mh_operator(&x->h,
	                             "{\"type\":\"SET_LOGGING_LEVEL\",\"set_logging_level\":{\"level\":2,"
	                             "\"duration\":{\"nanoseconds\":60000000000}}}",
	                             NULL),
	                 200);
	assert_int_equal(rt_log_get_level(), RT_DEBUG);
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_LOGGING_LEVEL\"}", &r), 200);
	assert_int_equal(json_integer_value(at(r, "get_logging_level.level")), 2);
	json_decref(r);
	assert_true(ev_is_active(&x->h.m.loglevel.revert));
	ev_invoke(x->h.loop, &x->h.m.loglevel.revert, EV_TIMER);
	ev_timer_stop(x->h.loop, &x->h.m.loglevel.revert);
	assert_int_equal(rt_log_get_level(), base);
	assert_int_equal(rt_loglevel_get(&x->h.m.loglevel), 0);
	assert_int_equal(mh_operator(&x->h,
	                             "{\"type\":\"SET_LOGGING_LEVEL\",\"set_logging_level\":{\"level\":1,"
	                             "\"duration\":{\"nanoseconds\":0}}}",
	                             NULL),
	                 400);
}

static void test_state_reports_agents_frameworks_and_tasks(void **state)
{
	fx *x = *state;
	with_task(x);
	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_STATE\"}", &r), 200);
	assert_string_equal(str_at(r, "get_state.get_agents.agents.0.agent_info.id.value"), x->a.id);
	assert_true(json_is_true(at(r, "get_state.get_agents.agents.0.active")));
	assert_true(json_is_false(at(r, "get_state.get_agents.agents.0.deactivated")));
	/* cpus:1 and mem:128 held by t1, charged to role web */
	json_t *alloc = at(r, "get_state.get_agents.agents.0.allocated_resources");
	assert_int_equal(json_array_size(alloc), 2);
	assert_string_equal(str_at(alloc, "0.allocation_info.role"), "web");
	assert_string_equal(str_at(r, "get_state.get_frameworks.frameworks.0.framework_info.id.value"), x->f.id);
	assert_string_equal(str_at(r, "get_state.get_frameworks.frameworks.0.framework_info.roles.0"), "web");
	assert_true(json_is_true(at(r, "get_state.get_frameworks.frameworks.0.connected")));
	assert_string_equal(str_at(r, "get_state.get_tasks.tasks.0.task_id.value"), "t1");
	assert_string_equal(str_at(r, "get_state.get_tasks.tasks.0.state"), "TASK_STAGING");
	assert_string_equal(str_at(r, "get_state.get_tasks.tasks.0.agent_id.value"), x->a.id);
	json_decref(r);

	/* The task ends: it moves to completed_tasks with its statuses. */
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_FINISHED, NULL);
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_TASKS\"}", &r), 200);
	assert_null(at(r, "get_tasks.tasks"));
	assert_string_equal(str_at(r, "get_tasks.completed_tasks.0.state"), "TASK_FINISHED");
	assert_string_equal(str_at(r, "get_tasks.completed_tasks.0.statuses.0.state"), "TASK_FINISHED");
	json_decref(r);

	/* A framework torn down is among the completed ones. */
	char body[256];
	snprintf(body, sizeof body, "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"%s\"}}}",
	         x->f.id);
	assert_int_equal(mh_operator(&x->h, body, NULL), 200);
	assert_int_equal(mh_operator(&x->h, body, NULL), 400);
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_FRAMEWORKS\"}", &r), 200);
	assert_null(at(r, "get_frameworks.frameworks"));
	assert_string_equal(str_at(r, "get_frameworks.completed_frameworks.0.framework_info.id.value"), x->f.id);
	json_decref(r);
}

static void test_executors_are_listed(void **state)
{
	fx *x = *state;
	fx_offer(x, "cpus:2;mem:256", false);
	Mesos__V1__TaskInfo *t = mh_task(&x->h, "t1", x->a.id, "cpus:0.5;mem:64", NULL);
	t->command = NULL;
	t->executor = mh_executor(&x->h, "ex1", "cpus:0.1;mem:32", "./executor");
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, &t, 1, 3600), 202);
	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_EXECUTORS\"}", &r), 200);
	assert_string_equal(str_at(r, "get_executors.executors.0.executor_info.executor_id.value"), "ex1");
	assert_string_equal(str_at(r, "get_executors.executors.0.executor_info.framework_id.value"), x->f.id);
	assert_string_equal(str_at(r, "get_executors.executors.0.agent_id.value"), x->a.id);
	json_decref(r);
}

/* The same call answered in protobuf when Accept asks only for it. */
static void test_protobuf_answers(void **state)
{
	fx *x = *state;
	with_task(x);
	Mesos__V1__Master__Call call = MESOS__V1__MASTER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__MASTER__CALL__TYPE__GET_TASKS;
	uint8_t buf[64];
	size_t n = mesos__v1__master__call__pack(&call, buf);
	const char *body;
	size_t len;
	assert_int_equal(mh_http(&x->h, "POST", "/master/api/v1", "application/x-protobuf", "application/x-protobuf",
	                         buf, n, &body, &len),
	                 200);
	Mesos__V1__Master__Response *r = mesos__v1__master__response__unpack(NULL, len, (const uint8_t *)body);
	assert_non_null(r);
	assert_int_equal(r->type, MESOS__V1__MASTER__RESPONSE__TYPE__GET_TASKS);
	assert_int_equal(r->get_tasks->n_tasks, 1);
	assert_string_equal(r->get_tasks->tasks[0]->task_id->value, "t1");
	assert_string_equal(r->get_tasks->tasks[0]->framework_id->value, x->f.id);
	mesos__v1__master__response__free_unpacked(r, NULL);
}

static void expect_refusal(fx *x, const char *ct, const char *accept, const char *json, int status, const char *part)
{
	const char *body;
	int rc = mh_http(&x->h, "POST", "/api/v1", ct, accept, json, strlen(json), &body, NULL);
	if (rc != status || !strstr(body, part))
		fail_msg("%s: expected %d with '%s', got %d '%s'", json, status, part, rc, body);
}

static void test_errors_are_mesos_answers(void **state)
{
	fx *x = *state;
	const char *j = "application/json";
	expect_refusal(x, NULL, j, "{\"type\":\"GET_HEALTH\"}", 400, "Expecting 'Content-Type' to be present");
	expect_refusal(x, "text/plain", j, "{\"type\":\"GET_HEALTH\"}", 415, "Expecting 'Content-Type' of");
	expect_refusal(x, j, j, "{\"type\":", 400, "Failed to parse body into JSON");
	expect_refusal(x, j, j, "{\"type\":\"NO_SUCH_CALL\"}", 400, "Failed to convert JSON into Call protobuf");
	expect_refusal(x, j, j, "{}", 400, "Failed to validate master::Call: Expecting 'type' to be present");
	expect_refusal(x, j, j, "{\"type\":\"UPDATE_QUOTA\"}", 400,
	               "Failed to validate master::Call: Expecting 'update_quota' to be present");
	expect_refusal(x, j, j, "{\"type\":\"DRAIN_AGENT\"}", 400, "Expecting 'drain_agent' to be present");
	expect_refusal(x, j, "text/html", "{\"type\":\"GET_HEALTH\"}", 406, "Expecting 'Accept' to allow");
	expect_refusal(x, j, j, "{\"type\":\"UNKNOWN\"}", 501, "Unknown call type");
	expect_refusal(x, j, j,
	               "{\"type\":\"RESERVE_RESOURCES\",\"reserve_resources\":{\"agent_id\":{\"value\":\"a\"}}}", 400,
	               "No agent found with specified ID");
	expect_refusal(x, j, j,
	               "{\"type\":\"UNRESERVE_RESOURCES\",\"unreserve_resources\":{\"agent_id\":{\"value\":\"a\"}}}",
	               400, "No agent found with specified ID");
	expect_refusal(x, j, j, "{\"type\":\"SET_LOGGING_LEVEL\"}", 400, "Expecting 'set_logging_level' to be present");
	expect_refusal(x, j, j,
	               "{\"type\":\"DEACTIVATE_AGENT\",\"deactivate_agent\":{\"agent_id\":{\"value\":\"nope\"}}}", 400,
	               "Unknown agent");
	assert_int_equal(mh_http(&x->h, "GET", "/api/v1", NULL, NULL, NULL, 0, NULL, NULL), 405);
}

/* RESERVE_RESOURCES and UNRESERVE_RESOURCES: 202 when done, then GET_AGENTS
 * and /master/state show the reservation (static and dynamic apart, with
 * its principal); what is not there, or not dynamically reserved, is 409;
 * resources without a reservation are 400. */
static int resv_call(fx *x, const char *type, const char *amount, const char *reservation)
{
	char body[600];
	const char *field = strcmp(type, "RESERVE_RESOURCES") == 0 ? "reserve_resources" : "unreserve_resources";
	snprintf(body, sizeof body,
	         "{\"type\":\"%s\",\"%s\":{\"agent_id\":{\"value\":\"%s\"},\"resources\":[{\"name\":\"cpus\","
	         "\"type\":\"SCALAR\",\"scalar\":{\"value\":%s}%s}]}}",
	         type, field, x->a.id, amount, reservation);
	json_t *r = NULL;
	int rc = mh_operator(&x->h, body, &r);
	json_decref(r);
	return rc;
}

/* The agent's total cpus in GET_AGENTS with a reservation of this type. */
static double agent_cpus(fx *x, const char *type)
{
	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_AGENTS\"}", &r), 200);
	json_t *res = at(r, "get_agents.agents.0.total_resources");
	double sum = 0;
	for (size_t i = 0; i < json_array_size(res); i++) {
		json_t *e = json_array_get(res, i);
		const char *t = json_string_value(at(e, "reservations.0.type"));
		if (strcmp(str_at(e, "name"), "cpus") != 0 || strcmp(t ? t : "", type) != 0)
			continue;
		assert_string_equal(str_at(e, "reservations.0.role"), "web");
		if (strcmp(type, "DYNAMIC") == 0)
			assert_string_equal(str_at(e, "reservations.0.principal"), "ops");
		sum += json_number_value(at(e, "scalar.value"));
	}
	json_decref(r);
	return sum;
}

static double state_reserved_cpus(fx *x)
{
	const char *body;
	size_t len;
	assert_int_equal(mh_http(&x->h, "GET", "/master/state", NULL, NULL, NULL, 0, &body, &len), 200);
	json_t *st = json_loadb(body, len, 0, NULL);
	assert_non_null(st);
	double v = json_number_value(at(st, "slaves.0.reserved_resources.web.cpus"));
	json_decref(st);
	return v;
}

static void test_operator_reservations(void **state)
{
	fx *x = *state;
	const char *dyn = ",\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"web\",\"principal\":\"ops\"}]";
	mh_agent_register(&x->h, &x->a, NULL, "cpus:2;mem:256;cpus(web):1", NULL, 0);
	assert_true(agent_cpus(x, "STATIC") == 1 && agent_cpus(x, "DYNAMIC") == 0);
	assert_int_equal(resv_call(x, "RESERVE_RESOURCES", "0.5", dyn), 202);
	assert_true(agent_cpus(x, "STATIC") == 1 && agent_cpus(x, "DYNAMIC") == 0.5);
	assert_true(state_reserved_cpus(x) == 1.5);
	assert_int_equal(resv_call(x, "RESERVE_RESOURCES", "5", dyn), 409);
	assert_int_equal(resv_call(x, "RESERVE_RESOURCES", "0.5", ""), 400);
	assert_int_equal(resv_call(x, "UNRESERVE_RESOURCES", "1", dyn), 409); /* 0.5 of it is static */
	assert_int_equal(resv_call(x, "UNRESERVE_RESOURCES", "0.5", dyn), 202);
	assert_true(agent_cpus(x, "STATIC") == 1 && agent_cpus(x, "DYNAMIC") == 0);
	assert_true(state_reserved_cpus(x) == 1);
	assert_int_equal(resv_call(x, "UNRESERVE_RESOURCES", "0.5", dyn), 409);
	/* Malformed: no name, ranges, two roles: 400, nothing changes. */
	const char *bad[] = {
	        "{\"type\":\"SCALAR\",\"scalar\":{\"value\":1}%s}",
	        "{\"name\":\"gpus\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":1,\"end\":2}]}%s}",
	        "{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":0.1}%s},{\"name\":\"mem\",\"type\":"
	        "\"SCALAR\",\"scalar\":{\"value\":1},\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"db\"}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char res[400], body[800];
		snprintf(res, sizeof res, bad[i], dyn);
		snprintf(body, sizeof body,
		         "{\"type\":\"RESERVE_RESOURCES\",\"reserve_resources\":{\"agent_id\":{\"value\":\"%s\"},"
		         "\"resources\":[%s]}}",
		         x->a.id, res);
		json_t *r = NULL;
		assert_int_equal(mh_operator(&x->h, body, &r), 400);
		json_decref(r);
	}
	assert_true(agent_cpus(x, "DYNAMIC") == 0);
}

/* ------------------------------------------------------------- events */

static void subscribe_sees_everything(fx *x, bool json)
{
	mh_opsub o;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:2;mem:256", NULL, 0);
	OpEvent *ev = mh_op_subscribe(&x->h, &o, json);
	assert_true(ev->subscribed->has_heartbeat_interval_seconds);
	assert_true(ev->subscribed->heartbeat_interval_seconds == 5.0);
	assert_int_equal(ev->subscribed->get_state->get_agents->n_agents, 1);
	assert_string_equal(ev->subscribed->get_state->get_agents->agents[0]->agent_info->id->value, x->a.id);
	mesos__v1__master__event__free_unpacked(ev, NULL);
	assert_int_equal(x->h.m.nopsubs, 1);

	mh_subscribe_failover(&x->h, &x->f, "fw", "web", false, 60);
	ev = mh_op_expect(&o, MESOS__V1__MASTER__EVENT__TYPE__FRAMEWORK_ADDED);
	assert_string_equal(ev->framework_added->framework->framework_info->id->value, x->f.id);
	assert_true(ev->framework_added->framework->connected);
	mesos__v1__master__event__free_unpacked(ev, NULL);

	mh_allocate(&x->h);
	mh_offers(&x->f, 1, &x->offer, NULL);
	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", x->a.id, "cpus:1;mem:128", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, 3600), 202);
	ev = mh_op_expect(&o, MESOS__V1__MASTER__EVENT__TYPE__TASK_ADDED);
	assert_string_equal(ev->task_added->task->task_id->value, "t1");
	assert_int_equal(ev->task_added->task->state, MESOS__V1__TASK_STATE__TASK_STAGING);
	assert_string_equal(ev->task_added->task->agent_id->value, x->a.id);
	mesos__v1__master__event__free_unpacked(ev, NULL);

	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL);
	ev = mh_op_expect(&o, MESOS__V1__MASTER__EVENT__TYPE__TASK_UPDATED);
	assert_string_equal(ev->task_updated->framework_id->value, x->f.id);
	assert_int_equal(ev->task_updated->state, MESOS__V1__TASK_STATE__TASK_RUNNING);
	assert_string_equal(ev->task_updated->status->task_id->value, "t1");
	assert_string_equal(ev->task_updated->status->agent_id->value, x->a.id);
	assert_int_equal(ev->task_updated->status->uuid.len, 16);
	mesos__v1__master__event__free_unpacked(ev, NULL);

	/* A second agent joins; the first is removed (its task LOST). */
	mh_agent b = {0};
	mh_agent_register(&x->h, &b, NULL, "cpus:1;mem:64", NULL, 0);
	ev = mh_op_expect(&o, MESOS__V1__MASTER__EVENT__TYPE__AGENT_ADDED);
	assert_string_equal(ev->agent_added->agent->agent_info->id->value, b.id);
	mesos__v1__master__event__free_unpacked(ev, NULL);
	master_agent_remove(&x->h.m, master_agent_find(&x->h.m, x->a.id), "test");
	ev = mh_op_expect(&o, MESOS__V1__MASTER__EVENT__TYPE__TASK_UPDATED);
	assert_int_equal(ev->task_updated->state, MESOS__V1__TASK_STATE__TASK_LOST);
	assert_int_equal(ev->task_updated->status->source, MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER);
	mesos__v1__master__event__free_unpacked(ev, NULL);
	ev = mh_op_expect(&o, MESOS__V1__MASTER__EVENT__TYPE__AGENT_REMOVED);
	assert_string_equal(ev->agent_removed->agent_id->value, x->a.id);
	mesos__v1__master__event__free_unpacked(ev, NULL);

	/* The framework's stream breaks (UPDATED: disconnected), then an
	 * operator tears it down (REMOVED). */
	rt_http_session_destroy(x->f.stream);
	ev = mh_op_expect(&o, MESOS__V1__MASTER__EVENT__TYPE__FRAMEWORK_UPDATED);
	assert_string_equal(ev->framework_updated->framework->framework_info->id->value, x->f.id);
	assert_false(ev->framework_updated->framework->connected);
	mesos__v1__master__event__free_unpacked(ev, NULL);
	char body[256];
	snprintf(body, sizeof body, "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"%s\"}}}",
	         x->f.id);
	assert_int_equal(mh_operator(&x->h, body, NULL), 200);
	ev = mh_op_expect(&o, MESOS__V1__MASTER__EVENT__TYPE__FRAMEWORK_REMOVED);
	assert_string_equal(ev->framework_removed->framework_info->id->value, x->f.id);
	mesos__v1__master__event__free_unpacked(ev, NULL);
	assert_null(mh_op_event(&o));

	/* HEARTBEATs at --heartbeat_interval. */
	ev_invoke(x->h.loop, &x->h.m.heartbeat_timer, EV_TIMER);
	ev = mh_op_next(&o);
	assert_non_null(ev);
	assert_int_equal(ev->type, MESOS__V1__MASTER__EVENT__TYPE__HEARTBEAT);
	mesos__v1__master__event__free_unpacked(ev, NULL);
	rt_http_session_destroy(o.s);
	assert_int_equal(x->h.m.nopsubs, 0);
}

static void test_subscribe_json(void **state)
{
	subscribe_sees_everything(*state, true);
}

static void test_subscribe_protobuf(void **state)
{
	subscribe_sees_everything(*state, false);
}

static void small_output(master_flags *f)
{
	f->http.max_output_bytes = 4096;
}

/* A subscriber that does not read is closed at the output bound, and the
 * master goes on without it. */
static void test_unread_stream_is_closed(void **state)
{
	fx *x = *state;
	mh_opsub o;
	mesos__v1__master__event__free_unpacked(mh_op_subscribe(&x->h, &o, true), NULL);
	assert_int_equal(x->h.m.nopsubs, 1);
	for (int i = 0; i < 200 && x->h.m.nopsubs; i++)
		master_op_heartbeat(&x->h.m);
	assert_int_equal(x->h.m.nopsubs, 0);
	assert_int_equal(x->h.m.opsubs_dropped, 1);
	rt_http_session_destroy(o.s);
	mh_agent_register(&x->h, &x->a, NULL, "cpus:1;mem:64", NULL, 0); /* no subscriber: nothing built */
}

static int setup_small(void **state)
{
	return fx_setup_flags(state, small_output);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_simple_gets, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_state_reports_agents_frameworks_and_tasks, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_executors_are_listed, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_protobuf_answers, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_errors_are_mesos_answers, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_operator_reservations, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_subscribe_json, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_subscribe_protobuf, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_unread_stream_is_closed, setup_small, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_master_volumes.c — persistent volumes in the master
 * (master_volumes.c): CREATE and DESTROY in an ACCEPT and on the operator
 * API, with Mesos's checks and messages; the volume offered back with its
 * id, given to the task that names it, kept from other tasks, from UNRESERVE
 * and from DESTROY while used; the agent told to make and remove its
 * directory; a custom executor holding a volume (its resources) and a task
 * on one naming it, the DEFAULT executor refused one; the registry round
 * trip (with the holding executor); and the reserve_resources,
 * unreserve_resources, create_volumes and destroy_volumes ACLs both ways.
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
#include "rt_pbjson.h"

#define OPS    MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE_OPERATION_STATUS
#define OFFERS MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS

/* A persistent volume of role `role` as Mesos's JSON Resource. */
static const char *vol(fx *x, const char *id, const char *role, double mb, const char *principal, const char *extra)
{
	char buf[600];
	snprintf(buf, sizeof buf,
	         "{\"name\":\"disk\",\"type\":\"SCALAR\",\"scalar\":{\"value\":%g},\"reservations\":[{\"type\":"
	         "\"STATIC\",\"role\":\"%s\"}],\"disk\":{\"persistence\":{\"id\":\"%s\"%s%s%s},\"volume\":{\"mode\":"
	         "\"RW\",\"container_path\":\"data\"%s}}}",
	         mb, role, id, principal ? ",\"principal\":\"" : "", principal ? principal : "", principal ? "\"" : "",
	         extra ? extra : "");
	return rt_arena_strdup(x->h.arena, buf);
}

/* A new leader (h2) from x's registry, x's agent registered with it as b:
 * its one persistent volume. */
static const m_volume *successor_volume(fx *x, mh *h2, mh_agent *b)
{
	mh_successor(&x->h, h2, b, x->a.id, "cpus:4;mem:1024;disk(web):100;disk:50");
	m_agent *a2 = master_agent_find(&h2->m, x->a.id);
	assert_int_equal(a2->nvols, 1);
	return &a2->vols[0];
}

/* CREATE_VOLUMES or DESTROY_VOLUMES of one volume; the HTTP status, the body in *body. */
static int vol_call(fx *x, bool create, const char *volume, const char **body)
{
	char req[1000];
	const char *f = create ? "create_volumes" : "destroy_volumes";
	snprintf(req, sizeof req, "{\"type\":\"%s\",\"%s\":{\"agent_id\":{\"value\":\"%s\"},\"volumes\":[%s]}}",
	         create ? "CREATE_VOLUMES" : "DESTROY_VOLUMES", f, x->a.id, volume);
	return mh_http(&x->h, "POST", "/api/v1", "application/json", "application/json", req, strlen(req), body, NULL);
}

/* The next event is OFFERS with one offer; whether it shows volume id
 * (its size in *mb), its id in the arena. */
static bool offer_shows(fx *x, const char *id, double *mb, const char **offer)
{
	Event *ev = mh_expect(&x->f, OFFERS);
	assert_int_equal(ev->offers->n_offers, 1);
	Mesos__V1__Offer *o = ev->offers->offers[0];
	*offer = rt_arena_strdup(x->h.arena, o->id->value);
	bool found = false;
	for (size_t i = 0; i < o->n_resources; i++) {
		const Mesos__V1__Resource *r = o->resources[i];
		if (r->disk && r->disk->persistence && !strcmp(r->disk->persistence->id, id)) {
			found = true;
			*mb = r->scalar->value;
			assert_string_equal(r->disk->volume->container_path, "data");
			assert_string_equal(r->reservations[0]->role, "web");
		}
	}
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	return found;
}

static void expect_volume_frame(fx *x, bool create, const char *id)
{
	AgentMessage *msg = mh_agent_expect(&x->a, create ? MESO__AGENT__AGENT_MESSAGE__TYPE__CREATE_VOLUME
	                                                  : MESO__AGENT__AGENT_MESSAGE__TYPE__DESTROY_VOLUME);
	assert_string_equal(msg->volume->volume->disk->persistence->id, id);
	meso__agent__agent_message__free_unpacked(msg, NULL);
}

static int setup(void **state)
{
	fx_setup(state);
	fx_offer(*state, "cpus:4;mem:1024;disk(web):100;disk:50", false);
	return 0;
}

/* CREATE in an ACCEPT with a LAUNCH that uses the volume; the invalid ones
 * answered with Mesos's messages; the volume offered back once its task
 * ended, kept from a task's plain reserved disk and from executors, and
 * DESTROY refused while a task uses it. */
static void test_accept_create_launch_destroy(void **state)
{
	fx *x = *state;
	const char *v1 = vol(x, "v1", "web", 40, NULL, NULL);
	char ops[3000];
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"CREATE\",\"id\":{\"value\":\"c-unres\"},\"create\":{\"volumes\":[{\"name\":\"disk\","
	         "\"type\":\"SCALAR\",\"scalar\":{\"value\":1},\"disk\":{\"persistence\":{\"id\":\"u\"},\"volume\":{"
	         "\"mode\":\"RW\",\"container_path\":\"d\"}}}]}},"
	         "{\"type\":\"CREATE\",\"id\":{\"value\":\"c-ro\"},\"create\":{\"volumes\":[%s]}},"
	         "{\"type\":\"CREATE\",\"id\":{\"value\":\"c-abs\"},\"create\":{\"volumes\":[%s]}},"
	         "{\"type\":\"CREATE\",\"id\":{\"value\":\"c-big\"},\"create\":{\"volumes\":[%s]}},"
	         "{\"type\":\"CREATE\",\"id\":{\"value\":\"c1\"},\"create\":{\"volumes\":[%s]}},"
	         "{\"type\":\"CREATE\",\"id\":{\"value\":\"c-dup\"},\"create\":{\"volumes\":[%s]}},"
	         "{\"type\":\"LAUNCH\",\"launch\":{\"task_infos\":[{\"name\":\"t\",\"task_id\":{\"value\":\"t1\"},"
	         "\"agent_id\":{\"value\":\"%s\"},\"command\":{\"value\":\"true\"},\"resources\":[{\"name\":\"cpus\","
	         "\"type\":\"SCALAR\",\"scalar\":{\"value\":1}},%s]}]}}]",
	         vol(x, "ro", "web", 1, NULL, ",\"mode\":\"RO\""),
	         "{\"name\":\"disk\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1},\"reservations\":[{\"type\":"
	         "\"STATIC\",\"role\":\"web\"}],\"disk\":{\"persistence\":{\"id\":\"abs\"},\"volume\":{\"mode\":\"RW\","
	         "\"container_path\":\"/abs\"}}}",
	         vol(x, "big", "web", 500, NULL, NULL), v1, v1, x->a.id, v1);
	/* The RO volume: the JSON's second "mode" wins in the parser or is
	 * refused; either way not created. */
	assert_int_equal(mh_accept_json(&x->f, x->offer, ops), 202);
	mh_expect_op(&x->f, "c-unres", MESOS__V1__OPERATION_STATE__OPERATION_ERROR,
	             "Persistent volumes cannot be created from unreserved resources");
	Event *ev = mh_expect(&x->f, OPS); /* c-ro */
	assert_int_equal(ev->update_operation_status->status->state, MESOS__V1__OPERATION_STATE__OPERATION_ERROR);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	mh_expect_op(&x->f, "c-abs", MESOS__V1__OPERATION_STATE__OPERATION_ERROR, "container_path");
	mh_expect_op(&x->f, "c-big", MESOS__V1__OPERATION_STATE__OPERATION_ERROR, "Invalid CREATE operation");
	mh_expect_op(&x->f, "c-dup", MESOS__V1__OPERATION_STATE__OPERATION_ERROR, "Persistence ID 'v1' is not unique");
	mh_expect_op(&x->f, "c1", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	expect_volume_frame(x, true, "v1");
	AgentMessage *run = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK);
	assert_string_equal(run->run_task->task->task_id->value, "t1");
	meso__agent__agent_message__free_unpacked(run, NULL);
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	assert_int_equal(a->nvols, 1);
	assert_true(master_vol_in_use(&x->h.m, a, &a->vols[0]));

	/* In use: not offered, and DESTROY is refused. */
	mh_allocate(&x->h);
	double mb = 0;
	const char *offer;
	assert_false(offer_shows(x, "v1", &mb, &offer));
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"DESTROY\",\"id\":{\"value\":\"d-busy\"},\"destroy\":{\"volumes\":[%s]}}]", v1);
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_op(&x->f, "d-busy", MESOS__V1__OPERATION_STATE__OPERATION_ERROR, "Persistent volumes in use");

	/* Its task ends: the volume comes back with its id. */
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_FINISHED, NULL);
	mesos__v1__scheduler__event__free_unpacked(mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE), NULL);
	mh_allocate(&x->h);
	assert_true(offer_shows(x, "v1", &mb, &offer));
	assert_true(mb == 40);
	/* Plain reserved disk that would take the volume's: TASK_ERROR; a
	 * custom executor with the volume in its resources gets it. */
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"LAUNCH\",\"launch\":{\"task_infos\":[{\"name\":\"t\",\"task_id\":{\"value\":\"t2\"},"
	         "\"agent_id\":{\"value\":\"%s\"},\"command\":{\"value\":\"true\"},\"resources\":[{\"name\":\"disk\","
	         "\"type\":\"SCALAR\",\"scalar\":{\"value\":80},\"reservations\":[{\"type\":\"STATIC\",\"role\":"
	         "\"web\"}]}]},{\"name\":\"t\",\"task_id\":{\"value\":\"t3\"},\"agent_id\":{\"value\":\"%s\"},"
	         "\"executor\":{\"executor_id\":{\"value\":\"e\"},\"command\":{\"value\":\"x\"},\"resources\":[%s]},"
	         "\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}}]}]}}]",
	         x->a.id, x->a.id, v1);
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_update(&x->f, "t2", MESOS__V1__TASK_STATE__TASK_ERROR,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID, "would take a persistent volume's");
	run = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK);
	assert_string_equal(run->run_task->task->task_id->value, "t3");
	assert_string_equal(run->run_task->task->executor->resources[0]->disk->persistence->id, "v1");
	meso__agent__agent_message__free_unpacked(run, NULL);
	assert_string_equal(a->vols[0].exec_id, "e");
	assert_null(a->vols[0].task_id);
	assert_true(master_vol_in_use(&x->h.m, a, &a->vols[0]));
	/* Held by the executor, not its task: the task's end leaves it used. */
	mh_agent_status(&x->a, x->f.id, "t3", MESOS__V1__TASK_STATE__TASK_FINISHED, NULL);
	mesos__v1__scheduler__event__free_unpacked(mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE), NULL);
	mh_allocate(&x->h);
	assert_false(offer_shows(x, "v1", &mb, &offer));
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"DESTROY\",\"id\":{\"value\":\"d-exec\"},\"destroy\":{\"volumes\":[%s]}}]", v1);
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_op(&x->f, "d-exec", MESOS__V1__OPERATION_STATE__OPERATION_ERROR, "Persistent volumes in use");
	/* A new leader knows which executor holds it (the registry). */
	mh h2;
	mh_agent b;
	const m_volume *v2 = successor_volume(x, &h2, &b);
	assert_string_equal(v2->exec_id, "e");
	assert_string_equal(v2->fw_id, x->f.id);
	mh_stop(&h2);
	/* The executor exits: the volume is free again. */
	Meso__Agent__ExecutorExited ee = MESO__AGENT__EXECUTOR_EXITED__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	fid.value = (char *)x->f.id;
	eid.value = "e";
	ee.framework_id = &fid;
	ee.executor_id = &eid;
	AgentMessage am = MESO__AGENT__AGENT_MESSAGE__INIT;
	am.type = MESO__AGENT__AGENT_MESSAGE__TYPE__EXECUTOR_EXITED;
	am.executor_exited = &ee;
	mh_agent_send(&x->a, &am);
	mesos__v1__scheduler__event__free_unpacked(mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE), NULL);
	assert_false(master_vol_in_use(&x->h.m, a, &a->vols[0]));
	/* Released, not merely stale: a later executor "e" holds nothing. */
	assert_null(a->vols[0].fw_id);
	assert_null(a->vols[0].exec_id);

	/* A task on a custom executor naming the volume gets it; the default
	 * executor (no sandbox of its own in Meso) does not. */
	mh_allocate(&x->h);
	assert_true(offer_shows(x, "v1", &mb, &offer));
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"LAUNCH_GROUP\",\"launch_group\":{\"executor\":{\"type\":\"DEFAULT\",\"executor_id\":{"
	         "\"value\":\"de\"},\"resources\":[%s]},\"task_group\":{\"tasks\":[{\"name\":\"t\","
	         "\"task_id\":{\"value\":\"t5\"},\"agent_id\":{\"value\":\"%s\"},\"command\":{\"value\":\"true\"},"
	         "\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}}]}]}}},"
	         "{\"type\":\"LAUNCH\",\"launch\":{\"task_infos\":[{\"name\":\"t\",\"task_id\":{\"value\":\"t4\"},"
	         "\"agent_id\":{\"value\":\"%s\"},\"executor\":{\"executor_id\":{\"value\":\"e2\"},\"command\":{"
	         "\"value\":\"x\"}},\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}},"
	         "%s]}]}}]",
	         v1, x->a.id, x->a.id, v1);
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_update(&x->f, "t5", MESOS__V1__TASK_STATE__TASK_ERROR,
	                 MESOS__V1__TASK_STATUS__REASON__REASON_TASK_GROUP_INVALID, "default executor");
	run = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK);
	assert_string_equal(run->run_task->task->task_id->value, "t4");
	meso__agent__agent_message__free_unpacked(run, NULL);
	assert_string_equal(a->vols[0].task_id, "t4");
	assert_null(a->vols[0].exec_id);
	mh_agent_status(&x->a, x->f.id, "t4", MESOS__V1__TASK_STATE__TASK_FINISHED, NULL);
	mesos__v1__scheduler__event__free_unpacked(mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE), NULL);

	/* DESTROY of the offered volume: gone, the agent told. */
	mh_allocate(&x->h);
	assert_true(offer_shows(x, "v1", &mb, &offer));
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"DESTROY\",\"id\":{\"value\":\"d-none\"},\"destroy\":{\"volumes\":[%s]}},"
	         "{\"type\":\"DESTROY\",\"id\":{\"value\":\"d1\"},\"destroy\":{\"volumes\":[%s]}}]",
	         vol(x, "v9", "web", 40, NULL, NULL), v1);
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_op(&x->f, "d-none", MESOS__V1__OPERATION_STATE__OPERATION_ERROR, "Persistent volumes not found");
	mh_expect_op(&x->f, "d1", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	expect_volume_frame(x, false, "v1");
	assert_int_equal(a->nvols, 0);
	mh_allocate(&x->h);
	assert_false(offer_shows(x, "v1", &mb, &offer));
}

/* CREATE_VOLUMES and DESTROY_VOLUMES: 202 when done (the agent told, the
 * volume in GET_AGENTS and /master/state), 400 with Mesos's messages for a
 * bad volume, 409 for more disk than is free; the registry keeps the volume
 * for a new leader, which gives it back when the agent registers. */
static void test_operator_volumes_and_registry(void **state)
{
	fx *x = *state;
	const char *body;
	assert_int_equal(vol_call(x, true, vol(x, "v1", "web", 30, "ops", NULL), &body), 202);
	expect_volume_frame(x, true, "v1");
	assert_int_equal(vol_call(x, true, vol(x, "v1", "web", 5, NULL, NULL), &body), 400);
	assert_non_null(strstr(body, "Persistence ID 'v1' is not unique"));
	assert_int_equal(vol_call(x, true, vol(x, "a/b", "web", 5, NULL, NULL), &body), 400);
	assert_non_null(strstr(body, "contains invalid characters"));
	assert_int_equal(vol_call(x, true, vol(x, "v2", "web", 5, NULL, ",\"host_path\":\"/x\""), &body), 400);
	assert_non_null(strstr(body, "Expecting 'host_path' to be unset"));
	/* 70 of web's 100 are left; an outstanding offer is taken back for it. */
	assert_int_equal(vol_call(x, true, vol(x, "v2", "web", 71, NULL, NULL), &body), 409);
	assert_int_equal(vol_call(x, true, vol(x, "v2", "web", 70, NULL, NULL), &body), 202);
	expect_volume_frame(x, true, "v2");
	assert_int_equal(vol_call(x, false, vol(x, "v3", "web", 1, NULL, NULL), &body), 400);
	assert_non_null(strstr(body, "Persistent volumes not found"));
	assert_int_equal(vol_call(x, false, vol(x, "v2", "web", 70, NULL, NULL), &body), 202);
	expect_volume_frame(x, false, "v2");

	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_AGENTS\"}", &r), 200);
	char *dump = json_dumps(r, 0);
	assert_non_null(strstr(dump, "\"persistence\": {\"id\": \"v1\", \"principal\": \"ops\"}"));
	assert_null(strstr(dump, "\"v2\""));
	free(dump);
	json_decref(r);
	size_t len;
	assert_int_equal(mh_http(&x->h, "GET", "/master/state", NULL, NULL, NULL, 0, &body, &len), 200);
	json_t *st = json_loadb(body, len, 0, NULL);
	json_t *full = json_object_get(
	        json_object_get(json_array_get(json_object_get(st, "slaves"), 0), "reserved_resources_full"), "web");
	assert_int_equal(json_array_size(full), 2); /* the volume and the rest of web's disk */
	json_decref(st);

	/* A new leader reads the registry: the agent gets its volume back. */
	mh h2;
	mh_agent b;
	const m_volume *v2 = successor_volume(x, &h2, &b);
	assert_string_equal(v2->id, "v1");
	assert_string_equal(v2->principal, "ops");
	AgentMessage *msg = mh_agent_expect(&b, MESO__AGENT__AGENT_MESSAGE__TYPE__CREATE_VOLUME);
	assert_string_equal(msg->volume->volume->disk->persistence->id, "v1");
	meso__agent__agent_message__free_unpacked(msg, NULL);
	mh_stop(&h2);
}

/* ---------------------------------------------------- operation feedback */

static int ack_op(fx *x, const char *agent_id, const char *op_id, const uint8_t *uuid, size_t uuid_len)
{
	Mesos__V1__Scheduler__Call__AcknowledgeOperationStatus a =
	        MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE_OPERATION_STATUS__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__OperationID oid = MESOS__V1__OPERATION_ID__INIT;
	aid.value = (char *)agent_id;
	oid.value = (char *)op_id;
	a.agent_id = agent_id ? &aid : NULL;
	a.operation_id = &oid;
	a.uuid.data = (uint8_t *)uuid;
	a.uuid.len = uuid_len;
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	c.has_type = true;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE_OPERATION_STATUS;
	c.acknowledge_operation_status = &a;
	return mh_call(&x->f, &c);
}

/* OPERATION_FINISHED carries a uuid and comes again (same uuid, 10 s, then
 * 20 s ...) until ACKNOWLEDGE_OPERATION_STATUS names it; an acknowledgement
 * of another uuid or operation is 202 and changes nothing; a call without
 * agent_id or with a bad uuid is 400 (Mesos's validation). */
static void test_operation_status_until_acknowledged(void **state)
{
	fx *x = *state;
	char ops[1000];
	snprintf(ops, sizeof ops, "[{\"type\":\"CREATE\",\"id\":{\"value\":\"c1\"},\"create\":{\"volumes\":[%s]}}]",
	         vol(x, "v1", "web", 10, NULL, NULL));
	assert_int_equal(mh_accept_json(&x->f, x->offer, ops), 202);
	Event *ev = mh_expect(&x->f, OPS);
	Mesos__V1__OperationStatus *st = ev->update_operation_status->status;
	assert_int_equal(st->state, MESOS__V1__OPERATION_STATE__OPERATION_FINISHED);
	assert_non_null(st->uuid);
	assert_int_equal(st->uuid->value.len, 16);
	assert_string_equal(st->agent_id->value, x->a.id);
	uint8_t uuid[16];
	memcpy(uuid, st->uuid->value.data, 16);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	assert_int_equal(master_opstatus_pending(&x->h.m), 1);

	/* Not yet due: nothing; due: the same status again. */
	int64_t now = rt_mono_ns();
	master_opstatus_retry(&x->h.m, now + 5000000000LL);
	mh_expect_quiet(&x->f);
	master_opstatus_retry(&x->h.m, now + 11000000000LL);
	ev = mh_expect(&x->f, OPS);
	assert_string_equal(ev->update_operation_status->status->operation_id->value, "c1");
	assert_memory_equal(ev->update_operation_status->status->uuid->value.data, uuid, 16);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	/* The next retry waits twice as long. */
	master_opstatus_retry(&x->h.m, now + 25000000000LL);
	mh_expect_quiet(&x->f);

	/* GET_OPERATIONS lists it as Mesos's Operation. */
	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_OPERATIONS\"}", &r), 200);
	json_t *list = json_object_get(json_object_get(r, "get_operations"), "operations");
	assert_int_equal(json_array_size(list), 1);
	json_t *o = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "framework_id"), "value")), x->f.id);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "agent_id"), "value")), x->a.id);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "info"), "type")), "CREATE");
	json_t *latest = json_object_get(o, "latest_status");
	assert_string_equal(json_string_value(json_object_get(latest, "state")), "OPERATION_FINISHED");
	assert_string_equal(json_string_value(json_object_get(json_object_get(latest, "operation_id"), "value")), "c1");
	assert_int_equal(json_array_size(json_object_get(o, "statuses")), 1);
	assert_non_null(json_object_get(json_object_get(o, "uuid"), "value"));
	json_decref(r);

	/* A new leader has it from the registry; it sends it again once the
	 * framework has subscribed to it, with the same uuid. */
	mh h2;
	mh_agent b;
	successor_volume(x, &h2, &b);
	assert_int_equal(master_opstatus_pending(&h2.m), 1);
	master_opstatus_retry(&h2.m, rt_mono_ns());
	assert_int_equal(master_opstatus_pending(&h2.m), 1); /* its framework not there yet: kept */
	mh_fw f2;
	mh_subscribe_as(&h2, &f2, "fw", "web", false, 0, x->f.id);
	master_opstatus_retry(&h2.m, rt_mono_ns());
	Event *again = NULL;
	while (!again) {
		Event *e = mh_event(&f2);
		if (e->type == OPS)
			again = e;
		else
			mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}
	assert_string_equal(again->update_operation_status->status->operation_id->value, "c1");
	assert_memory_equal(again->update_operation_status->status->uuid->value.data, uuid, 16);
	mesos__v1__scheduler__event__free_unpacked(again, NULL);
	mh_stop(&h2);

	uint8_t other[16] = {1};
	assert_int_equal(ack_op(x, x->a.id, "c1", other, 16), 202);
	assert_int_equal(ack_op(x, x->a.id, "nope", uuid, 16), 202);
	assert_int_equal(x->h.m.metrics.opack_invalid, 2);
	assert_int_equal(ack_op(x, NULL, "c1", uuid, 16), 400);
	assert_int_equal(ack_op(x, x->a.id, "c1", uuid, 3), 400);
	assert_int_equal(master_opstatus_pending(&x->h.m), 1);
	assert_int_equal(ack_op(x, x->a.id, "c1", uuid, 16), 202);
	assert_int_equal(x->h.m.metrics.opack_valid, 1);
	assert_int_equal(master_opstatus_pending(&x->h.m), 0);
	master_opstatus_retry(&x->h.m, now + 3600000000000LL);
	mh_expect_quiet(&x->f);
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_OPERATIONS\"}", &r), 200);
	assert_int_equal(json_array_size(json_object_get(json_object_get(r, "get_operations"), "operations")), 0);
	json_decref(r);
}

/* ------------------------------------------------------------------ ACLs */

/* Anyone may reserve for and create volumes of role web only, unreserve
 * what "ops" reserved and destroy what "ops" created, nothing else. */
static void acl_flags(master_flags *f)
{
	f->acls = "{\"reserve_resources\":[{\"principals\":{\"type\":\"ANY\"},\"roles\":{\"values\":[\"web\"]}},"
	          "{\"principals\":{\"type\":\"ANY\"},\"roles\":{\"type\":\"NONE\"}}],"
	          "\"unreserve_resources\":[{\"principals\":{\"type\":\"ANY\"},\"reserver_principals\":{\"values\":["
	          "\"ops\"]}},{\"principals\":{\"type\":\"ANY\"},\"reserver_principals\":{\"type\":\"NONE\"}}],"
	          "\"create_volumes\":[{\"principals\":{\"type\":\"ANY\"},\"roles\":{\"values\":[\"web\"]}},"
	          "{\"principals\":{\"type\":\"ANY\"},\"roles\":{\"type\":\"NONE\"}}],"
	          "\"destroy_volumes\":[{\"principals\":{\"type\":\"ANY\"},\"creator_principals\":{\"values\":["
	          "\"ops\"]}},{\"principals\":{\"type\":\"ANY\"},\"creator_principals\":{\"type\":\"NONE\"}}]}";
}

static int setup_acls(void **state)
{
	fx_setup_flags(state, acl_flags);
	fx_offer(*state, "cpus:4;mem:1024;disk(web):100;disk(db):100;disk:50", false);
	return 0;
}

static int resv_call(fx *x, bool reserve, const char *role, const char *principal)
{
	char req[800];
	snprintf(req, sizeof req,
	         "{\"type\":\"%s\",\"%s\":{\"agent_id\":{\"value\":\"%s\"},\"resources\":[{\"name\":\"cpus\",\"type\":"
	         "\"SCALAR\",\"scalar\":{\"value\":0.5},\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"%s\","
	         "\"principal\":\"%s\"}]}]}}",
	         reserve ? "RESERVE_RESOURCES" : "UNRESERVE_RESOURCES",
	         reserve ? "reserve_resources" : "unreserve_resources", x->a.id, role, principal);
	return mh_http(&x->h, "POST", "/api/v1", "application/json", "application/json", req, strlen(req), NULL, NULL);
}

/* The operator API: each action allowed and refused (403). */
static void test_acls_operator(void **state)
{
	fx *x = *state;
	const char *body;
	assert_int_equal(resv_call(x, true, "db", "ops"), 403);
	assert_int_equal(resv_call(x, true, "web", "ops"), 202);
	assert_int_equal(resv_call(x, true, "web", "dev"), 202);
	assert_int_equal(resv_call(x, false, "web", "dev"), 403);
	assert_int_equal(resv_call(x, false, "web", "ops"), 202);
	assert_int_equal(vol_call(x, true, vol(x, "d1", "db", 10, "ops", NULL), &body), 403);
	assert_int_equal(vol_call(x, true, vol(x, "w1", "web", 10, "ops", NULL), &body), 202);
	assert_int_equal(vol_call(x, true, vol(x, "w2", "web", 10, "dev", NULL), &body), 202);
	assert_int_equal(vol_call(x, false, vol(x, "w2", "web", 10, "dev", NULL), &body), 403);
	assert_int_equal(vol_call(x, false, vol(x, "w1", "web", 10, "ops", NULL), &body), 202);
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	assert_int_equal(a->nvols, 1);
	assert_string_equal(a->vols[0].id, "w2");
}

/* The same in an ACCEPT: OPERATION_ERROR with Mesos's "no authorized". */
static void test_acls_accept(void **state)
{
	fx *x = *state;
	char ops[3000];
	snprintf(
	        ops, sizeof ops,
	        "[{\"type\":\"RESERVE\",\"id\":{\"value\":\"r-ops\"},\"reserve\":{\"resources\":[{\"name\":\"cpus\","
	        "\"type\":\"SCALAR\",\"scalar\":{\"value\":1},\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"web\","
	        "\"principal\":\"ops\"}]}]}},"
	        "{\"type\":\"RESERVE\",\"id\":{\"value\":\"r-dev\"},\"reserve\":{\"resources\":[{\"name\":\"mem\","
	        "\"type\":\"SCALAR\",\"scalar\":{\"value\":64},\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":"
	        "\"web\",\"principal\":\"dev\"}]}]}},"
	        "{\"type\":\"UNRESERVE\",\"id\":{\"value\":\"u-dev\"},\"unreserve\":{\"resources\":[{\"name\":\"mem\","
	        "\"type\":\"SCALAR\",\"scalar\":{\"value\":64},\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":"
	        "\"web\",\"principal\":\"dev\"}]}]}},"
	        "{\"type\":\"UNRESERVE\",\"id\":{\"value\":\"u-ops\"},\"unreserve\":{\"resources\":[{\"name\":\"cpus\","
	        "\"type\":\"SCALAR\",\"scalar\":{\"value\":1},\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"web\","
	        "\"principal\":\"ops\"}]}]}},"
	        "{\"type\":\"CREATE\",\"id\":{\"value\":\"c-ops\"},\"create\":{\"volumes\":[%s]}},"
	        "{\"type\":\"CREATE\",\"id\":{\"value\":\"c-dev\"},\"create\":{\"volumes\":[%s]}},"
	        "{\"type\":\"DESTROY\",\"id\":{\"value\":\"d-dev\"},\"destroy\":{\"volumes\":[%s]}},"
	        "{\"type\":\"DESTROY\",\"id\":{\"value\":\"d-ops\"},\"destroy\":{\"volumes\":[%s]}}]",
	        vol(x, "o", "web", 10, "ops", NULL), vol(x, "d", "web", 10, "dev", NULL),
	        vol(x, "d", "web", 10, "dev", NULL), vol(x, "o", "web", 10, "ops", NULL));
	assert_int_equal(mh_accept_json(&x->f, x->offer, ops), 202);
	mh_expect_op(&x->f, "u-dev", MESOS__V1__OPERATION_STATE__OPERATION_ERROR,
	             "no authorized to perform action UNRESERVE_RESOURCES");
	mh_expect_op(&x->f, "d-dev", MESOS__V1__OPERATION_STATE__OPERATION_ERROR,
	             "no authorized to perform action DESTROY_VOLUME");
	mh_expect_op(&x->f, "r-ops", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	mh_expect_op(&x->f, "r-dev", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	mh_expect_op(&x->f, "u-ops", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	mh_expect_op(&x->f, "c-ops", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	mh_expect_op(&x->f, "c-dev", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	mh_expect_op(&x->f, "d-ops", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);

	/* A framework of role db: RESERVE and CREATE refused. */
	mh_fw g;
	mh_subscribe(&x->h, &g, "dbfw", "db", false);
	mh_allocate(&x->h);
	const char *offer;
	mh_offers(&g, 1, &offer, NULL);
	mh_fw keep = x->f;
	x->f = g;
	snprintf(
	        ops, sizeof ops,
	        "[{\"type\":\"RESERVE\",\"id\":{\"value\":\"r-db\"},\"reserve\":{\"resources\":[{\"name\":\"cpus\","
	        "\"type\":\"SCALAR\",\"scalar\":{\"value\":1},\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"db\"}]"
	        "}]}},{\"type\":\"CREATE\",\"id\":{\"value\":\"c-db\"},\"create\":{\"volumes\":[%s]}}]",
	        vol(x, "x", "db", 10, NULL, NULL));
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_op(&x->f, "r-db", MESOS__V1__OPERATION_STATE__OPERATION_ERROR,
	             "no authorized to perform action RESERVE_RESOURCES");
	mh_expect_op(&x->f, "c-db", MESOS__V1__OPERATION_STATE__OPERATION_ERROR,
	             "no authorized to perform action CREATE_VOLUME");
	x->f = keep;
}

#define T(f)     cmocka_unit_test_setup_teardown(f, setup, fx_teardown)
#define T_ACL(f) cmocka_unit_test_setup_teardown(f, setup_acls, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_accept_create_launch_destroy),
	        T(test_operator_volumes_and_registry),
	        T(test_operation_status_until_acknowledged),
	        T_ACL(test_acls_operator),
	        T_ACL(test_acls_accept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

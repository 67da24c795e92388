/*
 * test_master_maint.c — what operators change at the master, through the
 * operator API and the classic endpoints (master_quota.c, master_maint.c,
 * master_registry.c, master_classic.c): quota and weights checked as Mesos
 * checks them and applied to the next offers; agents deactivated, drained
 * (tasks killed with the grace period, DRAINED once their ends are
 * acknowledged or their framework is gone, no offers, mark_gone) and
 * reactivated; the registry document a successor applies; /roles, /quota,
 * /weights, /teardown, /flags, /version, /machine/down and up, /maintenance/schedule and status.
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
#include "rt_resources.h"

static const char *offered_text(fx *x, char *text, size_t len)
{
	return mh_offer_text(&x->f, text, len, &x->offer);
}

static int op(fx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int op(fx *x, const char *fmt, ...)
{
	char body[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	return mh_operator(&x->h, body, NULL);
}

/* An operator call that must be refused with status and a message part. */
static void refused(fx *x, int status, const char *part, const char *json)
{
	const char *body;
	int rc = mh_http(&x->h, "POST", "/api/v1", "application/json", "application/json", json, strlen(json), &body,
	                 NULL);
	if (rc != status || !strstr(body, part))
		fail_msg("%s: expected %d '%s', got %d '%s'", json, status, part, rc, body);
}

/* ------------------------------------------------------------------ quota */

static void test_quota_limit_changes_the_next_offer(void **state)
{
	fx *x = *state;
	char text[256];
	fx_offer(x, "cpus:4;mem:1024", false);
	assert_int_equal(op(x, "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"web\","
	                       "\"limits\":{\"cpus\":{\"value\":1}}}]}}"),
	                 200);
	/* The outstanding offer of all 4 cpus is rescinded ... */
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND);
	assert_string_equal(ev->rescind->offer_id->value, x->offer);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	/* ... and the next pass offers at most the limit. */
	mh_allocate(&x->h);
	assert_string_equal(offered_text(x, text, sizeof text), "cpus:1;mem:1024");
	ac_role_info info;
	assert_int_equal(ac_role_info_get(x->h.m.core, "web", &info, NULL), 0);
	assert_true(info.quota.limit_mask != 0);

	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_QUOTA\"}", &r), 200);
	json_t *cfg = json_array_get(
	        json_object_get(json_object_get(json_object_get(r, "get_quota"), "status"), "configs"), 0);
	assert_string_equal(json_string_value(json_object_get(cfg, "role")), "web");
	assert_true(json_number_value(
	                    json_object_get(json_object_get(json_object_get(cfg, "limits"), "cpus"), "value")) == 1.0);
	json_decref(r);

	/* A config with neither guarantees nor limits removes the quota. */
	assert_int_equal(op(x, "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"web\"}]}}"),
	                 200);
	assert_int_equal(ac_role_info_get(x->h.m.core, "web", &info, NULL), 0);
	assert_int_equal(info.quota.limit_mask, 0);
	assert_null(master_roleconf_find(&x->h.m, "web"));
}

static void test_quota_checks(void **state)
{
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:4;mem:1024", NULL, 0);
	refused(x, 400, "Negative values not supported",
	        "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"a\","
	        "\"guarantees\":{\"cpus\":{\"value\":-1}}}]}}");
	refused(x, 400, "is not contained within the 'QuotaConfig.limits'",
	        "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"a\","
	        "\"guarantees\":{\"cpus\":{\"value\":2}},\"limits\":{\"cpus\":{\"value\":1}}}]}}");
	refused(x, 400, "Invalid 'QuotaConfig.role'",
	        "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"*\"}]}}");
	refused(x, 400, "nested role",
	        "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"a/b\"}]}}");
	refused(x, 400, "values greater than 1 trillion",
	        "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"a\","
	        "\"limits\":{\"cpus\":{\"value\":1e13}}}]}}");
	/* More than the cluster has needs force. */
	const char *big = "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{%s\"quota_configs\":[{\"role\":\"a\","
	                  "\"guarantees\":{\"cpus\":{\"value\":8}}}]}}";
	char body[512];
	snprintf(body, sizeof body, big, "");
	refused(x, 400, "exceed cluster capacity", body);
	assert_null(master_roleconf_find(&x->h.m, "a"));
	snprintf(body, sizeof body, big, "\"force\":true,");
	assert_int_equal(mh_operator(&x->h, body, NULL), 200);
	assert_non_null(master_roleconf_find(&x->h.m, "a")->quota);
}

/* A limit below what a role already holds needs force. */
static void test_quota_limit_below_consumption(void **state)
{
	fx *x = *state;
	fx_offer(x, "cpus:4;mem:1024", false);
	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", x->a.id, "cpus:2;mem:128", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, 0), 202);
	refused(x, 400, "is already consuming",
	        "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"web\","
	        "\"limits\":{\"cpus\":{\"value\":1}}}]}}");
	assert_int_equal(op(x, "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"force\":true,\"quota_configs\":[{"
	                       "\"role\":\"web\",\"limits\":{\"cpus\":{\"value\":1}}}]}}"),
	                 200);
}

/* ---------------------------------------------------------------- weights */

static void test_weights(void **state)
{
	fx *x = *state;
	mh_subscribe(&x->h, &x->f, "fw", "web", false);
	assert_int_equal(op(x, "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":["
	                       "{\"role\":\"web\",\"weight\":2.5},{\"role\":\"batch\",\"weight\":0.5}]}}"),
	                 200);
	ac_role_info info;
	assert_int_equal(ac_role_info_get(x->h.m.core, "web", &info, NULL), 0);
	assert_true(info.weight == 2.5);
	refused(x, 400, "Weights must be positive",
	        "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[{\"role\":\"web\",\"weight\":0}]}"
	        "}");
	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_WEIGHTS\"}", &r), 200);
	json_t *w = json_object_get(json_object_get(r, "get_weights"), "weight_infos");
	assert_int_equal(json_array_size(w), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(w, 0), "role")), "batch");
	json_decref(r);
	/* GET_ROLES: the framework's role and the weighted ones, by name. */
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_ROLES\"}", &r), 200);
	json_t *roles = json_object_get(json_object_get(r, "get_roles"), "roles");
	assert_int_equal(json_array_size(roles), 2);
	json_t *web = json_array_get(roles, 1);
	assert_string_equal(json_string_value(json_object_get(web, "name")), "web");
	assert_true(json_number_value(json_object_get(web, "weight")) == 2.5);
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(json_object_get(web, "frameworks"), 0), "value")),
	        x->f.id);
	json_decref(r);
	/* The classic form: an array of WeightInfo. */
	const char *body;
	assert_int_equal(mh_http(&x->h, "GET", "/weights", NULL, NULL, NULL, 0, &body, NULL), 200);
	assert_string_equal(body, "[{\"weight\":0.5,\"role\":\"batch\"},{\"weight\":2.5,\"role\":\"web\"}]");
	const char *put = "[{\"role\":\"web\",\"weight\":3.0}]";
	assert_int_equal(
	        mh_http(&x->h, "PUT", "/master/weights", "application/json", NULL, put, strlen(put), NULL, NULL), 200);
	assert_true(master_roleconf_find(&x->h.m, "web")->weight == 3.0);
	const char *bad = "[{\"role\":\"web\",\"weight\":-1}]";
	assert_int_equal(mh_http(&x->h, "PUT", "/weights", "application/json", NULL, bad, strlen(bad), NULL, NULL),
	                 400);
}

/* ---------------------------------------------------------------- draining */

static void with_task(fx *x)
{
	fx_offer(x, "cpus:2;mem:256", false);
	Mesos__V1__TaskInfo *t[] = {mh_task(&x->h, "t1", x->a.id, "cpus:1;mem:128", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &x->offer, 1, t, 1, 0), 202);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK),
	                                          NULL);
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_RUNNING, NULL);
	mesos__v1__scheduler__event__free_unpacked(mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE), NULL);
}

static const char *drain_state(fx *x)
{
	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_AGENTS\"}", &r), 200);
	json_t *ag = json_array_get(json_object_get(json_object_get(r, "get_agents"), "agents"), 0);
	json_t *st = json_object_get(json_object_get(ag, "drain_info"), "state");
	const char *s = st ? rt_arena_strdup(x->h.arena, json_string_value(st)) : "none";
	json_decref(r);
	return s;
}

/* The framework's ACKNOWLEDGE of a task's update (uuid); the STATUS_ACK it
 * sends to the agent is consumed. */
static void acknowledge(fx *x, const char *task, uint8_t uuid[16])
{
	assert_int_equal(mh_acknowledge(&x->f, x->a.id, task, uuid, 16), 202);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_ACK),
	                                          NULL);
}

/* A draining agent whose framework goes away before acknowledging is
 * DRAINED then (nothing is awaited of a removed framework). */
static void test_drain_done_when_the_framework_goes(void **state)
{
	fx *x = *state;
	with_task(x);
	assert_int_equal(op(x, "{\"type\":\"DRAIN_AGENT\",\"drain_agent\":{\"agent_id\":{\"value\":\"%s\"}}}", x->a.id),
	                 200);
	meso__agent__agent_message__free_unpacked(mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__KILL_TASK),
	                                          NULL);
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_KILLED, NULL);
	assert_string_equal(drain_state(x), "DRAINING");
	master_fw_remove(&x->h.m, master_fw_find(&x->h.m, x->f.id), "test");
	assert_string_equal(drain_state(x), "DRAINED");
	assert_int_equal(x->h.m.drain_acks, 0);
}

static void test_drain_kills_tasks_then_drained(void **state)
{
	fx *x = *state;
	with_task(x);
	assert_int_equal(op(x,
	                    "{\"type\":\"DRAIN_AGENT\",\"drain_agent\":{\"agent_id\":{\"value\":\"%s\"},"
	                    "\"max_grace_period\":{\"seconds\":2}}}",
	                    x->a.id),
	                 200);
	AgentMessage *k = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__KILL_TASK);
	assert_string_equal(k->kill_task->task_id->value, "t1");
	assert_true(k->kill_task->has_draining && k->kill_task->draining); /* its end: REASON_AGENT_DRAINING */
	assert_non_null(k->kill_task->kill_policy);
	assert_int_equal(k->kill_task->kill_policy->grace_period->nanoseconds, 2000000000LL);
	meso__agent__agent_message__free_unpacked(k, NULL);
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	assert_true(a->deactivated);
	assert_string_equal(drain_state(x), "DRAINING");
	/* No offers while draining, not even of what is free. */
	mh_allocate(&x->h);
	mh_expect_quiet(&x->f);
	char reactivate[256];
	snprintf(reactivate, sizeof reactivate,
	         "{\"type\":\"REACTIVATE_AGENT\",\"reactivate_agent\":{\"agent_id\":{\"value\":\"%s\"}}}", x->a.id);
	refused(x, 400, "still in the DRAINING state", reactivate);

	/* The task's end arrives: still DRAINING until the framework
	 * acknowledges it (Mesos's rule), then DRAINED. */
	uint8_t uuid[16];
	mh_agent_status(&x->a, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_KILLED, uuid);
	mh_allocate(&x->h);
	Event *up = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE);
	assert_int_equal(up->update->status->state, MESOS__V1__TASK_STATE__TASK_KILLED);
	mesos__v1__scheduler__event__free_unpacked(up, NULL);
	mh_expect_quiet(&x->f);
	assert_string_equal(drain_state(x), "DRAINING");
	/* The same update re-sent (the agent reconnected) is awaited once. */
	m_agent *ag = master_agent_find(&x->h.m, x->a.id);
	master_drain_await_ack(&x->h.m, ag, master_fw_find(&x->h.m, x->f.id), uuid);
	assert_int_equal(ag->n_drain_acks, 1);
	uint8_t other[16] = {1};
	acknowledge(x, "t1", other); /* not the awaited one */
	assert_string_equal(drain_state(x), "DRAINING");
	acknowledge(x, "t1", uuid);
	assert_string_equal(drain_state(x), "DRAINED");
	assert_int_equal(x->h.m.drain_acks, 0);

	/* /master/state says so too. */
	const char *body;
	assert_int_equal(mh_http(&x->h, "GET", "/master/state", NULL, NULL, NULL, 0, &body, NULL), 200);
	assert_non_null(strstr(body, "\"drain_info\":{\"state\":\"DRAINED\""));
	assert_non_null(strstr(body, "\"deactivated\":true"));

	/* Reactivated: offers again, drain info gone. */
	assert_int_equal(op(x, "{\"type\":\"REACTIVATE_AGENT\",\"reactivate_agent\":{\"agent_id\":{\"value\":\"%s\"}}}",
	                    x->a.id),
	                 200);
	assert_string_equal(drain_state(x), "none");
	mh_allocate(&x->h);
	char text[128];
	assert_string_equal(offered_text(x, text, sizeof text), "cpus:2;mem:256");
}

static void test_drain_mark_gone_removes_the_agent(void **state)
{
	fx *x = *state;
	fx_offer(x, "cpus:2;mem:256", false);
	assert_int_equal(op(x,
	                    "{\"type\":\"DRAIN_AGENT\",\"drain_agent\":{\"agent_id\":{\"value\":\"%s\"},"
	                    "\"mark_gone\":true}}",
	                    x->a.id),
	                 200);
	/* No tasks: DRAINED at once; removed on the loop's next turn. */
	assert_string_equal(drain_state(x), "DRAINED");
	assert_true(ev_is_active(&x->h.m.gone_timer));
	ev_invoke(x->h.loop, &x->h.m.gone_timer, EV_TIMER);
	ev_timer_stop(x->h.loop, &x->h.m.gone_timer);
	assert_null(master_agent_find(&x->h.m, x->a.id));
	assert_true(master_agent_was_removed(&x->h.m, x->a.id));
}

static void test_deactivate_survives_reregistration(void **state)
{
	fx *x = *state;
	fx_offer(x, "cpus:2;mem:256", false);
	refused(x, 400, "Agent is not deactivated",
	        "{\"type\":\"REACTIVATE_AGENT\",\"reactivate_agent\":{\"agent_id\":{\"value\":\"nope\"}}}");
	assert_int_equal(op(x, "{\"type\":\"DEACTIVATE_AGENT\",\"deactivate_agent\":{\"agent_id\":{\"value\":\"%s\"}}}",
	                    x->a.id),
	                 200);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	/* The agent reconnects: still deactivated, no offers. */
	char id[128];
	snprintf(id, sizeof id, "%s", x->a.id);
	mh_agent_close(&x->a);
	x->a.conn = NULL;
	mh_agent_register(&x->h, &x->a, id, "cpus:2;mem:256", NULL, 0);
	assert_true(master_agent_find(&x->h.m, id)->deactivated);
	mh_allocate(&x->h);
	mh_expect_quiet(&x->f);
	json_t *r;
	assert_int_equal(mh_operator(&x->h, "{\"type\":\"GET_AGENTS\"}", &r), 200);
	json_t *ag = json_array_get(json_object_get(json_object_get(r, "get_agents"), "agents"), 0);
	assert_true(json_is_true(json_object_get(ag, "deactivated")));
	assert_true(json_is_true(json_object_get(ag, "active")));
	json_decref(r);
	assert_int_equal(
	        op(x, "{\"type\":\"REACTIVATE_AGENT\",\"reactivate_agent\":{\"agent_id\":{\"value\":\"%s\"}}}", id),
	        200);
	mh_allocate(&x->h);
	char text[128];
	assert_string_equal(offered_text(x, text, sizeof text), "cpus:2;mem:256");
}

/* --------------------------------------------------------------- registry */

/* What one master wrote, another applies: quota, weights, and agents that
 * come back deactivated or draining, with their dynamic reservations. */
static void test_registry_document_round_trip(void **state)
{
	fx *x = *state;
	fx_offer(x, "cpus:4;mem:1024", false);
	assert_int_equal(op(x, "{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"quota_configs\":[{\"role\":\"web\","
	                       "\"guarantees\":{\"cpus\":{\"value\":1}},\"limits\":{\"cpus\":{\"value\":2}}}]}}"),
	                 200);
	assert_int_equal(op(x, "{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[{\"role\":\"web\","
	                       "\"weight\":3}]}}"),
	                 200);
	/* A dynamic reservation (taken out of the framework's offer). */
	assert_int_equal(op(x,
	                    "{\"type\":\"RESERVE_RESOURCES\",\"reserve_resources\":{\"agent_id\":{\"value\":\"%s\"},"
	                    "\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1.5},"
	                    "\"reservations\":[{\"type\":\"DYNAMIC\",\"role\":\"web\",\"principal\":\"ops\"}]}]}}",
	                    x->a.id),
	                 202);
	assert_int_equal(op(x,
	                    "{\"type\":\"DRAIN_AGENT\",\"drain_agent\":{\"agent_id\":{\"value\":\"%s\"},"
	                    "\"max_grace_period\":{\"seconds\":5}}}",
	                    x->a.id),
	                 200);
	char *doc = master_registry_encode(&x->h.m);
	assert_non_null(doc);

	mh other;
	mh_start(&other);
	char err[300];
	assert_int_equal(master_registry_apply(&other.m, doc, strlen(doc), err, sizeof err), 0);
	ac_role_info info;
	assert_int_equal(ac_role_info_get(other.m.core, "web", &info, NULL), 0);
	assert_true(info.weight == 3.0);
	assert_true(info.quota.limit_mask != 0);
	assert_int_equal(info.quota.guarantee.v[0], 1000); /* cpus, in thousandths */
	/* The drained agent registers with its id: it comes back DRAINED. */
	mh_agent b = {0};
	mh_agent_register(&other, &b, x->a.id, "cpus:4;mem:1024", NULL, 0);
	m_agent *a = master_agent_find(&other.m, x->a.id);
	assert_true(a->op_deactivated && a->deactivated);
	assert_int_equal(a->drain_state, MESOS__V1__DRAIN_STATE__DRAINED);
	assert_int_equal(a->drain_grace_ns, 5000000000LL);
	/* Its reservation is back, in the master's records and the core's. */
	char text[128];
	assert_string_equal(rt_resources_text(other.m.core, &a->total, text, sizeof text),
	                    "cpus:2.5;mem:1024;cpus(web):1.5");
	assert_true(a->nresv == 1 && a->resv[0].amount.v[AC_CPUS] == 1500 && strcmp(a->resv[0].principal, "ops") == 0);
	ac_agent_info ai;
	assert_int_equal(ac_agent_info_get(other.m.core, a->ac, &ai, NULL), 0);
	assert_true(ac_resources_equal(&ai.total, &a->total));
	/* And its document is the same. */
	char *again = master_registry_encode(&other.m);
	assert_string_equal(again, doc);
	free(again);
	free(doc);
	mh_stop(&other);
}

/* ------------------------------------------------------- classic endpoints */

static void test_classic_quota(void **state)
{
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, "cpus:4;mem:1024", NULL, 0);
	const char *set =
	        "{\"role\":\"dev\",\"guarantee\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}}]}";
	assert_int_equal(mh_http(&x->h, "POST", "/quota", "application/json", NULL, set, strlen(set), NULL, NULL), 200);
	/* Mesos 1.11's old call: guarantee and limit both. */
	m_roleconf *c = master_roleconf_find(&x->h.m, "dev");
	assert_non_null(c);
	assert_int_equal(c->quota->n_guarantees, 1);
	assert_int_equal(c->quota->n_limits, 1);
	const char *body;
	assert_int_equal(
	        mh_http(&x->h, "POST", "/master/quota", "application/json", NULL, set, strlen(set), &body, NULL), 400);
	assert_non_null(strstr(body, "which already has quota"));
	assert_int_equal(mh_http(&x->h, "GET", "/quota", NULL, NULL, NULL, 0, &body, NULL), 200);
	assert_non_null(strstr(body, "\"configs\":[{\"role\":\"dev\",\"guarantees\":{\"cpus\":{\"value\":1.0}}"));
	assert_int_equal(mh_http(&x->h, "GET", "/roles", NULL, NULL, NULL, 0, &body, NULL), 200);
	assert_non_null(strstr(body, "\"name\":\"dev\""));
	assert_non_null(
	        strstr(body, "\"quota\":{\"role\":\"dev\",\"guarantee\":{\"cpus\":1.0},\"limit\":{\"cpus\":1.0}"));
	const char *over =
	        "{\"role\":\"big\",\"guarantee\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":99}}]}";
	assert_int_equal(mh_http(&x->h, "POST", "/quota", "application/json", NULL, over, strlen(over), NULL, NULL),
	                 409);
	assert_int_equal(mh_http(&x->h, "DELETE", "/quota/dev", NULL, NULL, NULL, 0, NULL, NULL), 200);
	assert_null(master_roleconf_find(&x->h.m, "dev"));
	assert_int_equal(mh_http(&x->h, "DELETE", "/master/quota/dev", NULL, NULL, NULL, 0, &body, NULL), 400);
	assert_non_null(strstr(body, "has no quota set"));
}

static void test_classic_teardown_flags_version(void **state)
{
	fx *x = *state;
	mh_subscribe(&x->h, &x->f, "fw", "web", false);
	const char *body;
	const char *none = "frameworkId=nope";
	assert_int_equal(mh_http(&x->h, "POST", "/teardown", "application/x-www-form-urlencoded", NULL, none,
	                         strlen(none), &body, NULL),
	                 400);
	assert_non_null(strstr(body, "No framework found with specified ID"));
	char form[256];
	snprintf(form, sizeof form, "frameworkId=%s", x->f.id);
	assert_int_equal(mh_http(&x->h, "POST", "/master/teardown", "application/x-www-form-urlencoded", NULL, form,
	                         strlen(form), NULL, NULL),
	                 200);
	assert_null(master_fw_find(&x->h.m, x->f.id));
	assert_int_equal(mh_http(&x->h, "GET", "/teardown", NULL, NULL, NULL, 0, NULL, NULL), 405);

	assert_int_equal(mh_http(&x->h, "GET", "/flags", NULL, NULL, NULL, 0, &body, NULL), 200);
	assert_non_null(strstr(body, "{\"flags\":{"));
	assert_non_null(strstr(body, "\"hostname\":\"master.test\""));
	assert_int_equal(mh_http(&x->h, "GET", "/version?jsonp=cb", NULL, NULL, NULL, 0, &body, NULL), 200);
	/* Mesos's /version: the build's facts beside the version. */
	const char *head = "cb({\"version\":\"" MASTER_VERSION "\",\"build_date\":\"";
	assert_true(strncmp(body, head, strlen(head)) == 0);
	assert_non_null(strstr(body, "\"build_time\":"));
	assert_string_equal(body + strlen(body) - 3, "});");
}

static void test_classic_maintenance(void **state)
{
	fx *x = *state;
	with_task(x);
	const char *body;
	const char *machine = "[{\"hostname\":\"agent.test\"}]";
	/* Down needs the machine in the schedule. */
	assert_int_equal(mh_http(&x->h, "POST", "/machine/down", "application/json", NULL, machine, strlen(machine),
	                         &body, NULL),
	                 400);
	assert_non_null(strstr(body, "is not in DRAINING mode"));
	const char *sched = "{\"windows\":[{\"machine_ids\":[{\"hostname\":\"agent.test\"}],"
	                    "\"unavailability\":{\"start\":{\"nanoseconds\":1}}}]}";
	assert_int_equal(mh_http(&x->h, "POST", "/maintenance/schedule", "application/json", NULL, sched, strlen(sched),
	                         NULL, NULL),
	                 200);
	assert_int_equal(mh_http(&x->h, "GET", "/maintenance/schedule", NULL, NULL, NULL, 0, &body, NULL), 200);
	assert_string_equal(body, "{\"windows\":[{\"machine_ids\":[{\"hostname\":\"agent.test\"}],"
	                          "\"unavailability\":{\"start\":{\"nanoseconds\":1}}}]}");
	assert_int_equal(
	        mh_http(&x->h, "POST", "/machine/down", "application/json", NULL, machine, strlen(machine), NULL, NULL),
	        200);
	/* Its agent is drained: the task is killed. */
	AgentMessage *k = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__KILL_TASK);
	meso__agent__agent_message__free_unpacked(k, NULL);
	assert_string_equal(drain_state(x), "DRAINING");
	assert_int_equal(mh_http(&x->h, "GET", "/maintenance/status", NULL, NULL, NULL, 0, &body, NULL), 200);
	assert_string_equal(body, "{\"down_machines\":[{\"hostname\":\"agent.test\"}]}");
	/* Up: reactivated, and the machine leaves the schedule. */
	assert_int_equal(
	        mh_http(&x->h, "POST", "/machine/up", "application/json", NULL, machine, strlen(machine), NULL, NULL),
	        200);
	assert_false(master_agent_find(&x->h.m, x->a.id)->deactivated);
	assert_int_equal(mh_http(&x->h, "GET", "/maintenance/schedule", NULL, NULL, NULL, 0, &body, NULL), 200);
	assert_string_equal(body, "{}");
	assert_int_equal(
	        mh_http(&x->h, "POST", "/machine/up", "application/json", NULL, machine, strlen(machine), &body, NULL),
	        400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_quota_limit_changes_the_next_offer, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_quota_checks, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_quota_limit_below_consumption, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_weights, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_drain_kills_tasks_then_drained, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_drain_mark_gone_removes_the_agent, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_drain_done_when_the_framework_goes, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_deactivate_survives_reregistration, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_registry_document_round_trip, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_classic_quota, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_classic_teardown_flags_version, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_classic_maintenance, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

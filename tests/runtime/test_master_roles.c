/*
 * test_master_roles.c — MULTI_ROLE frameworks in the master (master_sched.c,
 * master_accept.c): one core framework per role, offers that say their role
 * (allocation_info), an ACCEPT charged to its offers' role, REVIVE and
 * SUPPRESS per role, and UPDATE_FRAMEWORK adding a role and dropping one that
 * still holds a task (as Mesos: the task keeps the role until it ends).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "master_harness.h"

static void idle_turn(mh *h)
{
	assert_true(ev_is_active(&h->m.send_idle));
	ev_invoke(h->loop, &h->m.send_idle, EV_IDLE);
}

/* The core framework of one of f's roles. */
static ac_fw_id core_of(mh *h, const mh_fw *f, const char *role)
{
	ac_fw_id ac = 0;
	assert_true(master_fw_core_of(&h->m, master_fw_find(&h->m, f->id), role, &ac));
	return ac;
}

static bool suppressed(mh *h, const mh_fw *f, const char *role)
{
	ac_fw_info info;
	assert_int_equal(ac_fw_info_get(h->m.core, core_of(h, f, role), &info, NULL), 0);
	return info.suppressed;
}

static int revive_suppress(mh_fw *f, bool revive, const char *role)
{
	Mesos__V1__Scheduler__Call__Revive rv = MESOS__V1__SCHEDULER__CALL__REVIVE__INIT;
	Mesos__V1__Scheduler__Call__Suppress su = MESOS__V1__SCHEDULER__CALL__SUPPRESS__INIT;
	char *roles[] = {(char *)role};
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	if (revive) {
		call.type = MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE;
		rv.roles = roles;
		rv.n_roles = 1;
		call.revive = &rv;
	} else {
		call.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS;
		su.roles = roles;
		su.n_roles = 1;
		call.suppress = &su;
	}
	return mh_call(f, &call);
}

/* UPDATE_FRAMEWORK with roles (MULTI_ROLE); the status. */
static int update_roles(mh_fw *f, char **roles, size_t n)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__FrameworkInfo__Capability multi = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT;
	Mesos__V1__FrameworkInfo__Capability *caps[] = {&multi};
	multi.has_type = true;
	multi.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
	fid.value = f->id;
	fi.id = &fid;
	fi.user = "tester";
	fi.name = "multi";
	fi.roles = roles;
	fi.n_roles = n;
	fi.capabilities = caps;
	fi.n_capabilities = 1;
	Mesos__V1__Scheduler__Call__UpdateFramework u = MESOS__V1__SCHEDULER__CALL__UPDATE_FRAMEWORK__INIT;
	u.framework_info = &fi;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__UPDATE_FRAMEWORK;
	call.update_framework = &u;
	return mh_call(f, &call);
}

static void test_two_roles(void **state)
{
	fx *x = *state;
	mh *h = &x->h;
	mh_agent b = {.h = h};
	mh_agent_register(h, &x->a, NULL, "cpus(web):2;mem(web):256", NULL, 0);
	mh_agent_register(h, &b, NULL, "cpus(batch):2;mem(batch):256", NULL, 0);
	mh_subscribe(h, &x->f, "multi", "web,batch", false);
	m_fw *fw = master_fw_find(&h->m, x->f.id);
	assert_int_equal(master_fw_nroles(&h->m, fw, true), 2);
	assert_string_equal(fw->role, "web");
	assert_string_equal(master_fw_role_at(&h->m, fw, 1, NULL), "batch");

	/* Each agent's reservation is offered to its role, and says so. */
	master_allocate(&h->m);
	idle_turn(h);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS);
	assert_int_equal(ev->offers->n_offers, 2);
	const char *batch_offer = NULL;
	for (size_t i = 0; i < 2; i++) {
		Mesos__V1__Offer *o = ev->offers->offers[i];
		const char *want = strcmp(o->agent_id->value, x->a.id) == 0 ? "web" : "batch";
		assert_non_null(o->allocation_info);
		assert_string_equal(o->allocation_info->role, want);
		for (size_t k = 0; k < o->n_resources; k++)
			assert_string_equal(o->resources[k]->allocation_info->role, want);
		if (strcmp(want, "batch") == 0)
			batch_offer = rt_arena_strdup(h->arena, o->id->value);
	}
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);

	/* A launch on the batch offer is charged to the batch role's core framework. */
	Mesos__V1__TaskInfo *t[] = {mh_task(h, "t1", b.id, "cpus(batch):1;mem(batch):128", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &batch_offer, 1, t, 1, -1), 202);
	m_task *task = master_task_find(&h->m, fw, "t1");
	assert_non_null(task);
	assert_string_equal(master_fw_role_of(&h->m, fw, task->fwac), "batch");
	ac_fw_info info;
	assert_int_equal(ac_fw_info_get(h->m.core, core_of(h, &x->f, "batch"), &info, NULL), 0);
	assert_true(info.allocated.v[0] > 0);
	assert_int_equal(ac_fw_info_get(h->m.core, core_of(h, &x->f, "web"), &info, NULL), 0);
	for (size_t k = 0; k < AC_KINDS; k++)
		assert_true(info.allocated.v[k] == 0);

	/* /state shows each role's allocation, /master/state all its roles. */
	const char *out;
	assert_int_equal(mh_http(h, "GET", "/state", NULL, NULL, NULL, 0, &out, NULL), 200);
	json_t *st = json_loads(out, 0, NULL);
	json_t *roles = json_object_get(json_array_get(json_object_get(st, "frameworks"), 0), "roles");
	assert_int_equal(json_array_size(roles), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(roles, 1), "role")), "batch");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(roles, 1), "allocated")), "cpus"));
	json_decref(st);
	assert_int_equal(mh_http(h, "GET", "/master/state", NULL, NULL, NULL, 0, &out, NULL), 200);
	st = json_loads(out, 0, NULL);
	roles = json_object_get(json_array_get(json_object_get(st, "frameworks"), 0), "roles");
	assert_int_equal(json_array_size(roles), 2);
	assert_string_equal(json_string_value(json_array_get(roles, 0)), "web");
	json_decref(st);
	/* /roles: the framework is in each of its roles. */
	assert_int_equal(mh_http(h, "GET", "/roles", NULL, NULL, NULL, 0, &out, NULL), 200);
	st = json_loads(out, 0, NULL);
	size_t in_roles = 0, ri;
	json_t *r;
	json_array_foreach(json_object_get(st, "roles"), ri, r)
	{
		json_t *fws = json_object_get(r, "frameworks");
		if (json_array_size(fws) == 1 && strcmp(json_string_value(json_array_get(fws, 0)), x->f.id) == 0)
			in_roles++;
	}
	assert_int_equal(in_roles, 2);
	json_decref(st);

	/* SUPPRESS and REVIVE of one role leave the other alone; an unknown
	 * role drops the call. */
	assert_int_equal(revive_suppress(&x->f, false, "web"), 202);
	assert_true(suppressed(h, &x->f, "web"));
	assert_false(suppressed(h, &x->f, "batch"));
	assert_int_equal(revive_suppress(&x->f, false, "other"), 202);
	assert_false(suppressed(h, &x->f, "batch"));
	assert_int_equal(revive_suppress(&x->f, true, "web"), 202);
	assert_false(suppressed(h, &x->f, "web"));

	/* A role with a task may be dropped, as in Mesos: it is offered nothing
	 * more, and the task keeps it until it ends. */
	assert_int_equal(revive_suppress(&x->f, true, "batch"), 202);
	char *keep_web[] = {"web"};
	assert_int_equal(update_roles(&x->f, keep_web, 1), 200);
	assert_int_equal(master_fw_nroles(&h->m, fw, false), 1);
	assert_int_equal(master_fw_nroles(&h->m, fw, true), 2);
	assert_false(master_fw_has_role(&h->m, fw, "batch", false));
	assert_string_equal(master_fw_role_of(&h->m, fw, task->fwac), "batch");
	for (m_offer *o = fw->offers; o; o = o->fw_next)
		assert_string_equal(master_fw_role_of(&h->m, fw, o->fwac), "web");
	assert_int_equal(ac_fw_info_get(h->m.core, task->fwac, &info, NULL), 0);
	assert_false(info.active);
	assert_true(info.allocated.v[0] > 0);
	assert_int_equal(revive_suppress(&x->f, true, "batch"), 202); /* dropped: not subscribed */
	assert_int_equal(mh_http(h, "GET", "/state", NULL, NULL, NULL, 0, &out, NULL), 200);
	st = json_loads(out, 0, NULL);
	roles = json_object_get(json_array_get(json_object_get(st, "frameworks"), 0), "roles");
	assert_int_equal(json_array_size(roles), 2);
	assert_true(json_is_true(json_object_get(json_array_get(roles, 1), "removing")));
	json_decref(st);
	/* /roles still lists the framework under batch, as Mesos tracks it there. */
	assert_int_equal(mh_http(h, "GET", "/roles", NULL, NULL, NULL, 0, &out, NULL), 200);
	assert_non_null(strstr(out, "\"batch\""));

	/* Roles may be added, and a dropped one named again. */
	char *three[] = {"web", "batch", "ops"};
	assert_int_equal(update_roles(&x->f, three, 3), 200);
	assert_int_equal(master_fw_nroles(&h->m, fw, true), 3);
	assert_string_equal(master_fw_role_at(&h->m, fw, 2, NULL), "ops");
	assert_int_equal(core_of(h, &x->f, "batch"), task->fwac);
	(void)core_of(h, &x->f, "ops");
	char *no_batch[] = {"web", "ops"};
	assert_int_equal(update_roles(&x->f, no_batch, 2), 200);
	assert_int_equal(master_fw_nroles(&h->m, fw, false), 2);

	/* Dropped again, with its task on an agent that goes: the role goes
	 * with the agent's allocations. */
	assert_int_equal(update_roles(&x->f, keep_web, 1), 200);
	assert_int_equal(master_fw_nroles(&h->m, fw, true), 2);
	master_agent_remove(&h->m, master_agent_find(&h->m, b.id), "by the test");
	assert_int_equal(master_fw_nroles(&h->m, fw, true), 1);
	assert_false(master_fw_has_role(&h->m, fw, "batch", true));
	assert_int_equal(update_roles(&x->f, no_batch, 2), 200);
}

/* A dropped role goes when its last task ends. */
static void test_dropped_role_task_ends(void **state)
{
	fx *x = *state;
	mh *h = &x->h;
	mh_agent b = {.h = h};
	mh_agent_register(h, &b, NULL, "cpus(batch):2;mem(batch):256", NULL, 0);
	mh_subscribe(h, &x->f, "multi", "web,batch", false);
	m_fw *fw = master_fw_find(&h->m, x->f.id);
	master_allocate(&h->m);
	idle_turn(h);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS);
	const char *offer = rt_arena_strdup(h->arena, ev->offers->offers[0]->id->value);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	Mesos__V1__TaskInfo *t[] = {mh_task(h, "t1", b.id, "cpus(batch):1;mem(batch):128", "sleep 9")};
	assert_int_equal(mh_accept(&x->f, &offer, 1, t, 1, -1), 202);
	m_task *task = master_task_find(&h->m, fw, "t1");
	char *keep_web[] = {"web"};
	assert_int_equal(update_roles(&x->f, keep_web, 1), 200);
	ac_fw_info info;
	ac_fw_id batch_core = task->fwac;
	assert_int_equal(ac_fw_info_get(h->m.core, batch_core, &info, NULL), 0);

	/* The task's end gives its resources back, and the dropped role goes. */
	mh_agent_status(&b, x->f.id, "t1", MESOS__V1__TASK_STATE__TASK_FINISHED, NULL);
	assert_int_not_equal(ac_fw_info_get(h->m.core, batch_core, &info, NULL), 0);
	assert_int_equal(master_fw_nroles(&h->m, fw, true), 1);
	assert_false(master_fw_has_role(&h->m, fw, "batch", true));
}

/* After a master failover: tasks an agent reports are charged to the roles
 * their allocation_info names, and the re-subscription keeps them there. */
static void test_recovered_roles(void **state)
{
	fx *x = *state;
	mh *h = &x->h;
	mh_running run[] = {
	        {.fw_id = "F1",
	         .task_id = "tw",
	         .resources = "cpus:1;mem:64",
	         .state = MESOS__V1__TASK_STATE__TASK_RUNNING,
	         .role = "web"},
	        {.fw_id = "F1",
	         .task_id = "tb",
	         .resources = "cpus:1;mem:64",
	         .state = MESOS__V1__TASK_STATE__TASK_RUNNING,
	         .role = "batch"},
	};
	mh_agent_register(h, &x->a, NULL, "cpus:4;mem:1024", run, 2);
	m_fw *fw = master_fw_find(&h->m, "F1");
	assert_non_null(fw);
	assert_true(fw->recovered);
	assert_string_equal(master_fw_role_of(&h->m, fw, master_task_find(&h->m, fw, "tw")->fwac), "web");
	assert_string_equal(master_fw_role_of(&h->m, fw, master_task_find(&h->m, fw, "tb")->fwac), "batch");

	mh_subscribe_as(h, &x->f, "multi", "batch,web", false, 0, "F1");
	assert_false(fw->recovered);
	assert_string_equal(fw->role, "batch");
	assert_int_equal(master_fw_nroles(&h->m, fw, true), 2);
	assert_string_equal(master_fw_role_of(&h->m, fw, master_task_find(&h->m, fw, "tw")->fwac), "web");
	assert_string_equal(master_fw_role_of(&h->m, fw, master_task_find(&h->m, fw, "tb")->fwac), "batch");
	ac_fw_info info;
	assert_int_equal(ac_fw_info_get(h->m.core, core_of(h, &x->f, "web"), &info, NULL), 0);
	assert_true(info.active);
	assert_true(info.allocated.v[0] > 0);
}

/* SUBSCRIBE's roles as Mesos validates them: 400 and Mesos's message. */
static void test_roles_validated(void **state)
{
	fx *x = *state;
	static const struct {
		const char *body, *message;
	} cases[] = {
	        {"{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\","
	         "\"roles\":[\"a\",\"b\"]}}}",
	         "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable"},
	        {"{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\","
	         "\"roles\":[\"a\",\"a\"],\"capabilities\":[{\"type\":\"MULTI_ROLE\"}]}}}",
	         "'FrameworkInfo.roles' contains duplicate items: a"},
	        {"{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\","
	         "\"roles\":[\"a\",\"b//c\"],\"capabilities\":[{\"type\":\"MULTI_ROLE\"}]}}}",
	         "'FrameworkInfo.roles' contains invalid role"},
	        {"{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\","
	         "\"role\":\"a\",\"roles\":[\"a\",\"b\"],\"capabilities\":[{\"type\":\"MULTI_ROLE\"}]}}}",
	         "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable"},
	        /* Given, even as its default, is set (Mesos's has_role()). */
	        {"{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\","
	         "\"role\":\"*\",\"roles\":[\"a\"],\"capabilities\":[{\"type\":\"MULTI_ROLE\"}]}}}",
	         "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *out;
		int status = mh_http(&x->h, "POST", "/api/v1/scheduler", "application/json", "application/json",
		                     cases[i].body, strlen(cases[i].body), &out, NULL);
		assert_int_equal(status, 400);
		if (!strstr(out, cases[i].message))
			fail_msg("case %zu: %s", i, out);
	}
	/* The same in protobuf: `role` present on the wire with MULTI_ROLE. */
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__FrameworkInfo__Capability multi = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT, *capp = &multi;
	multi.has_type = true;
	multi.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
	char *roles[] = {"a", "b"}, role[] = "a";
	fi.user = "u";
	fi.name = "n";
	fi.role = role;
	fi.roles = roles;
	fi.n_roles = 2;
	fi.capabilities = &capp;
	fi.n_capabilities = 1;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	sub.framework_info = &fi;
	Mesos__V1__Scheduler__Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE;
	call.subscribe = &sub;
	uint8_t buf[512];
	size_t len = mesos__v1__scheduler__call__pack(&call, buf);
	const char *out;
	assert_int_equal(mh_http(&x->h, "POST", "/api/v1/scheduler", "application/x-protobuf", "application/json",
	                         (const char *)buf, len, &out, NULL),
	                 400);
	assert_non_null(strstr(out, "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable"));
	assert_null(x->h.m.fws);
}

/* A custom executor of a MULTI_ROLE framework is told the framework's
 * roles and its MULTI_ROLE capability, not a single role, as Mesos hands
 * the FrameworkInfo on; a single-role framework's executor gets `role`. */
static void test_executor_framework_info(void **state)
{
	fx *x = *state;
	mh *h = &x->h;
	mh_agent_register(h, &x->a, NULL, "cpus:4;mem:1024", NULL, 0);
	mh_subscribe(h, &x->f, "multi", "web,batch", false);
	master_allocate(&h->m);
	idle_turn(h);
	Event *ev = mh_expect(&x->f, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS);
	assert_int_equal(ev->offers->n_offers, 1);
	const char *offer = rt_arena_strdup(h->arena, ev->offers->offers[0]->id->value);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	Mesos__V1__TaskInfo *t[] = {mh_task(h, "t1", x->a.id, "cpus:1;mem:64", NULL)};
	t[0]->executor = mh_executor(h, "e1", "cpus:0.1;mem:32", "exec");
	assert_int_equal(mh_accept(&x->f, &offer, 1, t, 1, -1), 202);
	AgentMessage *msg = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK);
	const Mesos__V1__FrameworkInfo *fi = msg->run_task->framework_info;
	assert_non_null(fi);
	assert_true(!fi->role || strcmp(fi->role, "*") == 0); /* not sent: protobuf-c shows the default */
	assert_int_equal(fi->n_roles, 2);
	assert_string_equal(fi->roles[0], "web");
	assert_string_equal(fi->roles[1], "batch");
	assert_int_equal(fi->n_capabilities, 1);
	assert_int_equal(fi->capabilities[0]->type, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE);
	meso__agent__agent_message__free_unpacked(msg, NULL);

	mh_fw one;
	mh_subscribe(h, &one, "one", "ops", false);
	master_allocate(&h->m);
	idle_turn(h);
	ev = mh_expect(&one, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS);
	offer = rt_arena_strdup(h->arena, ev->offers->offers[0]->id->value);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	Mesos__V1__TaskInfo *t2[] = {mh_task(h, "t2", x->a.id, "cpus:1;mem:64", NULL)};
	t2[0]->executor = mh_executor(h, "e2", "cpus:0.1;mem:32", "exec");
	assert_int_equal(mh_accept(&one, &offer, 1, t2, 1, -1), 202);
	msg = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK);
	fi = msg->run_task->framework_info;
	assert_string_equal(fi->role, "ops");
	assert_int_equal(fi->n_roles, 0);
	assert_int_equal(fi->n_capabilities, 0);
	meso__agent__agent_message__free_unpacked(msg, NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_two_roles),       T(test_dropped_role_task_ends),  T(test_recovered_roles),
	        T(test_roles_validated), T(test_executor_framework_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

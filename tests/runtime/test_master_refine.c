/*
 * test_master_refine.c — reservation refinement and port reservations in
 * the master (master_resv.c): a framework of role eng/web refines eng's
 * dynamic reservation (scalars and ports) in an ACCEPT, sees the stack in
 * its offers, GET_AGENTS and /master/state, launches on it and pops it back
 * to eng; Mesos's refusals; the operator API with `source`; the registry
 * keeps stacks and ports for a new leader; no persistent volumes on refined
 * disk; the reserve/unreserve ACLs judge the last reservation.
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

#define OFFERS MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS

#define ENG     "{\"type\":\"DYNAMIC\",\"role\":\"eng\",\"principal\":\"ops\"}"
#define ENG_WEB ENG ",{\"type\":\"DYNAMIC\",\"role\":\"eng/web\"}"
#define AGENT   "cpus:4;mem:1024;disk:100;ports:[31000-31999]"

/* cpus and a port range with a `reservations` stack, as JSON resources. */
static const char *res(fx *x, double cpus, int lo, int hi, const char *stack)
{
	char buf[800];
	snprintf(buf, sizeof buf,
	         "{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":%g},\"reservations\":[%s]},"
	         "{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":%d,\"end\":%d}]},"
	         "\"reservations\":[%s]}",
	         cpus, stack, lo, hi, stack);
	return rt_arena_strdup(x->h.arena, buf);
}

static int op_call(fx *x, const char *type, const char *resources, const char *source)
{
	char req[3000];
	bool reserve = !strcmp(type, "RESERVE_RESOURCES");
	snprintf(req, sizeof req, "{\"type\":\"%s\",\"%s\":{\"agent_id\":{\"value\":\"%s\"},\"resources\":[%s]%s%s%s}}",
	         type, reserve ? "reserve_resources" : "unreserve_resources", x->a.id, resources,
	         source ? ",\"source\":[" : "", source ? source : "", source ? "]" : "");
	const char *body;
	int rc = mh_http(&x->h, "POST", "/api/v1", "application/json", "application/json", req, strlen(req), &body,
	                 NULL);
	if (rc != 202)
		print_message("%s: %d %s\n", type, rc, body);
	return rc;
}

/* The stack of a resource as "eng>eng/web" with D/S for its types. */
static void stack_of(const Mesos__V1__Resource *r, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->n_reservations && o < len; i++)
		o += (size_t)snprintf(
		        buf + o, len - o, "%s%s:%c", i ? ">" : "", r->reservations[i]->role,
		        r->reservations[i]->type == MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__STATIC ? 'S' : 'D');
}

/* The resources as "name[stack]=value;..." in their order (ports as lo-hi). */
static const char *describe(fx *x, Mesos__V1__Resource *const *rs, size_t n)
{
	char buf[2000], st[200];
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < sizeof buf; i++) {
		const Mesos__V1__Resource *r = rs[i];
		if (!r->n_reservations)
			continue;
		stack_of(r, st, sizeof st);
		if (r->scalar)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s[%s]=%g;", r->name, st, r->scalar->value);
		else
			for (size_t k = 0; k < r->ranges->n_range; k++)
				o += (size_t)snprintf(buf + o, sizeof buf - o, "%s[%s]=%llu-%llu;", r->name, st,
				                      (unsigned long long)r->ranges->range[k]->begin,
				                      (unsigned long long)r->ranges->range[k]->end);
	}
	return rt_arena_strdup(x->h.arena, buf);
}

/* The next OFFERS event's one offer: its reserved resources described, its id in *offer. */
static const char *next_offer(fx *x, const char **offer)
{
	mh_allocate(&x->h);
	Event *ev = mh_expect(&x->f, OFFERS);
	assert_int_equal(ev->offers->n_offers, 1);
	Mesos__V1__Offer *o = ev->offers->offers[0];
	*offer = rt_arena_strdup(x->h.arena, o->id->value);
	for (size_t i = 0; i < o->n_resources; i++)
		assert_string_equal(o->resources[i]->allocation_info->role, "eng/web");
	const char *d = describe(x, o->resources, o->n_resources);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	return d;
}

/* The agent's total_resources in GET_AGENTS of master h, described (protobuf answer). */
static const char *agents_view(fx *x, mh *h)
{
	const char *body;
	size_t len;
	const char *req = "{\"type\":\"GET_AGENTS\"}";
	assert_int_equal(mh_http(h, "POST", "/api/v1", "application/json", "application/x-protobuf", req, strlen(req),
	                         &body, &len),
	                 200);
	Mesos__V1__Master__Response *r = mesos__v1__master__response__unpack(NULL, len, (const uint8_t *)body);
	assert_non_null(r);
	const Mesos__V1__Master__Response__GetAgents__Agent *a = r->get_agents->agents[0];
	const char *d = describe(x, a->total_resources, a->n_total_resources);
	mesos__v1__master__response__free_unpacked(r, NULL);
	return d;
}

static void expect_text(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("got  %s\nwant %s", got, want);
}

static int setup(void **state)
{
	fx_setup(state);
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, AGENT, NULL, 0);
	/* eng's reservation by the operator: 2 cpus and ten ports. */
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 2, 31000, 31009, ENG), NULL), 202);
	mh_subscribe(&x->h, &x->f, "web", "eng/web", false);
	return 0;
}

/* eng/web is offered eng's reservation, refines part of it (Mesos's
 * refusals for bad stacks), sees the stack, launches on it, and pops it. */
static void test_refine_in_accept(void **state)
{
	fx *x = *state;
	const char *offer;
	expect_text(next_offer(x, &offer), "cpus[eng:D]=2;ports[eng:D]=31000-31009;");
	char ops[6000];
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"RESERVE\",\"id\":{\"value\":\"sideways\"},\"reserve\":{\"resources\":[%s]}},"
	         "{\"type\":\"RESERVE\",\"id\":{\"value\":\"static\"},\"reserve\":{\"resources\":[%s]}},"
	         "{\"type\":\"RESERVE\",\"id\":{\"value\":\"too-much\"},\"reserve\":{\"resources\":[%s]}},"
	         "{\"type\":\"RESERVE\",\"id\":{\"value\":\"refine\"},\"reserve\":{\"resources\":[%s]}}]",
	         res(x, 1, 31000, 31004, ENG ",{\"type\":\"DYNAMIC\",\"role\":\"dev\"}"),
	         res(x, 1, 31000, 31004, ENG ",{\"type\":\"STATIC\",\"role\":\"eng/web\"}"),
	         res(x, 3, 31000, 31004, ENG_WEB), res(x, 1, 31000, 31004, ENG_WEB));
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_op(&x->f, "sideways", MESOS__V1__OPERATION_STATE__OPERATION_ERROR,
	             "Invalid refined reservation: role 'dev' is not a refinement of 'eng'");
	mh_expect_op(&x->f, "static", MESOS__V1__OPERATION_STATE__OPERATION_ERROR,
	             "Invalid refined reservation: A refined reservation cannot be STATIC");
	mh_expect_op(&x->f, "too-much", MESOS__V1__OPERATION_STATE__OPERATION_ERROR, "not in the offers");
	mh_expect_op(&x->f, "refine", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);

	const char *refined = "cpus[eng:D]=1;ports[eng:D]=31005-31009;cpus[eng:D>eng/web:D]=1;"
	                      "ports[eng:D>eng/web:D]=31000-31004;";
	expect_text(next_offer(x, &offer), refined);
	expect_text(agents_view(x, &x->h), refined);
	const char *body;
	size_t len;
	assert_int_equal(mh_http(&x->h, "GET", "/master/state", NULL, NULL, NULL, 0, &body, &len), 200);
	if (!strstr(body,
	            "\"eng/web\":{\"cpus\":1.0,\"gpus\":0.0,\"mem\":0.0,\"disk\":0.0,\"ports\":\"[31000-31004]\"}"))
		fail_msg("%s", body);
	if (!strstr(body, "\"reservations\":[{\"principal\":\"ops\",\"role\":\"eng\",\"type\":\"DYNAMIC\"},{\"role\":"
	                  "\"eng/web\",\"type\":\"DYNAMIC\"}"))
		fail_msg("%s", strstr(body, "reserved_resources_full"));

	/* A task on the refined cpus and ports. */
	Mesos__V1__TaskInfo *t =
	        mh_task(&x->h, "t1", x->a.id, "cpus(eng/web):1;mem:32;ports(eng/web):[31000-31000]", "sleep 100");
	assert_int_equal(mh_accept(&x->f, &offer, 1, &t, 1, 0), 202);
	AgentMessage *run = mh_agent_expect(&x->a, MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK);
	meso__agent__agent_message__free_unpacked(run, NULL);
	expect_text(next_offer(x, &offer),
	            "cpus[eng:D]=1;ports[eng:D]=31005-31009;ports[eng:D>eng/web:D]=31001-31004;");

	/* The task's port cannot be popped; the free ones can. */
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"UNRESERVE\",\"id\":{\"value\":\"used\"},\"unreserve\":{\"resources\":[%s]}},"
	         "{\"type\":\"UNRESERVE\",\"id\":{\"value\":\"pop\"},\"unreserve\":{\"resources\":["
	         "{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":31001,\"end\":31004}]},"
	         "\"reservations\":[" ENG_WEB "]}]}}]",
	         res(x, 1, 31000, 31004, ENG_WEB));
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_op(&x->f, "used", MESOS__V1__OPERATION_STATE__OPERATION_ERROR, "not in the offers");
	mh_expect_op(&x->f, "pop", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	expect_text(next_offer(x, &offer), "cpus[eng:D]=1;ports[eng:D]=31001-31009;");
	m_agent *a = master_agent_find(&x->h.m, x->a.id);
	/* eng's record got its ports back; eng/web's holds the task's. */
	assert_int_equal(a->nresv, 2);
}

/* The operator refines and pops too, with and without `source`; the
 * registry keeps the stacks and ports for a new leader. */
static void test_operator_source_and_registry(void **state)
{
	fx *x = *state;
	const char *offer;
	expect_text(next_offer(x, &offer), "cpus[eng:D]=2;ports[eng:D]=31000-31009;");
	assert_int_equal(mh_decline(&x->f, offer, 1000), 202);
	/* A source that is not the stack below: refused. */
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 1, 31000, 31001, ENG_WEB), res(x, 1, 31000, 31001, "")),
	                 400);
	assert_int_equal(
	        op_call(x, "RESERVE_RESOURCES", res(x, 1, 31000, 31001, ENG_WEB), res(x, 2, 31000, 31001, ENG)), 400);
	assert_int_equal(
	        op_call(x, "RESERVE_RESOURCES", res(x, 1, 31000, 31001, ENG_WEB), res(x, 1, 31000, 31001, ENG)), 202);
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 0.5, 31002, 31002, ENG_WEB), NULL), 202);
	/* More than eng holds: 409. */
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 1, 31003, 31003, ENG_WEB), NULL), 409);
	const char *want = "cpus[eng:D]=0.5;ports[eng:D]=31003-31009;cpus[eng:D>eng/web:D]=1.5;"
	                   "ports[eng:D>eng/web:D]=31000-31002;";
	expect_text(agents_view(x, &x->h), want);

	mh h2;
	mh_agent b;
	mh_successor(&x->h, &h2, &b, x->a.id, AGENT);
	expect_text(agents_view(x, &h2), want);
	mh_stop(&h2);

	/* Popped back to eng, then eng's reservation undone whole. */
	assert_int_equal(op_call(x, "UNRESERVE_RESOURCES", res(x, 1.5, 31000, 31002, ENG_WEB), NULL), 202);
	assert_int_equal(op_call(x, "UNRESERVE_RESOURCES", res(x, 2, 31000, 31009, ENG_WEB), NULL), 409);
	expect_text(agents_view(x, &x->h), "cpus[eng:D]=2;ports[eng:D]=31000-31009;");
	assert_int_equal(op_call(x, "UNRESERVE_RESOURCES", res(x, 2, 31000, 31009, ENG), NULL), 202);
	expect_text(agents_view(x, &x->h), "");
	assert_int_equal(master_agent_find(&x->h.m, x->a.id)->nresv, 0);
}

/* disk of `mb` with a stack, as one JSON resource; a volume with id. */
static const char *disk(fx *x, double mb, const char *stack, const char *id)
{
	char buf[800], vol[200] = "";
	if (id)
		snprintf(vol, sizeof vol,
		         ",\"disk\":{\"persistence\":{\"id\":\"%s\"},\"volume\":{\"mode\":\"RW\",\"container_"
		         "path\":\"data\"}}",
		         id);
	snprintf(buf, sizeof buf,
	         "{\"name\":\"disk\",\"type\":\"SCALAR\",\"scalar\":{\"value\":%g},\"reservations\":[%s]%s}", mb, stack,
	         vol);
	return rt_arena_strdup(x->h.arena, buf);
}

static int create_volume(fx *x, const char *volume, const char **body)
{
	char req[1200];
	snprintf(req, sizeof req,
	         "{\"type\":\"CREATE_VOLUMES\",\"create_volumes\":{\"agent_id\":{\"value\":\"%s\"},\"volumes\":["
	         "%s]}}",
	         x->a.id, volume);
	return mh_http(&x->h, "POST", "/api/v1", "application/json", "application/json", req, strlen(req), body, NULL);
}

/* Persistent volumes stay off refined reservations (documented). */
static void test_no_volumes_on_refined_disk(void **state)
{
	fx *x = *state;
	const char *body;
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", disk(x, 40, ENG, NULL), NULL), 202);
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", disk(x, 10, ENG_WEB, NULL), NULL), 202);
	assert_int_equal(create_volume(x, disk(x, 5, ENG_WEB, "v1"), &body), 400);
	assert_non_null(strstr(body, "Meso does not make persistent volumes on refined reservations"));
	assert_int_equal(create_volume(x, disk(x, 5, "{\"type\":\"DYNAMIC\",\"role\":\"eng/web\"}", "v1"), &body), 400);
	assert_non_null(strstr(body, "part of this role's reserved disk is one"));
	/* eng's own disk still takes one; it is then not refined away. */
	assert_int_equal(create_volume(x, disk(x, 30, ENG, "v2"), &body), 202);
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", disk(x, 1, ENG_WEB, NULL), NULL), 409);
}

/* A static reservation refined: the stack starts STATIC; the refinement
 * outlives the agent's re-registration and a new leader, and pops back to
 * the static reservation. */
static void test_static_refined_and_reregistered(void **state)
{
	fx *x = *state;
	const char *agent = "cpus:4;mem:1024;cpus(eng):1;ports(eng):[31000-31009]";
	mh_agent_register(&x->h, &x->a, NULL, agent, NULL, 0);
	const char *st = "{\"type\":\"STATIC\",\"role\":\"eng\"},{\"type\":\"DYNAMIC\",\"role\":\"eng/web\","
	                 "\"principal\":\"ops\"}";
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 0.5, 31000, 31004, st), NULL), 202);
	const char *want = "cpus[eng:S]=0.5;ports[eng:S]=31005-31009;cpus[eng:S>eng/web:D]=0.5;"
	                   "ports[eng:S>eng/web:D]=31000-31004;";
	expect_text(agents_view(x, &x->h), want);
	/* The agent comes back with its static resources: reapplied. */
	char id[sizeof x->a.id];
	snprintf(id, sizeof id, "%s", x->a.id);
	mh_agent_close(&x->a);
	x->a.conn = NULL;
	mh_agent_register(&x->h, &x->a, id, agent, NULL, 0);
	expect_text(agents_view(x, &x->h), want);
	mh h2;
	mh_agent b;
	mh_successor(&x->h, &h2, &b, x->a.id, agent);
	expect_text(agents_view(x, &h2), want);
	mh_stop(&h2);
	assert_int_equal(op_call(x, "UNRESERVE_RESOURCES", res(x, 0.5, 31000, 31004, st), NULL), 202);
	expect_text(agents_view(x, &x->h), "cpus[eng:S]=1;ports[eng:S]=31000-31009;");
	assert_int_equal(master_agent_find(&x->h.m, x->a.id)->nresv, 0);
}

/* Reserving for eng/web is allowed, for eng/api not; ops' reservations
 * may be unreserved, dev's not: the ACLs see the last reservation. */
static void acl_flags(master_flags *f)
{
	f->acls = "{\"reserve_resources\":[{\"principals\":{\"type\":\"ANY\"},\"roles\":{\"values\":[\"eng\","
	          "\"eng/web\"]}},{\"principals\":{\"type\":\"ANY\"},\"roles\":{\"type\":\"NONE\"}}],"
	          "\"unreserve_resources\":[{\"principals\":{\"type\":\"ANY\"},\"reserver_principals\":{\"values\":["
	          "\"ops\"]}},{\"principals\":{\"type\":\"ANY\"},\"reserver_principals\":{\"type\":\"NONE\"}}]}";
}

static int setup_acls(void **state)
{
	fx_setup_flags(state, acl_flags);
	fx *x = *state;
	mh_agent_register(&x->h, &x->a, NULL, AGENT, NULL, 0);
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 2, 31000, 31009, ENG), NULL), 202);
	return 0;
}

static void test_acls_see_the_last_reservation(void **state)
{
	fx *x = *state;
	const char *api = ENG ",{\"type\":\"DYNAMIC\",\"role\":\"eng/api\",\"principal\":\"ops\"}";
	const char *dev = ENG ",{\"type\":\"DYNAMIC\",\"role\":\"eng/web\",\"principal\":\"dev\"}";
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 0.5, 31000, 31000, api), NULL), 403);
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 0.5, 31000, 31000, dev), NULL), 202);
	assert_int_equal(op_call(x, "UNRESERVE_RESOURCES", res(x, 0.5, 31000, 31000, dev), NULL), 403);
	/* A refinement with no principal: the ACL sees no reserver, not eng's ops. */
	assert_int_equal(op_call(x, "RESERVE_RESOURCES", res(x, 0.5, 31001, 31001, ENG_WEB), NULL), 202);
	assert_int_equal(op_call(x, "UNRESERVE_RESOURCES", res(x, 0.5, 31001, 31001, ENG_WEB), NULL), 403);

	/* In an ACCEPT: OPERATION_ERROR with Mesos's "no authorized". */
	mh_subscribe(&x->h, &x->f, "web", "eng/web", false);
	const char *offer;
	next_offer(x, &offer);
	char ops[3000];
	snprintf(ops, sizeof ops,
	         "[{\"type\":\"UNRESERVE\",\"id\":{\"value\":\"u-dev\"},\"unreserve\":{\"resources\":[%s]}},"
	         "{\"type\":\"RESERVE\",\"id\":{\"value\":\"r-ops\"},\"reserve\":{\"resources\":[%s]}}]",
	         res(x, 0.5, 31000, 31000, dev),
	         res(x, 0.5, 31002, 31002, ENG ",{\"type\":\"DYNAMIC\",\"role\":\"eng/web\",\"principal\":\"ops\"}"));
	assert_int_equal(mh_accept_json(&x->f, offer, ops), 202);
	mh_expect_op(&x->f, "u-dev", MESOS__V1__OPERATION_STATE__OPERATION_ERROR,
	             "no authorized to perform action UNRESERVE_RESOURCES");
	mh_expect_op(&x->f, "r-ops", MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_refine_in_accept),
	        T(test_operator_source_and_registry),
	        T(test_no_volumes_on_refined_disk),
	        cmocka_unit_test_setup_teardown(test_static_refined_and_reregistered, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(test_acls_see_the_last_reservation, setup_acls, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

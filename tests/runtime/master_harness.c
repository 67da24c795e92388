/*
 * master_harness.c — the helpers of master_harness.h: HTTP requests and
 * agent frames written as a framework and an agent would, and the master's
 * answers read back from the detached sessions and connections.
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
#include "rt_resources.h"

void mh_start(mh *h)
{
	mh_start_flags(h, NULL);
}

void mh_start_flags(mh *h, void (*edit)(master_flags *f))
{
	rt_log_init("test", RT_ERROR);
	memset(h, 0, sizeof *h);
	h->loop = ev_loop_new(EVFLAG_AUTO);
	h->arena = rt_arena_create();
	master_flags f;
	master_flags_default(&f);
	f.hostname = "master.test";
	f.detached = true;
	if (edit)
		edit(&f);
	char err[256];
	int rc = master_init(&h->m, h->loop, &f, err, sizeof err);
	if (rc != 0)
		fail_msg("master_init: %s", err);
}

void mh_stop(mh *h)
{
	master_shutdown(&h->m);
	for (size_t i = 0; i < h->nconns; i++)
		rt_conn_destroy(h->conns[i]);
	ev_loop_destroy(h->loop);
	rt_arena_destroy(h->arena);
}

/* A pass, then the loop's idle turns that send its offers, one framework
 * a turn, as the running master does. */
void mh_allocate(mh *h)
{
	master_allocate(&h->m);
	while (ev_is_active(&h->m.send_idle))
		ev_invoke(h->loop, &h->m.send_idle, EV_IDLE);
}

/* ------------------------------------------------------------------ HTTP */

static void post(rt_http_session *s, const char *stream_id, const Call *call)
{
	size_t n = mesos__v1__scheduler__call__get_packed_size(call);
	uint8_t *body = malloc(n ? n : 1);
	mesos__v1__scheduler__call__pack(call, body);
	char head[512];
	int hl = snprintf(head, sizeof head,
	                  "POST /api/v1/scheduler HTTP/1.1\r\nHost: master.test\r\n"
	                  "Content-Type: application/x-protobuf\r\nAccept: application/x-protobuf\r\n"
	                  "%s%s%sContent-Length: %zu\r\n\r\n",
	                  stream_id ? "Mesos-Stream-Id: " : "", stream_id ? stream_id : "", stream_id ? "\r\n" : "", n);
	rt_http_session_feed(s, head, (size_t)hl);
	rt_http_session_feed(s, body, n);
	free(body);
}

/* The status of the answer at the start of out. */
static int status_of(const uint8_t *out, size_t len)
{
	int status = 0;
	if (len < 12 || sscanf((const char *)out, "HTTP/1.1 %d", &status) != 1)
		fail_msg("no HTTP answer (%zu bytes)", len);
	return status;
}

/* POSTs a SUBSCRIBE on a new detached session, f->stream. */
static void subscribe_post(mh *h, mh_fw *f, const char *name, const char *role, bool partition_aware,
                           double failover_timeout, const char *id)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = (char *)id;
	memset(f, 0, sizeof *f);
	f->h = h;
	f->stream = rt_http_session_detached(h->m.http);
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__FrameworkInfo__Capability cap = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT;
	Mesos__V1__FrameworkInfo__Capability multi = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT;
	Mesos__V1__FrameworkInfo__Capability *caps[2];
	/* "a,b": several roles, with the MULTI_ROLE capability. */
	char *roles[8], *list = rt_arena_strdup(h->arena, role), *save = NULL;
	for (char *r = strtok_r(list, ",", &save); r && fi.n_roles < 8; r = strtok_r(NULL, ",", &save))
		roles[fi.n_roles++] = r;
	fi.user = "tester";
	fi.name = (char *)name;
	fi.roles = roles;
	fi.id = id ? &fid : NULL;
	fi.has_failover_timeout = failover_timeout != 0;
	fi.failover_timeout = failover_timeout;
	cap.has_type = multi.has_type = true;
	cap.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE;
	multi.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
	fi.capabilities = caps;
	if (partition_aware)
		caps[fi.n_capabilities++] = &cap;
	if (fi.n_roles > 1)
		caps[fi.n_capabilities++] = &multi;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	sub.framework_info = &fi;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE;
	call.subscribe = &sub;
	call.framework_id = fi.id;
	post(f->stream, NULL, &call);
}

void mh_subscribe(mh *h, mh_fw *f, const char *name, const char *role, bool partition_aware)
{
	mh_subscribe_failover(h, f, name, role, partition_aware, 0);
}

void mh_subscribe_failover(mh *h, mh_fw *f, const char *name, const char *role, bool partition_aware,
                           double failover_timeout)
{
	mh_subscribe_as(h, f, name, role, partition_aware, failover_timeout, NULL);
}

void mh_subscribe_as(mh *h, mh_fw *f, const char *name, const char *role, bool partition_aware, double failover_timeout,
                     const char *id)
{
	subscribe_post(h, f, name, role, partition_aware, failover_timeout, id);

	size_t len;
	const uint8_t *out = rt_http_session_output(f->stream, &len);
	assert_int_equal(status_of(out, len), 200);
	const char *end = memmem(out, len, "\r\n\r\n", 4);
	assert_non_null(end);
	const char *sid = memmem(out, (size_t)(end - (const char *)out), "Mesos-Stream-Id: ", 17);
	assert_non_null(sid);
	assert_int_equal(sscanf(sid + 17, "%39[0-9a-f-]", f->stream_id), 1);
	f->read = (size_t)(end + 4 - (const char *)out);

	Event *ev = mh_expect(f, MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED);
	snprintf(f->id, sizeof f->id, "%s", ev->subscribed->framework_id->value);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

const char *mh_subscribe_refused(mh *h, const char *name, double failover_timeout)
{
	mh_fw f;
	subscribe_post(h, &f, name, "web", false, failover_timeout, NULL);
	size_t len;
	const uint8_t *out = rt_http_session_output(f.stream, &len);
	assert_int_equal(status_of(out, len), 200);
	const char *end = memmem(out, len, "\r\n\r\n", 4);
	assert_non_null(end);
	f.read = (size_t)(end + 4 - (const char *)out);
	Event *ev = mh_expect(&f, MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR);
	const char *msg = rt_arena_strdup(h->arena, ev->error->message);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	assert_null(mh_event(&f)); /* then the stream's end */
	assert_non_null(memmem(out, len, "\r\n0\r\n\r\n", 7));
	rt_http_session_destroy(f.stream);
	return msg;
}

int mh_call(mh_fw *f, Call *call)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = f->id;
	call->framework_id = &fid;
	rt_http_session *s = rt_http_session_detached(f->h->m.http);
	post(s, f->stream_id, call);
	size_t len;
	const uint8_t *out = rt_http_session_output(s, &len);
	int status = status_of(out, len);
	rt_http_session_destroy(s);
	call->framework_id = NULL;
	return status;
}

/* The next event of the stream, HEARTBEATs included, or NULL. One chunk
 * holds one RecordIO record: "<hex>\r\n<len>\n<bytes>\r\n". */
static Event *next_event(mh_fw *f)
{
	size_t len;
	const uint8_t *out = rt_http_session_output(f->stream, &len);
	if (f->read >= len)
		return NULL;
	const char *p = (const char *)out + f->read;
	unsigned chunk;
	int used;
	if (sscanf(p, "%x\r\n%n", &chunk, &used) != 1)
		fail_msg("malformed chunk at %zu", f->read);
	if (chunk == 0)
		return NULL; /* the stream ended */
	const char *rec = p + used;
	unsigned long rlen;
	int rused;
	if (sscanf(rec, "%lu\n%n", &rlen, &rused) != 1)
		fail_msg("malformed RecordIO record at %zu", f->read);
	assert_int_equal((size_t)rused + rlen, chunk);
	Event *ev = mesos__v1__scheduler__event__unpack(NULL, rlen, (const uint8_t *)rec + rused);
	assert_non_null(ev);
	f->read += (size_t)used + chunk + 2;
	return ev;
}

Event *mh_event(mh_fw *f)
{
	for (;;) {
		Event *ev = next_event(f);
		if (!ev || ev->type != MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT)
			return ev;
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	}
}

Event *mh_expect(mh_fw *f, Mesos__V1__Scheduler__Event__Type type)
{
	Event *ev = mh_event(f);
	if (!ev)
		fail_msg("expected an event of type %d, got none", (int)type);
	if (ev->type != type)
		fail_msg("expected an event of type %d, got %d", (int)type, (int)ev->type);
	return ev;
}

void mh_expect_update(mh_fw *f, const char *task_id, Mesos__V1__TaskState state, Mesos__V1__TaskStatus__Reason reason,
                      const char *message_part)
{
	Event *ev = mh_expect(f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE);
	const Mesos__V1__TaskStatus *st = ev->update->status;
	assert_string_equal(st->task_id->value, task_id);
	if (st->state != state)
		fail_msg("task %s: state %d, expected %d (message: %s)", task_id, (int)st->state, (int)state,
		         st->message ? st->message : "");
	assert_true(st->has_reason);
	assert_int_equal(st->reason, reason);
	if (message_part && (!st->message || !strstr(st->message, message_part)))
		fail_msg("task %s: message '%s' lacks '%s'", task_id, st->message ? st->message : "", message_part);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

void mh_expect_quiet(mh_fw *f)
{
	Event *ev = mh_event(f);
	if (ev)
		fail_msg("expected no event, got one of type %d", (int)ev->type);
}

void mh_offers(mh_fw *f, size_t n, const char **ids, const char **agent_ids)
{
	Event *ev = mh_expect(f, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS);
	assert_int_equal(ev->offers->n_offers, n);
	for (size_t i = 0; i < n; i++) {
		if (ids)
			ids[i] = rt_arena_strdup(f->h->arena, ev->offers->offers[i]->id->value);
		if (agent_ids)
			agent_ids[i] = rt_arena_strdup(f->h->arena, ev->offers->offers[i]->agent_id->value);
	}
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

static Mesos__V1__Resource **resources_pb(mh *h, const char *text, size_t *n)
{
	ac_resources r;
	ac_err err;
	if (ac_resources_parse(h->m.core, text, &r, &err) != 0)
		fail_msg("resources '%s': %s", text, err.msg);
	return rt_resources_to_pb(h->m.core, &r, NULL, h->arena, n);
}

static Mesos__V1__CommandInfo *command(mh *h, const char *cmd)
{
	Mesos__V1__CommandInfo *c = rt_arena_alloc(h->arena, sizeof *c);
	mesos__v1__command_info__init(c);
	c->value = rt_arena_strdup(h->arena, cmd);
	return c;
}

Mesos__V1__TaskInfo *mh_task(mh *h, const char *id, const char *agent_id, const char *resources, const char *cmd)
{
	rt_arena *a = h->arena;
	Mesos__V1__TaskInfo *t = rt_arena_alloc(a, sizeof *t);
	mesos__v1__task_info__init(t);
	t->name = rt_arena_strdup(a, id);
	t->task_id = rt_arena_alloc(a, sizeof *t->task_id);
	mesos__v1__task_id__init(t->task_id);
	t->task_id->value = rt_arena_strdup(a, id);
	t->agent_id = rt_arena_alloc(a, sizeof *t->agent_id);
	mesos__v1__agent_id__init(t->agent_id);
	t->agent_id->value = rt_arena_strdup(a, agent_id);
	t->resources = resources_pb(h, resources, &t->n_resources);
	if (cmd)
		t->command = command(h, cmd);
	return t;
}

Mesos__V1__ExecutorInfo *mh_executor(mh *h, const char *id, const char *resources, const char *cmd)
{
	rt_arena *a = h->arena;
	Mesos__V1__ExecutorInfo *e = rt_arena_alloc(a, sizeof *e);
	mesos__v1__executor_info__init(e);
	e->executor_id = rt_arena_alloc(a, sizeof *e->executor_id);
	mesos__v1__executor_id__init(e->executor_id);
	e->executor_id->value = rt_arena_strdup(a, id);
	e->resources = resources_pb(h, resources, &e->n_resources);
	if (cmd)
		e->command = command(h, cmd);
	return e;
}

static Mesos__V1__OfferID **offer_ids(mh *h, const char **ids, size_t n)
{
	Mesos__V1__OfferID **v = rt_arena_alloc(h->arena, (n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i] = rt_arena_alloc(h->arena, sizeof *v[i]);
		mesos__v1__offer_id__init(v[i]);
		v[i]->value = (char *)ids[i];
	}
	return v;
}

int mh_accept(mh_fw *f, const char **ids, size_t noffers, Mesos__V1__TaskInfo **tasks, size_t ntasks,
              double refuse_seconds)
{
	Mesos__V1__Offer__Operation__Launch launch = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	launch.task_infos = tasks;
	launch.n_task_infos = ntasks;
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	op.has_type = true;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &launch;
	Mesos__V1__Offer__Operation *ops[] = {&op};
	Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
	filters.has_refuse_seconds = true;
	filters.refuse_seconds = refuse_seconds;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	acc.offer_ids = offer_ids(f->h, ids, noffers);
	acc.n_offer_ids = noffers;
	acc.operations = ops;
	acc.n_operations = 1;
	if (refuse_seconds >= 0)
		acc.filters = &filters;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT;
	call.accept = &acc;
	return mh_call(f, &call);
}

int mh_accept_json(mh_fw *f, const char *offer_id, const char *ops)
{
	size_t len = strlen(ops) + strlen(offer_id) + 200;
	char *req = malloc(len), err[200];
	assert_non_null(req);
	snprintf(req, len,
	         "{\"type\":\"ACCEPT\",\"accept\":{\"offer_ids\":[{\"value\":\"%s\"}],\"operations\":%s,"
	         "\"filters\":{\"refuse_seconds\":0}}}",
	         offer_id, ops);
	Call *c =
	        (Call *)rt_pbjson_parse(&mesos__v1__scheduler__call__descriptor, req, strlen(req), 0, err, sizeof err);
	free(req);
	if (!c)
		fail_msg("bad test call: %s", err);
	int rc = mh_call(f, c);
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
	return rc;
}

void mh_expect_op(mh_fw *f, const char *op_id, Mesos__V1__OperationState state, const char *part)
{
	Event *ev = mh_expect(f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE_OPERATION_STATUS);
	Mesos__V1__OperationStatus *st = ev->update_operation_status->status;
	assert_string_equal(st->operation_id->value, op_id);
	if (st->state != state || (part && (!st->message || !strstr(st->message, part))))
		fail_msg("%s: state %d, message '%s' (expected %d with '%s')", op_id, st->state,
		         st->message ? st->message : "", state, part ? part : "");
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

int mh_kill(mh_fw *f, const char *task_id)
{
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = (char *)task_id;
	Mesos__V1__Scheduler__Call__Kill k = MESOS__V1__SCHEDULER__CALL__KILL__INIT;
	k.task_id = &tid;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__KILL;
	call.kill = &k;
	return mh_call(f, &call);
}

int mh_decline(mh_fw *f, const char *offer_id, double refuse_seconds)
{
	Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
	filters.has_refuse_seconds = true;
	filters.refuse_seconds = refuse_seconds;
	Mesos__V1__Scheduler__Call__Decline d = MESOS__V1__SCHEDULER__CALL__DECLINE__INIT;
	d.offer_ids = offer_ids(f->h, &offer_id, 1);
	d.n_offer_ids = 1;
	if (refuse_seconds >= 0)
		d.filters = &filters;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE;
	call.decline = &d;
	return mh_call(f, &call);
}

/* ---------------------------------------------------------------- agents */

void mh_successor(mh *from, mh *to, mh_agent *b, const char *id, const char *resources)
{
	char *doc = master_registry_encode(&from->m);
	mh_start(to);
	char err[300];
	if (master_registry_apply(&to->m, doc, strlen(doc), err, sizeof err) != 0)
		fail_msg("the registry did not apply: %s\n%s", err, doc);
	free(doc);
	memset(b, 0, sizeof *b);
	b->h = to;
	mh_agent_register(to, b, id, resources, NULL, 0);
}

void mh_agent_send(mh_agent *a, const AgentMessage *msg)
{
	size_t n = meso__agent__agent_message__get_packed_size(msg);
	uint8_t *bytes = malloc(n ? n : 1);
	meso__agent__agent_message__pack(msg, bytes);
	rt_buf frame;
	rt_buf_init(&frame);
	rt_frame_encode(&frame, bytes, n);
	rt_conn_feed(a->conn, frame.data, frame.len);
	rt_buf_free(&frame);
	free(bytes);
}

AgentMessage *mh_agent_frame(mh_agent *a)
{
	size_t len;
	const uint8_t *out = rt_conn_output(a->conn, &len);
	if (a->read + RT_FRAME_HEADER > len)
		return NULL;
	const uint8_t *p = out + a->read;
	size_t n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	assert_true(a->read + RT_FRAME_HEADER + n <= len);
	AgentMessage *msg = meso__agent__agent_message__unpack(NULL, n, p + RT_FRAME_HEADER);
	assert_non_null(msg);
	a->read += RT_FRAME_HEADER + n;
	return msg;
}

AgentMessage *mh_agent_expect(mh_agent *a, Meso__Agent__AgentMessage__Type type)
{
	AgentMessage *msg = mh_agent_frame(a);
	if (!msg)
		fail_msg("expected a frame of type %d, got none", (int)type);
	if (msg->type != type)
		fail_msg("expected a frame of type %d, got %d", (int)type, (int)msg->type);
	return msg;
}

void mh_agent_register(mh *h, mh_agent *a, const char *id, const char *resources, const mh_running *tasks,
                       size_t ntasks)
{
	if (!a->conn) {
		memset(a, 0, sizeof *a);
		char peer[32];
		snprintf(peer, sizeof peer, "10.0.0.%zu:5051", h->nconns + 1);
		a->conn = master_agent_conn_detached(&h->m, peer);
		assert_true(h->nconns < sizeof h->conns / sizeof *h->conns);
		h->conns[h->nconns++] = a->conn;
	}
	a->h = h;
	rt_arena *ar = h->arena;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Meso__Agent__Register reg = MESO__AGENT__REGISTER__INIT;
	reg.hostname = "agent.test";
	reg.port = 5051;
	reg.resources = resources_pb(h, resources, &reg.n_resources);
	if (id) {
		aid.value = (char *)id;
		reg.agent_id = &aid;
	}
	reg.tasks = rt_arena_alloc(ar, (ntasks ? ntasks : 1) * sizeof *reg.tasks);
	for (size_t i = 0; i < ntasks; i++) {
		Meso__Agent__RunningTask *r = rt_arena_alloc(ar, sizeof *r);
		meso__agent__running_task__init(r);
		r->framework_id = rt_arena_alloc(ar, sizeof *r->framework_id);
		mesos__v1__framework_id__init(r->framework_id);
		r->framework_id->value = (char *)tasks[i].fw_id;
		r->task = mh_task(h, tasks[i].task_id, id ? id : "", tasks[i].resources, "sleep 1000");
		r->state = tasks[i].state;
		for (size_t k = 0; tasks[i].role && k < r->task->n_resources; k++) {
			Mesos__V1__Resource__AllocationInfo *ai = rt_arena_alloc(ar, sizeof *ai);
			mesos__v1__resource__allocation_info__init(ai);
			ai->role = (char *)tasks[i].role;
			r->task->resources[k]->allocation_info = ai;
		}
		reg.tasks[reg.n_tasks++] = r;
	}
	AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTER;
	msg.register_agent = &reg;
	mh_agent_send(a, &msg);
	AgentMessage *r = mh_agent_expect(a, MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTERED);
	snprintf(a->id, sizeof a->id, "%s", r->registered->agent_id->value);
	meso__agent__agent_message__free_unpacked(r, NULL);
}

void mh_agent_status(mh_agent *a, const char *fw_id, const char *task_id, Mesos__V1__TaskState state, uint8_t *uuid16)
{
	uint8_t uuid[16];
	rt_uuid_random(uuid);
	if (uuid16)
		memcpy(uuid16, uuid, 16);
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Meso__Agent__StatusUpdate su = MESO__AGENT__STATUS_UPDATE__INIT;
	tid.value = (char *)task_id;
	fid.value = (char *)fw_id;
	st.task_id = &tid;
	st.state = state;
	st.has_uuid = true;
	st.uuid.data = uuid;
	st.uuid.len = 16;
	st.has_source = true;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR;
	su.framework_id = &fid;
	su.status = &st;
	AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_UPDATE;
	msg.status_update = &su;
	mh_agent_send(a, &msg);
}

void mh_agent_close(mh_agent *a)
{
	rt_conn_close(a->conn, "closed by the test");
}

/* --------------------------------------------------------------- fixture */

int fx_setup(void **state)
{
	return fx_setup_flags(state, NULL);
}

int fx_setup_flags(void **state, void (*edit)(master_flags *f))
{
	fx *x = calloc(1, sizeof *x);
	assert_non_null(x);
	mh_start_flags(&x->h, edit);
	*state = x;
	return 0;
}

int fx_teardown(void **state)
{
	fx *x = *state;
	mh_stop(&x->h);
	free(x);
	return 0;
}

void fx_offer(fx *x, const char *resources, bool partition_aware)
{
	mh_agent_register(&x->h, &x->a, NULL, resources, NULL, 0);
	mh_subscribe(&x->h, &x->f, "fw", "web", partition_aware);
	mh_allocate(&x->h);
	mh_offers(&x->f, 1, &x->offer, NULL);
}

const char *mh_offer_text(mh_fw *f, char *text, size_t len, const char **offer_id)
{
	Event *ev = mh_expect(f, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS);
	assert_int_equal(ev->offers->n_offers, 1);
	ac_resources r;
	assert_int_equal(rt_resources_from_pb(f->h->m.core, ev->offers->offers[0]->resources,
	                                      ev->offers->offers[0]->n_resources, &r, NULL),
	                 0);
	ac_resources_format(f->h->m.core, &r, text, len);
	if (offer_id)
		*offer_id = rt_arena_strdup(f->h->arena, ev->offers->offers[0]->id->value);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	return text;
}

/* ----------------------------------------------------------- operator API */

int mh_http(mh *h, const char *method, const char *path, const char *content_type, const char *accept, const void *body,
            size_t len, const char **out, size_t *outlen)
{
	rt_http_session *s = rt_http_session_detached(h->m.http);
	char head[1024];
	int hl = snprintf(
	        head, sizeof head, "%s %s HTTP/1.1\r\nHost: master.test\r\n%s%s%s%s%s%sContent-Length: %zu\r\n\r\n",
	        method, path, content_type ? "Content-Type: " : "", content_type ? content_type : "",
	        content_type ? "\r\n" : "", accept ? "Accept: " : "", accept ? accept : "", accept ? "\r\n" : "", len);
	rt_http_session_feed(s, head, (size_t)hl);
	if (len)
		rt_http_session_feed(s, body, len);
	size_t n;
	const uint8_t *o = rt_http_session_output(s, &n);
	int status = status_of(o, n);
	const char *end = memmem(o, n, "\r\n\r\n", 4);
	assert_non_null(end);
	size_t blen = n - (size_t)(end + 4 - (const char *)o);
	const char *cl = memmem(o, (size_t)(end - (const char *)o), "Content-Length: ", 16);
	if (cl)
		blen = (size_t)strtoul(cl + 16, NULL, 10);
	if (out) {
		char *copy = rt_arena_alloc(h->arena, blen + 1);
		memcpy(copy, end + 4, blen);
		*out = copy;
	}
	if (outlen)
		*outlen = blen;
	rt_http_session_destroy(s);
	return status;
}

int mh_operator(mh *h, const char *json, json_t **answer)
{
	const char *body;
	size_t len;
	int status =
	        mh_http(h, "POST", "/api/v1", "application/json", "application/json", json, strlen(json), &body, &len);
	if (answer) {
		*answer = NULL;
		if (status == 200 && len) {
			json_error_t je;
			*answer = json_loadb(body, len, 0, &je);
			if (!*answer)
				fail_msg("answer is not JSON: %s: %.200s", je.text, body);
		}
	}
	return status;
}

Mesos__V1__Master__Event *mh_op_subscribe(mh *h, mh_opsub *o, bool json)
{
	memset(o, 0, sizeof *o);
	o->h = h;
	o->json = json;
	o->s = rt_http_session_detached(h->m.http);
	static const char body[] = "{\"type\":\"SUBSCRIBE\"}";
	char head[512];
	int hl = snprintf(head, sizeof head,
	                  "POST /api/v1 HTTP/1.1\r\nHost: master.test\r\nContent-Type: application/json\r\n"
	                  "Accept: %s\r\nContent-Length: %zu\r\n\r\n",
	                  json ? "application/json" : "application/x-protobuf", sizeof body - 1);
	rt_http_session_feed(o->s, head, (size_t)hl);
	rt_http_session_feed(o->s, body, sizeof body - 1);
	size_t len;
	const uint8_t *out = rt_http_session_output(o->s, &len);
	assert_int_equal(status_of(out, len), 200);
	const char *end = memmem(out, len, "\r\n\r\n", 4);
	assert_non_null(end);
	assert_non_null(memmem(out, (size_t)(end - (const char *)out),
	                       json ? "Content-Type: application/json" : "Content-Type: application/x-protobuf",
	                       json ? 30 : 36));
	o->read = (size_t)(end + 4 - (const char *)out);
	return mh_op_expect(o, MESOS__V1__MASTER__EVENT__TYPE__SUBSCRIBED);
}

Mesos__V1__Master__Event *mh_op_next(mh_opsub *o)
{
	size_t len;
	const uint8_t *out = rt_http_session_output(o->s, &len);
	if (o->read >= len)
		return NULL;
	const char *p = (const char *)out + o->read;
	unsigned chunk;
	int used;
	if (sscanf(p, "%x\r\n%n", &chunk, &used) != 1)
		fail_msg("malformed chunk at %zu", o->read);
	if (chunk == 0)
		return NULL;
	const char *rec = p + used;
	unsigned long rlen;
	int rused;
	if (sscanf(rec, "%lu\n%n", &rlen, &rused) != 1)
		fail_msg("malformed RecordIO record at %zu", o->read);
	assert_int_equal((size_t)rused + rlen, chunk);
	Mesos__V1__Master__Event *ev;
	if (o->json) {
		char err[300];
		ev = (Mesos__V1__Master__Event *)rt_pbjson_parse(&mesos__v1__master__event__descriptor, rec + rused,
		                                                 rlen, RT_PBJSON_STRICT, err, sizeof err);
		if (!ev)
			fail_msg("event is not an Event in JSON: %s", err);
	} else {
		ev = mesos__v1__master__event__unpack(NULL, rlen, (const uint8_t *)rec + rused);
		assert_non_null(ev);
	}
	o->read += (size_t)used + chunk + 2;
	return ev;
}

Mesos__V1__Master__Event *mh_op_event(mh_opsub *o)
{
	for (;;) {
		Mesos__V1__Master__Event *ev = mh_op_next(o);
		if (!ev || ev->type != MESOS__V1__MASTER__EVENT__TYPE__HEARTBEAT)
			return ev;
		mesos__v1__master__event__free_unpacked(ev, NULL);
	}
}

Mesos__V1__Master__Event *mh_op_expect(mh_opsub *o, Mesos__V1__Master__Event__Type type)
{
	Mesos__V1__Master__Event *ev = mh_op_event(o);
	if (!ev)
		fail_msg("expected an operator event of type %d, got none", (int)type);
	if (ev->type != type)
		fail_msg("expected an operator event of type %d, got %d", (int)type, (int)ev->type);
	return ev;
}

int mh_acknowledge(mh_fw *f, const char *agent_id, const char *task_id, const uint8_t *uuid, size_t uuid_len)
{
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	tid.value = (char *)task_id;
	aid.value = (char *)agent_id;
	Mesos__V1__Scheduler__Call__Acknowledge ack = MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE__INIT;
	ack.task_id = &tid;
	ack.agent_id = &aid;
	ack.uuid.data = (uint8_t *)uuid;
	ack.uuid.len = uuid_len;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE;
	call.acknowledge = &ack;
	return mh_call(f, &call);
}

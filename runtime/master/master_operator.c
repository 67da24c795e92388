/*
 * master_operator.c — the v1 operator API (POST /api/v1, /master/api/v1):
 * one mesos.v1.master.Call per request, in application/json or
 * application/x-protobuf, answered 200 with a Response in the type Accept
 * chose (JSON first, as Mesos), or 200 with no body for calls that change
 * something; SUBSCRIBE opens a RecordIO event stream (SUBSCRIBED with the
 * whole state, then TASK_ADDED, TASK_UPDATED, AGENT_*, FRAMEWORK_* and
 * HEARTBEAT). The messages come from master_opview.c; quota and weights
 * from master_quota.c; agents' control from master_maint.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "master.h"
#include "rt_api.h"
#include "rt_http_client.h"
#include "rt_pbjson.h"
#include "rt_resources.h"

typedef Mesos__V1__Master__Call Call;
typedef Mesos__V1__Master__Response Response;
typedef Mesos__V1__Master__Event Event;

/* A SUBSCRIBE stream. */
typedef struct m_opsub {
	struct m_opsub *next, *prev; /* master.opsubs */
	master *m;
	rt_http_session *s;
	bool json;
	char *principal; /* who subscribed (view_frameworks, view_tasks filter its events) */
} m_opsub;

/* ---------------------------------------------------------------- events */

static void opsub_forget(m_opsub *o)
{
	DL_DELETE(o->m->opsubs, o);
	o->m->nopsubs--;
	free(o->principal);
	free(o);
}

static void opsub_closed(rt_http_session *s, void *ud)
{
	m_opsub *o = ud;
	rt_log(RT_INFO, "operator event stream to %s closed", rt_http_session_peer(s));
	opsub_forget(o);
}

/* One record per encoding, built once, sent to every subscriber that may
 * see what it is about (fw, t: NULL when not about one; view_frameworks,
 * view_tasks); one that left max_output_bytes unread is closed (the
 * operator API has no ERROR event: a client re-subscribes and gets the
 * whole state again). */
static void broadcast_about(master *m, const Event *ev, const m_fw *fw, const m_task *t)
{
	rt_buf rec[2];
	bool built[2] = {false, false};
	rt_buf_init(&rec[0]);
	rt_buf_init(&rec[1]);
	m_opsub *o, *next;
	DL_FOREACH_SAFE(m->opsubs, o, next)
	{
		if ((fw && !master_can_view_fw(m, o->principal, fw)) ||
		    (t && !master_can_view_task(m, o->principal, t)))
			continue;
		int k = o->json;
		if (!built[k]) {
			size_t n;
			uint8_t *bytes;
			if (o->json) {
				bytes = (uint8_t *)rt_pbjson_dump(&ev->base, &n);
			} else {
				n = protobuf_c_message_get_packed_size(&ev->base);
				bytes = rt_xmalloc(n ? n : 1);
				protobuf_c_message_pack(&ev->base, bytes);
			}
			if (bytes)
				rt_recordio_encode(&rec[k], bytes, n);
			free(bytes);
			built[k] = true;
		}
		if (rt_http_stream_send(o->s, rec[k].data, rec[k].len) == RT_HTTP_FULL) {
			rt_log(RT_WARN, "operator event stream to %s: %zu bytes unread; closing it",
			       rt_http_session_peer(o->s), rt_http_session_pending(o->s));
			m->opsubs_dropped++;
			rt_http_session *s = o->s;
			rt_http_session_on_close(s, NULL, NULL);
			opsub_forget(o);
			rt_http_stream_end(s);
		}
	}
	rt_buf_free(&rec[0]);
	rt_buf_free(&rec[1]);
}

static void broadcast(master *m, const Event *ev)
{
	broadcast_about(m, ev, NULL, NULL);
}

static Event *event_new(rt_arena *a, Mesos__V1__Master__Event__Type type)
{
	Event *ev = rt_arena_alloc(a, sizeof *ev);
	mesos__v1__master__event__init(ev);
	ev->has_type = true;
	ev->type = type;
	return ev;
}

void master_op_task_added(master *m, const m_task *t)
{
	if (!m->opsubs)
		return;
	rt_arena *a = rt_arena_create();
	Event *ev = event_new(a, MESOS__V1__MASTER__EVENT__TYPE__TASK_ADDED);
	ev->task_added = rt_arena_alloc(a, sizeof *ev->task_added);
	mesos__v1__master__event__task_added__init(ev->task_added);
	ev->task_added->task = master_view_task(m, t, a);
	broadcast_about(m, ev, t->fw, t);
	rt_arena_destroy(a);
}

void master_op_task_updated(master *m, const m_task *t, const Mesos__V1__TaskStatus *status)
{
	if (!m->opsubs)
		return;
	rt_arena *a = rt_arena_create();
	Event *ev = event_new(a, MESOS__V1__MASTER__EVENT__TYPE__TASK_UPDATED);
	Mesos__V1__Master__Event__TaskUpdated *u = rt_arena_alloc(a, sizeof *u);
	mesos__v1__master__event__task_updated__init(u);
	u->framework_id = rt_arena_alloc(a, sizeof *u->framework_id);
	mesos__v1__framework_id__init(u->framework_id);
	u->framework_id->value = t->fw->id;
	u->status = (Mesos__V1__TaskStatus *)status;
	u->state = t->state;
	ev->task_updated = u;
	broadcast_about(m, ev, t->fw, t);
	rt_arena_destroy(a);
}

void master_op_agent_added(master *m, const m_agent *ag)
{
	if (!m->opsubs)
		return;
	rt_arena *a = rt_arena_create();
	Event *ev = event_new(a, MESOS__V1__MASTER__EVENT__TYPE__AGENT_ADDED);
	ev->agent_added = rt_arena_alloc(a, sizeof *ev->agent_added);
	mesos__v1__master__event__agent_added__init(ev->agent_added);
	ev->agent_added->agent = master_view_agent(m, ag, a);
	broadcast(m, ev);
	rt_arena_destroy(a);
}

void master_op_agent_removed(master *m, const char *agent_id)
{
	if (!m->opsubs)
		return;
	rt_arena *a = rt_arena_create();
	Event *ev = event_new(a, MESOS__V1__MASTER__EVENT__TYPE__AGENT_REMOVED);
	ev->agent_removed = rt_arena_alloc(a, sizeof *ev->agent_removed);
	mesos__v1__master__event__agent_removed__init(ev->agent_removed);
	ev->agent_removed->agent_id = rt_arena_alloc(a, sizeof *ev->agent_removed->agent_id);
	mesos__v1__agent_id__init(ev->agent_removed->agent_id);
	ev->agent_removed->agent_id->value = (char *)agent_id;
	broadcast(m, ev);
	rt_arena_destroy(a);
}

static void framework_event(master *m, const m_fw *fw, bool added)
{
	if (!m->opsubs)
		return;
	rt_arena *a = rt_arena_create();
	Event *ev;
	if (added) {
		ev = event_new(a, MESOS__V1__MASTER__EVENT__TYPE__FRAMEWORK_ADDED);
		ev->framework_added = rt_arena_alloc(a, sizeof *ev->framework_added);
		mesos__v1__master__event__framework_added__init(ev->framework_added);
		ev->framework_added->framework = master_view_framework(m, fw, a);
	} else {
		ev = event_new(a, MESOS__V1__MASTER__EVENT__TYPE__FRAMEWORK_UPDATED);
		ev->framework_updated = rt_arena_alloc(a, sizeof *ev->framework_updated);
		mesos__v1__master__event__framework_updated__init(ev->framework_updated);
		ev->framework_updated->framework = master_view_framework(m, fw, a);
	}
	broadcast_about(m, ev, fw, NULL);
	rt_arena_destroy(a);
}

void master_op_framework_added(master *m, const m_fw *fw)
{
	framework_event(m, fw, true);
}

void master_op_framework_updated(master *m, const m_fw *fw)
{
	framework_event(m, fw, false);
}

void master_op_framework_removed(master *m, const m_fw *fw)
{
	if (!m->opsubs)
		return;
	rt_arena *a = rt_arena_create();
	Event *ev = event_new(a, MESOS__V1__MASTER__EVENT__TYPE__FRAMEWORK_REMOVED);
	ev->framework_removed = rt_arena_alloc(a, sizeof *ev->framework_removed);
	mesos__v1__master__event__framework_removed__init(ev->framework_removed);
	ev->framework_removed->framework_info = master_view_framework_info(m, fw, a);
	broadcast_about(m, ev, fw, NULL);
	rt_arena_destroy(a);
}

void master_op_heartbeat(master *m)
{
	if (!m->opsubs)
		return;
	Event ev = MESOS__V1__MASTER__EVENT__INIT;
	ev.has_type = true;
	ev.type = MESOS__V1__MASTER__EVENT__TYPE__HEARTBEAT;
	broadcast(m, &ev);
}

void master_op_close(master *m)
{
	while (m->opsubs) {
		m_opsub *o = m->opsubs;
		rt_http_session_on_close(o->s, NULL, NULL);
		opsub_forget(o);
	}
}

static void subscribe(master *m, rt_http_session *s, bool json)
{
	rt_http_stream_start(s, 200, json ? RT_API_JSON : RT_API_PROTOBUF, NULL);
	m_opsub *o = rt_xcalloc(1, sizeof *o);
	o->m = m;
	o->s = s;
	o->json = json;
	o->principal = m->principal ? rt_xstrdup(m->principal) : NULL;
	rt_http_session_on_close(s, opsub_closed, o);
	/* Sent to this stream alone: build it aside the others. */
	m_opsub *others = m->opsubs;
	size_t nothers = m->nopsubs;
	m->opsubs = NULL;
	DL_APPEND(m->opsubs, o);
	m->nopsubs = 1;
	rt_arena *a = rt_arena_create();
	Event *ev = event_new(a, MESOS__V1__MASTER__EVENT__TYPE__SUBSCRIBED);
	ev->subscribed = rt_arena_alloc(a, sizeof *ev->subscribed);
	mesos__v1__master__event__subscribed__init(ev->subscribed);
	ev->subscribed->get_state = master_view_state(m, a);
	ev->subscribed->has_heartbeat_interval_seconds = true;
	ev->subscribed->heartbeat_interval_seconds = m->flags.heartbeat_interval;
	broadcast(m, ev);
	rt_arena_destroy(a);
	master_op_heartbeat(m);
	/* The stream may have been closed already (it could not take the state). */
	m_opsub *mine = m->opsubs;
	m->opsubs = others;
	m->nopsubs = nothers;
	if (mine) {
		DL_APPEND(m->opsubs, mine);
		m->nopsubs++;
	}
	rt_log(RT_INFO, "operator event stream to %s opened (%s)", rt_http_session_peer(s), json ? "JSON" : "protobuf");
}

/* -------------------------------------------------------------- dispatch */

/* The payload a call type needs, as Mesos's validation names it, or NULL. */
static const char *payload_missing(const Call *c)
{
	switch (c->type) {
	case MESOS__V1__MASTER__CALL__TYPE__GET_METRICS:
		return c->get_metrics ? NULL : "get_metrics";
	case MESOS__V1__MASTER__CALL__TYPE__UPDATE_WEIGHTS:
		return c->update_weights ? NULL : "update_weights";
	case MESOS__V1__MASTER__CALL__TYPE__RESERVE_RESOURCES:
		return c->reserve_resources ? NULL : "reserve_resources";
	case MESOS__V1__MASTER__CALL__TYPE__UNRESERVE_RESOURCES:
		return c->unreserve_resources ? NULL : "unreserve_resources";
	case MESOS__V1__MASTER__CALL__TYPE__CREATE_VOLUMES:
		return c->create_volumes ? NULL : "create_volumes";
	case MESOS__V1__MASTER__CALL__TYPE__DESTROY_VOLUMES:
		return c->destroy_volumes ? NULL : "destroy_volumes";
	case MESOS__V1__MASTER__CALL__TYPE__UPDATE_MAINTENANCE_SCHEDULE:
		return c->update_maintenance_schedule ? NULL : "update_maintenance_schedule";
	case MESOS__V1__MASTER__CALL__TYPE__START_MAINTENANCE:
		return c->start_maintenance ? NULL : "start_maintenance";
	case MESOS__V1__MASTER__CALL__TYPE__STOP_MAINTENANCE:
		return c->stop_maintenance ? NULL : "stop_maintenance";
	case MESOS__V1__MASTER__CALL__TYPE__DRAIN_AGENT:
		return c->drain_agent ? NULL : "drain_agent";
	case MESOS__V1__MASTER__CALL__TYPE__DEACTIVATE_AGENT:
		return c->deactivate_agent ? NULL : "deactivate_agent";
	case MESOS__V1__MASTER__CALL__TYPE__REACTIVATE_AGENT:
		return c->reactivate_agent ? NULL : "reactivate_agent";
	case MESOS__V1__MASTER__CALL__TYPE__UPDATE_QUOTA:
		return c->update_quota ? NULL : "update_quota";
	case MESOS__V1__MASTER__CALL__TYPE__SET_QUOTA:
		return c->set_quota ? NULL : "set_quota";
	case MESOS__V1__MASTER__CALL__TYPE__REMOVE_QUOTA:
		return c->remove_quota ? NULL : "remove_quota";
	case MESOS__V1__MASTER__CALL__TYPE__TEARDOWN:
		return c->teardown ? NULL : "teardown";
	case MESOS__V1__MASTER__CALL__TYPE__MARK_AGENT_GONE:
		return c->mark_agent_gone ? NULL : "mark_agent_gone";
	case MESOS__V1__MASTER__CALL__TYPE__SET_LOGGING_LEVEL:
		return c->set_logging_level ? NULL : "set_logging_level";
	default:
		return NULL;
	}
}

/* Why a call Meso does not serve is answered 501, or NULL when it serves it. */
static const char *not_served(Mesos__V1__Master__Call__Type type)
{
	switch (type) {
	case MESOS__V1__MASTER__CALL__TYPE__UNKNOWN:
		return "Unknown call type";
	case MESOS__V1__MASTER__CALL__TYPE__LIST_FILES:
	case MESOS__V1__MASTER__CALL__TYPE__READ_FILE:
		return "The master serves no files: read task sandboxes from the agents";
	case MESOS__V1__MASTER__CALL__TYPE__GROW_VOLUME:
	case MESOS__V1__MASTER__CALL__TYPE__SHRINK_VOLUME:
		return "Resizing persistent volumes (GROW_VOLUME, SHRINK_VOLUME) is not supported by Meso";
	case MESOS__V1__MASTER__CALL__TYPE__SET_QUOTA:
	case MESOS__V1__MASTER__CALL__TYPE__REMOVE_QUOTA:
		return "SET_QUOTA and REMOVE_QUOTA are deprecated in Mesos 1.11: use UPDATE_QUOTA";
	default:
		return NULL;
	}
}

static Response *response_new(rt_arena *a, Mesos__V1__Master__Response__Type type)
{
	Response *r = rt_arena_alloc(a, sizeof *r);
	mesos__v1__master__response__init(r);
	r->has_type = true;
	r->type = type;
	return r;
}

#define ALLOC_INIT(a, p, fn)                                                                                           \
	do {                                                                                                           \
		(p) = rt_arena_alloc((a), sizeof *(p));                                                                \
		fn(p);                                                                                                 \
	} while (0)

/* GET_* calls: the response, built in a. */
static Response *get_call(master *m, const Call *c, rt_arena *a)
{
	Response *r;
	switch (c->type) {
	case MESOS__V1__MASTER__CALL__TYPE__GET_HEALTH:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_HEALTH);
		ALLOC_INIT(a, r->get_health, mesos__v1__master__response__get_health__init);
		r->get_health->healthy = true;
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_FLAGS:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_FLAGS);
		ALLOC_INIT(a, r->get_flags, mesos__v1__master__response__get_flags__init);
		r->get_flags->n_flags = master_view_flags(m, a, &r->get_flags->flags);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_VERSION:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_VERSION);
		ALLOC_INIT(a, r->get_version, mesos__v1__master__response__get_version__init);
		r->get_version->version_info = rt_opview_version(a);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_METRICS: {
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_METRICS);
		ALLOC_INIT(a, r->get_metrics, mesos__v1__master__response__get_metrics__init);
		json_t *snap = master_metrics_snapshot(m);
		r->get_metrics->n_metrics = rt_opview_metrics(a, snap, &r->get_metrics->metrics);
		json_decref(snap);
		return r;
	}
	case MESOS__V1__MASTER__CALL__TYPE__GET_LOGGING_LEVEL:
		/* Mesos's level is glog's verbosity, 0 by default (rt_loglevel). */
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_LOGGING_LEVEL);
		ALLOC_INIT(a, r->get_logging_level, mesos__v1__master__response__get_logging_level__init);
		r->get_logging_level->level = rt_loglevel_get(&m->loglevel);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_STATE:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_STATE);
		r->get_state = master_view_state(m, a);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_AGENTS:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_AGENTS);
		r->get_agents = master_view_agents(m, a);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_FRAMEWORKS:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_FRAMEWORKS);
		r->get_frameworks = master_view_frameworks(m, a);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_EXECUTORS:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_EXECUTORS);
		r->get_executors = master_view_executors(m, a);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_OPERATIONS:
		/* Meso's operations finish at once: those listed wait for the
		 * acknowledgement of their OPERATION_FINISHED. */
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_OPERATIONS);
		r->get_operations = rt_arena_alloc(a, sizeof *r->get_operations);
		mesos__v1__master__response__get_operations__init(r->get_operations);
		r->get_operations->n_operations = master_opstatus_view(m, a, &r->get_operations->operations);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_TASKS:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_TASKS);
		r->get_tasks = master_view_tasks(m, a);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_ROLES:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_ROLES);
		ALLOC_INIT(a, r->get_roles, mesos__v1__master__response__get_roles__init);
		r->get_roles->n_roles = master_view_roles(m, a, &r->get_roles->roles);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_WEIGHTS:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_WEIGHTS);
		ALLOC_INIT(a, r->get_weights, mesos__v1__master__response__get_weights__init);
		r->get_weights->n_weight_infos = master_view_weights(m, a, &r->get_weights->weight_infos);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_MASTER:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_MASTER);
		ALLOC_INIT(a, r->get_master, mesos__v1__master__response__get_master__init);
		r->get_master->master_info = master_view_master_info(m, a);
		r->get_master->has_start_time = true;
		r->get_master->start_time = rt_wall_seconds() - (double)(rt_mono_ns() - m->start_ns) / 1e9;
		r->get_master->has_elected_time = true;
		r->get_master->elected_time = m->elected_wall;
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_QUOTA:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_QUOTA);
		ALLOC_INIT(a, r->get_quota, mesos__v1__master__response__get_quota__init);
		r->get_quota->status = master_view_quota(m, a);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_MAINTENANCE_SCHEDULE:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_MAINTENANCE_SCHEDULE);
		ALLOC_INIT(a, r->get_maintenance_schedule, mesos__v1__master__response__get_maintenance_schedule__init);
		r->get_maintenance_schedule->schedule = master_view_schedule(m, a);
		return r;
	case MESOS__V1__MASTER__CALL__TYPE__GET_MAINTENANCE_STATUS:
		r = response_new(a, MESOS__V1__MASTER__RESPONSE__TYPE__GET_MAINTENANCE_STATUS);
		ALLOC_INIT(a, r->get_maintenance_status, mesos__v1__master__response__get_maintenance_status__init);
		r->get_maintenance_status->status = master_view_maintenance_status(m, a);
		return r;
	default:
		return NULL;
	}
}

static bool opt_eq(const char *a, const char *b)
{
	return !a == !b && (!a || !strcmp(a, b));
}

/* Two reservation entries alike (role, type, principal). */
static bool entry_equal(const Mesos__V1__Resource__ReservationInfo *a, const Mesos__V1__Resource__ReservationInfo *b)
{
	return opt_eq(a->role, b->role) && a->type == b->type && opt_eq(a->principal, b->principal);
}

/* RESERVE_RESOURCES' `source` (Mesos 1.11's re-reservation): the same
 * quantities, one stack, checked as Mesos does; Meso carries out the
 * re-reservations that push one reservation onto the source (a refinement,
 * or a reservation of unreserved resources): non-zero with msg otherwise. */
static int source_check(master *m, Mesos__V1__Resource *const *src, size_t n, const m_resv *r, char *msg, size_t len)
{
	for (size_t i = 1; i < n; i++) {
		bool same = src[i]->n_reservations == src[0]->n_reservations;
		for (size_t k = 0; same && k < src[0]->n_reservations; k++)
			same = entry_equal(src[i]->reservations[k], src[0]->reservations[k]);
		if (!same) {
			snprintf(msg, len, "Invalid source: Mixed reservations are not supported");
			return -1;
		}
	}
	ac_resources set, want;
	ac_err err;
	if (rt_resources_from_pb(m->core, src, n, &set, &err) != 0) {
		snprintf(msg, len, "Invalid source: %s", err.msg);
		return -1;
	}
	master_resv_set(r, &want);
	ac_resources flat;
	(void)ac_resources_unreserved(&set, &flat); /* (a failure leaves it unequal) */
	if (!ac_resources_equal(&flat, &want)) {
		snprintf(msg, len, "Source and target resources should refer to identical resource quantities");
		return -1;
	}
	const Mesos__V1__Resource *s0 = src[0];
	bool ok = s0->n_reservations == r->nbelow;
	for (uint32_t i = 0; ok && i < r->nbelow; i++) {
		Mesos__V1__Resource__ReservationInfo e = *s0->reservations[i];
		e.role = (char *)ac_role_name(m->core, r->below[i].role);
		e.principal = r->below[i].principal;
		ok = s0->reservations[i]->role && entry_equal(s0->reservations[i], &e) &&
		     (e.type != MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__STATIC) == r->below[i].dynamic;
	}
	if (!ok) {
		snprintf(msg, len,
		         "Meso takes a 'source' only when 'resources' push one reservation onto it (a refinement, or "
		         "a reservation of unreserved resources): unreserve first");
		return -1;
	}
	return 0;
}

/* RESERVE_RESOURCES and UNRESERVE_RESOURCES: from the agent's unused
 * resources; as Mesos, the agent's offers are rescinded when they hold what
 * is asked for. 202 when done, else an HTTP status with msg. */
static int reserve_call(master *m, const Call *c, char *msg, size_t len)
{
	bool reserve = c->type == MESOS__V1__MASTER__CALL__TYPE__RESERVE_RESOURCES;
	const Mesos__V1__AgentID *aid = reserve ? c->reserve_resources->agent_id : c->unreserve_resources->agent_id;
	Mesos__V1__Resource *const *res = reserve ? c->reserve_resources->resources : c->unreserve_resources->resources;
	size_t n = reserve ? c->reserve_resources->n_resources : c->unreserve_resources->n_resources;
	m_agent *a = master_agent_find(m, aid->value);
	if (!a) {
		snprintf(msg, len, "No agent found with specified ID");
		return 400;
	}
	m_resv r;
	const char *why = master_resv_parse(m, res, n, reserve, &r, msg, len);
	if (why) {
		if (why != msg)
			snprintf(msg, len, "%s", why);
		return 400;
	}
	if (reserve && c->reserve_resources->n_source &&
	    source_check(m, c->reserve_resources->source, c->reserve_resources->n_source, &r, msg, len))
		return 400;
	const char *role = ac_role_name(m->core, r.role), *principal = r.principal;
	/* reserve_resources on the role, unreserve_resources on the reserver (Mesos: 403, no body). */
	if (!master_authorized(m, reserve ? RT_ACL_RESERVE_RESOURCES : RT_ACL_UNRESERVE_RESOURCES, m->principal,
	                       reserve ? role : principal)) {
		msg[0] = '\0';
		return 403;
	}
	ac_err err;
	for (int attempt = 0; attempt < 2; attempt++) {
		int rc = reserve ? master_resv_reserve(m, a, NULL, &r, &err)
		                 : master_resv_unreserve(m, a, NULL, &r, &err);
		if (rc == 0) {
			rt_log(RT_INFO, "operator: %s on agent %s for role %s done", reserve ? "RESERVE" : "UNRESERVE",
			       a->id, role);
			master_allocate_agent_soon(m, a);
			return 202;
		}
		if (rc != AC_EINVAL || !a->offers)
			break;
		/* Perhaps offered: take the agent's offers back and try again. */
		ac_agent_update(m->core, a->ac, &a->total, NULL);
	}
	snprintf(msg, len, "Insufficient resources: %s", err.msg);
	return 409;
}

/* Calls that change something: 0 (200, no body) or an HTTP status with msg. */
static int change_call(master *m, const Call *c, char *msg, size_t len)
{
	switch (c->type) {
	case MESOS__V1__MASTER__CALL__TYPE__RESERVE_RESOURCES:
	case MESOS__V1__MASTER__CALL__TYPE__UNRESERVE_RESOURCES:
		return reserve_call(m, c, msg, len);
	case MESOS__V1__MASTER__CALL__TYPE__CREATE_VOLUMES:
	case MESOS__V1__MASTER__CALL__TYPE__DESTROY_VOLUMES:
		return master_vol_operator(m, c, msg, len);
	case MESOS__V1__MASTER__CALL__TYPE__UPDATE_WEIGHTS:
		return master_weights_update(m, c->update_weights->weight_infos, c->update_weights->n_weight_infos, msg,
		                             len);
	case MESOS__V1__MASTER__CALL__TYPE__UPDATE_QUOTA:
		return master_quota_update(m, c->update_quota->quota_configs, c->update_quota->n_quota_configs,
		                           c->update_quota->has_force && c->update_quota->force, msg, len);
	case MESOS__V1__MASTER__CALL__TYPE__SET_LOGGING_LEVEL:
		return rt_loglevel_set(&m->loglevel, c->set_logging_level->level,
		                       (double)c->set_logging_level->duration->nanoseconds / 1e9, msg, len);
	case MESOS__V1__MASTER__CALL__TYPE__TEARDOWN: {
		m_fw *fw = master_fw_find(m, c->teardown->framework_id->value);
		if (!fw) {
			snprintf(msg, len, "No framework found with specified ID");
			return 400;
		}
		if (!master_may_teardown(m, fw, msg, len))
			return 403;
		master_fw_remove(m, fw, "TEARDOWN by an operator");
		return 0;
	}
	case MESOS__V1__MASTER__CALL__TYPE__DRAIN_AGENT: {
		const Mesos__V1__Master__Call__DrainAgent *d = c->drain_agent;
		int64_t grace = -1;
		if (d->max_grace_period) {
			grace = d->max_grace_period->seconds * 1000000000LL + d->max_grace_period->nanos;
			if (grace < 0) {
				snprintf(msg, len, "Failed to validate master::Call: 'max_grace_period' is negative");
				return 400;
			}
		}
		return master_agent_op_drain(m, d->agent_id->value, grace, d->has_mark_gone && d->mark_gone, msg, len);
	}
	case MESOS__V1__MASTER__CALL__TYPE__DEACTIVATE_AGENT:
		return master_agent_op_deactivate(m, c->deactivate_agent->agent_id->value, msg, len);
	case MESOS__V1__MASTER__CALL__TYPE__REACTIVATE_AGENT:
		return master_agent_op_reactivate(m, c->reactivate_agent->agent_id->value, msg, len);
	case MESOS__V1__MASTER__CALL__TYPE__MARK_AGENT_GONE: {
		m_agent *a = master_agent_find(m, c->mark_agent_gone->agent_id->value);
		if (!a) {
			snprintf(msg, len, "Agent not found");
			return 404;
		}
		a->gone_by_operator = true;
		master_agent_remove(m, a, "marked gone by an operator");
		return 0;
	}
	case MESOS__V1__MASTER__CALL__TYPE__UPDATE_MAINTENANCE_SCHEDULE:
		return master_schedule_update(m, c->update_maintenance_schedule->schedule, msg, len);
	case MESOS__V1__MASTER__CALL__TYPE__START_MAINTENANCE:
		return master_machines_down(m, c->start_maintenance->machines, c->start_maintenance->n_machines, msg,
		                            len);
	case MESOS__V1__MASTER__CALL__TYPE__STOP_MAINTENANCE:
		return master_machines_up(m, c->stop_maintenance->machines, c->stop_maintenance->n_machines, msg, len);
	default:
		snprintf(msg, len, "This call is not implemented by Meso");
		return 501;
	}
}

void master_operator_call(master *m, rt_http_session *s, const rt_http_request *req)
{
	Call *call = (Call *)rt_api_operator_call(&mesos__v1__master__call__descriptor, "master", s, req);
	if (!call)
		return;
	char msg[600], what[80], num[32];
	snprintf(what, sizeof what, "operator call %s",
	         rt_api_enum_name(&mesos__v1__master__call__type__descriptor, (int)call->type, num, sizeof num));
	const char *missing = payload_missing(call);
	if (missing) {
		snprintf(msg, sizeof msg, "Failed to validate master::Call: Expecting '%s' to be present", missing);
		rt_api_refuse(s, 400, what, msg);
		goto out;
	}
	bool json;
	char why[160];
	int rc = rt_api_stream_encoding(req, &json, why, sizeof why);
	if (rc != 0) {
		rt_api_refuse(s, rc, what, why);
		goto out;
	}
	const char *unserved = not_served(call->type);
	if (unserved) {
		rt_api_refuse(s, 501, what, unserved);
		goto out;
	}
	rt_log(RT_DEBUG, "%s from %s", what, rt_http_session_peer(s));
	if (call->type == MESOS__V1__MASTER__CALL__TYPE__SUBSCRIBE) {
		subscribe(m, s, json);
		goto out;
	}
	rt_arena *a = rt_arena_create();
	Response *r = get_call(m, call, a);
	if (r) {
		rt_api_reply(s, json, &r->base);
	} else {
		rc = change_call(m, call, msg, sizeof msg);
		if (rc == 0 || rc == 202)
			rt_http_reply(s, rc ? rc : 200, NULL, "", 0, NULL);
		else
			rt_api_refuse(s, rc, what, msg);
	}
	rt_arena_destroy(a);
out:
	mesos__v1__master__call__free_unpacked(call, NULL);
}

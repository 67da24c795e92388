/*
 * master_mesos.c — the master's state and metrics in Mesos's own shapes, for
 * tools written against Mesos: /master/state (the v0 state JSON, Mesos's
 * field names and resource "model" maps) and /metrics/snapshot (a flat JSON
 * object of Mesos metric names). Our own /state and /metrics stay beside them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "master.h"
#include "rt_attributes.h"
#include "rt_flags.h"
#include "rt_jsonp.h"
#include "rt_pbjson.h"
#include "rt_resources.h"

/* Scalars every Mesos resource map holds (rt_resources_model_new), in its
 * order: the metrics sum them. */
static const char *const model_scalars[] = {"cpus", "gpus", "mem", "disk"};
#define N_MODEL_SCALARS (sizeof model_scalars / sizeof *model_scalars)

/* Mesos's v0 resource maps ("model" objects), shared with the agent's
 * /slave(1)/state: rt_resources.c. */
static json_t *model_new(void)
{
	return rt_resources_model_new();
}

static void model_add(const master *m, json_t *map, const ac_resources *r)
{
	rt_resources_model_add(m->core, map, r);
}

static json_t *model_of(const master *m, const ac_resources *r)
{
	return rt_resources_model(m->core, r);
}

/* The version we answer as: Mesos's API level, marked as ours (as in SUBSCRIBED). */
#define MESO_MESOS_VERSION MASTER_VERSION

/* Wall-clock seconds of a monotonic instant, as Mesos's *_time fields. */
static double wall_secs(int64_t mono_ns)
{
	return rt_wall_seconds() - (double)(rt_mono_ns() - mono_ns) / 1e9;
}

/* Mesos's MasterInfo.ip: the network-order address read as a host integer. */
static json_int_t ip_as_int(const char *ip)
{
	struct in_addr in;
	if (inet_pton(AF_INET, ip, &in) != 1)
		return 0;
	return (json_int_t)in.s_addr;
}

static json_t *leader_info(const master *m)
{
	const char *ip = m->flags.ip ? m->flags.ip : "127.0.0.1";
	int port = rt_http_server_port(m->http);
	char pid[300];
	snprintf(pid, sizeof pid, "master@%s:%d", ip, port);
	json_t *j = json_object();
	json_t *addr = json_object();
	json_object_set_new(addr, "hostname", json_string(m->flags.hostname));
	json_object_set_new(addr, "ip", json_string(ip));
	json_object_set_new(addr, "port", json_integer(port));
	json_object_set_new(j, "address", addr);
	json_object_set_new(j, "hostname", json_string(m->flags.hostname));
	json_object_set_new(j, "id", json_string(m->id));
	json_object_set_new(j, "ip", json_integer(ip_as_int(ip)));
	json_object_set_new(j, "pid", json_string(pid));
	json_object_set_new(j, "port", json_integer(port));
	json_object_set_new(j, "version", json_string(MESO_MESOS_VERSION));
	return j;
}

/* Mesos's TaskStatus model: state and timestamp (no labels, container
 * status or health here: our updates carry none the master keeps). */
static json_t *statuses_json(const m_task_status *st, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "state", json_string(rt_task_state_name(st[i].state)));
		json_object_set_new(j, "timestamp", json_real(st[i].timestamp));
		json_array_append_new(a, j);
	}
	return a;
}

/* Mesos's Task model. executor_id is "" for a task with a CommandInfo (no
 * executor of its own); role is its framework's (one role per framework). */
static json_t *task_model(const char *id, const char *name, const char *fw_id, const char *executor_id,
                          const char *agent_id, Mesos__V1__TaskState state, json_t *resources, const char *role,
                          const m_task_status *st, unsigned nst)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "framework_id", json_string(fw_id));
	json_object_set_new(j, "executor_id", json_string(executor_id ? executor_id : ""));
	json_object_set_new(j, "slave_id", json_string(agent_id));
	json_object_set_new(j, "state", json_string(rt_task_state_name(state)));
	json_object_set_new(j, "resources", resources);
	json_object_set_new(j, "role", json_string(role));
	json_object_set_new(j, "statuses", statuses_json(st, nst));
	return j;
}

static json_t *task_json(const master *m, const m_task *t)
{
	return task_model(t->id, t->name, t->fw->id, t->executor_id, t->agent->id, t->state, model_of(m, &t->res),
	                  master_fw_role_held(m, t->fw, t->fwac), t->statuses, t->nstatuses);
}

/* A completed task: its resources were kept as alloccore's text. */
static json_t *done_task_json(const master *m, const m_done_task *d, const char *fw_id, const char *role)
{
	ac_resources r;
	json_t *res = model_new();
	if (ac_resources_parse(m->core, d->resources, &r, NULL) == 0)
		model_add(m, res, &r);
	return task_model(d->id, d->name, fw_id, d->executor_id, d->agent_id, d->state, res, role, d->statuses,
	                  d->nstatuses);
}

static json_t *done_tasks_json(const master *m, const m_done_tasks *l, const char *fw_id, const char *role)
{
	json_t *a = json_array();
	for (const m_done_task *d = l->head; d; d = d->next)
		json_array_append_new(a, done_task_json(m, d, fw_id, role));
	return a;
}

/* The fields a live and a completed framework share, in Mesos's order. */
static json_t *fw_head_json(const char *id, const char *name, const char *user, const char *role,
                            double failover_timeout, bool connected, bool recovered)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "user", json_string(user));
	json_object_set_new(j, "role", json_string(role));
	json_object_set_new(j, "hostname", json_string(""));
	json_object_set_new(j, "webui_url", json_string(""));
	json_object_set_new(j, "failover_timeout", json_real(failover_timeout));
	json_object_set_new(j, "checkpoint", json_false());
	json_object_set_new(j, "connected", json_boolean(connected));
	json_object_set_new(j, "recovered", json_boolean(recovered));
	return j;
}

static json_t *framework_json(const master *m, const m_fw *fw)
{
	json_t *j = fw_head_json(fw->id, fw->name, fw->user, fw->role, fw->failover_timeout, fw->stream != NULL,
	                         fw->recovered);
	json_t *roles = json_array(); /* Mesos: every role of the framework; `role` is the first */
	for (size_t i = 0; i < master_fw_nroles(m, fw, false); i++)
		json_array_append_new(roles, json_string(master_fw_role_at(m, fw, i, NULL)));
	json_object_set_new(j, "roles", roles);
	ac_fw_info info;
	bool active = false;
	if (ac_fw_info_get(m->core, master_fw_core(m, fw), &info, NULL) == 0)
		active = info.active;
	json_object_set_new(j, "active", json_boolean(active && fw->stream != NULL));
	json_object_set_new(j, "registered_time", json_real(wall_secs(fw->registered_ns)));
	json_object_set_new(j, "unregistered_time", json_real(0)); /* Mesos: 0 until removed */
	json_object_set_new(j, "capabilities", json_array());
	if (fw->partition_aware)
		json_array_append_new(json_object_get(j, "capabilities"), json_string("PARTITION_AWARE"));

	json_t *used = model_new(), *offered = model_new();
	json_t *tasks = json_array(), *offers = json_array();
	for (m_task *t = fw->tasks; t; t = t->fw_next) {
		model_add(m, used, &t->res);
		if (master_can_view_task(m, m->principal, t)) /* view_tasks */
			json_array_append_new(tasks, task_json(m, t));
	}
	/* Mesos counts what executors hold as used. */
	for (m_exec *e = fw->execs; e; e = e->fw_next)
		model_add(m, used, &e->res);
	for (m_offer *o = fw->offers; o; o = o->fw_next) {
		model_add(m, offered, &o->res);
		json_t *oj = json_object();
		json_object_set_new(oj, "id", json_string(o->id));
		json_object_set_new(oj, "framework_id", json_string(fw->id));
		json_object_set_new(oj, "slave_id", json_string(o->agent->id));
		json_object_set_new(oj, "resources", model_of(m, &o->res));
		json_array_append_new(offers, oj);
	}
	/* Mesos: "resources" is what the framework holds, used plus offered. */
	json_t *res = json_deep_copy(used);
	const char *key;
	json_t *v;
	json_object_foreach(offered, key, v)
	{
		if (json_is_number(v))
			json_object_set_new(
			        res, key,
			        json_real(json_number_value(json_object_get(res, key)) + json_number_value(v)));
	}
	json_object_set_new(j, "used_resources", used);
	json_object_set_new(j, "offered_resources", offered);
	json_object_set_new(j, "resources", res);
	json_object_set_new(j, "tasks", tasks);
	json_object_set_new(j, "unreachable_tasks", json_array());
	json_object_set_new(j, "completed_tasks", done_tasks_json(m, &fw->done, fw->id, fw->role));
	json_object_set_new(j, "offers", offers);
	json_object_set_new(j, "executors", json_array());
	return j;
}

/* A completed framework: the fields of a live one, inactive and holding
 * nothing, with the time it was removed and its completed tasks. */
static json_t *done_framework_json(const master *m, const m_done_fw *d)
{
	json_t *j = fw_head_json(d->id, d->name, d->user, d->role, d->failover_timeout, false, d->recovered);
	json_object_set_new(j, "active", json_false());
	json_object_set_new(j, "registered_time", json_real(d->registered_wall));
	json_object_set_new(j, "unregistered_time", json_real(d->unregistered_wall));
	json_t *caps = json_array();
	if (d->partition_aware)
		json_array_append_new(caps, json_string("PARTITION_AWARE"));
	json_object_set_new(j, "capabilities", caps);
	json_object_set_new(j, "used_resources", model_new());
	json_object_set_new(j, "offered_resources", model_new());
	json_object_set_new(j, "resources", model_new());
	json_object_set_new(j, "tasks", json_array());
	json_object_set_new(j, "unreachable_tasks", json_array());
	json_object_set_new(j, "completed_tasks", done_tasks_json(m, &d->tasks, d->id, d->role));
	json_object_set_new(j, "offers", json_array());
	json_object_set_new(j, "executors", json_array());
	return j;
}

/* Mesos's reserved_resources_full: role -> its reserved Resources as JSON,
 * persistent volumes with their disk.persistence. */
static json_t *reserved_full(const master *m, const m_agent *a)
{
	rt_arena *ar = rt_arena_create();
	size_t n = 0;
	const m_volsel all = {.all = true};
	Mesos__V1__Resource **res = master_resources_pb_vols((master *)m, a, &a->total, NULL, &all, ar, &n);
	json_t *o = rt_resources_full(res, n);
	rt_arena_destroy(ar);
	return o;
}

static json_t *slave_json(const master *m, const m_agent *a)
{
	json_t *j = json_object();
	char pid[300];
	snprintf(pid, sizeof pid, "slave(1)@%s:%d", a->hostname ? a->hostname : "", a->port);
	json_object_set_new(j, "id", json_string(a->id));
	json_object_set_new(j, "hostname", json_string(a->hostname ? a->hostname : ""));
	json_object_set_new(j, "port", json_integer(a->port));
	json_object_set_new(j, "pid", json_string(pid));
	json_object_set_new(j, "attributes", rt_attributes_model(a->attributes));
	json_object_set_new(j, "registered_time", json_real(wall_secs(a->registered_ns)));
	json_object_set_new(j, "resources", model_of(m, &a->total));
	/* Split by reservation role, static and dynamic together, as Mesos. */
	json_object_set_new(j, "unreserved_resources", rt_resources_model_unreserved(m->core, &a->total));
	json_object_set_new(j, "reserved_resources", rt_resources_model_reserved(m->core, &a->total));
	json_object_set_new(j, "reserved_resources_full", reserved_full(m, a));
	json_t *used = model_new(), *offered = model_new();
	for (m_task *t = a->tasks; t; t = t->agent_next)
		model_add(m, used, &t->res);
	for (m_exec *e = a->execs; e; e = e->agent_next)
		model_add(m, used, &e->res);
	for (m_offer *o = a->offers; o; o = o->agent_next)
		model_add(m, offered, &o->res);
	json_object_set_new(j, "used_resources", used);
	json_object_set_new(j, "offered_resources", offered);
	json_object_set_new(j, "active", json_boolean(a->conn != NULL && !a->deactivated));
	json_object_set_new(j, "deactivated", json_boolean(a->deactivated));
	json_object_set_new(j, "version", json_string(MESO_MESOS_VERSION));
	json_object_set_new(j, "capabilities", json_array());
	rt_arena *ar = rt_arena_create();
	Mesos__V1__DrainInfo *drain = master_view_drain_info(a, ar);
	if (drain)
		json_object_set_new(j, "drain_info", rt_pbjson_from_message(&drain->base));
	rt_arena_destroy(ar);
	return j;
}

void master_serve_mesos_state(master *m, rt_http_session *s, const char *query)
{
	char cb[RT_JSONP_MAX + 1];
	if (!rt_jsonp_check(s, query, cb))
		return;
	json_t *root = json_object();
	char pid[300];
	const char *ip = m->flags.ip ? m->flags.ip : "127.0.0.1";
	int port = rt_http_server_port(m->http);
	snprintf(pid, sizeof pid, "master@%s:%d", ip, port);
	json_object_set_new(root, "version", json_string(MESO_MESOS_VERSION));
	json_object_set_new(root, "id", json_string(m->id));
	json_object_set_new(root, "pid", json_string(pid));
	json_object_set_new(root, "hostname", json_string(m->flags.hostname));
	if (m->flags.cluster)
		json_object_set_new(root, "cluster", json_string(m->flags.cluster));
	json_object_set_new(root, "start_time", json_real(wall_secs(m->start_ns)));
	json_object_set_new(root, "elected_time", json_real(m->elected_wall));
	json_object_set_new(root, "leader", json_string(pid));
	json_object_set_new(root, "leader_info", leader_info(m));
	json_object_set_new(root, "capabilities", json_array());

	size_t active = 0, inactive = 0;
	json_t *slaves = json_array();
	for (m_agent *a = m->agents; a; a = a->next) {
		bool on = a->conn != NULL && !a->deactivated;
		active += on;
		inactive += !on;
		json_array_append_new(slaves, slave_json(m, a));
	}
	json_object_set_new(root, "activated_slaves", json_integer((json_int_t)active));
	json_object_set_new(root, "deactivated_slaves", json_integer((json_int_t)inactive));
	json_object_set_new(root, "unreachable_slaves", json_integer(0));
	json_object_set_new(root, "slaves", slaves);
	json_object_set_new(root, "recovered_slaves", json_array());

	json_t *fws = json_array();
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		if (master_can_view_fw(m, m->principal, fw)) /* view_frameworks */
			json_array_append_new(fws, framework_json(m, fw));
	json_object_set_new(root, "frameworks", fws);
	json_t *done = json_array();
	for (const m_done_fw *d = m->done_fws; d; d = d->next)
		if (!m->acls || master_authorized(m, RT_ACL_VIEW_FRAMEWORKS, m->principal, d->user ? d->user : ""))
			json_array_append_new(done, done_framework_json(m, d));
	json_object_set_new(root, "completed_frameworks", done);
	json_object_set_new(root, "orphan_tasks", json_array());
	json_object_set_new(root, "unregistered_frameworks", json_array());

	/* Every flag, as /flags and GET_FLAGS give them. */
	rt_arena *fa = rt_arena_create();
	Mesos__V1__Flag **fl;
	size_t nf = master_view_flags(m, fa, &fl);
	json_object_set_new(root, "flags", rt_opview_flags_json(fl, nf));
	rt_arena_destroy(fa);
	rt_jsonp_reply(s, root, cb, NULL);
}

/* Adds a set's cpus, mem, disk and gpus to sums[4] (model_scalars order). */
static void scalars_add(const master *m, double sums[N_MODEL_SCALARS], const ac_resources *r)
{
	json_t *map = model_of(m, r);
	for (size_t i = 0; i < N_MODEL_SCALARS; i++)
		sums[i] += json_number_value(json_object_get(map, model_scalars[i]));
	json_decref(map);
}

void master_serve_metrics_snapshot(master *m, rt_http_session *s, const char *query)
{
	char cb[RT_JSONP_MAX + 1];
	if (!rt_jsonp_check(s, query, cb))
		return;
	rt_jsonp_reply(s, master_metrics_snapshot(m), cb, NULL);
}

json_t *master_metrics_snapshot(master *m)
{
	const master_metrics *x = &m->metrics;
	json_t *root = json_object();
#define PUT(name, v) json_object_set_new(root, name, json_real((double)(v)))
	PUT("master/elected", m->leading ? 1 : 0);
	PUT("master/uptime_secs", (double)(rt_mono_ns() - m->start_ns) / 1e9);
	PUT("registrar/state_pending", master_registry_pending(m) ? 1 : 0); /* ours */

	size_t s_act = 0, s_conn = 0, s_n = 0;
	double total[N_MODEL_SCALARS] = {0}, used[N_MODEL_SCALARS] = {0}, offered[N_MODEL_SCALARS] = {0};
	for (m_agent *a = m->agents; a; a = a->next) {
		s_n++;
		s_conn += a->conn != NULL;
		s_act += a->conn != NULL && !a->deactivated;
		scalars_add(m, total, &a->total);
	}
	PUT("master/slaves_active", s_act);
	PUT("master/slaves_inactive", s_n - s_act);
	PUT("master/slaves_connected", s_conn);
	PUT("master/slaves_disconnected", s_n - s_conn);
	PUT("master/slaves_unreachable", 0);

	size_t f_act = 0, f_conn = 0, f_n = 0;
	for (m_fw *fw = m->fws; fw; fw = fw->next) {
		ac_fw_info info;
		f_n++;
		f_conn += fw->stream != NULL;
		f_act += fw->stream != NULL && ac_fw_info_get(m->core, master_fw_core(m, fw), &info, NULL) == 0 &&
		         info.active;
	}
	PUT("master/frameworks_active", f_act);
	PUT("master/frameworks_inactive", f_n - f_act);
	PUT("master/frameworks_connected", f_conn);
	PUT("master/frameworks_disconnected", f_n - f_conn);

	size_t staging = 0, starting = 0, running = 0, killing = 0, noffers = 0;
	for (m_task *t = m->tasks; t; t = t->next) {
		staging += t->state == MESOS__V1__TASK_STATE__TASK_STAGING;
		starting += t->state == MESOS__V1__TASK_STATE__TASK_STARTING;
		running += t->state == MESOS__V1__TASK_STATE__TASK_RUNNING;
		killing += t->state == MESOS__V1__TASK_STATE__TASK_KILLING;
		scalars_add(m, used, &t->res);
	}
	for (m_exec *e = m->execs; e; e = e->next)
		scalars_add(m, used, &e->res);
	for (m_offer *o = m->offers; o; o = o->next) {
		noffers++;
		scalars_add(m, offered, &o->res);
	}
	PUT("master/tasks_staging", staging);
	PUT("master/tasks_starting", starting);
	PUT("master/tasks_running", running);
	PUT("master/tasks_killing", killing);
	PUT("master/tasks_finished", x->tasks_finished);
	PUT("master/tasks_failed", x->tasks_failed);
	PUT("master/tasks_killed", x->tasks_killed);
	PUT("master/tasks_lost", x->tasks_lost);
	PUT("master/tasks_error", x->tasks_error);
	PUT("master/tasks_dropped", x->tasks_dropped);
	PUT("master/tasks_unreachable", 0);
	PUT("master/outstanding_offers", noffers);
	/* Mesos's operation metrics for the operations other than LAUNCH and
	 * LAUNCH_GROUP: the two outcomes Meso has, OPERATION_ERROR and (for
	 * RESERVE and UNRESERVE) OPERATION_FINISHED. */
	uint64_t op_errors = 0, op_finished = 0;
	for (int t = 0; t < (int)(sizeof x->operations_error / sizeof x->operations_error[0]); t++) {
		const ProtobufCEnumValue *v =
		        protobuf_c_enum_descriptor_get_value(&mesos__v1__offer__operation__type__descriptor, t);
		if (!v || t == MESOS__V1__OFFER__OPERATION__TYPE__UNKNOWN ||
		    t == MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH ||
		    t == MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH_GROUP)
			continue;
		op_errors += x->operations_error[t];
		char key[64], lower[24];
		size_t k = 0;
		for (; v->name[k] && k < sizeof lower - 1; k++)
			lower[k] = (char)(v->name[k] >= 'A' && v->name[k] <= 'Z' ? v->name[k] - 'A' + 'a' : v->name[k]);
		lower[k] = '\0';
		snprintf(key, sizeof key, "master/operations/%s/error", lower);
		PUT(key, x->operations_error[t]);
		op_finished += x->operations_finished[t];
		snprintf(key, sizeof key, "master/operations/%s/finished", lower);
		PUT(key, x->operations_finished[t]);
	}
	PUT("master/operations/error", op_errors);
	PUT("master/operations/finished", op_finished);
	PUT("master/messages_operation_status_update_acknowledgement", x->opack_messages);
	PUT("master/valid_operation_status_update_acknowledgements", x->opack_valid);
	PUT("master/invalid_operation_status_update_acknowledgements", x->opack_invalid);

	for (size_t i = 0; i < N_MODEL_SCALARS; i++) {
		char key[64];
		snprintf(key, sizeof key, "master/%s_total", model_scalars[i]);
		PUT(key, total[i]);
		snprintf(key, sizeof key, "master/%s_used", model_scalars[i]);
		PUT(key, used[i]);
		snprintf(key, sizeof key, "master/%s_percent", model_scalars[i]);
		PUT(key, total[i] > 0 ? used[i] / total[i] : 0);
		if (strcmp(model_scalars[i], "gpus") != 0) {
			snprintf(key, sizeof key, "allocator/mesos/resources/%s/total", model_scalars[i]);
			PUT(key, total[i]);
			snprintf(key, sizeof key, "allocator/mesos/resources/%s/offered_or_allocated",
			         model_scalars[i]);
			PUT(key, used[i] + offered[i]);
		}
	}
	PUT("master/valid_status_updates", x->status_updates);
	PUT("master/valid_status_update_acknowledgements", x->acknowledgements);
	PUT("master/slave_registrations", x->agent_registrations);
	PUT("master/slave_reregistrations", x->agent_reregistrations);
	PUT("master/slave_removals", x->agent_removals);
	PUT("master/messages_register_framework", x->framework_subscriptions);
	PUT("master/messages_decline_offers", x->calls[MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE]);
	PUT("master/messages_revive_offers", x->calls[MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE]);
	PUT("master/messages_suppress_offers", x->calls[MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS]);
	PUT("master/messages_kill_task", x->calls[MESOS__V1__SCHEDULER__CALL__TYPE__KILL]);
	PUT("master/messages_reconcile_tasks", x->calls[MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE]);
	PUT("master/operator_event_stream_subscribers", m->nopsubs);
	/* Mesos counts messages waiting in its actor's queue; the master is one
	 * libev loop that handles each request as it is read: nothing waits. */
	PUT("master/event_queue_messages", 0);
	PUT("master/event_queue_dispatches", 0);
	PUT("master/event_queue_http_requests", 0);

	/* The host, as Mesos reports it (what the kernel says now). */
	rt_opview_system_metrics(root);

	ac_counters c;
	ac_counters_get(m->core, &c);
	PUT("allocator/mesos/allocation_runs", c.passes);
	PUT("allocator/mesos/offer_filters/active", c.filters_active);
	/* Not Mesos names (Mesos has none for these): the core's offer counters. */
	PUT("allocator/meso/offers_made", c.offers_made);
	PUT("allocator/meso/offers_accepted", c.offers_accepted);
	PUT("allocator/meso/offers_declined", c.offers_declined);
	PUT("allocator/meso/offers_rescinded", c.offers_rescinded);
	PUT("allocator/meso/ports_unstored", c.ports_unstored);
#undef PUT
	return root;
}

json_t *master_resources_model(const master *m, const ac_resources *r)
{
	return model_of(m, r);
}

void master_reply_json(rt_http_session *s, json_t *root, const char *query)
{
	rt_jsonp_reply_query(s, root, query, NULL);
}

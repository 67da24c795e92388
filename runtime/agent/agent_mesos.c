/*
 * agent_mesos.c — the agent's state as Mesos's agent writes it,
 * GET /slave(1)/state (also /slave(1)/state.json): for dashboards and tools
 * written against Mesos, above all for the sandbox of each executor
 * (`directory`). Its frameworks, their executors (a custom executor, or,
 * for a command task, Mesos's command executor: the task's id, its
 * sandbox) and their tasks, with resources as Mesos's v0 maps
 * (rt_resources_model). Our own /state (agent_http.c) is Meso's shape.
 * Also Mesos's agent metrics (GET /metrics/snapshot and GET_METRICS).
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "rt_attributes.h"
#include "rt_jsonp.h"
#include "rt_opview.h"
#include "rt_pbjson.h"
#include "rt_resources.h"

/* A resource map of Resource messages (parsed as the master parses them). */
static json_t *model_of_pb(agent *ag, Mesos__V1__Resource *const *res, size_t n)
{
	ac_resources r;
	ac_err err;
	if (rt_resources_from_pb(ag->parser, res, n, &r, &err) != 0)
		ac_resources_init(&r);
	return rt_resources_model(ag->parser, &r);
}

/* A task as Mesos's v0 state shows it, from the TaskInfo it was launched
 * with; its id is the TaskInfo's. */
static json_t *task_json_of(agent *ag, const char *fw_id, const uint8_t *info, size_t len, Mesos__V1__TaskState state,
                            rt_arena *ar, const char *executor_id, const char **id)
{
	ProtobufCAllocator al = rt_opview_allocator(ar);
	Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(&al, len, info);
	*id = ti && ti->task_id && ti->task_id->value ? ti->task_id->value : "";
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(*id));
	json_object_set_new(j, "name", json_string(ti && ti->name ? ti->name : ""));
	json_object_set_new(j, "framework_id", json_string(fw_id));
	json_object_set_new(j, "executor_id", json_string(executor_id ? executor_id : *id));
	json_object_set_new(j, "slave_id", json_string(ag->id ? ag->id : ""));
	json_object_set_new(j, "state", json_string(rt_task_state_name(state)));
	json_object_set_new(j, "resources",
	                    ti ? model_of_pb(ag, ti->resources, ti->n_resources) : rt_resources_model_new());
	json_object_set_new(j, "statuses", json_array());
	return j;
}

static json_t *task_json(agent *ag, const a_task *t, rt_arena *ar, const char *executor_id)
{
	const char *id;
	json_t *j = task_json_of(ag, t->fw_id, t->info, t->info_len, t->state, ar, executor_id, &id);
	json_object_set_new(j, "id", json_string(t->id));
	return j;
}

/* An executor's object with empty task lists, for the caller to fill. */
static json_t *executor_json(const char *id, const char *name, const char *fw_id, const char *container,
                             const char *directory, json_t *resources)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "framework_id", json_string(fw_id));
	json_object_set_new(j, "source", json_string(id));
	json_object_set_new(j, "container", json_string(container));
	json_object_set_new(j, "directory", json_string(directory));
	json_object_set_new(j, "resources", resources);
	json_object_set_new(j, "tasks", json_array());
	json_object_set_new(j, "queued_tasks", json_array());
	json_object_set_new(j, "completed_tasks", json_array());
	return j;
}

/* The framework object of fw_id in frameworks, made when new. */
static json_t *framework_json(agent *ag, json_t *frameworks, const char *fw_id, rt_arena *ar)
{
	for (size_t i = 0; i < json_array_size(frameworks); i++) {
		json_t *f = json_array_get(frameworks, i);
		if (strcmp(json_string_value(json_object_get(f, "id")), fw_id) == 0)
			return f;
	}
	/* What the master sent with an executor's first task, if any. */
	const Mesos__V1__FrameworkInfo *fi = NULL;
	ProtobufCAllocator al = rt_opview_allocator(ar);
	for (a_executor *e = ag->executors; e && !fi; e = e->next)
		if (e->fw_info && strcmp(e->fw_id, fw_id) == 0)
			fi = mesos__v1__framework_info__unpack(&al, e->fw_info_len, e->fw_info);
	json_t *f = json_object();
	json_object_set_new(f, "id", json_string(fw_id));
	json_object_set_new(f, "name", json_string(fi && fi->name ? fi->name : ""));
	json_object_set_new(f, "user", json_string(fi && fi->user ? fi->user : ""));
	json_object_set_new(f, "failover_timeout",
	                    json_real(fi && fi->has_failover_timeout ? fi->failover_timeout : 0));
	json_object_set_new(f, "checkpoint", json_true());
	json_object_set_new(f, "role", json_string(fi && fi->n_roles ? fi->roles[0] : fi && fi->role ? fi->role : "*"));
	json_object_set_new(f, "executors", json_array());
	json_object_set_new(f, "completed_executors", json_array());
	json_array_append_new(frameworks, f);
	return f;
}

/* Where a task goes in its executor: launched, queued or completed (its
 * end not yet acknowledged). */
static const char *task_list(const a_task *t)
{
	if (rt_task_state_terminal(t->state))
		return "completed_tasks";
	return t->exec && !t->launched ? "queued_tasks" : "tasks";
}

void agent_serve_flags(agent *ag, rt_http_session *s, const char *query)
{
	rt_arena *ar = rt_arena_create();
	Mesos__V1__Flag **fl;
	size_t nf = agent_view_flags(ag, ar, &fl);
	json_t *root = json_object();
	json_object_set_new(root, "flags", rt_opview_flags_json(fl, nf));
	rt_arena_destroy(ar);
	rt_jsonp_reply_query(s, root, query, NULL);
}

void agent_serve_mesos_state(agent *ag, rt_http_session *s, const char *query)
{
	char cb[RT_JSONP_MAX + 1];
	if (!rt_jsonp_check(s, query, cb))
		return;
	rt_arena *ar = rt_arena_create();
	json_t *root = rt_pbjson_from_message(&rt_opview_version(ar)->base);
	char pid[300];
	snprintf(pid, sizeof pid, "slave(1)@%s:%d", ag->flags.ip, rt_http_server_port(ag->http));
	json_object_set_new(root, "start_time",
	                    json_real(rt_wall_seconds() - (double)(rt_mono_ns() - ag->start_ns) / 1e9));
	json_object_set_new(root, "id", json_string(ag->id ? ag->id : ""));
	json_object_set_new(root, "pid", json_string(pid));
	json_object_set_new(root, "hostname", json_string(ag->flags.hostname));
	json_object_set_new(root, "resources", rt_resources_model(ag->parser, &ag->total));
	/* Its static reservations (the master keeps the dynamic ones). */
	json_object_set_new(root, "reserved_resources", rt_resources_model_reserved(ag->parser, &ag->total));
	json_object_set_new(root, "unreserved_resources", rt_resources_model_unreserved(ag->parser, &ag->total));
	json_object_set_new(root, "reserved_resources_full", agent_volumes_reserved_full(ag));
	json_object_set_new(root, "attributes", rt_attributes_model(ag->flags.attributes));
	json_object_set_new(root, "master_hostname", json_string(ag->master_host));
	Mesos__V1__Flag **fl;
	size_t nf = agent_view_flags(ag, ar, &fl);
	json_object_set_new(root, "flags", rt_opview_flags_json(fl, nf));
	json_t *frameworks = json_array();
	ProtobufCAllocator al = rt_opview_allocator(ar);
	for (a_executor *e = ag->executors; e; e = e->next) {
		Mesos__V1__ExecutorInfo *info = mesos__v1__executor_info__unpack(&al, e->info_len, e->info);
		json_t *x = executor_json(
		        e->id, info && info->name ? info->name : "", e->fw_id, e->container_id, e->sandbox,
		        info ? model_of_pb(ag, info->resources, info->n_resources) : rt_resources_model_new());
		for (a_task *t = ag->tasks; t; t = t->next)
			if (t->exec == e)
				json_array_append_new(json_object_get(x, task_list(t)), task_json(ag, t, ar, e->id));
		json_array_append_new(json_object_get(framework_json(ag, frameworks, e->fw_id, ar), "executors"), x);
	}
	for (a_task *t = ag->tasks; t; t = t->next) {
		if (t->exec)
			continue;
		/* Mesos's command executor: the task's id, its sandbox. */
		char name[600];
		snprintf(name, sizeof name, "Command Executor (Task: %s)", t->id);
		const char *slash = strrchr(t->sandbox, '/');
		json_t *task = task_json(ag, t, ar, t->id);
		json_t *x = executor_json(t->id, name, t->fw_id, slash ? slash + 1 : t->sandbox, t->sandbox,
		                          json_deep_copy(json_object_get(task, "resources")));
		json_array_append_new(json_object_get(x, task_list(t)), task);
		json_array_append_new(json_object_get(framework_json(ag, frameworks, t->fw_id, ar), "executors"), x);
	}
	/* Tasks whose end was acknowledged: under their executor in the
	 * framework's completed_executors (a command task's own executor),
	 * and a framework with nothing live left under completed_frameworks,
	 * as Mesos's agent shows them. */
	json_t *done_fws = json_array();
	for (const a_done_task *d = ag->done; d; d = d->next) {
		bool live = false;
		for (size_t i = 0; i < json_array_size(frameworks) && !live; i++)
			live = !strcmp(json_string_value(json_object_get(json_array_get(frameworks, i), "id")),
			               d->fw_id);
		json_t *f = framework_json(ag, live ? frameworks : done_fws, d->fw_id, ar);
		const char *id;
		json_t *task = task_json_of(ag, d->fw_id, d->info, d->info_len, d->state, ar, d->exec_id, &id);
		const char *eid = d->exec_id ? d->exec_id : id;
		json_t *list = json_object_get(f, "completed_executors"), *x = NULL;
		for (size_t i = 0; i < json_array_size(list) && !x; i++)
			if (!strcmp(json_string_value(json_object_get(json_array_get(list, i), "id")), eid))
				x = json_array_get(list, i);
		if (!x) {
			char name[600];
			snprintf(name, sizeof name, d->exec_id ? "%s" : "Command Executor (Task: %s)", eid);
			const char *dir = d->sandbox ? d->sandbox : "";
			const char *slash = strrchr(dir, '/');
			x = executor_json(eid, name, d->fw_id, slash ? slash + 1 : dir, dir,
			                  json_deep_copy(json_object_get(task, "resources")));
			json_array_append_new(list, x);
		}
		json_array_append_new(json_object_get(x, "completed_tasks"), task);
	}
	json_object_set_new(root, "frameworks", frameworks);
	json_object_set_new(root, "completed_frameworks", done_fws);
	rt_arena_destroy(ar);
	rt_jsonp_reply(s, root, cb, "Access-Control-Allow-Origin: *\r\n");
}

/* Adds Resource messages to a set (what fails to parse adds nothing). */
static void add_pb(agent *ag, ac_resources *sum, Mesos__V1__Resource *const *res, size_t n)
{
	ac_resources r;
	ac_err err;
	if (rt_resources_from_pb(ag->parser, res, n, &r, &err) == 0)
		ac_resources_add(sum, &r);
}

json_t *agent_metrics_snapshot(agent *ag)
{
	json_t *root = json_object();
#define PUT(name, v) json_object_set_new(root, name, json_real((double)(v)))
	const agent_metrics *x = &ag->metrics;
	PUT("slave/uptime_secs", (double)(rt_mono_ns() - ag->start_ns) / 1e9);
	PUT("slave/registered", ag->registered ? 1 : 0);
	/* Tasks now, by state; and those that ended since the start. */
	size_t staging = 0, starting = 0, running = 0, killing = 0;
	rt_arena *ar = rt_arena_create();
	ProtobufCAllocator al = rt_opview_allocator(ar);
	ac_resources used;
	ac_resources_init(&used);
	for (a_task *t = ag->tasks; t; t = t->next) {
		staging += t->state == MESOS__V1__TASK_STATE__TASK_STAGING;
		starting += t->state == MESOS__V1__TASK_STATE__TASK_STARTING;
		running += t->state == MESOS__V1__TASK_STATE__TASK_RUNNING;
		killing += t->state == MESOS__V1__TASK_STATE__TASK_KILLING;
		if (rt_task_state_terminal(t->state))
			continue;
		Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(&al, t->info_len, t->info);
		if (ti)
			add_pb(ag, &used, ti->resources, ti->n_resources);
	}
	size_t executors = 0;
	for (a_executor *e = ag->executors; e; e = e->next) {
		executors++;
		Mesos__V1__ExecutorInfo *info = mesos__v1__executor_info__unpack(&al, e->info_len, e->info);
		if (info)
			add_pb(ag, &used, info->resources, info->n_resources);
	}
	PUT("slave/tasks_staging", staging);
	PUT("slave/tasks_starting", starting);
	PUT("slave/tasks_running", running);
	PUT("slave/tasks_killing", killing);
	PUT("slave/tasks_finished", x->tasks_finished);
	PUT("slave/tasks_failed", x->tasks_failed);
	PUT("slave/tasks_killed", x->tasks_killed);
	PUT("slave/tasks_lost", x->tasks_lost);
	PUT("slave/executors_running", executors);
	PUT("slave/valid_status_updates", x->updates_sent);
	PUT("slave/recovery_errors", x->checkpoints_corrupt);
	/* Totals and use of the kinds Mesos reports. */
	json_t *total = rt_resources_model(ag->parser, &ag->total), *use = rt_resources_model(ag->parser, &used);
	static const char *const kinds[] = {"cpus", "gpus", "mem", "disk"};
	for (size_t i = 0; i < 4; i++) {
		char name[64];
		double t = json_number_value(json_object_get(total, kinds[i]));
		double u = json_number_value(json_object_get(use, kinds[i]));
		snprintf(name, sizeof name, "slave/%s_total", kinds[i]);
		PUT(name, t);
		snprintf(name, sizeof name, "slave/%s_used", kinds[i]);
		PUT(name, u);
		snprintf(name, sizeof name, "slave/%s_percent", kinds[i]);
		PUT(name, t > 0 ? u / t : 0);
	}
	json_decref(total);
	json_decref(use);
	rt_arena_destroy(ar);
#undef PUT
	rt_opview_system_metrics(root);
	return root;
}

void agent_serve_metrics_snapshot(agent *ag, rt_http_session *s, const char *query)
{
	rt_jsonp_reply_query(s, agent_metrics_snapshot(ag), query, "Access-Control-Allow-Origin: *\r\n");
}

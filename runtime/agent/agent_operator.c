/*
 * agent_operator.c — the agent's v1 operator API (POST /api/v1, also
 * /slave(1)/api/v1 as Mesos 1.11 serves it): one mesos.v1.agent.Call per
 * request (proto/agent/agent.proto), in application/json or
 * application/x-protobuf, answered 200 with a Response in the type Accept
 * chose. The request path (decoding, refusals, encodings) is the master's
 * (rt_api); the messages are built here from the agent's records, with
 * the pieces both programs share from rt_opview. LIST_FILES and READ_FILE
 * are agent_files.c's.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "agent/agent.pb-c.h"
#include "rt_api.h"
#include "rt_flags.h"
#include "rt_opview.h"
#include "rt_resources.h"

typedef Mesos__V1__Agent__Call Call;
typedef Mesos__V1__Agent__Response Response;

#define NEW(a, T, init) ((T *)view_init(rt_arena_alloc((a), sizeof(T)), (void (*)(void *))(init)))

/* protobuf-c's _init functions all take the message as their only argument. */
static void *view_init(void *p, void (*init)(void *))
{
	init(p);
	return p;
}

static Mesos__V1__FrameworkID *fw_id(rt_arena *a, const char *v)
{
	Mesos__V1__FrameworkID *id = NEW(a, Mesos__V1__FrameworkID, mesos__v1__framework_id__init);
	id->value = (char *)v;
	return id;
}

static Mesos__V1__ExecutorID *exec_id(rt_arena *a, const char *v)
{
	Mesos__V1__ExecutorID *id = NEW(a, Mesos__V1__ExecutorID, mesos__v1__executor_id__init);
	id->value = (char *)v;
	return id;
}

static bool terminal(Mesos__V1__TaskState s)
{
	return rt_task_state_terminal(s);
}

/* A task as Mesos's agent shows it, from the TaskInfo it was launched
 * with (info), its framework, its custom executor (or NULL), its state and
 * the update waiting for an acknowledgement (or NULL); NULL if the TaskInfo
 * does not unpack (it always should: we packed it). */
static Mesos__V1__Task *task_view_of(agent *ag, const char *fw, const char *exec, const uint8_t *info, size_t len,
                                     Mesos__V1__TaskState state, const a_update *pending, rt_arena *a)
{
	ProtobufCAllocator al = rt_opview_allocator(a);
	Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(&al, len, info);
	if (!ti)
		return NULL;
	Mesos__V1__Task *v = NEW(a, Mesos__V1__Task, mesos__v1__task__init);
	v->name = ti->name;
	v->task_id = ti->task_id;
	v->framework_id = fw_id(a, fw);
	if (exec)
		v->executor_id = exec_id(a, exec);
	v->agent_id = NEW(a, Mesos__V1__AgentID, mesos__v1__agent_id__init);
	v->agent_id->value = ag->id ? ag->id : "";
	v->state = state;
	v->resources = ti->resources;
	v->n_resources = ti->n_resources;
	if (pending) {
		/* The update the framework has yet to acknowledge. */
		v->has_status_update_state = true;
		v->status_update_state = pending->state;
		v->has_status_update_uuid = true;
		v->status_update_uuid.data = (uint8_t *)pending->uuid;
		v->status_update_uuid.len = 16;
	}
	v->labels = ti->labels;
	v->kill_policy = ti->kill_policy;
	if (ti->command && ti->command->user)
		v->user = ti->command->user;
	return v;
}

static Mesos__V1__Task *task_view(agent *ag, const a_task *t, rt_arena *a)
{
	return task_view_of(ag, t->fw_id, t->exec ? t->exec->id : NULL, t->info, t->info_len, t->state, t->updates, a);
}

/* Room for one entry per task and executor of the agent. */
static void *room(agent *ag, rt_arena *a)
{
	size_t n = 1;
	for (a_task *t = ag->tasks; t; t = t->next)
		n++;
	for (a_executor *e = ag->executors; e; e = e->next)
		n++;
	return rt_arena_alloc(a, n * sizeof(void *));
}

/* The agent's tasks by where they are: queued (waiting for their executor
 * to subscribe), launched, terminated (their end not yet acknowledged). */
static Mesos__V1__Agent__Response__GetTasks *tasks_view(agent *ag, rt_arena *a)
{
	Mesos__V1__Agent__Response__GetTasks *v =
	        NEW(a, Mesos__V1__Agent__Response__GetTasks, mesos__v1__agent__response__get_tasks__init);
	v->queued_tasks = room(ag, a);
	v->launched_tasks = room(ag, a);
	v->terminated_tasks = room(ag, a);
	v->completed_tasks = rt_arena_alloc(a, (ag->ndone + 1) * sizeof *v->completed_tasks);
	for (const a_done_task *d = ag->done; d; d = d->next) {
		Mesos__V1__Task *x = task_view_of(ag, d->fw_id, d->exec_id, d->info, d->info_len, d->state, NULL, a);
		if (x)
			v->completed_tasks[v->n_completed_tasks++] = x;
	}
	for (a_task *t = ag->tasks; t; t = t->next) {
		Mesos__V1__Task *x = task_view(ag, t, a);
		if (!x)
			continue;
		if (terminal(t->state))
			v->terminated_tasks[v->n_terminated_tasks++] = x;
		else if (t->exec && !t->launched)
			v->queued_tasks[v->n_queued_tasks++] = x;
		else
			v->launched_tasks[v->n_launched_tasks++] = x;
	}
	return v;
}

static Mesos__V1__Agent__Response__GetExecutors *executors_view(agent *ag, rt_arena *a)
{
	Mesos__V1__Agent__Response__GetExecutors *v =
	        NEW(a, Mesos__V1__Agent__Response__GetExecutors, mesos__v1__agent__response__get_executors__init);
	v->executors = room(ag, a);
	ProtobufCAllocator al = rt_opview_allocator(a);
	for (a_executor *e = ag->executors; e; e = e->next) {
		Mesos__V1__ExecutorInfo *info = mesos__v1__executor_info__unpack(&al, e->info_len, e->info);
		if (!info)
			continue;
		Mesos__V1__Agent__Response__GetExecutors__Executor *x =
		        NEW(a, Mesos__V1__Agent__Response__GetExecutors__Executor,
		            mesos__v1__agent__response__get_executors__executor__init);
		x->executor_info = info;
		v->executors[v->n_executors++] = x;
	}
	return v;
}

/* Lists fi (its id set) unless v lists that framework already. */
static void framework_add(Mesos__V1__Agent__Response__GetFrameworks *v, rt_arena *a, Mesos__V1__FrameworkInfo *fi)
{
	for (size_t i = 0; i < v->n_frameworks; i++)
		if (strcmp(v->frameworks[i]->framework_info->id->value, fi->id->value) == 0)
			return;
	Mesos__V1__Agent__Response__GetFrameworks__Framework *x =
	        NEW(a, Mesos__V1__Agent__Response__GetFrameworks__Framework,
	            mesos__v1__agent__response__get_frameworks__framework__init);
	x->framework_info = fi;
	v->frameworks[v->n_frameworks++] = x;
}

/* The frameworks the agent runs something of: with the FrameworkInfo the
 * master sent with an executor's first task, else (command tasks only: the
 * master sends none with them) the id alone, with an empty user and name. */
static Mesos__V1__Agent__Response__GetFrameworks *frameworks_view(agent *ag, rt_arena *a)
{
	Mesos__V1__Agent__Response__GetFrameworks *v =
	        NEW(a, Mesos__V1__Agent__Response__GetFrameworks, mesos__v1__agent__response__get_frameworks__init);
	v->frameworks = room(ag, a);
	ProtobufCAllocator al = rt_opview_allocator(a);
	for (a_executor *e = ag->executors; e; e = e->next) {
		Mesos__V1__FrameworkInfo *fi =
		        e->fw_info ? mesos__v1__framework_info__unpack(&al, e->fw_info_len, e->fw_info) : NULL;
		if (!fi)
			continue;
		if (!fi->id)
			fi->id = fw_id(a, e->fw_id);
		framework_add(v, a, fi);
	}
	for (a_task *t = ag->tasks; t; t = t->next) {
		Mesos__V1__FrameworkInfo *fi = NEW(a, Mesos__V1__FrameworkInfo, mesos__v1__framework_info__init);
		fi->user = "";
		fi->name = "";
		fi->id = fw_id(a, t->fw_id);
		framework_add(v, a, fi);
	}
	return v;
}

/* One container per live process the agent started: a custom executor
 * (its container id) and a command task (its executor id is the task's, as
 * Mesos's command executor has it; its container id the sandbox's name,
 * unique per run). */
static Mesos__V1__Agent__Response__GetContainers *containers_view(agent *ag, rt_arena *a)
{
	Mesos__V1__Agent__Response__GetContainers *v =
	        NEW(a, Mesos__V1__Agent__Response__GetContainers, mesos__v1__agent__response__get_containers__init);
	v->containers = room(ag, a);
	ProtobufCAllocator al = rt_opview_allocator(a);
	for (a_executor *e = ag->executors; e; e = e->next) {
		Mesos__V1__Agent__Response__GetContainers__Container *c =
		        NEW(a, Mesos__V1__Agent__Response__GetContainers__Container,
		            mesos__v1__agent__response__get_containers__container__init);
		c->framework_id = fw_id(a, e->fw_id);
		c->executor_id = exec_id(a, e->id);
		Mesos__V1__ExecutorInfo *info = mesos__v1__executor_info__unpack(&al, e->info_len, e->info);
		if (info && info->name)
			c->executor_name = info->name;
		c->container_id = NEW(a, Mesos__V1__ContainerID, mesos__v1__container_id__init);
		c->container_id->value = e->container_id;
		c->container_status = NEW(a, Mesos__V1__ContainerStatus, mesos__v1__container_status__init);
		c->container_status->container_id = c->container_id;
		if (e->pid > 0) {
			c->container_status->has_executor_pid = true;
			c->container_status->executor_pid = (uint32_t)e->pid;
		}
		v->containers[v->n_containers++] = c;
	}
	for (a_task *t = ag->tasks; t; t = t->next) {
		if (t->exec || t->pid <= 0)
			continue;
		Mesos__V1__Agent__Response__GetContainers__Container *c =
		        NEW(a, Mesos__V1__Agent__Response__GetContainers__Container,
		            mesos__v1__agent__response__get_containers__container__init);
		c->framework_id = fw_id(a, t->fw_id);
		c->executor_id = exec_id(a, t->id);
		char name[600];
		snprintf(name, sizeof name, "Command Executor (Task: %s)", t->id);
		c->executor_name = rt_arena_strdup(a, name);
		const char *slash = strrchr(t->sandbox, '/');
		c->container_id = NEW(a, Mesos__V1__ContainerID, mesos__v1__container_id__init);
		c->container_id->value = (char *)(slash ? slash + 1 : t->sandbox);
		c->container_status = NEW(a, Mesos__V1__ContainerStatus, mesos__v1__container_status__init);
		c->container_status->container_id = c->container_id;
		c->container_status->has_executor_pid = true;
		c->container_status->executor_pid = (uint32_t)t->pid;
		v->containers[v->n_containers++] = c;
	}
	return v;
}

/* Mesos's names and duration forms ("60secs") where the flag is Mesos's;
 * ours as given on our command line. */
size_t agent_view_flags(agent *ag, rt_arena *a, Mesos__V1__Flag ***out)
{
	const agent_flags *f = &ag->flags;
	Mesos__V1__Flag **v = rt_arena_alloc(a, 32 * sizeof *v);
	char d[48]; /* a duration in Mesos's text */
	size_t n = 0;
	if (f->master)
		rt_opview_flag_add(a, v, &n, "master", "%s", f->master);
	if (f->zk)
		rt_opview_flag_add(a, v, &n, "master", "%s", f->zk);
	rt_opview_flag_add(a, v, &n, "ip", "%s", f->ip);
	rt_opview_flag_add(a, v, &n, "port", "%d", rt_http_server_port(ag->http));
	rt_opview_flag_add(a, v, &n, "hostname", "%s", f->hostname);
	rt_opview_flag_add(a, v, &n, "work_dir", "%s", ag->work_dir);
	char text[1024];
	rt_opview_flag_add(a, v, &n, "resources", "%s", rt_resources_text(ag->parser, &ag->total, text, sizeof text));
	if (f->attributes)
		rt_opview_flag_add(a, v, &n, "attributes", "%s", f->attributes);
	rt_opview_flag_add(a, v, &n, "isolation", "%s", agent_cgroups_name(ag));
	rt_opview_flag_add(a, v, &n, "recover", "%s", f->recover_cleanup ? "cleanup" : "reconnect");
	rt_opview_flag_add(a, v, &n, "recovery_timeout", "%s", rt_duration_text(f->recovery_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "executor_registration_timeout", "%s",
	                   rt_duration_text(f->executor_registration_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "executor_reregistration_timeout", "%s",
	                   rt_duration_text(f->executor_reregistration_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "executor_shutdown_grace_period", "%s",
	                   rt_duration_text(f->kill_grace, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "gc_delay", "%s", rt_duration_text(f->gc_delay, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "gc_disk_headroom", "%g", f->gc_disk_headroom);
	rt_opview_flag_add(a, v, &n, "disk_watch_interval", "%s",
	                   rt_duration_text(f->disk_watch_interval, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "zk_session_timeout", "%s", rt_duration_text(f->zk_session_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "master_timeout", "%s", rt_duration_text(f->master_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "status_retry_interval", "%s", rt_duration_text(f->retry_interval, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "status_retry_max", "%s", rt_duration_text(f->retry_max, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "fetcher_cache_dir", "%s", ag->fetch_cache);
	rt_opview_flag_add(a, v, &n, "fetcher_cache_size", "%s",
	                   rt_bytes_text(f->fetcher_cache_size, text, sizeof text));
	rt_opview_flag_add(a, v, &n, "fetcher_stall_timeout", "%s",
	                   rt_duration_text(f->fetcher_stall_timeout, d, sizeof d));
	*out = v;
	return n;
}

static Mesos__V1__AgentInfo *agent_info_view(agent *ag, rt_arena *a)
{
	Mesos__V1__AgentInfo *info = NEW(a, Mesos__V1__AgentInfo, mesos__v1__agent_info__init);
	info->hostname = (char *)ag->flags.hostname;
	info->has_port = true;
	info->port = rt_http_server_port(ag->http);
	info->resources = ag->resources_pb;
	info->n_resources = ag->n_resources_pb;
	info->attributes = ag->attributes;
	info->n_attributes = ag->n_attributes;
	if (ag->id) {
		info->id = NEW(a, Mesos__V1__AgentID, mesos__v1__agent_id__init);
		info->id->value = ag->id;
	}
	return info;
}

static Response *response_new(rt_arena *a, Mesos__V1__Agent__Response__Type type)
{
	Response *r = NEW(a, Response, mesos__v1__agent__response__init);
	r->has_type = true;
	r->type = type;
	return r;
}

/* The payload a call type needs, as Mesos's validation names it, or NULL. */
static const char *payload_missing(const Call *c)
{
	switch (c->type) {
	case MESOS__V1__AGENT__CALL__TYPE__GET_METRICS:
		return c->get_metrics ? NULL : "get_metrics";
	case MESOS__V1__AGENT__CALL__TYPE__SET_LOGGING_LEVEL:
		return c->set_logging_level ? NULL : "set_logging_level";
	case MESOS__V1__AGENT__CALL__TYPE__LIST_FILES:
		return c->list_files ? NULL : "list_files";
	case MESOS__V1__AGENT__CALL__TYPE__READ_FILE:
		return c->read_file ? NULL : "read_file";
	default:
		return NULL;
	}
}

/* The answer to a call the agent serves (200 with r, or with no body when
 * r stays NULL), or an HTTP status with msg; -1 for a call it does not
 * serve (the caller answers 501). */
static int serve(agent *ag, const Call *c, rt_arena *a, Response **out, char *msg, size_t len)
{
	Response *r = NULL;
	switch (c->type) {
	case MESOS__V1__AGENT__CALL__TYPE__GET_HEALTH:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_HEALTH);
		r->get_health =
		        NEW(a, Mesos__V1__Agent__Response__GetHealth, mesos__v1__agent__response__get_health__init);
		r->get_health->healthy = true;
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_FLAGS:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_FLAGS);
		r->get_flags =
		        NEW(a, Mesos__V1__Agent__Response__GetFlags, mesos__v1__agent__response__get_flags__init);
		r->get_flags->n_flags = agent_view_flags(ag, a, &r->get_flags->flags);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_VERSION:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_VERSION);
		r->get_version =
		        NEW(a, Mesos__V1__Agent__Response__GetVersion, mesos__v1__agent__response__get_version__init);
		r->get_version->version_info = rt_opview_version(a);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_LOGGING_LEVEL:
		/* As the master's: glog's verbosity (rt_loglevel). */
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_LOGGING_LEVEL);
		r->get_logging_level = NEW(a, Mesos__V1__Agent__Response__GetLoggingLevel,
		                           mesos__v1__agent__response__get_logging_level__init);
		r->get_logging_level->level = rt_loglevel_get(&ag->loglevel);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__SET_LOGGING_LEVEL: {
		int rc = rt_loglevel_set(&ag->loglevel, c->set_logging_level->level,
		                         (double)c->set_logging_level->duration->nanoseconds / 1e9, msg, len);
		if (rc)
			return rc;
		break; /* 200, no body */
	}
	case MESOS__V1__AGENT__CALL__TYPE__GET_STATE:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_STATE);
		r->get_state =
		        NEW(a, Mesos__V1__Agent__Response__GetState, mesos__v1__agent__response__get_state__init);
		r->get_state->get_tasks = tasks_view(ag, a);
		r->get_state->get_executors = executors_view(ag, a);
		r->get_state->get_frameworks = frameworks_view(ag, a);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_CONTAINERS:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_CONTAINERS);
		r->get_containers = containers_view(ag, a);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_FRAMEWORKS:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_FRAMEWORKS);
		r->get_frameworks = frameworks_view(ag, a);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_EXECUTORS:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_EXECUTORS);
		r->get_executors = executors_view(ag, a);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_TASKS:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_TASKS);
		r->get_tasks = tasks_view(ag, a);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_METRICS: {
		/* /metrics/snapshot's keys and values; the timeout is moot (all
		 * are at hand). */
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_METRICS);
		r->get_metrics =
		        NEW(a, Mesos__V1__Agent__Response__GetMetrics, mesos__v1__agent__response__get_metrics__init);
		json_t *snap = agent_metrics_snapshot(ag);
		r->get_metrics->n_metrics = rt_opview_metrics(a, snap, &r->get_metrics->metrics);
		json_decref(snap);
		break;
	}
	case MESOS__V1__AGENT__CALL__TYPE__GET_OPERATIONS:
		/* No offer operations but LAUNCH: none to list. */
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_OPERATIONS);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__GET_AGENT:
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__GET_AGENT);
		r->get_agent =
		        NEW(a, Mesos__V1__Agent__Response__GetAgent, mesos__v1__agent__response__get_agent__init);
		r->get_agent->agent_info = agent_info_view(ag, a);
		break;
	case MESOS__V1__AGENT__CALL__TYPE__LIST_FILES: {
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__LIST_FILES);
		r->list_files =
		        NEW(a, Mesos__V1__Agent__Response__ListFiles, mesos__v1__agent__response__list_files__init);
		int rc = agent_files_list(ag, c->list_files->path, a, &r->list_files->file_infos,
		                          &r->list_files->n_file_infos, msg, len);
		if (rc != 0)
			return rc;
		break;
	}
	case MESOS__V1__AGENT__CALL__TYPE__READ_FILE: {
		const Mesos__V1__Agent__Call__ReadFile *q = c->read_file;
		r = response_new(a, MESOS__V1__AGENT__RESPONSE__TYPE__READ_FILE);
		r->read_file =
		        NEW(a, Mesos__V1__Agent__Response__ReadFile, mesos__v1__agent__response__read_file__init);
		int64_t length = q->has_length ? (int64_t)(q->length > INT64_MAX ? INT64_MAX : q->length) : -1;
		if (q->offset > INT64_MAX) {
			snprintf(msg, len, "Failed to read file: offset is too large");
			return 400;
		}
		int64_t size;
		int rc = agent_files_read(ag, q->path, (int64_t)q->offset, length, a, &r->read_file->data.data,
		                          &r->read_file->data.len, &size, msg, len);
		if (rc != 0)
			return rc;
		r->read_file->size = (uint64_t)size;
		break;
	}
	default:
		return -1;
	}
	*out = r;
	return 0;
}

/* Why a call the agent does not serve is answered 501. */
static const char *not_served(Mesos__V1__Agent__Call__Type type)
{
	switch (type) {
	case MESOS__V1__AGENT__CALL__TYPE__UNKNOWN:
		return "Unknown call type";
	case MESOS__V1__AGENT__CALL__TYPE__GET_RESOURCE_PROVIDERS:
	case MESOS__V1__AGENT__CALL__TYPE__ADD_RESOURCE_PROVIDER_CONFIG:
	case MESOS__V1__AGENT__CALL__TYPE__UPDATE_RESOURCE_PROVIDER_CONFIG:
	case MESOS__V1__AGENT__CALL__TYPE__REMOVE_RESOURCE_PROVIDER_CONFIG:
	case MESOS__V1__AGENT__CALL__TYPE__MARK_RESOURCE_PROVIDER_GONE:
		return "Resource providers are not supported by Meso";
	case MESOS__V1__AGENT__CALL__TYPE__PRUNE_IMAGES:
		return "Container images are not supported by Meso";
	default:
		return "Nested and standalone containers are not supported by Meso: tasks run as process groups";
	}
}

void agent_operator_call(agent *ag, rt_http_session *s, const rt_http_request *req)
{
	Call *call = (Call *)rt_api_operator_call(&mesos__v1__agent__call__descriptor, "agent", s, req);
	if (!call)
		return;
	char msg[600], what[80], num[32];
	snprintf(what, sizeof what, "operator call %s",
	         rt_api_enum_name(&mesos__v1__agent__call__type__descriptor, (int)call->type, num, sizeof num));
	const char *missing = payload_missing(call);
	if (missing) {
		snprintf(msg, sizeof msg, "Failed to validate agent::Call: Expecting '%s' to be present", missing);
		rt_api_refuse(s, 400, what, msg);
		goto out;
	}
	bool json;
	int rc = rt_api_stream_encoding(req, &json, msg, sizeof msg);
	if (rc != 0) {
		rt_api_refuse(s, rc, what, msg);
		goto out;
	}
	rt_log(RT_DEBUG, "%s from %s", what, rt_http_session_peer(s));
	/* ACLs (issue 17) will apply here, per call, before anything is read;
	 * LIST_FILES and READ_FILE also per path in agent_files.c. */
	rt_arena *a = rt_arena_create();
	Response *r = NULL;
	rc = serve(ag, call, a, &r, msg, sizeof msg);
	if (rc == 0 && r)
		rt_api_reply(s, json, &r->base);
	else if (rc == 0)
		rt_http_reply(s, 200, NULL, "", 0, NULL);
	else if (rc > 0)
		rt_api_refuse(s, rc, what, msg);
	else
		rt_api_refuse(s, 501, what, not_served(call->type));
	rt_arena_destroy(a);
out:
	mesos__v1__agent__call__free_unpacked(call, NULL);
}

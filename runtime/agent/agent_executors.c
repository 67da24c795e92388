/*
 * agent_executors.c — frameworks' custom executors and the v1 executor API
 * (POST /api/v1/executor). An executor is started with its framework's first
 * task for its executor id, as a process group in its own sandbox with the
 * environment Mesos gives executors; it SUBSCRIBEs and gets SUBSCRIBED, then
 * a LAUNCH per task, KILL, ACKNOWLEDGED, MESSAGE, SHUTDOWN and HEARTBEAT
 * events on that stream. Its UPDATE calls go through the agent's status
 * update manager (agent.c) to the framework; the framework's acknowledgement
 * comes back as ACKNOWLEDGED. Executors run without cgroups (process groups
 * only), each under a supervisor (agent_supervisor.c) whose exit status is
 * the executor's; they are not recovered by a restarted agent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "executor/executor.pb-c.h"
#include "rt_api.h"

typedef Mesos__V1__Executor__Call Call;
typedef Mesos__V1__Executor__Event Event;

static a_executor *executor_find(agent *a, const char *fw_id, const char *id)
{
	for (a_executor *e = a->executors; e; e = e->next)
		if (strcmp(e->fw_id, fw_id) == 0 && strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

static void send_event(agent *a, a_executor *e, const Event *ev)
{
	if (!e->stream)
		return;
	if (rt_api_stream_send(e->stream, e->stream_json, &ev->base) == 0)
		a->metrics.executor_events++;
}

static void send_simple(agent *a, a_executor *e, Mesos__V1__Executor__Event__Type type)
{
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	ev.has_type = true;
	ev.type = type;
	send_event(a, e, &ev);
}

static void send_launch(agent *a, a_executor *e, a_task *t)
{
	Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(NULL, t->info_len, t->info);
	if (!ti)
		return;
	Mesos__V1__Executor__Event__Launch l = MESOS__V1__EXECUTOR__EVENT__LAUNCH__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	l.task = ti;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH;
	ev.launch = &l;
	send_event(a, e, &ev);
	mesos__v1__task_info__free_unpacked(ti, NULL);
	t->launched = true;
}

static void end_stream(a_executor *e)
{
	if (!e->stream)
		return;
	rt_http_session *s = e->stream;
	e->stream = NULL;
	rt_http_session_on_close(s, NULL, NULL);
	rt_http_stream_end(s);
}

static void executor_free(agent *a, a_executor *e)
{
	for (a_executor **pp = &a->executors; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	for (a_task *t = a->tasks; t; t = t->next)
		if (t->exec == e)
			t->exec = NULL;
	end_stream(e);
	ev_child_stop(a->loop, &e->child);
	ev_timer_stop(a->loop, &e->kill_timer);
	ev_timer_stop(a->loop, &e->register_timer);
	free(e->fw_id);
	free(e->id);
	free(e->info);
	free(e->fw_info);
	free(e);
}

/* Tells the master the executor is gone, so that its resources are free. */
static void report_exited(agent *a, const char *fw_id, const char *exec_id, int status)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Meso__Agent__ExecutorExited x = MESO__AGENT__EXECUTOR_EXITED__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = (char *)fw_id;
	eid.value = (char *)exec_id;
	x.framework_id = &fid;
	x.executor_id = &eid;
	x.has_status = true;
	x.status = status;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__EXECUTOR_EXITED;
	msg.executor_exited = &x;
	agent_send(a, &msg);
}

/* The executor's process ended: its unfinished tasks fail as Mesos fails
 * them (TASK_FAILED; REASON_EXECUTOR_REGISTRATION_TIMEOUT when it never
 * subscribed in time, else REASON_EXECUTOR_TERMINATED). */
static void child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	a_executor *e = w->data;
	agent *a = e->agent;
	int status = w->rstatus;
	ev_child_stop(loop, w);
	kill(-e->pid, SIGKILL);
	rt_log(RT_INFO, "executor %s of framework %s (process %d) ended with status %d", e->id, e->fw_id, (int)e->pid,
	       status);
	e->pid = 0;
	char msg[200];
	if (e->timed_out)
		snprintf(msg, sizeof msg, "Executor did not register within %gsecs",
		         a->flags.executor_registration_timeout);
	else if (WIFEXITED(status))
		snprintf(msg, sizeof msg, "Executor terminated: exited with status %d", WEXITSTATUS(status));
	else
		snprintf(msg, sizeof msg, "Executor terminated: %s", strsignal(WTERMSIG(status)));
	int reason = e->timed_out ? MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_REGISTRATION_TIMEOUT
	                          : MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_TERMINATED;
	for (a_task *t = a->tasks, *next; t; t = next) {
		next = t->next;
		if (t->exec != e)
			continue;
		if (t->fw_gone) {
			agent_task_forget(a, t);
			continue;
		}
		if (!rt_task_state_terminal(t->state))
			agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED, reason, msg);
		t->exec = NULL;
		if (!t->updates)
			agent_task_forget(a, t);
	}
	report_exited(a, e->fw_id, e->id, status);
	executor_free(a, e);
	if (a->stopping && !a->executors)
		ev_break(a->loop, EVBREAK_ALL);
}

static void kill_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	a_executor *e = w->data;
	if (e->pid > 0) {
		rt_log(RT_WARN, "executor %s did not stop within its grace period; sending SIGKILL", e->id);
		kill(-e->pid, SIGKILL);
	}
}

static void register_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	a_executor *e = w->data;
	if (e->subscribed || e->pid <= 0)
		return;
	rt_log(RT_WARN, "executor %s of framework %s did not subscribe within %g s; killing it", e->id, e->fw_id,
	       e->agent->flags.executor_registration_timeout);
	e->timed_out = true;
	kill(-e->pid, SIGKILL);
}

static void shutdown_executor(agent *a, a_executor *e)
{
	if (e->shutting_down || e->pid <= 0)
		return;
	e->shutting_down = true;
	rt_log(RT_INFO, "shutting down executor %s of framework %s (grace %g s)", e->id, e->fw_id, e->shutdown_grace);
	if (e->stream)
		send_simple(a, e, MESOS__V1__EXECUTOR__EVENT__TYPE__SHUTDOWN);
	else
		kill(-e->pid, SIGTERM);
	ev_timer_set(&e->kill_timer, e->shutdown_grace > 0 ? e->shutdown_grace : 0.001, 0.);
	ev_timer_start(a->loop, &e->kill_timer);
}

/* Forks the executor's command; 0, or -1 with the reason in msg. */
static int start_executor(agent *a, a_executor *e, const Mesos__V1__ExecutorInfo *ei, char *msg, size_t len)
{
	char fw[128], eid[128];
	agent_sanitize(e->fw_id, fw, sizeof fw);
	agent_sanitize(e->id, eid, sizeof eid);
	int n = snprintf(e->sandbox, sizeof e->sandbox, "%s/frameworks/%s/executors/%s/runs/%s", a->work_dir, fw, eid,
	                 e->container_id);
	if (n < 0 || (size_t)n >= sizeof e->sandbox) {
		snprintf(msg, len, "Sandbox path too long");
		return -1;
	}
	if (!ei->command || !ei->command->value) {
		snprintf(msg, len, "Executor has no command");
		return -1;
	}
	if (rt_mkdirs(e->sandbox) != 0) {
		snprintf(msg, len, "Cannot create sandbox %.200s: %s", e->sandbox, strerror(errno));
		return -1;
	}
	/* Under a supervisor like a task's, so that it does not outlive an
	 * agent that never comes back (executors are not recovered). */
	agent_spawn_spec spec = {.sandbox = e->sandbox,
	                         .cmd = ei->command,
	                         .fw_id = e->fw_id,
	                         .executor_id = e->id,
	                         .grace = e->shutdown_grace,
	                         .recovery_timeout = agent_recovery_timeout(a)};
	pid_t sup, pid;
	if (agent_spawn(a, &spec, &sup, &pid, msg, len) != 0)
		return -1;
	e->pid = pid;
	e->sup_pid = sup;
	ev_child_set(&e->child, sup, 0);
	ev_child_start(a->loop, &e->child);
	ev_timer_set(&e->register_timer, a->flags.executor_registration_timeout, 0.);
	ev_timer_start(a->loop, &e->register_timer);
	a->metrics.executors_launched++;
	rt_log(RT_INFO, "launched executor %s of framework %s as process %d in %s", e->id, e->fw_id, (int)pid,
	       e->sandbox);
	return 0;
}

void agent_executor_run(agent *a, a_task *t, const Mesos__V1__TaskInfo *ti, const Mesos__V1__FrameworkInfo *fi)
{
	const Mesos__V1__ExecutorInfo *ei = ti->executor;
	a_executor *e = executor_find(a, t->fw_id, ei->executor_id->value);
	if (e && e->shutting_down) {
		t->exec = NULL;
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_LOST,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_TERMINATED,
		                  "Executor is shutting down");
		return;
	}
	if (!e) {
		e = rt_xcalloc(1, sizeof *e);
		e->agent = a;
		e->fw_id = rt_xstrdup(t->fw_id);
		e->id = rt_xstrdup(ei->executor_id->value);
		Mesos__V1__ExecutorInfo copy = *ei;
		Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
		fid.value = t->fw_id;
		copy.framework_id = &fid;
		e->info_len = mesos__v1__executor_info__get_packed_size(&copy);
		e->info = rt_xmalloc(e->info_len ? e->info_len : 1);
		mesos__v1__executor_info__pack(&copy, e->info);
		if (fi) {
			e->fw_info_len = mesos__v1__framework_info__get_packed_size(fi);
			e->fw_info = rt_xmalloc(e->fw_info_len ? e->fw_info_len : 1);
			mesos__v1__framework_info__pack(fi, e->fw_info);
		}
		uint8_t u[16];
		rt_uuid_random(u);
		rt_uuid_format(u, e->container_id);
		e->shutdown_grace = ei->shutdown_grace_period ? (double)ei->shutdown_grace_period->nanoseconds / 1e9
		                                              : a->flags.kill_grace;
		ev_child_init(&e->child, child_cb, 0, 0);
		ev_timer_init(&e->kill_timer, kill_timer_cb, 1., 0.);
		ev_timer_init(&e->register_timer, register_timer_cb, 1., 0.);
		e->child.data = e->kill_timer.data = e->register_timer.data = e;
		e->next = a->executors;
		a->executors = e;
		char msg[300];
		if (start_executor(a, e, ei, msg, sizeof msg) != 0) {
			rt_log(RT_WARN, "executor %s of framework %s: %s", e->id, e->fw_id, msg);
			executor_free(a, e);
			agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_FAILED,
			                  MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, msg);
			report_exited(a, t->fw_id, ei->executor_id->value, 0);
			return;
		}
	}
	t->exec = e;
	snprintf(t->sandbox, sizeof t->sandbox, "%s", e->sandbox);
	if (e->stream)
		send_launch(a, e, t);
}

void agent_executor_kill_task(agent *a, a_task *t, const Mesos__V1__KillPolicy *kp)
{
	a_executor *e = t->exec;
	if (rt_task_state_terminal(t->state))
		return;
	if (!t->launched) {
		/* Still queued for an executor that has not subscribed: Mesos
		 * drops it from the queue and reports it killed. */
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_KILLED, -1,
		                  "Killed before delivery to the executor");
		return;
	}
	if (!e->stream) {
		rt_log(RT_WARN, "kill of task %s: executor %s is not connected; the framework may retry", t->id, e->id);
		return;
	}
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__Executor__Event__Kill k = MESOS__V1__EXECUTOR__EVENT__KILL__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	tid.value = t->id;
	k.task_id = &tid;
	k.kill_policy = (Mesos__V1__KillPolicy *)kp;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__KILL;
	ev.kill = &k;
	send_event(a, e, &ev);
}

void agent_executor_acknowledged(agent *a, a_task *t, const uint8_t uuid[16])
{
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__Executor__Event__Acknowledged ack = MESOS__V1__EXECUTOR__EVENT__ACKNOWLEDGED__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	tid.value = t->id;
	ack.task_id = &tid;
	ack.uuid.data = (uint8_t *)uuid;
	ack.uuid.len = 16;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__ACKNOWLEDGED;
	ev.acknowledged = &ack;
	send_event(a, t->exec, &ev);
}

void agent_executors_shutdown_framework(agent *a, const char *fw_id)
{
	for (a_executor *e = a->executors; e; e = e->next)
		if (strcmp(e->fw_id, fw_id) == 0)
			shutdown_executor(a, e);
}

void agent_executor_message(agent *a, const Meso__Agent__ExecutorMessage *m)
{
	a_executor *e = executor_find(a, m->framework_id->value, m->executor_id->value);
	if (!e || !e->stream) {
		rt_log(RT_DEBUG, "message for executor %s of framework %s dropped: not subscribed here",
		       m->executor_id->value, m->framework_id->value);
		return;
	}
	Mesos__V1__Executor__Event__Message msg = MESOS__V1__EXECUTOR__EVENT__MESSAGE__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	msg.data = m->data;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__MESSAGE;
	ev.message = &msg;
	send_event(a, e, &ev);
}

static void heartbeat_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	agent *a = w->data;
	for (a_executor *e = a->executors; e; e = e->next)
		send_simple(a, e, MESOS__V1__EXECUTOR__EVENT__TYPE__HEARTBEAT);
}

static void stop_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	rt_log(RT_WARN, "executors still running after their grace period; stopping anyway");
	ev_break(loop, EVBREAK_ALL);
}

void agent_executors_init(agent *a)
{
	double hb = a->flags.executor_heartbeat_interval > 0 ? a->flags.executor_heartbeat_interval : 15.0;
	ev_timer_init(&a->exec_heartbeat_timer, heartbeat_cb, hb, hb);
	ev_timer_init(&a->stop_timer, stop_timer_cb, 1., 0.);
	a->exec_heartbeat_timer.data = a->stop_timer.data = a;
	ev_timer_start(a->loop, &a->exec_heartbeat_timer);
}

bool agent_executors_stop(agent *a)
{
	double longest = 0;
	for (a_executor *e = a->executors; e; e = e->next) {
		shutdown_executor(a, e);
		if (e->shutdown_grace > longest)
			longest = e->shutdown_grace;
	}
	if (!a->executors)
		return false;
	a->stopping = true;
	/* The kill timers fire after the grace; this one bounds the wait. */
	ev_timer_set(&a->stop_timer, longest + 1.0, 0.);
	ev_timer_start(a->loop, &a->stop_timer);
	return true;
}

void agent_executors_destroy(agent *a)
{
	ev_timer_stop(a->loop, &a->exec_heartbeat_timer);
	ev_timer_stop(a->loop, &a->stop_timer);
	while (a->executors) {
		a_executor *e = a->executors;
		if (e->pid > 0)
			kill(-e->pid, SIGKILL);
		executor_free(a, e);
	}
}

/* ------------------------------------------------------------ the API */

static void refuse(agent *a, rt_http_session *s, int status, const char *msg)
{
	rt_log(RT_DEBUG, "executor call from %s: %d %s", rt_http_session_peer(s), status, msg);
	rt_http_reply_text(s, status, msg);
}

static void stream_closed(rt_http_session *s, void *ud)
{
	a_executor *e = ud;
	e->stream = NULL;
	rt_log(RT_INFO, "executor %s of framework %s disconnected", e->id, e->fw_id);
}

static void subscribe(agent *a, a_executor *e, rt_http_session *s, bool json)
{
	Mesos__V1__ExecutorInfo *ei = mesos__v1__executor_info__unpack(NULL, e->info_len, e->info);
	Mesos__V1__FrameworkInfo *fi =
	        e->fw_info ? mesos__v1__framework_info__unpack(NULL, e->fw_info_len, e->fw_info) : NULL;
	if (!ei) {
		refuse(a, s, 500, "Cannot decode the executor's ExecutorInfo");
		if (fi)
			mesos__v1__framework_info__free_unpacked(fi, NULL);
		return;
	}
	if (e->stream) {
		/* A new subscription replaces the old stream, as in Mesos. */
		end_stream(e);
	}
	e->stream = s;
	e->stream_json = json;
	e->subscribed = true;
	ev_timer_stop(a->loop, &e->register_timer);
	rt_http_session_on_close(s, stream_closed, e);
	rt_http_stream_start(s, 200, json ? RT_API_JSON : RT_API_PROTOBUF, NULL);
	rt_log(RT_INFO, "executor %s of framework %s subscribed from %s", e->id, e->fw_id, rt_http_session_peer(s));

	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__FrameworkInfo fallback = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__AgentInfo ai = MESOS__V1__AGENT_INFO__INIT;
	Mesos__V1__ContainerID cid = MESOS__V1__CONTAINER_ID__INIT;
	Mesos__V1__Executor__Event__Subscribed sub = MESOS__V1__EXECUTOR__EVENT__SUBSCRIBED__INIT;
	Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	fid.value = e->fw_id;
	fallback.user = "";
	fallback.name = "";
	fallback.id = &fid;
	ai.hostname = (char *)a->flags.hostname;
	ai.has_port = true;
	ai.port = rt_http_server_port(a->http);
	ai.resources = a->resources_pb;
	ai.n_resources = a->n_resources_pb;
	ai.attributes = a->attributes;
	ai.n_attributes = a->n_attributes;
	if (a->id) {
		aid.value = a->id;
		ai.id = &aid;
	}
	cid.value = e->container_id;
	sub.executor_info = ei;
	sub.framework_info = fi ? fi : &fallback;
	sub.agent_info = &ai;
	sub.container_id = &cid;
	ev.has_type = true;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__SUBSCRIBED;
	ev.subscribed = &sub;
	send_event(a, e, &ev);
	mesos__v1__executor_info__free_unpacked(ei, NULL);
	if (fi)
		mesos__v1__framework_info__free_unpacked(fi, NULL);

	/* Queued tasks, oldest first (the task list is newest first). */
	size_t n = 0;
	for (a_task *t = a->tasks; t; t = t->next)
		n += t->exec == e && !t->launched && !rt_task_state_terminal(t->state);
	a_task **queued = rt_xcalloc(n ? n : 1, sizeof *queued);
	size_t k = n;
	for (a_task *t = a->tasks; t; t = t->next)
		if (t->exec == e && !t->launched && !rt_task_state_terminal(t->state))
			queued[--k] = t;
	for (size_t i = 0; i < n; i++)
		send_launch(a, e, queued[i]);
	free(queued);
}

static void update(agent *a, a_executor *e, rt_http_session *s, Mesos__V1__TaskStatus *st)
{
	a_task *t = agent_task_find(a, e->fw_id, st->task_id->value);
	if (!t || t->exec != e) {
		char msg[300];
		snprintf(msg, sizeof msg, "Task '%.100s' is not a task of executor '%.100s'", st->task_id->value,
		         e->id);
		refuse(a, s, 400, msg);
		return;
	}
	/* The update travels in one frame to the master; one the frame limit
	 * refuses would break the agent's connection at every retry. */
	if (mesos__v1__task_status__get_packed_size(st) > RT_FRAME_MAX_SIZE / 2) {
		char msg[200];
		snprintf(msg, sizeof msg, "TaskStatus of task '%.100s' is larger than %u bytes", st->task_id->value,
		         RT_FRAME_MAX_SIZE / 2);
		refuse(a, s, 413, msg);
		return;
	}
	for (a_update *u = t->updates; u; u = u->next) {
		if (memcmp(u->uuid, st->uuid.data, 16) == 0) {
			/* The executor retried an update still in flight. */
			rt_http_reply(s, 202, NULL, "", 0, NULL);
			return;
		}
	}
	agent_task_status(a, t, st);
	rt_http_reply(s, 202, NULL, "", 0, NULL);
}

static void message(agent *a, a_executor *e, const Mesos__V1__Executor__Call__Message *m)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Meso__Agent__ExecutorMessage em = MESO__AGENT__EXECUTOR_MESSAGE__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = e->fw_id;
	eid.value = e->id;
	em.framework_id = &fid;
	em.executor_id = &eid;
	em.data = m->data;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__EXECUTOR_MESSAGE;
	msg.executor_message = &em;
	agent_send(a, &msg);
}

/* Mesos's validateExecutorCall, for the calls we serve; NULL when valid. */
static const char *validate(const Call *c, char *buf, size_t len)
{
	if (!c->has_type || c->type == MESOS__V1__EXECUTOR__CALL__TYPE__UNKNOWN)
		return "Expecting 'type' to be present";
	switch (c->type) {
	case MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE:
		return c->subscribe ? NULL : "Expecting 'subscribe' to be present";
	case MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE:
		return c->message ? NULL : "Expecting 'message' to be present";
	case MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE: {
		if (!c->update)
			return "Expecting 'update' to be present";
		const Mesos__V1__TaskStatus *st = c->update->status;
		if (!st->has_uuid)
			return "Expecting 'uuid' to be present";
		if (st->uuid.len != 16) {
			snprintf(buf, len, "Invalid UUID: 'update.status.uuid' has %zu bytes, expecting 16",
			         st->uuid.len);
			return buf;
		}
		if (st->executor_id && strcmp(st->executor_id->value, c->executor_id->value) != 0) {
			snprintf(buf, len, "ExecutorID in Call: %.100s does not match ExecutorID in TaskStatus: %.100s",
			         c->executor_id->value, st->executor_id->value);
			return buf;
		}
		if (!st->has_source || st->source != MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR) {
			snprintf(buf, len,
			         "Received Call from executor %.100s of framework %.100s with invalid source, "
			         "expecting 'SOURCE_EXECUTOR'",
			         c->executor_id->value, c->framework_id->value);
			return buf;
		}
		if (st->state == MESOS__V1__TASK_STATE__TASK_STAGING) {
			snprintf(buf, len,
			         "Received TASK_STAGING from executor %.100s of framework %.100s which is not allowed",
			         c->executor_id->value, c->framework_id->value);
			return buf;
		}
		return NULL;
	}
	default:
		return NULL;
	}
}

void agent_executor_api(agent *a, rt_http_session *s, const rt_http_request *req)
{
	char msg[400], buf[300];
	int status;
	Call *c = (Call *)rt_api_decode_call(&mesos__v1__executor__call__descriptor, req, &status, msg, sizeof msg);
	if (!c) {
		if (status == 405)
			rt_http_reply(s, 405, "text/plain; charset=utf-8", "Expecting POST\n", 15, "Allow: POST\r\n");
		else
			refuse(a, s, status, msg);
		return;
	}
	a->metrics.executor_calls++;
	const char *why = validate(c, buf, sizeof buf);
	bool json = false;
	if (why) {
		snprintf(msg, sizeof msg, "Failed to validate Executor::Call: %s", why);
		refuse(a, s, 400, msg);
		goto out;
	}
	if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE &&
	    (status = rt_api_stream_encoding(req, &json, msg, sizeof msg)) != 0) {
		refuse(a, s, status, msg);
		goto out;
	}
	if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__HEARTBEAT) {
		rt_http_reply(s, 202, NULL, "", 0, NULL);
		goto out;
	}
	bool fw_known = false;
	for (a_executor *e = a->executors; e && !fw_known; e = e->next)
		fw_known = strcmp(e->fw_id, c->framework_id->value) == 0;
	for (a_task *t = a->tasks; t && !fw_known; t = t->next)
		fw_known = strcmp(t->fw_id, c->framework_id->value) == 0;
	if (!fw_known) {
		refuse(a, s, 400, "Framework cannot be found");
		goto out;
	}
	a_executor *e = executor_find(a, c->framework_id->value, c->executor_id->value);
	if (!e) {
		refuse(a, s, 400, "Executor cannot be found");
		goto out;
	}
	if (!e->subscribed && c->type != MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE) {
		refuse(a, s, 403, "Executor is not subscribed");
		goto out;
	}
	switch (c->type) {
	case MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE:
		subscribe(a, e, s, json);
		break;
	case MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE:
		update(a, e, s, c->update->status);
		break;
	case MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE:
		/* Forwarded in one frame: keep well inside the frame limit. */
		if (c->message->data.len > RT_FRAME_MAX_SIZE / 2) {
			refuse(a, s, 413, "Message data is larger than the agent forwards");
			break;
		}
		message(a, e, c->message);
		rt_http_reply(s, 202, NULL, "", 0, NULL);
		break;
	default:
		refuse(a, s, 501, "This call is not implemented by Meso");
		break;
	}
out:
	mesos__v1__executor__call__free_unpacked(c, NULL);
}

/* A request on a subscription stream's own connection: an ERROR event. */
void agent_executor_stream_request(agent *a, rt_http_session *s)
{
	for (a_executor *e = a->executors; e; e = e->next) {
		if (e->stream != s)
			continue;
		Mesos__V1__Executor__Event__Error err = MESOS__V1__EXECUTOR__EVENT__ERROR__INIT;
		Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
		err.message = "Received a request on the subscription stream's connection; send calls on another "
		              "connection";
		ev.has_type = true;
		ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__ERROR;
		ev.error = &err;
		send_event(a, e, &ev);
	}
}

/*
 * agent.c — the agent's link to the master (connect, upgrade, REGISTER,
 * PING/PONG, reconnect with backoff) and its status-update manager: updates
 * are queued per task, the oldest unacknowledged one is sent and retried
 * with a doubling interval until the framework's ACKNOWLEDGE comes back
 * through the master, then the next one goes.
 */
#define _GNU_SOURCE
#include "agent.h"
#include "agent_health.h"
#include "rt_elect.h"
#include "rt_master_url.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utlist.h>

#include "rt_attributes.h"
#include "rt_pbcheck.h"
#include "rt_resources.h"

void agent_send(agent *a, const Meso__Agent__AgentMessage *msg)
{
	if (!a->conn)
		return;
	size_t n = protobuf_c_message_get_packed_size(&msg->base);
	uint8_t *bytes = rt_xmalloc(n);
	protobuf_c_message_pack(&msg->base, bytes);
	rt_conn_send(a->conn, bytes, n);
	free(bytes);
}

/* A task's key: its framework's id and its own, a NUL between (ids hold
 * none), so the ids of two frameworks never meet. The caller frees it. */
static char *task_key(const char *fw_id, const char *task_id, size_t *len)
{
	size_t f = strlen(fw_id), t = strlen(task_id);
	char *k = rt_xmalloc(f + 1 + t);
	memcpy(k, fw_id, f + 1);
	memcpy(k + f + 1, task_id, t);
	*len = f + 1 + t;
	return k;
}

a_task *agent_task_find(agent *a, const char *fw_id, const char *task_id)
{
	size_t len;
	char *key = task_key(fw_id, task_id, &len);
	a_task *t;
	HASH_FIND(hh, a->tasks_by_key, key, len, t);
	free(key);
	return t;
}

/* The one place that makes a task record. */
a_task *agent_task_add(agent *a, const char *fw_id, const char *task_id)
{
	a_task *t = rt_xcalloc(1, sizeof *t);
	t->agent = a;
	t->sup_fd = -1;
	t->report_fd = -1;
	t->fw_id = rt_xstrdup(fw_id);
	t->id = rt_xstrdup(task_id);
	t->state = MESOS__V1__TASK_STATE__TASK_STAGING;
	t->key = task_key(fw_id, task_id, &t->key_len);
	DL_PREPEND(a->tasks, t);
	HASH_ADD_KEYPTR(hh, a->tasks_by_key, t->key, t->key_len, t);
	return t;
}

static void done_free(a_done_task *d)
{
	free(d->fw_id);
	free(d->exec_id);
	free(d->info);
	free(d->sandbox);
	free(d);
}

/* A terminal task leaves the list of live ones for the completed ones
 * (taking its TaskInfo); the oldest completed one goes past the bound. */
static void remember_done(agent *a, a_task *t)
{
	a_done_task *d = rt_xcalloc(1, sizeof *d);
	d->fw_id = t->fw_id;
	d->exec_id = t->exec ? rt_xstrdup(t->exec->id) : NULL;
	d->sandbox = t->exec || !t->sandbox[0] ? NULL : rt_xstrdup(t->sandbox);
	d->info = t->info;
	d->info_len = t->info_len;
	d->state = t->state;
	t->fw_id = NULL;
	t->info = NULL;
	if (a->done_tail)
		a->done_tail->next = d;
	else
		a->done = d;
	a->done_tail = d;
	if (++a->ndone > AGENT_COMPLETED_TASKS) {
		a_done_task *old = a->done;
		a->done = old->next;
		a->ndone--;
		done_free(old);
	}
}

void agent_task_forget(agent *a, a_task *t)
{
	agent_health_stop(a, t);
	agent_group_forget(a, t);
	DL_DELETE(a->tasks, t);
	HASH_DELETE(hh, a->tasks_by_key, t);
	free(t->key);
	ev_child_stop(a->loop, &t->child);
	ev_timer_stop(a->loop, &t->kill_timer);
	ev_io_stop(a->loop, &t->sup_watch);
	if (t->sup_fd >= 0)
		close(t->sup_fd);
	ev_io_stop(a->loop, &t->report_watch);
	if (t->report_fd >= 0)
		close(t->report_fd);
	agent_cgroups_destroy(t);
	agent_checkpoint_remove(t->ckpt);
	while (t->updates) {
		a_update *u = t->updates;
		t->updates = u->next;
		free(u->frame);
		free(u);
	}
	if (rt_task_state_terminal(t->state) && !t->fw_gone && t->info)
		remember_done(a, t); /* takes fw_id and info */
	free(t->fw_id);
	free(t->id);
	free(t->info);
	free(t);
}

/* ------------------------------------------------- checkpoint batching */

/* Checkpoints are written in batches: a queued update must be on disk
 * before it is sent (urgent: written when the loop has handled what is
 * pending, so a burst of launches costs one write per task, not one per
 * update); an acknowledgement only shortens the file, and is written within
 * CKPT_LAZY_S (a restart before that resends an acknowledged update, which
 * status updates allow: they are at-least-once). */
#define CKPT_LAZY_S 0.1

static void send_head(agent *a, a_task *t, bool retry);

static void checkpoint_flush(agent *a)
{
	ev_prepare_stop(a->loop, &a->ckpt_prepare);
	ev_timer_stop(a->loop, &a->ckpt_timer);
	agent_checkpoint_tasks(a);
	for (a_task *t = a->tasks; t; t = t->next)
		if (t->send_after_flush) {
			t->send_after_flush = false;
			send_head(a, t, false);
		}
}

void agent_checkpoint_later(agent *a, a_task *t, bool urgent)
{
	if (!t->ckpt[0])
		return;
	t->ckpt_dirty = true;
	if (urgent)
		ev_prepare_start(a->loop, &a->ckpt_prepare);
	else if (!ev_is_active(&a->ckpt_timer))
		ev_timer_start(a->loop, &a->ckpt_timer);
}

static void ckpt_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	checkpoint_flush(w->data);
}

static void ckpt_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	checkpoint_flush(w->data);
}

/* ---------------------------------------------------- status updates */

static void send_head(agent *a, a_task *t, bool retry)
{
	a_update *u = t->updates;
	if (!u || !a->conn || !a->registered)
		return;
	rt_conn_send(a->conn, u->frame, u->len);
	if (retry)
		a->metrics.updates_retried++;
	else
		a->metrics.updates_sent++;
	t->next_retry_ns = rt_mono_ns() + (int64_t)(t->backoff * 1e9);
}

static void count_state(agent *a, Mesos__V1__TaskState state)
{
	switch (state) {
	case MESOS__V1__TASK_STATE__TASK_FINISHED:
		a->metrics.tasks_finished++;
		break;
	case MESOS__V1__TASK_STATE__TASK_FAILED:
		a->metrics.tasks_failed++;
		break;
	case MESOS__V1__TASK_STATE__TASK_KILLED:
		a->metrics.tasks_killed++;
		break;
	case MESOS__V1__TASK_STATE__TASK_LOST:
		a->metrics.tasks_lost++;
		break;
	default:
		break;
	}
}

void agent_task_status(agent *a, a_task *t, Mesos__V1__TaskStatus *st)
{
	bool ended = t->exec && rt_task_state_terminal(st->state) && !rt_task_state_terminal(t->state);
	t->state = st->state;
	count_state(a, st->state);
	if (ended)
		agent_volumes_unlink_task(a, t);
	rt_log(RT_INFO, "task %s of framework %s: %s%s%s", t->id, t->fw_id, rt_task_state_name(st->state),
	       st->message ? ": " : "", st->message ? st->message : "");
	if (t->fw_gone)
		return;
	a_update *u = rt_xcalloc(1, sizeof *u);
	if (st->has_uuid && st->uuid.len == 16)
		memcpy(u->uuid, st->uuid.data, 16);
	else
		rt_uuid_random(u->uuid);
	u->state = st->state;

	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Meso__Agent__StatusUpdate su = MESO__AGENT__STATUS_UPDATE__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	/* The status is the caller's: fill in a copy of the top level. */
	Mesos__V1__TaskStatus copy = *st;
	/* Once a health check has a result, every update says it (Mesos). */
	int healthy = agent_health_known(t);
	if (healthy >= 0 && !copy.has_healthy) {
		copy.has_healthy = true;
		copy.healthy = healthy == 1;
	}
	fid.value = t->fw_id;
	if (a->id) {
		aid.value = a->id;
		copy.agent_id = &aid;
	}
	if (!copy.executor_id) {
		/* The built-in command executor's id is the task's. */
		eid.value = t->exec ? t->exec->id : t->group ? (char *)agent_group_executor_id(t->group) : t->id;
		copy.executor_id = &eid;
	}
	if (!copy.has_timestamp) {
		copy.has_timestamp = true;
		copy.timestamp = rt_wall_seconds();
	}
	copy.has_uuid = true;
	copy.uuid.data = u->uuid;
	copy.uuid.len = 16;
	su.framework_id = &fid;
	su.status = &copy;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_UPDATE;
	msg.status_update = &su;
	u->len = protobuf_c_message_get_packed_size(&msg.base);
	u->frame = rt_xmalloc(u->len);
	protobuf_c_message_pack(&msg.base, u->frame);

	a_update **pp = &t->updates;
	while (*pp)
		pp = &(*pp)->next;
	*pp = u;
	if (t->updates == u) {
		t->backoff = a->flags.retry_interval;
		/* On disk before it leaves, so that an update the master may have
		 * seen is never forgotten by a restart: sent once the loop's
		 * pending work is done and the checkpoint written. */
		if (t->ckpt[0])
			t->send_after_flush = true;
		else
			send_head(a, t, false);
	}
	agent_checkpoint_later(a, t, true);
	if (t->group && rt_task_state_terminal(st->state))
		agent_group_task_ended(a, t, st->state);
}

void agent_task_requeue(agent *a, a_task *t, const uint8_t uuid[16], Mesos__V1__TaskState state, const uint8_t *frame,
                        size_t len)
{
	a_update *u = rt_xcalloc(1, sizeof *u);
	memcpy(u->uuid, uuid, 16);
	u->state = state;
	u->len = len;
	u->frame = rt_xmalloc(len);
	memcpy(u->frame, frame, len);
	a_update **pp = &t->updates;
	while (*pp)
		pp = &(*pp)->next;
	*pp = u;
	t->backoff = a->flags.retry_interval;
}

void agent_task_update(agent *a, a_task *t, Mesos__V1__TaskState state, int reason, const char *message)
{
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	tid.value = t->id;
	st.task_id = &tid;
	st.state = state;
	st.message = (char *)message;
	st.has_source = true;
	st.source = t->exec ? MESOS__V1__TASK_STATUS__SOURCE__SOURCE_AGENT
	                    : MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR;
	if (reason >= 0) {
		st.has_reason = true;
		st.reason = (Mesos__V1__TaskStatus__Reason)reason;
	}
	agent_task_status(a, t, &st);
}

static void handle_ack(agent *a, const Meso__Agent__StatusAck *ack)
{
	a_task *t = agent_task_find(a, ack->framework_id->value, ack->task_id->value);
	if (!t || !t->updates || ack->uuid.len != 16 || memcmp(t->updates->uuid, ack->uuid.data, 16) != 0) {
		rt_log(RT_DEBUG, "acknowledgement for task %s matches no pending update", ack->task_id->value);
		return;
	}
	a_update *u = t->updates;
	t->updates = u->next;
	if (t->exec)
		agent_executor_acknowledged(a, t, u->uuid);
	free(u->frame);
	free(u);
	a->metrics.updates_acked++;
	if (t->updates) {
		/* The next one was on disk before it was queued. */
		agent_checkpoint_later(a, t, false);
		t->backoff = a->flags.retry_interval;
		send_head(a, t, false);
	} else if (rt_task_state_terminal(t->state) && t->pid == 0) {
		agent_task_forget(a, t);
	} else {
		agent_checkpoint_later(a, t, false);
	}
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	agent *a = w->data;
	int64_t now = rt_mono_ns();
	for (a_task *t = a->tasks; t; t = t->next) {
		if (t->updates && now >= t->next_retry_ns) {
			t->backoff = t->backoff * 2 < a->flags.retry_max ? t->backoff * 2 : a->flags.retry_max;
			send_head(a, t, true);
		}
	}
}

/* ------------------------------------------------------ master messages */

static void handle_run(agent *a, const Meso__Agent__RunTask *rt)
{
	const Mesos__V1__TaskInfo *ti = rt->task;
	if (agent_task_find(a, rt->framework_id->value, ti->task_id->value)) {
		rt_log(RT_WARN, "task %s of framework %s already exists; launch ignored", ti->task_id->value,
		       rt->framework_id->value);
		return;
	}
	a_task *t = agent_task_add(a, rt->framework_id->value, ti->task_id->value);
	t->info_len = mesos__v1__task_info__get_packed_size(ti);
	t->info = rt_xmalloc(t->info_len);
	mesos__v1__task_info__pack(ti, t->info);
	a->metrics.tasks_launched++;
	if (ti->executor)
		agent_executor_run(a, t, ti, rt->framework_info, rt->user);
	else
		agent_task_launch(a, t, ti, rt->user);
}

/* A task's kill policy, as Mesos ranks them: the KILL call's, else the
 * TaskInfo's, else the agent's --kill_grace. *explicit says whether the
 * KILL named one (it may then shorten a kill already under way). */
double agent_task_kill_grace(agent *a, const a_task *t)
{
	double grace = a->flags.kill_grace;
	Mesos__V1__TaskInfo *ti = t && t->info ? mesos__v1__task_info__unpack(NULL, t->info_len, t->info) : NULL;
	if (ti && ti->kill_policy && ti->kill_policy->grace_period)
		grace = (double)ti->kill_policy->grace_period->nanoseconds / 1e9;
	if (ti)
		mesos__v1__task_info__free_unpacked(ti, NULL);
	return grace < 0 ? 0 : grace;
}

static double kill_grace_of(agent *a, const a_task *t, const Meso__Agent__KillTask *k, bool *explicit)
{
	*explicit = k->kill_policy && k->kill_policy->grace_period;
	if (*explicit)
		return (double)k->kill_policy->grace_period->nanoseconds / 1e9;
	return agent_task_kill_grace(a, t);
}

static void handle_kill(agent *a, const Meso__Agent__KillTask *k)
{
	a_task *t = agent_task_find(a, k->framework_id->value, k->task_id->value);
	bool explicit;
	double grace = kill_grace_of(a, t, k, &explicit);
	if (!t) {
		/* Unknown here: say so with an update the framework can act on. */
		t = agent_task_add(a, k->framework_id->value, k->task_id->value);
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_LOST,
		                  MESOS__V1__TASK_STATUS__REASON__REASON_TASK_UNKNOWN, "Task unknown to the agent");
		return;
	}
	if (t->exec) {
		agent_executor_kill_task(a, t, k->kill_policy);
		return;
	}
	if (t->pid <= 0 && t->report_fd < 0)
		return;
	if (k->has_draining && k->draining)
		t->kill_draining = true;
	/* Mesos's command executor: TASK_KILLING first, for frameworks that
	 * understand it, once per kill. */
	if (k->killing_state && !t->kill_requested &&
	    (t->state == MESOS__V1__TASK_STATE__TASK_RUNNING || t->state == MESOS__V1__TASK_STATE__TASK_STARTING ||
	     t->state == MESOS__V1__TASK_STATE__TASK_STAGING))
		agent_task_update(a, t, MESOS__V1__TASK_STATE__TASK_KILLING, -1, NULL);
	agent_task_kill(a, t, grace, explicit);
	if (t->group)
		agent_group_kill(a, t);
}

static void handle_shutdown_fw(agent *a, const char *fw_id)
{
	rt_log(RT_INFO, "framework %s shut down: killing its tasks", fw_id);
	for (a_task *t = a->tasks, *next; t; t = next) {
		next = t->next;
		if (strcmp(t->fw_id, fw_id) != 0)
			continue;
		t->fw_gone = true;
		while (t->updates) {
			a_update *u = t->updates;
			t->updates = u->next;
			free(u->frame);
			free(u);
		}
		if (t->pid > 0 || t->report_fd >= 0)
			agent_task_kill(a, t, a->flags.kill_grace, false);
		else
			agent_task_forget(a, t);
	}
	agent_executors_shutdown_framework(a, fw_id);
}

static void send_register(agent *a)
{
	rt_arena *ar = rt_arena_create();
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Meso__Agent__Register reg = MESO__AGENT__REGISTER__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	if (a->id) {
		aid.value = a->id;
		reg.agent_id = &aid;
	}
	reg.hostname = (char *)a->flags.hostname;
	reg.port = rt_http_server_port(a->http);
	reg.resources = a->resources_pb;
	reg.n_resources = a->n_resources_pb;
	size_t n = 0;
	for (a_task *t = a->tasks; t; t = t->next)
		n += t->info != NULL && !t->fw_gone;
	reg.tasks = rt_arena_alloc(ar, (n ? n : 1) * sizeof *reg.tasks);
	Mesos__V1__TaskInfo **unpacked = rt_arena_alloc(ar, (n ? n : 1) * sizeof *unpacked);
	for (a_task *t = a->tasks; t; t = t->next) {
		if (!t->info || t->fw_gone)
			continue;
		Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(NULL, t->info_len, t->info);
		if (!ti)
			continue;
		Meso__Agent__RunningTask *r = rt_arena_alloc(ar, sizeof *r);
		meso__agent__running_task__init(r);
		r->framework_id = rt_arena_alloc(ar, sizeof *r->framework_id);
		mesos__v1__framework_id__init(r->framework_id);
		r->framework_id->value = t->fw_id;
		r->task = ti;
		r->state = t->state;
		unpacked[reg.n_tasks] = ti;
		reg.tasks[reg.n_tasks++] = r;
	}
	reg.attributes = a->attributes;
	reg.n_attributes = a->n_attributes;
	/* Custom executors, and the default executors of task groups (the
	 * master charges both until they exit). */
	size_t nexec = 0;
	for (a_executor *e = a->executors; e; e = e->next)
		nexec++;
	for (a_group *g = a->groups; g; g = agent_group_next(g))
		nexec++;
	reg.executors = rt_arena_alloc(ar, (nexec ? nexec : 1) * sizeof *reg.executors);
	Mesos__V1__ExecutorInfo **unpacked_execs = rt_arena_alloc(ar, (nexec ? nexec : 1) * sizeof *unpacked_execs);
	a_executor *e = a->executors;
	a_group *g = a->groups;
	while (e || g) {
		Mesos__V1__ExecutorInfo *ei = e ? mesos__v1__executor_info__unpack(NULL, e->info_len, e->info)
		                                : agent_group_executor_info(a, g);
		const char *fw_id = e ? e->fw_id : agent_group_framework_id(g);
		if (e)
			e = e->next;
		else
			g = agent_group_next(g);
		if (!ei)
			continue;
		Meso__Agent__RunningExecutor *re = rt_arena_alloc(ar, sizeof *re);
		meso__agent__running_executor__init(re);
		re->framework_id = rt_arena_alloc(ar, sizeof *re->framework_id);
		mesos__v1__framework_id__init(re->framework_id);
		re->framework_id->value = (char *)fw_id;
		re->executor = ei;
		unpacked_execs[reg.n_executors] = ei;
		reg.executors[reg.n_executors++] = re;
	}
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTER;
	msg.register_agent = &reg;
	agent_send(a, &msg);
	for (size_t i = 0; i < reg.n_tasks; i++)
		mesos__v1__task_info__free_unpacked(unpacked[i], NULL);
	for (size_t i = 0; i < reg.n_executors; i++)
		mesos__v1__executor_info__free_unpacked(unpacked_execs[i], NULL);
	rt_arena_destroy(ar);
}

static void on_frame(rt_conn *c, const uint8_t *payload, size_t len, void *ud)
{
	agent *a = ud;
	Meso__Agent__AgentMessage *msg = meso__agent__agent_message__unpack(NULL, len, payload);
	if (!msg) {
		rt_log(RT_WARN, "undecodable frame of %zu bytes from the master", len);
		rt_conn_close(c, "undecodable frame");
		return;
	}
	char field[200];
	const char *why;
	if (rt_pb_check(&msg->base, field, sizeof field, &why) != 0) {
		rt_log(RT_WARN, "field '%s' of a frame from the master %s", field, why);
		meso__agent__agent_message__free_unpacked(msg, NULL);
		rt_conn_close(c, "a malformed frame");
		return;
	}
	a->last_heard_ns = rt_mono_ns();
	switch (msg->type) {
	case MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTERED:
		if (!msg->registered)
			break;
		if (!a->id || strcmp(a->id, msg->registered->agent_id->value) != 0) {
			free(a->id);
			a->id = rt_xstrdup(msg->registered->agent_id->value);
			agent_checkpoint_agent(a);
			for (a_task *t = a->tasks; t; t = t->next)
				agent_checkpoint_later(a, t, false);
		}
		if (msg->registered->has_reregister_timeout_seconds)
			a->master_reregister_timeout = msg->registered->reregister_timeout_seconds;
		free(a->master_id);
		a->master_id = rt_xstrdup(msg->registered->master_id);
		if (msg->registered->has_heartbeat_interval_seconds && msg->registered->heartbeat_interval_seconds > 0)
			a->heartbeat_interval = msg->registered->heartbeat_interval_seconds;
		a->registered = true;
		a->reconnect_delay = 0;
		a->metrics.registrations++;
		rt_log(RT_INFO, "registered with master %s as agent %s", a->master_id, a->id);
		ev_timer_stop(a->loop, &a->ping_timer);
		/* The first PING at a random point of the interval: agents that
		 * register together (after a master failover) must not ping the
		 * master together for ever after. */
		ev_timer_set(&a->ping_timer, rt_jitter(a->heartbeat_interval), a->heartbeat_interval);
		ev_timer_start(a->loop, &a->ping_timer);
		/* Everything unacknowledged goes again, oldest of each task first. */
		for (a_task *t = a->tasks; t; t = t->next) {
			t->backoff = a->flags.retry_interval;
			send_head(a, t, true);
		}
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__PONG:
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK:
		if (msg->run_task)
			handle_run(a, msg->run_task);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK_GROUP:
		if (msg->run_task_group && msg->run_task_group->executor)
			agent_group_run(a, msg->run_task_group);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__CREATE_VOLUME:
	case MESO__AGENT__AGENT_MESSAGE__TYPE__DESTROY_VOLUME:
		if (msg->volume)
			agent_volume_apply(a, msg->volume,
			                   msg->type == MESO__AGENT__AGENT_MESSAGE__TYPE__CREATE_VOLUME);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__KILL_TASK:
		if (msg->kill_task)
			handle_kill(a, msg->kill_task);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__SHUTDOWN_FRAMEWORK:
		if (msg->shutdown_framework)
			handle_shutdown_fw(a, msg->shutdown_framework->framework_id->value);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__SHUTDOWN_EXECUTOR:
		/* A framework's SHUTDOWN: the executor is told to shut down and
		 * killed after its grace period (as for a framework's end). */
		if (msg->shutdown_executor && !agent_executor_shutdown(a, msg->shutdown_executor->framework_id->value,
		                                                       msg->shutdown_executor->executor_id->value))
			rt_log(RT_WARN, "cannot shut down unknown executor %s of framework %s",
			       msg->shutdown_executor->executor_id->value, msg->shutdown_executor->framework_id->value);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_ACK:
		if (msg->status_ack)
			handle_ack(a, msg->status_ack);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__FRAMEWORK_MESSAGE:
		if (msg->executor_message)
			agent_executor_message(a, msg->executor_message);
		break;
	default:
		rt_log(RT_WARN, "unexpected message type %d from the master", (int)msg->type);
		break;
	}
	meso__agent__agent_message__free_unpacked(msg, NULL);
}

static void connect_master(agent *a);

static void on_close(rt_conn *c, const char *why, void *ud)
{
	agent *a = ud;
	if (a->conn != c)
		return;
	a->conn = NULL;
	a->registered = false;
	ev_timer_stop(a->loop, &a->ping_timer);
	a->reconnect_delay = a->reconnect_delay ? a->reconnect_delay * 2 : 0.1;
	if (a->reconnect_delay > a->flags.reconnect_max)
		a->reconnect_delay = a->flags.reconnect_max;
	rt_log(RT_WARN, "connection to master %s:%d lost (%s); reconnecting in %.1f s", a->master_host, a->master_port,
	       why, a->reconnect_delay);
	ev_timer_set(&a->reconnect_timer, a->reconnect_delay, 0.);
	ev_timer_start(a->loop, &a->reconnect_timer);
}

static void on_open(rt_conn *c, void *ud)
{
	agent *a = ud;
	a->last_heard_ns = rt_mono_ns();
	send_register(a);
}

static void connect_master(agent *a)
{
	char req[1200];
	snprintf(req, sizeof req,
	         "POST /api/agent HTTP/1.1\r\nHost: %s:%d\r\nConnection: Upgrade\r\nUpgrade: meso-agent/1\r\n"
	         "%sContent-Length: 0\r\n\r\n",
	         a->master_host, a->master_port, a->flags.auth_header ? a->flags.auth_header : "");
	rt_conn_handlers h = {.on_frame = on_frame, .on_close = on_close, .on_open = on_open, .ud = a};
	a->conn = rt_conn_connect_tls(a->loop, a->master_host, a->master_port, req, &h, a->flags.tls_client);
	a->metrics.reconnects++;
	if (!a->conn) {
		if (errno == 0)
			rt_log(RT_WARN, "cannot resolve master host %s; retrying in %.1f s", a->master_host,
			       a->flags.reconnect_max);
		else
			rt_log(RT_WARN, "cannot make a socket to connect to master %s:%d (%s); retrying in %.1f s",
			       a->master_host, a->master_port, strerror(errno), a->flags.reconnect_max);
		ev_timer_set(&a->reconnect_timer, a->flags.reconnect_max, 0.);
		ev_timer_start(a->loop, &a->reconnect_timer);
	}
}

static void reconnect_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	agent *a = w->data;
	if (a->master_host[0]) /* else the detector connects when a leader appears */
		connect_master(a);
}

/* The detector (--zk): a new leader means a new connection at once, and a
 * re-registration with our id and running tasks; updates not acknowledged
 * are re-sent after it. */
static void on_leader(void *ud, const char *info)
{
	agent *a = ud;
	char host[256];
	int port;
	if (!info || rt_master_info_address(info, host, sizeof host, &port) != 0) {
		rt_log(RT_WARN, "no leading master known; waiting for one");
		a->master_host[0] = 0;
		return;
	}
	if (a->conn && strcmp(host, a->master_host) == 0 && port == a->master_port)
		return;
	rt_log(RT_INFO, "leading master is now %s:%d", host, port);
	snprintf(a->master_host, sizeof a->master_host, "%s", host);
	a->master_port = port;
	ev_timer_stop(a->loop, &a->reconnect_timer);
	ev_timer_stop(a->loop, &a->ping_timer);
	if (a->conn) {
		rt_conn *c = a->conn;
		a->conn = NULL;
		a->registered = false;
		rt_conn_close(c, "the leading master changed");
	}
	a->reconnect_delay = 0;
	connect_master(a);
}

bool agent_master_timed_out(const agent *a, int64_t now_ns, int64_t *busy_ns)
{
	/* The master's silence, less the turns our own loop was too busy to
	 * read it (a burst of launches, a slow disk): those are not its fault. */
	*busy_ns = rt_lag_busy_since(a->lag, a->last_heard_ns);
	return now_ns - a->last_heard_ns - *busy_ns > (int64_t)(a->flags.master_timeout * 1e9);
}

static void ping_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	agent *a = w->data;
	if (!a->conn)
		return;
	int64_t now = rt_mono_ns(), silent = now - a->last_heard_ns, busy;
	if (agent_master_timed_out(a, now, &busy)) {
		char why[160];
		snprintf(why, sizeof why, "master silent for %.1f s (%.1f s of it this agent was busy)",
		         (double)silent / 1e9, (double)busy / 1e9);
		rt_conn_close(a->conn, why);
		return;
	}
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__PING;
	agent_send(a, &msg);
}

int agent_init(agent *a, struct ev_loop *loop, const agent_flags *flags, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->loop = loop;
	a->flags = *flags;
	a->start_ns = rt_mono_ns();
	a->heartbeat_interval = 1.0;
	if (flags->master) {
		rt_master_url u;
		if (rt_master_url_parse_text(flags->master, &u, err, errlen) != 0)
			return -1;
		if (u.kind != RT_MASTER_HOSTPORT) {
			snprintf(err, errlen, "--master: \"%s\" is not HOST:PORT (give zk:// as flags.zk)",
			         flags->master);
			return -1;
		}
		snprintf(a->master_host, sizeof a->master_host, "%s", u.host);
		a->master_port = u.port;
	}
	if (rt_mkdirs(flags->work_dir) != 0 || !realpath(flags->work_dir, a->work_dir)) {
		snprintf(err, errlen, "cannot create work_dir '%s'", flags->work_dir);
		return -1;
	}
	char cache[PATH_MAX + 16];
	if (flags->fetcher_cache_dir)
		snprintf(cache, sizeof cache, "%s", flags->fetcher_cache_dir);
	else
		snprintf(cache, sizeof cache, "%s/fetch_cache", a->work_dir);
	if (rt_mkdirs(cache) != 0 || !realpath(cache, a->fetch_cache)) {
		snprintf(err, errlen, "cannot create the fetcher's cache '%s': %s", cache, strerror(errno));
		return -1;
	}
	/* What --resources does not name comes from the host, as in Mesos. */
	agent_host host;
	agent_host_probe(a->work_dir, &host);
	char resources[4096];
	if (agent_default_resources(flags->resources, &host, resources, sizeof resources) != 0) {
		snprintf(err, errlen, "--resources is too long");
		return -1;
	}
	ac_err aerr;
	if (ac_core_create(NULL, NULL, &a->parser, &aerr) != 0 ||
	    ac_resources_parse(a->parser, resources, &a->total, &aerr) != 0) {
		snprintf(err, errlen, "--resources: %s", aerr.msg);
		return -1;
	}
	a->arena = rt_arena_create();
	a->resources_pb = rt_resources_to_pb(a->parser, &a->total, NULL, a->arena, &a->n_resources_pb);
	char why[256];
	if (rt_attributes_parse(flags->attributes, a->arena, &a->attributes, &a->n_attributes, why, sizeof why) != 0) {
		snprintf(err, errlen, "--attributes: %s", why);
		return -1;
	}
	a->http = rt_http_server_create(loop, flags->ip, flags->port, NULL, agent_http_handler, a, err, errlen);
	if (!a->http)
		return -1;
	ev_timer_init(&a->reconnect_timer, reconnect_cb, 0., 0.);
	ev_timer_init(&a->ping_timer, ping_cb, 1., 1.);
	ev_timer_init(&a->retry_timer, retry_cb, 0.1, 0.1);
	a->reconnect_timer.data = a->ping_timer.data = a->retry_timer.data = a;
	ev_timer_start(loop, &a->retry_timer);
	ev_prepare_init(&a->ckpt_prepare, ckpt_prepare_cb);
	ev_timer_init(&a->ckpt_timer, ckpt_timer_cb, CKPT_LAZY_S, 0.);
	a->ckpt_prepare.data = a->ckpt_timer.data = a;
	agent_executors_init(a);
	a->lag = rt_lag_create(loop, AGENT_LAG_THRESHOLD);
	rt_loglevel_init(&a->loglevel, loop);
	agent_proc_alive(getpid(), &a->self_start);
	agent_supervisor_find(a);
	if (agent_auth_init(a, err, errlen) != 0)
		return -1;
	/* Processes are adopted only within the boot that started them. */
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (fgets(a->boot_id, sizeof a->boot_id, f))
			a->boot_id[strcspn(a->boot_id, "\n")] = '\0';
		fclose(f);
	}
	return 0;
}

int agent_start(agent *a, const char *isolation, char *err, size_t errlen)
{
	int64_t t0 = rt_mono_ns();
	agent_recover(a);
	agent_cgroups_init(a, isolation);
	agent_kill_leftovers(a);
	a->recovery_done_ns = rt_mono_ns();
	a->recovered_ns = a->recovery_done_ns - t0;
	agent_gc_init(a);
	return agent_connect(a, err, errlen);
}

int agent_connect(agent *a, char *err, size_t errlen)
{
	const agent_flags *flags = &a->flags;
	struct ev_loop *loop = a->loop;
	if (flags->zk) {
		rt_zk_url url;
		if (rt_zk_url_parse(flags->zk, &url, err, errlen) != 0)
			return -1;
		a->master_host[0] = 0; /* the leader replaces --master */
		a->zk = rt_zk_open(loop, url.hosts, (int)(flags->zk_session_timeout * 1000));
		if (!a->zk) {
			snprintf(err, errlen, "cannot open a ZooKeeper session to %s", url.hosts);
			return -1;
		}
		rt_detector_start(a->zk, url.path, on_leader, a);
	} else {
		connect_master(a);
	}
	return 0;
}

void agent_shutdown(agent *a)
{
	rt_loglevel_stop(&a->loglevel);
	if (a->zk)
		rt_zk_close(a->zk);
	a->zk = NULL;
	ev_timer_stop(a->loop, &a->reconnect_timer);
	ev_timer_stop(a->loop, &a->ping_timer);
	ev_timer_stop(a->loop, &a->retry_timer);
	ev_timer_stop(a->loop, &a->gc_timer);
	ev_prepare_stop(a->loop, &a->ckpt_prepare);
	ev_timer_stop(a->loop, &a->ckpt_timer);
	if (a->conn) {
		rt_conn *c = a->conn;
		a->conn = NULL;
		rt_conn_close(c, "agent shutting down");
	}
	agent_executors_destroy(a);
	agent_volumes_free(a);
	rt_http_server_destroy(a->http);
	while (a->tasks)
		agent_task_forget(a, a->tasks);
	while (a->done) {
		a_done_task *d = a->done;
		a->done = d->next;
		done_free(d);
	}
	a->done_tail = NULL;
	a->ndone = 0;
	if (a->cg.kind != AGENT_CG_NONE) {
		rmdir(a->cg.mem_base);
		if (a->cg.cpu_base[0])
			rmdir(a->cg.cpu_base);
	}
	rt_lag_destroy(a->lag);
	rt_arena_destroy(a->arena);
	agent_auth_free(a);
	ac_core_destroy(a->parser);
	free(a->id);
	free(a->master_id);
}

/*
 * scale_agents.c — N emulated agents on one loop. Each speaks the framed
 * master<->agent protocol as meso-agent does (runtime/agent/agent.c): the
 * HTTP upgrade, REGISTER (with its running tasks when it comes back), a PING
 * every heartbeat interval the master gives, reconnection with a doubling
 * backoff, and the status-update manager (per task, in order, only the oldest
 * unacknowledged update in flight, retried with a doubling interval, all
 * re-sent after a re-registration). A task is no process but a timer: its
 * command `sleep N` sets how long it "runs".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_taskstate.h"
#include "scale.h"

typedef struct e_update {
	struct e_update *next;
	uint8_t uuid[16];
	uint8_t *frame; /* packed AgentMessage{STATUS_UPDATE} */
	size_t len;
} e_update;

typedef struct e_task {
	struct e_task *next;
	e_agent *agent;
	char *fw_id, *id;
	uint8_t *info; /* packed TaskInfo, reported on re-registration */
	size_t info_len;
	Mesos__V1__TaskState state; /* the latest queued */
	bool alive;                 /* its "process" runs (the run timer is active) */
	ev_timer run;               /* the task's process: ends after its duration */
	ev_timer retry;             /* re-sends the head update until acknowledged */
	double backoff;
	e_update *updates; /* oldest first; only the head is in flight */
} e_task;

struct e_agent {
	scale *s;
	int idx;
	rt_conn *conn;
	bool open;       /* handshake done */
	bool registered; /* REGISTERED received on this connection */
	bool counted;    /* counted once in the connect phase */
	char *id;        /* from the master; kept across reconnections */
	double heartbeat_interval;
	int64_t last_heard_ns;
	double reconnect_delay;
	ev_timer ping, reconnect;
	e_task *tasks;
};

static void agent_connect(e_agent *a);

static void agent_send(e_agent *a, const Meso__Agent__AgentMessage *msg)
{
	if (!a->conn)
		return;
	size_t n = protobuf_c_message_get_packed_size(&msg->base);
	uint8_t stack[512];
	uint8_t *bytes = n <= sizeof stack ? stack : rt_xmalloc(n);
	protobuf_c_message_pack(&msg->base, bytes);
	rt_conn_send(a->conn, bytes, n);
	if (bytes != stack)
		free(bytes);
}

/* ---------------------------------------------------------------- tasks */

static e_task *task_find(e_agent *a, const char *fw_id, const char *task_id)
{
	for (e_task *t = a->tasks; t; t = t->next)
		if (strcmp(t->id, task_id) == 0 && strcmp(t->fw_id, fw_id) == 0)
			return t;
	return NULL;
}

static void task_drop_updates(e_task *t)
{
	while (t->updates) {
		e_update *u = t->updates;
		t->updates = u->next;
		free(u->frame);
		free(u);
	}
}

static void task_forget(e_agent *a, e_task *t)
{
	for (e_task **pp = &a->tasks; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	ev_timer_stop(a->s->loop, &t->run);
	ev_timer_stop(a->s->loop, &t->retry);
	task_drop_updates(t);
	free(t->fw_id);
	free(t->id);
	free(t->info);
	free(t);
}

static void send_head(e_agent *a, e_task *t, bool retry)
{
	e_update *u = t->updates;
	if (!u || !a->conn || !a->registered)
		return;
	rt_conn_send(a->conn, u->frame, u->len);
	if (retry)
		a->s->c.a_updates_retried++;
	else
		a->s->c.a_updates_sent++;
	ev_timer_stop(a->s->loop, &t->retry);
	ev_timer_set(&t->retry, t->backoff, 0.);
	ev_timer_start(a->s->loop, &t->retry);
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	e_task *t = w->data;
	e_agent *a = t->agent;
	double max = a->s->cfg.status_retry_max_seconds;
	t->backoff = t->backoff * 2 < max ? t->backoff * 2 : max;
	send_head(a, t, true);
}

/* Queues an update as the real agent's agent_task_update does for a command
 * task: source EXECUTOR, executor id = task id, a fresh uuid, a timestamp. */
static void task_update(e_agent *a, e_task *t, Mesos__V1__TaskState state, const char *message)
{
	t->state = state;
	e_update *u = rt_xcalloc(1, sizeof *u);
	rt_uuid_random(u->uuid);
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Meso__Agent__StatusUpdate su = MESO__AGENT__STATUS_UPDATE__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = t->fw_id;
	tid.value = t->id;
	eid.value = t->id;
	st.task_id = &tid;
	st.state = state;
	st.message = (char *)message;
	st.has_source = true;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR;
	if (a->id) {
		aid.value = a->id;
		st.agent_id = &aid;
	}
	st.executor_id = &eid;
	st.has_timestamp = true;
	st.timestamp = rt_wall_seconds();
	st.has_uuid = true;
	st.uuid.data = u->uuid;
	st.uuid.len = 16;
	su.framework_id = &fid;
	su.status = &st;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_UPDATE;
	msg.status_update = &su;
	u->len = protobuf_c_message_get_packed_size(&msg.base);
	u->frame = rt_xmalloc(u->len);
	protobuf_c_message_pack(&msg.base, u->frame);
	e_update **pp = &t->updates;
	while (*pp)
		pp = &(*pp)->next;
	*pp = u;
	if (t->updates == u) {
		t->backoff = a->s->cfg.status_retry_seconds;
		send_head(a, t, false);
	}
}

/* The task's "process" exited with status 0. */
static void run_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	e_task *t = w->data;
	t->alive = false;
	task_update(t->agent, t, MESOS__V1__TASK_STATE__TASK_FINISHED, "Command exited with status 0");
}

/* `sleep N` runs N seconds; any other command ends at once, as `true`. */
static double task_duration(const Mesos__V1__TaskInfo *ti)
{
	double secs = 0;
	if (ti->command && ti->command->value && sscanf(ti->command->value, "sleep %lf", &secs) == 1 && secs > 0)
		return secs;
	return 0;
}

static e_task *task_new(e_agent *a, const char *fw_id, const char *task_id)
{
	e_task *t = rt_xcalloc(1, sizeof *t);
	t->agent = a;
	t->fw_id = rt_xstrdup(fw_id);
	t->id = rt_xstrdup(task_id);
	t->state = MESOS__V1__TASK_STATE__TASK_STAGING;
	ev_timer_init(&t->run, run_cb, 0., 0.);
	ev_timer_init(&t->retry, retry_cb, 1., 0.);
	t->run.data = t->retry.data = t;
	t->next = a->tasks;
	a->tasks = t;
	return t;
}

static void handle_run(e_agent *a, const Meso__Agent__RunTask *rt)
{
	const Mesos__V1__TaskInfo *ti = rt->task;
	a->s->c.a_run_tasks++;
	if (!ti || !ti->task_id) {
		scale_protocol_error(a->s, "agent %d: RUN_TASK without a task", a->idx);
		return;
	}
	if (task_find(a, rt->framework_id->value, ti->task_id->value)) {
		scale_protocol_error(a->s, "agent %d: RUN_TASK for task %s it already runs", a->idx,
		                     ti->task_id->value);
		return;
	}
	if (ti->executor) {
		/* Custom executors are real processes: not emulated. */
		scale_protocol_error(a->s, "agent %d: task %s has an executor (not emulated)", a->idx,
		                     ti->task_id->value);
		return;
	}
	e_task *t = task_new(a, rt->framework_id->value, ti->task_id->value);
	t->info_len = mesos__v1__task_info__get_packed_size(ti);
	t->info = rt_xmalloc(t->info_len);
	mesos__v1__task_info__pack(ti, t->info);
	/* As agent_task_launch: STARTING, the fork, RUNNING; RUNNING goes once
	 * STARTING is acknowledged. */
	task_update(a, t, MESOS__V1__TASK_STATE__TASK_STARTING, NULL);
	t->alive = true;
	ev_timer_set(&t->run, task_duration(ti), 0.);
	ev_timer_start(a->s->loop, &t->run);
	task_update(a, t, MESOS__V1__TASK_STATE__TASK_RUNNING, NULL);
}

static void handle_kill(e_agent *a, const Meso__Agent__KillTask *k)
{
	a->s->c.a_kills++;
	e_task *t = task_find(a, k->framework_id->value, k->task_id->value);
	if (!t) {
		t = task_new(a, k->framework_id->value, k->task_id->value);
		task_update(a, t, MESOS__V1__TASK_STATE__TASK_LOST, "Task unknown to the agent");
		return;
	}
	if (!t->alive)
		return;
	/* SIGTERM ends a `sleep` at once. */
	ev_timer_stop(a->s->loop, &t->run);
	t->alive = false;
	task_update(a, t, MESOS__V1__TASK_STATE__TASK_KILLED, "Command terminated with signal Terminated");
}

static void handle_shutdown_fw(e_agent *a, const char *fw_id)
{
	a->s->c.a_shutdowns++;
	for (e_task *t = a->tasks, *next; t; t = next) {
		next = t->next;
		if (strcmp(t->fw_id, fw_id) == 0)
			task_forget(a, t);
	}
}

static void handle_ack(e_agent *a, const Meso__Agent__StatusAck *ack)
{
	e_task *t = task_find(a, ack->framework_id->value, ack->task_id->value);
	if (!t || !t->updates || ack->uuid.len != 16 || memcmp(t->updates->uuid, ack->uuid.data, 16) != 0) {
		/* A duplicate (the update was retried): the real agent ignores it too. */
		a->s->c.a_stale_acks++;
		return;
	}
	a->s->c.a_acks++;
	e_update *u = t->updates;
	t->updates = u->next;
	free(u->frame);
	free(u);
	ev_timer_stop(a->s->loop, &t->retry);
	if (t->updates) {
		t->backoff = a->s->cfg.status_retry_seconds;
		send_head(a, t, false);
	} else if (rt_task_state_terminal(t->state) && !t->alive) {
		task_forget(a, t);
	}
}

/* ------------------------------------------------------------ connection */

static void send_register(e_agent *a)
{
	scale *s = a->s;
	char hostname[64];
	snprintf(hostname, sizeof hostname, "scale-agent-%05d", a->idx);
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Meso__Agent__Register reg = MESO__AGENT__REGISTER__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	if (a->id) {
		aid.value = a->id;
		reg.agent_id = &aid;
	}
	reg.hostname = hostname;
	reg.port = 5051;
	reg.resources = s->agent_res_pb;
	reg.n_resources = s->n_agent_res_pb;
	size_t n = 0;
	for (e_task *t = a->tasks; t; t = t->next)
		n += t->info != NULL;
	Meso__Agent__RunningTask *rts = rt_xcalloc(n ? n : 1, sizeof *rts);
	Meso__Agent__RunningTask **prts = rt_xcalloc(n ? n : 1, sizeof *prts);
	Mesos__V1__FrameworkID *fids = rt_xcalloc(n ? n : 1, sizeof *fids);
	for (e_task *t = a->tasks; t; t = t->next) {
		if (!t->info)
			continue;
		Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(NULL, t->info_len, t->info);
		if (!ti)
			continue;
		size_t i = reg.n_tasks++;
		meso__agent__running_task__init(&rts[i]);
		mesos__v1__framework_id__init(&fids[i]);
		fids[i].value = t->fw_id;
		rts[i].framework_id = &fids[i];
		rts[i].task = ti;
		rts[i].state = t->state;
		prts[i] = &rts[i];
	}
	reg.tasks = prts;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTER;
	msg.register_agent = &reg;
	agent_send(a, &msg);
	for (size_t i = 0; i < reg.n_tasks; i++)
		mesos__v1__task_info__free_unpacked(rts[i].task, NULL);
	free(rts);
	free(prts);
	free(fids);
}

static void handle_registered(e_agent *a, const Meso__Agent__Registered *r)
{
	scale *s = a->s;
	if (a->id && strcmp(a->id, r->agent_id->value) != 0) {
		/* The master removed us and took us back as a new agent. */
		if (++s->c.a_new_ids <= SCALE_LOGGED)
			rt_log(RT_WARN, "agent %d came back as %s (was %s): the master had removed it", a->idx,
			       r->agent_id->value, a->id);
	}
	if (a->id)
		s->c.a_reregistrations++;
	else
		s->c.a_registrations++;
	free(a->id);
	a->id = rt_xstrdup(r->agent_id->value);
	if (r->has_heartbeat_interval_seconds && r->heartbeat_interval_seconds > 0)
		a->heartbeat_interval = r->heartbeat_interval_seconds;
	a->registered = true;
	a->reconnect_delay = 0;
	ev_timer_stop(s->loop, &a->ping);
	ev_timer_set(&a->ping, rt_jitter(a->heartbeat_interval), a->heartbeat_interval); /* as agent.c */
	ev_timer_start(s->loop, &a->ping);
	for (e_task *t = a->tasks; t; t = t->next) {
		t->backoff = s->cfg.status_retry_seconds;
		send_head(a, t, true);
	}
	if (!a->counted) {
		a->counted = true;
		scale_agent_registered(s);
	}
}

static void on_frame(rt_conn *c, const uint8_t *payload, size_t len, void *ud)
{
	e_agent *a = ud;
	Meso__Agent__AgentMessage *msg = meso__agent__agent_message__unpack(NULL, len, payload);
	if (!msg) {
		scale_protocol_error(a->s, "agent %d: undecodable frame of %zu bytes", a->idx, len);
		rt_conn_close(c, "undecodable frame");
		return;
	}
	a->last_heard_ns = rt_mono_ns();
	switch (msg->type) {
	case MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTERED:
		if (msg->registered)
			handle_registered(a, msg->registered);
		else
			scale_protocol_error(a->s, "agent %d: REGISTERED without its payload", a->idx);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__PONG:
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK:
		if (msg->run_task)
			handle_run(a, msg->run_task);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__KILL_TASK:
		if (msg->kill_task)
			handle_kill(a, msg->kill_task);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__SHUTDOWN_FRAMEWORK:
		if (msg->shutdown_framework)
			handle_shutdown_fw(a, msg->shutdown_framework->framework_id->value);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_ACK:
		if (msg->status_ack)
			handle_ack(a, msg->status_ack);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__FRAMEWORK_MESSAGE:
		break; /* for an executor: none here */
	default:
		scale_protocol_error(a->s, "agent %d: unexpected message type %d", a->idx, (int)msg->type);
		break;
	}
	meso__agent__agent_message__free_unpacked(msg, NULL);
}

static void on_close(rt_conn *c, const char *why, void *ud)
{
	e_agent *a = ud;
	scale *s = a->s;
	if (a->conn != c)
		return;
	a->conn = NULL;
	bool was_open = a->open, was_registered = a->registered;
	a->open = a->registered = false;
	ev_timer_stop(s->loop, &a->ping);
	if (s->stopping)
		return;
	if (was_registered) {
		if (++s->c.a_disconnects <= SCALE_LOGGED)
			rt_log(RT_WARN, "agent %d (%s): connection lost: %s", a->idx, a->id ? a->id : "?", why);
	} else {
		scale_protocol_error(s, "agent %d: connection %s before REGISTERED: %s", a->idx,
		                     was_open ? "closed" : "failed", why);
		if (!was_open && s->registered == 0) {
			/* No agent ever got through: no master there. */
			char msg[400];
			snprintf(msg, sizeof msg, "cannot reach the master at %s:%d: %s", s->cfg.host, s->cfg.port,
			         why);
			scale_abort(s, msg);
			return;
		}
	}
	/* As the real agent: reconnect after a doubling delay, and re-register. */
	a->reconnect_delay = a->reconnect_delay ? a->reconnect_delay * 2 : 0.1;
	if (a->reconnect_delay > s->cfg.reconnect_max_seconds)
		a->reconnect_delay = s->cfg.reconnect_max_seconds;
	ev_timer_set(&a->reconnect, a->reconnect_delay, 0.);
	ev_timer_start(s->loop, &a->reconnect);
}

static void on_open(rt_conn *c, void *ud)
{
	e_agent *a = ud;
	a->open = true;
	a->last_heard_ns = rt_mono_ns();
	send_register(a);
}

static void agent_connect(e_agent *a)
{
	scale *s = a->s;
	char req[512];
	snprintf(req, sizeof req,
	         "POST /api/agent HTTP/1.1\r\nHost: %s:%d\r\nConnection: Upgrade\r\nUpgrade: meso-agent/1\r\n"
	         "Content-Length: 0\r\n\r\n",
	         s->cfg.host, s->cfg.port);
	rt_conn_handlers h = {.on_frame = on_frame, .on_close = on_close, .on_open = on_open, .ud = a};
	a->conn = rt_conn_connect(s->loop, s->cfg.host, s->cfg.port, req, &h);
	if (!a->conn) {
		scale_protocol_error(s, "agent %d: cannot open a socket to %s:%d", a->idx, s->cfg.host, s->cfg.port);
		ev_timer_set(&a->reconnect, s->cfg.reconnect_max_seconds, 0.);
		ev_timer_start(s->loop, &a->reconnect);
	}
}

static void reconnect_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	agent_connect(w->data);
}

static void ping_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	e_agent *a = w->data;
	scale *s = a->s;
	if (!a->conn)
		return;
	if (rt_mono_ns() - a->last_heard_ns > (int64_t)(s->cfg.master_timeout_seconds * 1e9)) {
		s->c.a_master_silent++;
		rt_conn_close(a->conn, "master silent for too long");
		return;
	}
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__PING;
	agent_send(a, &msg);
	s->c.a_pings++;
}

/* ------------------------------------------------------------ lifecycle */

void scale_agents_create(scale *s)
{
	s->agents = rt_xcalloc((size_t)s->cfg.agents, sizeof *s->agents);
	for (int i = 0; i < s->cfg.agents; i++) {
		e_agent *a = &s->agents[i];
		a->s = s;
		a->idx = i;
		a->heartbeat_interval = 1.0; /* until REGISTERED says, as the real agent */
		ev_timer_init(&a->ping, ping_cb, 1., 1.);
		ev_timer_init(&a->reconnect, reconnect_cb, 0., 0.);
		a->ping.data = a->reconnect.data = a;
	}
}

bool scale_agents_open_next(scale *s)
{
	if (s->next_connect >= s->cfg.agents)
		return false;
	agent_connect(&s->agents[s->next_connect++]);
	return true;
}

void scale_agents_close(scale *s)
{
	for (int i = 0; i < s->cfg.agents; i++) {
		e_agent *a = &s->agents[i];
		ev_timer_stop(s->loop, &a->ping);
		ev_timer_stop(s->loop, &a->reconnect);
		if (a->conn)
			rt_conn_close(a->conn, "meso-scale stopping");
	}
}

void scale_agents_destroy(scale *s)
{
	if (!s->agents)
		return;
	for (int i = 0; i < s->cfg.agents; i++) {
		e_agent *a = &s->agents[i];
		while (a->tasks)
			task_forget(a, a->tasks);
		free(a->id);
	}
	free(s->agents);
	s->agents = NULL;
}

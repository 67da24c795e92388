/*
 * master_agents.c — the master's side of the agent protocol: an agent opens
 * "POST /api/agent" with "Upgrade: meso-agent/1", gets 101, and from then on
 * both sides exchange framed meso.agent.AgentMessage (rt_frame.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <utlist.h>

#include "master.h"
#include "rt_attributes.h"
#include "rt_pbcheck.h"
#include "rt_resources.h"

#define AGENT_PATH     "/api/agent"
#define AGENT_PROTOCOL "meso-agent/1"

/* The agent registered on a connection (set at REGISTER), or NULL. */
static m_agent *agent_of_conn(rt_conn *c)
{
	return rt_conn_data(c);
}

static void send_simple(master *m, m_agent *a, Meso__Agent__AgentMessage__Type type)
{
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	msg.type = type;
	master_agent_send(m, a, &msg);
}

static void ack_for_agent(rt_conn *c, const char *fw_id, const char *task_id, ProtobufCBinaryData uuid)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Meso__Agent__StatusAck ack = MESO__AGENT__STATUS_ACK__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = (char *)fw_id;
	tid.value = (char *)task_id;
	ack.framework_id = &fid;
	ack.task_id = &tid;
	ack.uuid = uuid;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_ACK;
	msg.status_ack = &ack;
	size_t n = protobuf_c_message_get_packed_size(&msg.base);
	uint8_t *bytes = rt_xmalloc(n);
	protobuf_c_message_pack(&msg.base, bytes);
	rt_conn_send(c, bytes, n);
	free(bytes);
}

static void kill_orphans(master *m, m_agent *a, const char *fw_id)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Meso__Agent__ShutdownFramework sf = MESO__AGENT__SHUTDOWN_FRAMEWORK__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = (char *)fw_id;
	sf.framework_id = &fid;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__SHUTDOWN_FRAMEWORK;
	msg.shutdown_framework = &sf;
	master_agent_send(m, a, &msg);
}

/* Charges resources an agent reports to the framework, in the role their
 * allocation_info names (else its first role, else "*"): a role the
 * framework has not subscribed to (one recovered from its tasks has none
 * yet) is kept in the core as removing until the framework names it or the
 * tasks end, as Mesos learns a recovered framework's roles from its agents.
 * The core framework charged into *ac. */
static int restore_core(master *m, m_fw *fw, m_agent *a, Mesos__V1__Resource *const *pb, size_t n,
                        const ac_resources *res, ac_fw_id *ac, ac_err *err)
{
	const char *role = NULL;
	for (size_t i = 0; i < n && !role; i++)
		if (pb[i]->allocation_info && pb[i]->allocation_info->role)
			role = pb[i]->allocation_info->role;
	if (!role)
		role = master_fw_nroles(m, fw, false) ? master_fw_role_at(m, fw, 0, NULL) : "*";
	return ac_mfw_restore(m->core, fw->mfw, role, a->ac, res, ac, err);
}

/* The same for custom executors: the ones the agent no longer runs free
 * their resources; the ones the master did not know are charged. */
static void reconcile_agent_executors(master *m, m_agent *a, const Meso__Agent__Register *reg)
{
	uint64_t mark = ++m->mark;
	for (size_t i = 0; i < reg->n_executors; i++) {
		m_fw *fw = master_fw_find(m, reg->executors[i]->framework_id->value);
		m_exec *e = fw ? master_exec_find(m, fw, a, reg->executors[i]->executor->executor_id->value) : NULL;
		if (e)
			e->mark = mark;
	}
	m_exec *e, *enext;
	DL_FOREACH_SAFE2(a->execs, e, enext, agent_next)
	{
		if (e->mark != mark)
			master_exec_remove(m, e, true);
	}
	for (size_t i = 0; i < reg->n_executors; i++) {
		Meso__Agent__RunningExecutor *re = reg->executors[i];
		m_fw *fw = master_fw_find(m, re->framework_id->value);
		if (!fw && !master_fw_was_removed(m, re->framework_id->value))
			fw = master_fw_recover(m, re->framework_id->value);
		if (!fw) {
			kill_orphans(m, a, re->framework_id->value);
			continue;
		}
		if (master_exec_find(m, fw, a, re->executor->executor_id->value))
			continue;
		ac_resources res;
		ac_err err;
		ac_fw_id fwac;
		if (rt_resources_from_pb(m->core, re->executor->resources, re->executor->n_resources, &res, &err) !=
		            0 ||
		    restore_core(m, fw, a, re->executor->resources, re->executor->n_resources, &res, &fwac, &err) !=
		            0) {
			rt_log(RT_WARN, "agent %s: cannot restore executor %s: %s", a->id,
			       re->executor->executor_id->value, err.msg);
			continue;
		}
		master_exec_add(m, fw, a, re->executor, &res)->fwac = fwac;
	}
}

/* Matches the tasks an agent reports with what the master knows. */
static void reconcile_agent_tasks(master *m, m_agent *a, const Meso__Agent__Register *reg)
{
	/* Tasks the master has on this agent that the agent does not report are
	 * gone (the agent restarted, or the launch never arrived). */
	uint64_t mark = ++m->mark;
	for (size_t i = 0; i < reg->n_tasks; i++) {
		m_fw *fw = master_fw_find(m, reg->tasks[i]->framework_id->value);
		m_task *t = fw ? master_task_find(m, fw, reg->tasks[i]->task->task_id->value) : NULL;
		if (t && t->agent == a)
			t->mark = mark;
	}
	m_task *t, *tnext;
	DL_FOREACH_SAFE2(a->tasks, t, tnext, agent_next)
	{
		if (t->mark != mark) {
			Mesos__V1__TaskState gone = t->fw->partition_aware ? MESOS__V1__TASK_STATE__TASK_GONE
			                                                   : MESOS__V1__TASK_STATE__TASK_LOST;
			master_send_status(m, t->fw, t->id, a->id, gone,
			                   MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REREGISTERED,
			                   "Task not reported by the re-registering agent");
			master_task_update(m, t, gone, rt_wall_seconds(), NULL);
			master_task_remove(m, t, true);
		}
	}
	/* Tasks the agent runs that the master does not know (a master that
	 * restarted or took over): charge them to their framework — one not
	 * seen yet is recovered and waits for its re-subscription — or kill
	 * them when this master removed the framework. */
	for (size_t i = 0; i < reg->n_tasks; i++) {
		Meso__Agent__RunningTask *rt = reg->tasks[i];
		m_fw *fw = master_fw_find(m, rt->framework_id->value);
		if (!fw && master_fw_was_removed(m, rt->framework_id->value)) {
			rt_log(RT_WARN, "agent %s runs task %s of removed framework %s: killing it", a->id,
			       rt->task->task_id->value, rt->framework_id->value);
			kill_orphans(m, a, rt->framework_id->value);
			continue;
		}
		if (!fw && !rt_task_state_terminal(rt->state))
			fw = master_fw_recover(m, rt->framework_id->value);
		if (!fw)
			continue;
		if (master_task_find(m, fw, rt->task->task_id->value) || rt_task_state_terminal(rt->state))
			continue;
		ac_resources res;
		ac_err err;
		ac_fw_id fwac;
		if (rt_resources_from_pb(m->core, rt->task->resources, rt->task->n_resources, &res, &err) != 0 ||
		    restore_core(m, fw, a, rt->task->resources, rt->task->n_resources, &res, &fwac, &err) != 0) {
			rt_log(RT_WARN, "agent %s: cannot restore task %s: %s", a->id, rt->task->task_id->value,
			       err.msg);
			continue;
		}
		master_task_add(m, fw, a, rt->task->task_id->value, rt->task->name,
		                rt->task->executor ? rt->task->executor->executor_id->value : NULL, &res, rt->state)
		        ->fwac = fwac;
	}
	reconcile_agent_executors(m, a, reg);
}

static void handle_register(master *m, rt_conn *c, const Meso__Agent__Register *reg)
{
	ac_resources total;
	ac_err err;
	if (rt_resources_from_pb(m->core, reg->resources, reg->n_resources, &total, &err) != 0) {
		rt_log(RT_WARN, "agent at %s: invalid resources: %s", rt_conn_peer(c), err.msg);
		rt_conn_close(c, "invalid resources");
		return;
	}
	const char *want = reg->agent_id ? reg->agent_id->value : NULL;
	m_agent *a = want ? master_agent_find(m, want) : NULL;
	bool reregister = a != NULL, added = false;
	/* An agent's id is bound to the principal it first registered with:
	 * whoever else claims it (with or without credentials) is refused. */
	if (a && !master_same_principal(a->principal, rt_conn_principal(c))) {
		rt_log(RT_WARN,
		       "agent at %s: refused re-registration as %s: it registered as principal '%s', this "
		       "connection is principal '%s'",
		       rt_conn_peer(c), a->id, a->principal ? a->principal : "(none)",
		       rt_conn_principal(c) ? rt_conn_principal(c) : "(none)");
		rt_conn_close(c, "agent id registered by another principal");
		return;
	}
	if (a && a->conn != c)
		master_agent_hangup(a, "agent connected again");
	if (!a) {
		char id[96];
		if (want && !master_agent_was_removed(m, want)) {
			/* Unknown but not removed: this master is newer than the
			 * agent's registration; keep its id. */
			snprintf(id, sizeof id, "%s", want);
			reregister = true;
		} else {
			snprintf(id, sizeof id, "%s-S%llu", m->id, (unsigned long long)m->next_agent++);
		}
		ac_agent_id ac;
		if (ac_agent_add(m->core, id, &total, &ac, &err) != 0) {
			rt_log(RT_WARN, "agent at %s: %s", rt_conn_peer(c), err.msg);
			rt_conn_close(c, "rejected by the allocator");
			return;
		}
		a = master_agent_add(m, id, ac);
		a->total = total;
		a->principal = rt_conn_principal(c) ? rt_xstrdup(rt_conn_principal(c)) : NULL;
		added = true;
		master_resv_claim(m, a); /* before its running tasks are restored */
	} else {
		master_resv_reapply(m, a, &total);
		if (!ac_resources_equal(&a->total, &total)) {
			if (ac_agent_update(m->core, a->ac, &total, &err) == 0)
				a->total = total;
			else
				rt_log(RT_WARN, "agent %s: cannot change resources: %s", a->id, err.msg);
		}
	}
	free(a->hostname);
	a->hostname = rt_xstrdup(reg->hostname);
	a->port = reg->port;
	/* The peer is "ip:port": keep the ip. */
	snprintf(a->ip, sizeof a->ip, "%s", rt_conn_peer(c));
	char *colon = strrchr(a->ip, ':');
	if (colon)
		*colon = '\0';
	/* A connection carries one agent: one that registered on it before
	 * under another id has lost its link. */
	m_agent *before = agent_of_conn(c);
	if (before && before != a) {
		before->conn = NULL;
		master_agent_disconnected(m, before, "its connection registered another agent");
	}
	a->conn = c;
	rt_conn_set_data(c, a);
	a->last_seen_ns = rt_mono_ns();
	if (reregister)
		a->reregistered_ns = a->last_seen_ns;
	if (reg->n_attributes) {
		/* Kept as messages for offers and as Mesos's text for the core. */
		Mesos__V1__AgentInfo ai = MESOS__V1__AGENT_INFO__INIT;
		ai.hostname = reg->hostname;
		ai.attributes = reg->attributes;
		ai.n_attributes = reg->n_attributes;
		size_t n = mesos__v1__agent_info__get_packed_size(&ai);
		uint8_t *bytes = rt_xmalloc(n);
		mesos__v1__agent_info__pack(&ai, bytes);
		if (a->info)
			mesos__v1__agent_info__free_unpacked(a->info, NULL);
		a->info = mesos__v1__agent_info__unpack(NULL, n, bytes);
		free(bytes);
		rt_buf attrs;
		rt_buf_init(&attrs);
		rt_attributes_format(reg->attributes, reg->n_attributes, &attrs);
		free(a->attributes);
		a->attributes = rt_xstrdup((const char *)attrs.data);
		ac_agent_set_attributes(m->core, a->ac, a->attributes, NULL);
		rt_buf_free(&attrs);
	}

	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Meso__Agent__Registered r = MESO__AGENT__REGISTERED__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	aid.value = a->id;
	r.agent_id = &aid;
	r.master_id = m->id;
	r.has_heartbeat_interval_seconds = true;
	r.heartbeat_interval_seconds = m->flags.agent_timeout / 5;
	r.has_reregister_timeout_seconds = true;
	r.reregister_timeout_seconds = m->flags.agent_reregister_timeout;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTERED;
	msg.registered = &r;
	master_agent_send(m, a, &msg);

	if (want && master_agent_was_removed(m, want)) {
		/* Its frameworks were told the tasks are lost; kill them. */
		for (size_t i = 0; i < reg->n_tasks; i++)
			kill_orphans(m, a, reg->tasks[i]->framework_id->value);
		for (size_t i = 0; i < reg->n_executors; i++)
			kill_orphans(m, a, reg->executors[i]->framework_id->value);
	} else {
		reconcile_agent_tasks(m, a, reg);
	}
	/* Active again unless operators deactivated or drain it; a draining
	 * agent's tasks are killed again. */
	master_agent_op_apply(m, a);
	master_agent_sync_active(m, a);
	if (added)
		master_op_agent_added(m, a);
	char text[512];
	rt_log(RT_INFO, "agent %s %s from %s (%s:%d) with %s, %zu tasks", a->id,
	       reregister ? "re-registered" : "registered", rt_conn_peer(c), a->hostname, a->port,
	       rt_resources_text(m->core, &a->total, text, sizeof text), reg->n_tasks);
	if (reregister)
		m->metrics.agent_reregistrations++;
	else
		m->metrics.agent_registrations++;
	if (!a->deactivated)
		master_allocate_agent_soon(m, a);
	master_drain_check(m, a);
}

static void handle_status(master *m, rt_conn *c, m_agent *a, const Meso__Agent__StatusUpdate *su)
{
	Mesos__V1__TaskStatus *st = su->status;
	m->metrics.status_updates++;
	m_fw *fw = master_fw_find(m, su->framework_id->value);
	if (!fw) {
		/* Nobody will acknowledge it: do it here so the agent stops. */
		if (st->has_uuid)
			ack_for_agent(c, su->framework_id->value, st->task_id->value, st->uuid);
		return;
	}
	m_task *t = master_task_find(m, fw, st->task_id->value);
	if (t && t->agent == a) {
		if (st->state == MESOS__V1__TASK_STATE__TASK_RUNNING && t->launched_ns) {
			master_hist_add(&m->metrics.launch_latency, (double)(rt_mono_ns() - t->launched_ns) / 1e9);
			t->launched_ns = 0;
		}
		Mesos__V1__AgentID from = MESOS__V1__AGENT_ID__INIT;
		Mesos__V1__AgentID *told = st->agent_id;
		from.value = a->id;
		st->agent_id = &from;
		master_task_update(m, t, st->state, st->has_timestamp ? st->timestamp : rt_wall_seconds(), st);
		st->agent_id = told;
		switch (st->state) {
		case MESOS__V1__TASK_STATE__TASK_FINISHED:
			m->metrics.tasks_finished++;
			break;
		case MESOS__V1__TASK_STATE__TASK_FAILED:
			m->metrics.tasks_failed++;
			break;
		case MESOS__V1__TASK_STATE__TASK_KILLED:
			m->metrics.tasks_killed++;
			break;
		default:
			break;
		}
		if (rt_task_state_terminal(st->state)) {
			master_task_remove(m, t, true);
			if (st->has_uuid && st->uuid.len == 16)
				master_drain_await_ack(m, a, fw, st->uuid.data);
		}
	}
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	aid.value = a->id;
	Mesos__V1__AgentID *sent_id = st->agent_id;
	st->agent_id = &aid;
	Mesos__V1__Scheduler__Event__Update up = MESOS__V1__SCHEDULER__EVENT__UPDATE__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	up.status = st;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE;
	ev.update = &up;
	master_send_event(m, fw, &ev);
	st->agent_id = sent_id; /* the stack id must not be freed with the message */
	master_drain_check(m, a);
}

/* An executor's process ended: its resources are free, and its framework
 * hears of it as Mesos tells it (FAILURE with executor_id and status). */
static void handle_executor_exited(master *m, m_agent *a, const Meso__Agent__ExecutorExited *x)
{
	m_fw *fw = master_fw_find(m, x->framework_id->value);
	m_exec *e = fw ? master_exec_find(m, fw, a, x->executor_id->value) : NULL;
	rt_log(RT_INFO, "executor %s of framework %s on agent %s exited (status %d)", x->executor_id->value,
	       x->framework_id->value, a->id, x->has_status ? x->status : -1);
	if (!e)
		return;
	master_exec_remove(m, e, true);
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__Scheduler__Event__Failure f = MESOS__V1__SCHEDULER__EVENT__FAILURE__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	aid.value = a->id;
	eid.value = x->executor_id->value;
	f.agent_id = &aid;
	f.executor_id = &eid;
	f.has_status = x->has_status;
	f.status = x->status;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE;
	ev.failure = &f;
	master_send_event(m, fw, &ev);
}

/* An executor's MESSAGE call: to its framework as a MESSAGE event. */
static void handle_executor_message(master *m, m_agent *a, const Meso__Agent__ExecutorMessage *x)
{
	m_fw *fw = master_fw_find(m, x->framework_id->value);
	if (!fw) {
		rt_log(RT_DEBUG, "message from executor %s of unknown framework %s dropped", x->executor_id->value,
		       x->framework_id->value);
		return;
	}
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__Scheduler__Event__Message msg = MESOS__V1__SCHEDULER__EVENT__MESSAGE__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	aid.value = a->id;
	msg.agent_id = &aid;
	msg.executor_id = x->executor_id;
	msg.data = x->data;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__MESSAGE;
	ev.message = &msg;
	master_send_event(m, fw, &ev);
}

static void on_frame(rt_conn *c, const uint8_t *payload, size_t len, void *ud)
{
	master *m = ud;
	Meso__Agent__AgentMessage *msg = meso__agent__agent_message__unpack(NULL, len, payload);
	if (!msg) {
		rt_log(RT_WARN, "agent connection %s: undecodable frame of %zu bytes", rt_conn_peer(c), len);
		rt_conn_close(c, "undecodable frame");
		return;
	}
	char field[200];
	const char *why;
	if (rt_pb_check(&msg->base, field, sizeof field, &why) != 0) {
		rt_log(RT_WARN, "agent connection %s: field '%s' of a frame %s", rt_conn_peer(c), field, why);
		meso__agent__agent_message__free_unpacked(msg, NULL);
		rt_conn_close(c, "a malformed frame");
		return;
	}
	m_agent *a = agent_of_conn(c);
	if (a)
		a->last_seen_ns = rt_mono_ns();
	switch (msg->type) {
	case MESO__AGENT__AGENT_MESSAGE__TYPE__REGISTER:
		if (msg->register_agent)
			handle_register(m, c, msg->register_agent);
		else
			rt_conn_close(c, "REGISTER without its payload");
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__PING:
		if (a)
			send_simple(m, a, MESO__AGENT__AGENT_MESSAGE__TYPE__PONG);
		else
			rt_conn_close(c, "PING before REGISTER");
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_UPDATE:
		if (!a || !msg->status_update)
			rt_conn_close(c, "STATUS_UPDATE before REGISTER or without payload");
		else
			handle_status(m, c, a, msg->status_update);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__EXECUTOR_EXITED:
		if (!a || !msg->executor_exited)
			rt_conn_close(c, "EXECUTOR_EXITED before REGISTER or without payload");
		else
			handle_executor_exited(m, a, msg->executor_exited);
		break;
	case MESO__AGENT__AGENT_MESSAGE__TYPE__EXECUTOR_MESSAGE:
		if (!a || !msg->executor_message)
			rt_conn_close(c, "EXECUTOR_MESSAGE before REGISTER or without payload");
		else
			handle_executor_message(m, a, msg->executor_message);
		break;
	default:
		rt_log(RT_WARN, "agent connection %s: unexpected message type %d", rt_conn_peer(c), (int)msg->type);
		rt_conn_close(c, "unexpected message");
		break;
	}
	meso__agent__agent_message__free_unpacked(msg, NULL);
}

void master_agent_disconnected(master *m, m_agent *a, const char *why)
{
	a->disconnected_ns = rt_mono_ns();
	rt_log(RT_WARN,
	       "agent %s disconnected (%s); its tasks are kept, and it is removed unless it re-registers "
	       "within %.1f s (--agent_reregister_timeout)",
	       a->id, why, m->flags.agent_reregister_timeout);
	/* Mesos deactivates a disconnected agent: its offers are rescinded
	 * and no new ones are made; what its tasks hold stays charged. */
	master_agent_sync_active(m, a);
}

static void on_close(rt_conn *c, const char *why, void *ud)
{
	m_agent *a = agent_of_conn(c);
	if (a) {
		a->conn = NULL;
		master_agent_disconnected(ud, a, why);
	}
}

bool master_agent_upgrade(void *ud, const rt_http_request *req, int fd, const uint8_t *early, size_t early_len)
{
	master *m = ud;
	const char *up = rt_http_header_get(req, "Upgrade");
	if (strcmp(req->path, AGENT_PATH) != 0 || !up || strcasecmp(up, AGENT_PROTOCOL) != 0)
		return false;
	/* A standby's redirect and a refusal are answers on the session,
	 * which then closes: the socket is not taken. */
	if (master_redirect_upgrade(m, req))
		return false;
	const char *principal;
	if (!master_agent_authenticate(m, req, &principal))
		return false;
	static const char answer[] =
	        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: " AGENT_PROTOCOL "\r\nConnection: Upgrade\r\n\r\n";
	rt_conn_handlers h = {.on_frame = on_frame, .on_close = on_close, .ud = m};
	rt_conn *c = rt_conn_adopt_tls(m->loop, fd, req->tls, &h, answer, sizeof answer - 1, early, early_len);
	if (c)
		rt_conn_set_principal(c, principal);
	return true;
}

rt_conn *master_agent_conn_detached(master *m, const char *peer)
{
	rt_conn_handlers h = {.on_frame = on_frame, .on_close = on_close, .ud = m};
	return rt_conn_detached(&h, peer);
}

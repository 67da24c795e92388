/*
 * master_sched.c — the v1 scheduler API (/api/v1/scheduler,
 * application/x-protobuf or application/json): SUBSCRIBE opens the RecordIO
 * event stream in the type Accept chose; every other call is checked
 * (framework known, subscribed, Mesos-Stream-Id), answered 202 and carried
 * out, its effects arriving as events. ACCEPT is master_accept.c's,
 * RECONCILE master_reconcile.c's.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "rt_api.h"
#include "rt_pbjson.h"

typedef Mesos__V1__Scheduler__Call Call;

static void refuse(master *m, rt_http_session *s, int status, const char *msg)
{
	m->metrics.http_errors_4xx++;
	rt_api_refuse(s, status, "scheduler call", msg);
}

/* ------------------------------------------------------------- subscribe */

static void stream_closed(rt_http_session *s, void *ud)
{
	m_fw *fw = ud;
	master *m = fw->failover.data;
	fw->stream = NULL;
	fw->disconnected_ns = rt_mono_ns();
	master_reconcile_forget(m, fw);
	ac_mfw_deactivate(m->core, fw->mfw, NULL);
	if (fw->failover_timeout <= 0) {
		master_fw_remove(m, fw, "disconnected, and its failover timeout is 0");
		return;
	}
	rt_log(RT_INFO, "framework %s (%s) disconnected; failover timeout %.1f s", fw->id, fw->name,
	       fw->failover_timeout);
	master_op_framework_updated(m, fw);
	ev_timer_set(&fw->failover, fw->failover_timeout, 0.);
	ev_timer_start(m->loop, &fw->failover);
}

static void failover_expired(struct ev_loop *loop, ev_timer *w, int revents)
{
	m_fw *fw = (m_fw *)((char *)w - offsetof(m_fw, failover));
	master_fw_remove(w->data, fw, "failover timeout expired");
}

static void send_subscribed(master *m, m_fw *fw)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__MasterInfo mi = MESOS__V1__MASTER_INFO__INIT;
	Mesos__V1__Address addr = MESOS__V1__ADDRESS__INIT;
	Mesos__V1__Scheduler__Event__Subscribed sub = MESOS__V1__SCHEDULER__EVENT__SUBSCRIBED__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	char pid[128];
	int port = rt_http_server_port(m->http);
	snprintf(pid, sizeof pid, "master@%s:%d", m->flags.ip, port);
	fid.value = fw->id;
	mi.id = m->id;
	mi.ip = 0;
	unsigned b[4];
	if (sscanf(m->flags.ip, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]) == 4)
		mi.ip = b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24; /* network order read as host */
	mi.port = (uint32_t)port;
	mi.pid = pid;
	mi.hostname = (char *)m->flags.hostname;
	mi.version = MASTER_VERSION;
	addr.hostname = (char *)m->flags.hostname;
	addr.ip = (char *)m->flags.ip;
	addr.port = port;
	mi.address = &addr;
	sub.framework_id = &fid;
	sub.has_heartbeat_interval_seconds = true;
	sub.heartbeat_interval_seconds = m->flags.heartbeat_interval;
	sub.master_info = &mi;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED;
	ev.subscribed = &sub;
	master_send_event(m, fw, &ev);
	Mesos__V1__Scheduler__Event hb = MESOS__V1__SCHEDULER__EVENT__INIT;
	hb.has_type = true;
	hb.type = MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT;
	master_send_event(m, fw, &hb);
}

static bool has_capability(const Mesos__V1__FrameworkInfo *fi, Mesos__V1__FrameworkInfo__Capability__Type type)
{
	for (size_t i = 0; i < fi->n_capabilities; i++)
		if (fi->capabilities[i]->has_type && fi->capabilities[i]->type == type)
			return true;
	return false;
}

static bool in_roles(char *const *roles, size_t n, const char *role)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(roles[i], role) == 0)
			return true;
	return false;
}

/* Gives the framework the roles `roles` (n >= 1, distinct, in
 * FrameworkInfo's order), through the core (ac_mfw_update): a new role gets
 * a core framework, a dropped one goes with its offers — or, while it still
 * holds tasks or executors, stays there (removing: offered nothing) until
 * they end, as Mesos keeps their allocation in the role. 0, or 400 and msg. */
static int set_roles(master *m, m_fw *fw, char *const *roles, size_t n, char *msg, size_t len)
{
	ac_err err;
	if (ac_mfw_update(m->core, fw->mfw, (const char *const *)roles, n, &err) != 0) {
		snprintf(msg, len, "Failed to validate scheduler::Call: %s", err.msg);
		return 400;
	}
	for (size_t i = n; i < master_fw_nroles(m, fw, true); i++)
		rt_log(RT_INFO, "framework %s: role %s dropped; its tasks keep it until they end", fw->id,
		       master_fw_role_at(m, fw, i, NULL));
	if (strcmp(fw->role ? fw->role : "", roles[0]) != 0) {
		free(fw->role);
		fw->role = rt_xstrdup(roles[0]);
	}
	return 0;
}

/* FrameworkInfo's roles as Mesos validates them: several only with the
 * MULTI_ROLE capability (Meso also takes one in `roles` without it), no
 * `role` with it, none
 * twice, each a valid name; with none, `role` (default "*"). Points *roles
 * and *n at them; NULL, or why not in msg. */
static const char *framework_roles(master *m, const Mesos__V1__FrameworkInfo *fi, char *const **roles, size_t *n,
                                   char *msg, size_t len)
{
	static char *star = "*";
	bool multi = has_capability(fi, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE);
	if (fi->n_roles > 1 && !multi)
		return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
	/* protobuf-c points an absent `role` at its default's own storage
	 * (JSON decoding starts from the same initialised message), so a
	 * role that was given is a different pointer, even if it says "*". */
	if (multi && fi->role && fi->role != mesos__v1__framework_info__role__default_value)
		return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
	for (size_t i = 0; i < fi->n_roles; i++) {
		ac_err err;
		if (ac_role_intern(m->core, fi->roles[i], &err) < 0) {
			snprintf(msg, len, "'FrameworkInfo.roles' contains invalid role: %s", err.msg);
			return msg;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(fi->roles[i], fi->roles[j]) == 0) {
				snprintf(msg, len, "'FrameworkInfo.roles' contains duplicate items: %.100s",
				         fi->roles[i]);
				return msg;
			}
	}
	*roles = fi->n_roles ? fi->roles : fi->role ? &fi->role : &star;
	*n = fi->n_roles ? fi->n_roles : 1;
	return NULL;
}

/* Whether principal may register a framework with every one of the roles;
 * the first refused in msg when not. */
static bool roles_authorized(master *m, const char *principal, char *const *roles, size_t n, char *msg, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (!master_authorized(m, RT_ACL_REGISTER_FRAMEWORKS, principal, roles[i])) {
			snprintf(msg, len,
			         "Not authorized to register a framework with role '%.100s' (register_frameworks)",
			         roles[i]);
			return false;
		}
	return true;
}

/* Suppresses the framework's named roles and revives its others (their
 * filters go too: the core has no unsuppress alone), as SUBSCRIBE's and
 * UPDATE_FRAMEWORK's suppressed_roles set it. */
static void suppress_roles(master *m, m_fw *fw, char *const *roles, size_t n)
{
	size_t nr = master_fw_nroles(m, fw, false);
	for (size_t i = 0; i < nr; i++) {
		ac_fw_id ac;
		ac_fw_info info;
		const char *role = master_fw_role_at(m, fw, i, &ac);
		if (in_roles(roles, n, role))
			ac_fw_suppress(m->core, ac, NULL);
		else if (ac_fw_info_get(m->core, ac, &info, NULL) == 0 && info.suppressed)
			ac_fw_revive(m->core, ac, NULL);
	}
}

/* Refuses a SUBSCRIBE as Mesos does: the stream opens with one ERROR
 * event and closes. */
static void refuse_subscription(master *m, rt_http_session *s, const char *type, bool json, const char *headers,
                                const char *name, const char *msg)
{
	rt_log(RT_INFO, "refusing subscription of framework '%s' from %s: %s", name ? name : "",
	       rt_http_session_peer(s), msg);
	m->metrics.subscriptions_refused++;
	rt_http_stream_start(s, 200, type, headers);
	m_fw tmp = {.stream = s, .stream_json = json};
	master_send_error(m, &tmp, msg);
	rt_http_stream_end(s);
}

/* Room for one more framework under --max_frameworks: at the cap, the
 * framework disconnected the longest (and not merely recovered from its
 * agents, which has --framework_recovery_timeout of its own) is removed
 * as if its failover timeout had expired. False when all are connected. */
static bool make_room(master *m)
{
	if (HASH_COUNT(m->fws_by_id) < (unsigned)m->flags.max_frameworks)
		return true;
	m_fw *oldest = NULL;
	for (m_fw *f = m->fws; f; f = f->next)
		if (!f->stream && !f->recovered && (!oldest || f->disconnected_ns < oldest->disconnected_ns))
			oldest = f;
	if (!oldest)
		return false;
	m->metrics.frameworks_evicted++;
	master_fw_remove(m, oldest, "disconnected the longest while the master is at --max_frameworks");
	return true;
}

static void subscribe(master *m, rt_http_session *s, const rt_http_request *req, const Call *call)
{
	const Mesos__V1__FrameworkInfo *fi = call->subscribe->framework_info;
	/* JSON first, then protobuf, as Mesos chooses; no Accept means JSON. */
	bool json;
	char why[160];
	if (rt_api_stream_encoding(req, &json, why, sizeof why) != 0) {
		refuse(m, s, 406, why);
		return;
	}
	const char *type = json ? RT_API_JSON : RT_API_PROTOBUF;
	if (rt_http_header_get(req, "Mesos-Stream-Id")) {
		refuse(m, s, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
		return;
	}
	if ((fi->id != NULL) != (call->framework_id != NULL) ||
	    (fi->id && strcmp(fi->id->value, call->framework_id->value) != 0)) {
		refuse(m, s, 400,
		       "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'");
		return;
	}
	char *const *roles;
	size_t nroles;
	char rmsg[300];
	const char *bad = framework_roles(m, fi, &roles, &nroles, rmsg, sizeof rmsg);
	if (bad) {
		char msg[400];
		snprintf(msg, sizeof msg, "Failed to validate scheduler::Call: %s", bad);
		refuse(m, s, 400, msg);
		return;
	}
	const char *role = roles[0];
	/* Who subscribes: the authenticated principal, which FrameworkInfo
	 * must not contradict; with authentication off, what FrameworkInfo
	 * claims (Mesos's model: unauthenticated claims are taken as given). */
	const char *principal = m->principal ? m->principal : fi->principal;
	if (m->principal && fi->principal && strcmp(m->principal, fi->principal) != 0) {
		char msg[400];
		snprintf(msg, sizeof msg,
		         "Authenticated principal '%.100s' does not match principal '%.100s' set in `FrameworkInfo`",
		         m->principal, fi->principal);
		refuse(m, s, 400, msg);
		return;
	}
	char reason[400];
	if (!roles_authorized(m, principal, roles, nroles, reason, sizeof reason)) {
		m->metrics.http_errors_4xx++;
		m->metrics.subscriptions_refused++;
		master_refuse_forbidden(s, reason);
		return;
	}
	m_fw *fw = fi->id ? master_fw_find(m, fi->id->value) : NULL;
	bool known = fw != NULL;
	/* A framework is bound to its principal: another may not take it over
	 * (one recovered from its agents' tasks has none yet: the first to
	 * re-subscribe binds it). */
	if (fw && !(fw->recovered && !fw->principal) && !master_same_principal(fw->principal, principal)) {
		char msg[400];
		snprintf(msg, sizeof msg, "Framework %.100s is bound to another principal; refusing '%.100s'", fw->id,
		         principal ? principal : "(none)");
		m->metrics.http_errors_4xx++;
		m->metrics.subscriptions_refused++;
		master_refuse_forbidden(s, msg);
		return;
	}
	uint8_t u[16];
	rt_uuid_random(u);
	char stream_id[37];
	rt_uuid_format(u, stream_id);
	char headers[128];
	snprintf(headers, sizeof headers, "Mesos-Stream-Id: %s\r\n", stream_id);

	if (fi->id && master_fw_was_removed(m, fi->id->value)) {
		refuse_subscription(m, s, type, json, headers, fi->name, "Framework has been removed");
		return;
	}
	/* As Mesos validates it: a number of seconds a Duration (int64
	 * nanoseconds) can hold; 1e308 would otherwise never expire. */
	if (!isfinite(fi->failover_timeout) || fabs(fi->failover_timeout) * 1e9 > (double)INT64_MAX) {
		char msg[128];
		snprintf(msg, sizeof msg, "The framework failover_timeout (%g) is invalid", fi->failover_timeout);
		refuse_subscription(m, s, type, json, headers, fi->name, msg);
		return;
	}
	if (!fw && !make_room(m)) {
		char msg[160];
		snprintf(msg, sizeof msg,
		         "Too many frameworks: the master keeps at most %d (--max_frameworks), all of them connected",
		         m->flags.max_frameworks);
		refuse_subscription(m, s, type, json, headers, fi->name, msg);
		return;
	}
	if (fw) {
		if (fw->stream) {
			/* A failover: the old scheduler learns why its stream ends, as
			 * Mesos tells it. */
			master_send_error(m, fw, "Framework failed over");
			rt_http_session *old = fw->stream;
			fw->stream = NULL;
			rt_http_session_on_close(old, NULL, NULL);
			rt_http_session_on_drain(old, NULL, NULL);
			rt_http_stream_end(old);
			master_reconcile_forget(m, fw);
		}
		ev_timer_stop(m->loop, &fw->failover);
		if (set_roles(m, fw, roles, nroles, reason, sizeof reason)) {
			refuse(m, s, 400, reason);
			return;
		}
		if (fw->recovered) {
			/* From now on a broken stream starts the ordinary failover timeout. */
			ev_timer_init(&fw->failover, failover_expired, 1., 0.);
			fw->failover.data = m;
			fw->recovered = false;
		}
		ac_mfw_activate(m->core, fw->mfw, NULL);
		rt_log(RT_INFO, "framework %s (%s) re-subscribed from %s", fw->id, fi->name, rt_http_session_peer(s));
	} else {
		char id[96];
		if (fi->id)
			snprintf(id, sizeof id, "%s", fi->id->value); /* known to an earlier master */
		else
			snprintf(id, sizeof id, "%s-%04llu", m->id, (unsigned long long)m->next_fw++);
		ac_mfw_id ac;
		ac_err err;
		if (ac_mfw_add(m->core, id, (const char *const *)roles, nroles, NULL, &ac, &err) != 0) {
			snprintf(reason, sizeof reason, "Failed to validate scheduler::Call: %s", err.msg);
			refuse(m, s, 400, reason);
			return;
		}
		fw = master_fw_add(m, id, ac);
		fw->role = rt_xstrdup(role);
		ev_timer_init(&fw->failover, failover_expired, 1., 0.);
		fw->failover.data = m;
		rt_log(RT_INFO, "framework %s (%s) subscribed from %s, role %s", id, fi->name, rt_http_session_peer(s),
		       role);
	}
	free(fw->name);
	free(fw->user);
	fw->name = rt_xstrdup(fi->name);
	fw->user = rt_xstrdup(fi->user);
	if (!fw->principal && principal)
		fw->principal = rt_xstrdup(principal);
	fw->partition_aware = has_capability(fi, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE);
	fw->killing_state = has_capability(fi, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE);
	fw->multi_role = has_capability(fi, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE);
	fw->failover_timeout = fi->failover_timeout > 0 && isfinite(fi->failover_timeout) ? fi->failover_timeout : 0;
	fw->stream = s;
	fw->stream_json = json;
	memcpy(fw->stream_id, stream_id, sizeof stream_id);
	rt_http_session_on_close(s, stream_closed, fw);
	rt_http_session_on_drain(s, master_reconcile_stream_drained, fw);
	rt_http_stream_start(s, 200, type, headers);
	m->metrics.framework_subscriptions++;
	suppress_roles(m, fw, call->subscribe->suppressed_roles, call->subscribe->n_suppressed_roles);
	send_subscribed(m, fw);
	if (known)
		master_op_framework_updated(m, fw);
	else
		master_op_framework_added(m, fw);
	master_allocate_soon(m);
}

static void decline_call(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__Decline *d)
{
	ac_time refuse = AC_REFUSE_DEFAULT;
	if (d->filters && d->filters->has_refuse_seconds)
		refuse = ac_refuse_from_seconds(d->filters->refuse_seconds);
	for (size_t i = 0; i < d->n_offer_ids; i++) {
		m_offer *o = master_offer_find(m, d->offer_ids[i]->value);
		if (o && o->fw == fw)
			master_offer_decline(m, o, refuse);
	}
}

/* ------------------------------------------------------- kill, ack, ... */

static void kill_call(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__Kill *k)
{
	m_task *t = master_task_find(m, fw, k->task_id->value);
	if (!t) {
		master_send_status(m, fw, k->task_id->value, k->agent_id ? k->agent_id->value : NULL,
		                   MESOS__V1__TASK_STATE__TASK_LOST,
		                   MESOS__V1__TASK_STATUS__REASON__REASON_TASK_UNKNOWN,
		                   "Attempted to kill an unknown task");
		return;
	}
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Meso__Agent__KillTask kt = MESO__AGENT__KILL_TASK__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = fw->id;
	tid.value = t->id;
	kt.framework_id = &fid;
	kt.task_id = &tid;
	kt.kill_policy = k->kill_policy;
	kt.has_killing_state = fw->killing_state;
	kt.killing_state = fw->killing_state;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__KILL_TASK;
	msg.kill_task = &kt;
	if (!master_agent_send(m, t->agent, &msg))
		rt_log(RT_WARN, "kill of task %s: agent %s is disconnected; it will be retried by the framework", t->id,
		       t->agent->id);
}

static void acknowledge_call(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__Acknowledge *ack)
{
	m->metrics.acknowledgements++;
	m_agent *a = master_agent_find(m, ack->agent_id->value);
	if (!a)
		return; /* the agent is gone; its updates went with it */
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Meso__Agent__StatusAck sa = MESO__AGENT__STATUS_ACK__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = fw->id;
	sa.framework_id = &fid;
	sa.task_id = ack->task_id;
	sa.uuid = ack->uuid;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_ACK;
	msg.status_ack = &sa;
	master_agent_send(m, a, &msg);
	if (a->n_drain_acks)
		master_drain_acknowledged(m, a, fw, ack->uuid.data);
}

/* Framework -> executor bytes: through the executor's agent. Mesos drops
 * them silently when the agent or executor is unknown; so do we. */
static void message_call(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__Message *msg)
{
	m_agent *a = master_agent_find(m, msg->agent_id->value);
	if (!a) {
		rt_log(RT_DEBUG, "framework %s: message for unknown agent %s dropped", fw->id, msg->agent_id->value);
		return;
	}
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Meso__Agent__ExecutorMessage em = MESO__AGENT__EXECUTOR_MESSAGE__INIT;
	Meso__Agent__AgentMessage am = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = fw->id;
	em.framework_id = &fid;
	em.executor_id = msg->executor_id;
	em.data = msg->data;
	am.type = MESO__AGENT__AGENT_MESSAGE__TYPE__FRAMEWORK_MESSAGE;
	am.executor_message = &em;
	master_agent_send(m, a, &am);
}

/* SHUTDOWN of one of the framework's executors: forwarded to its agent,
 * which tells the executor to shut down and kills it after its grace
 * period. Mesos drops it (logged) when the agent is unknown; so do we. */
static void shutdown_call(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__Shutdown *sh)
{
	m_agent *a = master_agent_find(m, sh->agent_id->value);
	if (!a || !a->conn) {
		rt_log(RT_WARN, "framework %s: cannot shut down executor %s on %s agent %s", fw->id,
		       sh->executor_id->value, a ? "disconnected" : "unknown", sh->agent_id->value);
		return;
	}
	rt_log(RT_INFO, "framework %s: shutting down executor %s on agent %s", fw->id, sh->executor_id->value, a->id);
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Meso__Agent__ShutdownExecutor se = MESO__AGENT__SHUTDOWN_EXECUTOR__INIT;
	Meso__Agent__AgentMessage am = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = fw->id;
	se.framework_id = &fid;
	se.executor_id = sh->executor_id;
	am.type = MESO__AGENT__AGENT_MESSAGE__TYPE__SHUTDOWN_EXECUTOR;
	am.shutdown_executor = &se;
	master_agent_send(m, a, &am);
}

/* UPDATE_FRAMEWORK (Mesos 1.11): a subscribed framework changes its
 * FrameworkInfo without re-subscribing. Mesos's checks and messages: the
 * id must be the caller's, the principal, user and checkpoint cannot
 * change, the failover timeout must be a duration, the role must be
 * authorized. The roles may change (set_roles: roles are added, and a
 * dropped role keeps its tasks' allocation until they end, as in Mesos).
 * `suppressed_roles` sets suppression per
 * role (leaving it also drops filters, as REVIVE). The
 * HTTP status to answer (200 when applied), msg when refused. */
static int update_framework(master *m, m_fw *fw, const Call *call, rt_http_session *s, char *msg, size_t len)
{
	const Mesos__V1__Scheduler__Call__UpdateFramework *u = call->update_framework;
	const Mesos__V1__FrameworkInfo *fi = u->framework_info;
	if (!fi->id || strcmp(fi->id->value, fw->id) != 0) {
		snprintf(msg, len,
		         "Failed to validate scheduler::Call: 'framework_id' differs from "
		         "'update_framework.framework_info.id'");
		return 400;
	}
	char *const *roles;
	size_t nroles;
	char rmsg[300];
	const char *bad = framework_roles(m, fi, &roles, &nroles, rmsg, sizeof rmsg);
	if (bad) {
		snprintf(msg, len, "Supplied FrameworkInfo is not valid: %s", bad);
		return 400;
	}
	if (!isfinite(fi->failover_timeout) || fabs(fi->failover_timeout) * 1e9 > (double)INT64_MAX) {
		snprintf(msg, len,
		         "Supplied FrameworkInfo is not valid: The framework failover_timeout (%g) is invalid",
		         fi->failover_timeout);
		return 400;
	}
	const char *principal = m->principal ? m->principal : fi->principal;
	if (!master_same_principal(fw->principal, principal)) {
		snprintf(msg, len, "FrameworkInfo update is not valid: Changing framework's principal is not allowed.");
		return 400;
	}
	if (strcmp(fi->user ? fi->user : "", fw->user ? fw->user : "") != 0) {
		snprintf(
		        msg, len,
		        "FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is unsupported; attempted to "
		        "update from '%.100s' to '%.100s'",
		        fw->user ? fw->user : "", fi->user ? fi->user : "");
		return 400;
	}
	if (!roles_authorized(m, principal, roles, nroles, msg, len))
		return 403;
	int rc = set_roles(m, fw, roles, nroles, msg, len);
	if (rc)
		return rc;
	free(fw->name);
	fw->name = rt_xstrdup(fi->name);
	fw->partition_aware = has_capability(fi, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE);
	fw->killing_state = has_capability(fi, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE);
	fw->multi_role = has_capability(fi, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE);
	fw->failover_timeout = fi->failover_timeout > 0 ? fi->failover_timeout : 0;
	suppress_roles(m, fw, u->suppressed_roles, u->n_suppressed_roles);
	rt_log(RT_INFO, "framework %s (%s) updated: %zu role(s), the first %s, %zu suppressed", fw->id, fw->name,
	       nroles, fw->role, u->n_suppressed_roles);
	master_op_framework_updated(m, fw);
	master_allocate_soon(m);
	return 200;
}

/* REVIVE (SUPPRESS) of the named roles, or of all its roles when none is
 * named. As Mesos does, a role the framework is not subscribed to drops
 * the whole call (logged; still 202): the core checks every name first. */
static void revive_suppress(master *m, m_fw *fw, bool revive, char *const *roles, size_t n)
{
	ac_err err;
	int rc = revive ? ac_mfw_revive(m->core, fw->mfw, (const char *const *)roles, n, &err)
	                : ac_mfw_suppress(m->core, fw->mfw, (const char *const *)roles, n, &err);
	if (rc != 0) {
		rt_log(RT_WARN, "dropping the %s call of framework %s: %s", revive ? "revive" : "suppression", fw->id,
		       err.msg);
		return;
	}
	if (revive)
		master_allocate_soon(m);
}

/* ------------------------------------------------------------- dispatch */

static const char *call_payload_missing(const Call *c)
{
	switch (c->type) {
	case MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE:
		return c->subscribe ? NULL : "subscribe";
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT:
		return c->accept ? NULL : "accept";
	case MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE:
		return c->decline ? NULL : "decline";
	case MESOS__V1__SCHEDULER__CALL__TYPE__KILL:
		return c->kill ? NULL : "kill";
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE:
		return c->acknowledge ? NULL : "acknowledge";
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE_OPERATION_STATUS:
		return c->acknowledge_operation_status ? NULL : "acknowledge_operation_status";
	case MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE:
		return c->reconcile ? NULL : "reconcile";
	case MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE:
		return c->message ? NULL : "message";
	case MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN:
		return c->shutdown ? NULL : "shutdown";
	case MESOS__V1__SCHEDULER__CALL__TYPE__REQUEST:
		return c->request ? NULL : "request";
	case MESOS__V1__SCHEDULER__CALL__TYPE__UPDATE_FRAMEWORK:
		return c->update_framework ? NULL : "update_framework";
	default:
		return NULL;
	}
}

void master_scheduler_call(master *m, rt_http_session *s, const rt_http_request *req)
{
	char msg[400];
	int status;
	Call *call = (Call *)rt_api_decode_call(&mesos__v1__scheduler__call__descriptor, req, &status, msg, sizeof msg);
	if (!call) {
		refuse(m, s, status, msg);
		return;
	}
	const char *missing = call_payload_missing(call);
	if (!call->has_type || call->type == MESOS__V1__SCHEDULER__CALL__TYPE__UNKNOWN) {
		refuse(m, s, 400, "Failed to validate scheduler::Call: Expecting 'type' to be present");
		goto out;
	}
	if ((unsigned)call->type < 32)
		m->metrics.calls[call->type]++;
	if (missing) {
		snprintf(msg, sizeof msg, "Failed to validate scheduler::Call: Expecting '%s' to be present", missing);
		refuse(m, s, 400, msg);
		goto out;
	}
	if (call->type == MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE) {
		subscribe(m, s, req, call);
		goto out;
	}
	if (!call->framework_id) {
		refuse(m, s, 400, "Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
		goto out;
	}
	m_fw *fw = master_fw_find(m, call->framework_id->value);
	if (!fw) {
		refuse(m, s, 400, "Framework cannot be found");
		goto out;
	}
	if (!fw->stream) {
		refuse(m, s, 403, "Framework is not subscribed");
		goto out;
	}
	if (m->flags.authenticate_frameworks && !master_same_principal(fw->principal, m->principal)) {
		snprintf(msg, sizeof msg,
		         "Authenticated principal '%.100s' does not match principal '%.100s' of framework %.100s",
		         m->principal ? m->principal : "", fw->principal ? fw->principal : "", fw->id);
		refuse(m, s, 403, msg);
		goto out;
	}
	const char *sid = rt_http_header_get(req, "Mesos-Stream-Id");
	if (!sid) {
		refuse(m, s, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
		goto out;
	}
	if (strcmp(sid, fw->stream_id) != 0) {
		snprintf(msg, sizeof msg,
		         "The stream ID '%.40s' included in this request didn't match the stream ID currently "
		         "associated with framework ID %.100s",
		         sid, fw->id);
		refuse(m, s, 400, msg);
		goto out;
	}
	switch (call->type) {
	case MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN:
		rt_http_reply(s, 202, NULL, "", 0, NULL);
		master_fw_remove(m, fw, "TEARDOWN");
		goto out;
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT:
		master_accept(m, fw, call->accept);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE:
		decline_call(m, fw, call->decline);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE:
		if (call->revive)
			revive_suppress(m, fw, true, call->revive->roles, call->revive->n_roles);
		else
			revive_suppress(m, fw, true, NULL, 0);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS:
		if (call->suppress)
			revive_suppress(m, fw, false, call->suppress->roles, call->suppress->n_roles);
		else
			revive_suppress(m, fw, false, NULL, 0);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__KILL:
		kill_call(m, fw, call->kill);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE:
		if (call->acknowledge->uuid.len != 16) {
			refuse(m, s, 400, "Failed to validate scheduler::Call: 'uuid' must be 16 bytes");
			goto out;
		}
		acknowledge_call(m, fw, call->acknowledge);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE_OPERATION_STATUS: {
		int code = master_opstatus_ack(m, fw, call->acknowledge_operation_status, msg, sizeof msg);
		if (code != 202) {
			refuse(m, s, code, msg);
			goto out;
		}
		break;
	}
	case MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE:
		if (master_reconcile(m, fw, call->reconcile) == 429) {
			m->metrics.reconcile_refused++;
			refuse(m, s, 429,
			       "Too many task ids are waiting to be reconciled at this master; retry this call later");
			goto out;
		}
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE:
		/* Forwarded in one frame: keep well inside the frame limit. */
		if (call->message->data.len > RT_FRAME_MAX_SIZE / 2) {
			refuse(m, s, 413, "Message data is larger than the master forwards");
			goto out;
		}
		message_call(m, fw, call->message);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN:
		shutdown_call(m, fw, call->shutdown);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__UPDATE_FRAMEWORK: {
		int code = update_framework(m, fw, call, s, msg, sizeof msg);
		if (code == 200)
			rt_http_reply(s, 200, NULL, "", 0, NULL);
		else if (code == 403)
			master_refuse_forbidden(s, msg);
		else if (code)
			refuse(m, s, code, msg);
		goto out;
	}
	case MESOS__V1__SCHEDULER__CALL__TYPE__REQUEST:
		/* Mesos's hierarchical allocator ignores requests; so does ours. */
		rt_log(RT_DEBUG, "framework %s: REQUEST of %zu resource requests accepted and ignored", fw->id,
		       call->request->n_requests);
		break;
	default:
		refuse(m, s, 501, "This call is not implemented by Meso");
		goto out;
	}
	rt_http_reply(s, 202, NULL, "", 0, NULL);
out:
	mesos__v1__scheduler__call__free_unpacked(call, NULL);
}

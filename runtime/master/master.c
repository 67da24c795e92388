/*
 * master.c — the master's bookkeeping: agents, frameworks, tasks and offers,
 * and the bridge to alloccore (offers come only from ac_allocate through the
 * offer hook; rescinds through the rescind hook). The other master files
 * call in here; nothing here parses HTTP or frames.
 */
#define _GNU_SOURCE
#include "master.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "rt_api.h"
#include "rt_http_client.h"
#include "rt_pbjson.h"
#include "rt_resources.h"

const double master_hist_bounds[M_HIST_BUCKETS] = {0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                   0.0025,  0.005,   0.01,   0.025,   0.05,   0.1,
                                                   0.25,    0.5,     1.0,    2.5,     5.0};

void master_hist_add(m_hist *h, double seconds)
{
	int i = 0;
	while (i < M_HIST_BUCKETS && seconds > master_hist_bounds[i])
		i++;
	h->count[i]++;
	h->recent[h->n % M_HIST_RECENT] = seconds;
	h->n++;
	h->sum += seconds;
}

ac_time master_now(const master *m)
{
	/* The core's clock starts near zero; it only has to be monotonic. */
	return rt_mono_ns() - m->start_ns + AC_SECOND;
}

/* ---------------------------------------------------------------- lookup */

m_agent *master_agent_find(master *m, const char *id)
{
	m_agent *a;
	HASH_FIND_STR(m->agents_by_id, id, a);
	return a;
}

m_fw *master_fw_find(master *m, const char *id)
{
	m_fw *f;
	HASH_FIND_STR(m->fws_by_id, id, f);
	return f;
}

bool master_fw_was_removed(const master *m, const char *id)
{
	return rt_idlist_has(&m->removed_fws, id);
}

bool master_agent_was_removed(const master *m, const char *id)
{
	return rt_idlist_has(&m->removed_agents, id);
}

m_task *master_task_find(master *m, const m_fw *fw, const char *task_id)
{
	m_task *t;
	HASH_FIND_STR(fw->tasks_by_id, task_id, t);
	return t;
}

m_offer *master_offer_find(master *m, const char *id)
{
	m_offer *o;
	HASH_FIND_STR(m->offers_by_id, id, o);
	return o && o->sent ? o : NULL; /* ids are guessable: only what was offered counts */
}

static m_offer *offer_find_ac(master *m, ac_offer_id id)
{
	m_offer *o;
	HASH_FIND(hh_ac, m->offers_by_ac, &id, sizeof id, o);
	return o;
}

/* An offer made by the core's pass, on its framework and agent. */
static m_offer *offer_add(master *m, m_fw *fw, m_agent *a, const ac_offer_view *v)
{
	m_offer *o = rt_xcalloc(1, sizeof *o);
	char id[96];
	snprintf(id, sizeof id, "%s-O%llu", m->id, (unsigned long long)m->next_offer++);
	o->id = rt_xstrdup(id);
	o->ac = v->id;
	o->fw = fw;
	o->fwac = v->fw;
	o->agent = a;
	o->res = *v->resources;
	DL_PREPEND(m->offers, o);
	DL_PREPEND2(fw->offers, o, fw_prev, fw_next);
	DL_PREPEND2(a->offers, o, agent_prev, agent_next);
	HASH_ADD_KEYPTR(hh, m->offers_by_id, o->id, strlen(o->id), o);
	HASH_ADD(hh_ac, m->offers_by_ac, ac, sizeof o->ac, o);
	return o;
}

/* An offer gone before it was sent leaves its framework's OFFERS event. */
static void pending_drop(master *m, m_offer *o)
{
	m_fw *fw = o->fw;
	for (size_t i = 0; i < fw->npending; i++)
		if (fw->pending[i] == o) {
			memmove(fw->pending + i, fw->pending + i + 1, (fw->npending - i - 1) * sizeof *fw->pending);
			fw->npending--;
			break;
		}
	if (!fw->npending && fw->sendq_in) {
		DL_DELETE2(m->sendq, fw, sendq_prev, sendq_next);
		fw->sendq_in = false;
	}
}

void master_offer_forget(master *m, m_offer *o)
{
	if (!o->sent)
		pending_drop(m, o);
	DL_DELETE(m->offers, o);
	DL_DELETE2(o->fw->offers, o, fw_prev, fw_next);
	DL_DELETE2(o->agent->offers, o, agent_prev, agent_next);
	HASH_DELETE(hh, m->offers_by_id, o);
	HASH_DELETE(hh_ac, m->offers_by_ac, o);
	free(o->id);
	free(o);
}

void master_offer_decline(master *m, m_offer *o, ac_time refuse)
{
	ac_err err;
	ac_offer_id id = o->ac;
	if (ac_offers_decline(m->core, &id, 1, refuse, master_now(m), &err) != 0)
		rt_log(RT_WARN, "decline of %s: %s", o->id, err.msg);
	master_offer_forget(m, o);
}

/* An executor's key: its framework's and agent's records, then its id. A
 * short key is built in buf; a longer one is allocated (the caller frees it
 * when it is not buf). */
static uint8_t *exec_key(const m_fw *fw, const m_agent *a, const char *id, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = strlen(id);
	*len = sizeof fw + sizeof a + n;
	uint8_t *k = *len <= cap ? buf : rt_xmalloc(*len);
	memcpy(k, &fw, sizeof fw);
	memcpy(k + sizeof fw, &a, sizeof a);
	memcpy(k + sizeof fw + sizeof a, id, n);
	return k;
}

m_exec *master_exec_find(master *m, const m_fw *fw, const m_agent *a, const char *id)
{
	uint8_t buf[128];
	size_t len;
	uint8_t *key = exec_key(fw, a, id, buf, sizeof buf, &len);
	m_exec *e;
	HASH_FIND(hh, m->execs_by_key, key, len, e);
	if (key != buf)
		free(key);
	return e;
}

uint8_t *master_exec_pack(const Mesos__V1__ExecutorInfo *info, const char *fw_id, size_t *len)
{
	Mesos__V1__ExecutorInfo copy = *info;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = (char *)fw_id;
	copy.framework_id = &fid;
	*len = mesos__v1__executor_info__get_packed_size(&copy);
	uint8_t *bytes = rt_xmalloc(*len ? *len : 1);
	mesos__v1__executor_info__pack(&copy, bytes);
	return bytes;
}

m_exec *master_exec_add(master *m, m_fw *fw, m_agent *a, const Mesos__V1__ExecutorInfo *info, const ac_resources *res)
{
	m_exec *e = rt_xcalloc(1, sizeof *e);
	e->id = rt_xstrdup(info->executor_id->value);
	e->fw = fw;
	e->fwac = master_fw_core(m, fw);
	e->agent = a;
	e->res = *res;
	e->info = master_exec_pack(info, fw->id, &e->info_len);
	e->key = exec_key(fw, a, e->id, NULL, 0, &e->key_len);
	DL_PREPEND(m->execs, e);
	DL_PREPEND2(fw->execs, e, fw_prev, fw_next);
	DL_PREPEND2(a->execs, e, agent_prev, agent_next);
	HASH_ADD_KEYPTR(hh, m->execs_by_key, e->key, e->key_len, e);
	return e;
}

m_agent *master_agent_add(master *m, const char *id, ac_agent_id ac)
{
	m_agent *a = rt_xcalloc(1, sizeof *a);
	a->id = rt_xstrdup(id);
	a->ac = ac;
	a->registered_ns = rt_mono_ns();
	ac_agent_set_tag(m->core, ac, (uint64_t)(uintptr_t)a, NULL);
	DL_PREPEND(m->agents, a);
	HASH_ADD_KEYPTR(hh, m->agents_by_id, a->id, strlen(a->id), a);
	return a;
}

m_fw *master_fw_add(master *m, const char *id, ac_mfw_id mfw)
{
	m_fw *fw = rt_xcalloc(1, sizeof *fw);
	fw->id = rt_xstrdup(id);
	fw->registered_ns = rt_mono_ns();
	fw->mfw = mfw;
	ac_mfw_set_tag(m->core, mfw, (uint64_t)(uintptr_t)fw, NULL);
	DL_PREPEND(m->fws, fw);
	HASH_ADD_KEYPTR(hh, m->fws_by_id, fw->id, strlen(fw->id), fw);
	return fw;
}

size_t master_fw_nroles(const master *m, const m_fw *fw, bool all)
{
	ac_mfw_info info;
	if (ac_mfw_info_get(m->core, fw->mfw, &info, NULL) != 0)
		return 0;
	return info.nroles + (all ? info.nremoving : 0);
}

const char *master_fw_role_at(const master *m, const m_fw *fw, size_t i, ac_fw_id *ac)
{
	return ac_mfw_role_at(m->core, fw->mfw, i, ac, NULL);
}

ac_fw_id master_fw_core(const master *m, const m_fw *fw)
{
	ac_fw_id ac = 0;
	bool removing = false;
	if (!ac_mfw_role_at(m->core, fw->mfw, 0, &ac, &removing) || removing)
		return 0;
	return ac;
}

const char *master_fw_role_of(const master *m, const m_fw *fw, ac_fw_id ac)
{
	const char *role = NULL;
	return ac_mfw_of(m->core, ac, &role) == fw->mfw ? role : NULL;
}

const char *master_fw_role_held(const master *m, const m_fw *fw, ac_fw_id ac)
{
	const char *r = master_fw_role_of(m, fw, ac);
	return r ? r : fw->role;
}

bool master_fw_core_of(const master *m, const m_fw *fw, const char *role, ac_fw_id *ac)
{
	size_t n = master_fw_nroles(m, fw, false);
	for (size_t i = 0; i < n; i++)
		if (strcmp(master_fw_role_at(m, fw, i, ac), role) == 0)
			return true;
	return false;
}

bool master_fw_has_role(const master *m, const m_fw *fw, const char *role, bool all)
{
	ac_fw_id ac;
	return all ? ac_mfw_role_fw(m->core, fw->mfw, role) != 0 : master_fw_core_of(m, fw, role, &ac);
}

/* Frees a framework's record (the core's frameworks are the caller's). */
static void fw_free(m_fw *fw)
{
	free(fw->pending);
	free(fw->id);
	free(fw->name);
	free(fw->role);
	free(fw->user);
	free(fw->principal);
	free(fw);
}

/* What a task or an executor (`what` `id`) held is free again, through the
 * core; as in Mesos, it waits for the next pass (no run of its own). */
static void recover_held(master *m, ac_fw_id fwac, m_agent *a, const ac_resources *res, const char *what,
                         const char *id)
{
	ac_err err;
	bool gone; /* a dropped role's last task or executor: the role went with it */
	if (ac_mfw_recover(m->core, fwac, a->ac, res, &gone, &err) != 0)
		rt_log(RT_WARN, "recover of %s %s failed: %s", what, id, err.msg);
}

void master_exec_remove(master *m, m_exec *e, bool recover)
{
	if (recover)
		recover_held(m, e->fwac, e->agent, &e->res, "executor", e->id);
	master_vol_released(m, e->agent, e->fw->id, NULL, e->id);
	DL_DELETE(m->execs, e);
	DL_DELETE2(e->fw->execs, e, fw_prev, fw_next);
	DL_DELETE2(e->agent->execs, e, agent_prev, agent_next);
	HASH_DELETE(hh, m->execs_by_key, e);
	free(e->key);
	free(e->id);
	free(e->info);
	free(e);
}

m_task *master_task_add(master *m, m_fw *fw, m_agent *a, const char *id, const char *name, const char *executor_id,
                        const ac_resources *res, Mesos__V1__TaskState state)
{
	m_task *t = rt_xcalloc(1, sizeof *t);
	t->id = rt_xstrdup(id);
	t->name = rt_xstrdup(name ? name : "");
	t->executor_id = executor_id ? rt_xstrdup(executor_id) : NULL;
	t->fw = fw;
	t->fwac = master_fw_core(m, fw);
	t->agent = a;
	t->res = *res;
	t->state = state;
	DL_PREPEND(m->tasks, t);
	DL_PREPEND2(fw->tasks, t, fw_prev, fw_next);
	DL_PREPEND2(a->tasks, t, agent_prev, agent_next);
	HASH_ADD_KEYPTR(hh, fw->tasks_by_id, t->id, strlen(t->id), t);
	master_op_task_added(m, t);
	return t;
}

/* The status an operator sees of an update the master made itself. */
static void task_update_notify(master *m, const m_task *t, Mesos__V1__TaskState state, double timestamp)
{
	if (!m->opsubs)
		return;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	tid.value = t->id;
	aid.value = t->agent->id;
	st.task_id = &tid;
	st.agent_id = &aid;
	st.state = state;
	st.has_source = true;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER;
	st.has_timestamp = true;
	st.timestamp = timestamp;
	master_op_task_updated(m, t, &st);
}

void master_task_update(master *m, m_task *t, Mesos__V1__TaskState state, double timestamp,
                        const Mesos__V1__TaskStatus *status)
{
	t->state = state;
	if (t->nstatuses && t->statuses[t->nstatuses - 1].state == state) {
		t->statuses[t->nstatuses - 1].timestamp = timestamp;
	} else {
		if (t->nstatuses == M_TASK_STATUSES) {
			memmove(t->statuses, t->statuses + 1, (M_TASK_STATUSES - 1) * sizeof *t->statuses);
			t->nstatuses--;
		}
		t->statuses[t->nstatuses++] = (m_task_status){.timestamp = timestamp, .state = state};
	}
	if (status)
		master_op_task_updated(m, t, status);
	else
		task_update_notify(m, t, state, timestamp);
}

/* ------------------------------------------------------------- history */

/* Completed tasks are on two lists at once: their framework's (or their
 * completed framework's), capped per framework as in Mesos, and the
 * master's, capped in all. Both are in the order the tasks ended, so the
 * oldest of all is always the oldest of its own list. */
static void done_task_drop(master *m, m_done_tasks *l)
{
	m_done_task *d = l->head;
	l->head = d->next;
	if (!l->head)
		l->tail = NULL;
	l->n--;
	if (d->gprev)
		d->gprev->gnext = d->gnext;
	else
		m->done_tasks = d->gnext;
	if (d->gnext)
		d->gnext->gprev = d->gprev;
	else
		m->done_tasks_tail = d->gprev;
	m->ndone_tasks--;
	free(d->id);
	free(d->name);
	free(d->executor_id);
	free(d->agent_id);
	free(d->resources);
	free(d);
}

static void done_tasks_clear(master *m, m_done_tasks *l)
{
	while (l->head)
		done_task_drop(m, l);
}

static void done_task_push(master *m, m_done_tasks *l, m_done_task *d, size_t cap)
{
	d->owner = l;
	d->next = NULL;
	if (l->tail)
		l->tail->next = d;
	else
		l->head = d;
	l->tail = d;
	l->n++;
	d->gnext = NULL;
	d->gprev = m->done_tasks_tail;
	if (m->done_tasks_tail)
		m->done_tasks_tail->gnext = d;
	else
		m->done_tasks = d;
	m->done_tasks_tail = d;
	m->ndone_tasks++;
	while (l->n > cap)
		done_task_drop(m, l);
	while (m->ndone_tasks > (size_t)m->flags.max_completed_tasks)
		done_task_drop(m, m->done_tasks->owner);
}

static void done_fw_free(master *m, m_done_fw *d)
{
	done_tasks_clear(m, &d->tasks);
	free(d->id);
	free(d->name);
	free(d->role);
	free(d->user);
	free(d);
}

static void done_fw_drop(master *m)
{
	m_done_fw *d = m->done_fws;
	m->done_fws = d->next;
	if (!m->done_fws)
		m->done_fws_tail = NULL;
	m->ndone_fws--;
	done_fw_free(m, d);
}

/* Keeps a terminal task in its framework's completed tasks. */
static void task_archive(master *m, const m_task *t)
{
	size_t cap = (size_t)m->flags.max_completed_tasks_per_framework;
	if (cap == 0 || m->flags.max_completed_tasks <= 0)
		return;
	char text[1024];
	m_done_task *d = rt_xcalloc(1, sizeof *d);
	d->id = rt_xstrdup(t->id);
	d->name = rt_xstrdup(t->name);
	d->executor_id = t->executor_id ? rt_xstrdup(t->executor_id) : NULL;
	d->agent_id = rt_xstrdup(t->agent->id);
	d->resources = rt_xstrdup(rt_resources_text(m->core, &t->res, text, sizeof text));
	d->state = t->state;
	memcpy(d->statuses, t->statuses, sizeof d->statuses);
	d->nstatuses = t->nstatuses;
	done_task_push(m, &t->fw->done, d, cap);
}

/* Moves a framework being removed (its tasks already archived) to the
 * completed frameworks, dropping the oldest beyond the cap. */
static void fw_archive(master *m, m_fw *fw)
{
	m_done_fw *d = rt_xcalloc(1, sizeof *d);
	d->id = rt_xstrdup(fw->id);
	d->name = rt_xstrdup(fw->name);
	d->role = rt_xstrdup(fw->role);
	d->user = rt_xstrdup(fw->user);
	d->failover_timeout = fw->failover_timeout;
	d->partition_aware = fw->partition_aware;
	d->recovered = fw->recovered;
	d->registered_wall = rt_wall_seconds() - (double)(rt_mono_ns() - fw->registered_ns) / 1e9;
	d->unregistered_wall = rt_wall_seconds();
	d->tasks = fw->done; /* moved: the framework's list is left empty */
	fw->done = (m_done_tasks){0};
	for (m_done_task *t = d->tasks.head; t; t = t->next)
		t->owner = &d->tasks;
	d->next = NULL;
	if (m->done_fws_tail)
		m->done_fws_tail->next = d;
	else
		m->done_fws = d;
	m->done_fws_tail = d;
	m->ndone_fws++;
	while (m->ndone_fws > (size_t)m->flags.max_completed_frameworks)
		done_fw_drop(m);
}

void master_task_remove(master *m, m_task *t, bool recover)
{
	if (recover)
		recover_held(m, t->fwac, t->agent, &t->res, "task", t->id);
	master_vol_released(m, t->agent, t->fw->id, t->id, NULL);
	DL_DELETE(m->tasks, t);
	DL_DELETE2(t->fw->tasks, t, fw_prev, fw_next);
	DL_DELETE2(t->agent->tasks, t, agent_prev, agent_next);
	HASH_DELETE(hh, t->fw->tasks_by_id, t);
	task_archive(m, t);
	free(t->id);
	free(t->name);
	free(t->executor_id);
	free(t->user);
	free(t);
}

/* ---------------------------------------------------------------- events */

/* An ERROR event; the last of its stream (sent past the output bound,
 * then the stream ends) when `last`. */
static void send_error(master *m, m_fw *fw, const char *message, bool last)
{
	Mesos__V1__Scheduler__Event__Error e = MESOS__V1__SCHEDULER__EVENT__ERROR__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	e.message = (char *)message;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR;
	ev.error = &e;
	if (last)
		rt_api_stream_send_last(fw->stream, fw->stream_json, &ev.base);
	else
		master_send_event(m, fw, &ev);
}

void master_send_error(master *m, m_fw *fw, const char *message)
{
	send_error(m, fw, message, false);
}

/* A subscriber that does not read its stream would hold the master's
 * memory without bound: past the output bound it gets a last ERROR event
 * and the stream closes, which disconnects the framework as any broken
 * stream does (its failover timeout runs; it re-subscribes and reconciles). */
static void stream_overflow(master *m, m_fw *fw)
{
	char msg[256];
	size_t pending = rt_http_session_pending(fw->stream);
	snprintf(msg, sizeof msg,
	         "Event stream closed: %zu bytes of events were not read by the framework; "
	         "re-subscribe and reconcile",
	         pending);
	rt_log(RT_WARN, "framework %s (%s): %zu bytes of its stream unread; closing it", fw->id, fw->name, pending);
	send_error(m, fw, msg, true);
	m->metrics.streams_dropped++;
}

void master_send_event(master *m, m_fw *fw, const Mesos__V1__Scheduler__Event *ev)
{
	if (!fw->stream)
		return;
	int rc = rt_api_stream_send(fw->stream, fw->stream_json, &ev->base);
	if (rc == RT_HTTP_FULL) {
		stream_overflow(m, fw);
		return;
	}
	if (rc != 0) {
		rt_log(RT_DEBUG, "framework %s: an event could not be sent", fw->id);
		return;
	}
	m->metrics.events_sent++;
}

void master_send_status(master *m, m_fw *fw, const char *task_id, const char *agent_id, Mesos__V1__TaskState state,
                        Mesos__V1__TaskStatus__Reason reason, const char *message)
{
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__Scheduler__Event__Update up = MESOS__V1__SCHEDULER__EVENT__UPDATE__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	tid.value = (char *)task_id;
	st.task_id = &tid;
	st.state = state;
	st.has_source = true;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER;
	st.has_reason = true;
	st.reason = reason;
	st.message = (char *)message;
	st.has_timestamp = true;
	st.timestamp = rt_wall_seconds();
	if (agent_id) {
		aid.value = (char *)agent_id;
		st.agent_id = &aid;
	}
	up.status = &st;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE;
	ev.update = &up;
	master_send_event(m, fw, &ev);
	/* A reconciliation answer reports a state; it loses no task. */
	if (reason == MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION)
		return;
	switch (state) {
	case MESOS__V1__TASK_STATE__TASK_ERROR:
		m->metrics.tasks_error++;
		break;
	case MESOS__V1__TASK_STATE__TASK_LOST:
		m->metrics.tasks_lost++;
		break;
	case MESOS__V1__TASK_STATE__TASK_DROPPED:
		m->metrics.tasks_dropped++;
		break;
	default:
		break;
	}
}

bool master_agent_send(master *m, m_agent *a, const Meso__Agent__AgentMessage *msg)
{
	if (!a->conn)
		return false;
	size_t n = protobuf_c_message_get_packed_size(&msg->base);
	uint8_t *bytes = rt_xmalloc(n);
	protobuf_c_message_pack(&msg->base, bytes);
	int rc = rt_conn_send(a->conn, bytes, n);
	free(bytes);
	return rc == 0;
}

void master_agent_hangup(m_agent *a, const char *why)
{
	rt_conn *c = a->conn;
	if (!c)
		return;
	a->conn = NULL;
	rt_conn_set_data(c, NULL); /* its on_close no longer finds the agent */
	rt_conn_close(c, why);
}

/* ------------------------------------------------------------ allocation */

static void hook_offer(void *ud, const ac_offer_view *v)
{
	master *m = ud;
	/* Every core entity has a master record, set as its tag. */
	m_fw *fw = (m_fw *)(uintptr_t)v->fw_tag;
	m_agent *a = (m_agent *)(uintptr_t)v->agent_tag;
	assert(fw && master_fw_role_of(m, fw, v->fw) && a && a->ac == v->agent);
	m_offer *o = offer_add(m, fw, a, v);
	if (fw->npending == fw->cappending) {
		fw->cappending = fw->cappending ? 2 * fw->cappending : 8;
		fw->pending = rt_xrealloc(fw->pending, fw->cappending * sizeof *fw->pending);
	}
	fw->pending[fw->npending++] = o;
	if (!fw->sendq_in) { /* frameworks are sent to in the order of their first offer */
		DL_APPEND2(m->sendq, fw, sendq_prev, sendq_next);
		fw->sendq_in = true;
	}
}

static void hook_rescind(void *ud, const ac_offer_view *v, ac_rescind_reason why)
{
	master *m = ud;
	m_offer *o = offer_find_ac(m, v->id);
	if (!o)
		return;
	if (!o->sent) { /* the framework never heard of it */
		master_offer_forget(m, o);
		return;
	}
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT;
	Mesos__V1__Scheduler__Event__Rescind r = MESOS__V1__SCHEDULER__EVENT__RESCIND__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	oid.value = o->id;
	r.offer_id = &oid;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND;
	ev.rescind = &r;
	master_send_event(m, o->fw, &ev);
	rt_log(RT_DEBUG, "rescinded offer %s (reason %d)", o->id, (int)why);
	master_offer_forget(m, o);
}

static void send_offers(master *m, m_fw *fw)
{
	rt_arena *a = rt_arena_create();
	Mesos__V1__Scheduler__Event__Offers offers = MESOS__V1__SCHEDULER__EVENT__OFFERS__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	offers.n_offers = fw->npending;
	offers.offers = rt_arena_alloc(a, fw->npending * sizeof *offers.offers);
	for (size_t i = 0; i < fw->npending; i++) {
		m_offer *o = fw->pending[i];
		o->sent = true;
		Mesos__V1__Offer *pb = rt_arena_alloc(a, sizeof *pb);
		mesos__v1__offer__init(pb);
		pb->id = rt_arena_alloc(a, sizeof *pb->id);
		mesos__v1__offer_id__init(pb->id);
		pb->id->value = o->id;
		pb->framework_id = rt_arena_alloc(a, sizeof *pb->framework_id);
		mesos__v1__framework_id__init(pb->framework_id);
		pb->framework_id->value = fw->id;
		pb->agent_id = rt_arena_alloc(a, sizeof *pb->agent_id);
		mesos__v1__agent_id__init(pb->agent_id);
		pb->agent_id->value = o->agent->id;
		pb->hostname = o->agent->hostname;
		pb->url = rt_arena_alloc(a, sizeof *pb->url);
		mesos__v1__url__init(pb->url);
		pb->url->scheme = "http";
		pb->url->path = "/slave(1)";
		pb->url->address = rt_arena_alloc(a, sizeof *pb->url->address);
		mesos__v1__address__init(pb->url->address);
		pb->url->address->hostname = o->agent->hostname;
		pb->url->address->port = o->agent->port;
		if (o->agent->ip[0])
			pb->url->address->ip = o->agent->ip;
		const char *role = master_fw_role_of(m, fw, o->fwac);
		/* Free persistent volumes of its role are shown by this offer from now on. */
		m_volsel vols = {.offer = o, .assign = true};
		pb->resources = master_resources_pb_vols(m, o->agent, &o->res, role, &vols, a, &pb->n_resources);
		if (o->agent->info) {
			pb->attributes = o->agent->info->attributes;
			pb->n_attributes = o->agent->info->n_attributes;
		}
		/* The framework's executors there: the agent's few, not the cluster's. */
		size_t nexec = 0;
		for (m_exec *e = o->agent->execs; e; e = e->agent_next)
			nexec += e->fw == fw;
		pb->executor_ids = rt_arena_alloc(a, (nexec ? nexec : 1) * sizeof *pb->executor_ids);
		for (m_exec *e = o->agent->execs; e; e = e->agent_next) {
			if (e->fw != fw)
				continue;
			Mesos__V1__ExecutorID *eid = rt_arena_alloc(a, sizeof *eid);
			mesos__v1__executor_id__init(eid);
			eid->value = e->id;
			pb->executor_ids[pb->n_executor_ids++] = eid;
		}
		pb->allocation_info = rt_arena_alloc(a, sizeof *pb->allocation_info);
		mesos__v1__resource__allocation_info__init(pb->allocation_info);
		pb->allocation_info->role = (char *)role;
		offers.offers[i] = pb;
	}
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS;
	ev.offers = &offers;
	master_send_event(m, fw, &ev);
	rt_arena_destroy(a);
	fw->npending = 0;
}

/* One pass over every agent (ids NULL) or over the n agents named, then
 * the offers it made, each framework's in one OFFERS event. */
static void allocate_pass(master *m, const ac_agent_id *ids, size_t n)
{
	ac_err err;
	ac_time now = master_now(m);
	if (ac_advance(m->core, now, &err) < 0)
		rt_log(RT_WARN, "allocator: advance: %s", err.msg);
	int64_t t0 = rt_mono_ns();
	int made = ids ? ac_allocate_agents(m->core, ids, n, now, &err) : ac_allocate(m->core, now, &err);
	master_hist_add(&m->metrics.alloc_latency, (double)(rt_mono_ns() - t0) / 1e9);
	if (made < 0)
		rt_log(RT_WARN, "allocator: %s", err.msg);
	if (m->npreempts)
		master_preempt_run(m);
	if (m->sendq)
		ev_idle_start(m->loop, &m->send_idle);
}

/* Sends the first queued framework's offers. */
static void send_next(master *m)
{
	m_fw *fw = m->sendq;
	DL_DELETE2(m->sendq, fw, sendq_prev, sendq_next);
	fw->sendq_in = false;
	if (!m->first_offer_logged) {
		/* The failover benchmark reads this line: leader killed -> here. */
		double now_wall = rt_wall_seconds();
		rt_log(RT_INFO, "first offers as leader at %.6f (%.3f s after election)", now_wall,
		       now_wall - m->elected_wall);
		m->first_offer_logged = true;
	}
	send_offers(m, fw);
}

static void send_idle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	master *m = w->data;
	if (m->sendq)
		send_next(m);
	if (!m->sendq)
		ev_idle_stop(loop, w);
}

/* Forgets the event-driven run waiting to happen (a full pass covers it). */
static void candidates_clear(master *m)
{
	for (size_t i = 0; i < m->ncands; i++)
		m->cands[i]->alloc_queued = false;
	m->ncands = 0;
	m->alloc_all = false;
	ev_timer_stop(m->loop, &m->alloc_soon);
}

void master_allocate(master *m)
{
	candidates_clear(m);
	allocate_pass(m, NULL, 0);
}

static void alloc_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	master_allocate(w->data);
}

static void alloc_soon_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	master *m = w->data;
	if (m->alloc_all) {
		master_allocate(m);
		return;
	}
	ac_agent_id *ids = rt_xmalloc((m->ncands ? m->ncands : 1) * sizeof *ids);
	size_t n = m->ncands;
	for (size_t i = 0; i < n; i++)
		ids[i] = m->cands[i]->ac;
	candidates_clear(m);
	allocate_pass(m, ids, n);
	free(ids);
}

/* Mesos dispatches an event-driven run at once and lets later events join
 * it while it waits; a few milliseconds here gather a burst of them. */
static void alloc_soon_arm(master *m)
{
	if (!ev_is_active(&m->alloc_soon)) {
		ev_timer_set(&m->alloc_soon, 0.005, 0.);
		ev_timer_start(m->loop, &m->alloc_soon);
	}
}

void master_allocate_soon(master *m)
{
	m->alloc_all = true;
	alloc_soon_arm(m);
}

void master_allocate_agent_soon(master *m, m_agent *a)
{
	if (m->alloc_all || a->alloc_queued)
		return;
	if (m->ncands == m->capcands) {
		m->capcands = m->capcands ? 2 * m->capcands : 64;
		m->cands = rt_xrealloc(m->cands, m->capcands * sizeof *m->cands);
	}
	m->cands[m->ncands++] = a;
	a->alloc_queued = true;
	alloc_soon_arm(m);
}

/* An agent going away leaves the run it was waiting for. */
static void candidates_forget(master *m, m_agent *a)
{
	if (!a->alloc_queued)
		return;
	for (size_t i = 0; i < m->ncands; i++)
		if (m->cands[i] == a) {
			m->cands[i] = m->cands[--m->ncands];
			break;
		}
	a->alloc_queued = false;
}

/* ------------------------------------------------------------- removals */

void master_agent_remove(master *m, m_agent *a, const char *why)
{
	rt_log(RT_WARN, "agent %s (%s:%d) removed: %s", a->id, a->hostname, a->port, why);
	a->removed = true;
	m_task *t, *tnext;
	DL_FOREACH_SAFE2(a->tasks, t, tnext, agent_next)
	{
		/* Mesos: an agent an operator marked gone makes its tasks
		 * GONE_BY_OPERATOR for partition-aware frameworks (LOST, agent
		 * removed, for the others). */
		bool op = a->gone_by_operator && t->fw->partition_aware;
		Mesos__V1__TaskState st = op                       ? MESOS__V1__TASK_STATE__TASK_GONE_BY_OPERATOR
		                          : t->fw->partition_aware ? MESOS__V1__TASK_STATE__TASK_GONE
		                                                   : MESOS__V1__TASK_STATE__TASK_LOST;
		char msg[160];
		snprintf(msg, sizeof msg, "Agent %s removed: %s", a->id, why);
		master_send_status(m, t->fw, t->id, a->id, st,
		                   op ? MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED_BY_OPERATOR
		                      : MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED,
		                   msg);
		master_task_update(m, t, st, rt_wall_seconds(), NULL);
		master_task_remove(m, t, false);
	}
	m_exec *e, *enext;
	DL_FOREACH_SAFE2(a->execs, e, enext, agent_next)
	master_exec_remove(m, e, false); /* the core forgets the agent's allocations */
	/* Tell every framework that the agent is gone (Mesos's FAILURE). */
	for (m_fw *fw = m->fws; fw; fw = fw->next) {
		Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
		Mesos__V1__Scheduler__Event__Failure f = MESOS__V1__SCHEDULER__EVENT__FAILURE__INIT;
		Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
		aid.value = a->id;
		f.agent_id = &aid;
		ev.has_type = true;
		ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE;
		ev.failure = &f;
		master_send_event(m, fw, &ev);
	}
	candidates_forget(m, a);
	ac_err err;
	if (ac_agent_remove(m->core, a->ac, &err) != 0)
		rt_log(RT_WARN, "allocator: agent remove: %s", err.msg);
	/* A role a framework dropped whose last tasks were there goes now. */
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		ac_mfw_prune(m->core, fw->mfw, NULL);
	master_agent_hangup(a, "agent removed");
	assert(!a->offers); /* rescinded by ac_agent_remove */
	DL_DELETE(m->agents, a);
	HASH_DELETE(hh, m->agents_by_id, a);
	rt_idlist_add(&m->removed_agents, a->id);
	m->metrics.agent_removals++;
	master_op_agent_removed(m, a->id);
	/* What operators set on it goes with it (Mesos forgets a removed
	 * agent's drain and deactivation too). */
	if (a->op_deactivated || a->drain_state != MESOS__V1__DRAIN_STATE__UNKNOWN || a->nresv || a->nvols)
		master_registry_save(m);
	master_drain_forget(m, a);
	master_resv_free(a);
	free(a->id);
	free(a->hostname);
	free(a->principal);
	free(a->attributes);
	if (a->info)
		mesos__v1__agent_info__free_unpacked(a->info, NULL);
	free(a);
}

void master_fw_remove(master *m, m_fw *fw, const char *why)
{
	rt_log(RT_INFO, "framework %s (%s) removed: %s", fw->id, fw->name, why);
	master_opstatus_forget_framework(m, fw->id);
	/* Agents kill the framework's tasks; the master forgets them now. Each
	 * agent that runs some of it is told once. */
	uint64_t mark = ++m->mark;
	size_t nheld = 0;
	for (m_task *t = fw->tasks; t; t = t->fw_next)
		nheld++;
	for (m_exec *e = fw->execs; e; e = e->fw_next)
		nheld++;
	m_agent **held = rt_xcalloc(nheld, sizeof *held);
	size_t nagents = 0;
	for (m_task *t = fw->tasks; t; t = t->fw_next)
		if (t->agent->mark != mark)
			t->agent->mark = mark, held[nagents++] = t->agent;
	for (m_exec *e = fw->execs; e; e = e->fw_next)
		if (e->agent->mark != mark)
			e->agent->mark = mark, held[nagents++] = e->agent;
	for (size_t i = 0; i < nagents; i++) {
		m_agent *a = held[i];
		Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
		Meso__Agent__ShutdownFramework sf = MESO__AGENT__SHUTDOWN_FRAMEWORK__INIT;
		Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
		fid.value = fw->id;
		sf.framework_id = &fid;
		msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__SHUTDOWN_FRAMEWORK;
		msg.shutdown_framework = &sf;
		master_agent_send(m, a, &msg);
	}
	/* As Mesos: the tasks are marked TASK_KILLED (no update is sent) and
	 * join the framework's completed tasks. */
	m_task *t, *tnext;
	DL_FOREACH_SAFE2(fw->tasks, t, tnext, fw_next)
	{
		master_task_update(m, t, MESOS__V1__TASK_STATE__TASK_KILLED, rt_wall_seconds(), NULL);
		master_task_remove(m, t, false);
	}
	for (size_t i = 0; i < nagents; i++)
		master_drain_check(m, held[i]);
	free(held);
	master_drain_fw_removed(m, fw);
	m_exec *e, *enext;
	DL_FOREACH_SAFE2(fw->execs, e, enext, fw_next)
	master_exec_remove(m, e, false); /* ac_fw_remove below frees what they hold */
	ev_timer_stop(m->loop, &fw->failover);
	master_reconcile_forget(m, fw);
	/* Its offers go now; the core forgets it (and frees what it held) once
	 * its FRAMEWORK_REMOVED has shown its roles (fw_free). */
	ac_mfw_deactivate(m->core, fw->mfw, NULL);
	if (fw->stream) {
		rt_http_session *s = fw->stream;
		fw->stream = NULL;
		rt_http_session_on_close(s, NULL, NULL);
		rt_http_session_on_drain(s, NULL, NULL);
		rt_http_stream_end(s);
	}
	assert(!fw->offers); /* rescinded by ac_fw_remove */
	DL_DELETE(m->fws, fw);
	HASH_DELETE(hh, m->fws_by_id, fw);
	rt_idlist_add(&m->removed_fws, fw->id);
	m->metrics.framework_removals++;
	master_op_framework_removed(m, fw);
	fw_archive(m, fw);
	if (fw->sendq_in) /* its offers were rescinded with it: cannot be */
		DL_DELETE2(m->sendq, fw, sendq_prev, sendq_next);
	ac_err err;
	if (ac_mfw_remove(m->core, fw->mfw, &err) != 0)
		rt_log(RT_WARN, "allocator: framework remove: %s", err.msg);
	fw_free(fw);
}

/* ---------------------------------------------------------------- timers */

static void heartbeat_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	master *m = w->data;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT;
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		master_send_event(m, fw, &ev);
	master_op_heartbeat(m);
}

/* Two clocks per agent: a connected agent silent for --agent_timeout is
 * disconnected, not counting the time the master's own loop was too busy to
 * read its frames (they waited in the socket meanwhile: a master that served
 * a flood for seconds does not blame the agents it did not listen to); a
 * disconnected one that has not re-registered within
 * --agent_reregister_timeout is removed and its tasks are lost. */
static void agent_check_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	master *m = w->data;
	int64_t now = rt_mono_ns();
	int64_t limit = (int64_t)(m->flags.agent_timeout * 1e9);
	int64_t window = (int64_t)(m->flags.agent_reregister_timeout * 1e9);
	size_t spared = 0;
	int64_t most_busy = 0;
	for (m_agent *a = m->agents, *next; a; a = next) {
		next = a->next;
		int64_t silent = now - a->last_seen_ns;
		if (a->conn && silent > limit) {
			int64_t busy = rt_lag_busy_since(m->lag, a->last_seen_ns);
			if (silent - busy <= limit) {
				spared++;
				most_busy = busy > most_busy ? busy : most_busy;
			} else {
				char why[160];
				snprintf(why, sizeof why, "no heartbeat for %.1f s (%.1f s of it the master was busy)",
				         (double)silent / 1e9, (double)busy / 1e9);
				master_agent_hangup(a, why);
				master_agent_disconnected(m, a, why);
			}
		}
		if (!a->conn && now - a->disconnected_ns >= window) {
			char why[96];
			snprintf(why, sizeof why, "did not re-register within %.1f s of its disconnection",
			         m->flags.agent_reregister_timeout);
			master_agent_remove(m, a, why);
		}
	}
	if (spared) {
		m->metrics.agent_removals_deferred += spared;
		rt_log(RT_WARN,
		       "%zu agent(s) silent for over %.1f s kept: the master's loop was busy for up to %.1f s of that "
		       "time",
		       spared, m->flags.agent_timeout, (double)most_busy / 1e9);
	}
}

void master_flags_default(master_flags *f)
{
	*f = (master_flags){
	        .ip = "127.0.0.1",
	        .allocation_interval = 1.0,
	        .agent_timeout = 15.0,
	        .agent_reregister_timeout = 600.0,
	        .heartbeat_interval = 5.0,
	        .zk_session_timeout = 10.0,
	        .framework_recovery_timeout = 120.0,
	        .max_completed_frameworks = 50,
	        .max_completed_tasks_per_framework = 1000,
	        .max_completed_tasks = MASTER_MAX_COMPLETED_TASKS,
	        .max_frameworks = MASTER_MAX_FRAMEWORKS,
	};
}

int master_init(master *m, struct ev_loop *loop, const master_flags *flags, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	rt_idlist_init(&m->removed_fws, MASTER_REMOVED_IDS);
	rt_idlist_init(&m->removed_agents, MASTER_REMOVED_IDS);
	m->loop = loop;
	m->flags = *flags;
	m->start_ns = rt_mono_ns();
	uint8_t u[16];
	rt_uuid_random(u);
	rt_uuid_format(u, m->id);

	ac_config cfg;
	ac_config_default(&cfg);
	cfg.allocation_interval = (ac_time)(flags->allocation_interval * 1e9);
	cfg.offer_timeout = (ac_time)(flags->offer_timeout * 1e9);
	cfg.policy = flags->policy;
	ac_hooks hooks = {.offer = hook_offer, .rescind = hook_rescind, .ud = m};
	ac_err aerr;
	if (master_auth_init(m, err, errlen) != 0)
		return -1;
	ac_policy pol;
	if (flags->policy_module) {
		if (flags->policy_module->create(flags->policy_args ? flags->policy_args : "", &pol, &aerr) < 0) {
			snprintf(err, errlen, "policy: %s", aerr.msg);
			master_auth_free(m);
			return -1;
		}
		cfg.policy_impl = &pol;
	}
	if (ac_core_create(&cfg, &hooks, &m->core, &aerr) != 0) {
		snprintf(err, errlen, "allocator: %s", aerr.msg);
		master_auth_free(m);
		return -1;
	}
	ac_core_set_preempt_hook(m->core, master_preempt_hook, m);
	m->http = rt_http_server_create(flags->detached ? NULL : loop, flags->ip, flags->port, &flags->http,
	                                master_http_handler, m, err, errlen);
	if (!m->http) {
		ac_core_destroy(m->core);
		master_auth_free(m);
		return -1;
	}
	rt_http_server_set_upgrade(m->http, master_agent_upgrade);
	m->lag = rt_lag_create(flags->detached ? NULL : loop, MASTER_LAG_THRESHOLD);
	master_reconcile_init(m);

	ev_timer_init(&m->alloc_timer, alloc_timer_cb, flags->allocation_interval, flags->allocation_interval);
	ev_timer_init(&m->alloc_soon, alloc_soon_cb, 0.005, 0.);
	ev_idle_init(&m->send_idle, send_idle_cb);
	ev_set_priority(&m->send_idle, EV_MINPRI);
	m->send_idle.data = m;
	ev_timer_init(&m->heartbeat_timer, heartbeat_cb, flags->heartbeat_interval, flags->heartbeat_interval);
	double check = flags->agent_timeout / 4 < 1.0 ? flags->agent_timeout / 4 : 1.0;
	if (flags->agent_reregister_timeout > 0 && flags->agent_reregister_timeout / 4 < check)
		check = flags->agent_reregister_timeout / 4;
	ev_timer_init(&m->agent_check_timer, agent_check_cb, check, check);
	m->alloc_timer.data = m->alloc_soon.data = m->heartbeat_timer.data = m->agent_check_timer.data = m;
	rt_loglevel_init(&m->loglevel, loop);
	if (!flags->zk)
		master_lead(m);
	return 0;
}

void master_lead(master *m)
{
	m->leading = true;
	m->elected_wall = rt_wall_seconds();
	m->leader_host[0] = 0;
	ev_timer_start(m->loop, &m->alloc_timer);
	ev_timer_start(m->loop, &m->heartbeat_timer);
	ev_timer_start(m->loop, &m->agent_check_timer);
}

static void recovery_expired(struct ev_loop *loop, ev_timer *w, int revents)
{
	m_fw *fw = (m_fw *)((char *)w - offsetof(m_fw, failover));
	char why[128];
	snprintf(why, sizeof why, "did not re-subscribe within %.1f s of the master failover",
	         ((master *)w->data)->flags.framework_recovery_timeout);
	master_fw_remove(w->data, fw, why);
}

m_fw *master_fw_recover(master *m, const char *id)
{
	/* No roles until the framework says: what its agents report is charged
	 * to the roles their allocation_info names (removing, in the core,
	 * until it re-subscribes with them). */
	ac_mfw_id ac;
	ac_err err;
	if (ac_mfw_add(m->core, id, NULL, 0, NULL, &ac, &err) != 0) {
		rt_log(RT_WARN, "cannot recover framework %s: %s", id, err.msg);
		return NULL;
	}
	ac_mfw_deactivate(m->core, ac, NULL);
	m_fw *fw = master_fw_add(m, id, ac);
	fw->name = rt_xstrdup("");
	fw->role = rt_xstrdup("*");
	fw->user = rt_xstrdup("");
	fw->recovered = true;
	ev_timer_init(&fw->failover, recovery_expired, m->flags.framework_recovery_timeout, 0.);
	fw->failover.data = m;
	ev_timer_start(m->loop, &fw->failover);
	m->metrics.frameworks_recovered++;
	master_op_framework_added(m, fw);
	rt_log(RT_INFO, "framework %s recovered from an agent's tasks; waiting %.1f s for it to re-subscribe", id,
	       m->flags.framework_recovery_timeout);
	return fw;
}

void master_shutdown(master *m)
{
	master_op_close(m);
	rt_loglevel_stop(&m->loglevel);
	master_elect_stop(m);
	master_registry_free(m);
	master_opstatus_free(m);
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		master_reconcile_forget(m, fw);
	m->leading = false;
	ev_timer_stop(m->loop, &m->alloc_timer);
	candidates_clear(m);
	ev_idle_stop(m->loop, &m->send_idle);
	m->sendq = NULL;
	free(m->cands);
	m->cands = NULL;
	m->capcands = 0;
	ev_timer_stop(m->loop, &m->heartbeat_timer);
	ev_timer_stop(m->loop, &m->agent_check_timer);
	/* Streams end and agents are disconnected, but nothing is killed: a
	 * restarted master gets the agents' tasks back when they re-register. */
	for (m_fw *fw = m->fws; fw; fw = fw->next) {
		ev_timer_stop(m->loop, &fw->failover);
		if (fw->stream) {
			rt_http_session_on_close(fw->stream, NULL, NULL);
			rt_http_session_on_drain(fw->stream, NULL, NULL);
			fw->stream = NULL;
		}
	}
	rt_http_server_destroy(m->http);
	for (m_agent *a = m->agents; a; a = a->next) {
		master_agent_hangup(a, "master shutting down");
	}
	/* The maps go before their records: HASH_CLEAR reads the first one. */
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		HASH_CLEAR(hh, fw->tasks_by_id);
	while (m->tasks) {
		m_task *t = m->tasks;
		DL_DELETE(m->tasks, t);
		free(t->id);
		free(t->name);
		free(t->executor_id);
		free(t->user);
		free(t);
	}
	while (m->offers)
		master_offer_forget(m, m->offers);
	while (m->execs)
		master_exec_remove(m, m->execs, false);
	HASH_CLEAR(hh, m->fws_by_id);
	HASH_CLEAR(hh, m->agents_by_id);
	while (m->fws) {
		m_fw *fw = m->fws;
		DL_DELETE(m->fws, fw);
		done_tasks_clear(m, &fw->done);
		fw_free(fw);
	}
	while (m->agents) {
		m_agent *a = m->agents;
		DL_DELETE(m->agents, a);
		master_drain_forget(m, a);
		master_resv_free(a);
		free(a->id);
		free(a->hostname);
		free(a->principal);
		free(a->attributes);
		if (a->info)
			mesos__v1__agent_info__free_unpacked(a->info, NULL);
		free(a);
	}
	while (m->done_fws)
		done_fw_drop(m);
	master_roleconfs_free(m);
	master_maint_free(m);
	rt_idlist_free(&m->removed_fws);
	rt_idlist_free(&m->removed_agents);
	rt_lag_destroy(m->lag);
	ac_core_destroy(m->core);
	master_auth_free(m);
	free(m->preempts);
}

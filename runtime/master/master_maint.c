/*
 * master_maint.c — operators' control of agents, as Mesos 1.11 has it:
 * DEACTIVATE_AGENT (no offers, tasks keep running), DRAIN_AGENT (no offers,
 * every task killed with at most max_grace_period, then DRAINED; removed
 * when mark_gone), REACTIVATE_AGENT; and a subset of the maintenance
 * primitives: the schedule, machines taken down (their agents drained) and
 * brought up again. Whether an agent may get offers is decided here
 * (master_agent_sync_active): connected, and not deactivated by operators.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "master.h"

void master_agent_sync_active(master *m, m_agent *a)
{
	bool want = a->conn != NULL && !a->op_deactivated;
	ac_err err;
	if (want && a->deactivated) {
		if (ac_agent_activate(m->core, a->ac, &err) == 0)
			a->deactivated = false;
		else
			rt_log(RT_WARN, "agent %s: %s", a->id, err.msg);
	} else if (!want && !a->deactivated) {
		/* Its offers are rescinded; what its tasks hold stays charged. */
		if (ac_agent_deactivate(m->core, a->ac, &err) == 0)
			a->deactivated = true;
		else
			rt_log(RT_WARN, "agent %s: %s", a->id, err.msg);
	}
}

bool master_task_kill(master *m, m_task *t, int64_t grace_ns, bool draining)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__DurationInfo grace = MESOS__V1__DURATION_INFO__INIT;
	Mesos__V1__KillPolicy kp = MESOS__V1__KILL_POLICY__INIT;
	Meso__Agent__KillTask kt = MESO__AGENT__KILL_TASK__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = t->fw->id;
	tid.value = t->id;
	kt.framework_id = &fid;
	kt.task_id = &tid;
	if (draining) {
		kt.has_draining = true;
		kt.draining = true;
	}
	if (grace_ns >= 0) {
		grace.nanoseconds = grace_ns;
		kp.grace_period = &grace;
		kt.kill_policy = &kp;
	}
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__KILL_TASK;
	msg.kill_task = &kt;
	return master_agent_send(m, t->agent, &msg);
}

/* KILL_TASK for every task of a draining agent, with the drain's grace
 * period as the kill policy's (the agent uses the task's own, or its
 * --kill_grace, when there is none). */
static void drain_kill_tasks(master *m, m_agent *a)
{
	for (m_task *t = a->tasks; t; t = t->agent_next)
		if (t->state != MESOS__V1__TASK_STATE__TASK_KILLING)
			master_task_kill(m, t, a->drain_grace_ns, true);
}

/* Agents drained with mark_gone are removed from a timer of their own:
 * master_drain_check runs where the caller still uses the agent. */
static void gone_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	master *m = w->data;
	for (m_agent *a = m->agents, *next; a; a = next) {
		next = a->next;
		if (a->drain_state == MESOS__V1__DRAIN_STATE__DRAINED && a->drain_mark_gone) {
			a->gone_by_operator = true;
			master_agent_remove(m, a, "drained, and marked gone by an operator");
		}
	}
}

void master_drain_check(master *m, m_agent *a)
{
	/* As Mesos: no task left, and every terminal update acknowledged. */
	if (a->drain_state != MESOS__V1__DRAIN_STATE__DRAINING || a->removed || a->tasks || a->n_drain_acks)
		return;
	a->drain_state = MESOS__V1__DRAIN_STATE__DRAINED;
	rt_log(RT_INFO, "agent %s is DRAINED", a->id);
	master_registry_save(m);
	if (a->drain_mark_gone && !ev_is_active(&m->gone_timer)) {
		ev_timer_init(&m->gone_timer, gone_cb, 0., 0.);
		m->gone_timer.data = m;
		ev_timer_start(m->loop, &m->gone_timer);
	}
}

int master_agent_op_drain(master *m, const char *agent_id, int64_t grace_ns, bool mark_gone, char *msg, size_t len)
{
	m_agent *a = master_agent_find(m, agent_id);
	if (!a) {
		snprintf(msg, len, "Unknown agent");
		return 400;
	}
	a->op_deactivated = true;
	a->drain_state = MESOS__V1__DRAIN_STATE__DRAINING;
	a->drain_grace_ns = grace_ns;
	a->drain_mark_gone = mark_gone;
	size_t ntasks = 0;
	for (m_task *t = a->tasks; t; t = t->agent_next)
		ntasks++;
	rt_log(RT_INFO, "agent %s: DRAINING, %zu tasks to kill%s", a->id, ntasks, mark_gone ? ", then gone" : "");
	master_agent_sync_active(m, a);
	drain_kill_tasks(m, a);
	master_registry_save(m);
	master_drain_check(m, a);
	return 0;
}

int master_agent_op_deactivate(master *m, const char *agent_id, char *msg, size_t len)
{
	m_agent *a = master_agent_find(m, agent_id);
	if (!a) {
		snprintf(msg, len, "Unknown agent");
		return 400;
	}
	a->op_deactivated = true;
	rt_log(RT_INFO, "agent %s deactivated by an operator", a->id);
	master_agent_sync_active(m, a);
	master_registry_save(m);
	return 0;
}

int master_agent_op_reactivate(master *m, const char *agent_id, char *msg, size_t len)
{
	m_agent *a = master_agent_find(m, agent_id);
	if (!a || !a->op_deactivated) {
		snprintf(msg, len, "Agent is not deactivated");
		return 400;
	}
	if (a->drain_state == MESOS__V1__DRAIN_STATE__DRAINING) {
		snprintf(msg, len, "Agent is still in the DRAINING state");
		return 400;
	}
	a->op_deactivated = false;
	a->drain_state = MESOS__V1__DRAIN_STATE__UNKNOWN;
	a->drain_mark_gone = false;
	rt_log(RT_INFO, "agent %s reactivated by an operator%s", a->id,
	       a->conn ? "" : "; it gets offers again once it re-registers");
	master_agent_sync_active(m, a);
	if (!a->deactivated)
		master_allocate_agent_soon(m, a);
	master_registry_save(m);
	return 0;
}

static void agentop_free(m_agentop *op)
{
	master_resv_free_list(op->resv, op->nresv);
	master_vol_free(op->vols, op->nvols);
	free(op->id);
	free(op);
}

void master_agent_op_apply(master *m, m_agent *a)
{
	master_vol_sync(m, a);
	m_agentop *op;
	HASH_FIND_STR(m->agentops, a->id, op);
	if (op) {
		/* Recovered from the registry: the agent comes back as it was. */
		a->op_deactivated = op->deactivated;
		a->drain_state = op->drain_state;
		a->drain_grace_ns = op->drain_grace_ns;
		a->drain_mark_gone = op->drain_mark_gone;
		HASH_DELETE(hh, m->agentops, op);
		agentop_free(op);
	}
	/* A machine an operator took down keeps its agents drained. */
	for (size_t i = 0; i < m->ndown && a->drain_state == MESOS__V1__DRAIN_STATE__UNKNOWN; i++) {
		const Mesos__V1__MachineID *d = m->down[i];
		if ((d->hostname && a->hostname && strcmp(d->hostname, a->hostname) == 0) ||
		    (d->ip && strcmp(d->ip, a->ip) == 0)) {
			a->op_deactivated = true;
			a->drain_state = MESOS__V1__DRAIN_STATE__DRAINING;
			a->drain_grace_ns = -1;
		}
	}
	if (a->drain_state == MESOS__V1__DRAIN_STATE__DRAINING)
		drain_kill_tasks(m, a);
}

/* ------------------------------------------------------------ maintenance */

static bool machine_eq(const Mesos__V1__MachineID *x, const Mesos__V1__MachineID *y)
{
	bool host = x->hostname && y->hostname && strcmp(x->hostname, y->hostname) == 0;
	bool ip = x->ip && y->ip && strcmp(x->ip, y->ip) == 0;
	return host || ip;
}

static bool agent_on(const m_agent *a, const Mesos__V1__MachineID *id)
{
	return (id->hostname && a->hostname && strcmp(id->hostname, a->hostname) == 0) ||
	       (id->ip && a->ip[0] && strcmp(id->ip, a->ip) == 0);
}

static bool in_schedule(const master *m, const Mesos__V1__MachineID *id)
{
	if (!m->schedule)
		return false;
	for (size_t w = 0; w < m->schedule->n_windows; w++)
		for (size_t i = 0; i < m->schedule->windows[w]->n_machine_ids; i++)
			if (machine_eq(m->schedule->windows[w]->machine_ids[i], id))
				return true;
	return false;
}

static ssize_t down_index(const master *m, const Mesos__V1__MachineID *id)
{
	for (size_t i = 0; i < m->ndown; i++)
		if (machine_eq(m->down[i], id))
			return (ssize_t)i;
	return -1;
}

static Mesos__V1__MachineID *machine_copy(const Mesos__V1__MachineID *id)
{
	Mesos__V1__MachineID *c = rt_xcalloc(1, sizeof *c);
	mesos__v1__machine_id__init(c);
	c->hostname = id->hostname ? rt_xstrdup(id->hostname) : NULL;
	c->ip = id->ip ? rt_xstrdup(id->ip) : NULL;
	return c;
}

static void machine_free(Mesos__V1__MachineID *id)
{
	free(id->hostname);
	free(id->ip);
	free(id);
}

int master_schedule_update(master *m, const Mesos__V1__Maintenance__Schedule *s, char *msg, size_t len)
{
	/* Mesos's checks: each machine named by hostname or ip, in one window. */
	for (size_t w = 0; w < s->n_windows; w++) {
		const Mesos__V1__Maintenance__Window *win = s->windows[w];
		if (!win->n_machine_ids) {
			snprintf(msg, len, "List of machines in the maintenance window is empty");
			return 400;
		}
		for (size_t i = 0; i < win->n_machine_ids; i++) {
			const Mesos__V1__MachineID *id = win->machine_ids[i];
			if ((!id->hostname || !*id->hostname) && (!id->ip || !*id->ip)) {
				snprintf(msg, len, "A MachineID must have at least a hostname or an IP");
				return 400;
			}
			for (size_t w2 = 0; w2 <= w; w2++)
				for (size_t j = 0; j < s->windows[w2]->n_machine_ids; j++)
					if ((w2 < w || j < i) && machine_eq(s->windows[w2]->machine_ids[j], id)) {
						snprintf(msg, len, "Machine '%.100s' appears in more than one window",
						         id->hostname ? id->hostname : id->ip);
						return 400;
					}
		}
	}
	/* A machine that is down must stay in the schedule (Mesos). */
	for (size_t i = 0; i < m->ndown; i++) {
		bool kept = false;
		for (size_t w = 0; w < s->n_windows && !kept; w++)
			for (size_t j = 0; j < s->windows[w]->n_machine_ids && !kept; j++)
				kept = machine_eq(s->windows[w]->machine_ids[j], m->down[i]);
		if (!kept) {
			snprintf(msg, len, "Machine '%.100s' is deactivated and must remain in the schedule",
			         m->down[i]->hostname ? m->down[i]->hostname : m->down[i]->ip);
			return 400;
		}
	}
	size_t n = mesos__v1__maintenance__schedule__get_packed_size(s);
	uint8_t *bytes = rt_xmalloc(n ? n : 1);
	mesos__v1__maintenance__schedule__pack(s, bytes);
	if (m->schedule)
		mesos__v1__maintenance__schedule__free_unpacked(m->schedule, NULL);
	m->schedule = mesos__v1__maintenance__schedule__unpack(NULL, n, bytes);
	free(bytes);
	rt_log(RT_INFO, "maintenance schedule updated: %zu windows", s->n_windows);
	master_registry_save(m);
	return 0;
}

int master_machines_down(master *m, Mesos__V1__MachineID *const *ids, size_t n, char *msg, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (!in_schedule(m, ids[i])) {
			snprintf(msg, len, "Machine '%.100s' is not in DRAINING mode and cannot be brought down",
			         ids[i]->hostname ? ids[i]->hostname : (ids[i]->ip ? ids[i]->ip : ""));
			return 400;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (down_index(m, ids[i]) < 0) {
			m->down = rt_xrealloc(m->down, (m->ndown + 1) * sizeof *m->down);
			m->down[m->ndown++] = machine_copy(ids[i]);
		}
		/* Its agents are drained: no offers, their tasks killed. */
		for (m_agent *a = m->agents; a; a = a->next)
			if (agent_on(a, ids[i]) && a->drain_state == MESOS__V1__DRAIN_STATE__UNKNOWN)
				master_agent_op_drain(m, a->id, -1, false, msg, len);
	}
	master_registry_save(m);
	return 0;
}

int master_machines_up(master *m, Mesos__V1__MachineID *const *ids, size_t n, char *msg, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (down_index(m, ids[i]) < 0) {
			snprintf(msg, len, "Machine '%.100s' is not in DOWN mode and cannot be brought up",
			         ids[i]->hostname ? ids[i]->hostname : (ids[i]->ip ? ids[i]->ip : ""));
			return 400;
		}
	}
	for (size_t i = 0; i < n; i++) {
		ssize_t k = down_index(m, ids[i]);
		machine_free(m->down[k]);
		m->down[k] = m->down[--m->ndown];
		for (m_agent *a = m->agents; a; a = a->next) {
			if (!agent_on(a, ids[i]) || !a->op_deactivated)
				continue;
			/* Up is up, drained or not yet (Mesos brings the agents back). */
			a->drain_state = MESOS__V1__DRAIN_STATE__UNKNOWN;
			master_drain_forget(m, a);
			master_agent_op_reactivate(m, a->id, msg, len);
		}
		/* As Mesos: a machine brought up leaves the schedule. */
		if (m->schedule) {
			for (size_t w = 0; w < m->schedule->n_windows; w++) {
				Mesos__V1__Maintenance__Window *win = m->schedule->windows[w];
				for (size_t j = 0; j < win->n_machine_ids;) {
					if (machine_eq(win->machine_ids[j], ids[i])) {
						mesos__v1__machine_id__free_unpacked(win->machine_ids[j], NULL);
						win->machine_ids[j] = win->machine_ids[--win->n_machine_ids];
					} else {
						j++;
					}
				}
			}
			size_t kept = 0;
			for (size_t w = 0; w < m->schedule->n_windows; w++) {
				if (m->schedule->windows[w]->n_machine_ids)
					m->schedule->windows[kept++] = m->schedule->windows[w];
				else
					mesos__v1__maintenance__window__free_unpacked(m->schedule->windows[w], NULL);
			}
			m->schedule->n_windows = kept;
		}
	}
	master_registry_save(m);
	return 0;
}

Mesos__V1__Maintenance__Schedule *master_view_schedule(master *m, rt_arena *a)
{
	if (m->schedule)
		return m->schedule;
	Mesos__V1__Maintenance__Schedule *s = rt_arena_alloc(a, sizeof *s);
	mesos__v1__maintenance__schedule__init(s);
	return s;
}

Mesos__V1__Maintenance__ClusterStatus *master_view_maintenance_status(master *m, rt_arena *a)
{
	Mesos__V1__Maintenance__ClusterStatus *st = rt_arena_alloc(a, sizeof *st);
	mesos__v1__maintenance__cluster_status__init(st);
	size_t n = 0;
	for (size_t w = 0; m->schedule && w < m->schedule->n_windows; w++)
		n += m->schedule->windows[w]->n_machine_ids;
	st->draining_machines = rt_arena_alloc(a, (n + 1) * sizeof *st->draining_machines);
	for (size_t w = 0; m->schedule && w < m->schedule->n_windows; w++)
		for (size_t i = 0; i < m->schedule->windows[w]->n_machine_ids; i++) {
			Mesos__V1__MachineID *id = m->schedule->windows[w]->machine_ids[i];
			if (down_index(m, id) >= 0)
				continue;
			Mesos__V1__Maintenance__ClusterStatus__DrainingMachine *d = rt_arena_alloc(a, sizeof *d);
			mesos__v1__maintenance__cluster_status__draining_machine__init(d);
			d->id = id;
			st->draining_machines[st->n_draining_machines++] = d;
		}
	st->down_machines = m->down;
	st->n_down_machines = m->ndown;
	return st;
}

void master_maint_free(master *m)
{
	ev_timer_stop(m->loop, &m->gone_timer);
	m_agentop *op, *tmp;
	HASH_ITER(hh, m->agentops, op, tmp)
	{
		HASH_DELETE(hh, m->agentops, op);
		agentop_free(op);
	}
	for (size_t i = 0; i < m->ndown; i++)
		machine_free(m->down[i]);
	free(m->down);
	m->down = NULL;
	m->ndown = 0;
	if (m->schedule)
		mesos__v1__maintenance__schedule__free_unpacked(m->schedule, NULL);
	m->schedule = NULL;
}

/* ------------------------------------------------- drains and their acks */

void master_drain_await_ack(master *m, m_agent *a, m_fw *fw, const uint8_t uuid[16])
{
	if (a->drain_state != MESOS__V1__DRAIN_STATE__DRAINING)
		return;
	/* A re-sent update (after a reconnection) is awaited once. */
	for (size_t i = 0; i < a->n_drain_acks; i++)
		if (a->drain_acks[i].fw == fw && memcmp(a->drain_acks[i].uuid, uuid, 16) == 0)
			return;
	a->drain_acks = rt_xrealloc(a->drain_acks, (a->n_drain_acks + 1) * sizeof *a->drain_acks);
	a->drain_acks[a->n_drain_acks].fw = fw;
	memcpy(a->drain_acks[a->n_drain_acks].uuid, uuid, 16);
	a->n_drain_acks++;
	m->drain_acks++;
}

static void drain_ack_drop(master *m, m_agent *a, size_t i)
{
	a->drain_acks[i] = a->drain_acks[--a->n_drain_acks];
	m->drain_acks--;
	if (!a->n_drain_acks) {
		free(a->drain_acks);
		a->drain_acks = NULL;
	}
}

void master_drain_acknowledged(master *m, m_agent *a, m_fw *fw, const uint8_t uuid[16])
{
	for (size_t i = 0; i < a->n_drain_acks; i++)
		if (a->drain_acks[i].fw == fw && memcmp(a->drain_acks[i].uuid, uuid, 16) == 0) {
			drain_ack_drop(m, a, i);
			master_drain_check(m, a);
			return;
		}
}

void master_drain_fw_removed(master *m, m_fw *fw)
{
	if (!m->drain_acks)
		return;
	for (m_agent *a = m->agents; a; a = a->next) {
		size_t before = a->n_drain_acks;
		for (size_t i = 0; i < a->n_drain_acks;)
			if (a->drain_acks[i].fw == fw)
				drain_ack_drop(m, a, i);
			else
				i++;
		if (before && !a->n_drain_acks)
			master_drain_check(m, a);
	}
}

void master_drain_forget(master *m, m_agent *a)
{
	m->drain_acks -= a->n_drain_acks;
	free(a->drain_acks);
	a->drain_acks = NULL;
	a->n_drain_acks = 0;
}

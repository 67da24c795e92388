/*
 * master_reconcile.c — RECONCILE (master_sched.c hands it over): the latest
 * state of each task asked about, or of every task of the framework. A
 * small call is answered at once; a large one (up to ~600k ids fit the
 * 4 MiB body limit) is answered in slices of about 2 ms, one framework's
 * slice per turn of the loop, so agents' heartbeats and other calls are
 * served between them; and a framework whose stream has more than
 * MASTER_RECONCILE_HIGH bytes unread (at most half the HTTP output bound)
 * waits for it to drain, so answering
 * never outruns the reader. Ids waiting are bounded in all (429 beyond),
 * and kept compactly: about their own length plus two bytes each.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "master.h"

/* One call's ids, copied (the decoded Call is freed when it returns) as
 * "task\0agent\0" pairs, the agent "" when not given; answered from
 * offset `at` on. */
typedef struct m_recon {
	struct m_recon *next;
	rt_buf ids;
	size_t at;
	size_t n, done;
	bool implicit; /* a snapshot of the framework's tasks: skip those gone since */
} m_recon;

/* Time a slice may take before the loop's other events get their turn. */
#define SLICE_NS 2000000

static void answer_known(master *m, m_fw *fw, m_task *t)
{
	master_send_status(m, fw, t->id, t->agent->id, t->state, MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION,
	                   "Reconciliation: Latest task state");
}

/* Mesos 1.11's answers for a task id the master does not know. */
static void answer_unknown(master *m, m_fw *fw, const char *tid, const char *aid)
{
	Mesos__V1__TaskState st;
	const char *msg;
	if (aid && master_agent_find(m, aid)) {
		st = MESOS__V1__TASK_STATE__TASK_GONE;
		msg = "Reconciliation: Task is unknown to the agent";
	} else {
		st = MESOS__V1__TASK_STATE__TASK_UNKNOWN;
		msg = "Reconciliation: Task is unknown";
	}
	if (!fw->partition_aware)
		st = MESOS__V1__TASK_STATE__TASK_LOST;
	master_send_status(m, fw, tid, aid, st, MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION, msg);
}

/* Answers the next pair of r. */
static void answer_next(master *m, m_fw *fw, m_recon *r)
{
	const char *tid = (const char *)r->ids.data + r->at;
	const char *aid = tid + strlen(tid) + 1;
	r->at = (size_t)(aid + strlen(aid) + 1 - (const char *)r->ids.data);
	r->done++;
	m_task *t = master_task_find(m, fw, tid);
	if (t)
		answer_known(m, fw, t);
	else if (!r->implicit)
		answer_unknown(m, fw, tid, aid[0] ? aid : NULL);
}

static bool congested(const m_fw *fw)
{
	return fw->stream && rt_http_session_pending(fw->stream) >= ((master *)fw->failover.data)->recon_high;
}

static void queue_add(master *m, m_fw *fw)
{
	if (fw->reconq_in || !fw->recon || congested(fw))
		return;
	DL_APPEND2(m->reconq, fw, reconq_prev, reconq_next);
	fw->reconq_in = true;
	if (!ev_is_active(&m->recon_timer))
		ev_timer_start(m->loop, &m->recon_timer);
}

static void queue_remove(master *m, m_fw *fw)
{
	if (!fw->reconq_in)
		return;
	DL_DELETE2(m->reconq, fw, reconq_prev, reconq_next);
	fw->reconq_in = false;
}

static void recon_free(master *m, m_recon *r)
{
	m->recon_ids -= r->n - r->done;
	m->recon_bytes -= r->ids.cap;
	rt_buf_free(&r->ids);
	free(r);
}

/* Answers the framework's oldest ids until the slice's time is up or its
 * stream is congested. */
static void answer_slice(master *m, m_fw *fw, int64_t until_ns)
{
	while (fw->recon && fw->stream && !congested(fw)) {
		m_recon *r = fw->recon;
		size_t stop = r->done + 64 < r->n ? r->done + 64 : r->n;
		while (r->done < stop) {
			answer_next(m, fw, r);
			m->recon_ids--;
		}
		if (r->done == r->n) {
			fw->recon = r->next;
			if (!fw->recon)
				fw->recon_tail = NULL;
			recon_free(m, r);
		}
		if (rt_mono_ns() >= until_ns)
			break;
	}
}

/* One turn of the loop: a slice for the framework first in line, which
 * then goes to the back if it has more to answer and may. */
static void recon_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	master *m = w->data;
	m_fw *fw = m->reconq;
	if (!fw)
		return;
	queue_remove(m, fw);
	answer_slice(m, fw, rt_mono_ns() + SLICE_NS);
	queue_add(m, fw); /* only if it has more and its stream drains */
	if (m->reconq && !ev_is_active(&m->recon_timer))
		ev_timer_start(loop, &m->recon_timer);
}

void master_reconcile_init(master *m)
{
	ev_timer_init(&m->recon_timer, recon_timer_cb, 0., 0.);
	m->recon_timer.data = m;
	m->recon_max_bytes = MASTER_RECONCILE_MAX_QUEUE;
	/* Well below the bound at which a stream is dropped, so answering
	 * alone never gets a slow reader disconnected. */
	size_t bound = m->flags.http.max_output_bytes ? m->flags.http.max_output_bytes : RT_HTTP_MAX_OUTPUT_BYTES;
	m->recon_high = MASTER_RECONCILE_HIGH < bound / 2 ? MASTER_RECONCILE_HIGH : bound / 2;
}

static void pair_add(m_recon *r, const char *tid, const char *aid)
{
	rt_buf_append(&r->ids, tid, strlen(tid) + 1);
	rt_buf_append(&r->ids, aid ? aid : "", aid ? strlen(aid) + 1 : 1);
}

int master_reconcile(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__Reconcile *call)
{
	size_t n = call->n_tasks;
	bool implicit = n == 0;
	if (implicit)
		for (m_task *t = fw->tasks; t; t = t->fw_next)
			n++;
	/* Small and nothing waiting before it: at once, in order. */
	if (n <= MASTER_RECONCILE_SYNC && !fw->recon && !congested(fw)) {
		if (implicit) {
			for (m_task *t = fw->tasks; t; t = t->fw_next)
				answer_known(m, fw, t);
			return 202;
		}
		for (size_t i = 0; i < n; i++) {
			const char *tid = call->tasks[i]->task_id->value;
			m_task *t = master_task_find(m, fw, tid);
			if (t)
				answer_known(m, fw, t);
			else
				answer_unknown(m, fw, tid,
				               call->tasks[i]->agent_id ? call->tasks[i]->agent_id->value : NULL);
		}
		return 202;
	}
	m_recon *r = rt_xcalloc(1, sizeof *r);
	rt_buf_init(&r->ids);
	r->n = n;
	r->implicit = implicit;
	if (implicit) {
		for (m_task *t = fw->tasks; t; t = t->fw_next)
			pair_add(r, t->id, NULL);
	} else {
		for (size_t i = 0; i < n; i++)
			pair_add(r, call->tasks[i]->task_id->value,
			         call->tasks[i]->agent_id ? call->tasks[i]->agent_id->value : NULL);
	}
	if (m->recon_bytes + r->ids.cap > m->recon_max_bytes) {
		rt_buf_free(&r->ids);
		free(r);
		return 429;
	}
	m->recon_bytes += r->ids.cap;
	if (fw->recon_tail)
		fw->recon_tail->next = r;
	else
		fw->recon = r;
	fw->recon_tail = r;
	m->recon_ids += n;
	queue_add(m, fw);
	return 202;
}

void master_reconcile_forget(master *m, m_fw *fw)
{
	queue_remove(m, fw);
	while (fw->recon) {
		m_recon *r = fw->recon;
		fw->recon = r->next;
		recon_free(m, r);
	}
	fw->recon_tail = NULL;
	if (!m->reconq)
		ev_timer_stop(m->loop, &m->recon_timer);
}

void master_reconcile_stream_drained(rt_http_session *s, void *ud)
{
	m_fw *fw = ud;
	queue_add(fw->failover.data, fw);
}

void master_reconcile_run(master *m)
{
	while (m->reconq)
		recon_timer_cb(m->loop, &m->recon_timer, EV_TIMER);
	ev_timer_stop(m->loop, &m->recon_timer);
}

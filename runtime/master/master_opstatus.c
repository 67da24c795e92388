/*
 * master_opstatus.c — reliable operation feedback: an operation with an id
 * that the master carries out on an agent's default resources (RESERVE,
 * UNRESERVE, CREATE, DESTROY) is answered OPERATION_FINISHED with a status
 * uuid, sent again (10 s, doubling to 10 min, as Mesos's agent's operation
 * status update manager does) until the framework's
 * ACKNOWLEDGE_OPERATION_STATUS names that uuid. Mesos's agent keeps and
 * retries these; Meso's master does it itself, since it carries the
 * operation out (runtime/README.md). OPERATION_ERROR and _DROPPED carry no
 * uuid and are never retried, as Mesos's master's own answers.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"

#define RETRY_MIN_S   10.0
#define RETRY_MAX_S   600.0
#define PENDING_LIMIT 10000 /* unacknowledged statuses kept in all; the oldest goes first */

/* An OPERATION_FINISHED not yet acknowledged, by framework and operation id. */
typedef struct m_opstatus {
	UT_hash_handle hh; /* master.opstatus, insertion order: oldest first */
	char *key;         /* "FRAMEWORK\nOPERATION" */
	char *fw_id, *op_id, *agent_id;
	uint8_t uuid[16];
	int64_t next_ns; /* its next retry (rt_mono_ns) */
	double backoff_s;
} m_opstatus;

static void send_status(master *m, m_fw *fw, const m_opstatus *p)
{
	Mesos__V1__OperationStatus st = MESOS__V1__OPERATION_STATUS__INIT;
	Mesos__V1__OperationID oid = MESOS__V1__OPERATION_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__UUID uuid = MESOS__V1__UUID__INIT;
	oid.value = p->op_id;
	aid.value = p->agent_id;
	uuid.value.data = (uint8_t *)p->uuid;
	uuid.value.len = 16;
	st.operation_id = &oid;
	st.state = MESOS__V1__OPERATION_STATE__OPERATION_FINISHED;
	st.agent_id = &aid;
	st.uuid = &uuid;
	Mesos__V1__Scheduler__Event__UpdateOperationStatus up =
	        MESOS__V1__SCHEDULER__EVENT__UPDATE_OPERATION_STATUS__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	up.status = &st;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE_OPERATION_STATUS;
	ev.update_operation_status = &up;
	master_send_event(m, fw, &ev);
}

static void forget(master *m, m_opstatus *p)
{
	HASH_DELETE(hh, m->opstatus, p);
	free(p->key);
	free(p->fw_id);
	free(p->op_id);
	free(p->agent_id);
	free(p);
	if (!m->opstatus)
		ev_timer_stop(m->loop, &m->opstatus_timer);
}

static char *key_of(const char *fw_id, const char *op_id)
{
	char *k;
	if (asprintf(&k, "%s\n%s", fw_id, op_id) < 0)
		abort();
	return k;
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop, (void)revents;
	master_opstatus_retry(w->data, rt_mono_ns());
}

void master_opstatus_finished(master *m, m_fw *fw, const char *op_id, const char *agent_id)
{
	char *key = key_of(fw->id, op_id);
	m_opstatus *p;
	HASH_FIND_STR(m->opstatus, key, p);
	if (p)
		forget(m, p); /* an operation id used again: the newest counts */
	if (HASH_COUNT(m->opstatus) >= PENDING_LIMIT) {
		rt_log(RT_WARN, "%d operation statuses wait for acknowledgement: the oldest is no longer retried",
		       PENDING_LIMIT);
		forget(m, m->opstatus);
	}
	p = rt_xcalloc(1, sizeof *p);
	p->key = key;
	p->fw_id = rt_xstrdup(fw->id);
	p->op_id = rt_xstrdup(op_id);
	p->agent_id = rt_xstrdup(agent_id);
	rt_uuid_random(p->uuid);
	p->backoff_s = RETRY_MIN_S;
	p->next_ns = rt_mono_ns() + (int64_t)(RETRY_MIN_S * 1e9);
	HASH_ADD_KEYPTR(hh, m->opstatus, p->key, strlen(p->key), p);
	if (!ev_is_active(&m->opstatus_timer)) {
		m->opstatus_timer.data = m;
		ev_timer_init(&m->opstatus_timer, retry_cb, 1., 1.);
		ev_timer_start(m->loop, &m->opstatus_timer);
	}
	send_status(m, fw, p);
}

void master_opstatus_retry(master *m, int64_t now_ns)
{
	m_opstatus *p, *tmp;
	HASH_ITER(hh, m->opstatus, p, tmp)
	{
		m_fw *fw = master_fw_find(m, p->fw_id);
		if (!fw) {
			forget(m, p); /* its framework is gone */
			continue;
		}
		if (p->next_ns > now_ns || !fw->stream)
			continue;
		rt_log(RT_INFO, "framework %s has not acknowledged OPERATION_FINISHED of operation '%s': sent again",
		       fw->id, p->op_id);
		send_status(m, fw, p);
		p->backoff_s = p->backoff_s * 2 < RETRY_MAX_S ? p->backoff_s * 2 : RETRY_MAX_S;
		p->next_ns = now_ns + (int64_t)(p->backoff_s * 1e9);
	}
}

int master_opstatus_ack(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__AcknowledgeOperationStatus *a, char *msg,
                        size_t len)
{
	/* Mesos's validation of the call: 400s. */
	if (a->uuid.len != 16) {
		snprintf(msg, len, "Failed to validate scheduler::Call: Not a valid UUID");
		return 400;
	}
	if (!a->agent_id) {
		snprintf(msg, len, "Failed to validate scheduler::Call: Expecting 'agent_id' to be present");
		return 400;
	}
	m->metrics.opack_messages++;
	char *key = key_of(fw->id, a->operation_id->value);
	m_opstatus *p;
	HASH_FIND_STR(m->opstatus, key, p);
	free(key);
	/* As Mesos: what names no operation or status it knows is logged,
	 * counted and otherwise ignored, and the call still answered 202. */
	const char *why = !p                                        ? "the operation is unknown"
	                  : strcmp(p->agent_id, a->agent_id->value) ? "the operation is on another agent"
	                  : memcmp(p->uuid, a->uuid.data, 16) != 0  ? "the operation status is unknown"
	                                                            : NULL;
	if (why) {
		rt_log(RT_WARN, "framework %s: ignoring the acknowledgement of operation '%s' on agent %s: %s", fw->id,
		       a->operation_id->value, a->agent_id->value, why);
		m->metrics.opack_invalid++;
		return 202;
	}
	m->metrics.opack_valid++;
	forget(m, p);
	return 202;
}

size_t master_opstatus_pending(const master *m)
{
	return HASH_COUNT(m->opstatus);
}

void master_opstatus_free(master *m)
{
	while (m->opstatus)
		forget(m, m->opstatus);
}

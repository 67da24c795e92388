/*
 * master_opstatus.c — reliable operation feedback: an operation with an id
 * that the master carries out on an agent's default resources (RESERVE,
 * UNRESERVE, CREATE, DESTROY) is answered OPERATION_FINISHED with a status
 * uuid, sent again (10 s, doubling to 10 min, as Mesos's agent's operation
 * status update manager does) until the framework's
 * ACKNOWLEDGE_OPERATION_STATUS names that uuid. Mesos's agent keeps and
 * retries these; Meso's master does it itself, since it carries the
 * operation out (runtime/README.md). OPERATION_ERROR and _DROPPED carry no
 * uuid and are never retried, as Mesos's master's own answers. The
 * statuses waiting are the operations GET_OPERATIONS lists, and the
 * ZooKeeper registry keeps them, so that a new leader sends them again.
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
	uint8_t uuid[16];                  /* the status's */
	uint8_t op_uuid[16];               /* the operation's own (Mesos's Operation.uuid) */
	Mesos__V1__Offer__Operation *info; /* a copy of the operation as the framework gave it */
	int64_t next_ns;                   /* its next retry (rt_mono_ns) */
	double backoff_s;
} m_opstatus;

/* The OPERATION_FINISHED of p, its parts in s (no allocation). */
typedef struct status_parts {
	Mesos__V1__OperationStatus st;
	Mesos__V1__OperationID oid;
	Mesos__V1__AgentID aid;
	Mesos__V1__UUID uuid;
} status_parts;

static void status_of(const m_opstatus *p, status_parts *s)
{
	mesos__v1__operation_status__init(&s->st);
	mesos__v1__operation_id__init(&s->oid);
	mesos__v1__agent_id__init(&s->aid);
	mesos__v1__uuid__init(&s->uuid);
	s->oid.value = p->op_id;
	s->aid.value = p->agent_id;
	s->uuid.value.data = (uint8_t *)p->uuid;
	s->uuid.value.len = 16;
	s->st.operation_id = &s->oid;
	s->st.state = MESOS__V1__OPERATION_STATE__OPERATION_FINISHED;
	s->st.agent_id = &s->aid;
	s->st.uuid = &s->uuid;
}

static void send_status(master *m, m_fw *fw, const m_opstatus *p)
{
	status_parts s;
	status_of(p, &s);
	Mesos__V1__OperationStatus st = s.st;
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
	if (p->info)
		protobuf_c_message_free_unpacked(&p->info->base, NULL);
	free(p);
	if (!m->opstatus)
		ev_timer_stop(m->loop, &m->opstatus_timer);
}

/* A copy of the operation (NULL when it cannot be packed back). */
static Mesos__V1__Offer__Operation *op_copy(const Mesos__V1__Offer__Operation *op)
{
	/* Nested messages have no pack functions of their own in protobuf-c. */
	size_t n = protobuf_c_message_get_packed_size(&op->base);
	uint8_t *buf = rt_xmalloc(n ? n : 1);
	protobuf_c_message_pack(&op->base, buf);
	ProtobufCMessage *c = protobuf_c_message_unpack(&mesos__v1__offer__operation__descriptor, NULL, n, buf);
	free(buf);
	return (Mesos__V1__Offer__Operation *)c;
}

static char *key_of(const char *fw_id, const char *op_id)
{
	char *k;
	if (asprintf(&k, "%s\n%s", fw_id, op_id) < 0)
		rt_out_of_memory(strlen(fw_id) + strlen(op_id) + 2);
	return k;
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop, (void)revents;
	master_opstatus_retry(w->data, rt_mono_ns());
}

/* Keeps a pending status (its strings copied, info taken) and starts the
 * timer; its first send is due at next_ns. */
static m_opstatus *keep(master *m, const char *fw_id, const char *op_id, const char *agent_id,
                        Mesos__V1__Offer__Operation *info, int64_t next_ns)
{
	char *key = key_of(fw_id, op_id);
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
	p->fw_id = rt_xstrdup(fw_id);
	p->op_id = rt_xstrdup(op_id);
	p->agent_id = rt_xstrdup(agent_id);
	p->info = info;
	p->backoff_s = RETRY_MIN_S;
	p->next_ns = next_ns;
	HASH_ADD_KEYPTR(hh, m->opstatus, p->key, strlen(p->key), p);
	if (!ev_is_active(&m->opstatus_timer)) {
		m->opstatus_timer.data = m;
		ev_timer_init(&m->opstatus_timer, retry_cb, 1., 1.);
		ev_timer_start(m->loop, &m->opstatus_timer);
	}
	return p;
}

void master_opstatus_finished(master *m, m_fw *fw, const Mesos__V1__Offer__Operation *op, const char *agent_id)
{
	Mesos__V1__Offer__Operation *info = op_copy(op);
	if (!info)
		rt_log(RT_WARN,
		       "framework %s: operation '%s' does not pack back whole (malformed): its status is sent "
		       "until acknowledged, but GET_OPERATIONS does not list it and a failover forgets it",
		       fw->id, op->id->value);
	m_opstatus *p = keep(m, fw->id, op->id->value, agent_id, info, rt_mono_ns() + (int64_t)(RETRY_MIN_S * 1e9));
	rt_uuid_random(p->uuid);
	rt_uuid_random(p->op_uuid);
	send_status(m, fw, p);
	master_registry_save(m);
}

void master_opstatus_retry(master *m, int64_t now_ns)
{
	m_opstatus *p, *tmp;
	HASH_ITER(hh, m->opstatus, p, tmp)
	{
		/* A framework not (yet) subscribed to this master: kept, as after
		 * a failover it subscribes again; a removed one's are forgotten
		 * (master_opstatus_forget_framework). */
		m_fw *fw = master_fw_find(m, p->fw_id);
		if (!fw || p->next_ns > now_ns || !fw->stream)
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
	master_registry_save(m);
	return 202;
}

void master_opstatus_forget_framework(master *m, const char *fw_id)
{
	m_opstatus *p, *tmp;
	size_t n = 0;
	HASH_ITER(hh, m->opstatus, p, tmp)
	if (!strcmp(p->fw_id, fw_id)) {
		forget(m, p);
		n++;
	}
	if (n)
		master_registry_save(m);
}

/* Mesos's Operation for p, in the arena (strings and info borrowed). */
static Mesos__V1__Operation *operation_pb(const m_opstatus *p, rt_arena *a)
{
	Mesos__V1__Operation *o = rt_arena_alloc(a, sizeof *o);
	mesos__v1__operation__init(o);
	o->framework_id = rt_arena_alloc(a, sizeof *o->framework_id);
	mesos__v1__framework_id__init(o->framework_id);
	o->framework_id->value = p->fw_id;
	status_parts *s = rt_arena_alloc(a, sizeof *s);
	status_of(p, s);
	o->agent_id = &s->aid;
	o->info = p->info;
	o->latest_status = &s->st;
	o->statuses = rt_arena_alloc(a, sizeof *o->statuses);
	o->statuses[0] = &s->st;
	o->n_statuses = 1;
	o->uuid = rt_arena_alloc(a, sizeof *o->uuid);
	mesos__v1__uuid__init(o->uuid);
	o->uuid->value.data = (uint8_t *)p->op_uuid;
	o->uuid->value.len = 16;
	return o;
}

size_t master_opstatus_view(master *m, rt_arena *a, Mesos__V1__Operation ***out)
{
	size_t n = 0;
	*out = rt_arena_alloc(a, (HASH_COUNT(m->opstatus) + 1) * sizeof **out);
	for (m_opstatus *p = m->opstatus; p; p = p->hh.next)
		if (p->info)
			(*out)[n++] = operation_pb(p, a);
	return n;
}

int master_opstatus_restore(master *m, const Mesos__V1__Operation *o, char *err, size_t errlen)
{
	const Mesos__V1__OperationStatus *st = o->latest_status;
	if (!o->framework_id || !o->agent_id || !o->info || !o->info->id || !st || !st->uuid ||
	    st->uuid->value.len != 16 || !o->uuid || o->uuid->value.len != 16) {
		snprintf(err, errlen,
		         "an operation needs framework_id, agent_id, info.id, latest_status.uuid and uuid (16 bytes)");
		return -1;
	}
	/* The copy is what GET_OPERATIONS lists and the registry keeps: one
	 * that does not pack back would be retried but never listed or saved
	 * again. protobuf-c takes some malformed input that it then cannot
	 * write back whole (an unknown field numbered 0, which Mesos's parser
	 * refuses): refused here, as a registry of ours never holds one. */
	Mesos__V1__Offer__Operation *info = op_copy(o->info);
	if (!info) {
		snprintf(err, errlen, "operation '%s' of framework %s: its info does not pack back whole (malformed)",
		         o->info->id->value, o->framework_id->value);
		return -1;
	}
	/* Due at once: sent when its framework has subscribed to this leader. */
	m_opstatus *p = keep(m, o->framework_id->value, o->info->id->value, o->agent_id->value, info, rt_mono_ns());
	memcpy(p->uuid, st->uuid->value.data, 16);
	memcpy(p->op_uuid, o->uuid->value.data, 16);
	return 0;
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

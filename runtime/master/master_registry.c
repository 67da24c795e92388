/*
 * master_registry.c — what operators set outlives the leader. With --zk the
 * leading master writes quota, weights, agents deactivated or draining, the
 * maintenance schedule and the machines down, as one JSON document (a
 * meso.registry.Registry), to the persistent znode PATH/registry; a master
 * elected leader reads it and applies it before it leads (master_lead), as
 * Mesos recovers its registry before it serves. Without --zk nothing is
 * written: the state lives as long as the master, as with Mesos's
 * in-memory registry.
 *
 * Writes are asynchronous and coalesced (one in flight; a change meanwhile
 * writes again when it completes); the operator's call is answered before
 * ZooKeeper confirms. A demoted leader's session is gone, so its late
 * writes are refused by ZooKeeper: a successor never reads a predecessor's
 * write that lands after its own read.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "master.h"
#include "meso_registry.pb-c.h"
#include "rt_pbjson.h"
#include "rt_zk.h"

typedef Meso__Registry__Registry Registry;
typedef struct m_registry m_registry_t;

struct m_registry {
	master *m;
	char path[600]; /* PATH/registry */
	bool ready;     /* recovered: changes are written from now on */
	bool writing, dirty;
	ev_timer retry; /* a read or write ZooKeeper could not do now */
	bool reading;
};

/* ------------------------------------------------------------- encoding */

/* An agent's entry: its id, deactivation and drain (from `drain`), and its
 * dynamic reservations. */
static Meso__Registry__Registry__Agent *registry_agent(master *m, rt_arena *a, char *id, bool deactivated,
                                                       const m_agent *drain, const m_resv *resv, size_t nresv,
                                                       const m_volume *vols, size_t nvols)
{
	Meso__Registry__Registry__Agent *x = rt_arena_alloc(a, sizeof *x);
	meso__registry__registry__agent__init(x);
	x->agent_id = rt_arena_alloc(a, sizeof *x->agent_id);
	mesos__v1__agent_id__init(x->agent_id);
	x->agent_id->value = id;
	x->has_deactivated = true;
	x->deactivated = deactivated;
	x->drain_info = master_view_drain_info(drain, a);
	x->n_reserved = master_resv_to_pb(m, resv, nresv, a, &x->reserved);
	master_vol_to_registry(m, vols, nvols, a, &x->volumes, &x->n_volumes);
	return x;
}

char *master_registry_encode(master *m)
{
	rt_arena *a = rt_arena_create();
	Registry r = MESO__REGISTRY__REGISTRY__INIT;
	master_roleconfs_sort(m);
	size_t nconf = HASH_COUNT(m->roleconfs);
	r.quota_configs = rt_arena_alloc(a, (nconf + 1) * sizeof *r.quota_configs);
	for (m_roleconf *c = m->roleconfs; c; c = c->hh.next)
		if (c->quota)
			r.quota_configs[r.n_quota_configs++] = c->quota;
	r.n_weight_infos = master_view_weights(m, a, &r.weight_infos);
	size_t nag = HASH_COUNT(m->agents_by_id) + HASH_COUNT(m->agentops);
	r.agents = rt_arena_alloc(a, (nag + 1) * sizeof *r.agents);
	/* Live agents, then those recovered and not back yet, each by id. */
	for (m_agent *ag = m->agents; ag; ag = ag->next)
		if (ag->op_deactivated || ag->drain_state != MESOS__V1__DRAIN_STATE__UNKNOWN || ag->nresv || ag->nvols)
			r.agents[r.n_agents++] = registry_agent(m, a, ag->id, ag->op_deactivated, ag, ag->resv,
			                                        ag->nresv, ag->vols, ag->nvols);
	for (m_agentop *op = m->agentops; op; op = op->hh.next) {
		m_agent tmp = {.drain_state = op->drain_state,
		               .drain_grace_ns = op->drain_grace_ns,
		               .drain_mark_gone = op->drain_mark_gone};
		r.agents[r.n_agents++] =
		        registry_agent(m, a, op->id, op->deactivated, &tmp, op->resv, op->nresv, op->vols, op->nvols);
	}
	r.schedule = m->schedule;
	r.down_machines = m->down;
	r.n_down_machines = m->ndown;
	r.n_operations = master_opstatus_view(m, a, &r.operations);
	char *json = rt_pbjson_dump(&r.base, NULL);
	rt_arena_destroy(a);
	return json;
}

int master_registry_apply(master *m, const char *json, size_t len, char *err, size_t errlen)
{
	Registry *r = (Registry *)rt_pbjson_parse(&meso__registry__registry__descriptor, json, len, 0, err, errlen);
	if (!r)
		return -1;
	char msg[600];
	int rc = 0;
	/* Checked when they were set; force: the agents that bore them out
	 * may not have registered with this master yet. */
	if (master_quota_update(m, r->quota_configs, r->n_quota_configs, true, msg, sizeof msg) != 0 ||
	    master_weights_update(m, r->weight_infos, r->n_weight_infos, msg, sizeof msg) != 0) {
		snprintf(err, errlen, "%s", msg);
		rc = -1;
	}
	for (size_t i = 0; i < r->n_agents; i++) {
		const Meso__Registry__Registry__Agent *x = r->agents[i];
		m_agent *ag = master_agent_find(m, x->agent_id->value);
		bool deact = x->has_deactivated && x->deactivated;
		Mesos__V1__DrainState st = x->drain_info ? x->drain_info->state : MESOS__V1__DRAIN_STATE__UNKNOWN;
		int64_t grace = x->drain_info && x->drain_info->config->max_grace_period
		                        ? x->drain_info->config->max_grace_period->nanoseconds
		                        : -1;
		bool gone = x->drain_info && x->drain_info->config->has_mark_gone && x->drain_info->config->mark_gone;
		if (ag) {
			ag->op_deactivated = deact;
			ag->drain_state = st;
			ag->drain_grace_ns = grace;
			ag->drain_mark_gone = gone;
			master_agent_sync_active(m, ag);
			continue;
		}
		m_agentop *op;
		HASH_FIND_STR(m->agentops, x->agent_id->value, op);
		if (!op) {
			op = rt_xcalloc(1, sizeof *op);
			op->id = rt_xstrdup(x->agent_id->value);
			HASH_ADD_KEYPTR(hh, m->agentops, op->id, strlen(op->id), op);
		}
		op->deactivated = deact;
		op->drain_state = st;
		op->drain_grace_ns = grace;
		op->drain_mark_gone = gone;
		/* Its reservations wait for it (master_resv_claim). */
		for (size_t k = 0; k < x->n_reserved; k++) {
			m_resv rec;
			const char *why = master_resv_parse(m, &x->reserved[k], 1, true, &rec, msg, sizeof msg);
			if (why) {
				snprintf(err, errlen, "agent %s: %s", op->id, why);
				rc = -1;
				continue;
			}
			master_resv_record(&op->resv, &op->nresv, &rec);
		}
		/* And its volumes (master_vol_claim). */
		for (size_t k = 0; k < x->n_volumes; k++)
			if (master_vol_from_registry(m, x->volumes[k], &op->vols, &op->nvols, msg, sizeof msg)) {
				snprintf(err, errlen, "agent %s: %s", op->id, msg);
				rc = -1;
			}
	}
	for (size_t i = 0; i < r->n_down_machines; i++) {
		Mesos__V1__MachineID *c = rt_xcalloc(1, sizeof *c);
		mesos__v1__machine_id__init(c);
		c->hostname = r->down_machines[i]->hostname ? rt_xstrdup(r->down_machines[i]->hostname) : NULL;
		c->ip = r->down_machines[i]->ip ? rt_xstrdup(r->down_machines[i]->ip) : NULL;
		m->down = rt_xrealloc(m->down, (m->ndown + 1) * sizeof *m->down);
		m->down[m->ndown++] = c;
	}
	for (size_t i = 0; i < r->n_operations; i++)
		if (master_opstatus_restore(m, r->operations[i], msg, sizeof msg) != 0) {
			snprintf(err, errlen, "%s", msg);
			rc = -1;
		}
	if (r->schedule && master_schedule_update(m, r->schedule, msg, sizeof msg) != 0) {
		snprintf(err, errlen, "%s", msg);
		rc = -1;
	}
	meso__registry__registry__free_unpacked(r, NULL);
	return rc;
}

/* --------------------------------------------------------------- ZooKeeper */

static void write_now(m_registry_t *reg);

static void write_done(int rc, const struct Stat *stat, const void *data)
{
	m_registry_t *reg = (m_registry_t *)data;
	(void)stat;
	if (rc == ZCLOSING || !reg->m->zk)
		return;
	reg->writing = false;
	if (rc != ZOK) {
		rt_log(RT_WARN, "registry: writing %s failed (%s); retrying", reg->path, zerror(rc));
		reg->dirty = true;
		ev_timer_set(&reg->retry, 0.5, 0.);
		ev_timer_start(reg->m->loop, &reg->retry);
		return;
	}
	rt_log(RT_INFO, "registry: wrote %s", reg->path);
	if (reg->dirty)
		write_now(reg);
}

static void create_done(int rc, const char *name, const void *data)
{
	(void)name;
	/* Created by us, or by a predecessor meanwhile: then set it. */
	if (rc == ZNODEEXISTS) {
		m_registry_t *reg = (m_registry_t *)data;
		reg->writing = false;
		reg->dirty = true;
		write_now(reg);
		return;
	}
	write_done(rc, NULL, data);
}

/* The node does not exist yet: the first write creates it. */
static void set_or_create_done(int rc, const struct Stat *stat, const void *data)
{
	m_registry_t *reg = (m_registry_t *)data;
	if (rc != ZNONODE) {
		write_done(rc, stat, data);
		return;
	}
	char *json = master_registry_encode(reg->m);
	int zrc = zoo_acreate(rt_zk_handle(reg->m->zk), reg->path, json, (int)strlen(json), &ZOO_OPEN_ACL_UNSAFE, 0,
	                      create_done, reg);
	free(json);
	if (zrc != ZOK)
		write_done(zrc, NULL, reg);
}

/* One write of the whole document; a node not there yet is created. */
static void write_now(m_registry_t *reg)
{
	master *m = reg->m;
	if (!m->zk || !m->leading || !reg->ready || reg->writing)
		return;
	char *json = master_registry_encode(m);
	if (!json)
		return;
	reg->dirty = false;
	reg->writing = true;
	int rc = zoo_aset(rt_zk_handle(m->zk), reg->path, json, (int)strlen(json), -1, set_or_create_done, reg);
	free(json);
	if (rc != ZOK)
		write_done(rc, NULL, reg);
}

bool master_registry_pending(const master *m)
{
	const m_registry_t *reg = m->registry;
	return m->zk && reg && (reg->writing || reg->dirty);
}

static void recover_read(m_registry_t *reg);

static void read_done(int rc, const char *value, int len, const struct Stat *stat, const void *data)
{
	m_registry_t *reg = (m_registry_t *)data;
	master *m = reg->m;
	(void)stat;
	if (rc == ZCLOSING || m->demoted)
		return;
	reg->reading = false;
	if (rc != ZOK && rc != ZNONODE) {
		rt_log(RT_WARN, "registry: reading %s failed (%s); retrying", reg->path, zerror(rc));
		ev_timer_set(&reg->retry, 0.5, 0.);
		ev_timer_start(m->loop, &reg->retry);
		return;
	}
	if (rc == ZOK && value && len > 0) {
		char err[600];
		if (master_registry_apply(m, value, (size_t)len, err, sizeof err) != 0)
			rt_log(RT_ERROR, "registry: %s: part of it could not be applied: %s", reg->path, err);
		else
			rt_log(RT_INFO, "registry: recovered %s (%d bytes)", reg->path, len);
	} else {
		rt_log(RT_INFO, "registry: %s is empty; nothing to recover", reg->path);
	}
	reg->ready = true;
	master_lead(m);
	if (reg->dirty)
		write_now(reg);
}

static void recover_read(m_registry_t *reg)
{
	reg->reading = true;
	int rc = zoo_aget(rt_zk_handle(reg->m->zk), reg->path, 0, read_done, reg);
	if (rc != ZOK)
		read_done(rc, NULL, 0, NULL, reg);
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	m_registry_t *reg = w->data;
	(void)loop;
	(void)revents;
	if (!reg->ready)
		recover_read(reg);
	else
		master_registry_save(reg->m);
}

static m_registry_t *registry_get(master *m)
{
	if (m->registry)
		return m->registry;
	m_registry_t *reg = rt_xcalloc(1, sizeof *reg);
	reg->m = m;
	rt_zk_url url;
	char err[256];
	if (m->flags.zk && rt_zk_url_parse(m->flags.zk, &url, err, sizeof err) == 0)
		snprintf(reg->path, sizeof reg->path, "%s/registry", url.path);
	ev_timer_init(&reg->retry, retry_cb, 0.5, 0.);
	reg->retry.data = reg;
	m->registry = reg;
	return reg;
}

void master_registry_recover(master *m)
{
	m_registry_t *reg = registry_get(m);
	if (!m->zk || !reg->path[0]) {
		reg->ready = true;
		master_lead(m);
		return;
	}
	recover_read(reg);
}

void master_registry_save(master *m)
{
	if (!m->zk)
		return; /* in memory only */
	m_registry_t *reg = registry_get(m);
	reg->dirty = true;
	if (reg->ready && !reg->writing)
		write_now(reg);
}

void master_registry_free(master *m)
{
	if (!m->registry)
		return;
	ev_timer_stop(m->loop, &m->registry->retry);
	free(m->registry);
	m->registry = NULL;
}

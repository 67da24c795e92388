/*
 * master_opview.c — the operator API's messages (mesos.v1.master.Response
 * parts) built from the master's records: tasks, agents, frameworks,
 * executors, the whole state, MasterInfo and flags. GET_* calls, the
 * SUBSCRIBE stream's events and the classic endpoints all take them from
 * here. Everything is allocated in the caller's arena; strings point into
 * the records.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "master.h"
#include "rt_flags.h"
#include "rt_resources.h"

#define NEW(a, T, init) ((T *)view_init(rt_arena_alloc((a), sizeof(T)), (init)))

/* protobuf-c's _init functions all take the message as their only argument. */
static void *view_init(void *p, void (*init)(void *))
{
	init(p);
	return p;
}
#define INIT(fn) ((void (*)(void *))(fn))

static Mesos__V1__TaskID *task_id(rt_arena *a, const char *v)
{
	Mesos__V1__TaskID *id = NEW(a, Mesos__V1__TaskID, INIT(mesos__v1__task_id__init));
	id->value = (char *)v;
	return id;
}

static Mesos__V1__FrameworkID *fw_id(rt_arena *a, const char *v)
{
	Mesos__V1__FrameworkID *id = NEW(a, Mesos__V1__FrameworkID, INIT(mesos__v1__framework_id__init));
	id->value = (char *)v;
	return id;
}

static Mesos__V1__AgentID *agent_id(rt_arena *a, const char *v)
{
	Mesos__V1__AgentID *id = NEW(a, Mesos__V1__AgentID, INIT(mesos__v1__agent_id__init));
	id->value = (char *)v;
	return id;
}

/* Wall-clock seconds of a monotonic instant. */
static double wall_of(int64_t mono_ns)
{
	return rt_wall_seconds() - (double)(rt_mono_ns() - mono_ns) / 1e9;
}

/* A task's kept statuses: state and timestamp, with its ids (the master
 * keeps no more of each update). */
static Mesos__V1__TaskStatus **statuses(rt_arena *a, const char *tid, const char *aid, const m_task_status *st,
                                        unsigned n)
{
	Mesos__V1__TaskStatus **out = rt_arena_alloc(a, (n ? n : 1) * sizeof *out);
	for (unsigned i = 0; i < n; i++) {
		Mesos__V1__TaskStatus *s = NEW(a, Mesos__V1__TaskStatus, INIT(mesos__v1__task_status__init));
		s->task_id = task_id(a, tid);
		s->agent_id = agent_id(a, aid);
		s->state = st[i].state;
		s->has_timestamp = true;
		s->timestamp = st[i].timestamp;
		out[i] = s;
	}
	return out;
}

static Mesos__V1__Task *task_view(master *m, rt_arena *a, const char *id, const char *name, const char *fid,
                                  const char *eid, const char *aid, Mesos__V1__TaskState state, const ac_resources *res,
                                  const char *role, const m_task_status *st, unsigned nst)
{
	Mesos__V1__Task *t = NEW(a, Mesos__V1__Task, INIT(mesos__v1__task__init));
	t->name = (char *)name;
	t->task_id = task_id(a, id);
	t->framework_id = fw_id(a, fid);
	if (eid) {
		t->executor_id = NEW(a, Mesos__V1__ExecutorID, INIT(mesos__v1__executor_id__init));
		t->executor_id->value = (char *)eid;
	}
	t->agent_id = agent_id(a, aid);
	t->state = state;
	t->resources = rt_resources_to_pb(m->core, res, role, a, &t->n_resources);
	t->statuses = statuses(a, id, aid, st, nst);
	t->n_statuses = nst;
	if (nst) {
		t->has_status_update_state = true;
		t->status_update_state = st[nst - 1].state;
	}
	return t;
}

Mesos__V1__Task *master_view_task(master *m, const m_task *t, rt_arena *a)
{
	Mesos__V1__Task *v = task_view(m, a, t->id, t->name, t->fw->id, t->executor_id, t->agent->id, t->state, &t->res,
	                               master_fw_role_held(m, t->fw, t->fwac), t->statuses, t->nstatuses);
	v->user = t->fw->user;
	return v;
}

static Mesos__V1__Task *done_task_view(master *m, const m_done_task *d, const char *fid, const char *role, rt_arena *a)
{
	ac_resources r;
	if (ac_resources_parse(m->core, d->resources, &r, NULL) != 0)
		memset(&r, 0, sizeof r);
	return task_view(m, a, d->id, d->name, fid, d->executor_id, d->agent_id, d->state, &r, role, d->statuses,
	                 d->nstatuses);
}

Mesos__V1__DrainInfo *master_view_drain_info(const m_agent *ag, rt_arena *a)
{
	if (ag->drain_state == MESOS__V1__DRAIN_STATE__UNKNOWN)
		return NULL;
	Mesos__V1__DrainInfo *d = NEW(a, Mesos__V1__DrainInfo, INIT(mesos__v1__drain_info__init));
	d->state = ag->drain_state;
	d->config = NEW(a, Mesos__V1__DrainConfig, INIT(mesos__v1__drain_config__init));
	d->config->has_mark_gone = true;
	d->config->mark_gone = ag->drain_mark_gone;
	if (ag->drain_grace_ns >= 0) {
		d->config->max_grace_period = NEW(a, Mesos__V1__DurationInfo, INIT(mesos__v1__duration_info__init));
		d->config->max_grace_period->nanoseconds = ag->drain_grace_ns;
	}
	return d;
}

/* Appends the Resource messages of r (role `role`, on agent ag, with the
 * volumes sel picks) to *out. */
static void resources_append(master *m, rt_arena *a, const m_agent *ag, const ac_resources *r, const char *role,
                             const m_volsel *sel, Mesos__V1__Resource ***out, size_t *n, size_t *cap)
{
	size_t k = 0;
	Mesos__V1__Resource **res = master_resources_pb_vols(m, ag, r, role, sel, a, &k);
	if (*n + k > *cap) {
		size_t c = (*n + k) * 2 + 4;
		Mesos__V1__Resource **grown = rt_arena_alloc(a, c * sizeof *grown);
		if (*n)
			memcpy(grown, *out, *n * sizeof *grown);
		*out = grown;
		*cap = c;
	}
	memcpy(*out + *n, res, k * sizeof *res);
	*n += k;
}

Mesos__V1__Master__Response__GetAgents__Agent *master_view_agent(master *m, const m_agent *ag, rt_arena *a)
{
	Mesos__V1__Master__Response__GetAgents__Agent *v =
	        NEW(a, Mesos__V1__Master__Response__GetAgents__Agent,
	            INIT(mesos__v1__master__response__get_agents__agent__init));
	Mesos__V1__AgentInfo *info = NEW(a, Mesos__V1__AgentInfo, INIT(mesos__v1__agent_info__init));
	info->hostname = ag->hostname ? ag->hostname : "";
	info->has_port = true;
	info->port = ag->port;
	info->id = agent_id(a, ag->id);
	const m_volsel all = {.all = true};
	info->resources = master_resources_pb_vols(m, ag, &ag->total, NULL, &all, a, &info->n_resources);
	if (ag->info) {
		info->attributes = ag->info->attributes;
		info->n_attributes = ag->info->n_attributes;
	}
	v->agent_info = info;
	/* Mesos: active is "registered and connected"; deactivated is the
	 * operators' (DEACTIVATE_AGENT, DRAIN_AGENT). */
	v->active = ag->conn != NULL;
	v->has_deactivated = true;
	v->deactivated = ag->op_deactivated;
	v->version = MASTER_VERSION;
	char pid[300];
	snprintf(pid, sizeof pid, "slave(1)@%s:%d", ag->ip[0] ? ag->ip : (ag->hostname ? ag->hostname : ""), ag->port);
	v->pid = rt_arena_strdup(a, pid);
	v->registered_time = rt_opview_time(a, wall_of(ag->registered_ns));
	if (ag->reregistered_ns)
		v->reregistered_time = rt_opview_time(a, wall_of(ag->reregistered_ns));
	v->total_resources = master_resources_pb_vols(m, ag, &ag->total, NULL, &all, a, &v->n_total_resources);
	/* Held (tasks and executors) and offered, each entry with its
	 * framework's role as allocation_info, as Mesos reports them. */
	size_t cap = 0;
	for (m_task *t = ag->tasks; t; t = t->agent_next) {
		const m_volsel used = {.task = t};
		resources_append(m, a, t->agent, &t->res, master_fw_role_held(m, t->fw, t->fwac), &used,
		                 &v->allocated_resources, &v->n_allocated_resources, &cap);
	}
	for (m_exec *e = ag->execs; e; e = e->agent_next)
		resources_append(m, a, e->agent, &e->res, master_fw_role_held(m, e->fw, e->fwac), NULL,
		                 &v->allocated_resources, &v->n_allocated_resources, &cap);
	cap = 0;
	for (m_offer *o = ag->offers; o; o = o->agent_next) {
		const m_volsel shown = {.offer = o};
		resources_append(m, a, o->agent, &o->res, master_fw_role_held(m, o->fw, o->fwac), &shown,
		                 &v->offered_resources, &v->n_offered_resources, &cap);
	}
	v->drain_info = master_view_drain_info(ag, a);
	return v;
}

Mesos__V1__FrameworkInfo *master_view_framework_info(const master *m, const m_fw *fw, rt_arena *a)
{
	Mesos__V1__FrameworkInfo *fi = NEW(a, Mesos__V1__FrameworkInfo, INIT(mesos__v1__framework_info__init));
	fi->user = fw->user ? fw->user : "";
	fi->name = fw->name ? fw->name : "";
	fi->id = fw_id(a, fw->id);
	fi->has_failover_timeout = true;
	fi->failover_timeout = fw->failover_timeout;
	/* Its subscribed roles in the core; a completed framework's (no longer
	 * there) or one known only from its tasks: its first. */
	size_t n = fw->mfw ? master_fw_nroles(m, fw, false) : 0;
	fi->roles = rt_arena_alloc(a, (n ? n : 1) * sizeof *fi->roles);
	for (size_t i = 0; i < n; i++)
		fi->roles[i] = (char *)master_fw_role_at(m, fw, i, NULL);
	if (!n)
		fi->roles[0] = fw->role ? fw->role : "*";
	fi->n_roles = n ? n : 1;
	Mesos__V1__FrameworkInfo__Capability *cap =
	        NEW(a, Mesos__V1__FrameworkInfo__Capability, INIT(mesos__v1__framework_info__capability__init));
	cap->has_type = true;
	cap->type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
	fi->capabilities = rt_arena_alloc(a, 2 * sizeof *fi->capabilities);
	fi->capabilities[fi->n_capabilities++] = cap;
	if (fw->partition_aware) {
		cap = NEW(a, Mesos__V1__FrameworkInfo__Capability, INIT(mesos__v1__framework_info__capability__init));
		cap->has_type = true;
		cap->type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE;
		fi->capabilities[fi->n_capabilities++] = cap;
	}
	return fi;
}

Mesos__V1__Master__Response__GetFrameworks__Framework *master_view_framework(master *m, const m_fw *fw, rt_arena *a)
{
	Mesos__V1__Master__Response__GetFrameworks__Framework *v =
	        NEW(a, Mesos__V1__Master__Response__GetFrameworks__Framework,
	            INIT(mesos__v1__master__response__get_frameworks__framework__init));
	v->framework_info = master_view_framework_info(m, fw, a);
	ac_fw_info info;
	bool active = ac_fw_info_get(m->core, master_fw_core(m, fw), &info, NULL) == 0 && info.active;
	v->active = active && fw->stream != NULL;
	v->connected = fw->stream != NULL;
	v->recovered = fw->recovered;
	v->registered_time = rt_opview_time(a, wall_of(fw->registered_ns));
	size_t cap = 0;
	for (m_task *t = fw->tasks; t; t = t->fw_next) {
		const m_volsel used = {.task = t};
		resources_append(m, a, t->agent, &t->res, master_fw_role_held(m, fw, t->fwac), &used,
		                 &v->allocated_resources, &v->n_allocated_resources, &cap);
	}
	for (m_exec *e = fw->execs; e; e = e->fw_next)
		resources_append(m, a, e->agent, &e->res, master_fw_role_held(m, fw, e->fwac), NULL,
		                 &v->allocated_resources, &v->n_allocated_resources, &cap);
	cap = 0;
	size_t noffers = 0;
	for (m_offer *o = fw->offers; o; o = o->fw_next)
		noffers += o->sent;
	v->offers = rt_arena_alloc(a, (noffers + 1) * sizeof *v->offers);
	for (m_offer *o = fw->offers; o; o = o->fw_next) {
		if (!o->sent)
			continue;
		const m_volsel shown = {.offer = o};
		resources_append(m, a, o->agent, &o->res, master_fw_role_held(m, fw, o->fwac), &shown,
		                 &v->offered_resources, &v->n_offered_resources, &cap);
		Mesos__V1__Offer *pb = NEW(a, Mesos__V1__Offer, INIT(mesos__v1__offer__init));
		pb->id = NEW(a, Mesos__V1__OfferID, INIT(mesos__v1__offer_id__init));
		pb->id->value = o->id;
		pb->framework_id = fw_id(a, fw->id);
		pb->agent_id = agent_id(a, o->agent->id);
		pb->hostname = o->agent->hostname ? o->agent->hostname : "";
		pb->resources = master_resources_pb_vols(m, o->agent, &o->res, master_fw_role_held(m, fw, o->fwac),
		                                         &shown, a, &pb->n_resources);
		v->offers[v->n_offers++] = pb;
	}
	return v;
}

/* A completed framework: nothing held, its removal as unregistered_time. */
static Mesos__V1__Master__Response__GetFrameworks__Framework *done_framework_view(const master *m, const m_done_fw *d,
                                                                                  rt_arena *a)
{
	m_fw tmp = {.id = d->id,
	            .name = d->name,
	            .role = d->role,
	            .user = d->user,
	            .failover_timeout = d->failover_timeout,
	            .partition_aware = d->partition_aware};
	Mesos__V1__Master__Response__GetFrameworks__Framework *v =
	        NEW(a, Mesos__V1__Master__Response__GetFrameworks__Framework,
	            INIT(mesos__v1__master__response__get_frameworks__framework__init));
	v->framework_info = master_view_framework_info(m, &tmp, a);
	v->recovered = d->recovered;
	v->registered_time = rt_opview_time(a, d->registered_wall);
	v->unregistered_time = rt_opview_time(a, d->unregistered_wall);
	return v;
}

Mesos__V1__Master__Response__GetAgents *master_view_agents(master *m, rt_arena *a)
{
	Mesos__V1__Master__Response__GetAgents *v =
	        NEW(a, Mesos__V1__Master__Response__GetAgents, INIT(mesos__v1__master__response__get_agents__init));
	size_t n = HASH_COUNT(m->agents_by_id);
	v->agents = rt_arena_alloc(a, (n + 1) * sizeof *v->agents);
	for (m_agent *ag = m->agents; ag; ag = ag->next)
		v->agents[v->n_agents++] = master_view_agent(m, ag, a);
	return v;
}

Mesos__V1__Master__Response__GetFrameworks *master_view_frameworks(master *m, rt_arena *a)
{
	Mesos__V1__Master__Response__GetFrameworks *v = NEW(a, Mesos__V1__Master__Response__GetFrameworks,
	                                                    INIT(mesos__v1__master__response__get_frameworks__init));
	size_t n = HASH_COUNT(m->fws_by_id);
	v->frameworks = rt_arena_alloc(a, (n + 1) * sizeof *v->frameworks);
	/* What the caller may see (view_frameworks): m->principal is the
	 * request's, or the subscriber's while its SUBSCRIBED is built. */
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		if (master_can_view_fw(m, m->principal, fw))
			v->frameworks[v->n_frameworks++] = master_view_framework(m, fw, a);
	v->completed_frameworks = rt_arena_alloc(a, (m->ndone_fws + 1) * sizeof *v->completed_frameworks);
	for (const m_done_fw *d = m->done_fws; d; d = d->next)
		if (!m->acls || master_authorized(m, RT_ACL_VIEW_FRAMEWORKS, m->principal, d->user ? d->user : ""))
			v->completed_frameworks[v->n_completed_frameworks++] = done_framework_view(m, d, a);
	return v;
}

static void *arena_alloc(void *ud, size_t size)
{
	return rt_arena_alloc(ud, size);
}

static void arena_free(void *ud, void *p)
{
	(void)ud;
	(void)p;
}

Mesos__V1__Master__Response__GetExecutors *master_view_executors(master *m, rt_arena *a)
{
	Mesos__V1__Master__Response__GetExecutors *v = NEW(a, Mesos__V1__Master__Response__GetExecutors,
	                                                   INIT(mesos__v1__master__response__get_executors__init));
	/* The packed ExecutorInfo read back into the arena: nothing to free. */
	ProtobufCAllocator al = {.alloc = arena_alloc, .free = arena_free, .allocator_data = a};
	size_t n = 0;
	for (m_exec *e = m->execs; e; e = e->next)
		n++;
	v->executors = rt_arena_alloc(a, (n + 1) * sizeof *v->executors);
	for (m_exec *e = m->execs; e; e = e->next) {
		if (!master_can_view_fw(m, m->principal, e->fw))
			continue;
		Mesos__V1__ExecutorInfo *info = mesos__v1__executor_info__unpack(&al, e->info_len, e->info);
		if (!info)
			continue;
		Mesos__V1__Master__Response__GetExecutors__Executor *x =
		        NEW(a, Mesos__V1__Master__Response__GetExecutors__Executor,
		            INIT(mesos__v1__master__response__get_executors__executor__init));
		x->executor_info = info;
		x->agent_id = agent_id(a, e->agent->id);
		v->executors[v->n_executors++] = x;
	}
	return v;
}

Mesos__V1__Master__Response__GetTasks *master_view_tasks(master *m, rt_arena *a)
{
	Mesos__V1__Master__Response__GetTasks *v =
	        NEW(a, Mesos__V1__Master__Response__GetTasks, INIT(mesos__v1__master__response__get_tasks__init));
	size_t n = 0;
	for (m_task *t = m->tasks; t; t = t->next)
		n++;
	v->tasks = rt_arena_alloc(a, (n + 1) * sizeof *v->tasks);
	for (m_task *t = m->tasks; t; t = t->next)
		if (master_can_view_fw(m, m->principal, t->fw) && master_can_view_task(m, m->principal, t))
			v->tasks[v->n_tasks++] = master_view_task(m, t, a);
	/* Completed: of live frameworks, then of completed ones, oldest first
	 * (judged by their framework's user: a completed task keeps no user). */
	v->completed_tasks = rt_arena_alloc(a, (m->ndone_tasks + 1) * sizeof *v->completed_tasks);
	for (m_fw *fw = m->fws; fw; fw = fw->next)
		for (const m_done_task *d = fw->done.head; d && master_can_view_fw(m, m->principal, fw); d = d->next)
			v->completed_tasks[v->n_completed_tasks++] = done_task_view(m, d, fw->id, fw->role, a);
	for (const m_done_fw *f = m->done_fws; f; f = f->next)
		for (const m_done_task *d = f->tasks.head;
		     d &&
		     (!m->acls || master_authorized(m, RT_ACL_VIEW_FRAMEWORKS, m->principal, f->user ? f->user : ""));
		     d = d->next)
			v->completed_tasks[v->n_completed_tasks++] = done_task_view(m, d, f->id, f->role, a);
	return v;
}

Mesos__V1__Master__Response__GetState *master_view_state(master *m, rt_arena *a)
{
	Mesos__V1__Master__Response__GetState *v =
	        NEW(a, Mesos__V1__Master__Response__GetState, INIT(mesos__v1__master__response__get_state__init));
	v->get_tasks = master_view_tasks(m, a);
	v->get_executors = master_view_executors(m, a);
	v->get_frameworks = master_view_frameworks(m, a);
	v->get_agents = master_view_agents(m, a);
	return v;
}

Mesos__V1__MasterInfo *master_view_master_info(master *m, rt_arena *a)
{
	Mesos__V1__MasterInfo *mi = NEW(a, Mesos__V1__MasterInfo, INIT(mesos__v1__master_info__init));
	int port = rt_http_server_port(m->http);
	char pid[300];
	snprintf(pid, sizeof pid, "master@%s:%d", m->flags.ip, port);
	mi->id = m->id;
	struct in_addr in;
	/* Mesos's ip: the network-order address read as a host integer. */
	mi->ip = inet_pton(AF_INET, m->flags.ip, &in) == 1 ? in.s_addr : 0;
	mi->port = (uint32_t)port;
	mi->pid = rt_arena_strdup(a, pid);
	mi->hostname = (char *)m->flags.hostname;
	mi->version = MASTER_VERSION;
	mi->address = NEW(a, Mesos__V1__Address, INIT(mesos__v1__address__init));
	mi->address->hostname = (char *)m->flags.hostname;
	mi->address->ip = (char *)m->flags.ip;
	mi->address->port = port;
	return mi;
}

/* Adds name=value (printf) to a flag list of at most cap. */
size_t master_view_flags(master *m, rt_arena *a, Mesos__V1__Flag ***out)
{
	const master_flags *f = &m->flags;
	Mesos__V1__Flag **v = rt_arena_alloc(a, 32 * sizeof *v);
	char d[48]; /* a duration in Mesos's text */
	size_t n = 0;
	/* Mesos's names and forms (durations as "1secs") where a flag is
	 * Mesos's; ours as they are given on our command line. */
	rt_opview_flag_add(a, v, &n, "ip", "%s", f->ip);
	rt_opview_flag_add(a, v, &n, "port", "%d", rt_http_server_port(m->http));
	rt_opview_flag_add(a, v, &n, "hostname", "%s", f->hostname);
	if (f->work_dir)
		rt_opview_flag_add(a, v, &n, "work_dir", "%s", f->work_dir);
	rt_opview_flag_add(a, v, &n, "allocation_interval", "%s",
	                   rt_duration_text(f->allocation_interval, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "offer_timeout", "%s", rt_duration_text(f->offer_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "agent_timeout", "%s", rt_duration_text(f->agent_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "agent_reregister_timeout", "%s",
	                   rt_duration_text(f->agent_reregister_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "heartbeat_interval", "%s", rt_duration_text(f->heartbeat_interval, d, sizeof d));
	if (f->zk)
		rt_opview_flag_add(a, v, &n, "zk", "%s", f->zk);
	if (f->cluster)
		rt_opview_flag_add(a, v, &n, "cluster", "%s", f->cluster);
	rt_opview_flag_add(a, v, &n, "zk_session_timeout", "%s", rt_duration_text(f->zk_session_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "framework_recovery_timeout", "%s",
	                   rt_duration_text(f->framework_recovery_timeout, d, sizeof d));
	rt_opview_flag_add(a, v, &n, "max_completed_frameworks", "%d", f->max_completed_frameworks);
	rt_opview_flag_add(a, v, &n, "max_completed_tasks_per_framework", "%d", f->max_completed_tasks_per_framework);
	rt_opview_flag_add(a, v, &n, "max_completed_tasks", "%d", f->max_completed_tasks);
	rt_opview_flag_add(a, v, &n, "max_frameworks", "%d", f->max_frameworks);
	rt_opview_flag_add(a, v, &n, "registry", "%s", f->zk ? "zookeeper" : "in_memory");
	rt_opview_flag_add(a, v, &n, "allocator", "%s", ac_core_policy(m->core));
	rt_opview_flag_add(a, v, &n, "authenticate_frameworks", "%s", f->authenticate_frameworks ? "true" : "false");
	rt_opview_flag_add(a, v, &n, "authenticate_agents", "%s", f->authenticate_agents ? "true" : "false");
	rt_opview_flag_add(a, v, &n, "authenticate_http_readonly", "%s",
	                   f->authenticate_http_readonly ? "true" : "false");
	rt_opview_flag_add(a, v, &n, "authenticate_http_readwrite", "%s",
	                   f->authenticate_http_readwrite ? "true" : "false");
	if (f->credentials) /* the file's name, never what it holds */
		rt_opview_flag_add(a, v, &n, "credentials", "%s", f->credentials);
	*out = v;
	return n;
}

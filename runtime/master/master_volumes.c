/*
 * master_volumes.c — persistent volumes (Mesos's CREATE/DESTROY offer
 * operations and the operator's CREATE_VOLUMES/DESTROY_VOLUMES). A volume
 * is a part of a role's reserved disk on an agent with an id; alloccore
 * counts it as reserved disk like the rest (it owns that accounting), and
 * this file keeps which part is which volume (m_agent.vols), whether a task
 * uses it and which offer shows it, checks the operations as Mesos does,
 * and tells the agent to make or remove the volume's directory.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "meso_registry.pb-c.h"
#include "rt_resources.h"

/* ------------------------------------------------------------ the checks */

/* Mesos's common ID rules (common/validation.cpp validateID); NULL when valid. */
static const char *id_check(const char *id, char *buf, size_t len)
{
	if (!id[0])
		return "ID must not be empty";
	if (strlen(id) > 255)
		return "ID must not be greater than 255 characters";
	if (!strcmp(id, ".") || !strcmp(id, "..")) {
		snprintf(buf, len, "'%.100s' is disallowed", id);
		return buf;
	}
	for (const char *c = id; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '/' || *c == '\\') {
			snprintf(buf, len, "'%.100s' contains invalid characters", id);
			return buf;
		}
	return NULL;
}

/* One volume resource checked as Mesos's validateDiskInfo and
 * validatePersistentVolume do, plus what Meso cannot do; fills v (its
 * strings borrowed from r). NULL, or why not. */
static const char *vol_parse(master *m, const Mesos__V1__Resource *r, m_volume *v, char *buf, size_t len)
{
	memset(v, 0, sizeof *v);
	const Mesos__V1__Resource__ReservationInfo *last =
	        r->n_reservations ? r->reservations[r->n_reservations - 1] : NULL;
	if (!r->disk) {
		snprintf(buf, len, "Not a persistent volume: Resource '%.60s' does not have DiskInfo", r->name);
		return buf;
	}
	if (!r->disk->persistence)
		return "Not a persistent volume: 'persistence' is not set in DiskInfo";
	if (!last || !last->role || !strcmp(last->role, "*"))
		return "Invalid resources: Persistent volumes cannot be created from unreserved resources";
	if (!r->disk->volume)
		return "Invalid resources: Expecting 'volume' to be set for persistent volume";
	if (r->disk->volume->host_path)
		return "Invalid resources: Expecting 'host_path' to be unset for persistent volume";
	char ib[160];
	const char *bad = id_check(r->disk->persistence->id, ib, sizeof ib);
	if (bad) {
		snprintf(buf, len, "Invalid resources: Invalid persistence ID for persistent volume: %s", bad);
		return buf;
	}
	if (r->disk->volume->mode == MESOS__V1__VOLUME__MODE__RO)
		return "Not a persistent volume: Read-only persistent volume not supported";
	/* Positive in alloccore's fixed point (Mesos's three decimals). */
	if (strcmp(r->name, "disk") != 0 || r->type != MESOS__V1__VALUE__TYPE__SCALAR || !r->scalar ||
	    !(r->scalar->value * AC_MILLI >= 0.5) || !(r->scalar->value < 1e15)) {
		snprintf(buf, len, "Invalid resources: a persistent volume is a positive 'disk' scalar, not '%.60s'",
		         r->name);
		return buf;
	}
	if (r->shared)
		return "Invalid resources: Meso does not support shared persistent volumes (SHARED_RESOURCES)";
	if (r->n_reservations > 1)
		return "Invalid resources: Meso does not make persistent volumes on refined reservations";
	const char *cp = r->disk->volume->container_path;
	if (!cp[0] || cp[0] == '/' || !strcmp(cp, "..") || !strncmp(cp, "../", 3) || strstr(cp, "/../") ||
	    (strlen(cp) >= 3 && !strcmp(cp + strlen(cp) - 3, "/..")))
		return "Invalid resources: a persistent volume's container_path must be a path relative to the "
		       "sandbox, without '..' (Meso runs tasks without a container image)";
	int64_t rid = ac_role_intern(m->core, last->role, NULL);
	if (rid <= 0) {
		snprintf(buf, len, "Invalid resources: invalid role '%.60s'", last->role);
		return buf;
	}
	v->role = (uint32_t)rid;
	v->id = r->disk->persistence->id;
	v->principal = r->disk->persistence->principal;
	v->container_path = (char *)cp;
	v->dynamic = !(last->has_type && last->type == MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__STATIC);
	v->resv_principal = last->principal;
	v->disk = (int64_t)(r->scalar->value * AC_MILLI + 0.5);
	return NULL;
}

m_volume *master_vol_find(const m_agent *a, uint32_t role, const char *id)
{
	for (size_t i = 0; i < a->nvols; i++)
		if (a->vols[i].role == role && !strcmp(a->vols[i].id, id))
			return &a->vols[i];
	return NULL;
}

bool master_vol_in_use(master *m, const m_agent *a, const m_volume *v)
{
	if (!v->fw_id)
		return false;
	m_fw *fw = master_fw_find(m, v->fw_id);
	if (!fw)
		return false;
	if (v->exec_id)
		return master_exec_find(m, fw, (m_agent *)a, v->exec_id) != NULL;
	m_task *t = v->task_id ? master_task_find(m, fw, v->task_id) : NULL;
	return t && t->agent == a;
}

/* Whether a live offer shows the volume. */
static bool vol_offered(master *m, const m_volume *v)
{
	return v->offer && master_offer_find(m, v->offer) != NULL;
}

static const m_volslot *slot_find(const m_volset *vs, uint32_t role, const char *id)
{
	for (size_t i = 0; vs && i < vs->n; i++)
		if (vs->s[i].role == role && !strcmp(vs->s[i].id, id))
			return &vs->s[i];
	return NULL;
}

const char *master_vol_check_create(master *m, const m_agent *a, Mesos__V1__Resource *const *res, size_t n,
                                    const char *principal, const m_volset *vs, m_volume *out, char *buf, size_t len)
{
	if (n == 0)
		return "Invalid resources: no volumes given";
	for (size_t i = 0; i < n; i++) {
		const char *why = vol_parse(m, res[i], &out[i], buf, len);
		if (why)
			return why;
		bool seen = master_vol_find(a, out[i].role, out[i].id) != NULL;
		const m_volslot *s = slot_find(vs, out[i].role, out[i].id);
		seen = seen || (s && !s->destroyed);
		for (size_t k = 0; k < i && !seen; k++)
			seen = out[k].role == out[i].role && !strcmp(out[k].id, out[i].id);
		if (seen) {
			snprintf(buf, len, "Persistence ID '%.100s' is not unique", out[i].id);
			return buf;
		}
		if (out[i].role != out[0].role)
			return "Invalid volume resources: Meso takes one role per operation";
		/* A volume's stack is its role's own reservation: none on disk a
		 * refinement pushed onto the role, which it could not tell apart. */
		if (master_resv_refined_disk(a, out[i].role) > 0)
			return "Invalid resources: Meso does not make persistent volumes on refined reservations, and "
			       "part "
			       "of this role's reserved disk is one";
		if (!principal)
			continue;
		if (!out[i].principal) {
			snprintf(
			        buf, len,
			        "Create volume operation attempted by principal '%.100s', but there is a volume in the "
			        "operation with no principal set in 'disk.persistence'",
			        principal);
			return buf;
		}
		if (strcmp(principal, out[i].principal) != 0) {
			snprintf(
			        buf, len,
			        "Create volume operation attempted by authenticated principal '%.100s', which does not "
			        "match a volume in the operation with principal '%.100s' set in 'disk.persistence'",
			        principal, out[i].principal);
			return buf;
		}
	}
	return NULL;
}

const char *master_vol_check_destroy(master *m, const m_agent *a, Mesos__V1__Resource *const *res, size_t n,
                                     const m_volset *vs, m_volume *out, char *buf, size_t len)
{
	if (n == 0)
		return "Invalid resources: no volumes given";
	for (size_t i = 0; i < n; i++) {
		m_volume *v = &out[i];
		const char *why = vol_parse(m, res[i], v, buf, len);
		if (why)
			return why;
		const m_volume *have = master_vol_find(a, v->role, v->id);
		/* Or made by a CREATE earlier in the same ACCEPT. */
		const m_volslot *s = slot_find(vs, v->role, v->id);
		bool twice = false;
		for (size_t k = 0; k < i; k++)
			twice = twice || (out[k].role == v->role && !strcmp(out[k].id, v->id));
		if (twice || (!have && (!s || s->destroyed)) || (have ? have->disk : s->disk) != v->disk)
			return "Persistent volumes not found";
		if ((have && master_vol_in_use(m, a, have)) || (s && s->task_id))
			return "Persistent volumes in use";
		if (vs && (!s || s->destroyed)) {
			snprintf(buf, len, "Invalid resources: persistent volume '%.100s' is not in the offers", v->id);
			return buf;
		}
	}
	return NULL;
}

/* ------------------------------------------------------- the accept's set */

void master_volset_offered(master *m, const m_agent *a, m_offer *const *offers, size_t n, m_volset *vs)
{
	vs->s = rt_xcalloc(a->nvols + 16, sizeof *vs->s);
	vs->n = 0;
	for (size_t i = 0; i < a->nvols; i++) {
		const m_volume *v = &a->vols[i];
		if (!v->offer || master_vol_in_use(m, a, v))
			continue;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(offers[k]->id, v->offer)) {
				vs->s[vs->n++] = (m_volslot){.role = v->role, .id = v->id, .disk = v->disk};
				break;
			}
	}
}

/* Adds a volume a CREATE of this accept makes (id borrowed from the call). */
static void volset_add(m_volset *vs, const m_volume *v)
{
	if (vs->n % 16 == 0)
		vs->s = rt_xrealloc(vs->s, (vs->n + 16 + 16) * sizeof *vs->s);
	vs->s[vs->n++] = (m_volslot){.role = v->role, .id = v->id, .disk = v->disk};
}

void master_volset_free(m_volset *vs)
{
	free(vs->s);
	vs->s = NULL;
	vs->n = 0;
}

int64_t master_volset_plain_disk(const m_volset *vs, const ac_resources *left, uint32_t rid)
{
	int64_t d = 0;
	for (uint32_t g = 1; g < left->ngroups; g++)
		if (left->group[g].role == rid)
			d = left->group[g].amount.v[AC_DISK];
	for (size_t i = 0; i < vs->n; i++)
		if (vs->s[i].role == rid && !vs->s[i].task_id && !vs->s[i].destroyed)
			d -= vs->s[i].disk;
	return d;
}

void master_volset_created(m_volset *vs, const m_volume *v)
{
	volset_add(vs, v);
}

void master_volset_destroyed(m_volset *vs, uint32_t role, const char *id)
{
	m_volslot *s = (m_volslot *)slot_find(vs, role, id);
	if (s)
		s->destroyed = true;
}

const char *master_volset_take(master *m, m_volset *vs, Mesos__V1__Resource *const *res, size_t n,
                               const ac_resources *left, const char *task_id, const char *exec_id, char *buf,
                               size_t len)
{
	const char *who = task_id ? "Task" : "Executor";
	/* Plain reserved disk asked for, by role. */
	uint32_t role[AC_MAX_GROUPS];
	int64_t need[AC_MAX_GROUPS];
	size_t nr = 0;
	size_t vols = 0;
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = res[i];
		if (r->disk) {
			if (!r->disk->persistence) {
				snprintf(buf, len, "%s uses invalid resources: %s", who,
				         r->disk->volume ? "Non-persistent volume not supported"
				                         : "DiskInfo is set but empty");
				return buf;
			}
			m_volume v;
			char why[300];
			const char *bad = vol_parse(m, r, &v, why, sizeof why);
			if (bad) {
				snprintf(buf, len, "%s uses invalid resources: %s", who, bad);
				return buf;
			}
			if (!task_id && !exec_id)
				return "Executor uses a persistent volume: Meso's default executor has no sandbox of "
				       "its own to link it into (its tasks may use volumes)";
			const m_volslot *s = slot_find(vs, v.role, v.id);
			if (!s || s->task_id || s->exec_id || s->destroyed || s->disk != v.disk) {
				snprintf(buf, len, "%s uses persistent volume '%.100s', which is not in the offers",
				         who, v.id);
				return buf;
			}
			for (size_t k = 0; k < i; k++)
				if (res[k]->disk && res[k]->disk->persistence &&
				    !strcmp(res[k]->disk->persistence->id, v.id)) {
					snprintf(buf, len, "%s uses persistent volume '%.100s' twice", who, v.id);
					return buf;
				}
			vols++;
			continue;
		}
		const Mesos__V1__Resource__ReservationInfo *last =
		        r->n_reservations ? r->reservations[r->n_reservations - 1] : NULL;
		const char *rname = last && last->role ? last->role : r->role;
		if (strcmp(r->name, "disk") != 0 || !r->scalar || !rname || !strcmp(rname, "*"))
			continue;
		int64_t rid = ac_role_intern(m->core, rname, NULL);
		if (rid <= 0)
			continue;
		size_t k = 0;
		while (k < nr && role[k] != (uint32_t)rid)
			k++;
		if (k == nr) {
			if (nr == AC_MAX_GROUPS)
				continue; /* rt_resources_from_pb refuses so many roles */
			role[nr] = (uint32_t)rid;
			need[nr++] = 0;
		}
		need[k] += (int64_t)(r->scalar->value * AC_MILLI + 0.5);
	}
	/* Reserved disk that is no volume must not be a free volume's. */
	for (size_t k = 0; k < nr && vs; k++)
		if (need[k] > master_volset_plain_disk(vs, left, role[k])) {
			snprintf(buf, len,
			         "%s uses more resources than offered: its reserved disk of role '%.60s' "
			         "would take a persistent volume's",
			         who, ac_role_name(m->core, role[k]));
			return buf;
		}
	for (size_t i = 0; i < n && vols; i++) {
		const Mesos__V1__Resource *r = res[i];
		if (!r->disk)
			continue;
		m_volume v;
		char why[300];
		vol_parse(m, r, &v, why, sizeof why);
		m_volslot *s = (m_volslot *)slot_find(vs, v.role, v.id);
		s->task_id = task_id;
		s->exec_id = task_id ? NULL : exec_id;
	}
	return NULL;
}

void master_volset_release(m_volset *vs, const char *task_id, const char *exec_id)
{
	for (size_t i = 0; i < vs->n; i++) {
		m_volslot *s = &vs->s[i];
		if ((task_id && s->task_id && !strcmp(s->task_id, task_id)) ||
		    (exec_id && s->exec_id && !strcmp(s->exec_id, exec_id)))
			s->task_id = s->exec_id = NULL;
	}
}

/* ------------------------------------------------------------ the records */

/* A volume as Mesos writes it: reserved disk with its reservation stack,
 * disk.persistence and disk.volume (allocation_info when alloc_role). */
static Mesos__V1__Resource *vol_pb(const master *m, const m_volume *v, const char *alloc_role, rt_arena *ar)
{
	Mesos__V1__Resource *r = rt_arena_alloc(ar, sizeof *r);
	mesos__v1__resource__init(r);
	r->name = "disk";
	r->type = MESOS__V1__VALUE__TYPE__SCALAR;
	r->scalar = rt_arena_alloc(ar, sizeof *r->scalar);
	mesos__v1__value__scalar__init(r->scalar);
	r->scalar->value = (double)v->disk / AC_MILLI;
	r->role = NULL;
	r->reservations = rt_arena_alloc(ar, sizeof *r->reservations);
	r->reservations[0] = rt_arena_alloc(ar, sizeof *r->reservations[0]);
	mesos__v1__resource__reservation_info__init(r->reservations[0]);
	r->reservations[0]->has_type = true;
	r->reservations[0]->type = v->dynamic ? MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC
	                                      : MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__STATIC;
	r->reservations[0]->role = (char *)ac_role_name(m->core, v->role);
	r->reservations[0]->principal = v->dynamic ? v->resv_principal : NULL;
	r->n_reservations = 1;
	r->disk = rt_arena_alloc(ar, sizeof *r->disk);
	mesos__v1__resource__disk_info__init(r->disk);
	r->disk->persistence = rt_arena_alloc(ar, sizeof *r->disk->persistence);
	mesos__v1__resource__disk_info__persistence__init(r->disk->persistence);
	r->disk->persistence->id = v->id;
	r->disk->persistence->principal = v->principal;
	r->disk->volume = rt_arena_alloc(ar, sizeof *r->disk->volume);
	mesos__v1__volume__init(r->disk->volume);
	r->disk->volume->mode = MESOS__V1__VOLUME__MODE__RW;
	r->disk->volume->container_path = v->container_path;
	if (alloc_role) {
		r->allocation_info = rt_arena_alloc(ar, sizeof *r->allocation_info);
		mesos__v1__resource__allocation_info__init(r->allocation_info);
		r->allocation_info->role = (char *)alloc_role;
	}
	return r;
}

static void vol_copy(m_volume *dst, const m_volume *v)
{
	*dst = *v;
	dst->id = rt_xstrdup(v->id);
	dst->principal = v->principal ? rt_xstrdup(v->principal) : NULL;
	dst->container_path = rt_xstrdup(v->container_path);
	dst->resv_principal = v->resv_principal ? rt_xstrdup(v->resv_principal) : NULL;
	dst->offer = NULL;
	dst->fw_id = v->fw_id ? rt_xstrdup(v->fw_id) : NULL;
	dst->task_id = v->task_id ? rt_xstrdup(v->task_id) : NULL;
	dst->exec_id = v->exec_id ? rt_xstrdup(v->exec_id) : NULL;
}

static void vol_clear(m_volume *v)
{
	free(v->id);
	free(v->principal);
	free(v->container_path);
	free(v->resv_principal);
	free(v->offer);
	free(v->fw_id);
	free(v->task_id);
	free(v->exec_id);
}

void master_vol_free(m_volume *vols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vol_clear(&vols[i]);
	free(vols);
}

/* Tells the agent to make or remove a volume's directory. An agent that is
 * not connected makes it when a task uses it; a removal it misses leaves the
 * directory behind (logged). */
static void vol_tell_agent(master *m, m_agent *a, const m_volume *v, bool create)
{
	rt_arena *ar = rt_arena_create();
	Meso__Agent__VolumeOp op = MESO__AGENT__VOLUME_OP__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	op.volume = vol_pb(m, v, NULL, ar);
	msg.type = create ? MESO__AGENT__AGENT_MESSAGE__TYPE__CREATE_VOLUME
	                  : MESO__AGENT__AGENT_MESSAGE__TYPE__DESTROY_VOLUME;
	msg.volume = &op;
	if (!master_agent_send(m, a, &msg) && !create)
		rt_log(RT_WARN, "agent %s is not connected: the directory of destroyed volume '%s' stays there", a->id,
		       v->id);
	rt_arena_destroy(ar);
}

void master_vol_create(master *m, m_agent *a, const m_volume *v)
{
	a->vols = rt_xrealloc(a->vols, (a->nvols + 1) * sizeof *a->vols);
	m_volume *nv = &a->vols[a->nvols++];
	vol_copy(nv, v);
	rt_log(RT_INFO, "agent %s: persistent volume '%s' of role %s created (%.1f MB at %s)", a->id, nv->id,
	       ac_role_name(m->core, nv->role), (double)nv->disk / AC_MILLI, nv->container_path);
	vol_tell_agent(m, a, nv, true);
	master_registry_save(m);
}

void master_vol_destroy(master *m, m_agent *a, size_t i)
{
	m_volume *v = &a->vols[i];
	rt_log(RT_INFO, "agent %s: persistent volume '%s' of role %s destroyed", a->id, v->id,
	       ac_role_name(m->core, v->role));
	vol_tell_agent(m, a, v, false);
	vol_clear(v);
	memmove(v, v + 1, (a->nvols - i - 1) * sizeof *v);
	a->nvols--;
	master_registry_save(m);
}

void master_vol_launched(master *m, m_agent *a, const char *fw_id, const char *task_id, const char *exec_id,
                         Mesos__V1__Resource *const *res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		m_volume v;
		char why[300];
		if (!res[i]->disk || vol_parse(m, res[i], &v, why, sizeof why))
			continue;
		m_volume *have = master_vol_find(a, v.role, v.id);
		if (!have)
			continue;
		free(have->fw_id);
		free(have->task_id);
		free(have->exec_id);
		free(have->offer);
		have->offer = NULL;
		have->fw_id = rt_xstrdup(fw_id);
		have->task_id = task_id ? rt_xstrdup(task_id) : NULL;
		have->exec_id = task_id ? NULL : rt_xstrdup(exec_id);
		master_registry_save(m);
	}
}

void master_vol_released(master *m, m_agent *a, const char *fw_id, const char *task_id, const char *exec_id)
{
	bool changed = false;
	for (size_t i = 0; i < a->nvols; i++) {
		m_volume *v = &a->vols[i];
		if (!v->fw_id || strcmp(v->fw_id, fw_id) != 0)
			continue;
		if (task_id ? !v->task_id || strcmp(v->task_id, task_id) != 0
		            : !v->exec_id || strcmp(v->exec_id, exec_id) != 0)
			continue;
		free(v->fw_id);
		free(v->task_id);
		free(v->exec_id);
		v->fw_id = v->task_id = v->exec_id = NULL;
		changed = true;
	}
	if (changed)
		master_registry_save(m);
}

Mesos__V1__Resource **master_resources_pb_vols(master *m, const m_agent *a, const ac_resources *r,
                                               const char *alloc_role, const m_volsel *sel, rt_arena *ar, size_t *n)
{
	if (!sel || !a || !a->nvols)
		return master_resources_pb(m, a, r, alloc_role, ar, n);
	ac_resources rest = *r;
	Mesos__V1__Resource **vp = rt_arena_alloc(ar, a->nvols * sizeof *vp);
	size_t nv = 0;
	for (size_t i = 0; i < a->nvols; i++) {
		m_volume *v = &a->vols[i];
		bool pick = sel->all;
		if (sel->task)
			pick = pick || (v->task_id && !strcmp(v->task_id, sel->task->id) &&
			                !strcmp(v->fw_id, sel->task->fw->id));
		bool mine = sel->offer && v->offer && !strcmp(v->offer, sel->offer->id);
		bool take = sel->offer && sel->assign && !mine && !vol_offered(m, v) && !master_vol_in_use(m, a, v);
		if (!pick && !mine && !take)
			continue;
		uint32_t g = 1;
		while (g < rest.ngroups && rest.group[g].role != v->role)
			g++;
		if (g == rest.ngroups || rest.group[g].amount.v[AC_DISK] < v->disk)
			continue;
		rest.group[g].amount.v[AC_DISK] -= v->disk;
		if (take) {
			free(v->offer);
			v->offer = rt_xstrdup(sel->offer->id);
		}
		vp[nv++] = vol_pb(m, v, alloc_role, ar);
	}
	size_t k = 0;
	Mesos__V1__Resource **base = master_resources_pb(m, a, &rest, alloc_role, ar, &k);
	Mesos__V1__Resource **out = rt_arena_alloc(ar, (k + nv + 1) * sizeof *out);
	size_t j = 0;
	for (size_t i = 0; i < k; i++)
		if (!base[i]->scalar || base[i]->scalar->value > 0 || strcmp(base[i]->name, "disk") != 0)
			out[j++] = base[i];
	memcpy(out + j, vp, nv * sizeof *vp);
	*n = j + nv;
	return out;
}

/* ---------------------------------------------------- registry, recovery */

void master_vol_to_registry(master *m, const m_volume *vols, size_t n, rt_arena *ar,
                            Meso__Registry__Registry__Agent__Volume ***out, size_t *nout)
{
	*out = rt_arena_alloc(ar, (n + 1) * sizeof **out);
	for (size_t i = 0; i < n; i++) {
		Meso__Registry__Registry__Agent__Volume *x = rt_arena_alloc(ar, sizeof *x);
		meso__registry__registry__agent__volume__init(x);
		x->volume = vol_pb(m, &vols[i], NULL, ar);
		if (vols[i].fw_id && (vols[i].task_id || vols[i].exec_id)) {
			x->framework_id = rt_arena_alloc(ar, sizeof *x->framework_id);
			mesos__v1__framework_id__init(x->framework_id);
			x->framework_id->value = vols[i].fw_id;
		}
		if (x->framework_id && vols[i].task_id) {
			x->task_id = rt_arena_alloc(ar, sizeof *x->task_id);
			mesos__v1__task_id__init(x->task_id);
			x->task_id->value = vols[i].task_id;
		} else if (x->framework_id) {
			x->executor_id = rt_arena_alloc(ar, sizeof *x->executor_id);
			mesos__v1__executor_id__init(x->executor_id);
			x->executor_id->value = vols[i].exec_id;
		}
		(*out)[i] = x;
	}
	*nout = n;
}

int master_vol_from_registry(master *m, const Meso__Registry__Registry__Agent__Volume *x, m_volume **vols, size_t *n,
                             char *err, size_t errlen)
{
	m_volume v;
	char why[300];
	const char *bad = vol_parse(m, x->volume, &v, why, sizeof why);
	if (bad) {
		snprintf(err, errlen, "a persistent volume: %s", bad);
		return -1;
	}
	bool held = x->framework_id && (x->task_id || x->executor_id);
	v.fw_id = held ? x->framework_id->value : NULL;
	v.task_id = held && x->task_id ? x->task_id->value : NULL;
	v.exec_id = held && !x->task_id ? x->executor_id->value : NULL;
	*vols = rt_xrealloc(*vols, (*n + 1) * sizeof **vols);
	vol_copy(&(*vols)[(*n)++], &v);
	return 0;
}

void master_vol_recheck(master *m, m_agent *a, const ac_resources *total)
{
	for (size_t i = 0; i < a->nvols; i++) {
		int64_t sum = 0, have = 0;
		for (size_t k = 0; k < a->nvols; k++)
			if (a->vols[k].role == a->vols[i].role)
				sum += a->vols[k].disk;
		for (uint32_t g = 1; g < total->ngroups; g++)
			if (total->group[g].role == a->vols[i].role)
				have = total->group[g].amount.v[AC_DISK];
		if (sum <= have)
			continue;
		rt_log(RT_WARN,
		       "agent %s: its reserved disk no longer holds persistent volume '%s' of role %s: dropped", a->id,
		       a->vols[i].id, ac_role_name(m->core, a->vols[i].role));
		vol_clear(&a->vols[i]);
		memmove(&a->vols[i], &a->vols[i + 1], (a->nvols - i - 1) * sizeof *a->vols);
		a->nvols--;
		i = (size_t)-1; /* sums changed: from the start */
	}
}

void master_vol_claim(master *m, m_agent *a, m_agentop *op)
{
	if (!op || !op->nvols)
		return;
	a->vols = op->vols;
	a->nvols = op->nvols;
	op->vols = NULL;
	op->nvols = 0;
	master_vol_recheck(m, a, &a->total);
}

void master_vol_sync(master *m, m_agent *a)
{
	for (size_t i = 0; i < a->nvols; i++)
		vol_tell_agent(m, a, &a->vols[i], true);
}

/* ---------------------------------------------------------- operator API */

/* The role's reserved disk on the agent that nothing holds (no task,
 * executor or offer) and no free volume is. */
static int64_t plain_free_disk(master *m, const m_agent *a, uint32_t rid)
{
	int64_t d = 0;
	for (uint32_t g = 1; g < a->total.ngroups; g++)
		if (a->total.group[g].role == rid)
			d = a->total.group[g].amount.v[AC_DISK];
	for (const m_task *t = a->tasks; t; t = t->agent_next)
		for (uint32_t g = 1; g < t->res.ngroups; g++)
			if (t->res.group[g].role == rid)
				d -= t->res.group[g].amount.v[AC_DISK];
	for (const m_exec *e = a->execs; e; e = e->agent_next)
		for (uint32_t g = 1; g < e->res.ngroups; g++)
			if (e->res.group[g].role == rid)
				d -= e->res.group[g].amount.v[AC_DISK];
	for (const m_offer *o = a->offers; o; o = o->agent_next)
		for (uint32_t g = 1; g < o->res.ngroups; g++)
			if (o->res.group[g].role == rid)
				d -= o->res.group[g].amount.v[AC_DISK];
	for (size_t i = 0; i < a->nvols; i++)
		if (a->vols[i].role == rid && !master_vol_in_use(m, a, &a->vols[i]) && !vol_offered(m, &a->vols[i]))
			d -= a->vols[i].disk;
	return d;
}

int master_vol_operator(master *m, const Mesos__V1__Master__Call *c, char *msg, size_t len)
{
	bool create = c->type == MESOS__V1__MASTER__CALL__TYPE__CREATE_VOLUMES;
	const Mesos__V1__AgentID *aid = create ? c->create_volumes->agent_id : c->destroy_volumes->agent_id;
	Mesos__V1__Resource *const *res = create ? c->create_volumes->volumes : c->destroy_volumes->volumes;
	size_t n = create ? c->create_volumes->n_volumes : c->destroy_volumes->n_volumes;
	m_agent *a = master_agent_find(m, aid->value);
	if (!a) {
		snprintf(msg, len, "No agent found with specified ID");
		return 400;
	}
	char why[400];
	if (!create) {
		m_volume *out = rt_xcalloc(n ? n : 1, sizeof *out);
		const char *bad = master_vol_check_destroy(m, a, res, n, NULL, out, why, sizeof why);
		int rc = 0;
		if (bad) {
			snprintf(msg, len, "Invalid DESTROY operation on agent %s: %s", a->id, bad);
			rc = 400;
		}
		for (size_t i = 0; i < n && !rc; i++)
			if (!master_authorized(m, RT_ACL_DESTROY_VOLUMES, m->principal, out[i].principal)) {
				msg[0] = '\0';
				rc = 403;
			}
		bool offered = false;
		for (size_t i = 0; i < n && !rc; i++)
			offered = offered || vol_offered(m, master_vol_find(a, out[i].role, out[i].id));
		/* As Mesos: offers that show a volume being destroyed are rescinded. */
		if (offered && !rc)
			ac_agent_update(m->core, a->ac, &a->total, NULL);
		for (size_t i = 0; i < n && !rc; i++)
			master_vol_destroy(m, a, (size_t)(master_vol_find(a, out[i].role, out[i].id) - a->vols));
		free(out);
		if (!rc)
			master_allocate_agent_soon(m, a);
		return rc ? rc : 202;
	}
	m_volume *out = rt_xcalloc(n ? n : 1, sizeof *out);
	int rc = 0;
	const char *bad = master_vol_check_create(m, a, res, n, m->principal, NULL, out, why, sizeof why);
	if (bad) {
		snprintf(msg, len, "Invalid CREATE operation on agent %s: %s", a->id, bad);
		rc = 400;
	} else if (!master_authorized(m, RT_ACL_CREATE_VOLUMES, m->principal, ac_role_name(m->core, out[0].role))) {
		msg[0] = '\0';
		rc = 403;
	} else {
		int64_t need = 0;
		for (size_t i = 0; i < n; i++)
			need += out[i].disk;
		if (need > plain_free_disk(m, a, out[0].role) && a->offers)
			ac_agent_update(m->core, a->ac, &a->total, NULL); /* perhaps offered: taken back */
		if (need > plain_free_disk(m, a, out[0].role)) {
			snprintf(msg, len,
			         "Insufficient resources: agent %s has less than %.1f MB of unused disk reserved for "
			         "role '%s' outside its persistent volumes",
			         a->id, (double)need / AC_MILLI, ac_role_name(m->core, out[0].role));
			rc = 409;
		}
	}
	for (size_t i = 0; i < n && !rc; i++)
		master_vol_create(m, a, &out[i]);
	free(out);
	if (!rc)
		master_allocate_agent_soon(m, a);
	return rc ? rc : 202;
}

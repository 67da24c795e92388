/*
 * master_resv.c — dynamic reservations (Mesos's RESERVE/UNRESERVE offer
 * operations and the operator's RESERVE_RESOURCES/UNRESERVE_RESOURCES),
 * refined ones and port ranges included. alloccore keeps one reserved group
 * per role and agent, static and dynamic alike (ac_agent_reserve,
 * ac_agent_move_reservation); this file keeps which part of it is dynamic,
 * who reserved it and which reservations a refined one was made on
 * (m_agent.resv), checks the operations' resources as Mesos does, and
 * writes reserved resources with their `reservations` stack.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "rt_resources.h"

static void resv_reapply(master *m, m_agent *a, ac_resources *total);
static void resv_claim(master *m, m_agent *a, m_agentop *op);

/* Mesos's roles::isStrictSubroleOf: `sub` is below `role` in the tree. */
static bool strict_subrole(const char *sub, const char *role)
{
	size_t n = strlen(role);
	return strncmp(sub, role, n) == 0 && sub[n] == '/';
}

static bool str_eq(const char *a, const char *b)
{
	return !a == !b && (!a || !strcmp(a, b));
}

/* Checks one resource's `reservations` stack as Mesos's Resources::validate
 * does, plus what Meso cannot keep. NULL or why not. */
static const char *stack_check(const Mesos__V1__Resource *r, const char *op, char *buf, size_t len)
{
	const Mesos__V1__Resource__ReservationInfo *last =
	        r->n_reservations ? r->reservations[r->n_reservations - 1] : NULL;
	if (!last || !last->role || !strcmp(last->role, "*")) {
		snprintf(buf, len, "Invalid %s operation: resource '%s' has no reservation (set `reservations`)", op,
		         r->name);
		return buf;
	}
	if (r->n_reservations > M_RESV_DEPTH) {
		snprintf(buf, len,
		         "Invalid %s operation: resource '%s': Meso keeps reservation stacks of up to %d entries", op,
		         r->name, M_RESV_DEPTH);
		return buf;
	}
	for (size_t i = 0; i + 1 < r->n_reservations; i++) {
		const Mesos__V1__Resource__ReservationInfo *e = r->reservations[i];
		if (!e->has_type)
			return "Invalid reservation: 'Resource.ReservationInfo.type' field must be set.";
		if (!e->role)
			return "Invalid reservation: 'Resource.ReservationInfo.role' field must be set.";
		if (!strcmp(e->role, "*"))
			return "Invalid reservation: role \"*\" cannot be reserved";
	}
	for (size_t i = 1; i < r->n_reservations; i++) {
		const Mesos__V1__Resource__ReservationInfo *e = r->reservations[i];
		if (e->has_type && e->type == MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__STATIC)
			return "Invalid refined reservation: A refined reservation cannot be STATIC";
		if (!strict_subrole(e->role, r->reservations[i - 1]->role)) {
			snprintf(buf, len, "Invalid refined reservation: role '%.60s' is not a refinement of '%.60s'",
			         e->role, r->reservations[i - 1]->role);
			return buf;
		}
	}
	if (last->has_type && last->type != MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC) {
		snprintf(buf, len, "Invalid %s operation: resource '%s' is not a dynamic reservation", op, r->name);
		return buf;
	}
	if (r->type != MESOS__V1__VALUE__TYPE__SCALAR && strcmp(r->name, "ports") != 0) {
		snprintf(buf, len, "Invalid %s operation: resource '%s': Meso reserves scalars and ports only", op,
		         r->name);
		return buf;
	}
	return NULL;
}

/* Whether two resources have the same stack below their last entry. */
static bool same_below(const Mesos__V1__Resource *a, const Mesos__V1__Resource *b)
{
	if (a->n_reservations != b->n_reservations)
		return false;
	for (size_t i = 0; i + 1 < a->n_reservations; i++) {
		const Mesos__V1__Resource__ReservationInfo *x = a->reservations[i], *y = b->reservations[i];
		if (strcmp(x->role, y->role) != 0 || x->type != y->type || !str_eq(x->principal, y->principal))
			return false;
	}
	return true;
}

const char *master_resv_parse(master *m, Mesos__V1__Resource *const *res, size_t n, bool reserve, m_resv *out,
                              char *buf, size_t len)
{
	const char *op = reserve ? "reserve" : "unreserve";
	memset(out, 0, sizeof *out);
	if (n == 0) {
		snprintf(buf, len, "Invalid %s operation: no resources given", op);
		return buf;
	}
	const char *role = NULL, *principal = NULL;
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = res[i];
		const char *why = stack_check(r, op, buf, len);
		if (why)
			return why;
		const Mesos__V1__Resource__ReservationInfo *last = r->reservations[r->n_reservations - 1];
		if (role && strcmp(role, last->role) != 0) {
			snprintf(buf, len, "Invalid %s operation: Meso takes one role per operation ('%s' and '%s')",
			         op, role, last->role);
			return buf;
		}
		if (i > 0 && !same_below(r, res[0])) {
			snprintf(buf, len, "Invalid %s operation: Meso takes one reservation stack per operation", op);
			return buf;
		}
		const char *p = last->principal;
		if (i > 0 && !str_eq(p, principal)) {
			snprintf(buf, len, "Invalid %s operation: Meso takes one principal per operation", op);
			return buf;
		}
		role = last->role;
		principal = p;
	}
	ac_resources set;
	ac_err err;
	if (rt_resources_from_pb(m->core, res, n, &set, &err) != 0) {
		snprintf(buf, len, "Invalid %s operation: %s", op, err.msg);
		return buf;
	}
	/* One reserved group (the last entry's role): its amounts and ports. */
	if (set.ngroups == 2) {
		out->role = set.group[1].role;
		out->amount = set.group[1].amount;
		out->nports = set.group[1].nports;
		memcpy(out->ports, set.group[1].ports, sizeof out->ports);
	}
	if (ac_vec_is_zero(&out->amount) && out->nports == 0) {
		snprintf(buf, len, "Invalid %s operation: no resources given", op);
		return buf;
	}
	out->principal = (char *)principal;
	const Mesos__V1__Resource *r0 = res[0];
	for (size_t i = 0; i + 1 < r0->n_reservations; i++) {
		const Mesos__V1__Resource__ReservationInfo *e = r0->reservations[i];
		int64_t rid = ac_role_intern(m->core, e->role, &err);
		if (rid <= 0) {
			snprintf(buf, len, "Invalid %s operation: invalid role '%.60s'", op, e->role);
			return buf;
		}
		m_resv_level *l = &out->below[out->nbelow++];
		l->role = (uint32_t)rid;
		l->principal = e->principal;
		l->dynamic = e->type != MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__STATIC;
	}
	return NULL;
}

void master_resv_set(const m_resv *r, ac_resources *out)
{
	ac_resources_init(out);
	out->group[0].amount = r->amount;
	out->group[0].nports = r->nports;
	memcpy(out->group[0].ports, r->ports, sizeof r->ports);
}

/* An unreserved set as role's reserved group (role 0: as it is). */
static void in_role(uint32_t role, const ac_resources *unres, ac_resources *out)
{
	*out = *unres;
	if (!role)
		return;
	ac_resources_init(out);
	out->ngroups = 2;
	out->group[1] = unres->group[0];
	out->group[1].role = role;
}

/* The reservation r's last entry was made on (0: unreserved). */
static uint32_t below_role(const m_resv *r)
{
	return r->nbelow ? r->below[r->nbelow - 1].role : 0;
}

/* Where r's resources came from in the core: a static reservation at the
 * bottom of its stack, else unreserved (every dynamic entry is a group the
 * core moved them through). */
static uint32_t base_role(const m_resv *r)
{
	return r->nbelow && !r->below[0].dynamic ? r->below[0].role : 0;
}

/* The record r's last entry was made on, when that one is dynamic. */
static bool below_record(const m_resv *r, m_resv *out)
{
	if (!r->nbelow || !r->below[r->nbelow - 1].dynamic)
		return false;
	memset(out, 0, sizeof *out);
	out->role = r->below[r->nbelow - 1].role;
	out->principal = r->below[r->nbelow - 1].principal;
	out->nbelow = r->nbelow - 1;
	memcpy(out->below, r->below, out->nbelow * sizeof *out->below);
	out->amount = r->amount;
	out->nports = r->nports;
	memcpy(out->ports, r->ports, sizeof r->ports);
	return true;
}

/* Same stack: roles, types and principals below, the last role, and (with
 * principal) the last principal. */
static bool same_stack(const m_resv *a, const m_resv *b, bool principal)
{
	if (a->role != b->role || a->nbelow != b->nbelow || (principal && !str_eq(a->principal, b->principal)))
		return false;
	for (uint32_t i = 0; i < a->nbelow; i++)
		if (a->below[i].role != b->below[i].role || a->below[i].dynamic != b->below[i].dynamic ||
		    !str_eq(a->below[i].principal, b->below[i].principal))
			return false;
	return true;
}

/* The stack as text for messages, "[eng, eng/web]"; without top, the
 * stack r's last entry was made on. */
static const char *stack_text(const master *m, const m_resv *r, bool top, char *buf, size_t len)
{
	size_t o = 0;
	for (uint32_t i = 0; i < r->nbelow + top && o < len; i++) {
		uint32_t role = i < r->nbelow ? r->below[i].role : r->role;
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "[", ac_role_name(m->core, role));
	}
	if (o < len)
		snprintf(buf + o, len - o, "]");
	return buf;
}

int64_t master_resv_volume_disk(const m_agent *a, uint32_t rid)
{
	int64_t d = 0;
	for (size_t i = 0; i < a->nvols; i++)
		if (a->vols[i].role == rid && a->vols[i].dynamic)
			d += a->vols[i].disk;
	return d;
}

int64_t master_resv_refined_disk(const m_agent *a, uint32_t rid)
{
	int64_t d = 0;
	for (size_t i = 0; i < a->nresv; i++)
		if (a->resv[i].role == rid && a->resv[i].nbelow)
			d += a->resv[i].amount.v[AC_DISK];
	return d;
}

/* What the records with r's stack hold (with principal: and its last principal). */
static void resv_sum(const m_agent *a, const m_resv *r, bool principal, ac_resources *out)
{
	ac_resources_init(out);
	for (size_t i = 0; i < a->nresv; i++)
		if (same_stack(&a->resv[i], r, principal)) {
			ac_resources s;
			master_resv_set(&a->resv[i], &s);
			ac_resources_add(out, &s);
		}
}

void master_resv_sum(const m_agent *a, const m_resv *r, ac_resources *out)
{
	resv_sum(a, r, false, out);
}

/* The static part of role rid's reservation on the agent: its group in the
 * total less every dynamic record there and its static volumes. */
static void static_part(const m_agent *a, uint32_t rid, ac_resources *out)
{
	ac_resources_init(out);
	for (uint32_t g = 1; g < a->total.ngroups; g++)
		if (a->total.group[g].role == rid) {
			out->group[0] = a->total.group[g];
			out->group[0].role = 0;
		}
	for (size_t i = 0; i < a->nresv; i++)
		if (a->resv[i].role == rid) {
			ac_resources s;
			master_resv_set(&a->resv[i], &s);
			ac_resources_sub(out, &s);
		}
	for (size_t i = 0; i < a->nvols; i++)
		if (a->vols[i].role == rid && !a->vols[i].dynamic)
			out->group[0].amount.v[AC_DISK] -= a->vols[i].disk;
}

/* Whether the reservation a refinement is made on holds its resources
 * (outside persistent volumes). */
bool master_resv_source_holds(const m_agent *a, const m_resv *r)
{
	ac_resources have, need;
	master_resv_set(r, &need);
	m_resv src;
	if (below_record(r, &src)) {
		resv_sum(a, &src, true, &have);
		have.group[0].amount.v[AC_DISK] -= master_resv_volume_disk(a, src.role);
	} else {
		static_part(a, below_role(r), &have);
	}
	return ac_resources_contains(&have, &need);
}

void master_resv_moved(const m_resv *r, bool reserve, ac_resources *from, ac_resources *to)
{
	ac_resources set;
	master_resv_set(r, &set);
	in_role(reserve ? below_role(r) : r->role, &set, from);
	in_role(reserve ? r->role : below_role(r), &set, to);
}

/* Moves set from role `from`'s group into role `to`'s in a total. */
static int total_move(ac_resources *total, uint32_t from, uint32_t to, const ac_resources *set)
{
	ac_resources f, t, x = *total;
	in_role(from, set, &f);
	in_role(to, set, &t);
	if (ac_resources_sub(&x, &f) != 0 || ac_resources_add(&x, &t) != 0)
		return -1;
	*total = x;
	return 0;
}

void master_resv_record(m_resv **resv, size_t *n, const m_resv *r)
{
	ac_resources add;
	master_resv_set(r, &add);
	for (size_t i = 0; i < *n; i++) {
		m_resv *x = &(*resv)[i];
		if (!same_stack(x, r, true))
			continue;
		ac_resources s;
		master_resv_set(x, &s);
		if (ac_resources_add(&s, &add) != 0)
			break; /* too many port ranges for one record: a new one */
		x->amount = s.group[0].amount;
		x->nports = s.group[0].nports;
		memcpy(x->ports, s.group[0].ports, sizeof x->ports);
		return;
	}
	*resv = rt_xrealloc(*resv, (*n + 1) * sizeof **resv);
	m_resv *x = &(*resv)[(*n)++];
	*x = *r;
	x->principal = r->principal ? rt_xstrdup(r->principal) : NULL;
	for (uint32_t i = 0; i < x->nbelow; i++)
		x->below[i].principal = r->below[i].principal ? rt_xstrdup(r->below[i].principal) : NULL;
}

static void resv_free_one(m_resv *r)
{
	free(r->principal);
	for (uint32_t i = 0; i < r->nbelow; i++)
		free(r->below[i].principal);
}

void master_resv_free_list(m_resv *resv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		resv_free_one(&resv[i]);
	free(resv);
}

/* Port ranges in both a and b (sorted, disjoint), at most AC_MAX_RANGES. */
static uint32_t ports_meet(const ac_range *a, uint32_t na, const ac_range *b, uint32_t nb, ac_range *out)
{
	uint32_t i = 0, j = 0, n = 0;
	while (i < na && j < nb && n < AC_MAX_RANGES) {
		uint32_t lo = a[i].begin > b[j].begin ? a[i].begin : b[j].begin;
		uint32_t hi = a[i].end < b[j].end ? a[i].end : b[j].end;
		if (lo <= hi)
			out[n++] = (ac_range){lo, hi};
		if (a[i].end < b[j].end)
			i++;
		else
			j++;
	}
	return n;
}

/* The part of `want` (unreserved) record x still holds: taken out of both. */
static void take_part(ac_resources *want, m_resv *x, ac_resources *part)
{
	ac_resources_init(part);
	for (int k = 0; k < AC_KINDS; k++) {
		int64_t t = want->group[0].amount.v[k] < x->amount.v[k] ? want->group[0].amount.v[k] : x->amount.v[k];
		part->group[0].amount.v[k] = t > 0 ? t : 0;
	}
	part->group[0].nports =
	        ports_meet(want->group[0].ports, want->group[0].nports, x->ports, x->nports, part->group[0].ports);
	ac_resources s;
	master_resv_set(x, &s);
	ac_resources_sub(&s, part);
	ac_resources_sub(want, part);
	x->amount = s.group[0].amount;
	x->nports = s.group[0].nports;
	memcpy(x->ports, s.group[0].ports, sizeof x->ports);
}

/* Takes set out of the records with r's stack (with principal: and its
 * last principal), newest first; empty records go. */
static void resv_take(m_agent *a, const m_resv *r, bool principal, const ac_resources *set)
{
	ac_resources left = *set;
	for (size_t i = a->nresv; i-- > 0;) {
		m_resv *x = &a->resv[i];
		if (!same_stack(x, r, principal))
			continue;
		ac_resources part;
		take_part(&left, x, &part);
		if (ac_vec_is_zero(&x->amount) && x->nports == 0) {
			resv_free_one(x);
			memmove(x, x + 1, (a->nresv - i - 1) * sizeof *x);
			a->nresv--;
		}
	}
}

/* The core framework of fw's role `role` that holds the reservation (0: no framework). */
static ac_fw_id role_core(const master *m, const m_fw *fw, const char *role)
{
	ac_fw_id ac = 0;
	if (fw && !master_fw_core_of(m, fw, role, &ac))
		ac = master_fw_core(m, fw);
	return ac;
}

static const char *role_or_null(const master *m, uint32_t rid)
{
	return rid ? ac_role_name(m->core, rid) : NULL;
}

int master_resv_reserve(master *m, m_agent *a, m_fw *fw, const m_resv *r, ac_err *err)
{
	ac_resources set;
	master_resv_set(r, &set);
	if (r->nbelow && !master_resv_source_holds(a, r)) {
		char st[200];
		err->code = AC_EINVAL;
		snprintf(err->msg, sizeof err->msg,
		         "agent %s has less than that reserved as %s outside persistent volumes", a->id,
		         stack_text(m, r, false, st, sizeof st));
		return AC_EINVAL;
	}
	const char *role = ac_role_name(m->core, r->role);
	int rc = ac_agent_move_reservation(m->core, a->ac, role_core(m, fw, role), role_or_null(m, below_role(r)), role,
	                                   &set, err);
	if (rc)
		return rc;
	total_move(&a->total, below_role(r), r->role, &set);
	m_resv src;
	if (below_record(r, &src))
		resv_take(a, &src, true, &set);
	master_resv_record(&a->resv, &a->nresv, r);
	master_registry_save(m);
	return 0;
}

int master_resv_unreserve(master *m, m_agent *a, m_fw *fw, const m_resv *r, ac_err *err)
{
	ac_resources set, have;
	master_resv_set(r, &set);
	master_resv_sum(a, r, &have);
	have.group[0].amount.v[AC_DISK] -= master_resv_volume_disk(a, r->role);
	const char *role = ac_role_name(m->core, r->role);
	if (!ac_resources_contains(&have, &set)) {
		char st[200];
		err->code = AC_EINVAL;
		snprintf(err->msg, sizeof err->msg,
		         "agent %s has less than that dynamically reserved for role '%s'%s%s outside its persistent "
		         "volumes",
		         a->id, role, r->nbelow ? " as " : "", r->nbelow ? stack_text(m, r, true, st, sizeof st) : "");
		return AC_EINVAL;
	}
	int rc = ac_agent_move_reservation(m->core, a->ac, role_core(m, fw, role), role, role_or_null(m, below_role(r)),
	                                   &set, err);
	if (rc)
		return rc;
	total_move(&a->total, r->role, below_role(r), &set);
	resv_take(a, r, false, &set);
	m_resv src;
	if (below_record(r, &src))
		master_resv_record(&a->resv, &a->nresv, &src);
	master_registry_save(m);
	return 0;
}

void master_resv_reapply(master *m, m_agent *a, ac_resources *total)
{
	resv_reapply(m, a, total);
	master_vol_recheck(m, a, total);
}

static void resv_reapply(master *m, m_agent *a, ac_resources *total)
{
	for (size_t i = 0; i < a->nresv; i++) {
		ac_resources set;
		master_resv_set(&a->resv[i], &set);
		if (total_move(total, base_role(&a->resv[i]), a->resv[i].role, &set) == 0)
			continue;
		rt_log(RT_WARN, "agent %s: its resources no longer hold the dynamic reservation for role '%s': dropped",
		       a->id, ac_role_name(m->core, a->resv[i].role));
		resv_free_one(&a->resv[i]);
		memmove(&a->resv[i], &a->resv[i + 1], (a->nresv - i - 1) * sizeof *a->resv);
		a->nresv--;
		i--;
	}
}

void master_resv_free(m_agent *a)
{
	master_vol_free(a->vols, a->nvols);
	a->vols = NULL;
	a->nvols = 0;
	master_resv_free_list(a->resv, a->nresv);
	a->resv = NULL;
	a->nresv = 0;
}

void master_resv_claim(master *m, m_agent *a)
{
	m_agentop *op;
	HASH_FIND_STR(m->agentops, a->id, op);
	resv_claim(m, a, op);
	master_vol_claim(m, a, op); /* after: volumes may be on dynamically reserved disk */
}

/* The registry's records go back as they were: each moves, in the core,
 * from where its stack began (unreserved, or a static reservation) straight
 * into its last role, since the dynamic entries between are records too. */
static void resv_claim(master *m, m_agent *a, m_agentop *op)
{
	if (!op || !op->nresv)
		return;
	for (size_t i = 0; i < op->nresv; i++) {
		const m_resv *r = &op->resv[i];
		ac_resources set;
		master_resv_set(r, &set);
		ac_err err;
		const char *role = ac_role_name(m->core, r->role);
		if (ac_agent_move_reservation(m->core, a->ac, 0, role_or_null(m, base_role(r)), role, &set, &err) !=
		    0) {
			rt_log(RT_WARN, "agent %s: cannot restore its dynamic reservation for role '%s': %s", a->id,
			       role, err.msg);
			continue;
		}
		total_move(&a->total, base_role(r), r->role, &set);
		master_resv_record(&a->resv, &a->nresv, r);
	}
	master_resv_free_list(op->resv, op->nresv);
	op->resv = NULL;
	op->nresv = 0;
	master_registry_save(m);
}

/* One reservation entry. */
static Mesos__V1__Resource__ReservationInfo *entry(rt_arena *ar, bool dynamic, const char *role, const char *principal)
{
	Mesos__V1__Resource__ReservationInfo *e = rt_arena_alloc(ar, sizeof *e);
	mesos__v1__resource__reservation_info__init(e);
	e->has_type = true;
	e->type = dynamic ? MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC
	                  : MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__STATIC;
	e->role = (char *)role;
	e->principal = (char *)principal;
	return e;
}

/* Sets a resource's `reservations`: a static reservation for role
 * (r NULL), or record r's stack. */
static void set_stack(const master *m, Mesos__V1__Resource *x, const char *role, const m_resv *r, rt_arena *ar)
{
	size_t n = r ? r->nbelow + 1 : 1;
	x->reservations = rt_arena_alloc(ar, n * sizeof *x->reservations);
	x->n_reservations = n;
	if (!r) {
		x->reservations[0] = entry(ar, false, role, NULL);
		return;
	}
	for (uint32_t i = 0; i < r->nbelow; i++)
		x->reservations[i] =
		        entry(ar, r->below[i].dynamic, ac_role_name(m->core, r->below[i].role), r->below[i].principal);
	x->reservations[r->nbelow] = entry(ar, true, ac_role_name(m->core, r->role), r->principal);
}

/* Ports entry x of role group g: each record's ranges in it as their own
 * entries (from left, what the records can still stand for), the rest
 * static; returns the new count. */
static size_t split_ports(const master *m, const m_agent *a, Mesos__V1__Resource *x, const ac_group *g,
                          ac_resources *left, const char *alloc_role, rt_arena *ar, Mesos__V1__Resource **out, size_t n)
{
	ac_resources rest;
	ac_resources_init(&rest);
	rest.group[0].nports = g->nports;
	memcpy(rest.group[0].ports, g->ports, sizeof g->ports);
	for (size_t i = 0; i < a->nresv && rest.group[0].nports; i++) {
		if (a->resv[i].role != g->role || !left[i].group[0].nports)
			continue;
		ac_resources part;
		ac_resources_init(&part);
		part.group[0].nports = ports_meet(rest.group[0].ports, rest.group[0].nports, left[i].group[0].ports,
		                                  left[i].group[0].nports, part.group[0].ports);
		if (!part.group[0].nports)
			continue;
		ac_resources_sub(&rest, &part);
		ac_resources_sub(&left[i], &part);
		ac_resources pg;
		in_role(g->role, &part, &pg);
		size_t k = 0;
		Mesos__V1__Resource **d = rt_resources_to_pb(m->core, &pg, alloc_role, ar, &k);
		if (k == 1) {
			set_stack(m, d[0], x->role, &a->resv[i], ar);
			out[n++] = d[0];
		}
	}
	if (!rest.group[0].nports)
		return n;
	ac_resources rg;
	in_role(g->role, &rest, &rg);
	size_t k = 0;
	Mesos__V1__Resource **d = rt_resources_to_pb(m->core, &rg, alloc_role, ar, &k);
	if (k == 1) {
		set_stack(m, d[0], x->role, NULL, ar);
		out[n++] = d[0];
	}
	return n;
}

Mesos__V1__Resource **master_resources_pb(const master *m, const m_agent *a, const ac_resources *r,
                                          const char *alloc_role, rt_arena *ar, size_t *n)
{
	size_t k = 0;
	Mesos__V1__Resource **in = rt_resources_to_pb(m->core, r, alloc_role, ar, &k);
	size_t nresv = a ? a->nresv : 0;
	Mesos__V1__Resource **out = rt_arena_alloc(ar, (k * (nresv + 1) + 1) * sizeof *out);
	/* What each dynamic record can still stand for in this set: the
	 * reserved groups say how much; the records, newest last, say which
	 * part is dynamic, whose and on what (the dynamic part is written first). */
	ac_resources *left = nresv ? rt_arena_alloc(ar, nresv * sizeof *left) : NULL;
	for (size_t i = 0; i < nresv; i++)
		master_resv_set(&a->resv[i], &left[i]);
	*n = 0;
	for (size_t j = 0; j < k; j++) {
		Mesos__V1__Resource *x = in[j];
		if (!x->role || !strcmp(x->role, "*")) {
			out[(*n)++] = x;
			continue;
		}
		if (x->ranges) {
			for (uint32_t g = 1; g < r->ngroups; g++)
				if (!strcmp(ac_role_name(m->core, r->group[g].role), x->role))
					*n = split_ports(m, a, x, &r->group[g], left, alloc_role, ar, out, *n);
			continue;
		}
		int kind = -1;
		for (int q = 0; q < AC_KINDS && x->scalar; q++)
			if (ac_kind_name(m->core, q) && !strcmp(ac_kind_name(m->core, q), x->name))
				kind = q;
		int64_t rest = kind >= 0 ? (int64_t)(x->scalar->value * AC_MILLI + 0.5) : 0;
		for (size_t i = 0; i < nresv && kind >= 0 && rest > 0; i++) {
			int64_t *l = &left[i].group[0].amount.v[kind];
			if (*l <= 0 || strcmp(ac_role_name(m->core, a->resv[i].role), x->role) != 0)
				continue;
			int64_t take = rest < *l ? rest : *l;
			*l -= take;
			rest -= take;
			Mesos__V1__Resource *d = rt_arena_alloc(ar, sizeof *d);
			*d = *x;
			d->scalar = rt_arena_alloc(ar, sizeof *d->scalar);
			mesos__v1__value__scalar__init(d->scalar);
			d->scalar->value = (double)take / AC_MILLI;
			set_stack(m, d, x->role, &a->resv[i], ar);
			out[(*n)++] = d;
		}
		if (kind >= 0 && rest == 0)
			continue;
		if (kind >= 0)
			x->scalar->value = (double)rest / AC_MILLI;
		set_stack(m, x, x->role, NULL, ar);
		out[(*n)++] = x;
	}
	return out;
}

size_t master_resv_to_pb(const master *m, const m_resv *resv, size_t n, rt_arena *ar, Mesos__V1__Resource ***out)
{
	size_t total = 0, cap = n * (AC_KINDS + 1) + 1;
	*out = rt_arena_alloc(ar, cap * sizeof **out);
	for (size_t i = 0; i < n; i++) {
		ac_resources set, g;
		master_resv_set(&resv[i], &set);
		in_role(resv[i].role, &set, &g);
		size_t k = 0;
		Mesos__V1__Resource **res = rt_resources_to_pb(m->core, &g, NULL, ar, &k);
		for (size_t j = 0; j < k && total < cap; j++) {
			set_stack(m, res[j], NULL, &resv[i], ar);
			res[j]->role = NULL; /* the stack says it */
			(*out)[total++] = res[j];
		}
	}
	return total;
}

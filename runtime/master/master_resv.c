/*
 * master_resv.c — dynamic reservations (Mesos's RESERVE/UNRESERVE offer
 * operations and the operator's RESERVE_RESOURCES/UNRESERVE_RESOURCES).
 * alloccore keeps one reserved group per role and agent, static and dynamic
 * alike (ac_agent_reserve); this file keeps which part of it is dynamic and
 * who reserved it (m_agent.resv), checks the operations' resources as Mesos
 * does, and writes reserved resources with their `reservations` stack.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "rt_resources.h"

static void resv_reapply(master *m, m_agent *a, ac_resources *total);
static void resv_claim(master *m, m_agent *a, m_agentop *op);

const char *master_resv_parse(master *m, Mesos__V1__Resource *const *res, size_t n, bool reserve, ac_resources *unres,
                              const char **role, const char **principal, char *buf, size_t len)
{
	const char *op = reserve ? "reserve" : "unreserve";
	*role = *principal = NULL;
	if (n == 0) {
		snprintf(buf, len, "Invalid %s operation: no resources given", op);
		return buf;
	}
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = res[i];
		const Mesos__V1__Resource__ReservationInfo *last =
		        r->n_reservations ? r->reservations[r->n_reservations - 1] : NULL;
		if (!last || !last->role || !strcmp(last->role, "*")) {
			snprintf(buf, len,
			         "Invalid %s operation: resource '%s' has no reservation (set `reservations`)", op,
			         r->name);
			return buf;
		}
		if (r->n_reservations > 1) {
			snprintf(buf, len,
			         "Invalid %s operation: resource '%s' refines a reservation; Meso does not support "
			         "reservation refinement",
			         op, r->name);
			return buf;
		}
		if (last->has_type && last->type != MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC) {
			snprintf(buf, len, "Invalid %s operation: resource '%s' is not a dynamic reservation", op,
			         r->name);
			return buf;
		}
		if (r->type != MESOS__V1__VALUE__TYPE__SCALAR) {
			snprintf(buf, len, "Invalid %s operation: resource '%s': Meso reserves scalars only", op,
			         r->name);
			return buf;
		}
		if (*role && strcmp(*role, last->role) != 0) {
			snprintf(buf, len, "Invalid %s operation: Meso takes one role per operation ('%s' and '%s')",
			         op, *role, last->role);
			return buf;
		}
		const char *p = last->principal;
		if (i > 0 && (!p != !*principal || (p && strcmp(p, *principal) != 0))) {
			snprintf(buf, len, "Invalid %s operation: Meso takes one principal per operation", op);
			return buf;
		}
		*role = last->role;
		*principal = p;
	}
	ac_resources set;
	ac_err err;
	if (rt_resources_from_pb(m->core, res, n, &set, &err) != 0) {
		snprintf(buf, len, "Invalid %s operation: %s", op, err.msg);
		return buf;
	}
	/* One reserved group (the role's), no ports: its amounts, unreserved. */
	ac_resources_init(unres);
	if (set.ngroups == 2)
		unres->group[0].amount = set.group[1].amount;
	if (ac_resources_empty(unres)) {
		snprintf(buf, len, "Invalid %s operation: no resources given", op);
		return buf;
	}
	return NULL;
}

int64_t master_resv_volume_disk(const m_agent *a, uint32_t rid)
{
	int64_t d = 0;
	for (size_t i = 0; i < a->nvols; i++)
		if (a->vols[i].role == rid && a->vols[i].dynamic)
			d += a->vols[i].disk;
	return d;
}

/* The agent's record of what is dynamically reserved for role id `rid`. */
static ac_vec resv_sum(const m_agent *a, uint32_t rid)
{
	ac_vec s;
	ac_vec_zero(&s);
	for (size_t i = 0; i < a->nresv; i++)
		if (a->resv[i].role == rid)
			ac_vec_add(&s, &a->resv[i].amount);
	return s;
}

/* The agent's total (master's copy) with `v` moved into (sign +1) or out of
 * (-1) role rid's group. */
static void total_move(m_agent *a, uint32_t rid, const ac_vec *v, int sign)
{
	ac_resources g;
	ac_resources_init(&g);
	g.ngroups = 2;
	g.group[1].role = rid;
	g.group[1].amount = *v;
	ac_resources u;
	ac_resources_from_vec(&u, v);
	if (sign > 0) {
		ac_resources_sub(&a->total, &u);
		ac_resources_add(&a->total, &g);
	} else {
		ac_resources_sub(&a->total, &g);
		ac_resources_add(&a->total, &u);
	}
}

void master_resv_record(m_resv **resv, size_t *n, uint32_t rid, const char *principal, const ac_vec *v)
{
	for (size_t i = 0; i < *n; i++) {
		m_resv *r = &(*resv)[i];
		if (r->role == rid && (!r->principal == !principal) &&
		    (!principal || !strcmp(r->principal, principal))) {
			ac_vec_add(&r->amount, v);
			return;
		}
	}
	*resv = rt_xrealloc(*resv, (*n + 1) * sizeof **resv);
	m_resv *r = &(*resv)[(*n)++];
	r->role = rid;
	r->principal = principal ? rt_xstrdup(principal) : NULL;
	r->amount = *v;
}

/* Takes v out of role rid's records, newest first; empty records go. */
static void resv_take(m_agent *a, uint32_t rid, const ac_vec *v)
{
	ac_vec left = *v;
	for (size_t i = a->nresv; i-- > 0;) {
		m_resv *r = &a->resv[i];
		if (r->role != rid)
			continue;
		for (int k = 0; k < AC_KINDS; k++) {
			int64_t t = left.v[k] < r->amount.v[k] ? left.v[k] : r->amount.v[k];
			r->amount.v[k] -= t;
			left.v[k] -= t;
		}
		if (ac_vec_is_zero(&r->amount)) {
			free(r->principal);
			memmove(r, r + 1, (a->nresv - i - 1) * sizeof *r);
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

int master_resv_reserve(master *m, m_agent *a, m_fw *fw, const char *role, const char *principal,
                        const ac_resources *unres, ac_err *err)
{
	int rc = ac_agent_reserve(m->core, a->ac, role_core(m, fw, role), role, unres, err);
	if (rc)
		return rc;
	uint32_t rid = (uint32_t)ac_role_intern(m->core, role, NULL);
	total_move(a, rid, &unres->group[0].amount, +1);
	master_resv_record(&a->resv, &a->nresv, rid, principal, &unres->group[0].amount);
	master_registry_save(m);
	return 0;
}

int master_resv_unreserve(master *m, m_agent *a, m_fw *fw, const char *role, const ac_resources *unres, ac_err *err)
{
	int64_t rid = ac_role_intern(m->core, role, err);
	if (rid < 0)
		return (int)rid;
	ac_vec have = resv_sum(a, (uint32_t)rid);
	have.v[AC_DISK] -= master_resv_volume_disk(a, (uint32_t)rid);
	if (!ac_vec_fits(&unres->group[0].amount, &have)) {
		err->code = AC_EINVAL;
		snprintf(
		        err->msg, sizeof err->msg,
		        "agent %s has less than that dynamically reserved for role '%s' outside its persistent volumes",
		        a->id, role);
		return AC_EINVAL;
	}
	int rc = ac_agent_unreserve(m->core, a->ac, role_core(m, fw, role), role, unres, err);
	if (rc)
		return rc;
	total_move(a, (uint32_t)rid, &unres->group[0].amount, -1);
	resv_take(a, (uint32_t)rid, &unres->group[0].amount);
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
		ac_resources u, g;
		ac_resources_from_vec(&u, &a->resv[i].amount);
		ac_resources_init(&g);
		g.ngroups = 2;
		g.group[1].role = a->resv[i].role;
		g.group[1].amount = a->resv[i].amount;
		ac_resources t = *total;
		if (ac_resources_sub(&t, &u) == 0 && ac_resources_add(&t, &g) == 0) {
			*total = t;
			continue;
		}
		rt_log(RT_WARN, "agent %s: its resources no longer hold the dynamic reservation for role '%s': dropped",
		       a->id, ac_role_name(m->core, a->resv[i].role));
		free(a->resv[i].principal);
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
	for (size_t i = 0; i < a->nresv; i++)
		free(a->resv[i].principal);
	free(a->resv);
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

static void resv_claim(master *m, m_agent *a, m_agentop *op)
{
	if (!op || !op->nresv)
		return;
	for (size_t i = 0; i < op->nresv; i++) {
		const m_resv *r = &op->resv[i];
		ac_resources unres;
		ac_resources_from_vec(&unres, &r->amount);
		ac_err err;
		const char *role = ac_role_name(m->core, r->role);
		if (master_resv_reserve(m, a, NULL, role, r->principal, &unres, &err) != 0)
			rt_log(RT_WARN, "agent %s: cannot restore its dynamic reservation for role '%s': %s", a->id,
			       role, err.msg);
		free(r->principal);
	}
	free(op->resv);
	op->resv = NULL;
	op->nresv = 0;
}

/* One reservation stack entry. */
static Mesos__V1__Resource__ReservationInfo **stack(rt_arena *ar, bool dynamic, const char *role, const char *principal)
{
	Mesos__V1__Resource__ReservationInfo **s = rt_arena_alloc(ar, sizeof *s);
	s[0] = rt_arena_alloc(ar, sizeof *s[0]);
	mesos__v1__resource__reservation_info__init(s[0]);
	s[0]->has_type = true;
	s[0]->type = dynamic ? MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC
	                     : MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__STATIC;
	s[0]->role = (char *)role;
	s[0]->principal = (char *)principal;
	return s;
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
	 * part is dynamic and whose (the dynamic part is written first). */
	ac_vec *left = rt_arena_alloc(ar, (nresv + 1) * sizeof *left);
	for (size_t i = 0; i < nresv; i++)
		left[i] = a->resv[i].amount;
	*n = 0;
	for (size_t j = 0; j < k; j++) {
		Mesos__V1__Resource *x = in[j];
		if (!x->role || !strcmp(x->role, "*")) {
			out[(*n)++] = x;
			continue;
		}
		int kind = -1;
		for (int q = 0; q < AC_KINDS && x->scalar; q++)
			if (ac_kind_name(m->core, q) && !strcmp(ac_kind_name(m->core, q), x->name))
				kind = q;
		int64_t rest = kind >= 0 ? (int64_t)(x->scalar->value * AC_MILLI + 0.5) : 0;
		for (size_t i = 0; i < nresv && kind >= 0 && rest > 0; i++) {
			if (left[i].v[kind] <= 0 || strcmp(ac_role_name(m->core, a->resv[i].role), x->role) != 0)
				continue;
			int64_t take = rest < left[i].v[kind] ? rest : left[i].v[kind];
			left[i].v[kind] -= take;
			rest -= take;
			Mesos__V1__Resource *d = rt_arena_alloc(ar, sizeof *d);
			*d = *x;
			d->scalar = rt_arena_alloc(ar, sizeof *d->scalar);
			mesos__v1__value__scalar__init(d->scalar);
			d->scalar->value = (double)take / AC_MILLI;
			d->reservations = stack(ar, true, x->role, a->resv[i].principal);
			d->n_reservations = 1;
			out[(*n)++] = d;
		}
		if (kind >= 0 && rest == 0)
			continue;
		if (kind >= 0)
			x->scalar->value = (double)rest / AC_MILLI;
		x->reservations = stack(ar, false, x->role, NULL);
		x->n_reservations = 1;
		out[(*n)++] = x;
	}
	return out;
}

size_t master_resv_to_pb(const master *m, const m_resv *resv, size_t n, rt_arena *ar, Mesos__V1__Resource ***out)
{
	size_t total = 0, cap = n * AC_KINDS + 1;
	*out = rt_arena_alloc(ar, cap * sizeof **out);
	for (size_t i = 0; i < n; i++) {
		ac_resources g;
		ac_resources_init(&g);
		g.ngroups = 2;
		g.group[1].role = resv[i].role;
		g.group[1].amount = resv[i].amount;
		size_t k = 0;
		Mesos__V1__Resource **res = rt_resources_to_pb(m->core, &g, NULL, ar, &k);
		for (size_t j = 0; j < k && total < cap; j++) {
			res[j]->reservations = stack(ar, true, res[j]->role, resv[i].principal);
			res[j]->n_reservations = 1;
			res[j]->role = NULL; /* the stack says it */
			(*out)[total++] = res[j];
		}
	}
	return total;
}

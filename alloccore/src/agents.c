/*
 * agents.c — the agent entry points (ac_agent_*): adding, updating,
 * removing, (de)activating agents and looking them up. An agent's total
 * feeds the cluster sums the policies divide by and, for reservations,
 * quota; removing or changing one takes back its offers (book.h), while
 * a dynamic reservation (ac_agent_reserve) changes it without. The top
 * layer.
 */
#include <stdlib.h>
#include <string.h>

#include "bag.h"
#include "book.h"
#include "err.h"
#include "names.h"
#include "offers.h"
#include "policy.h"
#include "quota.h"
#include "roles.h"
#include "state.h"

static uint32_t *agent_next_of(ac_core *c, uint32_t s)
{
	return &AGENT(c, s)->name_next;
}
static const char *agent_name_of(const ac_core *c, uint32_t s)
{
	return AGENT(c, s)->name;
}

/* Adds or subtracts an agent's total to the cluster sums. */
static void cluster_total_change(ac_core *c, uint32_t s, int sign)
{
	bag t = ac__sbag_get(AGENT_BAG(c, s, total));
	ac_vec all;
	ac__bag_scalars(c, &t, &all);
	for (int k = 0; k < AC_KINDS; k++) {
		c->total.v[k] += sign * all.v[k];
		c->total_unres.v[k] += sign * t.unres.v[k];
	}
	if (t.x) {
		const ac_resources *x = XRES(c, t.x);
		ac__role_reserved_change(c, x, sign);
		if (c->nguarantees)
			for (uint32_t g = 1; g < x->ngroups; g++)
				ac__role_quota_refresh(c, x->group[g].role);
	}
	ac__policy_totals_changed(c);
}

/* With guarantees, the sum of agents' free unreserved scalars (each
 * clamped at 0) counts (sign +1) or uncounts (-1) this agent's. */
static void free_clamped_count(ac_core *c, uint32_t s, int sign)
{
	if (!c->nguarantees)
		return;
	ac_vec f = ac__sv_get(AGENT_SV(c, s, free));
	ac_vec_clamp0(&f);
	if (sign > 0)
		ac_vec_add(&c->free_unres_clamped, &f);
	else
		ac_vec_sub(&c->free_unres_clamped, &f);
}

static int totals_fit(const ac_core *c, const ac_resources *r, const ac_resources *minus, ac_err *err)
{
	ac_vec add, sub = {{0}};
	ac_resources_scalars(r, &add);
	if (minus)
		ac_resources_scalars(minus, &sub);
	for (int k = 0; k < AC_KINDS; k++)
		if (c->total.v[k] - sub.v[k] > (INT64_MAX >> 2) - add.v[k])
			return ac__fail(err, AC_ERANGE, "cluster total of %s would overflow", c->kind_names[k]);
	return 0;
}

int ac_agent_add(ac_core *c, const char *name, const ac_resources *total, ac_agent_id *out, ac_err *err)
{
	int rc = ac__name_check("agent", name, err);
	if (rc)
		return rc;
	if (!total)
		return ac__fail(err, AC_EINVAL, "agent %s: no resources given", name);
	if ((rc = ac__res_check(c, total, "agent total", err)) || (rc = totals_fit(c, total, NULL, err)))
		return rc;
	if (ac__names_find(c, &c->agent_names, agent_name_of, agent_next_of, name))
		return ac__fail(err, AC_EEXIST, "agent %s already exists", name);
	uint32_t s;
	if (ac__pool_alloc(&c->agents, &s))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	agent *ag = AGENT(c, s);
	ag->name = ac__str_dup(name);
	if (!ag->name || ac__sbag_set(c, AGENT_BAG(c, s, total), total) ||
	    ac__sbag_set(c, AGENT_BAG(c, s, free), total) ||
	    ac__names_add(c, &c->agent_names, agent_next_of, name, s) ||
	    ac__u32_push(&c->agent_seq, &c->nagent_seq, &c->cap_agent_seq, s)) {
		ag = AGENT(c, s);
		if (ac__names_find(c, &c->agent_names, agent_name_of, agent_next_of, name) == s)
			ac__names_del(c, &c->agent_names, agent_next_of, name, s);
		ac__sbag_clear(c, AGENT_BAG(c, s, total));
		ac__sbag_clear(c, AGENT_BAG(c, s, free));
		free(ag->name);
		ac__pool_release(&c->agents, s);
		return ac__fail(err, AC_ENOMEM, "out of memory");
	}
	ag = AGENT(c, s);
	ag->filter_gen = ++c->epoch;
	cluster_total_change(c, s, +1);
	free_clamped_count(c, s, +1);
	if (out)
		*out = ac__handle_make(c->agents.gens[s], s);
	return 0;
}

static int agent_resolve(const ac_core *c, ac_agent_id id, uint32_t *slot, ac_err *err)
{
	return ac__pool_resolve(&c->agents, id, "agent", slot, err);
}

int ac_agent_remove(ac_core *c, ac_agent_id id, ac_err *err)
{
	uint32_t s;
	int rc = agent_resolve(c, id, &s, err);
	if (rc)
		return rc;
	ac__offers_drop_of_agent(c, s, AC_RESCIND_AGENT_REMOVED);
	ac__allocs_drop_of_agent(c, s);
	agent *ag = AGENT(c, s);
	free_clamped_count(c, s, -1);
	cluster_total_change(c, s, -1);
	ac__names_del(c, &c->agent_names, agent_next_of, ag->name, s);
	ac__u32_remove(c->agent_seq, &c->nagent_seq, s);
	ac__sbag_clear(c, AGENT_BAG(c, s, total));
	ac__sbag_clear(c, AGENT_BAG(c, s, free));
	free(ag->name);
	free(ag->attrs);
	ac__pool_release(&c->agents, s);
	return 0;
}

/* Replaces agent s's total and free set with bags made by the caller (the
 * agent takes them), keeping the cluster sums, reservations' quota and the
 * clamped free sum in step. */
static void agent_set_bags(ac_core *c, uint32_t s, const bag *nt, const bag *nf)
{
	free_clamped_count(c, s, -1);
	cluster_total_change(c, s, -1);
	ac__sbag_clear(c, AGENT_BAG(c, s, total));
	ac__sbag_clear(c, AGENT_BAG(c, s, free));
	ac__sbag_put(AGENT_BAG(c, s, total), nt);
	ac__sbag_put(AGENT_BAG(c, s, free), nf);
	cluster_total_change(c, s, +1);
	free_clamped_count(c, s, +1);
}

int ac_agent_update(ac_core *c, ac_agent_id id, const ac_resources *total, ac_err *err)
{
	uint32_t s;
	int rc = agent_resolve(c, id, &s, err);
	if (rc)
		return rc;
	if (!total)
		return ac__fail(err, AC_EINVAL, "no resources given");
	if ((rc = ac__res_check(c, total, "agent total", err)))
		return rc;
	ac_resources old_total;
	ac__sbag_to_res(c, AGENT_BAG(c, s, total), &old_total);
	if ((rc = totals_fit(c, total, &old_total, err)))
		return rc;
	/* The new free set is the new total less what frameworks hold; offers
	 * are rescinded below. Work it out before changing anything. */
	ac_resources held, nfree = *total, rest;
	ac_resources_init(&held);
	ac__alloc_it it = {0, 0};
	for (uint32_t a; (a = ac__agent_allocs_next(c, s, &it));) {
		ac_resources r;
		ac__sbag_to_res(c, ALLOC_BAG(c, a), &r);
		if (ac_resources_add(&held, &r))
			return ac__fail(err, AC_ENOSPC, "agent %s: allocations too fragmented", AGENT(c, s)->name);
	}
	/* Unreserved scalars may be over-allocated (Mesos allows it); every
	 * other held resource must still be there. */
	rest = held;
	ac_vec_zero(&rest.group[0].amount);
	if (!ac_resources_contains(total, &rest))
		return ac__fail(err, AC_EINVAL,
		                "agent %s: the new total lacks reserved resources or ports that frameworks hold",
		                AGENT(c, s)->name);
	if ((rc = ac_resources_sub(&nfree, &rest)))
		return ac__fail(err, rc, "agent %s: free ports too fragmented", AGENT(c, s)->name);
	ac_vec_sub(&nfree.group[0].amount, &held.group[0].amount);
	bag nt = {0}, nf = {0};
	/* ac__bag_set keeps negative amounts as they are: wanted for unres. */
	if (ac__bag_set(c, &nt, total) || ac__bag_set(c, &nf, &nfree)) {
		ac__bag_clear(c, &nt);
		ac__bag_clear(c, &nf);
		return ac__fail(err, AC_ENOMEM, "out of memory");
	}
	ac__offers_drop_of_agent(c, s, AC_RESCIND_AGENT_UPDATED);
	agent_set_bags(c, s, &nt, &nf);
	return 0;
}

/* The part of a reservation change after its checks: src (in the agent's
 * free set, or held by framework f) becomes dst, the same resources in
 * other groups, in the agent's total and there. All or nothing.
 * from_reserved: src is reserved (for the messages). */
static int convert_sets(ac_core *c, uint32_t s, uint32_t f, const ac_resources *src, const ac_resources *dst,
                        bool from_reserved, ac_err *err)
{
	int rc;
	agent *ag = AGENT(c, s);
	ac_resources total, nfree;
	ac__sbag_to_res(c, AGENT_BAG(c, s, total), &total);
	ac__sbag_to_res(c, AGENT_BAG(c, s, free), &nfree);
	ac_resources *where = f ? NULL : &nfree;
	if (where && !ac_resources_contains(where, src))
		return ac__fail(err, AC_EINVAL, "agent %s has less than that free%s", ag->name,
		                from_reserved ? " in that reservation" : "");
	if (!ac_resources_contains(&total, src))
		return ac__fail(err, AC_EINVAL, "agent %s has less than that%s", ag->name,
		                from_reserved ? " in that reservation" : "");
	if (ac_resources_sub(&total, src) || ac_resources_add(&total, dst) ||
	    (where && (ac_resources_sub(where, src) || ac_resources_add(where, dst))))
		return ac__fail(err, AC_ENOSPC, "agent %s: too many reservation roles", ag->name);
	bag nt = {0}, nf = {0};
	if (ac__bag_set(c, &nt, &total) || ac__bag_set(c, &nf, &nfree)) {
		ac__bag_clear(c, &nt);
		ac__bag_clear(c, &nf);
		return ac__fail(err, AC_ENOMEM, "out of memory");
	}
	if (f && (rc = ac__alloc_convert(c, f, s, src, dst, err))) {
		ac__bag_clear(c, &nt);
		ac__bag_clear(c, &nf);
		return rc;
	}
	agent_set_bags(c, s, &nt, &nf);
	return 0;
}

/* What a reservation change's resources are called in its messages. */
static const char *convert_what(bool undo)
{
	return undo ? "resources to unreserve" : "resources to reserve";
}

/* The arguments every reservation change checks first: the agent (its slot
 * into *s), the framework (0, or its slot into *f) and the resources. */
static int convert_args(ac_core *c, ac_agent_id id, ac_fw_id fid, const ac_resources *res, bool undo, uint32_t *s,
                        uint32_t *f, ac_err *err)
{
	int rc = agent_resolve(c, id, s, err);
	if (rc)
		return rc;
	*f = 0;
	if (fid && !(*f = ac__fw_slot(c, fid)))
		return ac__fail(err, AC_ENOENT, "unknown framework");
	if (!res)
		return ac__fail(err, AC_EINVAL, "no resources given");
	return ac__res_check(c, res, convert_what(undo), err);
}

/* A reservation made, refined or undone at run time: `res`, unreserved
 * scalars and ports in form, moves from the agent's group for role `from` (0:
 * unreserved) to the one for `to`, in the agent's total and in its free set
 * or, for a framework (fid != 0), in what that framework holds there.
 * Outstanding offers are not touched: they hold their own resources. */
static int agent_convert(ac_core *c, ac_agent_id id, ac_fw_id fid, const char *from_name, const char *to_name,
                         const ac_resources *res, ac_err *err)
{
	uint32_t s, f;
	bool undo = to_name == NULL || !strcmp(to_name, "*");
	int rc = convert_args(c, id, fid, res, undo, &s, &f, err);
	if (rc)
		return rc;
	if (res->ngroups != 1)
		return ac__fail(err, AC_EINVAL, "give the resources unreserved (the role names the reservation)");
	if (ac_resources_empty(res))
		return ac__fail(err, AC_EINVAL, "no resources given");
	int64_t from = from_name ? ac_role_intern(c, from_name, err) : 0;
	int64_t to = to_name ? ac_role_intern(c, to_name, err) : 0;
	if (from < 0 || to < 0)
		return (int)(from < 0 ? from : to);
	if (from == to)
		return ac__fail(err, AC_EINVAL, "resources cannot be reserved for role '%s'",
		                to ? ac_role_name(c, (uint32_t)to) : "*");
	/* Along one path of the role tree, '*' above every role: a reservation
	 * is refined for a strict subrole and undone back to the one below. */
	if (from != 0 && to != 0 && !ac__role_is_ancestor_or_self(c, (uint32_t)from, (uint32_t)to) &&
	    !ac__role_is_ancestor_or_self(c, (uint32_t)to, (uint32_t)from))
		return ac__fail(err, AC_EINVAL, "role '%s' is not a refinement of '%s', nor the reverse",
		                ac_role_name(c, (uint32_t)to), ac_role_name(c, (uint32_t)from));
	ac_resources src, dst;
	ac_resources_init(&src);
	ac_resources_init(&dst);
	ac_resources *sides[2] = {&src, &dst};
	int64_t roles[2] = {from, to};
	for (int k = 0; k < 2; k++) {
		if (roles[k] == 0) {
			sides[k]->group[0] = res->group[0];
		} else {
			sides[k]->ngroups = 2;
			sides[k]->group[1] = res->group[0];
			sides[k]->group[1].role = (uint32_t)roles[k];
		}
	}
	return convert_sets(c, s, f, &src, &dst, from != 0, err);
}

int ac_agent_reserve(ac_core *c, ac_agent_id aid, ac_fw_id fid, const char *rname, const ac_resources *res, ac_err *err)
{
	if (!rname || !strcmp(rname, "*"))
		return ac__fail(err, AC_EINVAL, "resources cannot be reserved for role '*'");
	return agent_convert(c, aid, fid, NULL, rname, res, err);
}

int ac_agent_unreserve(ac_core *c, ac_agent_id aid, ac_fw_id fid, const char *rname, const ac_resources *res,
                       ac_err *err)
{
	if (!rname || !strcmp(rname, "*"))
		return ac__fail(err, AC_EINVAL, "resources cannot be reserved for role '*'");
	return agent_convert(c, aid, fid, rname, NULL, res, err);
}

/* ac_agent_reserve_groups and ac_agent_unreserve_groups: res in reserved
 * form, each group g >= 1 for its own role, moves as a whole between
 * unreserved (undo: the destination) and those reservations. */
static int groups_convert(ac_core *c, ac_agent_id id, ac_fw_id fid, const ac_resources *res, bool undo, ac_err *err)
{
	uint32_t s, f;
	int rc = convert_args(c, id, fid, res, undo, &s, &f, err);
	if (rc)
		return rc;
	const char *what = convert_what(undo);
	if (res->group[0].nports || !ac_vec_is_zero(&res->group[0].amount))
		return ac__fail(err, AC_EINVAL,
		                "%s: give them for their roles (cpus(role):1): unreserved ones name no "
		                "reservation",
		                what);
	if (res->ngroups < 2)
		return ac__fail(err, AC_EINVAL, "no resources given");
	for (uint32_t g = 1; g < res->ngroups; g++)
		if (!res->group[g].nports && ac_vec_is_zero(&res->group[g].amount))
			return ac__fail(err, AC_EINVAL, "%s: the group for role '%s' is empty", what,
			                ac_role_name(c, res->group[g].role));
	ac_resources flat; /* the same resources unreserved */
	if (ac_resources_unreserved(res, &flat))
		return ac__fail(err, AC_ENOSPC, "%s: too many port ranges together", what);
	return convert_sets(c, s, f, undo ? res : &flat, undo ? &flat : res, undo, err);
}

int ac_agent_reserve_groups(ac_core *c, ac_agent_id aid, ac_fw_id fid, const ac_resources *res, ac_err *err)
{
	return groups_convert(c, aid, fid, res, false, err);
}

int ac_agent_unreserve_groups(ac_core *c, ac_agent_id aid, ac_fw_id fid, const ac_resources *res, ac_err *err)
{
	return groups_convert(c, aid, fid, res, true, err);
}

int ac_agent_move_reservation(ac_core *c, ac_agent_id aid, ac_fw_id fid, const char *from, const char *to,
                              const ac_resources *res, ac_err *err)
{
	return agent_convert(c, aid, fid, from && strcmp(from, "*") ? from : NULL, to && strcmp(to, "*") ? to : NULL,
	                     res, err);
}

int ac_agent_deactivate(ac_core *c, ac_agent_id id, ac_err *err)
{
	uint32_t s;
	int rc = agent_resolve(c, id, &s, err);
	if (rc)
		return rc;
	ac__offers_drop_of_agent(c, s, AC_RESCIND_AGENT_DEACTIVATED);
	AGENT(c, s)->inactive = true;
	return 0;
}

int ac_agent_activate(ac_core *c, ac_agent_id id, ac_err *err)
{
	uint32_t s;
	int rc = agent_resolve(c, id, &s, err);
	if (rc)
		return rc;
	AGENT(c, s)->inactive = false;
	return 0;
}

int ac_agent_set_attributes(ac_core *c, ac_agent_id id, const char *attrs, ac_err *err)
{
	uint32_t s;
	int rc = agent_resolve(c, id, &s, err);
	if (rc)
		return rc;
	agent *ag = AGENT(c, s);
	const char *old = ag->attrs ? ag->attrs : "";
	if (!attrs)
		attrs = "";
	if (strcmp(old, attrs) == 0)
		return 0;
	char *copy = ac__str_dup(attrs);
	if (!copy)
		return ac__fail(err, AC_ENOMEM, "out of memory");
	free(ag->attrs);
	ag->attrs = copy;
	ag->filter_gen = ++c->epoch; /* Mesos drops the agent's filters */
	return 0;
}

int ac_agent_set_tag(ac_core *c, ac_agent_id id, uint64_t tag, ac_err *err)
{
	uint32_t s;
	int rc = agent_resolve(c, id, &s, err);
	if (rc)
		return rc;
	uint64_t *refs;
	uint32_t n;
	if (ac__offers_of_agent(c, s, NONE, &refs, &n))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	AGENT(c, s)->tag = tag;
	for (uint32_t i = 0; i < n; i++)
		ac__ref_b(c, refs[i])->e.tag[ac__ref_index(refs[i])] = tag; /* offers keep a copy */
	free(refs);
	return 0;
}

ac_agent_id ac_agent_find(const ac_core *c, const char *name)
{
	if (!name)
		return 0;
	uint32_t s = ac__names_find(c, &c->agent_names, agent_name_of, agent_next_of, name);
	return s ? ac__handle_make(c->agents.gens[s], s) : 0;
}

int ac_agent_info_get(const ac_core *c, ac_agent_id id, ac_agent_info *out, ac_err *err)
{
	uint32_t s;
	int rc = agent_resolve(c, id, &s, err);
	if (rc)
		return rc;
	const agent *ag = AGENT(c, s);
	out->name = ag->name;
	out->attributes = ag->attrs ? ag->attrs : "";
	ac__sbag_to_res(c, AGENT_BAG(c, s, total), &out->total);
	ac__sbag_to_res(c, AGENT_BAG(c, s, free), &out->free);
	ac_vec_clamp0(&out->free.group[0].amount);
	out->offers = ag->noffers;
	out->active = !ag->inactive;
	return 0;
}

ac_agent_id ac_agent_next(const ac_core *c, size_t *cursor)
{
	if (*cursor >= c->nagent_seq)
		return 0;
	uint32_t s = c->agent_seq[(*cursor)++];
	return ac__handle_make(c->agents.gens[s], s);
}

size_t ac_agent_count(const ac_core *c)
{
	return c->nagent_seq;
}

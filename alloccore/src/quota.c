/*
 * quota.c — quota bookkeeping (quota.h): per role, what its subtree
 * consumes, how much room its limits and guarantees leave, and the required
 * headroom summed over the role tree (alloccore/README.md, "Quota"); and
 * the role entry points that set or read it (ac_role_set_quota,
 * ac_role_info_get).
 */
#include "quota.h"

#include <string.h>

#include "err.h"
#include "policy.h"
#include "roles.h"
#include "state.h"

/* What a role's subtree consumes: reserved for it anywhere, plus the
 * unreserved scalars its frameworks hold. */
static void consumption(const role *r, ac_vec *out)
{
	*out = r->reserved_sub;
	ac_vec_add(out, &r->unres_held_sub);
}

static void unmet(const role *r, ac_vec *out)
{
	ac_vec used;
	consumption(r, &used);
	*out = r->quota.guarantee;
	ac_vec_sub(out, &used);
	ac_vec_clamp0(out);
}

void ac__role_quota_refresh(ac_core *c, uint32_t r)
{
	/* req(P) = max(unmet(P), sum of the children's req), per kind; a change
	 * at P moves its parent's sum by the same delta. */
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent) {
		role *ro = ROLE(c, x);
		ac_vec nreq, delta;
		unmet(ro, &nreq);
		for (int k = 0; k < AC_KINDS; k++)
			if (ro->kids_req.v[k] > nreq.v[k])
				nreq.v[k] = ro->kids_req.v[k];
		delta = nreq;
		ac_vec_sub(&delta, &ro->req);
		/* No early exit when delta is zero: the ancestors' own
		 * consumption (hence unmet) changed too. */
		ro->req = nreq;
		ac_vec_add(ro->parent < 0 ? &c->required : &ROLE(c, ro->parent)->kids_req, &delta);
	}
}

static void quota_refresh_all(ac_core *c)
{
	/* Children have larger ids than their parents: visiting ids downwards
	 * computes every child before its parent. */
	ac_vec_zero(&c->required);
	for (uint32_t r = 0; r < c->nroles; r++)
		ac_vec_zero(&c->roles[r].kids_req);
	for (uint32_t r = c->nroles; r-- > 0;) {
		role *ro = ROLE(c, r);
		unmet(ro, &ro->req);
		for (int k = 0; k < AC_KINDS; k++)
			if (ro->kids_req.v[k] > ro->req.v[k])
				ro->req.v[k] = ro->kids_req.v[k];
		ac_vec_add(ro->parent < 0 ? &c->required : &ROLE(c, ro->parent)->kids_req, &ro->req);
	}
	ac_vec_zero(&c->free_unres_clamped);
	for (uint32_t i = 0; i < c->nagent_seq; i++) {
		ac_vec f = ac__sv_get(AGENT_SV(c, c->agent_seq[i], free));
		ac_vec_clamp0(&f);
		ac_vec_add(&c->free_unres_clamped, &f);
	}
}

void ac__role_limit_room(const ac_core *c, uint32_t r, ac_vec *room)
{
	for (int k = 0; k < AC_KINDS; k++)
		room->v[k] = INT64_MAX;
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent) {
		const role *ro = &c->roles[x];
		if (!ro->has_limit)
			continue;
		ac_vec used;
		consumption(ro, &used);
		for (int k = 0; k < AC_KINDS; k++)
			if (ro->quota.limit_mask >> k & 1) {
				int64_t left = ro->quota.limit.v[k] - used.v[k];
				left = left > 0 ? left : 0;
				if (left < room->v[k])
					room->v[k] = left;
			}
	}
}

void ac__role_guarantee_room(const ac_core *c, uint32_t r, ac_vec *room)
{
	ac_vec_zero(room);
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent) {
		const role *ro = &c->roles[x];
		if (!ro->has_guarantee)
			continue;
		ac_vec u;
		unmet(ro, &u);
		for (int k = 0; k < AC_KINDS; k++)
			if (u.v[k] > room->v[k])
				room->v[k] = u.v[k];
	}
}

void ac__role_reserved_change(ac_core *c, const ac_resources *x, int sign)
{
	for (uint32_t g = 1; g < x->ngroups; g++)
		for (int32_t r = (int32_t)x->group[g].role; r >= 0; r = c->roles[r].parent)
			for (int k = 0; k < AC_KINDS; k++)
				ROLE(c, r)->reserved_sub.v[k] += sign * x->group[g].amount.v[k];
}

/* A guarantee that a limit on the same role or an ancestor forbids could
 * never be met and would hold headroom back forever: reject it. */
static int quota_check(const ac_core *c, const char *name, const ac_quota *q, ac_err *err)
{
	size_t len = strlen(name);
	for (int k = 0; k < AC_KINDS; k++)
		if ((q->limit_mask >> k & 1) && q->guarantee.v[k] > q->limit.v[k])
			return ac__fail(err, AC_EINVAL, "role %s: guarantee above its own limit (kind %d)", name, k);
	for (size_t i = len; i-- > 0;) {
		if (name[i] != '/')
			continue;
		int64_t p = ac__role_find(c, name, i);
		if (p < 0 || !c->roles[p].has_limit)
			continue;
		for (int k = 0; k < AC_KINDS; k++)
			if ((c->roles[p].quota.limit_mask >> k & 1) && q->guarantee.v[k] > c->roles[p].quota.limit.v[k])
				return ac__fail(err, AC_EINVAL, "role %s: guarantee above the limit of %s (kind %d)",
				                name, c->roles[p].name, k);
	}
	int64_t r = ac__role_find(c, name, len);
	for (uint32_t d = 0; r >= 0 && d < c->nroles; d++) {
		if (d == r || !c->roles[d].has_guarantee || !ac__role_is_ancestor_or_self(c, (uint32_t)r, d))
			continue;
		for (int k = 0; k < AC_KINDS; k++)
			if ((q->limit_mask >> k & 1) && c->roles[d].quota.guarantee.v[k] > q->limit.v[k])
				return ac__fail(err, AC_EINVAL, "role %s: limit below the guarantee of %s (kind %d)",
				                name, c->roles[d].name, k);
	}
	return 0;
}

int ac_role_set_quota(ac_core *c, const char *name, const ac_quota *q, ac_err *err)
{
	if (!name || !q)
		return ac__fail(err, AC_EINVAL, "role name or quota is missing");
	const int64_t max = AC_AMOUNT_MAX_UNITS * AC_MILLI;
	for (int k = 0; k < AC_KINDS; k++)
		if (q->guarantee.v[k] < 0 || q->guarantee.v[k] > max || q->limit.v[k] < 0 || q->limit.v[k] > max)
			return ac__fail(err, AC_ERANGE, "quota amount out of range for kind %d", k);
	if (q->limit_mask >> AC_KINDS)
		return ac__fail(err, AC_EINVAL, "quota limit mask names unknown kinds");
	int rc = ac__role_name_check(name, strlen(name), err);
	if (rc || (rc = quota_check(c, name, q, err)))
		return rc;
	uint32_t r;
	if ((rc = ac__role_get(c, name, strlen(name), &r, err)))
		return rc;
	role *ro = ROLE(c, r);
	c->nguarantees -= ro->has_guarantee;
	c->nlimits -= ro->has_limit;
	ro->quota = *q;
	ro->has_guarantee = !ac_vec_is_zero(&q->guarantee);
	ro->has_limit = q->limit_mask != 0;
	c->nguarantees += ro->has_guarantee;
	c->nlimits += ro->has_limit;
	quota_refresh_all(c);
	return 0;
}

/* What the frameworks of role r's subtree still owe its sums for recovers
 * (book.h, ac__recovers_apply): the view reads without applying them. */
static void role_owed(const ac_core *c, uint32_t r, ac_vec *out)
{
	ac_vec_zero(out);
	for (uint32_t i = 0; i < c->narrears; i++) {
		uint32_t f = c->arrears[i];
		if (ac__role_is_ancestor_or_self(c, r, FW(c, f)->role)) {
			ac_vec v = ac__sv_get(FW_SV(c, f, recovered));
			ac_vec_add(out, &v);
		}
	}
}

int ac_role_info_get(const ac_core *c, const char *name, ac_role_info *out, ac_err *err)
{
	int64_t r = name ? ac__role_find(c, name, strlen(name)) : -1;
	if (r < 0)
		return ac__fail(err, AC_ENOENT, "unknown role \"%s\"", name ? name : "(null)");
	const role *ro = &c->roles[r];
	const client *sub = CLIENT(c, ro->sub_client);
	/* less what recovers still owe the sums (book.h): unreserved
	 * scalars, allocated and held alike */
	ac_vec owed, held = sub->pub.held;
	role_owed(c, (uint32_t)r, &owed);
	ac_vec_sub(&held, &owed);
	out->name = ro->name;
	out->weight = ro->weight / 1000.0;
	out->quota = ro->quota;
	out->allocated = ro->allocated_sub;
	ac_vec_sub(&out->allocated, &owed);
	out->offered = held;
	ac_vec_sub(&out->offered, &out->allocated);
	out->reserved = ro->reserved_sub;
	consumption(ro, &out->consumed);
	ac_vec_sub(&out->consumed, &owed);
	out->dominant_share = ac__share_of(c, &held);
	out->frameworks = ro->nfws;
	return 0;
}

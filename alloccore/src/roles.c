/*
 * roles.c — the role tree: hierarchical role names ("a/b/c"), weights, the
 * sorted clients each role contributes (its subtree and its virtual leaf),
 * reservations per subtree, and quota: limit room, guarantee room and the
 * required headroom (alloccore/README.md, "Quota").
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "err.h"
#include "names.h"

uint32_t order_new(ac_core *c)
{
	if (grow_array((void **)&c->orders, &c->cap_orders, c->norders + 1, sizeof *c->orders))
		return NONE;
	memset(&c->orders[c->norders], 0, sizeof *c->orders);
	return c->norders++;
}

uint32_t client_new(ac_core *c, enum client_kind kind, uint32_t owner, const char *name, uint32_t weight)
{
	uint32_t s = pool_alloc(&c->clients);
	if (!s)
		return NONE;
	client *cl = CLIENT(c, s);
	cl->kind = (uint8_t)kind;
	cl->owner = owner;
	cl->name = name;
	for (int i = 0; i < 8 && name[i]; i++)
		cl->name_key |= (uint64_t)(unsigned char)name[i] << (56 - 8 * i);
	cl->weight = weight;
	cl->order = NONE;
	return s;
}

int role_name_check(const char *name, size_t len, ac_err *err)
{
	if (len == 0)
		return ac_fail(err, AC_EINVAL, "role name is empty");
	if (len == 1 && name[0] == '*')
		return 0;
	if (len > 512)
		return ac_fail(err, AC_EINVAL, "role name longer than 512 bytes");
	size_t seg = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch <= 0x20 || ch == 0x7f || ch == '*' || ch == '(' || ch == ')' || ch == ';' || ch == ':' ||
		    ch == ',' || ch == '|' || ch == '=')
			return ac_fail(err, AC_EINVAL, "role \"%.*s\": character '%c' at offset %zu is not allowed",
			               (int)len, name, ch > 0x20 && ch < 0x7f ? ch : '?', i);
		if (ch == '/') {
			if (seg == 0)
				return ac_fail(err, AC_EINVAL, "role \"%.*s\": empty path segment at offset %zu",
				               (int)len, name, i);
			seg = 0;
			continue;
		}
		seg++;
	}
	if (seg == 0)
		return ac_fail(err, AC_EINVAL, "role \"%.*s\": ends with '/'", (int)len, name);
	for (size_t i = 0; i + 1 < len; i++)
		if (name[i] == '.' && (i == 0 || name[i - 1] == '/') &&
		    (name[i + 1] == '/' || (name[i + 1] == '.' && (i + 2 == len || name[i + 2] == '/'))))
			return ac_fail(err, AC_EINVAL, "role \"%.*s\": '.' and '..' are not path segments", (int)len,
			               name);
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return ac_fail(err, AC_EINVAL, "role \"%.*s\" is not allowed", (int)len, name);
	return 0;
}

int64_t core_role_find(const ac_core *c, const char *name, size_t len)
{
	uint32_t *head = hmap_get(&c->role_names, name_hash(name, len));
	for (uint32_t r = head ? *head : NONE; r != NONE; r = c->roles[r].name_next)
		if (strlen(c->roles[r].name) == len && memcmp(c->roles[r].name, name, len) == 0)
			return r;
	return -1;
}

/* Creates one role whose parent exists. */
static int64_t role_create(ac_core *c, const char *name, size_t len, int32_t parent)
{
	if (grow_array((void **)&c->roles, &c->cap_roles, c->nroles + 1, sizeof *c->roles))
		return AC_ENOMEM;
	uint32_t id = c->nroles;
	role *r = ROLE(c, id);
	memset(r, 0, sizeof *r);
	r->name = malloc(len + 1);
	if (!r->name)
		return AC_ENOMEM;
	memcpy(r->name, name, len);
	r->name[len] = 0;
	r->parent = parent;
	r->depth = parent < 0 ? 0 : ROLE(c, parent)->depth + 1;
	r->weight = 1000;
	r->first_child = NONE;
	r->kids_order = order_new(c);
	r->fws_order = order_new(c);
	r = ROLE(c, id);
	r->sub_client = client_new(c, CL_SUB, id, r->name, r->weight);
	r->self_client = client_new(c, CL_SELF, id, r->name, r->weight);
	uint64_t h = name_hash(name, len);
	uint32_t *head = hmap_get(&c->role_names, h);
	r->name_next = head ? *head : NONE;
	if (r->kids_order == NONE || r->fws_order == NONE || r->sub_client == NONE || r->self_client == NONE ||
	    hmap_put(&c->role_names, h, id)) {
		/* Orders and clients of a failed role stay allocated but unused;
		 * only reachable out of memory. */
		free(r->name);
		return AC_ENOMEM;
	}
	if (parent >= 0) {
		r->next_sibling = ROLE(c, parent)->first_child;
		ROLE(c, parent)->first_child = id;
	} else {
		r->next_sibling = c->first_top_role;
		c->first_top_role = id;
	}
	c->nroles++;
	return id;
}

int64_t core_role_intern_n(ac_core *c, const char *name, size_t len)
{
	int64_t r = core_role_find(c, name, len);
	if (r >= 0)
		return r;
	int32_t parent = -1;
	for (size_t i = len; i-- > 0;)
		if (name[i] == '/') {
			int64_t p = core_role_intern_n(c, name, i);
			if (p < 0)
				return p;
			parent = (int32_t)p;
			break;
		}
	return role_create(c, name, len, parent);
}

int64_t role_get(ac_core *c, const char *name, size_t len, ac_err *err)
{
	int rc = role_name_check(name, len, err);
	if (rc)
		return rc;
	int64_t r = core_role_intern_n(c, name, len);
	if (r < 0)
		return ac_fail(err, AC_ENOMEM, "out of memory");
	return r;
}

int64_t ac_role_intern(ac_core *c, const char *name, ac_err *err)
{
	if (!name)
		return ac_fail(err, AC_EINVAL, "role name is missing");
	return role_get(c, name, strlen(name), err);
}

const char *ac_role_name(const ac_core *c, uint32_t r)
{
	return r < c->nroles ? c->roles[r].name : NULL;
}

void roles_fini(ac_core *c)
{
	for (uint32_t r = 0; r < c->nroles; r++)
		free(c->roles[r].name);
	free(c->roles);
}

bool role_is_ancestor_or_self(const ac_core *c, uint32_t anc, uint32_t r)
{
	const role *ra = &c->roles[anc];
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent) {
		if ((uint32_t)x == anc)
			return true;
		if (c->roles[x].depth <= ra->depth)
			return false;
	}
	return false;
}

static uint32_t parent_kids_order(const ac_core *c, uint32_t r)
{
	int32_t p = c->roles[r].parent;
	return p < 0 ? c->root_order : c->roles[p].kids_order;
}

void role_eligible_change(ac_core *c, uint32_t r, int delta)
{
	role *ro = ROLE(c, r);
	uint32_t before = ro->eligible_self;
	ro->eligible_self += delta;
	if (before == 0 && ro->eligible_self > 0)
		order_insert(c, ro->kids_order, ro->self_client);
	else if (before > 0 && ro->eligible_self == 0)
		order_remove(c, ro->self_client);
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent) {
		ro = ROLE(c, x);
		before = ro->eligible_sub;
		ro->eligible_sub += delta;
		if (before == 0 && ro->eligible_sub > 0)
			order_insert(c, parent_kids_order(c, x), ro->sub_client);
		else if (before > 0 && ro->eligible_sub == 0)
			order_remove(c, ro->sub_client);
	}
}

int ac_role_set_weight(ac_core *c, const char *name, double weight, ac_err *err)
{
	uint32_t w;
	int rc = weight_from_double(weight, &w, err);
	if (rc)
		return rc;
	if (!name)
		return ac_fail(err, AC_EINVAL, "role name is missing");
	int64_t r = role_get(c, name, strlen(name), err);
	if (r < 0)
		return (int)r;
	role *ro = ROLE(c, r);
	ro->weight = w;
	CLIENT(c, ro->sub_client)->weight = w;
	CLIENT(c, ro->self_client)->weight = w;
	client_changed(c, ro->sub_client);
	client_changed(c, ro->self_client);
	return 0;
}

/* ------------------------------------------------------------------ quota */

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

void role_quota_refresh(ac_core *c, uint32_t r)
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

void role_quota_refresh_all(ac_core *c)
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
		ac_vec f = AGENT(c, c->agent_seq[i])->free.unres;
		ac_vec_clamp0(&f);
		ac_vec_add(&c->free_unres_clamped, &f);
	}
}

void role_limit_room(const ac_core *c, uint32_t r, ac_vec *room)
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

void role_guarantee_room(const ac_core *c, uint32_t r, ac_vec *room)
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

void role_reserved_change(ac_core *c, const ac_resources *x, int sign)
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
			return ac_fail(err, AC_EINVAL, "role %s: guarantee above its own limit (kind %d)", name, k);
	for (size_t i = len; i-- > 0;) {
		if (name[i] != '/')
			continue;
		int64_t p = core_role_find(c, name, i);
		if (p < 0 || !c->roles[p].has_limit)
			continue;
		for (int k = 0; k < AC_KINDS; k++)
			if ((c->roles[p].quota.limit_mask >> k & 1) && q->guarantee.v[k] > c->roles[p].quota.limit.v[k])
				return ac_fail(err, AC_EINVAL, "role %s: guarantee above the limit of %s (kind %d)",
				               name, c->roles[p].name, k);
	}
	int64_t r = core_role_find(c, name, len);
	for (uint32_t d = 0; r >= 0 && d < c->nroles; d++) {
		if (d == r || !c->roles[d].has_guarantee || !role_is_ancestor_or_self(c, (uint32_t)r, d))
			continue;
		for (int k = 0; k < AC_KINDS; k++)
			if ((q->limit_mask >> k & 1) && c->roles[d].quota.guarantee.v[k] > q->limit.v[k])
				return ac_fail(err, AC_EINVAL, "role %s: limit below the guarantee of %s (kind %d)",
				               name, c->roles[d].name, k);
	}
	return 0;
}

int ac_role_set_quota(ac_core *c, const char *name, const ac_quota *q, ac_err *err)
{
	if (!name || !q)
		return ac_fail(err, AC_EINVAL, "role name or quota is missing");
	const int64_t max = AC_AMOUNT_MAX_UNITS * AC_MILLI;
	for (int k = 0; k < AC_KINDS; k++)
		if (q->guarantee.v[k] < 0 || q->guarantee.v[k] > max || q->limit.v[k] < 0 || q->limit.v[k] > max)
			return ac_fail(err, AC_ERANGE, "quota amount out of range for kind %d", k);
	if (q->limit_mask >> AC_KINDS)
		return ac_fail(err, AC_EINVAL, "quota limit mask names unknown kinds");
	int rc = role_name_check(name, strlen(name), err);
	if (rc || (rc = quota_check(c, name, q, err)))
		return rc;
	int64_t r = role_get(c, name, strlen(name), err);
	if (r < 0)
		return (int)r;
	role *ro = ROLE(c, r);
	c->nguarantees -= ro->has_guarantee;
	c->nlimits -= ro->has_limit;
	ro->quota = *q;
	ro->has_guarantee = !ac_vec_is_zero(&q->guarantee);
	ro->has_limit = q->limit_mask != 0;
	c->nguarantees += ro->has_guarantee;
	c->nlimits += ro->has_limit;
	role_quota_refresh_all(c);
	return 0;
}

int ac_role_info_get(const ac_core *c, const char *name, ac_role_info *out, ac_err *err)
{
	int64_t r = name ? core_role_find(c, name, strlen(name)) : -1;
	if (r < 0)
		return ac_fail(err, AC_ENOENT, "unknown role \"%s\"", name ? name : "(null)");
	const role *ro = &c->roles[r];
	const client *sub = CLIENT(c, ro->sub_client);
	out->name = ro->name;
	out->weight = ro->weight / 1000.0;
	out->quota = ro->quota;
	out->allocated = ro->allocated_sub;
	out->offered = sub->held;
	ac_vec_sub(&out->offered, &ro->allocated_sub);
	out->reserved = ro->reserved_sub;
	consumption(ro, &out->consumed);
	out->dominant_share = share_of(c, &sub->held);
	out->frameworks = ro->nfws;
	return 0;
}

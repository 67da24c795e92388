/*
 * roles.c — the role tree (roles.h): hierarchical role names ("a/b/c"),
 * weights, and the sort clients each role contributes (its subtree and its
 * virtual leaf), in or out of their orders as the role's frameworks become
 * eligible or not. Quota on the tree is quota.c's.
 */
#include "roles.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "names.h"
#include "order.h"
#include "policy.h"
#include "state.h"

int ac__role_name_check(const char *name, size_t len, ac_err *err)
{
	if (len == 0)
		return ac__fail(err, AC_EINVAL, "role name is empty");
	if (len == 1 && name[0] == '*')
		return 0;
	if (len > 512)
		return ac__fail(err, AC_EINVAL, "role name longer than 512 bytes");
	size_t seg = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch <= 0x20 || ch == 0x7f || ch == '*' || ch == '(' || ch == ')' || ch == ';' || ch == ':' ||
		    ch == ',' || ch == '|' || ch == '=')
			return ac__fail(err, AC_EINVAL, "role \"%.*s\": character '%c' at offset %zu is not allowed",
			                (int)len, name, ch > 0x20 && ch < 0x7f ? ch : '?', i);
		if (ch == '/') {
			if (seg == 0)
				return ac__fail(err, AC_EINVAL, "role \"%.*s\": empty path segment at offset %zu",
				                (int)len, name, i);
			seg = 0;
			continue;
		}
		seg++;
	}
	if (seg == 0)
		return ac__fail(err, AC_EINVAL, "role \"%.*s\": ends with '/'", (int)len, name);
	for (size_t i = 0; i + 1 < len; i++)
		if (name[i] == '.' && (i == 0 || name[i - 1] == '/') &&
		    (name[i + 1] == '/' || (name[i + 1] == '.' && (i + 2 == len || name[i + 2] == '/'))))
			return ac__fail(err, AC_EINVAL, "role \"%.*s\": '.' and '..' are not path segments", (int)len,
			                name);
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return ac__fail(err, AC_EINVAL, "role \"%.*s\" is not allowed", (int)len, name);
	return 0;
}

int64_t ac__role_find(const ac_core *c, const char *name, size_t len)
{
	uint32_t *head = ac__hmap_get(&c->role_names, ac__name_hash(name, len));
	for (uint32_t r = head ? *head : NONE; r != NONE; r = c->roles[r].name_next)
		if (strlen(c->roles[r].name) == len && memcmp(c->roles[r].name, name, len) == 0)
			return r;
	return -1;
}

/* The order role r's subtree client sits in: its parent's, or the root's. */
static uint32_t parent_kids_order(const ac_core *c, uint32_t r)
{
	int32_t p = c->roles[r].parent;
	return p < 0 ? c->root_order : c->roles[p].kids_order;
}

/* Creates one role whose parent exists; its id into *out. 0 or AC_ENOMEM. */
static int role_create(ac_core *c, const char *name, size_t len, int32_t parent, uint32_t *out)
{
	if (ac__array_grow((void **)&c->roles, &c->cap_roles, c->nroles + 1, sizeof *c->roles))
		return AC_ENOMEM;
	uint32_t id = c->nroles;
	role *r = ROLE(c, id);
	memset(r, 0, sizeof *r);
	r->name = ac__str_dup_n(name, len);
	if (!r->name)
		return AC_ENOMEM;
	r->parent = parent;
	r->depth = parent < 0 ? 0 : ROLE(c, parent)->depth + 1;
	r->weight = 1000;
	r->first_child = NONE;
	uint64_t h = ac__name_hash(name, len);
	uint32_t *head = ac__hmap_get(&c->role_names, h);
	r->name_next = head ? *head : NONE;
	int rc = ac__order_new(c, &r->kids_order);
	if (!rc)
		rc = ac__order_new(c, &r->fws_order);
	if (!rc)
		rc = ac__client_new(c, CL_SUB, id, r->name, r->weight, &r->sub_client);
	if (!rc)
		rc = ac__client_new(c, CL_SELF, id, r->name, r->weight, &r->self_client);
	/* Room in the orders that may hold its clients (order.h): its own
	 * for its leaf, its parent's (the root's) for it beside its siblings
	 * and the parent's leaf. */
	uint32_t siblings = 0;
	for (uint32_t k = parent >= 0 ? ROLE(c, parent)->first_child : c->first_top_role; k != NONE;
	     k = ROLE(c, k)->next_sibling)
		siblings++;
	if (!rc)
		rc = ac__order_reserve(c, r->kids_order, 1);
	if (!rc)
		rc = ac__order_reserve(c, parent_kids_order(c, id), siblings + 2);
	if (!rc)
		rc = ac__hmap_put(&c->role_names, h, id);
	if (rc) {
		/* Orders and clients of a failed role stay allocated but unused;
		 * only reachable out of memory. */
		free(r->name);
		return rc;
	}
	if (parent >= 0) {
		r->next_sibling = ROLE(c, parent)->first_child;
		ROLE(c, parent)->first_child = id;
	} else {
		r->next_sibling = c->first_top_role;
		c->first_top_role = id;
	}
	c->nroles++;
	*out = id;
	return 0;
}

int ac__role_intern_n(ac_core *c, const char *name, size_t len, uint32_t *id)
{
	int64_t r = ac__role_find(c, name, len);
	if (r >= 0) {
		*id = (uint32_t)r;
		return 0;
	}
	int32_t parent = -1;
	for (size_t i = len; i-- > 0;)
		if (name[i] == '/') {
			uint32_t p;
			int rc = ac__role_intern_n(c, name, i, &p);
			if (rc)
				return rc;
			parent = (int32_t)p;
			break;
		}
	return role_create(c, name, len, parent, id);
}

int ac__role_get(ac_core *c, const char *name, size_t len, uint32_t *id, ac_err *err)
{
	int rc = ac__role_name_check(name, len, err);
	if (rc)
		return rc;
	if ((rc = ac__role_intern_n(c, name, len, id)))
		return ac__fail(err, rc, "out of memory");
	return 0;
}

int64_t ac_role_intern(ac_core *c, const char *name, ac_err *err)
{
	if (!name)
		return ac__fail(err, AC_EINVAL, "role name is missing");
	uint32_t r;
	int rc = ac__role_get(c, name, strlen(name), &r, err);
	return rc ? rc : (int64_t)r;
}

const char *ac_role_name(const ac_core *c, uint32_t r)
{
	return r < c->nroles ? c->roles[r].name : NULL;
}

void ac__roles_fini(ac_core *c)
{
	for (uint32_t r = 0; r < c->nroles; r++)
		free(c->roles[r].name);
	free(c->roles);
}

bool ac__role_is_ancestor_or_self(const ac_core *c, uint32_t anc, uint32_t r)
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

void ac__role_eligible_change(ac_core *c, uint32_t r, int delta)
{
	role *ro = ROLE(c, r);
	uint32_t before = ro->eligible_self;
	ro->eligible_self += delta;
	if (before == 0 && ro->eligible_self > 0)
		ac__order_insert(c, ro->kids_order, ro->self_client);
	else if (before > 0 && ro->eligible_self == 0)
		ac__order_remove(c, ro->self_client);
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent) {
		ro = ROLE(c, x);
		before = ro->eligible_sub;
		ro->eligible_sub += delta;
		if (before == 0 && ro->eligible_sub > 0)
			ac__order_insert(c, parent_kids_order(c, x), ro->sub_client);
		else if (before > 0 && ro->eligible_sub == 0)
			ac__order_remove(c, ro->sub_client);
	}
}

int ac_role_set_weight(ac_core *c, const char *name, double weight, ac_err *err)
{
	uint32_t w;
	int rc = ac__weight_from_double(weight, &w, err);
	if (rc)
		return rc;
	if (!name)
		return ac__fail(err, AC_EINVAL, "role name is missing");
	uint32_t r;
	if ((rc = ac__role_get(c, name, strlen(name), &r, err)))
		return rc;
	role *ro = ROLE(c, r);
	ro->weight = w;
	CLIENT(c, ro->sub_client)->pub.weight = w;
	CLIENT(c, ro->self_client)->pub.weight = w;
	ac__client_changed(c, ro->sub_client);
	ac__client_changed(c, ro->self_client);
	return 0;
}

/*
 * frameworks.c — the framework entry points (ac_fw_*): adding and removing
 * frameworks, the active and suppressed flags that put a framework in or
 * out of its role's order, revive, weights, tags and lookups. The top
 * layer.
 */
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "err.h"
#include "filters.h"
#include "names.h"
#include "order.h"
#include "policy.h"
#include "roles.h"
#include "state.h"

static uint32_t *fw_next_of(ac_core *c, uint32_t s)
{
	return &FW(c, s)->name_next;
}
static const char *fw_name_of(const ac_core *c, uint32_t s)
{
	return FW(c, s)->name;
}

static int fw_resolve(const ac_core *c, ac_fw_id id, uint32_t *slot, ac_err *err)
{
	return ac__pool_resolve(&c->fws, id, "framework", slot, err);
}

static bool fw_eligible(const fw *f)
{
	return f->active && !f->suppressed;
}

/* Applies a change of the active/suppressed flags, moving the framework in
 * or out of its role's order. */
static void fw_set_flags(ac_core *c, uint32_t s, bool active, bool suppressed)
{
	fw *f = FW(c, s);
	bool was = fw_eligible(f);
	f->active = active;
	f->suppressed = suppressed;
	bool is = fw_eligible(f);
	if (was == is)
		return;
	ac__recovers_apply(c); /* (inserts compute keys) */
	if (is)
		ac__order_insert(c, ROLE(c, f->role)->fws_order, f->client);
	else
		ac__order_remove(c, f->client);
	ac__role_eligible_change(c, f->role, is ? 1 : -1);
}

int ac_fw_add(ac_core *c, const char *name, const ac_fw_opts *opts, ac_fw_id *out, ac_err *err)
{
	int rc = ac__name_check("framework", name, err);
	if (rc)
		return rc;
	ac_fw_opts def = {0};
	if (!opts)
		opts = &def;
	uint32_t weight = 1000;
	if (opts->weight != 0 && (rc = ac__weight_from_double(opts->weight, &weight, err)))
		return rc;
	if (ac__names_find(c, &c->fw_names, fw_name_of, fw_next_of, name))
		return ac__fail(err, AC_EEXIST, "framework %s already exists", name);
	const char *rname = opts->role ? opts->role : "*";
	uint32_t r;
	if ((rc = ac__role_get(c, rname, strlen(rname), &r, err)))
		return rc;
	/* its place in its role's order, should it become eligible (order.h) */
	if (ac__order_reserve(c, ROLE(c, r)->fws_order, ROLE(c, r)->nfws + 1))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	uint32_t s, cl = 0; /* 0: not taken */
	if (ac__pool_alloc(&c->fws, &s))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	fw *f = FW(c, s);
	/* named first: the name index reads a slot's name, its undo below too */
	f->name = ac__str_dup(name);
	if (!f->name || ac__client_new(c, CL_FW, s, f->name, weight, &cl) ||
	    ac__names_add(c, &c->fw_names, fw_next_of, f->name, s) ||
	    ac__u32_push(&c->fw_seq, &c->nfw_seq, &c->cap_fw_seq, s)) {
		f = FW(c, s);
		if (f->name && ac__names_find(c, &c->fw_names, fw_name_of, fw_next_of, f->name) == s)
			ac__names_del(c, &c->fw_names, fw_next_of, f->name, s);
		if (cl)
			ac__pool_release(&c->clients, cl);
		free(f->name);
		ac__pool_release(&c->fws, s);
		return ac__fail(err, AC_ENOMEM, "out of memory");
	}
	f = FW(c, s);
	f->client = cl;
	f->role = r;
	f->filter_gen = ++c->epoch;
	CLIENT(c, cl)->pub.priority = opts->priority;
	CLIENT(c, cl)->pub.fw = ac__handle_make(c->fws.gens[s], s);
	ROLE(c, r)->nfws++;
	fw_set_flags(c, s, true, false);
	if (out)
		*out = ac__handle_make(c->fws.gens[s], s);
	return 0;
}

int ac_fw_remove(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	ac__recovers_apply(c); /* (nothing may be owed by a slot that goes) */
	ac__offers_drop_of_fw(c, s, AC_RESCIND_FW_REMOVED);
	ac__allocs_drop_of_fw(c, s);
	fw_set_flags(c, s, false, FW(c, s)->suppressed);
	fw *f = FW(c, s);
	ROLE(c, f->role)->nfws--;
	ac__names_del(c, &c->fw_names, fw_next_of, f->name, s);
	ac__u32_remove(c->fw_seq, &c->nfw_seq, s);
	ac__pool_release(&c->clients, f->client);
	free(f->name);
	free(f->demand);
	ac__filter_fw_free(c, s);
	ac__pool_release(&c->fws, s);
	return 0;
}

int ac_fw_deactivate(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	ac__offers_drop_of_fw(c, s, AC_RESCIND_FW_DEACTIVATED);
	FW(c, s)->filter_gen = ++c->epoch;
	FW(c, s)->filter_until = 0;
	fw_set_flags(c, s, false, FW(c, s)->suppressed);
	return 0;
}

int ac_fw_activate(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	fw_set_flags(c, s, true, FW(c, s)->suppressed);
	return 0;
}

int ac_fw_suppress(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	fw_set_flags(c, s, FW(c, s)->active, true);
	return 0;
}

int ac_fw_revive(ac_core *c, ac_fw_id id, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	/* One increment drops every filter of the framework: filters remember
	 * the generation they were made under and stop matching. */
	FW(c, s)->filter_gen = ++c->epoch;
	FW(c, s)->filter_until = 0;
	fw_set_flags(c, s, FW(c, s)->active, false);
	return 0;
}

int ac_fw_set_weight(ac_core *c, ac_fw_id id, double weight, ac_err *err)
{
	uint32_t s, w;
	int rc = fw_resolve(c, id, &s, err);
	if (rc || (rc = ac__weight_from_double(weight, &w, err)))
		return rc;
	CLIENT(c, FW(c, s)->client)->pub.weight = w;
	ac__client_changed(c, FW(c, s)->client);
	return 0;
}

int ac_fw_set_tag(ac_core *c, ac_fw_id id, uint64_t tag, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	FW(c, s)->tag = tag;
	return 0;
}

ac_fw_id ac_fw_find(const ac_core *c, const char *name)
{
	if (!name)
		return 0;
	uint32_t s = ac__names_find(c, &c->fw_names, fw_name_of, fw_next_of, name);
	return s ? ac__handle_make(c->fws.gens[s], s) : 0;
}

int ac_fw_set_priority(ac_core *c, ac_fw_id id, int32_t priority, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	client *cl = CLIENT(c, FW(c, s)->client);
	if (cl->pub.priority != priority) {
		cl->pub.priority = priority;
		ac__client_changed(c, FW(c, s)->client);
	}
	return 0;
}

int ac_fw_set_demand(ac_core *c, ac_fw_id id, const ac_fw_demand *d, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	fw *f = FW(c, s);
	if (d && !f->demand && !(f->demand = malloc(sizeof *f->demand)))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	if (d) {
		*f->demand = *d;
	} else {
		free(f->demand);
		f->demand = NULL;
	}
	CLIENT(c, f->client)->pub.demand = f->demand;
	ac__client_changed(c, f->client);
	return 0;
}

int ac_fw_info_get(const ac_core *c, ac_fw_id id, ac_fw_info *out, ac_err *err)
{
	uint32_t s;
	int rc = fw_resolve(c, id, &s, err);
	if (rc)
		return rc;
	const fw *f = FW(c, s);
	const client *cl = CLIENT(c, f->client);
	out->name = f->name;
	out->role = ROLE(c, f->role)->name;
	out->weight = cl->pub.weight / 1000.0;
	out->priority = cl->pub.priority;
	out->active = f->active;
	out->suppressed = f->suppressed;
	/* (less what recovers still owe the sums: book.h) */
	ac_vec held = cl->pub.held, owed = ac__sv_get(FW_SV(c, s, recovered));
	ac_vec_sub(&held, &owed);
	out->allocated = ac__sv_get(FW_SV(c, s, allocated));
	ac_vec_sub(&out->allocated, &owed);
	out->offered = ac__sv_get(FW_SV(c, s, offered));
	out->dominant_share = ac__share_of(c, &held);
	out->allocations = cl->pub.allocations;
	return 0;
}

ac_fw_id ac_fw_next(const ac_core *c, size_t *cursor)
{
	if (*cursor >= c->nfw_seq)
		return 0;
	uint32_t s = c->fw_seq[(*cursor)++];
	return ac__handle_make(c->fws.gens[s], s);
}

size_t ac_fw_count(const ac_core *c)
{
	return c->nfw_seq;
}

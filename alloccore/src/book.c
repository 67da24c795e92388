/*
 * book.c — the offer book and the allocation table: every outstanding offer
 * (framework, agent, resources, creation time) and what each framework holds
 * on each agent, with the accounting that keeps shares, quota consumption
 * and agents' free resources consistent when offers are made, answered,
 * rescinded or timed out, and when tasks end.
 */
#include "book.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bag.h"
#include "err.h"
#include "filters.h"
#include "order.h"
#include "quota.h"

/* ----------------------------------------------------------- accounting */

static inline void vec_add_signed(ac_vec *a, const ac_vec *b, int sign)
{
	/* two plain loops: a multiply by sign keeps the compiler from using
	 * vector adds (64-bit multiplies have no SSE2 instruction) */
	if (sign > 0)
		ac_vec_add(a, b);
	else
		ac_vec_sub(a, b);
}

void ac__held_change(ac_core *c, uint32_t f, const ac_vec *scalars, const ac_vec *unres, int sign)
{
	fw *F = FW(c, f);
	uint32_t r = F->role;
	vec_add_signed(&CLIENT(c, F->client)->held, scalars, sign);
	ac__client_changed(c, F->client);
	vec_add_signed(&CLIENT(c, ROLE(c, r)->self_client)->held, scalars, sign);
	ac__client_changed(c, ROLE(c, r)->self_client);
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent) {
		role *ro = ROLE(c, x);
		vec_add_signed(&CLIENT(c, ro->sub_client)->held, scalars, sign);
		ac__client_changed(c, ro->sub_client);
		vec_add_signed(&ro->unres_held_sub, unres, sign);
	}
	if (c->nguarantees)
		ac__role_quota_refresh(c, r);
}

static void allocated_change(ac_core *c, uint32_t f, const ac_vec *scalars, int sign)
{
	vec_add_signed(&FW(c, f)->allocated, scalars, sign);
	for (int32_t x = (int32_t)FW(c, f)->role; x >= 0; x = c->roles[x].parent)
		vec_add_signed(&ROLE(c, x)->allocated_sub, scalars, sign);
}

static void agent_free_change(ac_core *c, uint32_t a, const ac_vec *delta, int sign)
{
	ac_vec *free = &AGENT(c, a)->free.unres;
	if (c->nguarantees) {
		ac_vec before = *free;
		ac_vec_clamp0(&before);
		ac_vec_sub(&c->free_unres_clamped, &before);
		vec_add_signed(free, delta, sign);
		ac_vec after = *free;
		ac_vec_clamp0(&after);
		ac_vec_add(&c->free_unres_clamped, &after);
	} else {
		vec_add_signed(free, delta, sign);
	}
}

/* New extras for a bag: its current extras plus (sign +1) or minus (-1) x.
 * Works on a copy so that the caller can check before committing. */
static int extras_apply(const ac_core *c, const bag *b, const ac_resources *x, int sign, ac_resources *out)
{
	if (b->x)
		*out = *XRES(c, b->x);
	else
		ac_resources_init(out);
	return sign > 0 ? ac_resources_add(out, x) : ac_resources_sub(out, x);
}

/* Replaces a bag's extras with r (r's group[0] scalars must be zero). */
static int extras_set(ac_core *c, bag *b, const ac_resources *r)
{
	ac_resources full = *r;
	full.group[0].amount = b->unres;
	return ac__bag_set(c, b, &full);
}

/* The extras part of a full set: r without its unreserved scalars. */
static void extras_of(const ac_resources *r, ac_resources *out)
{
	*out = *r;
	ac_vec_zero(&out->group[0].amount);
}

/* Adds (sign +1) or takes (-1) resources to an agent's free set. Only
 * adding can fail (ports too fragmented to store); then the ports are
 * counted in ac_counters.ports_unstored rather than lost without trace. */
static void agent_free_apply(ac_core *c, uint32_t a, const ac_vec *unres, const ac_resources *x, int sign)
{
	agent_free_change(c, a, unres, sign);
	if (!x || !ac__res_has_extras(x))
		return;
	ac_resources nx;
	if (extras_apply(c, &AGENT(c, a)->free, x, sign, &nx) == 0 && extras_set(c, &AGENT(c, a)->free, &nx) == 0)
		return;
	c->counters.ports_unstored += ac_resources_port_count(x);
}

/* ---------------------------------------------------------------- offers */

#define LINK(c, head, tail, o, PREV, NEXT)                                                                             \
	do {                                                                                                           \
		OFFER(c, o)->PREV = (tail);                                                                            \
		OFFER(c, o)->NEXT = 0;                                                                                 \
		if (tail)                                                                                              \
			OFFER(c, tail)->NEXT = (o);                                                                    \
		else                                                                                                   \
			(head) = (o);                                                                                  \
		(tail) = (o);                                                                                          \
	} while (0)

#define UNLINK(c, head, tail, o, PREV, NEXT)                                                                           \
	do {                                                                                                           \
		uint32_t p_ = OFFER(c, o)->PREV, n_ = OFFER(c, o)->NEXT;                                               \
		if (p_)                                                                                                \
			OFFER(c, p_)->NEXT = n_;                                                                       \
		else                                                                                                   \
			(head) = n_;                                                                                   \
		if (n_)                                                                                                \
			OFFER(c, n_)->PREV = p_;                                                                       \
		else                                                                                                   \
			(tail) = p_;                                                                                   \
	} while (0)

int ac__offer_new(ac_core *c, uint32_t f, uint32_t a, ac_time now, uint32_t *slot)
{
	uint32_t o;
	if (ac__pool_alloc(&c->offers, &o))
		return AC_ENOMEM;
	offer *O = OFFER(c, o);
	O->fw = f;
	O->agent = a;
	O->created = now;
	O->pass = c->pass;
	O->serial = ++c->offer_serial;
	O->agent_tag = AGENT(c, a)->tag; /* read now, while the agent is in cache */
	LINK(c, AGENT(c, a)->offers_head, AGENT(c, a)->offers_tail, o, ag_prev, ag_next);
	AGENT(c, a)->noffers++;
	FW(c, f)->noffers++;
	if (c->offers.live == 1 || now < c->oldest_offer)
		c->oldest_offer = now;
	*slot = o;
	return 0;
}

/* Unlinks an offer and frees its slot; the caller settled its resources. */
static void offer_unlink(ac_core *c, uint32_t o)
{
	uint32_t f = OFFER(c, o)->fw, a = OFFER(c, o)->agent;
	UNLINK(c, AGENT(c, a)->offers_head, AGENT(c, a)->offers_tail, o, ag_prev, ag_next);
	AGENT(c, a)->noffers--;
	FW(c, f)->noffers--;
	ac__bag_clear(c, &OFFER(c, o)->res);
	ac__pool_release(&c->offers, o);
}

typedef struct serial_slot {
	uint64_t serial;
	uint32_t slot;
} serial_slot;

static int by_serial(const void *x, const void *y)
{
	const serial_slot *a = x, *b = y;
	return a->serial < b->serial ? -1 : a->serial > b->serial;
}

/* The live offers for which keep(offer, arg) holds, oldest first: *n of
 * them in *out, a malloc'd array the caller frees (NULL when none). 0, or
 * AC_ENOMEM with *out NULL and *n 0. */
static int offers_select(const ac_core *c, bool (*keep)(const offer *o, const void *arg), const void *arg,
                         serial_slot **out, uint32_t *n)
{
	serial_slot *v = NULL;
	uint32_t cap = 0;
	*n = 0;
	for (uint32_t s = 1; s < c->offers.n; s++) {
		if (!ac__pool_live(&c->offers, s) || !keep(OFFER(c, s), arg))
			continue;
		if (ac__array_grow((void **)&v, &cap, *n + 1, sizeof *v)) {
			free(v);
			*out = NULL;
			*n = 0;
			return AC_ENOMEM;
		}
		v[(*n)++] = (serial_slot){OFFER(c, s)->serial, s};
	}
	if (*n > 1)
		qsort(v, *n, sizeof *v, by_serial);
	*out = v;
	return 0;
}

static bool of_fw(const offer *o, const void *arg)
{
	return o->fw == *(const uint32_t *)arg;
}

void ac__offer_view(ac_core *c, uint32_t o, ac_offer_view *v)
{
	const offer *O = OFFER(c, o);
	v->id = ac__handle_make(c->offers.gens[o], o);
	v->fw = ac__handle_make(c->fws.gens[O->fw], O->fw);
	v->agent = ac__handle_make(c->agents.gens[O->agent], O->agent);
	v->fw_tag = FW(c, O->fw)->tag;
	v->agent_tag = O->agent_tag;
	ac__bag_to_res(c, &O->res, &c->view_buf);
	v->resources = &c->view_buf;
	ac__bag_scalars(c, &O->res, &v->scalars);
}

static void offer_drop(ac_core *c, uint32_t o, int why)
{
	if (why >= 0 && c->hooks.rescind) {
		ac_offer_view v;
		ac__offer_view(c, o, &v);
		c->hooks.rescind(c->hooks.ud, &v, (ac_rescind_reason)why);
	}
	offer *O = OFFER(c, o);
	uint32_t f = O->fw, a = O->agent;
	ac_vec scalars, unres = O->res.unres;
	ac__bag_scalars(c, &O->res, &scalars);
	const ac_resources *x = ac__bag_x(c, &O->res);
	if (x && !AGENT(c, a)->free.x) {
		/* The agent has no free extras: the offer's block becomes them. */
		AGENT(c, a)->free.x = O->res.x;
		O->res.x = 0;
		agent_free_change(c, a, &unres, +1);
	} else {
		agent_free_apply(c, a, &unres, x, +1);
	}
	ac_vec_sub(&FW(c, f)->offered, &scalars);
	ac__held_change(c, f, &scalars, &unres, -1);
	offer_unlink(c, o);
	if (why >= 0)
		c->counters.offers_rescinded++;
}

void ac__offers_drop_of_agent(ac_core *c, uint32_t a, int why)
{
	while (AGENT(c, a)->offers_head)
		offer_drop(c, AGENT(c, a)->offers_head, why);
}

void ac__offers_drop_of_fw(ac_core *c, uint32_t f, int why)
{
	if (!FW(c, f)->noffers)
		return;
	serial_slot *v;
	uint32_t n;
	(void)offers_select(c, of_fw, &f, &v, &n);
	for (uint32_t i = 0; i < n; i++)
		offer_drop(c, v[i].slot, why);
	free(v);
	/* Out of memory for the list (n is 0): drop them in slot order instead. */
	for (uint32_t s = 1; FW(c, f)->noffers && s < c->offers.n; s++)
		if (ac__pool_live(&c->offers, s) && OFFER(c, s)->fw == f)
			offer_drop(c, s, why);
}

/* Adds resources to an offer of this pass, taking them from the agent's
 * free set and charging the framework. */
void ac__offer_grow(ac_core *c, uint32_t o, const ac_vec *unres, const ac_resources *x, bool whole)
{
	uint32_t f = OFFER(c, o)->fw, a = OFFER(c, o)->agent;
	ac_vec scalars = *unres;
	ac_vec_add(&OFFER(c, o)->res.unres, unres);
	if (x && ac__res_has_extras(x)) {
		for (uint32_t g = 1; g < x->ngroups; g++)
			ac_vec_add(&scalars, &x->group[g].amount);
	}
	if (x && ac__res_has_extras(x) && whole && !OFFER(c, o)->res.x) {
		/* All of the agent's free ports and reservations go to this
		 * offer: move the block instead of copying 800 bytes twice. */
		OFFER(c, o)->res.x = AGENT(c, a)->free.x;
		AGENT(c, a)->free.x = 0;
		agent_free_change(c, a, unres, -1);
	} else {
		ac_resources copy;
		if (x && whole) {
			/* x lives in the extras pool, which the copies below
			 * may move. */
			copy = *x;
			x = &copy;
		}
		if (x && ac__res_has_extras(x)) {
			ac_resources nx;
			/* Both come whole out of the agent's free set, which fits. */
			if (extras_apply(c, &OFFER(c, o)->res, x, +1, &nx) == 0)
				extras_set(c, &OFFER(c, o)->res, &nx);
		}
		agent_free_apply(c, a, unres, x, -1);
	}
	ac_vec_add(&FW(c, f)->offered, &scalars);
	ac__held_change(c, f, &scalars, unres, +1);
}

ac_time ac_refuse_from_seconds(double s)
{
	if (isnan(s) || s < 0)
		return AC_REFUSE_DEFAULT;
	if (s >= (double)AC_REFUSE_MAX / AC_SECOND)
		return AC_REFUSE_MAX;
	return (ac_time)llround(s * 1e9);
}

static bool expired(const offer *o, const void *arg)
{
	const ac_core *c = arg;
	return c->now - o->created >= c->cfg.offer_timeout;
}

int ac_advance(ac_core *c, ac_time now, ac_err *err)
{
	if (now < c->now)
		return ac__fail(err, AC_ESTATE, "time went backwards (%lld ns < %lld ns)", (long long)now,
		                (long long)c->now);
	c->now = now;
	if (c->cfg.offer_timeout <= 0 || !c->offers.live || now - c->oldest_offer < c->cfg.offer_timeout)
		return 0;
	serial_slot *v;
	uint32_t n;
	/* Out of memory for the list: none is rescinded now; the next call
	 * tries again (oldest_offer stays a lower bound). */
	(void)offers_select(c, expired, c, &v, &n);
	for (uint32_t i = 0; i < n; i++)
		offer_drop(c, v[i].slot, AC_RESCIND_TIMEOUT);
	free(v);
	c->oldest_offer = now;
	for (uint32_t s = 1; s < c->offers.n; s++)
		if (ac__pool_live(&c->offers, s) && OFFER(c, s)->created < c->oldest_offer)
			c->oldest_offer = OFFER(c, s)->created;
	return (int)n;
}

/* ---------------------------------------------------------- allocations */

#define ALINK(c, head, a, PREV, NEXT)                                                                                  \
	do {                                                                                                           \
		ALLOC(c, a)->PREV = 0;                                                                                 \
		ALLOC(c, a)->NEXT = (head);                                                                            \
		if (head)                                                                                              \
			ALLOC(c, head)->PREV = (a);                                                                    \
		(head) = (a);                                                                                          \
	} while (0)

#define AUNLINK(c, head, a, PREV, NEXT)                                                                                \
	do {                                                                                                           \
		uint32_t p_ = ALLOC(c, a)->PREV, n_ = ALLOC(c, a)->NEXT;                                               \
		if (p_)                                                                                                \
			ALLOC(c, p_)->NEXT = n_;                                                                       \
		else                                                                                                   \
			(head) = n_;                                                                                   \
		if (n_)                                                                                                \
			ALLOC(c, n_)->PREV = p_;                                                                       \
	} while (0)

static uint32_t alloc_find(const ac_core *c, uint32_t f, uint32_t a)
{
	const uint32_t *v = ac__hmap_get(&c->alloc_map, ac__pair_key(f, a));
	return v ? *v : 0;
}

static void alloc_unlink(ac_core *c, uint32_t i)
{
	uint32_t f = ALLOC(c, i)->fw, a = ALLOC(c, i)->agent;
	AUNLINK(c, FW(c, f)->allocs_head, i, fw_prev, fw_next);
	AUNLINK(c, AGENT(c, a)->allocs_head, i, ag_prev, ag_next);
	ac__hmap_del(&c->alloc_map, ac__pair_key(f, a));
	ac__bag_clear(c, &ALLOC(c, i)->res);
	ac__pool_release(&c->allocs, i);
}

/* Sets what f holds on a to r (empty: the record goes). */
static int alloc_store(ac_core *c, uint32_t f, uint32_t a, const ac_resources *r)
{
	uint32_t i = alloc_find(c, f, a);
	if (ac_resources_empty(r)) {
		if (i)
			alloc_unlink(c, i);
		return 0;
	}
	if (!i) {
		if (ac__pool_alloc(&c->allocs, &i))
			return AC_ENOMEM;
		if (ac__hmap_put(&c->alloc_map, ac__pair_key(f, a), i)) {
			ac__pool_release(&c->allocs, i);
			return AC_ENOMEM;
		}
		ALLOC(c, i)->fw = f;
		ALLOC(c, i)->agent = a;
		ALINK(c, FW(c, f)->allocs_head, i, fw_prev, fw_next);
		ALINK(c, AGENT(c, a)->allocs_head, i, ag_prev, ag_next);
	}
	return ac__bag_set(c, &ALLOC(c, i)->res, r);
}

/* Releases an allocation record's resources from its framework's share;
 * `to_agent` returns them to the agent's free set too. */
static void alloc_release(ac_core *c, uint32_t i, bool to_agent)
{
	alloc *A = ALLOC(c, i);
	uint32_t f = A->fw, a = A->agent;
	ac_vec scalars, unres = A->res.unres;
	ac__bag_scalars(c, &A->res, &scalars);
	if (to_agent)
		agent_free_apply(c, a, &unres, ac__bag_x(c, &ALLOC(c, i)->res), +1);
	allocated_change(c, f, &scalars, -1);
	ac__held_change(c, f, &scalars, &unres, -1);
	alloc_unlink(c, i);
}

void ac__allocs_drop_of_agent(ac_core *c, uint32_t a)
{
	while (AGENT(c, a)->allocs_head)
		alloc_release(c, AGENT(c, a)->allocs_head, false);
}

void ac__allocs_drop_of_fw(ac_core *c, uint32_t f)
{
	while (FW(c, f)->allocs_head)
		alloc_release(c, FW(c, f)->allocs_head, true);
}

/* ------------------------------------------------------- public calls */

static int resources_arg(const ac_core *c, const ac_resources *r, const char *what, ac_resources *out, ac_err *err)
{
	if (!r) {
		ac_resources_init(out);
		return 0;
	}
	*out = *r;
	return ac__res_check(c, r, what, err);
}

/* Resolves the offers of one answer: all live, one framework, one agent,
 * each once. Sums their resources. */
static int offers_resolve(ac_core *c, const ac_offer_id *ids, size_t n, uint32_t *slots, ac_resources *sum, ac_err *err)
{
	if (n == 0 || !ids)
		return ac__fail(err, AC_EINVAL, "no offers given");
	ac_resources_init(sum);
	for (size_t i = 0; i < n; i++) {
		uint32_t o = ac__offer_slot(c, ids[i]);
		if (!o)
			return ac__fail(err, AC_ENOENT, "offer %#llx is unknown, rescinded or already answered",
			                (unsigned long long)ids[i]);
		for (size_t j = 0; j < i; j++)
			if (slots[j] == o)
				return ac__fail(err, AC_EINVAL, "offer %#llx is given twice",
				                (unsigned long long)ids[i]);
		if (i > 0 &&
		    (OFFER(c, o)->fw != OFFER(c, slots[0])->fw || OFFER(c, o)->agent != OFFER(c, slots[0])->agent))
			return ac__fail(err, AC_EINVAL, "offers of different frameworks or agents answered together");
		slots[i] = o;
		ac_resources r;
		ac__bag_to_res(c, &OFFER(c, o)->res, &r);
		if (ac_resources_add(sum, &r))
			return ac__fail(err, AC_ENOSPC, "offers too fragmented to combine");
	}
	return 0;
}

/* True for a set holding only unreserved scalars, each within bounds. */
static bool plain_scalars(const ac_core *c, const ac_resources *r)
{
	if (r->ngroups != 1 || r->group[0].role != 0 || r->group[0].nports != 0)
		return false;
	for (int k = 0; k < AC_KINDS; k++)
		if (r->group[0].amount.v[k] < 0 || r->group[0].amount.v[k] > AC_AMOUNT_MAX_UNITS * AC_MILLI ||
		    (k >= c->nkinds && r->group[0].amount.v[k] != 0))
			return false;
	return true;
}

static void filter_rest(ac_core *c, uint32_t f, uint32_t a, ac_time now, ac_time refuse, const ac_resources *rest)
{
	if (refuse > 0 && !ac_resources_empty(rest)) {
		ac_time life = refuse > c->cfg.allocation_interval ? refuse : c->cfg.allocation_interval;
		/* Out of memory here only loses a filter: the answer stands. */
		(void)ac__filter_add(c, f, a, now, life, rest);
	}
}

/* Unreserved scalars framework f did not use on agent a are free again,
 * filtered for f for the refuse time (the fast paths' end of an answer). */
static void unres_back(ac_core *c, uint32_t f, uint32_t a, const ac_vec *rest, ac_time now, ac_time refuse)
{
	agent_free_change(c, a, rest, +1);
	/* (ac__filter_add skips suppressed frameworks too: spare the call) */
	if (refuse > 0 && !FW(c, f)->suppressed && ac_vec_any_positive(rest)) {
		ac_resources r; /* only what ac__filter_add reads: no full init on this path */
		r.ngroups = 1;
		r.group[0].role = 0;
		r.group[0].nports = 0;
		r.group[0].amount = *rest;
		filter_rest(c, f, a, now, refuse, &r);
	}
}

/* The common case on the steady-state path: one offer of unreserved scalars
 * answered with unreserved scalars. Vector arithmetic only. Returns 1 when
 * the case does not apply. */
static int answer_scalars(ac_core *c, ac_offer_id id, const ac_resources *used, ac_time refuse, ac_time now,
                          bool accept, ac_err *err)
{
	uint32_t o = ac__offer_slot(c, id);
	if (!o || OFFER(c, o)->res.x || (used && !plain_scalars(c, used)))
		return 1;
	uint32_t f = OFFER(c, o)->fw, a = OFFER(c, o)->agent;
	ac_vec u = {{0}}, offered = OFFER(c, o)->res.unres;
	if (used)
		u = used->group[0].amount;
	if (!ac_vec_fits(&u, &offered))
		return ac__fail(err, AC_EINVAL, "uses more than was offered");
	ac_vec rest = offered;
	ac_vec_sub(&rest, &u);
	if (ac_vec_any_positive(&u)) {
		/* Plain scalars add to a record's inline part, whatever else
		 * it holds; a decline never touches the table. */
		uint32_t ai = alloc_find(c, f, a);
		if (!ai) {
			ac_resources r;
			ac_resources_init(&r);
			r.group[0].amount = u;
			if (alloc_store(c, f, a, &r))
				return ac__fail(err, AC_ENOMEM, "out of memory");
		} else {
			ac_vec_add(&ALLOC(c, ai)->res.unres, &u);
		}
	}
	offer_unlink(c, o);
	ac_vec_sub(&FW(c, f)->offered, &offered);
	allocated_change(c, f, &u, +1);
	ac__held_change(c, f, &rest, &rest, -1);
	unres_back(c, f, a, &rest, now, refuse);
	if (accept)
		c->counters.offers_accepted++;
	else
		c->counters.offers_declined++;
	return 0;
}

static int answer(ac_core *c, const ac_offer_id *ids, size_t n, const ac_resources *used_arg, ac_time refuse,
                  ac_time now, bool accept, ac_err *err)
{
	if (n == 1 && ids && refuse >= 0 && now >= c->now) {
		int rc = answer_scalars(c, ids[0], used_arg, refuse, now, accept, err);
		if (rc != 1)
			return rc;
	}
	enum { MAX_IDS = 64 };
	uint32_t slots[MAX_IDS];
	ac_resources sum, used, rest, nalloc, nfree;
	int rc;
	if (n > MAX_IDS)
		return ac__fail(err, AC_EINVAL, "at most %d offers per call", MAX_IDS);
	if (refuse < 0)
		return ac__fail(err, AC_EINVAL,
		                "negative refuse time (use ac_refuse_from_seconds for Mesos's default)");
	if (now < c->now)
		return ac__fail(err, AC_ESTATE, "time went backwards (%lld ns < %lld ns)", (long long)now,
		                (long long)c->now);
	if ((rc = offers_resolve(c, ids, n, slots, &sum, err)))
		return rc;
	if ((rc = resources_arg(c, used_arg, "used resources", &used, err)))
		return rc;
	if (!ac_resources_contains(&sum, &used))
		return ac__fail(err, AC_EINVAL, "uses more than was offered");
	uint32_t f = OFFER(c, slots[0])->fw, a = OFFER(c, slots[0])->agent;
	rest = sum;
	if (ac_resources_sub(&rest, &used))
		return ac__fail(err, AC_ENOSPC, "unused ports too fragmented to return");
	uint32_t ai = alloc_find(c, f, a);
	if (ai)
		ac__bag_to_res(c, &ALLOC(c, ai)->res, &nalloc);
	else
		ac_resources_init(&nalloc);
	if (ac_resources_add(&nalloc, &used))
		return ac__fail(err, AC_ENOSPC, "allocation on this agent too fragmented");
	ac_resources rx;
	extras_of(&rest, &rx);
	if (ac__res_has_extras(&rx) && extras_apply(c, &AGENT(c, a)->free, &rx, +1, &nfree))
		return ac__fail(err, AC_ENOSPC, "agent's free ports too fragmented");
	if (alloc_store(c, f, a, &nalloc))
		return ac__fail(err, AC_ENOMEM, "out of memory");

	/* Committed from here on: settle each offer, then charge what was used. */
	ac_vec sum_s, used_s, rest_s;
	ac_resources_scalars(&sum, &sum_s);
	ac_resources_scalars(&used, &used_s);
	ac_resources_scalars(&rest, &rest_s);
	for (size_t i = 0; i < n; i++)
		offer_unlink(c, slots[i]);
	ac_vec_sub(&FW(c, f)->offered, &sum_s);
	allocated_change(c, f, &used_s, +1);
	ac__held_change(c, f, &rest_s, &rest.group[0].amount, -1);
	agent_free_change(c, a, &rest.group[0].amount, +1);
	if (ac__res_has_extras(&rx))
		extras_set(c, &AGENT(c, a)->free, &nfree);
	filter_rest(c, f, a, now, refuse, &rest);
	if (accept)
		c->counters.offers_accepted += n;
	else
		c->counters.offers_declined += n;
	return 0;
}

int ac_offers_accept(ac_core *c, const ac_offer_id *ids, size_t n, const ac_resources *used, ac_time refuse,
                     ac_time now, ac_err *err)
{
	return answer(c, ids, n, used, refuse, now, true, err);
}

int ac_offers_decline(ac_core *c, const ac_offer_id *ids, size_t n, ac_time refuse, ac_time now, ac_err *err)
{
	return answer(c, ids, n, NULL, refuse, now, false, err);
}

/* Undoes the marks decline_each puts on ids[0..n) while checking them. */
static void unmark(ac_core *c, const ac_offer_id *ids, size_t n)
{
	for (size_t j = 0; j < n; j++)
		OFFER(c, ac__offer_slot(c, ids[j]))->pass = c->pass;
}

int ac_offers_decline_each(ac_core *c, const ac_offer_id *ids, size_t n, ac_time refuse, ac_time now, ac_err *err)
{
	if (n == 0 || !ids)
		return ac__fail(err, AC_EINVAL, "no offers given");
	if (refuse < 0)
		return ac__fail(err, AC_EINVAL,
		                "negative refuse time (use ac_refuse_from_seconds for Mesos's default)");
	if (now < c->now)
		return ac__fail(err, AC_ESTATE, "time went backwards (%lld ns < %lld ns)", (long long)now,
		                (long long)c->now);
	/* the slots, found once (nothing below sorts orders, the scratch's
	 * other user) */
	uint32_t *slot;
	if (n > UINT32_MAX || ac__scratch(c, (uint32_t)n, &slot))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	uint32_t f = 0;
	for (size_t i = 0; i < n; i++) {
		/* A repeat is found through a mark: the pass number of an offer
		 * is set aside while checking (no pass runs meanwhile; any value
		 * but the current pass's means "not of this pass"). */
		if (i + 8 < n) /* offers are spread over the pool: ask ahead */
			__builtin_prefetch(OFFER(c, ac__offer_slot(c, ids[i + 8])));
		uint32_t o = slot[i] = ac__offer_slot(c, ids[i]);
		const char *why = !o                                ? "is unknown, rescinded or already answered"
		                  : i > 0 && OFFER(c, o)->fw != f   ? "belongs to another framework than the first"
		                  : OFFER(c, o)->pass == UINT64_MAX ? "is given twice"
		                                                    : NULL;
		if (why) {
			unmark(c, ids, i);
			return ac__fail(err, o ? AC_EINVAL : AC_ENOENT, "offer %#llx %s", (unsigned long long)ids[i],
			                why);
		}
		f = OFFER(c, o)->fw;
		OFFER(c, o)->pass = UINT64_MAX;
	}
	/* Committed: settle each offer on its agent; charge the framework once. */
	ac_vec sum = {{0}};
	size_t i = 0;
	int rc = 0;
	for (; i < n; i++) {
		/* again ahead: the offers, and the agents of those asked for
		 * before (their records have come by now) */
		if (i + 8 < n)
			__builtin_prefetch(OFFER(c, slot[i + 8]));
		if (i + 4 < n)
			__builtin_prefetch(AGENT(c, OFFER(c, slot[i + 4])->agent));
		uint32_t o = slot[i];
		OFFER(c, o)->pass = c->pass;
		if (OFFER(c, o)->res.x) {
			/* ports or reservations: the general path, one at a time */
			if ((rc = answer(c, &ids[i], 1, NULL, refuse, now, false, err))) {
				unmark(c, ids + i + 1, n - i - 1);
				break;
			}
			continue;
		}
		uint32_t a = OFFER(c, o)->agent;
		ac_vec rest = OFFER(c, o)->res.unres;
		offer_unlink(c, o);
		ac_vec_add(&sum, &rest);
		unres_back(c, f, a, &rest, now, refuse);
		c->counters.offers_declined++;
	}
	ac_vec_sub(&FW(c, f)->offered, &sum);
	ac__held_change(c, f, &sum, &sum, -1);
	return rc;
}

int ac_recover(ac_core *c, ac_fw_id fid, ac_agent_id aid, const ac_resources *res, ac_err *err)
{
	uint32_t f = ac__fw_slot(c, fid), a = ac__agent_slot(c, aid);
	ac_resources r, cur, nfree, rx;
	int rc;
	if (!f || !a)
		return ac__fail(err, AC_ENOENT, "unknown %s", f ? "agent" : "framework");
	uint32_t fast = res && plain_scalars(c, res) ? alloc_find(c, f, a) : 0;
	if (fast && !ALLOC(c, fast)->res.x) {
		/* Unreserved scalars only: vector arithmetic. */
		const ac_vec *v = &res->group[0].amount;
		if (!ac_vec_fits(v, &ALLOC(c, fast)->res.unres))
			return ac__fail(err, AC_EINVAL, "framework %s holds less than that on agent %s", FW(c, f)->name,
			                AGENT(c, a)->name);
		ac_vec_sub(&ALLOC(c, fast)->res.unres, v);
		if (ac_vec_is_zero(&ALLOC(c, fast)->res.unres))
			alloc_unlink(c, fast);
		allocated_change(c, f, v, -1);
		ac__held_change(c, f, v, v, -1);
		agent_free_change(c, a, v, +1);
		return 0;
	}
	if ((rc = resources_arg(c, res, "recovered resources", &r, err)))
		return rc;
	uint32_t ai = alloc_find(c, f, a);
	if (ai)
		ac__bag_to_res(c, &ALLOC(c, ai)->res, &cur);
	else
		ac_resources_init(&cur);
	if (!ac_resources_contains(&cur, &r))
		return ac__fail(err, AC_EINVAL, "framework %s holds less than that on agent %s", FW(c, f)->name,
		                AGENT(c, a)->name);
	if (ac_resources_sub(&cur, &r))
		return ac__fail(err, AC_ENOSPC, "remaining ports too fragmented");
	extras_of(&r, &rx);
	if (ac__res_has_extras(&rx) && extras_apply(c, &AGENT(c, a)->free, &rx, +1, &nfree))
		return ac__fail(err, AC_ENOSPC, "agent's free ports too fragmented");
	if (alloc_store(c, f, a, &cur))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	ac_vec s;
	ac_resources_scalars(&r, &s);
	allocated_change(c, f, &s, -1);
	ac__held_change(c, f, &s, &r.group[0].amount, -1);
	agent_free_change(c, a, &r.group[0].amount, +1);
	if (ac__res_has_extras(&rx))
		extras_set(c, &AGENT(c, a)->free, &nfree);
	return 0;
}

int ac_allocation_restore(ac_core *c, ac_fw_id fid, ac_agent_id aid, const ac_resources *res, ac_err *err)
{
	uint32_t f = ac__fw_slot(c, fid), a = ac__agent_slot(c, aid);
	ac_resources r, cur, freeset, nfree, rx;
	int rc;
	if (!f || !a)
		return ac__fail(err, AC_ENOENT, "unknown %s", f ? "agent" : "framework");
	if ((rc = resources_arg(c, res, "restored resources", &r, err)))
		return rc;
	ac__bag_to_res(c, &AGENT(c, a)->free, &freeset);
	ac_vec_clamp0(&freeset.group[0].amount);
	if (!ac_resources_contains(&freeset, &r))
		return ac__fail(err, AC_EINVAL, "agent %s does not have that much free", AGENT(c, a)->name);
	uint32_t ai = alloc_find(c, f, a);
	if (ai)
		ac__bag_to_res(c, &ALLOC(c, ai)->res, &cur);
	else
		ac_resources_init(&cur);
	if (ac_resources_add(&cur, &r))
		return ac__fail(err, AC_ENOSPC, "allocation on this agent too fragmented");
	extras_of(&r, &rx);
	if (ac__res_has_extras(&rx) && extras_apply(c, &AGENT(c, a)->free, &rx, -1, &nfree))
		return ac__fail(err, AC_ENOSPC, "agent's free ports too fragmented");
	if (alloc_store(c, f, a, &cur))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	ac_vec s;
	ac_resources_scalars(&r, &s);
	allocated_change(c, f, &s, +1);
	ac__held_change(c, f, &s, &r.group[0].amount, +1);
	agent_free_change(c, a, &r.group[0].amount, -1);
	if (ac__res_has_extras(&rx))
		extras_set(c, &AGENT(c, a)->free, &nfree);
	return 0;
}

int ac_offer_info_get(const ac_core *c, ac_offer_id id, ac_offer_info *out, ac_err *err)
{
	uint32_t o = ac__offer_slot(c, id);
	if (!o)
		return ac__fail(err, AC_ENOENT, "offer %#llx is unknown, rescinded or already answered",
		                (unsigned long long)id);
	const offer *O = OFFER(c, o);
	out->fw = ac__handle_make(c->fws.gens[O->fw], O->fw);
	out->agent = ac__handle_make(c->agents.gens[O->agent], O->agent);
	out->created = O->created;
	ac__bag_to_res(c, &O->res, &out->resources);
	return 0;
}

size_t ac_offers_of(const ac_core *c, ac_fw_id fid, ac_agent_id aid, ac_offer_id *out, size_t cap)
{
	uint32_t f = ac__fw_slot(c, fid), a = aid ? ac__agent_slot(c, aid) : 0;
	if (!f || (aid && !a) || !FW(c, f)->noffers)
		return 0;
	size_t n = 0;
	if (a) {
		/* An agent's list is in creation order. */
		for (uint32_t o = AGENT(c, a)->offers_head; o; o = OFFER(c, o)->ag_next) {
			if (OFFER(c, o)->fw != f)
				continue;
			if (n < cap)
				out[n] = ac__handle_make(c->offers.gens[o], o);
			n++;
		}
		return n;
	}
	serial_slot *v;
	uint32_t m;
	if (offers_select(c, of_fw, &f, &v, &m))
		return FW(c, f)->noffers; /* out of memory: the count only */
	for (size_t i = 0; i < m && i < cap; i++)
		out[i] = ac__handle_make(c->offers.gens[v[i].slot], v[i].slot);
	free(v);
	return m;
}

int ac_allocation_get(const ac_core *c, ac_fw_id fid, ac_agent_id aid, ac_resources *out, ac_err *err)
{
	uint32_t f = ac__fw_slot(c, fid), a = ac__agent_slot(c, aid);
	if (!f || !a)
		return ac__fail(err, AC_ENOENT, "unknown %s", f ? "agent" : "framework");
	uint32_t i = alloc_find(c, f, a);
	if (i)
		ac__bag_to_res(c, &ALLOC(c, i)->res, out);
	else
		ac_resources_init(out);
	return 0;
}

/*
 * book.c — the offer book and the allocation table: every outstanding offer
 * (framework, agent, resources, creation time) and what each framework holds
 * on each agent, with the accounting that keeps shares, quota consumption
 * and agents' free resources consistent when offers are made, answered,
 * rescinded or timed out, and when tasks end.
 */
#include "book.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bag.h"
#include "err.h"
#include "filters.h"
#include "offers.h"
#include "order.h"
#include "quota.h"
#include "vec.h"

/* ----------------------------------------------------------- accounting */

/* (one straight-line copy for each sign) */
void ac__held_change(ac_core *c, uint32_t f, const ac_vec *scalars, const ac_vec *unres, int sign)
{
	if (sign > 0)
		ac__held_walk(c, f, scalars, unres, +1, false, true);
	else
		ac__held_walk(c, f, scalars, unres, -1, false, true);
}

void ac__role_held_change(ac_core *c, uint32_t r, const ac_vec *scalars, const ac_vec *unres, int sign)
{
	if (sign > 0)
		ac__role_walk(c, r, scalars, unres, +1, false);
	else
		ac__role_walk(c, r, scalars, unres, -1, false);
}

/* What framework f holds and has allocated both change by sign x scalars
 * (unres of them unreserved), in one walk: a record released or restored,
 * a recover off the fast path (the fast one and the owed recovers call
 * ac__held_walk inline themselves). */
static void holding_change(ac_core *c, uint32_t f, const ac_vec *scalars, const ac_vec *unres, int sign)
{
	if (sign > 0)
		ac__held_walk(c, f, scalars, unres, +1, true, true);
	else
		ac__held_walk(c, f, scalars, unres, -1, true, true);
}

void ac__recovers_apply_slow(ac_core *c)
{
	for (uint32_t i = 0; i < c->narrears; i++) {
		uint32_t f = c->arrears[i];
		ac__sv rec = FW_SV(c, f, recovered);
		ac_vec v = ac__sv_get(rec);
		ac__sv_zero(rec);
		FW(c, f)->owes = false;
		ac__held_walk(c, f, &v, &v, -1, true, true);
	}
	c->narrears = 0;
}

/* Notes a recover of v (unreserved scalars) as owed by framework f's sums
 * (book.h). False when it cannot be (quota reads the roles' sums at once;
 * no room to note f): the caller applies it. */
static inline bool recover_owed(ac_core *c, uint32_t f, const ac_vec *v, bool wide)
{
	if (c->nguarantees || c->nlimits)
		return false;
	fw *F = FW(c, f);
	if (!F->owes) {
		if (c->narrears >= c->cap_arrears &&
		    ac__array_grow((void **)&c->arrears, &c->cap_arrears, c->narrears + 1, sizeof *c->arrears))
			return false;
		c->arrears[c->narrears++] = f;
		F->owes = true;
	}
	ac__sv_add(FW_SVW(c, wide, f, recovered), v);
	return true;
}

/* Framework f's allocated sum alone (an answer's used part: its held sum
 * moves by what went back instead). */
static void allocated_change(ac_core *c, uint32_t f, const ac_vec *scalars, int sign)
{
	ac__sv_add_signed(FW_SV(c, f, allocated), scalars, sign);
	for (int32_t x = (int32_t)FW(c, f)->role; x >= 0; x = c->roles[x].parent)
		ac__vec_add_signed(&ROLE(c, x)->allocated_sub, scalars, sign, c->wide);
}

/* ac__agent_free_change with guarantees: the clamped sum follows. */
void ac__agent_free_clamped(ac_core *c, uint32_t a, const ac_vec *delta, int sign)
{
	ac__sv free = AGENT_SV(c, a, free);
	ac_vec before = ac__sv_get(free);
	ac_vec_clamp0(&before);
	ac_vec_sub(&c->free_unres_clamped, &before);
	ac__sv_add_signed(free, delta, sign);
	ac_vec after = ac__sv_get(free);
	ac_vec_clamp0(&after);
	ac_vec_add(&c->free_unres_clamped, &after);
}

/* New extras for a bag whose extras block is bx (0: none): its current
 * extras plus (sign +1) or minus (-1) x. Works on a copy so that the
 * caller can check before committing. */
static int extras_apply(const ac_core *c, uint32_t bx, const ac_resources *x, int sign, ac_resources *out)
{
	if (bx)
		*out = *XRES(c, bx);
	else
		ac_resources_init(out);
	return sign > 0 ? ac_resources_add(out, x) : ac_resources_sub(out, x);
}

/* Replaces a bag's extras block *bx (0: none) with r, whose group[0]
 * scalars are zero (as every extras block's): the block is reused, made
 * or let go. 0 or AC_ENOMEM (*bx unchanged). */
static int extras_set(ac_core *c, uint32_t *bx, const ac_resources *r)
{
	bag b = {{{0}}, *bx};
	int rc = ac__bag_set(c, &b, r);
	if (!rc)
		*bx = b.x;
	return rc;
}

/* Agent a's free extras become nx, once an answer, a recover or a restore
 * is committed: its checks made nx (extras_apply) and room for a block in
 * the extras pool, so this cannot fail. */
static void free_extras_set(ac_core *c, uint32_t a, const ac_resources *nx)
{
	int rc = extras_set(c, &AGENT(c, a)->free.x, nx);
	assert(rc == 0);
	(void)rc;
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
	ac__agent_free_change(c, a, unres, sign);
	if (!x || !ac__res_has_extras(x))
		return;
	ac_resources nx;
	if (extras_apply(c, AGENT(c, a)->free.x, x, sign, &nx) == 0 && extras_set(c, &AGENT(c, a)->free.x, &nx) == 0)
		return;
	c->counters.ports_unstored += ac_resources_port_count(x);
}

/* ---------------------------------------------------------------- offers */

/* An entry's resources as a bag (a copy: the arrays may move). */
static bag entry_bag(const ac_core *c, uint64_t r)
{
	const entries *e = &ac__ref_b(c, r)->e;
	uint32_t i = ac__ref_index(r);
	return (bag){ac__sv_get(ENTRY_SV(e, i)), e->x ? e->x[i] : 0};
}

static uint32_t entry_agent(const ac_core *c, uint64_t r)
{
	return ac__ref_b(c, r)->e.agent[ac__ref_index(r)];
}

static uint32_t entry_fw(const ac_core *c, uint64_t r)
{
	return ac__ref_b(c, r)->fw;
}

void ac__offer_view(ac_core *c, uint64_t r, ac_offer_view *v)
{
	const batch *B = ac__ref_b(c, r);
	uint32_t i = ac__ref_index(r), a = B->e.agent[i];
	bag b = entry_bag(c, r);
	v->id = ac__offer_id(c, r);
	v->fw = ac__handle_make(c->fws.gens[B->fw], B->fw);
	v->agent = ac__handle_make(c->agents.gens[a], a);
	v->fw_tag = FW(c, B->fw)->tag;
	v->agent_tag = B->e.tag[i];
	ac__bag_to_res(c, &b, &c->view_buf);
	v->resources = &c->view_buf;
	ac__bag_scalars(c, &b, &v->scalars);
}

/* Takes an offer back: its resources are free again, with no filter. */
static void offer_drop(ac_core *c, uint64_t r, int why)
{
	if (why >= 0 && c->hooks.rescind) {
		ac_offer_view v;
		ac__offer_view(c, r, &v);
		c->hooks.rescind(c->hooks.ud, &v, (ac_rescind_reason)why);
	}
	uint32_t f = entry_fw(c, r), a = entry_agent(c, r);
	bag b = entry_bag(c, r);
	ac_vec scalars, unres = b.unres;
	ac__bag_scalars(c, &b, &scalars);
	const ac_resources *x = ac__bag_x(c, b.x);
	if (x && !AGENT(c, a)->free.x) {
		/* The agent has no free extras: the offer's block becomes them. */
		AGENT(c, a)->free.x = b.x;
		ac__agent_free_change(c, a, &unres, +1);
	} else {
		agent_free_apply(c, a, &unres, x, +1);
		if (b.x)
			ac__pool_release(&c->xpool, b.x);
	}
	ac__sv_sub(FW_SV(c, f, offered), &scalars);
	ac__held_change(c, f, &scalars, &unres, -1);
	ac__entry_remove(c, r);
	if (why >= 0)
		c->counters.offers_rescinded++;
}

void ac__offers_drop_of_agent(ac_core *c, uint32_t a, int why)
{
	uint64_t *refs;
	uint32_t n;
	if (ac__offers_of_agent(c, a, NONE, &refs, &n) == 0) {
		for (uint32_t i = 0; i < n; i++)
			offer_drop(c, refs[i], why);
		free(refs);
	}
	/* Out of memory for the list (none dropped): in batch order instead. */
	for (uint32_t b = 1; AGENT(c, a)->noffers && b < c->batches.n; b++)
		for (uint32_t i = 0; ac__pool_live(&c->batches, b) && i < BATCH(c, b)->n; i++)
			if (BATCH(c, b)->e.live[i] && BATCH(c, b)->e.agent[i] == a)
				offer_drop(c, ac__ref(b, i), why);
}

void ac__offers_drop_of_fw(ac_core *c, uint32_t f, int why)
{
	/* oldest first: batches in the order made, each in the order made;
	 * the batch goes with its last offer, so note its successor first */
	for (uint32_t b = FW(c, f)->batches_head, next; b; b = next) {
		next = BATCH(c, b)->fw_next;
		uint32_t n = BATCH(c, b)->n, live = BATCH(c, b)->live;
		for (uint32_t i = 0; i < n && live; i++)
			if (BATCH(c, b)->e.live[i]) {
				live--;
				offer_drop(c, ac__ref(b, i), why);
			}
	}
}

/* Adds resources to an offer of this pass, taking them from the agent's
 * free set and charging the framework. */
void ac__entry_grow(ac_core *c, uint64_t r, const ac_vec *unres, const ac_resources *x, bool whole)
{
	uint32_t f = entry_fw(c, r), a = entry_agent(c, r), i = ac__ref_index(r);
	entries *e = &ac__ref_b(c, r)->e;
	if (!x) {
		/* scalars only (the common case): vector arithmetic */
		ac__sv_add(ENTRY_SV(e, i), unres);
		if (e->scalars)
			ac__vec_add(&e->scalars[i], unres, c->wide);
		ac__entry_charge(c, r, f, a, unres, true, c->wide);
		return;
	}
	ac_vec scalars = *unres;
	ac__sv_add(ENTRY_SV(e, i), unres);
	bool has_x = x && ac__res_has_extras(x);
	if (has_x) {
		for (uint32_t g = 1; g < x->ngroups; g++)
			ac_vec_add(&scalars, &x->group[g].amount);
		/* (the pass made its room: ac__entry_new, give()) */
		int rc = ac__entry_want_x(c, r);
		assert(rc == 0);
		(void)rc;
	}
	uint32_t *ex = has_x ? &ac__ref_b(c, r)->e.x[i] : NULL;
	if (has_x && whole && !*ex) {
		/* All of the agent's free ports and reservations go to this
		 * offer: move the block instead of copying 800 bytes twice. */
		*ex = AGENT(c, a)->free.x;
		AGENT(c, a)->free.x = 0;
		ac__agent_free_change(c, a, unres, -1);
	} else {
		ac_resources copy;
		if (x && whole) {
			/* x lives in the extras pool, which the copies below
			 * may move. */
			copy = *x;
			x = &copy;
		}
		if (has_x) {
			ac_resources nx;
			uint32_t ebx = *ex;
			/* Both come out of the agent's free set, and the pool
			 * has room (give()): only ports too fragmented for one
			 * set could stop them, and then they stay free on the
			 * agent, counted, rather than leave it for nowhere. */
			if (extras_apply(c, ebx, x, +1, &nx) == 0 && extras_set(c, &ebx, &nx) == 0) {
				ac__ref_b(c, r)->e.x[i] = ebx;
			} else {
				c->counters.ports_unstored += ac_resources_port_count(x);
				scalars = *unres;
				x = NULL;
			}
		}
		agent_free_apply(c, a, unres, x, -1);
	}
	e = &ac__ref_b(c, r)->e;
	if (e->scalars) { /* kept current (the view shows them): the block is in cache now */
		bag eb = entry_bag(c, r);
		ac__bag_scalars(c, &eb, &e->scalars[i]);
	}
	ac__sv_add(FW_SV(c, f, offered), &scalars);
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

static bool expired(const ac_core *c, const batch *b)
{
	return c->now - b->created >= c->cfg.offer_timeout;
}

int ac_advance(ac_core *c, ac_time now, ac_err *err)
{
	if (now < c->now)
		return ac__fail(err, AC_ESTATE, "time went backwards (%lld ns < %lld ns)", (long long)now,
		                (long long)c->now);
	ac_time was = c->now;
	c->now = now;
	c->view.now = now;
	if (c->cfg.offer_timeout <= 0 || !c->noffers || now - c->oldest_offer < c->cfg.offer_timeout)
		return 0;
	uint64_t *v;
	uint32_t n;
	if (ac__offers_select(c, expired, NONE, NONE, &v, &n)) {
		/* nothing changed, the clock included: the next call tries again */
		c->now = c->view.now = was;
		return ac__fail(err, AC_ENOMEM,
		                "out of memory (offers past their timeout are rescinded on the next call)");
	}
	for (uint32_t i = 0; i < n; i++)
		offer_drop(c, v[i], AC_RESCIND_TIMEOUT);
	free(v);
	c->oldest_offer = now;
	for (uint32_t s = 1; s < c->batches.n; s++)
		if (ac__pool_live(&c->batches, s) && BATCH(c, s)->created < c->oldest_offer)
			c->oldest_offer = BATCH(c, s)->created;
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

static inline __attribute__((always_inline)) void alloc_unlink(ac_core *c, uint32_t i)
{
	uint32_t f = ALLOC(c, i)->fw, a = ALLOC(c, i)->agent;
	agent *A = AGENT(c, a);
	AUNLINK(c, FW(c, f)->allocs_head, i, fw_prev, fw_next);
	uint32_t k = 0;
	while (k < A->nindex && A->index[k].fw != f)
		k++;
	if (k < A->nindex) {
		A->index[k] = A->index[--A->nindex]; /* (packed) */
	} else {
		ac__hmap_del(&c->alloc_map, ac__pair_key(f, a));
		A->nspill--;
		AUNLINK(c, A->allocs_head, i, ag_prev, ag_next);
	}
	/* (alloc_new writes every field it reads when the slot is taken
	 * again: only the extras block needs letting go) */
	if (ALLOC(c, i)->res.x)
		ac__pool_release(&c->xpool, ALLOC(c, i)->res.x);
	ac__pool_release(&c->allocs, i);
}

/* What f holds on a (empty: nothing). */
static void alloc_get(const ac_core *c, uint32_t f, uint32_t a, ac_resources *out)
{
	uint32_t i = ac__alloc_slot(c, f, a);
	if (i)
		ac__sbag_to_res(c, ALLOC_BAG(c, i), out);
	else
		ac_resources_init(out);
}

/* A new record of what f holds on a (it has none) holding the unreserved
 * scalars unres (NULL: nothing), into *out. 0 or AC_ENOMEM (nothing
 * changed). wide: c->wide (a constant in a settle's twice-inlined body). */
static inline __attribute__((always_inline)) int alloc_new(ac_core *c, uint32_t f, uint32_t a, const ac_vec *unres,
                                                           uint32_t *out, bool wide)
{
	uint32_t i;
	/* (every field it is read by is written below: the agent's links only
	 * when it spills) */
	if (ac__pool_take(&c->allocs, &i))
		return AC_ENOMEM;
	/* In the agent's index when it has room, else in the table (absent:
	 * one probe, not a lookup and then an insert). */
	agent *A = AGENT(c, a);
	if (A->nindex < AC__AG_INDEX) {
		A->index[A->nindex++] = (agent_rec){f, i};
	} else {
		void *s;
		if (ac__hmap_insert(&c->alloc_map, ac__pair_key(f, a), &s)) {
			ac__pool_release(&c->allocs, i);
			return AC_ENOMEM;
		}
		((hmap_u32 *)s)->val = i;
		A->nspill++;
		ALINK(c, A->allocs_head, i, ag_prev, ag_next);
	}
	alloc *R = ALLOC(c, i);
	R->fw = f;
	R->agent = a;
	R->res.x = 0;
	if (unres)
		ac__sv_set(ALLOC_SVW(c, wide, i), unres);
	else
		ac__sv_zero(ALLOC_SVW(c, wide, i));
	ALINK(c, FW(c, f)->allocs_head, i, fw_prev, fw_next);
	*out = i;
	return 0;
}

/* Sets what f holds on a to r (empty: the record goes). */
static int alloc_store(ac_core *c, uint32_t f, uint32_t a, const ac_resources *r)
{
	uint32_t i = ac__alloc_slot(c, f, a);
	if (ac_resources_empty(r)) {
		if (i)
			alloc_unlink(c, i);
		return 0;
	}
	if (!i && alloc_new(c, f, a, NULL, &i, c->wide))
		return AC_ENOMEM;
	return ac__sbag_set(c, ALLOC_BAG(c, i), r);
}

/* Releases an allocation record's resources from its framework's share;
 * `to_agent` returns them to the agent's free set too. */
static void alloc_release(ac_core *c, uint32_t i, bool to_agent)
{
	alloc *A = ALLOC(c, i);
	uint32_t f = A->fw, a = A->agent;
	bag b = ac__sbag_get(ALLOC_BAG(c, i));
	ac_vec scalars;
	ac__bag_scalars(c, &b, &scalars);
	if (to_agent)
		agent_free_apply(c, a, &b.unres, ac__bag_x(c, b.x), +1);
	holding_change(c, f, &scalars, &b.unres, -1);
	alloc_unlink(c, i);
}

void ac__allocs_drop_of_agent(ac_core *c, uint32_t a)
{
	agent *A = AGENT(c, a);
	while (A->nindex)
		alloc_release(c, A->index[A->nindex - 1].rec, false);
	while (A->allocs_head)
		alloc_release(c, A->allocs_head, false);
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
 * each once. */
static int offers_resolve(ac_core *c, const ac_offer_id *ids, size_t n, uint64_t *refs, ac_err *err)
{
	if (n == 0 || !ids)
		return ac__fail(err, AC_EINVAL, "no offers given");
	uint32_t hint = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t r = ac__offer_ref(c, ids[i], &hint);
		if (!r)
			return ac__fail(err, AC_ENOENT, "offer %#llx is unknown, rescinded or already answered",
			                (unsigned long long)ids[i]);
		for (size_t j = 0; j < i; j++)
			if (refs[j] == r)
				return ac__fail(err, AC_EINVAL, "offer %#llx is given twice",
				                (unsigned long long)ids[i]);
		if (i > 0 && (entry_fw(c, r) != entry_fw(c, refs[0]) || entry_agent(c, r) != entry_agent(c, refs[0])))
			return ac__fail(err, AC_EINVAL, "offers of different frameworks or agents answered together");
		refs[i] = r;
	}
	return 0;
}

/* True for a set holding only unreserved scalars, each within bounds. */
static inline bool plain_scalars(const ac_core *c, const ac_resources *r)
{
	if (r->ngroups != 1 || r->group[0].role != 0 || r->group[0].nports != 0)
		return false;
	/* a kind not registered has the bound 0 */
	return ac__vec_within(&r->group[0].amount, &c->kind_bound, c->wide);
}

static void filter_rest(ac_core *c, uint32_t f, uint32_t a, ac_time now, ac_time refuse, const ac_resources *rest)
{
	if (refuse > 0 && !ac_resources_empty(rest)) {
		ac_time life = refuse > c->cfg.allocation_interval ? refuse : c->cfg.allocation_interval;
		/* (the answer made the room: ac__filters_room) */
		int rc = ac__filter_add(c, f, a, now, life, rest);
		assert(rc == 0);
		(void)rc;
	}
}

/* Unreserved scalars framework f did not use on agent a are free again,
 * filtered for f for the refuse time (the fast paths' end of an answer). */
static inline void unres_back(ac_core *c, uint32_t f, uint32_t a, const ac_vec *rest, ac_time now, ac_time refuse,
                              bool wide)
{
	ac__agent_free_change_w(c, a, rest, +1, wide);
	/* (ac__filter_add skips suppressed frameworks too: spare the call) */
	if (refuse > 0 && !FW(c, f)->suppressed && ac__vec_any_pos(rest, wide)) {
		ac_resources r;
		ac_resources_from_vec(&r, rest);
		filter_rest(c, f, a, now, refuse, &r);
	}
}

/* The framework's side of a run of answers of one framework, applied once
 * at its end: what the offers held and what was used of it; the rest went
 * back. Sums commute, and nothing in between reads the framework's share. */
typedef struct answer_sums {
	ac_vec offered, used;
} answer_sums;

static void sums_apply(ac_core *c, uint32_t f, const answer_sums *s)
{
	ac_vec rest = s->offered;
	ac__vec_sub(&rest, &s->used, c->wide);
	ac__sv_sub(FW_SV(c, f, offered), &s->offered);
	allocated_change(c, f, &s->used, +1);
	ac__held_change(c, f, &rest, &rest, -1);
}

/* Answers offer r, which holds unreserved scalars only, using u of them
 * (checked to fit; zero for a decline; `uses`: whether some kind of u is
 * above zero, which a settle asks once per set): the allocation record
 * grows by u, the rest is free again under the framework's filter; the
 * framework's side is added to *s. 0 or AC_ENOMEM (nothing changed). r's batch may go;
 * with `drop`, the offer is taken out of the store (ac__entry_drop) but its
 * batch's and framework's counts are the caller's (ac__entries_dropped),
 * so the batch stays. */
static inline __attribute__((always_inline)) int answer_plain(ac_core *c, uint64_t r, const ac_vec *u, bool uses,
                                                              ac_time refuse, ac_time now, bool accept, answer_sums *s,
                                                              bool drop, bool wide)
{
	const batch *B = ac__ref_b(c, r);
	uint32_t i = ac__ref_index(r), f = B->fw, a = B->e.agent[i];
	ac_vec offered = ac__sv_get(ENTRY_SVW(wide, &B->e, i)), rest = offered;
	ac__vec_sub(&rest, u, wide);
	if (uses) {
		/* Plain scalars add to a record's inline part, whatever else
		 * it holds; a decline never touches the table. */
		uint32_t ai = ac__alloc_slot(c, f, a);
		if (ai)
			ac__sv_add(ALLOC_SVW(c, wide, ai), u);
		else if (alloc_new(c, f, a, u, &ai, wide))
			return AC_ENOMEM;
	}
	if (drop)
		ac__entry_drop(c, &ac__ref_b(c, r)->e, i);
	else
		ac__entry_remove(c, r);
	ac__vec_add(&s->offered, &offered, wide);
	ac__vec_add(&s->used, u, wide);
	unres_back(c, f, a, &rest, now, refuse, wide);
	if (accept)
		c->counters.offers_accepted++;
	else
		c->counters.offers_declined++;
	return 0;
}

/* The common case on the steady-state path: one offer of unreserved scalars
 * answered with unreserved scalars. Vector arithmetic only. Returns 1 when
 * the case does not apply. */
static int answer_scalars(ac_core *c, uint64_t r, const ac_resources *used, ac_time refuse, ac_time now, bool accept,
                          ac_err *err)
{
	const batch *B = ac__ref_b(c, r);
	uint32_t i = ac__ref_index(r), f = B->fw;
	if ((B->e.x && B->e.x[i]) || (used && !plain_scalars(c, used)))
		return 1;
	ac_vec u = {{0}};
	if (used)
		u = used->group[0].amount;
	if (!ac__sv_fits(&u, ENTRY_SV(&B->e, i)))
		return ac__fail(err, AC_EINVAL, "uses more than was offered");
	answer_sums s = {{{0}}, {{0}}};
	if (answer_plain(c, r, &u, ac__vec_any_pos(&u, c->wide), refuse, now, accept, &s, false, c->wide))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	sums_apply(c, f, &s);
	return 0;
}

enum { MAX_IDS = 64 };

/* Answers offers resolved by offers_resolve (the checks of time and refuse
 * done). */
static int answer_refs(ac_core *c, const uint64_t *refs, size_t n, const ac_resources *used_arg, ac_time refuse,
                       ac_time now, bool accept, ac_err *err)
{
	if (n == 1) {
		int rc = answer_scalars(c, refs[0], used_arg, refuse, now, accept, err);
		if (rc != 1)
			return rc;
	}
	ac_resources sum, used, rest, nalloc, nfree;
	int rc;
	ac_resources_init(&sum);
	for (size_t i = 0; i < n; i++) {
		ac_resources r;
		bag b = entry_bag(c, refs[i]);
		ac__bag_to_res(c, &b, &r);
		if (ac_resources_add(&sum, &r))
			return ac__fail(err, AC_ENOSPC, "offers too fragmented to combine");
	}
	if ((rc = resources_arg(c, used_arg, "used resources", &used, err)))
		return rc;
	if (!ac_resources_contains(&sum, &used))
		return ac__fail(err, AC_EINVAL, "uses more than was offered");
	uint32_t f = entry_fw(c, refs[0]), a = entry_agent(c, refs[0]);
	rest = sum;
	if (ac_resources_sub(&rest, &used))
		return ac__fail(err, AC_ENOSPC, "unused ports too fragmented to return");
	uint32_t ai = ac__alloc_slot(c, f, a);
	if (ai)
		ac__sbag_to_res(c, ALLOC_BAG(c, ai), &nalloc);
	else
		ac_resources_init(&nalloc);
	if (ac_resources_add(&nalloc, &used))
		return ac__fail(err, AC_ENOSPC, "allocation on this agent too fragmented");
	ac_resources rx;
	extras_of(&rest, &rx);
	if (ac__res_has_extras(&rx) && extras_apply(c, AGENT(c, a)->free.x, &rx, +1, &nfree))
		return ac__fail(err, AC_ENOSPC, "agent's free ports too fragmented");
	/* room in the extras pool for the blocks that follow: the allocation's,
	 * the agent's free extras' (free_extras_set) and a filter's */
	if (ac__pool_reserve(&c->xpool, 1 + ac__res_has_extras(&rx) + (refuse > 0)) || alloc_store(c, f, a, &nalloc))
		return ac__fail(err, AC_ENOMEM, "out of memory");

	/* Committed from here on: settle each offer, then charge what was used. */
	ac_vec sum_s, used_s, rest_s;
	ac_resources_scalars(&sum, &sum_s);
	ac_resources_scalars(&used, &used_s);
	ac_resources_scalars(&rest, &rest_s);
	for (size_t i = 0; i < n; i++) {
		bag b = entry_bag(c, refs[i]);
		if (b.x)
			ac__pool_release(&c->xpool, b.x);
		ac__entry_remove(c, refs[i]);
	}
	ac__sv_sub(FW_SV(c, f, offered), &sum_s);
	allocated_change(c, f, &used_s, +1);
	ac__held_change(c, f, &rest_s, &rest.group[0].amount, -1);
	ac__agent_free_change(c, a, &rest.group[0].amount, +1);
	if (ac__res_has_extras(&rx))
		free_extras_set(c, a, &nfree);
	filter_rest(c, f, a, now, refuse, &rest);
	if (accept)
		c->counters.offers_accepted += n;
	else
		c->counters.offers_declined += n;
	return 0;
}

static int answer_checks(const ac_core *c, ac_time refuse, ac_time now, ac_err *err)
{
	if (refuse < 0)
		return ac__fail(err, AC_EINVAL,
		                "negative refuse time (use ac_refuse_from_seconds for Mesos's default)");
	if (now < c->now)
		return ac__fail(err, AC_ESTATE, "time went backwards (%lld ns < %lld ns)", (long long)now,
		                (long long)c->now);
	return 0;
}

static int answer(ac_core *c, const ac_offer_id *ids, size_t n, const ac_resources *used, ac_time refuse, ac_time now,
                  bool accept, ac_err *err)
{
	uint64_t refs[MAX_IDS];
	int rc;
	if (n > MAX_IDS)
		return ac__fail(err, AC_EINVAL, "at most %d offers per call", MAX_IDS);
	if ((rc = answer_checks(c, refuse, now, err)) || (rc = offers_resolve(c, ids, n, refs, err)))
		return rc;
	/* one filter at most: the one offer's, or the sum's */
	if (refuse > 0 && ac__filters_room(c, entry_fw(c, refs[0]), 1))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	return answer_refs(c, refs, n, used, refuse, now, accept, err);
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

/* Declines outstanding offers refs[0..n) of framework f, each on its own
 * with its own filter; the framework is charged once for their sum. Stops
 * at an offer with ports that cannot go back (its code returned). */
static int decline_each(ac_core *c, uint32_t f, const uint64_t *refs, size_t n, ac_time refuse, ac_time now,
                        ac_err *err)
{
	ac_vec sum = {{0}};
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		/* agents are spread over memory: ask ahead */
		if (i + 4 < n) {
			const char *ag = (const char *)AGENT(c, entry_agent(c, refs[i + 4]));
			__builtin_prefetch(ag, 1); /* the first 128 bytes (state.h) */
			__builtin_prefetch(ag + 64, 1);
			__builtin_prefetch(ag + 127, 1);
		}
		uint64_t r = refs[i];
		const batch *B = ac__ref_b(c, r);
		uint32_t k = ac__ref_index(r);
		if (B->e.x && B->e.x[k]) {
			/* ports or reservations: the general path, one at a time */
			if ((rc = answer_refs(c, &r, 1, NULL, refuse, now, false, err)))
				break;
			continue;
		}
		uint32_t a = B->e.agent[k];
		ac_vec rest = ac__sv_get(ENTRY_SV(&B->e, k));
		ac__entry_remove(c, r);
		ac__vec_add(&sum, &rest, c->wide);
		unres_back(c, f, a, &rest, now, refuse, c->wide);
		c->counters.offers_declined++;
	}
	ac__sv_sub(FW_SV(c, f, offered), &sum);
	ac__held_change(c, f, &sum, &sum, -1);
	return rc;
}

int ac_offers_decline_each(ac_core *c, const ac_offer_id *ids, size_t n, ac_time refuse, ac_time now, ac_err *err)
{
	if (n == 0 || !ids)
		return ac__fail(err, AC_EINVAL, "no offers given");
	int rc = answer_checks(c, refuse, now, err);
	if (rc)
		return rc;
	/* the references, found once (nothing below sorts orders, the
	 * scratch's other user); a repeat is found through a mark: an offer's
	 * live flag is 2 while it is being checked */
	uint64_t *refs;
	if (n > UINT32_MAX / 2 || ac__scratch(c, (uint32_t)(2 * n), (uint32_t **)&refs))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	uint32_t f = 0, hint = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t r = refs[i] = ac__offer_ref(c, ids[i], &hint);
		uint8_t *live = r ? &ac__ref_b(c, r)->e.live[ac__ref_index(r)] : NULL;
		const char *why = !r                             ? "is unknown, rescinded or already answered"
		                  : i > 0 && entry_fw(c, r) != f ? "belongs to another framework than the first"
		                  : *live == 2                   ? "is given twice"
		                                                 : NULL;
		if (why) {
			for (size_t j = 0; j < i; j++)
				ac__ref_b(c, refs[j])->e.live[ac__ref_index(refs[j])] = 1;
			return ac__fail(err, r ? AC_EINVAL : AC_ENOENT, "offer %#llx %s", (unsigned long long)ids[i],
			                why);
		}
		f = entry_fw(c, r);
		*live = 2;
	}
	for (size_t j = 0; j < n; j++)
		ac__ref_b(c, refs[j])->e.live[ac__ref_index(refs[j])] = 1;
	if (refuse > 0 && ac__filters_room(c, f, (uint32_t)n))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	/* Committed: settle each offer on its agent; charge the framework once. */
	return decline_each(c, f, refs, n, refuse, now, err);
}

/* ------------------------------------------------------- batches, in bulk */

static void batch_view(const ac_core *c, uint32_t b, ac_batch_view *v)
{
	const batch *B = BATCH(c, b);
	v->id = B->serial;
	v->fw = ac__handle_make(c->fws.gens[B->fw], B->fw);
	v->fw_tag = FW(c, B->fw)->tag;
	v->created = B->created;
	v->n = B->n;
	v->live_count = B->live;
	v->live = B->e.live;
	v->agent_tag = B->e.tag;
	if (B->e.x) { /* kept current whole (offers.c) */
		v->scalars_lo = B->e.scalars->v;
		v->scalars_hi = B->e.scalars->v + AC_FIXED_KINDS;
		v->lo_stride = v->hi_stride = AC_KINDS;
	} else {
		v->scalars_lo = B->e.unres->v;
		v->scalars_hi = B->e.hi ? B->e.hi->v : NULL;
		v->lo_stride = v->hi_stride = AC_FIXED_KINDS;
	}
	v->extras = B->e.x != NULL;
}

void ac__batch_view(const ac_core *c, uint32_t b, ac_batch_view *v)
{
	batch_view(c, b, v);
}

int ac_batch_view_get(const ac_core *c, ac_batch_id id, ac_batch_view *out, ac_err *err)
{
	uint32_t b = ac__batch_slot(c, id);
	if (!b)
		return ac__fail(err, AC_ENOENT, "batch %#llx is unknown, or all its offers are answered or rescinded",
		                (unsigned long long)id);
	batch_view(c, b, out);
	return 0;
}

/* The settle's marks (live 2) on the offers answers[0..n) name, those
 * still outstanding, cleared: a failed settle leaves none. */
static void settle_unmark(entries *e, const ac_batch_answer *answers, size_t n)
{
	for (size_t j = 0; j < n; j++)
		if (e->live[answers[j].index] == 2)
			e->live[answers[j].index] = 1;
}

/* ac_batch_settle, inlined twice: for a narrow core and a wide one (wide
 * a constant: the split vectors' questions about lanes 4..7 fold away). */
static inline __attribute__((always_inline)) int settle(ac_core *c, ac_batch_id id, const ac_batch_answer *answers,
                                                        size_t n, ac_time refuse, ac_time now, ac_err *err, bool wide)
{
	uint32_t b = ac__batch_slot(c, id);
	int rc;
	if (!b)
		return ac__fail(err, AC_ENOENT, "batch %#llx is unknown, or all its offers are answered or rescinded",
		                (unsigned long long)id);
	if ((rc = answer_checks(c, refuse, now, err)))
		return rc;
	if (n && !answers)
		return ac__fail(err, AC_EINVAL, "%zu answers named but none given", n);
	batch *B = BATCH(c, b);
	uint32_t f = B->fw;
	/* The list of the declines with extras (below), before anything is
	 * marked: running out here changes nothing. */
	uint64_t *refs = NULL;
	if ((rc = ac__scratch(c, 2 * B->live, (uint32_t **)&refs)) ||
	    (refuse > 0 && (rc = ac__filters_room(c, f, B->live))))
		return ac__fail(err, rc, "out of memory");
	/* Checked first; the named offers are marked (live 2) meanwhile.
	 * Callers often pass one `used` for every accept: it is checked once. */
	const ac_resources *plain = NULL;
	size_t i, nused = 0;
	for (i = 0; i < n; i++) {
		size_t k = answers[i].index;
		const char *why = k >= B->n || !B->e.live[k] ? "is unknown, rescinded or already answered"
		                  : B->e.live[k] == 2        ? "is named twice"
		                                             : NULL;
		const ac_resources *used = answers[i].used;
		if (!why && used && !(B->e.x && B->e.x[k]) && (used == plain || plain_scalars(c, used))) {
			plain = used;
			/* scalars on both sides (the common case): no copies */
			if (!ac__sv_fits(&used->group[0].amount, ENTRY_SVW(wide, &B->e, k)))
				why = "uses more than was offered";
		} else if (!why && used) {
			ac_resources r, u;
			bag eb = entry_bag(c, ac__ref(b, (uint32_t)k));
			ac__bag_to_res(c, &eb, &r);
			if ((rc = resources_arg(c, used, "used resources", &u, err)))
				break;
			if (!ac_resources_contains(&r, &u))
				why = "uses more than was offered";
		}
		if (why) {
			rc = ac__fail(err, k < B->n && B->e.live[k] ? AC_EINVAL : AC_ENOENT,
			              "offer %zu of batch %#llx %s", k, (unsigned long long)id, why);
			break;
		}
		B->e.live[k] = 2;
		nused += used != NULL;
	}
	if (rc) {
		settle_unmark(&B->e, answers, i); /* (those checked: all marked) */
		return rc;
	}
	/* Committed; the named offers stay marked until answered (an accept
	 * drops its offer) or, for those named to stay, until the declines
	 * below have passed them by. Accepts first; each may be the batch's
	 * last offer, so the declines count what is left before. */
	uint32_t nans = 0, left = B->live - (uint32_t)nused;
	/* Accepts of scalars by scalars (the common case) in one run, the
	 * framework's side summed (the declines below add theirs), the batch's
	 * and the framework's offer counts settled once after the run (so the
	 * batch stays meanwhile); the others one by one on the general path,
	 * each in its place. */
	uint32_t dropped = 0;
	answer_sums sums = {{{0}}, {{0}}};
	/* whether `plain` uses anything (asked once per set named) */
	const ac_resources *asked = NULL;
	bool uses = false;
	for (i = 0; i < n && !rc; i++) {
		if (i + 4 < n && answers[i + 4].index < B->n) {
			/* agents are spread over memory: ask ahead for the free
			 * set and the index of allocation records an accept reads */
			const char *ag = (const char *)AGENT(c, B->e.agent[answers[i + 4].index]);
			__builtin_prefetch(ag, 1);
			__builtin_prefetch(ag + 64, 1);
		}
		const ac_resources *used = answers[i].used;
		if (!used)
			continue;
		uint32_t k = (uint32_t)answers[i].index;
		const entries *ek = &BATCH(c, b)->e;
		if (!(ek->x && ek->x[k]) && (used == plain || plain_scalars(c, used))) {
			plain = used;
			if (used != asked) {
				asked = used;
				uses = ac__vec_any_pos(&used->group[0].amount, wide);
			}
			if (answer_plain(c, ac__ref(b, k), &used->group[0].amount, uses, refuse, now, true, &sums, true,
			                 wide))
				rc = ac__fail(err, AC_ENOMEM, "out of memory");
			else
				dropped++;
		} else {
			BATCH(c, b)->e.live[k] = 1; /* (as the general path wants it) */
			rc = answer_refs(c, (uint64_t[]){ac__ref(b, k)}, 1, used, refuse, now, true, err);
		}
		nans += !rc;
	}
	if (rc) /* (the one that failed is still outstanding, so the batch is too) */
		settle_unmark(&BATCH(c, b)->e, answers, n);
	if (rc || !left) {
		sums_apply(c, f, &sums);
		if (dropped)                                /* (else the general path may have freed it) */
			ac__entries_dropped(c, b, dropped); /* (the batch may go) */
		return rc ? rc : (int)nans;
	}
	/* The batch lives on: its other outstanding offers are declined, but
	 * those named to stay (marked 2 meanwhile). Those with scalars only in
	 * one walk along the arrays, the framework charged once for their sum;
	 * those with extras after, one by one (the general path). */
	B = BATCH(c, b);
	entries *e = &B->e;
	uint32_t m = 0, mx = 0;
	ac_vec sum = {{0}}; /* what the declines return: offered and rest alike */
	/* (unres_back's test, once: a suppressed framework makes no filter) */
	bool filtering = refuse > 0 && !FW(c, f)->suppressed;
	for (uint32_t k = 0; k < B->n; k++) {
		if (k + 8 < B->n) { /* agents are spread over memory: ask ahead */
			const char *ag = (const char *)AGENT(c, e->agent[k + 8]);
			__builtin_prefetch(ag, 1); /* the first 128 bytes (state.h) */
			__builtin_prefetch(ag + 64, 1);
		}
		if (e->live[k] != 1)
			continue;
		if (e->x && e->x[k]) {
			refs[mx++] = ac__ref(b, k);
			continue;
		}
		uint32_t a = e->agent[k];
		ac_vec u = ac__sv_get(ENTRY_SVW(wide, e, k));
		ac__vec_add(&sum, &u, wide);
		if (filtering)
			unres_back(c, f, a, &u, now, refuse, wide);
		else
			ac__agent_free_change_w(c, a, &u, +1, wide);
		ac__entry_drop(c, e, k);
		m++;
	}
	for (i = 0; i < n; i++)
		if (!answers[i].used)
			e->live[answers[i].index] = 1;
	c->counters.offers_declined += m;
	ac__vec_add(&sums.offered, &sum, wide);
	sums_apply(c, f, &sums);
	ac__entries_dropped(c, b, m + dropped); /* (the batch may go) */
	for (i = 0; i < mx && !rc; i++) {
		rc = answer_refs(c, &refs[i], 1, NULL, refuse, now, false, err);
		m += !rc;
	}
	return rc ? rc : (int)(nans + m);
}

int ac_batch_settle(ac_core *c, ac_batch_id id, const ac_batch_answer *answers, size_t n, ac_time refuse, ac_time now,
                    ac_err *err)
{
	return c->wide ? settle(c, id, answers, n, refuse, now, err, true)
	               : settle(c, id, answers, n, refuse, now, err, false);
}

/* ac_recover of unreserved scalars v from framework f's record `fast` on
 * agent a, which holds nothing else: vector arithmetic. Inlined twice, for
 * a narrow core and a wide one (wide a constant). */
static inline __attribute__((always_inline)) int recover_plain(ac_core *c, uint32_t f, uint32_t a, uint32_t fast,
                                                               const ac_vec *v, ac_err *err, bool wide)
{
	int left = ac__sv_take(ALLOC_SVW(c, wide, fast), v);
	if (left < 0)
		return ac__fail(err, AC_EINVAL, "framework %s holds less than that on agent %s", FW(c, f)->name,
		                AGENT(c, a)->name);
	if (!left)
		alloc_unlink(c, fast);
	if (!recover_owed(c, f, v, wide))
		ac__held_walk_w(c, f, v, v, -1, true, true, wide);
	ac__agent_free_change_w(c, a, v, +1, wide);
	return 0;
}

int ac_recover(ac_core *c, ac_fw_id fid, ac_agent_id aid, const ac_resources *res, ac_err *err)
{
	uint32_t f = ac__fw_slot(c, fid), a = ac__agent_slot(c, aid);
	ac_resources r, cur, nfree, rx;
	int rc;
	if (!f || !a)
		return ac__fail(err, AC_ENOENT, "unknown %s", f ? "agent" : "framework");
	uint32_t fast = res && plain_scalars(c, res) ? ac__alloc_slot(c, f, a) : 0;
	if (fast && !ALLOC(c, fast)->res.x)
		return c->wide ? recover_plain(c, f, a, fast, &res->group[0].amount, err, true)
		               : recover_plain(c, f, a, fast, &res->group[0].amount, err, false);
	if ((rc = resources_arg(c, res, "recovered resources", &r, err)))
		return rc;
	alloc_get(c, f, a, &cur);
	if (!ac_resources_contains(&cur, &r))
		return ac__fail(err, AC_EINVAL, "framework %s holds less than that on agent %s", FW(c, f)->name,
		                AGENT(c, a)->name);
	if (ac_resources_sub(&cur, &r))
		return ac__fail(err, AC_ENOSPC, "remaining ports too fragmented");
	extras_of(&r, &rx);
	if (ac__res_has_extras(&rx) && extras_apply(c, AGENT(c, a)->free.x, &rx, +1, &nfree))
		return ac__fail(err, AC_ENOSPC, "agent's free ports too fragmented");
	/* room in the extras pool for the blocks that follow: the allocation's
	 * and the agent's free extras' (free_extras_set) */
	if (ac__pool_reserve(&c->xpool, 1 + ac__res_has_extras(&rx)) || alloc_store(c, f, a, &cur))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	ac_vec s;
	ac_resources_scalars(&r, &s);
	holding_change(c, f, &s, &r.group[0].amount, -1);
	ac__agent_free_change(c, a, &r.group[0].amount, +1);
	if (ac__res_has_extras(&rx))
		free_extras_set(c, a, &nfree);
	return 0;
}

int ac__alloc_convert(ac_core *c, uint32_t f, uint32_t a, const ac_resources *from, const ac_resources *to, ac_err *err)
{
	ac_resources cur;
	alloc_get(c, f, a, &cur);
	if (!ac_resources_contains(&cur, from))
		return ac__fail(err, AC_EINVAL, "framework %s holds less than that on agent %s", FW(c, f)->name,
		                AGENT(c, a)->name);
	if (ac_resources_sub(&cur, from) || ac_resources_add(&cur, to))
		return ac__fail(err, AC_ENOSPC, "framework %s's allocation on agent %s would need too many groups",
		                FW(c, f)->name, AGENT(c, a)->name);
	if (alloc_store(c, f, a, &cur))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	/* The same scalars, another group: the share stands; quota's count of
	 * unreserved held moves (the reserved side follows the agent's total). */
	ac_vec s;
	ac_resources_scalars(from, &s);
	ac__held_change(c, f, &s, &from->group[0].amount, -1);
	ac__held_change(c, f, &s, &to->group[0].amount, +1);
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
	ac__sbag_to_res(c, AGENT_BAG(c, a, free), &freeset);
	ac_vec_clamp0(&freeset.group[0].amount);
	if (!ac_resources_contains(&freeset, &r))
		return ac__fail(err, AC_EINVAL, "agent %s does not have that much free", AGENT(c, a)->name);
	alloc_get(c, f, a, &cur);
	if (ac_resources_add(&cur, &r))
		return ac__fail(err, AC_ENOSPC, "allocation on this agent too fragmented");
	extras_of(&r, &rx);
	if (ac__res_has_extras(&rx) && extras_apply(c, AGENT(c, a)->free.x, &rx, -1, &nfree))
		return ac__fail(err, AC_ENOSPC, "agent's free ports too fragmented");
	/* room in the extras pool for the blocks that follow: the allocation's
	 * and the agent's free extras' (free_extras_set) */
	if (ac__pool_reserve(&c->xpool, 1 + ac__res_has_extras(&rx)) || alloc_store(c, f, a, &cur))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	ac_vec s;
	ac_resources_scalars(&r, &s);
	holding_change(c, f, &s, &r.group[0].amount, +1);
	ac__agent_free_change(c, a, &r.group[0].amount, -1);
	if (ac__res_has_extras(&rx))
		free_extras_set(c, a, &nfree);
	return 0;
}

int ac_offer_info_get(const ac_core *c, ac_offer_id id, ac_offer_info *out, ac_err *err)
{
	uint64_t r = ac__offer_ref(c, id, NULL);
	if (!r)
		return ac__fail(err, AC_ENOENT, "offer %#llx is unknown, rescinded or already answered",
		                (unsigned long long)id);
	const batch *B = ac__ref_b(c, r);
	uint32_t a = entry_agent(c, r);
	bag b = entry_bag(c, r);
	out->fw = ac__handle_make(c->fws.gens[B->fw], B->fw);
	out->agent = ac__handle_make(c->agents.gens[a], a);
	out->created = B->created;
	ac__bag_to_res(c, &b, &out->resources);
	return 0;
}

size_t ac_offers_of(const ac_core *c, ac_fw_id fid, ac_agent_id aid, ac_offer_id *out, size_t cap)
{
	uint32_t f = ac__fw_slot(c, fid), a = aid ? ac__agent_slot(c, aid) : 0;
	if (!f || (aid && !a) || !FW(c, f)->noffers)
		return 0;
	size_t n = 0;
	if (a) {
		uint64_t *refs;
		uint32_t m;
		if (ac__offers_of_agent(c, a, f, &refs, &m))
			return AGENT(c, a)->noffers; /* out of memory: a bound only */
		for (uint32_t i = 0; i < m && i < cap; i++)
			out[i] = ac__offer_id(c, refs[i]);
		free(refs);
		return m;
	}
	/* The framework's batches are in the order made, and so is each. */
	for (uint32_t b = FW(c, f)->batches_head; b; b = BATCH(c, b)->fw_next) {
		const batch *B = BATCH(c, b);
		for (uint32_t i = 0; i < B->n; i++) {
			if (!B->e.live[i])
				continue;
			if (n < cap)
				out[n] = ac_batch_offer_id(B->serial, i);
			n++;
		}
	}
	return n;
}

int ac_allocation_get(const ac_core *c, ac_fw_id fid, ac_agent_id aid, ac_resources *out, ac_err *err)
{
	uint32_t f = ac__fw_slot(c, fid), a = ac__agent_slot(c, aid);
	if (!f || !a)
		return ac__fail(err, AC_ENOENT, "unknown %s", f ? "agent" : "framework");
	alloc_get(c, f, a, out);
	return 0;
}

/*
 * allocate.c — the allocation pass: visit agents in a seeded order and hand
 * each one's free resources to the most under-served eligible frameworks,
 * quota guarantees first (stage 1), fair sharing second (stage 2). The rules
 * are in alloccore/README.md, "One allocation pass"; the data structures it
 * walks are in order.c, filters.c, offers.c and book.c; its random draws are rng.h's.
 */
#include <stdlib.h>
#include <string.h>

#include "bag.h"
#include "book.h"
#include "err.h"
#include "filters.h"
#include "offers.h"
#include "order.h"
#include "policy.h"
#include "quota.h"
#include "rng.h"
#include "roles.h"
#include "state.h"
#include "vec.h"

/* Fisher-Yates; j = floor(r * (i + 1) / 2^64) (Lemire's multiply, whose bias
 * of at most n/2^64 is far below anything a run could observe). */
static void shuffle(ac_core *c, uint32_t *v, uint32_t n)
{
	for (uint32_t i = n; i-- > 1;) {
		uint32_t j = (uint32_t)(((u128)ac__rng_next(c->rng) * (i + 1)) >> 64);
		uint32_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/* ---------------------------------------------------------- a candidate */

/* What role r may be offered on agent a right now. */
typedef struct cand {
	ac_vec unres;          /* unreserved scalars, after quota cuts */
	const ac_resources *x; /* unreserved ports and r's reserved groups, or NULL */
	bool x_whole;          /* x is all of the agent's free extras (not a copy) */
	ac_resources xbuf;     /* x when only part of the extras is for r */
	ac_vec scalars;        /* all scalars: for the minimum allocatable rule */
	uint64_t ports;
} cand;

enum { CAND_OK, CAND_ROLE_EMPTY, CAND_AGENT_EMPTY };

/* Stage 2 without quota: a role may take all of an agent's free resources
 * (nothing is cut for limits or for unmet guarantees). */
static bool takes_all(const ac_core *c, int stage)
{
	return stage == 2 && !c->nlimits && !c->nguarantees;
}

static int candidate(const ac_core *c, uint32_t a, uint32_t r, int stage, cand *cd)
{
	const agent *ag = AGENT(c, a);
	ac_vec avail = ac__sv_get(AGENT_SV(c, a, free));
	ac_vec_clamp0(&avail);
	if (takes_all(c, stage) && !ag->free.x) {
		/* The common case, what the general path below comes to when
		 * there is no quota and the agent has only scalars: all of them. */
		if (!ac_vec_any_positive(&avail))
			return CAND_AGENT_EMPTY;
		cd->x = NULL;
		cd->x_whole = false;
		cd->ports = 0;
		cd->unres = cd->scalars = avail;
		return CAND_OK;
	}
	const ac_resources *fx = ac__bag_x(c, ag->free.x);
	bool x_any = fx && !ac_resources_empty(fx);
	if (!ac_vec_any_positive(&avail) && !x_any)
		return CAND_AGENT_EMPTY;

	cd->x = NULL;
	cd->x_whole = false;
	cd->ports = 0;
	if (x_any) {
		bool all = true;
		for (uint32_t g = 1; g < fx->ngroups && all; g++)
			all = ac__role_is_ancestor_or_self(c, fx->group[g].role, r);
		if (all) {
			/* The common case (ports, no reservations for others):
			 * no copy; give() can move the whole block. */
			cd->x = fx;
			cd->x_whole = true;
		} else {
			ac_resources_init(&cd->xbuf);
			cd->xbuf.group[0].nports = fx->group[0].nports;
			memcpy(cd->xbuf.group[0].ports, fx->group[0].ports,
			       sizeof *fx->group[0].ports * fx->group[0].nports);
			for (uint32_t g = 1; g < fx->ngroups; g++)
				if (ac__role_is_ancestor_or_self(c, fx->group[g].role, r))
					cd->xbuf.group[cd->xbuf.ngroups++] = fx->group[g];
			if (!ac_resources_empty(&cd->xbuf))
				cd->x = &cd->xbuf;
		}
	}

	ac_vec cut = avail, room = avail, surplus = avail;
	if (c->nlimits)
		ac__role_limit_room(c, r, &room);
	if (c->nguarantees) {
		surplus = c->free_unres_clamped;
		ac_vec_sub(&surplus, &c->required);
		ac_vec_clamp0(&surplus);
	}
	if (stage == 1) {
		/* Up to the guarantee room; beyond it only out of the surplus
		 * over what every unmet guarantee still needs. */
		ac_vec go = avail, extra = avail, groom;
		ac__role_guarantee_room(c, r, &groom);
		ac_vec_min(&go, &groom);
		if (c->nlimits)
			ac_vec_min(&go, &room);
		if (!ac_vec_any_positive(&go))
			return CAND_ROLE_EMPTY;
		ac_vec_sub(&extra, &go);
		if (c->nlimits) {
			ac_vec lim = room;
			ac_vec_sub(&lim, &go);
			ac_vec_min(&extra, &lim);
		}
		ac_vec_min(&extra, &surplus);
		ac_vec_clamp0(&extra);
		cut = go;
		ac_vec_add(&cut, &extra);
	} else {
		if (c->nlimits)
			ac_vec_min(&cut, &room);
		if (c->nguarantees)
			ac_vec_min(&cut, &surplus);
	}
	cd->unres = cut;
	if (!ac_vec_any_positive(&cut) && !cd->x)
		return CAND_ROLE_EMPTY;
	cd->scalars = cut;
	if (cd->x) {
		for (uint32_t g = 1; g < cd->x->ngroups; g++)
			ac_vec_add(&cd->scalars, &cd->x->group[g].amount);
		cd->ports = ac_resources_port_count(cd->x);
	}
	return CAND_OK;
}

/* ----------------------------------------------------------- the walk */

/* Gives the candidate to framework f: into its offer on this agent from
 * this pass, or a new one. 0 or AC_ENOMEM. */
static bool alone(const ac_core *c, uint32_t cl)
{
	uint32_t o = CLIENT(c, cl)->order;
	return o != NONE && c->orders[o].n == 1;
}

/* Can framework f's offers of this pass be charged to it at the end of the
 * pass? Only when nothing reads its share, its role's or their counts
 * meanwhile: no quota (candidates read the roles' consumption), no per-turn
 * resort (random), and each of its sort clients alone in its order (no
 * comparison; orders do not change during a pass). */
static bool lazy_ok(const ac_core *c, uint32_t f)
{
	const fw *F = FW(c, f);
	if (c->nlimits || c->nguarantees || c->pol_generic || c->keys_dirty || !alone(c, F->client) ||
	    !alone(c, ROLE(c, F->role)->self_client))
		return false;
	for (int32_t x = (int32_t)F->role; x >= 0; x = c->roles[x].parent)
		if (!alone(c, c->roles[x].sub_client))
			return false;
	return true;
}

/* n allocations of role r, for the tie-break: its leaf and subtrees. */
static void role_count_up(ac_core *c, uint32_t r, uint64_t n)
{
	CLIENT(c, ROLE(c, r)->self_client)->pub.allocations += n;
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent)
		CLIENT(c, c->roles[x].sub_client)->pub.allocations += n;
}

/* n allocations of framework f, up the whole path (its role's part
 * deferred in a pass that defers it: state.h). */
static inline void count_up(ac_core *c, uint32_t f, uint64_t n)
{
	const fw *F = FW(c, f);
	CLIENT(c, F->client)->pub.allocations += n;
	if (F->role == c->defer_role)
		c->defer_count += n;
	else
		role_count_up(c, F->role, n);
}

/* Starts deferring role r's part of the charges (NONE: none), or, with
 * NONE after a deferring pass, applies what was deferred. */
static void defer_role(ac_core *c, uint32_t r)
{
	uint32_t was = c->defer_role;
	c->defer_role = r;
	if (was == NONE || r != NONE)
		return;
	ac_vec unres = c->defer_scalars;
	ac_vec_sub(&unres, &c->defer_extras);
	ac__role_held_change(c, was, &c->defer_scalars, &unres, +1);
	role_count_up(c, was, c->defer_count);
	ac_vec_zero(&c->defer_scalars);
	ac_vec_zero(&c->defer_extras);
	c->defer_count = 0;
}

/* Charges the lazy batches of the pass (see lazy_ok) for what they took. */
static void charge_lazy(ac_core *c)
{
	for (uint32_t k = 0; k < c->npass_batches; k++) {
		batch *B = BATCH(c, c->pass_batches[k]);
		if (!B->lazy)
			continue;
		B->lazy = false;
		uint32_t f = B->fw;
		ac_vec sum = ac__sv_get(BATCH_SV(c, c->pass_batches[k], sum));
		ac__sv_add(FW_SV(c, f, offered), &sum);
		ac__held_change(c, f, &sum, &sum, +1);
		count_up(c, f, B->n);
	}
}

/* moves: the caller moves f's sort client itself (ac__order_moved) when
 * the offer is fresh. wide: c->wide (a constant in the stage-2 turns,
 * which are inlined twice: pass()). */
static inline __attribute__((always_inline)) int give(ac_core *c, uint32_t f, uint32_t a, const cand *cd, int stage,
                                                      bool moves, bool wide)
{
	/* Only stage 1 can have given f this agent already in this pass. */
	uint64_t r = stage == 2 && c->nguarantees ? ac__entry_of_stage1(c, f, a) : 0;
	bool fresh = !r && !cd->x;
	/* What an offer with extras needs is made first (a block in the
	 * extras pool, its batch's extras arrays), so that nothing fails once
	 * the offer exists or grows (ac__entry_grow). */
	const ac_resources *x = cd->x;
	if (x) {
		if (ac__pool_reserve(&c->xpool, 1) || (r && ac__entry_want_x(c, r)))
			return AC_ENOMEM;
		if (cd->x_whole) /* (the agent's own block: the reserve may have moved the pool) */
			x = ac__bag_x(c, AGENT(c, a)->free.x);
	}
	if (!r) {
		/* scalars only: the new entry holds them from the start */
		if ((stage == 1 && ac__entry_stage1_room(c)) ||
		    ac__entry_new(c, f, a, fresh ? &cd->unres : NULL, cd->x != NULL, &r, wide))
			return AC_ENOMEM;
		if (stage == 1)
			ac__entry_note_stage1(c, f, a, r);
		c->npass_offers++;
		batch *B = ac__ref_b(c, r);
		if (B->n == 1) /* a new batch */
			B->lazy = lazy_ok(c, f);
		if (!B->lazy)
			count_up(c, f, 1);
	}
	if (fresh)
		ac__entry_charge(c, r, f, a, &cd->unres, !moves, wide);
	else
		ac__entry_grow(c, r, &cd->unres, x, cd->x_whole);
	return 0;
}

/* role_turn for a policy with pick (policy.h, (b)): at each step the
 * policy chooses among the first frameworks the order and the filters
 * allow, and may cut what it gives. */
static bool role_turn_pick(ac_core *c, uint32_t a, uint32_t r, int stage, int *rc)
{
	const order *fo = &c->orders[ROLE(c, r)->fws_order];
	const agent *ag = AGENT(c, a);
	ac_vec agfree = ac__sv_get(AGENT_SV(c, a, free)), agtotal;
	ac_vec_clamp0(&agfree);
	agtotal = ac__sv_get(AGENT_SV(c, a, total));
	if (ag->total.x) {
		const ac_resources *tx = XRES(c, ag->total.x);
		for (uint32_t g = 1; g < tx->ngroups; g++)
			ac_vec_add(&agtotal, &tx->group[g].amount);
	}
	ac_policy_agent pa = {.id = ac__pool_handle(&c->agents, a),
	                      .name = ag->name,
	                      .tag = ag->tag,
	                      .free = &agfree,
	                      .total = &agtotal};
	const ac_policy_client *shown[AC_POLICY_PICK_MAX];
	uint32_t at[AC_POLICY_PICK_MAX];
	uint32_t given[AC_POLICY_PICK_MAX];
	uint32_t ngiven = 0;
	cand cd;
	int st = candidate(c, a, r, stage, &cd);
	while (st == CAND_OK && ngiven < AC_POLICY_PICK_MAX) {
		if (!ac__minalloc_ok(&c->minalloc, &cd.scalars, cd.ports))
			return false;
		size_t n = 0;
		for (uint32_t i = 0; i < fo->n && n < AC_POLICY_PICK_MAX; i++) {
			uint32_t cl = ac__ord_get(fo, i), f = CLIENT(c, cl)->owner, g;
			for (g = 0; g < ngiven && given[g] != f; g++)
				;
			if (g < ngiven)
				continue;
			if (ac__filter_match(c, f, a, c->now, &cd.unres, cd.x)) {
				c->counters.filtered_skips++;
				continue;
			}
			at[n] = i;
			shown[n++] = &CLIENT(c, cl)->pub;
		}
		if (!n)
			break;
		ac_vec amount = cd.unres;
		int k = c->pol.pick(c->pol.state, &c->view, &pa, shown, n, &amount);
		if (k == -1)
			break;
		if (k < 0 || (size_t)k >= n) {
			*rc = ac__policy_breach(c, "pick returned %ld of %ld frameworks", k, (long)n);
			return true;
		}
		for (int j = 0; j < AC_KINDS; j++)
			if (amount.v[j] < 0 || amount.v[j] > cd.unres.v[j]) {
				*rc = ac__policy_breach(c, "pick cut kind %ld to more than offered or below 0 (%ld)", j,
				                        (long)amount.v[j]);
				return true;
			}
		ac_vec_sub(&cd.scalars, &cd.unres);
		ac_vec_add(&cd.scalars, &amount);
		cd.unres = amount;
		if (!ac__minalloc_ok(&c->minalloc, &cd.scalars, cd.ports))
			return false;
		uint32_t cl = ac__ord_get(fo, at[k]), f = CLIENT(c, cl)->owner;
		given[ngiven++] = f;
		/* a filter may cover the smaller offer that the whole escaped */
		if (ac__filter_match(c, f, a, c->now, &cd.unres, cd.x)) {
			c->counters.filtered_skips++;
			st = candidate(c, a, r, stage, &cd);
			continue;
		}
		CLIENT(c, cl)->pos_hint = at[k];
		if ((*rc = give(c, f, a, &cd, stage, false, c->wide)))
			return true;
		agfree = ac__sv_get(AGENT_SV(c, a, free));
		ac_vec_clamp0(&agfree);
		st = candidate(c, a, r, stage, &cd);
	}
	return st == CAND_AGENT_EMPTY;
}

/* Offers agent a to the frameworks of role r in order. Returns true when the
 * agent has nothing left, or when giving failed: then *rc holds the code. */
static bool role_turn(ac_core *c, uint32_t a, uint32_t r, int stage, int *rc)
{
	if (c->pol.pick)
		return role_turn_pick(c, a, r, stage, rc);
	const order *fo = &c->orders[ROLE(c, r)->fws_order];
	cand cd;
	int st = candidate(c, a, r, stage, &cd);
	for (uint32_t i = 0; i < fo->n; i++) {
		if (st != CAND_OK)
			break;
		/* Every framework of r sees the same candidate, so a failed
		 * minimum ends the role's turn. */
		if (!ac__minalloc_ok(&c->minalloc, &cd.scalars, cd.ports))
			return false;
		uint32_t f = CLIENT(c, ac__ord_get(fo, i))->owner;
		if (ac__filter_match(c, f, a, c->now, &cd.unres, cd.x)) {
			c->counters.filtered_skips++;
			continue;
		}
		CLIENT(c, ac__ord_get(fo, i))->pos_hint = i;
		if ((*rc = give(c, f, a, &cd, stage, false, c->wide)))
			return true;
		/* Without quota, stage 2 gives all the free scalars; with them
		 * went the whole extras block, or the agent had none: nothing
		 * is left to look at. (Extras reserved for other roles stay.) */
		if (takes_all(c, stage) && (cd.x_whole || !AGENT(c, a)->free.x))
			st = CAND_AGENT_EMPTY;
		else
			st = candidate(c, a, r, stage, &cd);
	}
	return st == CAND_AGENT_EMPTY;
}

static bool walk(ac_core *c, uint32_t a, uint32_t oid, int stage, int *rc)
{
	const order *o = &c->orders[oid];
	for (uint32_t i = 0; i < o->n; i++) {
		client *cl = CLIENT(c, ac__ord_get(o, i));
		cl->pos_hint = i;
		bool done = cl->pub.kind == CL_SUB ? walk(c, a, ROLE(c, cl->owner)->kids_order, stage, rc)
		                                   : role_turn(c, a, cl->owner, stage, rc);
		if (done)
			return true;
	}
	return false;
}

/* The role a stage-2 walk reaches through lone clients only (each order on
 * the way holds one), or NONE. Orders keep their members during a pass, so
 * it holds for the whole pass. */
static uint32_t direct_role(const ac_core *c)
{
	if (!takes_all(c, 2) || c->pol_generic)
		return NONE;
	uint32_t o = c->root_order;
	for (int depth = 0; depth < 64; depth++) {
		const order *ord = &c->orders[o];
		if (ord->n != 1)
			return NONE;
		const client *cl = CLIENT(c, ac__ord_get(ord, 0));
		if (cl->pub.kind != CL_SUB)
			return cl->owner;
		o = ROLE(c, cl->owner)->kids_order;
	}
	return NONE;
}

/* Agent a's stage-2 turn when the walk leads straight to role r (see
 * direct_role): what turn(), walk(), role_turn() and candidate() come to
 * then, written out. The first framework of r the minimum allows and no
 * filter stops takes the agent's free scalars and, when they are all for r
 * (ports, reservations for r or its ancestors), its extras block whole.
 * Returns false when some extras are reserved for other roles (the
 * general turn runs). */
static inline __attribute__((always_inline)) bool turn_direct(ac_core *c, uint32_t a, uint32_t r, int *rc, bool wide)
{
	const agent *ag = AGENT(c, a);
	if (ag->inactive)
		return true;
	cand cd;
	cd.x = NULL;
	cd.x_whole = false;
	cd.ports = 0;
	cd.unres = ac__sv_get(AGENT_SVW(c, wide, a, free));
	bool any = ac__vec_clamp0_any(&cd.unres, wide);
	if (ag->free.x) {
		const ac_resources *fx = XRES(c, ag->free.x);
		for (uint32_t g = 1; g < fx->ngroups; g++)
			if (!ac__role_is_ancestor_or_self(c, fx->group[g].role, r))
				return false;
		if (!ac_resources_empty(fx)) {
			cd.x = fx;
			cd.x_whole = true;
		}
	}
	if (!any && !cd.x)
		return true;
	if (c->ntouched || c->keys_dirty)
		ac__order_flush_touched(c);
	/* every framework of r sees the same candidate */
	if (cd.x) {
		cd.scalars = cd.unres;
		for (uint32_t g = 1; g < cd.x->ngroups; g++)
			ac_vec_add(&cd.scalars, &cd.x->group[g].amount);
		cd.ports = ac_resources_port_count(cd.x);
		if (!ac__minalloc_ok(&c->minalloc, &cd.scalars, cd.ports))
			return true;
	} else if (!ac__minalloc_sets_ok(&c->minalloc, &cd.unres)) { /* (non-empty) */
		return true;
	}
	const order *fo = &c->orders[ROLE(c, r)->fws_order];
	for (uint32_t i = 0; i < fo->n; i++) {
		uint32_t id = ac__ord_get(fo, i);
		client *cl = CLIENT(c, id);
		uint32_t f = cl->owner;
		if (ac__filter_match(c, f, a, c->now, &cd.unres, cd.x)) {
			c->counters.filtered_skips++;
			continue;
		}
		cl->pos_hint = i;
		/* a fresh offer (no extras): the turn moves the framework itself */
		bool moves = !cd.x;
		*rc = give(c, f, a, &cd, 2, moves, wide);
		if (moves)
			ac__order_moved(c, id, i);
		else if (c->ntouched || c->keys_dirty)
			ac__order_flush_one(c, id, i);
		return true;
	}
	if (c->ntouched || c->keys_dirty)
		ac__order_flush_touched(c);
	return true;
}

/* Agent a's turn in a stage; a failure leaves its code in *rc. */
static void turn(ac_core *c, uint32_t a, int stage, int *rc)
{
	const agent *ag = AGENT(c, a);
	if (ag->inactive)
		return;
	if (!ac__sv_any_pos(AGENT_SV(c, a, free)) && (!ag->free.x || ac_resources_empty(XRES(c, ag->free.x))))
		return;
	if (c->ntouched || c->keys_dirty) /* (most turns: nothing to settle) */
		ac__order_flush_touched(c);
	if (c->pol.flags & AC_POLICY_REDRAW_PER_TURN)
		ac__orders_resort(c, true);
	/* The order as it stands now holds for the whole turn: key changes
	 * are applied when the turn ends. */
	walk(c, a, c->root_order, stage, rc);
	if (c->ntouched || c->keys_dirty)
		ac__order_flush_touched(c);
}

/* Turns on agents with nothing free are short: ask far enough ahead (agent
 * records twice this far, their extras blocks this far). */
enum { PREFETCH_AHEAD = 8 };

/* Stage 2's turns on the n agents in their order (direct: direct_role's).
 * Inlined twice, for a narrow core and a wide one: with wide a constant,
 * the split vectors' questions about lanes 4..7 fold away (state.h). */
static inline __attribute__((always_inline)) void stage2(ac_core *c, const uint32_t *agents, uint32_t n,
                                                         uint32_t direct, int *rc, bool wide)
{
	for (uint32_t i = 0; i < n && !*rc; i++) {
		/* agents come in shuffled order: ask for the one a few turns
		 * ahead now, so that its record is in cache when its turn comes */
		if (i + 2 * PREFETCH_AHEAD < n) {
			const char *next = (const char *)AGENT(c, agents[i + 2 * PREFETCH_AHEAD]);
			__builtin_prefetch(next); /* the first 128 bytes (state.h) */
			__builtin_prefetch(next + 64);
			__builtin_prefetch(next + 127);
		}
		if (i + PREFETCH_AHEAD < n) {
			/* its record has come by now: then its extras block (ports
			 * and reservations), whose head the turn reads */
			uint32_t x = AGENT(c, agents[i + PREFETCH_AHEAD])->free.x;
			if (x) {
				const char *xb = (const char *)XRES(c, x);
				__builtin_prefetch(xb);
				__builtin_prefetch(xb + 64);
				__builtin_prefetch(xb + 128);
			}
		}
		if (direct == NONE || !turn_direct(c, agents[i], direct, rc, wide))
			turn(c, agents[i], 2, rc);
	}
}

static int pass(ac_core *c, uint32_t *agents, uint32_t n, ac_err *err)
{
	int rc = 0;
	ac__recovers_apply(c);
	c->pass++;
	c->counters.passes++;
	c->npass_offers = 0;
	ac__offers_pass_begin(c);
	bool shuffled = c->cfg.agent_order == AC_ORDER_SHUFFLE;
	if (c->nguarantees) {
		if (shuffled)
			shuffle(c, agents, n);
		for (uint32_t i = 0; i < n && !rc; i++)
			turn(c, agents[i], 1, &rc);
	}
	if (shuffled)
		shuffle(c, agents, n);
	uint32_t direct = direct_role(c);
	/* the role's clients are alone in their orders: nothing reads their
	 * holdings during the pass (direct_role) */
	defer_role(c, direct);
	if (c->wide) /* (no kind comes during a pass) */
		stage2(c, agents, n, direct, &rc, true);
	else
		stage2(c, agents, n, direct, &rc, false);
	defer_role(c, NONE);
	charge_lazy(c);
	for (uint32_t i = 0; c->hooks.offer && i < c->npass_refs; i++) {
		ac_offer_view v;
		ac__offer_view(c, c->pass_refs[i], &v);
		c->hooks.offer(c->hooks.ud, &v);
	}
	for (uint32_t i = 0; c->batch_hook && i < c->npass_batches; i++) {
		ac_batch_view v;
		ac__batch_view(c, c->pass_batches[i], &v);
		c->batch_hook(c->batch_ud, &v);
	}
	if (!rc && c->pol.preempt) {
		ac__recovers_apply(c); /* (the hooks may have recovered) */
		ac__policy_preempt(c);
	}
	c->counters.offers_made += c->npass_offers;
	if (!rc && c->pol_err.code)
		rc = c->pol_err.code; /* a breach in preempt */
	if (rc && c->pol_err.code) {
		rc = ac__fail(err, c->pol_err.code, "%s (%u offers made)", c->pol_err.msg, c->npass_offers);
		c->pol_err.code = 0;
		return rc;
	}
	if (rc)
		return ac__fail(err, rc, "out of memory during allocation (%u offers made)", c->npass_offers);
	return (int)c->npass_offers;
}

static int set_now(ac_core *c, ac_time now, ac_err *err)
{
	if (now < c->now)
		return ac__fail(err, AC_ESTATE, "time went backwards (%lld ns < %lld ns)", (long long)now,
		                (long long)c->now);
	c->now = now;
	c->view.now = now;
	return 0;
}

int ac_allocate(ac_core *c, ac_time now, ac_err *err)
{
	int rc = set_now(c, now, err);
	if (rc)
		return rc;
	if (ac__array_grow((void **)&c->pass_agents, &c->cap_pass_agents, c->nagent_seq, sizeof *c->pass_agents))
		return ac__fail(err, AC_ENOMEM, "out of memory");
	if (c->nagent_seq)
		memcpy(c->pass_agents, c->agent_seq, sizeof *c->agent_seq * c->nagent_seq);
	return pass(c, c->pass_agents, c->nagent_seq, err);
}

int ac_allocate_agent(ac_core *c, ac_agent_id id, ac_time now, ac_err *err)
{
	uint32_t a;
	int rc = ac__pool_resolve(&c->agents, id, "agent", &a, err);
	if (rc || (rc = set_now(c, now, err)))
		return rc;
	return pass(c, &a, 1, err);
}

/* A candidate agent: its slot and where the caller named it. */
typedef struct slot_at {
	uint32_t slot, at;
} slot_at;

static int by_slot_then_at(const void *x, const void *y)
{
	const slot_at *a = x, *b = y;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

static int by_at(const void *x, const void *y)
{
	const slot_at *a = x, *b = y;
	return a->at < b->at ? -1 : a->at > b->at;
}

int ac_allocate_agents(ac_core *c, const ac_agent_id *ids, size_t n, ac_time now, ac_err *err)
{
	if (n && !ids)
		return ac__fail(err, AC_EINVAL, "%zu agents named but no ids given", n);
	if (n > UINT32_MAX)
		return ac__fail(err, AC_EINVAL, "%zu agents named: at most %u in one pass", n, UINT32_MAX);
	slot_at *v = n ? malloc(n * sizeof *v) : NULL;
	if (n && !v)
		return ac__fail(err, AC_ENOMEM, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		rc = ac__pool_resolve(&c->agents, ids[i], "agent", &v[i].slot, err);
		v[i].at = (uint32_t)i;
	}
	if (!rc)
		rc = set_now(c, now, err);
	/* A candidate set, as Mesos's: an agent named twice has one turn. */
	uint32_t k = 0;
	if (!rc && n) {
		qsort(v, n, sizeof *v, by_slot_then_at);
		for (size_t i = 0; i < n; i++)
			if (i == 0 || v[i].slot != v[i - 1].slot)
				v[k++] = v[i];
		qsort(v, k, sizeof *v, by_at);
		if (ac__array_grow((void **)&c->pass_agents, &c->cap_pass_agents, k, sizeof *c->pass_agents))
			rc = ac__fail(err, AC_ENOMEM, "out of memory");
		for (uint32_t i = 0; i < k && !rc; i++)
			c->pass_agents[i] = v[i].slot;
	}
	free(v);
	return rc ? rc : pass(c, c->pass_agents, k, err);
}

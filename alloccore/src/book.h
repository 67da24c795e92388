/*
 * book.h — the offer book and the allocation table: every outstanding
 * offer and what each framework holds on each agent, with the accounting
 * that keeps shares (order.h), quota consumption (quota.h) and agents' free
 * resources consistent. The answers to offers (accept, decline, recover,
 * restore, timeouts) are book.c's public entry points; the pass and the
 * agent and framework entry points use what is declared here.
 */
#ifndef ALLOCCORE_BOOK_H
#define ALLOCCORE_BOOK_H

#include <stdbool.h>
#include <stdint.h>

#include "order.h"
#include "quota.h"
#include "state.h"
#include "vec.h"

/* Changes what role r's frameworks hold by sign x scalars (unres of them
 * unreserved): its leaf and subtrees, quota; with `allocated`, its
 * subtrees' allocated sums by the same scalars in the same walk. Always
 * inline (here and in ac__held_walk): each caller's constant sign and flag
 * then leave straight-line code, without a test per vector. */
static inline __attribute__((always_inline)) void ac__role_walk(ac_core *c, uint32_t r, const ac_vec *scalars,
                                                                const ac_vec *unres, int sign, bool allocated)
{
	ac__vec_add_signed(&CLIENT(c, ROLE(c, r)->self_client)->pub.held, scalars, sign, c->wide);
	ac__client_changed(c, ROLE(c, r)->self_client);
	for (int32_t x = (int32_t)r; x >= 0; x = c->roles[x].parent) {
		role *ro = ROLE(c, x);
		ac__vec_add_signed(&CLIENT(c, ro->sub_client)->pub.held, scalars, sign, c->wide);
		ac__client_changed(c, ro->sub_client);
		ac__vec_add_signed(&ro->unres_held_sub, unres, sign, c->wide);
		if (allocated)
			ac__vec_add_signed(&ro->allocated_sub, scalars, sign, c->wide);
	}
	if (c->nguarantees)
		ac__role_quota_refresh(c, r);
}

/* The same for framework f: its share too, and with `allocated` its
 * allocated sum. `note`: tell f's sort client it changed (false: the
 * caller moves it itself, ac__order_moved). The _w forms here take wide,
 * which is c->wide: a constant in the offer path's twice-inlined bodies
 * (state.h, FW_SVW), so that the questions about lanes 4..7 fold away. */
static inline __attribute__((always_inline)) void ac__held_walk_w(ac_core *c, uint32_t f, const ac_vec *scalars,
                                                                  const ac_vec *unres, int sign, bool allocated,
                                                                  bool note, bool wide)
{
	fw *F = FW(c, f);
	uint32_t r = F->role;
	ac__vec_add_signed(&CLIENT(c, F->client)->pub.held, scalars, sign, wide);
	if (note)
		ac__client_changed(c, F->client);
	if (allocated)
		ac__sv_add_signed(FW_SVW(c, wide, f, allocated), scalars, sign);
	if (r != c->defer_role) {
		ac__role_walk(c, r, scalars, unres, sign, allocated);
		return;
	}
	/* in a pass that defers its role's part of the held sums (state.h) */
	ac__vec_add_signed(&c->defer_scalars, scalars, sign, wide);
	if (unres != scalars) { /* (the same for offers of scalars only) */
		ac_vec x = *scalars;
		ac__vec_sub(&x, unres, wide);
		ac__vec_add_signed(&c->defer_extras, &x, sign, wide);
	}
	for (int32_t x = (int32_t)r; allocated && x >= 0; x = c->roles[x].parent)
		ac__vec_add_signed(&ROLE(c, x)->allocated_sub, scalars, sign, wide);
}
static inline __attribute__((always_inline)) void
ac__held_walk(ac_core *c, uint32_t f, const ac_vec *scalars, const ac_vec *unres, int sign, bool allocated, bool note)
{
	ac__held_walk_w(c, f, scalars, unres, sign, allocated, note, c->wide);
}

/* An agent's free unreserved scalars change by sign x delta (with
 * guarantees, the cluster's clamped sum of them follows). */
void ac__agent_free_clamped(ac_core *c, uint32_t a, const ac_vec *delta, int sign);
static inline void ac__agent_free_change_w(ac_core *c, uint32_t a, const ac_vec *delta, int sign, bool wide)
{
	if (c->nguarantees)
		ac__agent_free_clamped(c, a, delta, sign);
	else
		ac__sv_add_signed(AGENT_SVW(c, wide, a, free), delta, sign);
}
static inline void ac__agent_free_change(ac_core *c, uint32_t a, const ac_vec *delta, int sign)
{
	ac__agent_free_change_w(c, a, delta, sign, c->wide);
}

/* Recovers of unreserved scalars without quota take the resources back
 * from the allocation record and give them to the agent at once, but leave
 * the framework's share, its allocated sum and its roles' sums owing them
 * (fw.recovered), to be brought up to date in one walk per framework: a
 * task ends per recover, and in a replay or a steady state most frameworks
 * see several between two passes. Nothing reads those sums in between but
 * the calls that bring them up to date first (the pass, and the policy's
 * preemption after it; a framework entering or leaving its order, or
 * going) and the framework and role views, which subtract what is owed.
 * Sums commute, so the order of the changes does not matter, and neither
 * does the order of the clients' touches (orders are sorted by a strict
 * total order). Quota set meanwhile reads sums still owing: the walk that
 * applies them refreshes the quota of each role it changes, as an eager
 * recover would have. */
void ac__recovers_apply_slow(ac_core *c);
static inline void ac__recovers_apply(ac_core *c)
{
	if (c->narrears)
		ac__recovers_apply_slow(c);
}

/* Charges (sign +1) or releases (-1) resources framework f holds (offered
 * or allocated): its share, its role's leaf and subtrees, and quota. */
void ac__held_change(ac_core *c, uint32_t f, const ac_vec *scalars, const ac_vec *unres, int sign);
/* The part of ac__held_change for role r: its leaf, its subtrees, quota. */
void ac__role_held_change(ac_core *c, uint32_t r, const ac_vec *scalars, const ac_vec *unres, int sign);
/* Adds resources to offer r (offers.h) of this pass, taking them from the
 * agent's free set and charging the framework. whole: x is all of the
 * agent's free extras, which may then move into the offer instead of being
 * copied. */
void ac__entry_grow(ac_core *c, uint64_t r, const ac_vec *unres, const ac_resources *x, bool whole);
/* Charges a new offer r (offers.h) made holding unres, scalars only: the
 * agent's free set gives them, the framework is charged (at the end of the
 * pass for a lazy batch: its sum grows). What ac__entry_grow does for a
 * fresh entry, without adding into it. `note` as for ac__held_walk.
 * Inline: once per offer. */
static inline __attribute__((always_inline)) void ac__entry_charge(ac_core *c, uint64_t r, uint32_t f, uint32_t a,
                                                                   const ac_vec *unres, bool note, bool wide)
{
	ac__agent_free_change_w(c, a, unres, -1, wide);
	batch *B = BATCH(c, (uint32_t)(r >> 32));
	if (B->lazy) {
		ac__sv_add(BATCH_SVW(c, wide, (uint32_t)(r >> 32), sum), unres);
		return;
	}
	ac__sv_add(FW_SVW(c, wide, f, offered), unres);
	ac__held_walk_w(c, f, unres, unres, +1, false, note, wide);
}
/* Fills a view of offer r for the hooks; v->resources lives in the core
 * until the next view. */
void ac__offer_view(ac_core *c, uint64_t r, ac_offer_view *v);
/* Fills the bulk view of batch slot b. */
void ac__batch_view(const ac_core *c, uint32_t b, ac_batch_view *v);
/* Rescinds (why >= 0, an ac_rescind_reason, through the rescind hook) or
 * silently drops an agent's or a framework's outstanding offers, oldest
 * first; their resources are free again, with no filter. */
void ac__offers_drop_of_agent(ac_core *c, uint32_t a, int why);
void ac__offers_drop_of_fw(ac_core *c, uint32_t f, int why);
/* Drops what frameworks hold on agent a (it is leaving: nothing goes back
 * to it), or what framework f holds anywhere (back to the agents). */
void ac__allocs_drop_of_agent(ac_core *c, uint32_t a);
void ac__allocs_drop_of_fw(ac_core *c, uint32_t f);

/* Replaces `from` by `to` (the same scalars in another group: a reservation
 * made or undone) in what framework f holds on agent a. Checked first:
 * nothing changes on failure. The agent's total is the caller's part. */
int ac__alloc_convert(ac_core *c, uint32_t f, uint32_t a, const ac_resources *from, const ac_resources *to,
                      ac_err *err);

#endif

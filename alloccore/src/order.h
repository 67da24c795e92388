/*
 * order.h — sort clients (a framework, a role's virtual leaf, a role
 * subtree) and the sorted arrays of them that an allocation pass walks
 * (struct client and struct order in state.h). Keys come from policy.h;
 * the random policy's from rng.h. Nothing here knows roles or offers: those
 * tell a client it changed.
 */
#ifndef ALLOCCORE_ORDER_H
#define ALLOCCORE_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

/* Element i of an order, front (served first) at 0. */
static inline uint32_t ac__ord_get(const order *o, uint32_t i)
{
	return o->v[(o->head + i) & (o->cap - 1)];
}

/* A new empty order; its id into *id. 0 or AC_ENOMEM. */
int ac__order_new(ac_core *c, uint32_t *id);
/* A new client outside every order; its slot into *slot. 0 or AC_ENOMEM.
 * name is borrowed: it must outlive the client. */
int ac__client_new(ac_core *c, enum client_kind kind, uint32_t owner, const char *name, uint32_t weight,
                   uint32_t *slot);
void ac__order_insert(ac_core *c, uint32_t o, uint32_t cl);
void ac__order_remove(ac_core *c, uint32_t cl);
/* ac__client_touch when the list must grow first. */
void ac__client_touch_grow(ac_core *c, uint32_t cl);
/* Notes a client whose key changed for the next ac__order_flush_touched.
 * Deferred: within an agent's turn the order must not move; outside one,
 * many changes (accepts, recovers) usually come before the next walk, and
 * one batch is cheaper than moving each at once. The cached keys stay as
 * they were until then, so the arrays stay sorted by them and inserts and
 * removes keep working. Inline: once per offer. */
static inline void ac__client_touch(ac_core *c, uint32_t cl)
{
	if (c->ntouched >= c->cap_touched) {
		ac__client_touch_grow(c, cl);
		return;
	}
	CLIENT(c, cl)->touched = 1;
	c->touched[c->ntouched++] = cl;
}
/* The client's held or count changed: it moves to its place when the turn
 * in progress ends or the next begins. Inline: every offer calls it for its
 * framework and roles, and most calls end in the first tests. */
static inline void ac__client_changed(ac_core *c, uint32_t cl)
{
	client *p = CLIENT(c, cl);
	if (p->order == NONE || c->keys_dirty) {
		/* Out of every order, or about to be resorted: the key is
		 * recomputed when it is next inserted or sorted. */
		return;
	}
	/* Alone in its order (the only role, a role's only leaf), nothing
	 * compares with it: refresh the key only when a second client comes. */
	if (c->orders[p->order].n == 1) {
		p->stale = 1;
		return;
	}
	if (!p->touched)
		ac__client_touch(c, cl);
}
/* Moves the clients changed since the last call to their places. */
void ac__order_flush_touched(ac_core *c);
/* Moves client cl, whose key changed, to its place; pos is where it
 * probably is in its order (looked for if not there). */
void ac__order_reposition(ac_core *c, uint32_t cl, uint32_t pos);
/* ac__order_flush_touched after a turn that gave to client cl, seen at
 * position pos of its order: when it is the only one changed (a framework
 * whose role's clients are alone in their orders), it is moved without a
 * search for it or a walk of the list. Inline: once per offer. */
static inline void ac__order_flush_one(ac_core *c, uint32_t cl, uint32_t pos)
{
	if (c->ntouched != 1 || c->touched[0] != cl || c->keys_dirty) {
		ac__order_flush_touched(c);
		return;
	}
	c->ntouched = 0;
	CLIENT(c, cl)->touched = 0;
	ac__order_reposition(c, cl, pos);
}
/* Recompute every key and sort every order (totals changed, random policy).
 * draw: the random policy draws new keys (once per agent turn). */
void ac__orders_resort(ac_core *c, bool draw);
void ac__orders_fini(ac_core *c);

#endif

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
/* A client's `touched` (state.h): 0, or listed in core->touched (its move
 * deferred), or quiet: out of every order, or alone in one (the only role,
 * a role's only leaf), where nothing compares with it; a quiet client's
 * changes only mark its key stale, refreshed when it is next inserted or a
 * second client comes. order.c keeps it: never quiet in an order of two or
 * more. */
enum { AC__TOUCH_LISTED = 1, AC__TOUCH_QUIET = 2 };
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
	CLIENT(c, cl)->touched = AC__TOUCH_LISTED;
	c->touched[c->ntouched++] = cl;
}
/* The client's held or count changed: it moves to its place when the turn
 * in progress ends or the next begins. Inline: every offer calls it for its
 * framework and roles, and most calls end in the first test. */
static inline void ac__client_changed(ac_core *c, uint32_t cl)
{
	client *p = CLIENT(c, cl);
	if (p->touched) {
		/* listed already, or quiet (for a listed one the mark is
		 * harmless: its key is refreshed when it moves) */
		p->stale = 1;
		return;
	}
	/* About to be resorted: the key is recomputed then. */
	if (!c->keys_dirty)
		ac__client_touch(c, cl);
}
/* Moves the clients changed since the last call to their places. */
void ac__order_flush_touched(ac_core *c);
/* The same, after a turn that gave to client cl, seen at position pos of
 * its order: when it is the only one changed (a framework whose role's
 * clients are alone in their orders), it is moved without a search for it
 * or a walk of the list. (Not inline at the pass's walk: in the simulator,
 * that loop then keeps fewer of its own values in registers.) */
void ac__order_flush_one(ac_core *c, uint32_t cl, uint32_t pos);
/* Client cl, seen at position pos of its order, changed and was not told
 * (ac__client_changed) so that it moves now, at the end of a direct turn
 * in which nothing else changed: what telling it and then
 * ac__order_flush_one come to, without the touched list. */
void ac__order_moved_slow(ac_core *c, uint32_t cl, uint32_t pos);
static inline void ac__order_moved(ac_core *c, uint32_t cl, uint32_t pos)
{
	client *p = CLIENT(c, cl);
	if (p->touched) { /* quiet (alone in its order) or listed */
		p->stale = 1;
		return;
	}
	ac__order_moved_slow(c, cl, pos);
}
/* Recompute every key and sort every order (totals changed, random policy).
 * draw: the random policy draws new keys (once per agent turn). */
void ac__orders_resort(ac_core *c, bool draw);
void ac__orders_fini(ac_core *c);

#endif

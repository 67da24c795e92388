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

#include "policy.h"
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
/* Room in order o for `need` clients: made when a client that may join it
 * is made (a framework in its role's order, a role in its parent's), so
 * that inserting one, which cannot fail, never grows the order. 0 or
 * AC_ENOMEM (the order's room unchanged). */
int ac__order_reserve(ac_core *c, uint32_t o, uint32_t need);
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
/* Refreshes client cl's cached key from what it holds now. Always inline:
 * DRF's key (drf.h) is then computed in place, once per offer, without a
 * call. */
static inline __attribute__((always_inline)) void ac__client_key_refresh(ac_core *c, uint32_t cl)
{
	client *p = CLIENT(c, cl);
	p->key.count = p->pub.allocations;
	if (c->pol.key == ac__drf_key)
		ac__drf_key_of(c->pol.state, &c->view, &p->pub, &p->key.pk);
	else
		c->pol.key(c->pol.state, &c->view, &p->pub, &p->key.pk);
	p->stale = 0;
}
/* Position of cl in o, which is sorted by the keys as cached (the hint
 * its last walk left first). */
uint32_t ac__order_find(const ac_core *c, const order *o, uint32_t cl);
/* Moves element `from` of o to position `to`, the elements between moving
 * one place toward `from`'s: either those between shift, or, when fewer,
 * the others around the ring (the front part one way, the back part the
 * other). From the front to the back that is no shift at all. */
void ac__order_shift(order *o, uint32_t from, uint32_t to);
/* ac__order_reposition_at's search, when cl does not go to the back: out
 * of line, so that the common case's registers are not spent on it. */
void ac__order_reposition_search(ac_core *c, order *o, uint32_t cl, uint32_t pos);
/* Moves cl, found at pos in its order o, to where its new key puts it.
 * Always inline: once per offer (ac__order_moved, ac__order_flush_one). */
static inline __attribute__((always_inline)) void ac__order_reposition_at(ac_core *c, order *o, uint32_t cl,
                                                                          uint32_t pos)
{
	ac__client_key_refresh(c, cl);
	if (pos == NONE)
		return;
	/* the ring in locals: a store into it could change o, for the
	 * compiler (read after the key's computation, which needs the
	 * registers) */
	uint32_t *v = o->v, n = o->n, head = o->head, m = o->cap - 1;
	/* A client that just got an agent usually goes to the back (from
	 * the front, that is O(1) in the ring): asked first, and then its
	 * successor need not be. */
	if (pos + 1 < n && ac__client_cmp(c, v[(head + n - 1) & m], cl) < 0) {
		if (pos == 0) { /* from the front: the ring turns by one */
			v[(head + n) & m] = cl;
			o->head = (head + 1) & m;
		} else {
			ac__order_shift(o, pos, n - 1);
		}
	} else
		ac__order_reposition_search(c, o, cl, pos);
}
/* Moves cl, seen at pos of its order and not listed, to its place. */
static inline __attribute__((always_inline)) void ac__order_move_unlisted(ac_core *c, uint32_t cl, uint32_t pos)
{
	client *p = CLIENT(c, cl);
	order *o = &c->orders[p->order];
	p->touched = o->n == 1 ? AC__TOUCH_QUIET : 0;
	if (pos >= o->n || ac__ord_get(o, pos) != cl)
		pos = ac__order_find(c, o, cl);
	ac__order_reposition_at(c, o, cl, pos);
}
/* ac__order_moved when other clients' moves are pending: cl joins them
 * and all move. */
void ac__order_moved_slow(ac_core *c, uint32_t cl);
/* Client cl, seen at position pos of its order, changed and was not told
 * (ac__client_changed) so that it moves now, at the end of a direct turn
 * in which nothing else changed: what telling it and then
 * ac__order_flush_one come to, without the touched list. Inline, the move
 * too: once per offer of a direct turn, where a call's saving and
 * restoring of registers cost as much as the ring's part of the move. */
static inline __attribute__((always_inline)) void ac__order_moved(ac_core *c, uint32_t cl, uint32_t pos)
{
	client *p = CLIENT(c, cl);
	if (p->touched) { /* quiet (alone in its order) or listed */
		p->stale = 1;
		return;
	}
	if (c->ntouched || c->keys_dirty) /* (not in a direct turn) */
		ac__order_moved_slow(c, cl);
	else
		ac__order_move_unlisted(c, cl, pos);
}
/* Recompute every key and sort every order (totals changed, random policy).
 * draw: the random policy draws new keys (once per agent turn). */
void ac__orders_resort(ac_core *c, bool draw);
void ac__orders_fini(ac_core *c);

#endif

/*
 * order.c — sort clients and the sorted arrays of them that an allocation
 * pass walks (order.h).
 *
 * Why sorted arrays and not heaps: a pass walks each role's order from the
 * front until some framework takes the agent, skipping filtered ones. In an
 * array that walk is a linear scan costing a few ns per skipped framework,
 * where a heap would pay O(log n) per skip. After an offer the framework's
 * key changes; it is moved by binary search (O(log n) comparisons) and a
 * shift of the shorter side. The array is a ring (a deque), because the
 * commonest move — the framework at the front gets an agent and goes to the
 * back — is then O(1) instead of a copy of the whole order. Moves are
 * deferred to the end of the agent's turn, so the order taken when the turn
 * began holds for the whole turn (Mesos's semantics).
 */
#include "order.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int ac__order_new(ac_core *c, uint32_t *id)
{
	if (ac__array_grow((void **)&c->orders, &c->cap_orders, c->norders + 1, sizeof *c->orders))
		return AC_ENOMEM;
	memset(&c->orders[c->norders], 0, sizeof *c->orders);
	*id = c->norders++;
	return 0;
}

int ac__client_new(ac_core *c, enum client_kind kind, uint32_t owner, const char *name, uint32_t weight, uint32_t *slot)
{
	uint32_t s;
	if (ac__pool_alloc(&c->clients, &s))
		return AC_ENOMEM;
	client *cl = CLIENT(c, s);
	cl->owner = owner;
	cl->pub.kind = (uint8_t)kind;
	cl->pub.name = name;
	cl->pub.weight = weight;
	for (int i = 0; i < 8 && name[i]; i++)
		cl->name_key |= (uint64_t)(unsigned char)name[i] << (56 - 8 * i);
	cl->order = NONE;
	cl->touched = AC__TOUCH_QUIET;
	*slot = s;
	return 0;
}

uint32_t ac__order_find(const ac_core *c, const order *o, uint32_t cl)
{
	/* The walk that changed the client left where it found it. */
	uint32_t hint = CLIENT(c, cl)->pos_hint;
	if (hint < o->n && ac__ord_get(o, hint) == cl)
		return hint;
	uint32_t lo = 0, hi = o->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int r = ac__client_cmp(c, ac__ord_get(o, mid), cl);
		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Keys are unique (names break ties), so this is a bug of ours. */
	for (uint32_t i = 0; i < o->n; i++)
		if (ac__ord_get(o, i) == cl)
			return i;
	return NONE;
}

/* First position in [lo, hi) whose client sorts after cl. */
static uint32_t upper_bound(const ac_core *c, const order *o, uint32_t lo, uint32_t hi, uint32_t cl)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ac__client_cmp(c, ac__ord_get(o, mid), cl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void ord_set(order *o, uint32_t i, uint32_t x)
{
	o->v[(o->head + i) & (o->cap - 1)] = x;
}

/* Room for `need` elements. Growing by doubling keeps the capacity a
 * power of two (array.h); at each step the part of the ring that wrapped
 * past the old end moves to just after it. */
static int ord_reserve(order *o, uint32_t need)
{
	while (o->cap < need) {
		uint32_t old = o->cap;
		if (ac__array_grow((void **)&o->v, &o->cap, old + 1, sizeof *o->v))
			return AC_ENOMEM;
		assert((o->cap & (o->cap - 1)) == 0);
		if (o->head + o->n > old)
			memcpy(o->v + old, o->v, sizeof *o->v * (o->head + o->n - old));
	}
	return 0;
}

int ac__order_reserve(ac_core *c, uint32_t oid, uint32_t need)
{
	return ord_reserve(&c->orders[oid], need);
}

/* Removes element p, shifting the shorter side. */
static void ord_remove_at(order *o, uint32_t p)
{
	if (p < o->n / 2) {
		for (uint32_t i = p; i > 0; i--)
			ord_set(o, i, ac__ord_get(o, i - 1));
		o->head = (o->head + 1) & (o->cap - 1);
	} else {
		for (uint32_t i = p; i + 1 < o->n; i++)
			ord_set(o, i, ac__ord_get(o, i + 1));
	}
	o->n--;
}

void ac__order_shift(order *o, uint32_t from, uint32_t to)
{
	uint32_t x = ac__ord_get(o, from), n = o->n, m = o->cap - 1;
	if (from < to) {
		if (to - from <= from + (n - 1 - to)) {
			for (uint32_t i = from; i < to; i++)
				ord_set(o, i, ac__ord_get(o, i + 1));
		} else {
			for (uint32_t i = from; i > 0; i--)
				ord_set(o, i, ac__ord_get(o, i - 1));
			o->head = (o->head + 1) & m;
			for (uint32_t i = n - 1; i > to; i--)
				ord_set(o, i, ac__ord_get(o, i - 1));
		}
	} else {
		if (from - to <= to + (n - 1 - from)) {
			for (uint32_t i = from; i > to; i--)
				ord_set(o, i, ac__ord_get(o, i - 1));
		} else {
			for (uint32_t i = from; i + 1 < n; i++)
				ord_set(o, i, ac__ord_get(o, i + 1));
			o->head = (o->head - 1) & m;
			for (uint32_t i = 0; i < to; i++)
				ord_set(o, i, ac__ord_get(o, i + 1));
		}
	}
	ord_set(o, to, x);
}

/* Inserts x at q (room reserved), shifting the shorter side. */
static void ord_insert_at(order *o, uint32_t q, uint32_t x)
{
	o->n++;
	if (q < o->n / 2) {
		o->head = (o->head - 1) & (o->cap - 1);
		for (uint32_t i = 0; i < q; i++)
			ord_set(o, i, ac__ord_get(o, i + 1));
	} else {
		for (uint32_t i = o->n - 1; i > q; i--)
			ord_set(o, i, ac__ord_get(o, i - 1));
	}
	ord_set(o, q, x);
}

/* Client p's `touched` once it is not listed (order.h). */
static uint8_t unlisted(const ac_core *c, const client *p)
{
	return p->order == NONE || c->orders[p->order].n == 1 ? AC__TOUCH_QUIET : 0;
}

void ac__order_insert(ac_core *c, uint32_t oid, uint32_t cl)
{
	order *o = &c->orders[oid];
	/* Room was made when the client was (ac__order_reserve): every
	 * client that may join an order has its place. */
	int rc = ord_reserve(o, o->n + 1);
	assert(rc == 0);
	(void)rc;
	ac__client_key_refresh(c, cl);
	if (o->n == 1 && CLIENT(c, ac__ord_get(o, 0))->stale)
		ac__client_key_refresh(c, ac__ord_get(o, 0));
	uint32_t pos = c->keys_dirty ? o->n : upper_bound(c, o, 0, o->n, cl);
	ord_insert_at(o, pos, cl);
	client *p = CLIENT(c, cl);
	p->order = oid;
	if (p->touched != AC__TOUCH_LISTED)
		p->touched = unlisted(c, p);
	if (o->n == 2) { /* the one that was alone is no longer quiet */
		client *q = CLIENT(c, ac__ord_get(o, pos == 0));
		if (q->touched == AC__TOUCH_QUIET)
			q->touched = 0;
	}
}

void ac__order_remove(ac_core *c, uint32_t cl)
{
	client *p = CLIENT(c, cl);
	if (p->order == NONE)
		return;
	order *o = &c->orders[p->order];
	uint32_t pos;
	if (c->keys_dirty) {
		for (pos = 0; pos < o->n && ac__ord_get(o, pos) != cl; pos++)
			;
	} else {
		pos = ac__order_find(c, o, cl);
	}
	if (pos < o->n)
		ord_remove_at(o, pos);
	p->order = NONE;
	if (p->touched != AC__TOUCH_LISTED)
		p->touched = AC__TOUCH_QUIET;
	if (o->n == 1) { /* the one left alone becomes quiet */
		client *q = CLIENT(c, ac__ord_get(o, 0));
		if (q->touched != AC__TOUCH_LISTED)
			q->touched = AC__TOUCH_QUIET;
	}
}

void ac__order_reposition_search(ac_core *c, order *o, uint32_t cl, uint32_t pos)
{
	uint32_t to;
	if (pos + 1 < o->n && ac__client_cmp(c, ac__ord_get(o, pos + 1), cl) < 0)
		to = upper_bound(c, o, pos + 1, o->n, cl) - 1;
	else if (pos > 0 && ac__client_cmp(c, ac__ord_get(o, pos - 1), cl) > 0)
		to = upper_bound(c, o, 0, pos, cl);
	else
		return;
	ac__order_shift(o, pos, to);
}

static void reposition(ac_core *c, uint32_t cl)
{
	order *o = &c->orders[CLIENT(c, cl)->order];
	ac__order_reposition_at(c, o, cl, ac__order_find(c, o, cl));
}

void ac__client_touch_grow(ac_core *c, uint32_t cl)
{
	if (ac__array_grow((void **)&c->touched, &c->cap_touched, c->ntouched + 1, sizeof *c->touched)) {
		c->keys_dirty = true; /* fall back to a full resort */
		return;
	}
	CLIENT(c, cl)->touched = AC__TOUCH_LISTED;
	c->touched[c->ntouched++] = cl;
}

void ac__order_flush_touched(ac_core *c)
{
	/* Past a quarter of the sorted clients, sorting everything again
	 * (O(n log n), sequential) beats n binary searches and moves. */
	bool all = c->keys_dirty || (c->ntouched > 64 && c->ntouched > c->clients.live / 4);
	for (uint32_t i = 0; i < c->ntouched; i++) {
		uint32_t cl = c->touched[i];
		client *p = CLIENT(c, cl);
		p->touched = unlisted(c, p);
		if (p->order != NONE && !all)
			reposition(c, cl);
	}
	c->ntouched = 0;
	if (all)
		ac__orders_resort(c, false);
}

void ac__order_flush_one(ac_core *c, uint32_t cl, uint32_t pos)
{
	if (c->ntouched != 1 || c->touched[0] != cl || c->keys_dirty) {
		ac__order_flush_touched(c);
		return;
	}
	c->ntouched = 0;
	ac__order_move_unlisted(c, cl, pos);
}

void ac__order_moved_slow(ac_core *c, uint32_t cl)
{
	ac__client_changed(c, cl);
	ac__order_flush_touched(c);
}

/* Reverses v[lo, hi). */
static void ids_reverse(uint32_t *v, uint32_t lo, uint32_t hi)
{
	while (lo + 1 < hi) {
		uint32_t t = v[lo];
		v[lo++] = v[--hi];
		v[hi] = t;
	}
}

/* Makes the ring contiguous from index 0 (for sorting in place): the whole
 * array turned left by head, in three reversals, needing no memory. */
static void ord_straighten(order *o)
{
	if (o->head != 0 && o->n != 0) {
		ids_reverse(o->v, 0, o->head);
		ids_reverse(o->v, o->head, o->cap);
		ids_reverse(o->v, 0, o->cap);
	}
	o->head = 0;
}

/* Sort of ids by ac__client_cmp: insertion sort of runs of 8, then
 * bottom-up merges through the core's scratch array (qsort has no context
 * argument in C11). Out of memory for the scratch, one insertion sort in
 * place: slower, the same result (the order is a strict total one), so a
 * resort never fails and a pass never walks an order half sorted. */
static void sort_ids(ac_core *c, uint32_t *v, uint32_t n)
{
	if (n < 2)
		return;
	uint32_t *tmp;
	if (ac__scratch(c, n, &tmp)) {
		for (uint32_t i = 1; i < n; i++) {
			uint32_t x = v[i], j = i;
			for (; j > 0 && ac__client_cmp(c, v[j - 1], x) > 0; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	for (uint32_t i = 1; i < n; i++) { /* insertion sort runs of 8 */
		if ((i & 7) == 0)
			continue;
		uint32_t x = v[i], j = i;
		for (; (j & 7) != 0 && ac__client_cmp(c, v[j - 1], x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	uint32_t *src = v, *dst = tmp;
	for (uint32_t w = 8; w < n; w *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * w) {
			uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			uint32_t i = lo, j = mid, k = lo;
			if (mid < hi && ac__client_cmp(c, src[mid - 1], src[mid]) < 0) {
				/* already in order (an order resorted after its keys
				 * moved together often is): the merge is a copy */
				memcpy(dst + lo, src + lo, sizeof *src * (hi - lo));
				continue;
			}
			while (i < mid && j < hi)
				dst[k++] = ac__client_cmp(c, src[j], src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, sizeof *v * n);
}

void ac__orders_resort(ac_core *c, bool draw)
{
	/* a policy that draws its keys (random) draws at every agent's turn,
	 * in slot order: the same draws for the same calls and seed */
	c->view.redraw = draw && (c->pol.flags & AC_POLICY_REDRAW_PER_TURN);
	c->view.now = c->now;
	for (uint32_t s = 1; s < c->clients.n; s++)
		if (ac__pool_live(&c->clients, s) && CLIENT(c, s)->order != NONE) {
			/* (order.h: never quiet beside another client) */
			assert(CLIENT(c, s)->touched != AC__TOUCH_QUIET || c->orders[CLIENT(c, s)->order].n == 1);
			ac__client_key_refresh(c, s);
		}
	c->view.redraw = false;
	c->keys_dirty = false;
	for (uint32_t o = 0; o < c->norders; o++) {
		ord_straighten(&c->orders[o]);
		sort_ids(c, c->orders[o].v, c->orders[o].n);
	}
}

void ac__orders_fini(ac_core *c)
{
	for (uint32_t o = 0; o < c->norders; o++)
		free(c->orders[o].v);
	free(c->orders);
}

/*
 * filters.c — the decline filter table. A decline (or the unused part of an
 * accept) makes a filter for (framework, agent) holding the refused
 * resources until an expiry; a candidate offer is filtered when a live filter
 * contains all of it (Mesos's rule).
 *
 * Lookups are on the offer path. The table is keyed by (framework slot,
 * agent slot) and keeps a pair's first filter inside its slot, so a lookup
 * or a replacement touches one slot; a pair's further filters (rare: a second
 * decline while the first filter lives and did not cover the offer) chain
 * from it. Nothing is removed eagerly: a filter is dead once it has expired
 * or once its framework's or agent's filter generation moved on (revive,
 * deactivate, removal, attribute change), which makes "drop all filters of a
 * framework" O(1). Dead filters are overwritten when their pair declines
 * again and reclaimed by a periodic sweep, so memory stays proportional to
 * the live ones.
 */
#include "filters.h"

#include <stdlib.h>
#include <string.h>

#include "bag.h"
#include "vec.h"

/* A slot of the filter table: the pair's first filter, inline. */
typedef struct fslot {
	uint64_t key; /* ac__pair_key(framework slot, agent slot) */
	ac_time expiry;
	uint32_t fw_gen, ag_gen;
	uint32_t more; /* further filters of the pair, chained in c->filters */
	uint32_t x;    /* extras of the refused set (xpool), 0: none */
	ac_vec unres;  /* refused unreserved scalars */
} fslot;

int ac__filters_init(ac_core *c)
{
	return ac__hmap_init_slots(&c->filter_map, 64, sizeof(fslot));
}

static bool gens_live(const ac_core *c, uint32_t fws, uint32_t ags, uint32_t fw_gen, uint32_t ag_gen)
{
	return ac__pool_live(&c->fws, fws) && ac__pool_live(&c->agents, ags) && fw_gen == FW(c, fws)->filter_gen &&
	       ag_gen == AGENT(c, ags)->filter_gen;
}

static bool covers(const ac_core *c, const ac_vec *unres, uint32_t x, const ac_vec *cand, const ac_resources *cx)
{
	if (!ac__vec_fits(cand, unres, c->wide)) /* (both offered amounts: within vec.h's bounds) */
		return false;
	if (!cx)
		return true;
	return x ? ac_resources_contains(XRES(c, x), cx) : ac_resources_empty(cx);
}

bool ac__filter_lookup(const ac_core *c, uint32_t fws, uint32_t ags, ac_time now, const ac_vec *unres,
                       const ac_resources *x)
{
	const fslot *s = ac__hmap_find(&c->filter_map, ac__pair_key(fws, ags));
	if (!s)
		return false;
	uint32_t fg = FW(c, fws)->filter_gen, ag = AGENT(c, ags)->filter_gen;
	if (s->fw_gen == fg && s->ag_gen == ag && now < s->expiry && covers(c, &s->unres, s->x, unres, x))
		return true;
	for (uint32_t i = s->more; i; i = FILTER(c, i)->next) {
		const filter *f = FILTER(c, i);
		if (f->fw_gen == fg && f->ag_gen == ag && now < f->expiry &&
		    covers(c, &f->refused.unres, f->refused.x, unres, x))
			return true;
	}
	return false;
}

static void chain_free(ac_core *c, uint32_t i)
{
	ac__bag_clear(c, &FILTER(c, i)->refused);
	ac__pool_release(&c->filters, i);
	c->nfilters--;
}

static void inline_clear(ac_core *c, fslot *s)
{
	if (s->x)
		ac__pool_release(&c->xpool, s->x);
	s->x = 0;
	c->nfilters--;
}

/* Drops the dead filters of a slot. Returns false when none is left (the
 * caller removes the key). */
static bool prune(ac_core *c, fslot *s, ac_time now)
{
	uint32_t fws = (uint32_t)(s->key >> 32), ags = (uint32_t)s->key;
	uint32_t keep = 0, *tail = &keep;
	for (uint32_t i = s->more, next; i; i = next) {
		filter *f = FILTER(c, i);
		next = f->next;
		if (now < f->expiry && gens_live(c, fws, ags, f->fw_gen, f->ag_gen)) {
			*tail = i;
			tail = &f->next;
		} else {
			chain_free(c, i);
		}
	}
	*tail = 0;
	s->more = keep;
	if (now < s->expiry && gens_live(c, fws, ags, s->fw_gen, s->ag_gen))
		return true;
	inline_clear(c, s);
	if (!s->more)
		return false;
	/* Promote the first chained filter into the slot. */
	uint32_t i = s->more;
	filter *f = FILTER(c, i);
	s->expiry = f->expiry;
	s->fw_gen = f->fw_gen;
	s->ag_gen = f->ag_gen;
	s->unres = f->refused.unres;
	s->x = f->refused.x;
	s->more = f->next;
	f->refused.x = 0; /* moved, not freed */
	ac__pool_release(&c->filters, i);
	return true;
}

/* Sweeps every slot once the table has doubled since the last sweep:
 * amortized O(1) per filter made. */
static void sweep(ac_core *c, ac_time now)
{
	hmap *m = &c->filter_map;
	if (m->n < 1024 || m->n < 2 * c->filters_after_sweep)
		return;
	for (uint32_t i = 0; i <= m->mask; i++) {
		/* A deletion shifts a later slot back into i: look at i again. */
		while (ac__hmap_slot_key(m, i) != AC__HMAP_EMPTY) {
			fslot *s = ac__hmap_slot(m, i);
			if (prune(c, s, now))
				break;
			ac__hmap_del(m, s->key);
		}
	}
	c->filters_after_sweep = m->n;
}

/* Fills a filter's fields; the refused set's extras get their own block. */
static int fill(ac_core *c, uint32_t fws, uint32_t ags, ac_time now, ac_time life, const ac_resources *refused,
                ac_time *expiry, uint32_t *fw_gen, uint32_t *ag_gen, ac_vec *unres, uint32_t *x)
{
	bag b = {{{0}}, 0};
	if (ac__bag_set(c, &b, refused))
		return AC_ENOMEM;
	*expiry = life > INT64_MAX - now ? INT64_MAX : now + life;
	if (*expiry > FW(c, fws)->filter_until)
		FW(c, fws)->filter_until = *expiry;
	*fw_gen = FW(c, fws)->filter_gen;
	*ag_gen = AGENT(c, ags)->filter_gen;
	*unres = b.unres;
	*x = b.x;
	c->nfilters++;
	c->counters.filters_created++;
	return 0;
}

/* Marks agent slot ags in the framework's bitmap; the whole bitmap is reset
 * first when every filter of the framework is dead. AC_ENOMEM when it cannot
 * grow: then no filter may be made (a clear bit must mean "none"). */
static int fbits_mark(ac_core *c, uint32_t fws, uint32_t ags, ac_time now)
{
	fw *F = FW(c, fws);
	if (now >= F->filter_until && F->fbits_words)
		memset(F->fbits, 0, sizeof *F->fbits * F->fbits_words);
	if (ags / 64 >= F->fbits_words) {
		uint32_t old = F->fbits_words, need = (c->agents.n > ags ? c->agents.n : ags + 1) / 64 + 1;
		if (ac__array_grow((void **)&F->fbits, &F->fbits_words, need, sizeof *F->fbits))
			return AC_ENOMEM;
		memset(F->fbits + old, 0, sizeof *F->fbits * (F->fbits_words - old));
	}
	F->fbits[ags / 64] |= 1ULL << (ags % 64);
	return 0;
}

void ac__filter_fw_free(ac_core *c, uint32_t fws)
{
	free(FW(c, fws)->fbits);
	FW(c, fws)->fbits = NULL;
	FW(c, fws)->fbits_words = 0;
}

size_t ac__filter_fw_bytes(const ac_core *c, uint32_t fws)
{
	return sizeof(uint64_t) * FW(c, fws)->fbits_words;
}

int ac__filters_room(ac_core *c, uint32_t fws, uint32_t k)
{
	fw *F = FW(c, fws);
	if (k == 0 || F->suppressed) /* (a suppressed framework makes none) */
		return 0;
	/* a mark for any agent in the bitmap (fbits_mark grows no further) */
	uint32_t need = c->agents.n / 64 + 1;
	if (F->fbits_words < need) {
		uint32_t old = F->fbits_words;
		if (ac__array_grow((void **)&F->fbits, &F->fbits_words, need, sizeof *F->fbits))
			return AC_ENOMEM;
		memset(F->fbits + old, 0, sizeof *F->fbits * (F->fbits_words - old));
	}
	/* a slot in the table, a chained record and an extras block each */
	if (ac__hmap_reserve(&c->filter_map, k) || ac__pool_reserve(&c->filters, k) || ac__pool_reserve(&c->xpool, k))
		return AC_ENOMEM;
	return 0;
}

int ac__filter_add(ac_core *c, uint32_t fws, uint32_t ags, ac_time now, ac_time life, const ac_resources *refused)
{
	/* A suppressed framework is offered nothing, and only a revive ends
	 * suppression — which drops its filters. A filter made now could never
	 * apply: skip it (a framework that declines its last offers and
	 * suppresses, as an idle one does, then costs no filter table work). */
	if (FW(c, fws)->suppressed)
		return 0;
	if (fbits_mark(c, fws, ags, now))
		return AC_ENOMEM;
	uint64_t pair = ac__pair_key(fws, ags);
	fslot *s = ac__hmap_find(&c->filter_map, pair);
	if (s && !prune(c, s, now)) {
		/* Every filter of the pair is dead: the new one takes the slot. */
		return fill(c, fws, ags, now, life, refused, &s->expiry, &s->fw_gen, &s->ag_gen, &s->unres, &s->x);
	}
	if (s) {
		/* A live filter stays in the slot; the new one chains. */
		uint32_t i;
		if (ac__pool_alloc(&c->filters, &i))
			return AC_ENOMEM;
		filter *f = FILTER(c, i);
		if (fill(c, fws, ags, now, life, refused, &f->expiry, &f->fw_gen, &f->ag_gen, &f->refused.unres,
		         &f->refused.x)) {
			ac__pool_release(&c->filters, i);
			return AC_ENOMEM;
		}
		s = ac__hmap_find(&c->filter_map, pair);
		FILTER(c, i)->next = s->more;
		s->more = i;
		return 0;
	}
	sweep(c, now);
	void *slot;
	if (ac__hmap_insert(&c->filter_map, pair, &slot))
		return AC_ENOMEM;
	s = slot;
	if (fill(c, fws, ags, now, life, refused, &s->expiry, &s->fw_gen, &s->ag_gen, &s->unres, &s->x)) {
		ac__hmap_del(&c->filter_map, pair);
		return AC_ENOMEM;
	}
	return 0;
}

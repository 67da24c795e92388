/*
 * filters.c — the decline filter table. A decline (or the unused part of an
 * accept) makes a filter for (framework, agent) holding the refused
 * resources until an expiry; a candidate offer is filtered when a live filter
 * contains all of it (Mesos's rule).
 *
 * Lookups are on the offer path: one hash probe on (framework slot, agent
 * slot), then a chain that is almost always one filter long. Nothing is
 * removed eagerly: a filter is dead once it has expired or once its
 * framework's or agent's filter generation moved on (revive, deactivate,
 * removal, attribute change), which makes "drop all filters of a framework"
 * O(1). Dead filters are reclaimed when their chain is next written and by a
 * periodic sweep, so memory stays proportional to the live ones.
 */
#include "core.h"

static bool alive(const ac_core *c, const filter *f, uint32_t fws, uint32_t ags, ac_time now)
{
	return f->fw_gen == FW(c, fws)->filter_gen && f->ag_gen == AGENT(c, ags)->filter_gen && now < f->expiry;
}

bool filter_match(const ac_core *c, uint32_t fws, uint32_t ags, ac_time now, const ac_vec *unres, const ac_resources *x)
{
	if (c->filter_map.n == 0)
		return false;
	const uint32_t *head = hmap_get(&c->filter_map, pair_key(fws, ags));
	if (!head)
		return false;
	for (uint32_t i = *head; i; i = FILTER(c, i)->next) {
		const filter *f = FILTER(c, i);
		if (alive(c, f, fws, ags, now) && bag_contains(c, &f->refused, unres, x))
			return true;
	}
	return false;
}

static void filter_free(ac_core *c, uint32_t i)
{
	bag_clear(c, &FILTER(c, i)->refused);
	pool_release(&c->filters, i);
}

/* Drops the dead filters of one chain; returns the new head (0: empty).
 * A slot whose framework or agent is gone counts as dead. */
static uint32_t prune(ac_core *c, uint64_t pair, uint32_t head, ac_time now)
{
	uint32_t fws = (uint32_t)(pair >> 32), ags = (uint32_t)pair;
	bool owners = pool_live(&c->fws, fws) && pool_live(&c->agents, ags);
	uint32_t keep = 0, *tail = &keep;
	for (uint32_t i = head, next; i; i = next) {
		next = FILTER(c, i)->next;
		if (owners && alive(c, FILTER(c, i), fws, ags, now)) {
			*tail = i;
			tail = &FILTER(c, i)->next;
		} else {
			filter_free(c, i);
		}
	}
	*tail = 0;
	return keep;
}

/* Sweeps every chain once the table has doubled since the last sweep:
 * amortized O(1) per filter made. */
static void sweep(ac_core *c, ac_time now)
{
	static const uint32_t min_sweep = 1024;
	if (c->filters.live < min_sweep || c->filters.live < 2 * c->filters_after_sweep)
		return;
	hmap *m = &c->filter_map;
	for (uint32_t i = 0; i <= m->mask; i++) {
		hmap_slot *s = &m->slots[i];
		/* Deleting shifts later slots back into i: look at i again. */
		while (s->key != HMAP_EMPTY) {
			uint32_t head = prune(c, s->key, s->val, now);
			if (head) {
				s->val = head;
				break;
			}
			hmap_del(m, s->key);
		}
	}
	c->filters_after_sweep = c->filters.live;
}

int filter_add(ac_core *c, uint32_t fws, uint32_t ags, ac_time now, ac_time life, const ac_resources *refused)
{
	uint64_t pair = pair_key(fws, ags);
	/* Prune first: the slot a dead filter frees is the one pool_alloc
	 * hands back, still in cache. */
	uint32_t *head = hmap_get(&c->filter_map, pair);
	uint32_t rest = head ? prune(c, pair, *head, now) : 0;
	if (head)
		*head = rest;
	uint32_t i = pool_alloc(&c->filters);
	if (!i)
		return AC_ENOMEM;
	filter *f = FILTER(c, i);
	f->fw_gen = FW(c, fws)->filter_gen;
	f->ag_gen = AGENT(c, ags)->filter_gen;
	f->expiry = life > INT64_MAX - now ? INT64_MAX : now + life;
	if (bag_set(c, &f->refused, refused)) {
		pool_release(&c->filters, i);
		return AC_ENOMEM;
	}
	if (head) {
		/* The key stays (with an empty chain, 0, if all were dead):
		 * overwriting it cannot fail. */
		FILTER(c, i)->next = rest;
		*head = i;
	} else if (hmap_put(&c->filter_map, pair, i)) {
		filter_free(c, i);
		return AC_ENOMEM;
	}
	c->counters.filters_created++;
	sweep(c, now);
	return 0;
}

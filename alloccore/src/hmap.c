/*
 * hmap.c — growth, insertion and backward-shift deletion for hmap.h.
 */
#include "hmap.h"

#include <stdlib.h>

int hmap_init(hmap *m, uint32_t capacity)
{
	uint32_t cap = 16;
	while (cap < capacity)
		cap <<= 1;
	m->slots = malloc(sizeof *m->slots * cap);
	if (!m->slots)
		return -1;
	for (uint32_t i = 0; i < cap; i++)
		m->slots[i].key = HMAP_EMPTY;
	m->mask = cap - 1;
	m->n = 0;
	return 0;
}

void hmap_fini(hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->n = 0;
}

static void place(hmap *m, uint64_t key, uint32_t val)
{
	uint32_t i = hmap_hash(key) & m->mask;
	while (m->slots[i].key != HMAP_EMPTY)
		i = (i + 1) & m->mask;
	m->slots[i].key = key;
	m->slots[i].val = val;
}

static int grow(hmap *m)
{
	hmap bigger;
	if (hmap_init(&bigger, (m->mask + 1) * 2) != 0)
		return -1;
	for (uint32_t i = 0; i <= m->mask; i++)
		if (m->slots[i].key != HMAP_EMPTY)
			place(&bigger, m->slots[i].key, m->slots[i].val);
	bigger.n = m->n;
	free(m->slots);
	*m = bigger;
	return 0;
}

int hmap_put(hmap *m, uint64_t key, uint32_t val)
{
	uint32_t *v = hmap_get(m, key);
	if (v) {
		*v = val;
		return 0;
	}
	if ((m->n + 1) * 2 > m->mask + 1 && grow(m) != 0)
		return -1;
	place(m, key, val);
	m->n++;
	return 0;
}

bool hmap_del(hmap *m, uint64_t key)
{
	uint32_t i = hmap_hash(key) & m->mask;
	while (m->slots[i].key != key) {
		if (m->slots[i].key == HMAP_EMPTY)
			return false;
		i = (i + 1) & m->mask;
	}
	/* Shift later members of the probe run back into the hole, so that no
	 * lookup ever stops early at it. */
	for (uint32_t j = (i + 1) & m->mask;; j = (j + 1) & m->mask) {
		hmap_slot *s = &m->slots[j];
		if (s->key == HMAP_EMPTY)
			break;
		uint32_t home = hmap_hash(s->key) & m->mask;
		/* s may move to i only if its home is not within (i, j]. */
		bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!between) {
			m->slots[i] = *s;
			i = j;
		}
	}
	m->slots[i].key = HMAP_EMPTY;
	m->n--;
	return true;
}

size_t hmap_bytes(const hmap *m)
{
	return sizeof(hmap_slot) * (m->mask + 1);
}

/*
 * hmap.c — growth, insertion and backward-shift deletion for hmap.h.
 */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

int hmap_init_slots(hmap *m, uint32_t capacity, uint32_t slot_size)
{
	uint32_t cap = 16;
	while (cap < capacity)
		cap <<= 1;
	m->slots = malloc((size_t)slot_size * cap);
	if (!m->slots)
		return -1;
	m->size = slot_size;
	m->mask = cap - 1;
	m->n = 0;
	for (uint32_t i = 0; i < cap; i++)
		*(uint64_t *)hmap_slot(m, i) = HMAP_EMPTY;
	return 0;
}

void hmap_fini(hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->n = 0;
}

static void *place(hmap *m, uint64_t key)
{
	uint32_t i = hmap_hash(key) & m->mask;
	while (hmap_slot_key(m, i) != HMAP_EMPTY)
		i = (i + 1) & m->mask;
	return hmap_slot(m, i);
}

static int grow(hmap *m)
{
	hmap bigger;
	if (hmap_init_slots(&bigger, (m->mask + 1) * 2, m->size) != 0)
		return -1;
	for (uint32_t i = 0; i <= m->mask; i++)
		if (hmap_slot_key(m, i) != HMAP_EMPTY)
			memcpy(place(&bigger, hmap_slot_key(m, i)), hmap_slot(m, i), m->size);
	bigger.n = m->n;
	free(m->slots);
	*m = bigger;
	return 0;
}

void *hmap_insert(hmap *m, uint64_t key)
{
	if ((m->n + 1) * 2 > m->mask + 1 && grow(m) != 0)
		return NULL;
	char *s = place(m, key);
	memset(s, 0, m->size);
	*(uint64_t *)s = key;
	m->n++;
	return s;
}

bool hmap_del(hmap *m, uint64_t key)
{
	uint32_t i = hmap_hash(key) & m->mask;
	while (hmap_slot_key(m, i) != key) {
		if (hmap_slot_key(m, i) == HMAP_EMPTY)
			return false;
		i = (i + 1) & m->mask;
	}
	/* Shift later members of the probe run back into the hole, so that no
	 * lookup ever stops early at it. */
	for (uint32_t j = (i + 1) & m->mask;; j = (j + 1) & m->mask) {
		uint64_t k = hmap_slot_key(m, j);
		if (k == HMAP_EMPTY)
			break;
		uint32_t home = hmap_hash(k) & m->mask;
		/* The slot at j may move to i only if its home is not within (i, j]. */
		bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!between) {
			memcpy(hmap_slot(m, i), hmap_slot(m, j), m->size);
			i = j;
		}
	}
	*(uint64_t *)hmap_slot(m, i) = HMAP_EMPTY;
	m->n--;
	return true;
}

size_t hmap_bytes(const hmap *m)
{
	return (size_t)m->size * (m->mask + 1);
}

/*
 * hmap.c — growth, insertion and backward-shift deletion for hmap.h.
 */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "alloccore/alloccore.h"

int ac__hmap_init_slots(hmap *m, uint32_t capacity, uint32_t slot_size)
{
	uint32_t cap = 16;
	while (cap < capacity)
		cap <<= 1;
	m->slots = malloc((size_t)slot_size * cap);
	if (!m->slots)
		return AC_ENOMEM;
	m->size = slot_size;
	m->mask = cap - 1;
	m->n = 0;
	for (uint32_t i = 0; i < cap; i++)
		*(uint64_t *)ac__hmap_slot(m, i) = AC__HMAP_EMPTY;
	return 0;
}

void ac__hmap_fini(hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->n = 0;
}

static void *place(hmap *m, uint64_t key)
{
	uint32_t i = ac__hmap_hash(key) & m->mask;
	while (ac__hmap_slot_key(m, i) != AC__HMAP_EMPTY)
		i = (i + 1) & m->mask;
	return ac__hmap_slot(m, i);
}

static int grow(hmap *m)
{
	hmap bigger;
	if (ac__hmap_init_slots(&bigger, (m->mask + 1) * 2, m->size) != 0)
		return AC_ENOMEM;
	for (uint32_t i = 0; i <= m->mask; i++)
		if (ac__hmap_slot_key(m, i) != AC__HMAP_EMPTY)
			memcpy(place(&bigger, ac__hmap_slot_key(m, i)), ac__hmap_slot(m, i), m->size);
	bigger.n = m->n;
	free(m->slots);
	*m = bigger;
	return 0;
}

int ac__hmap_reserve(hmap *m, uint32_t k)
{
	while (((uint64_t)m->n + k) * 2 > (uint64_t)m->mask + 1)
		if (grow(m))
			return AC_ENOMEM;
	return 0;
}

int ac__hmap_insert(hmap *m, uint64_t key, void **slot)
{
	if ((m->n + 1) * 2 > m->mask + 1 && grow(m) != 0)
		return AC_ENOMEM;
	char *s = place(m, key);
	memset(s, 0, m->size);
	*(uint64_t *)s = key;
	m->n++;
	*slot = s;
	return 0;
}

bool ac__hmap_del(hmap *m, uint64_t key)
{
	uint32_t i = ac__hmap_hash(key) & m->mask;
	while (ac__hmap_slot_key(m, i) != key) {
		if (ac__hmap_slot_key(m, i) == AC__HMAP_EMPTY)
			return false;
		i = (i + 1) & m->mask;
	}
	/* Shift later members of the probe run back into the hole, so that no
	 * lookup ever stops early at it. */
	for (uint32_t j = (i + 1) & m->mask;; j = (j + 1) & m->mask) {
		uint64_t k = ac__hmap_slot_key(m, j);
		if (k == AC__HMAP_EMPTY)
			break;
		uint32_t home = ac__hmap_hash(k) & m->mask;
		/* The slot at j may move to i only if its home is not within (i, j]. */
		bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!between) {
			memcpy(ac__hmap_slot(m, i), ac__hmap_slot(m, j), m->size);
			i = j;
		}
	}
	*(uint64_t *)ac__hmap_slot(m, i) = AC__HMAP_EMPTY;
	m->n--;
	return true;
}

size_t ac__hmap_bytes(const hmap *m)
{
	return (size_t)m->size * (m->mask + 1);
}

/*
 * hmap.h — an open-addressing hash map from 64-bit keys to 32-bit values,
 * with linear probing and backward-shift deletion (no tombstones), so a
 * lookup costs one or two cache lines. Used for the filter table, the
 * allocation table and the name indexes.
 */
#ifndef ALLOCCORE_HMAP_H
#define ALLOCCORE_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HMAP_EMPTY UINT64_MAX /* the one key that cannot be stored */

typedef struct hmap_slot {
	uint64_t key;
	uint32_t val;
} hmap_slot;

typedef struct hmap {
	hmap_slot *slots;
	uint32_t mask; /* capacity - 1; capacity is a power of two */
	uint32_t n;
} hmap;

int hmap_init(hmap *m, uint32_t capacity);
void hmap_fini(hmap *m);

static inline uint32_t hmap_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

/* Pointer to the value stored under key, or NULL. */
static inline uint32_t *hmap_get(const hmap *m, uint64_t key)
{
	for (uint32_t i = hmap_hash(key) & m->mask;; i = (i + 1) & m->mask) {
		hmap_slot *s = &m->slots[i];
		if (s->key == key)
			return &s->val;
		if (s->key == HMAP_EMPTY)
			return NULL;
	}
}

/* Inserts or overwrites; grows at load 1/2. Returns 0 or -1 (out of memory,
 * map unchanged). */
int hmap_put(hmap *m, uint64_t key, uint32_t val);
/* Removes key if present; returns whether it was. */
bool hmap_del(hmap *m, uint64_t key);
size_t hmap_bytes(const hmap *m);

#endif

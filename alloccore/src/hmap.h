/*
 * hmap.h — an open-addressing hash table keyed by 64-bit integers, with
 * linear probing and backward-shift deletion (no tombstones), so a lookup
 * costs one or two cache lines. Slots are fixed-size records that begin
 * with their key: the filter table keeps a whole filter in its slot; the
 * name indexes and the allocation table keep a 32-bit value (ac__hmap_get /
 * ac__hmap_put below).
 */
#ifndef ALLOCCORE_HMAP_H
#define ALLOCCORE_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloccore/alloccore.h"

#define AC__HMAP_EMPTY UINT64_MAX /* the one key that cannot be stored */

typedef struct hmap {
	char *slots;
	uint32_t size; /* bytes per slot; the slot starts with its uint64_t key */
	uint32_t mask; /* capacity - 1; capacity is a power of two */
	uint32_t n;
} hmap;

/* slot_size >= 8 and a multiple of 8. Returns 0 or AC_ENOMEM. */
int ac__hmap_init_slots(hmap *m, uint32_t capacity, uint32_t slot_size);
void ac__hmap_fini(hmap *m);

static inline uint32_t ac__hmap_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

static inline void *ac__hmap_slot(const hmap *m, uint32_t i)
{
	return m->slots + (size_t)i * m->size;
}

static inline uint64_t ac__hmap_slot_key(const hmap *m, uint32_t i)
{
	return *(const uint64_t *)ac__hmap_slot(m, i);
}

/* The slot holding key, or NULL. */
static inline void *ac__hmap_find(const hmap *m, uint64_t key)
{
	for (uint32_t i = ac__hmap_hash(key) & m->mask;; i = (i + 1) & m->mask) {
		uint64_t k = ac__hmap_slot_key(m, i);
		if (k == key)
			return ac__hmap_slot(m, i);
		if (k == AC__HMAP_EMPTY)
			return NULL;
	}
}

/* A new slot for key (which must not be present), zeroed but for its key,
 * into *slot; grows at load 1/2. 0 or AC_ENOMEM (table unchanged). Pointers
 * to slots are valid only until the next insertion or deletion. */
int ac__hmap_insert(hmap *m, uint64_t key, void **slot);
/* Room for k more keys: the next k ac__hmap_insert calls cannot fail. 0
 * or AC_ENOMEM (the table as it was, or grown: never worse). */
int ac__hmap_reserve(hmap *m, uint32_t k);
/* Removes key if present; returns whether it was. */
bool ac__hmap_del(hmap *m, uint64_t key);
size_t ac__hmap_bytes(const hmap *m);

/* ---- a 32-bit value per key ---- */
typedef struct hmap_u32 {
	uint64_t key;
	uint32_t val;
} hmap_u32;

static inline int ac__hmap_init(hmap *m, uint32_t capacity)
{
	return ac__hmap_init_slots(m, capacity, sizeof(hmap_u32));
}
/* Pointer to the value stored under key, or NULL. */
static inline uint32_t *ac__hmap_get(const hmap *m, uint64_t key)
{
	hmap_u32 *s = ac__hmap_find(m, key);
	return s ? &s->val : NULL;
}
/* Inserts or overwrites. Returns 0 or AC_ENOMEM (map unchanged). */
static inline int ac__hmap_put(hmap *m, uint64_t key, uint32_t val)
{
	void *s = ac__hmap_find(m, key);
	if (!s && ac__hmap_insert(m, key, &s))
		return AC_ENOMEM;
	((hmap_u32 *)s)->val = val;
	return 0;
}

#endif

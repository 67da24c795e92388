/*
 * maps.c — name interning (see maps.h). Names live in large
 * arena blocks so that a million job ids cost a million small copies, not a
 * million mallocs.
 */
#include <stdlib.h>
#include <string.h>

#include "maps.h"

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

void sim__names_init(sim_names *m)
{
	memset(m, 0, sizeof *m);
	m->last = SIM_NONE;
}

void sim__names_free(sim_names *m)
{
	free(m->slots);
	free(m->hashes);
	free(m->names);
	for (size_t i = 0; i < m->nblocks; i++)
		free(m->blocks[i]);
	free(m->blocks);
	sim__names_init(m);
}

uint32_t sim__names_find(const sim_names *m, const char *name)
{
	if (!m->cap)
		return SIM_NONE;
	uint32_t h = hash_str(name);
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		uint32_t s = m->slots[i];
		if (!s)
			return SIM_NONE;
		if (m->hashes[i] == h && strcmp(m->names[s - 1], name) == 0)
			return s - 1;
	}
}

static int grow_table(sim_names *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	uint32_t *slots = calloc(cap, sizeof *slots), *hashes = malloc(cap * sizeof *hashes);
	if (!slots || !hashes) {
		free(slots);
		free(hashes);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i])
			continue;
		size_t j = m->hashes[i] & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = m->slots[i];
		hashes[j] = m->hashes[i];
	}
	free(m->slots);
	free(m->hashes);
	m->slots = slots;
	m->hashes = hashes;
	m->cap = cap;
	return 0;
}

static char *store(sim_names *m, const char *name)
{
	size_t len = strlen(name) + 1;
	if (m->arena_used + len > m->arena_cap) {
		size_t cap = len > (1 << 20) ? len : (1 << 20);
		char **blocks = realloc(m->blocks, (m->nblocks + 1) * sizeof *blocks);
		if (!blocks)
			return NULL;
		m->blocks = blocks;
		char *b = malloc(cap);
		if (!b)
			return NULL;
		m->blocks[m->nblocks++] = b;
		m->arena = b;
		m->arena_used = 0;
		m->arena_cap = cap;
	}
	char *d = m->arena + m->arena_used;
	memcpy(d, name, len);
	m->arena_used += len;
	return d;
}

uint32_t sim__names_intern(sim_names *m, const char *name, int *added)
{
	*added = 0;
	/* one comparison instead of a hash and a probe of a table that
	 * does not stay cached (a million job ids) */
	if (m->last != SIM_NONE && strcmp(m->names[m->last], name) == 0)
		return m->last;
	uint32_t found = sim__names_find(m, name);
	if (found != SIM_NONE)
		return m->last = found;
	if ((m->n + 1) * 2 > m->cap && grow_table(m) < 0)
		return SIM_NONE;
	if (m->n == m->names_cap) {
		size_t cap = m->names_cap ? m->names_cap * 2 : 64;
		char **names = realloc(m->names, cap * sizeof *names);
		if (!names)
			return SIM_NONE;
		m->names = names;
		m->names_cap = cap;
	}
	char *copy = store(m, name);
	if (!copy)
		return SIM_NONE;
	uint32_t h = hash_str(name);
	size_t i = h & (m->cap - 1);
	while (m->slots[i])
		i = (i + 1) & (m->cap - 1);
	m->names[m->n] = copy;
	m->slots[i] = (uint32_t)m->n + 1;
	m->hashes[i] = h;
	*added = 1;
	return m->last = (uint32_t)m->n++;
}

/*
 * maps.h — the two hash maps of the simulator: names (machines, jobs,
 * frameworks) interned to dense indices, and core handles (ac_agent_id,
 * ac_fw_id) to those indices. Open addressing, linear probing, power-of-two
 * tables grown at half load.
 */
#ifndef SIM_MAPS_H
#define SIM_MAPS_H

#include <stddef.h>
#include <stdint.h>

#define SIM_NONE UINT32_MAX

/* Interns strings: each distinct name gets the next index from 0. */
typedef struct sim_names {
	uint32_t *slots; /* index + 1, 0 = empty */
	uint32_t *hashes;
	size_t cap;
	char **names; /* by index; owned */
	size_t n, names_cap;
	char *arena; /* current block of name storage */
	size_t arena_used, arena_cap;
	char **blocks;
	size_t nblocks;
} sim_names;

void sim_names_init(sim_names *m);
void sim_names_free(sim_names *m);
/* Index of name, or SIM_NONE. */
uint32_t sim_names_find(const sim_names *m, const char *name);
/* Index of name, adding it if new (*added set); SIM_NONE when out of memory. */
uint32_t sim_names_intern(sim_names *m, const char *name, int *added);
static inline const char *sim_names_get(const sim_names *m, uint32_t i)
{
	return m->names[i];
}

/* uint64 key (never 0) -> uint32 value. */
typedef struct sim_idmap {
	uint64_t *keys; /* 0 = empty; removal leaves a tombstone (key kept, value SIM_NONE) */
	uint32_t *vals;
	size_t cap, used;
} sim_idmap;

void sim_idmap_init(sim_idmap *m);
void sim_idmap_free(sim_idmap *m);
int sim_idmap_put(sim_idmap *m, uint64_t key, uint32_t val);
uint32_t sim_idmap_get(const sim_idmap *m, uint64_t key);

#endif

/*
 * maps.h — the simulator's name map: names (machines, jobs, frameworks)
 * interned to dense indices. Open addressing, linear probing, power-of-two
 * tables grown at half load. (Core handles need no map: the core carries
 * our indices as tags, ac_agent_set_tag and ac_fw_set_tag.)
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
	uint32_t last; /* the index sim__names_intern returned last, or SIM_NONE */
} sim_names;

void sim__names_init(sim_names *m);
void sim__names_free(sim_names *m);
/* Index of name, or SIM_NONE. */
uint32_t sim__names_find(const sim_names *m, const char *name);
/* Index of name, adding it if new (*added set); SIM_NONE when out of memory.
 * The name interned last is checked first (a job's tasks come in a row). */
uint32_t sim__names_intern(sim_names *m, const char *name, int *added);
static inline const char *sim__names_get(const sim_names *m, uint32_t i)
{
	return m->names[i];
}

#endif

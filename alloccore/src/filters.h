/*
 * filters.h — the decline filters of a core: what a framework refused on
 * an agent, until when (filters.c says how they are stored). Sits on
 * bag.h; the offer book adds filters, the pass looks them up.
 */
#ifndef ALLOCCORE_FILTERS_H
#define ALLOCCORE_FILTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

/* The empty filter table. 0 or AC_ENOMEM. */
int ac__filters_init(ac_core *c);
/* Frees a framework's filter bitmap (on removal); its size in bytes. */
void ac__filter_fw_free(ac_core *c, uint32_t fws);
size_t ac__filter_fw_bytes(const ac_core *c, uint32_t fws);
/* ac__filter_match past its first tests: the table. */
bool ac__filter_lookup(const ac_core *c, uint32_t fws, uint32_t ags, ac_time now, const ac_vec *unres,
                       const ac_resources *x);
/* true when a live filter of framework fws on agent ags at time now holds
 * all of (unres, x); x may be NULL (no ports or reservations). Inline: the
 * pass asks for every framework it visits, and most have no live filter
 * (past the last expiry of the framework's filters, or none made for this
 * agent since they were last all dead: a clear bit of its bitmap). */
static inline bool ac__filter_match(const ac_core *c, uint32_t fws, uint32_t ags, ac_time now, const ac_vec *unres,
                                    const ac_resources *x)
{
	const fw *F = FW(c, fws);
	if (c->filter_map.n == 0 || now >= F->filter_until)
		return false;
	if (ags / 64 >= F->fbits_words || !(F->fbits[ags / 64] >> (ags % 64) & 1))
		return false;
	return ac__filter_lookup(c, fws, ags, now, unres, x);
}
/* Room for k filters of framework fws on any agents: made by an answer
 * before it changes anything, so that the filters its declines leave
 * cannot fail (ac__filter_add). 0 or AC_ENOMEM. */
int ac__filters_room(ac_core *c, uint32_t fws, uint32_t k);
/* Filters `refused` for fws on ags from now for life. 0, or AC_ENOMEM
 * when no room was made (ac__filters_room). */
int ac__filter_add(ac_core *c, uint32_t fws, uint32_t ags, ac_time now, ac_time life, const ac_resources *refused);

#endif

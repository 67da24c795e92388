/*
 * offers.h — the offer store: every outstanding offer, kept per pass and per
 * framework in a batch (struct batch in state.h: arrays of agent, resources,
 * liveness), the ids that name them, and the questions about one agent's.
 * Storage only: what an offer is charged to is the offer book's (book.h).
 * Sits just above state.h.
 */
#ifndef ALLOCCORE_OFFERS_H
#define ALLOCCORE_OFFERS_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

/* Entries per batch: an offer id is the batch serial above this many bits
 * and the entry below. A framework offered more agents in one pass gets a
 * second batch. */
#define AC__ENTRY_MAX ((1u << AC_BATCH_ENTRY_BITS) - 1)

/* An entry reference: batch slot << 32 | entry; 0 is none (slot 0 is never
 * a batch). */
static inline uint64_t ac__ref(uint32_t b, uint32_t i)
{
	return (uint64_t)b << 32 | i;
}
static inline uint32_t ac__ref_batch(uint64_t r)
{
	return (uint32_t)(r >> 32);
}
static inline uint32_t ac__ref_index(uint64_t r)
{
	return (uint32_t)r;
}

int ac__offers_init(ac_core *c);
void ac__offers_fini(ac_core *c);
size_t ac__offers_bytes(const ac_core *c);

/* Empties the per-pass lists: a pass begins. */
void ac__offers_pass_begin(ac_core *c);
/* Writes the next entry of batch b (room made): an offer on agent a
 * holding unres (NULL: nothing yet), counted outstanding. Its reference.
 * wide: c->wide (a constant where the caller is inlined twice: state.h,
 * ENTRY_SVW). */
static inline uint64_t ac__entry_write(ac_core *c, uint32_t b, uint32_t a, const ac_vec *unres, bool wide)
{
	batch *B = BATCH(c, b);
	entries *e = &B->e;
	uint32_t i = B->n++;
	agent *A = AGENT(c, a);
	e->agent[i] = a;
	e->live[i] = 1;
	e->seq[i] = c->pass_seq++;
	e->tag[i] = A->tag;
	if (unres)
		ac__sv_set(ENTRY_SVW(wide, e, i), unres);
	else
		ac__sv_zero(ENTRY_SVW(wide, e, i));
	if (e->x) {
		e->x[i] = 0;
		e->scalars[i] = ac__sv_get(ENTRY_SVW(wide, e, i));
	}
	B->live++;
	A->noffers++;
	FW(c, B->fw)->noffers++;
	c->noffers++;
	return ac__ref(b, i);
}

/* ac__entry_new when it must make a batch, room, or note the offer for the
 * per-offer hook. */
int ac__entry_new_slow(ac_core *c, uint32_t f, uint32_t a, const ac_vec *unres, bool x, uint64_t *ref);

/* A new offer of framework f on agent a holding unres (NULL: nothing yet),
 * in f's batch of the pass in progress (made when f has none); its
 * reference into *ref. x: it will hold extras (ac__entry_grow), whose
 * arrays its batch then has. Only the store changes: charging is
 * book.h's. 0 or AC_ENOMEM (nothing changed). Inline: most offers append
 * to a batch with room. */
static inline int ac__entry_new(ac_core *c, uint32_t f, uint32_t a, const ac_vec *unres, bool x, uint64_t *ref,
                                bool wide)
{
	uint32_t b = FW(c, f)->cur_batch;
	const batch *B = BATCH(c, b);
	if (c->hooks.offer || !ac__pool_live(&c->batches, b) || B->pass != c->pass || B->fw != f || B->n >= B->e.cap ||
	    B->n == AC__ENTRY_MAX || (x && !B->e.x) || (wide && !B->e.hi))
		return ac__entry_new_slow(c, f, a, unres, x, ref);
	*ref = ac__entry_write(c, b, a, unres, wide);
	return 0;
}
/* Makes room for extras in entry r's batch. 0 or AC_ENOMEM. */
int ac__entry_want_x(ac_core *c, uint64_t r);
/* Notes entry r as f's on a in stage 1 of the pass in progress (quota
 * guarantees: stage 2 adds to the same offer). 0 or AC_ENOMEM. */
void ac__entry_note_stage1(ac_core *c, uint32_t f, uint32_t a, uint64_t r);
/* Room for the next ac__entry_note_stage1, made before the entry it notes
 * (so that a pass out of memory never leaves an offer made but uncharged).
 * 0 or AC_ENOMEM. */
int ac__entry_stage1_room(ac_core *c);
/* f's offer on a noted in stage 1 of the pass in progress, or 0. */
uint64_t ac__entry_of_stage1(const ac_core *c, uint32_t f, uint32_t a);
/* Takes an outstanding offer out of the store (not live; the batch goes
 * with its last offer). The caller settled its resources; its extras
 * block, if any, is the caller's now. */
void ac__entry_remove(ac_core *c, uint64_t ref);
/* Takes entry k of a batch (its arrays e) out of the store, as
 * ac__entry_remove does, but for the batch's and the framework's counts:
 * ac__entries_dropped settles those for a run of such drops. */
static inline void ac__entry_drop(ac_core *c, entries *e, uint32_t k)
{
	AGENT(c, e->agent[k])->noffers--;
	e->live[k] = 0;
	if (e->x)
		e->x[k] = 0;
}
/* m offers of batch b were dropped with ac__entry_drop: its counts and its
 * framework's follow; the batch goes when nothing of it is left. */
void ac__entries_dropped(ac_core *c, uint32_t b, uint32_t m);
/* The outstanding offers on agent a (of framework f only, when f is not
 * NONE), oldest first: *n of them in *out, a malloc'd array the caller
 * frees (NULL when none). A scan of the live batches (of f's, with f):
 * for the rare questions about one agent, so that making and answering an
 * offer touches no list. 0, or AC_ENOMEM with *out NULL and *n 0. */
int ac__offers_of_agent(const ac_core *c, uint32_t a, uint32_t f, uint64_t **out, uint32_t *n);
/* The same for any question: the outstanding offers on agent a (any when
 * NONE) of framework f (scanning only its batches; any when NONE) in the
 * batches for which keep holds (every one when NULL), oldest first. */
int ac__offers_select(const ac_core *c, bool (*keep)(const ac_core *c, const batch *b), uint32_t a, uint32_t f,
                      uint64_t **out, uint32_t *n);

/* The outstanding offer named by id, or 0. `hint` (may be NULL) caches the
 * last batch found, for runs of ids of one batch: 0 at first. */
uint64_t ac__offer_ref(const ac_core *c, ac_offer_id id, uint32_t *hint);
ac_offer_id ac__offer_id(const ac_core *c, uint64_t ref);
/* The live batch with that id, or 0. */
uint32_t ac__batch_slot(const ac_core *c, ac_batch_id id);

/* The record behind a reference. */
static inline batch *ac__ref_b(const ac_core *c, uint64_t r)
{
	return BATCH(c, ac__ref_batch(r));
}

#endif

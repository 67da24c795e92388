/*
 * offers.c — the offer store (offers.h). Why batches: in a pass, a framework
 * that revived is offered agent after agent, and answers them together. As
 * one record per offer, each was a pool slot zeroed, linked, copied into a
 * view, resolved and unlinked again; as arrays per (pass, framework), making
 * an offer is an append, a caller sees the whole batch at once, and settling
 * it is a walk along its arrays. An agent only counts its offers: the rare
 * questions about them (rescinds when it goes or changes, a new tag) scan
 * the live batches, so making and answering an offer touches no list.
 */
#include "offers.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

typedef struct stage1_slot {
	uint64_t key; /* ac__pair_key(fw slot, agent slot) */
	uint64_t ref;
} stage1_slot;

enum { BATCH_CELLS_MIN = 256 };

int ac__offers_init(ac_core *c)
{
	ac__pool_init(&c->batches, sizeof(batch));
	if (!(c->batch_cells = calloc(BATCH_CELLS_MIN, sizeof *c->batch_cells)))
		return AC_ENOMEM;
	c->batch_cells_mask = BATCH_CELLS_MIN - 1;
	int rc = ac__hmap_init(&c->batch_map, 64);
	return rc ? rc : ac__hmap_init_slots(&c->stage1, 16, sizeof(stage1_slot));
}

static void entries_free(entries *e)
{
	free(e->agent);
	free(e->live);
	free(e->seq);
	free(e->tag);
	free(e->unres);
	free(e->hi);
	free(e->x);
	free(e->scalars);
	memset(e, 0, sizeof *e);
}

void ac__offers_fini(ac_core *c)
{
	for (uint32_t s = 1; s < c->batches.n; s++)
		if (ac__pool_live(&c->batches, s))
			entries_free(&BATCH(c, s)->e);
	for (uint32_t k = 0; k < AC__SPARE_CLASSES; k++) {
		for (uint32_t i = 0; i < c->nspare[k]; i++)
			entries_free(&c->spare[k][i]);
		free(c->spare[k]);
	}
	ac__pool_fini(&c->batches);
	ac__hmap_fini(&c->batch_map);
	free(c->batch_cells);
	ac__hmap_fini(&c->stage1);
	free(c->stage1_keys);
	free(c->pass_refs);
	free(c->pass_batches);
}

static size_t entries_bytes(const entries *e)
{
	size_t per = sizeof *e->agent + sizeof *e->live + sizeof *e->seq + sizeof *e->tag + sizeof *e->unres;
	if (e->hi)
		per += sizeof *e->hi;
	if (e->x)
		per += sizeof *e->x + sizeof *e->scalars;
	return (size_t)e->cap * per;
}

size_t ac__offers_bytes(const ac_core *c)
{
	size_t n = (size_t)c->batches.cap * (sizeof(batch) + c->batches.twin_size + 2 * sizeof(uint32_t)) +
	           ac__hmap_bytes(&c->batch_map) + ((size_t)c->batch_cells_mask + 1) * sizeof *c->batch_cells +
	           ac__hmap_bytes(&c->stage1) + (size_t)c->cap_stage1 * sizeof *c->stage1_keys;
	for (uint32_t s = 1; s < c->batches.n; s++)
		if (ac__pool_live(&c->batches, s))
			n += entries_bytes(&BATCH(c, s)->e);
	for (uint32_t k = 0; k < AC__SPARE_CLASSES; k++) {
		for (uint32_t i = 0; i < c->nspare[k]; i++)
			n += entries_bytes(&c->spare[k][i]);
		n += (size_t)c->cap_spare[k] * sizeof *c->spare[k];
	}
	n += (size_t)c->cap_pass_refs * sizeof *c->pass_refs + (size_t)c->cap_pass_batches * sizeof *c->pass_batches;
	return n;
}

/* ---------------------------------------------------------- the arrays */

static int grow1(void **p, uint32_t cap, size_t elem)
{
	void *q = realloc(*p, (size_t)cap * elem);
	if (!q)
		return AC_ENOMEM;
	*p = q;
	return 0;
}

/* Room for `need` (>= 1) entries in every array, and in a wide core the
 * array of their lanes 4..7 (zero for entries made while the core was
 * narrow). Arrays that grew before a failure stay grown: cap moves only
 * once all did. */
static int entries_reserve(entries *e, uint32_t need, bool wide)
{
	if (need > e->cap) {
		uint32_t cap = e->cap ? e->cap : 16;
		while (cap < need)
			cap *= 2;
		if (grow1((void **)&e->agent, cap, sizeof *e->agent) ||
		    grow1((void **)&e->live, cap, sizeof *e->live) || grow1((void **)&e->seq, cap, sizeof *e->seq) ||
		    grow1((void **)&e->tag, cap, sizeof *e->tag) || grow1((void **)&e->unres, cap, sizeof *e->unres) ||
		    (e->hi && grow1((void **)&e->hi, cap, sizeof *e->hi)))
			return AC_ENOMEM;
		if (e->x) {
			if (grow1((void **)&e->x, cap, sizeof *e->x) ||
			    grow1((void **)&e->scalars, cap, sizeof *e->scalars))
				return AC_ENOMEM;
			memset(e->x + e->cap, 0, sizeof *e->x * (cap - e->cap));
		}
		e->cap = cap;
	}
	if (wide && !e->hi && !(e->hi = calloc(e->cap, sizeof *e->hi)))
		return AC_ENOMEM;
	return 0;
}

/* Gives the n entries an extras array and their summed scalars (their
 * first entry with extras): so far, their unreserved scalars. */
static int entries_with_x(entries *e, uint32_t n)
{
	if (e->x)
		return 0;
	e->x = calloc(e->cap, sizeof *e->x);
	e->scalars = malloc(sizeof *e->scalars * e->cap);
	if (!e->x || !e->scalars) {
		free(e->x);
		free(e->scalars);
		e->x = NULL;
		e->scalars = NULL;
		return AC_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		e->scalars[i] = ac__sv_get(ENTRY_SV(e, i));
	return 0;
}

/* ------------------------------------------------------------- batches */

/* Batch serials to slots. A batch is found in its cell (serial & mask) of
 * batch_cells, or, when a live batch held that cell already as it was made,
 * in batch_map. Serials are consecutive and most batches go within a pass
 * or two, so with twice as many cells as batch slots the table holds almost
 * all: a lookup is one load and one compare, not a hash and a probe. */
uint32_t ac__batch_slot(const ac_core *c, ac_batch_id id)
{
	uint32_t s = c->batch_cells[id & c->batch_cells_mask];
	if (s && BATCH(c, s)->serial == id)
		return s;
	if (!c->batch_map.n)
		return 0;
	const uint32_t *v = ac__hmap_get(&c->batch_map, id);
	return v ? *v : 0;
}

static int batch_cell_put(ac_core *c, uint64_t serial, uint32_t b)
{
	uint32_t *cell = &c->batch_cells[serial & c->batch_cells_mask];
	if (!*cell) {
		*cell = b;
		return 0;
	}
	return ac__hmap_put(&c->batch_map, serial, b);
}

static void batch_cell_del(ac_core *c, uint64_t serial, uint32_t b)
{
	uint32_t *cell = &c->batch_cells[serial & c->batch_cells_mask];
	if (*cell == b)
		*cell = 0;
	else
		ac__hmap_del(&c->batch_map, serial);
}

/* Twice as many cells as batch slots, when the pool grew past half of
 * them: the live batches in cells move to the new table (to batch_map when
 * two meet in one cell). Out of memory, the old table stays: it is only
 * slower. */
static void batch_cells_grow(ac_core *c)
{
	uint32_t want = c->batch_cells_mask + 1;
	while (want / 2 < c->batches.n + 1 && want < (1u << 30))
		want *= 2;
	if (want == c->batch_cells_mask + 1)
		return;
	uint32_t *cells = calloc(want, sizeof *cells), m = want - 1;
	if (!cells)
		return;
	for (uint32_t s = 1; s < c->batches.n; s++) {
		if (!ac__pool_live(&c->batches, s))
			continue;
		uint64_t serial = BATCH(c, s)->serial;
		if (c->batch_cells[serial & c->batch_cells_mask] != s)
			continue; /* in batch_map: stays there */
		if (!cells[serial & m])
			cells[serial & m] = s;
		else if (ac__hmap_put(&c->batch_map, serial, s)) {
			/* undo the moves to batch_map made so far */
			for (uint32_t t = 1; t < s; t++) {
				if (!ac__pool_live(&c->batches, t))
					continue;
				uint64_t st = BATCH(c, t)->serial;
				if (c->batch_cells[st & c->batch_cells_mask] == t && cells[st & m] != t)
					ac__hmap_del(&c->batch_map, st);
			}
			free(cells);
			return;
		}
	}
	free(c->batch_cells);
	c->batch_cells = cells;
	c->batch_cells_mask = m;
}

/* Arrays kept for the next batches: room for twice as many offers as there
 * are agents (a pass makes about one per agent), so that passes in steady
 * state allocate nothing. By room: a new batch takes the roomiest (a pass's
 * first batches are usually its largest, and growing one copies), and past
 * the bound the smallest go first (else the one large batch of a pass that
 * offers a framework the whole cluster lost its arrays to small ones, and
 * grew them again every pass). */
static uint32_t spare_class(uint32_t cap)
{
	/* rooms are 16 << k (entries_reserve doubles from 16) */
	uint32_t k = cap >= 32 ? (uint32_t)(31 - __builtin_clz(cap)) - 4 : 0;
	return k < AC__SPARE_CLASSES ? k : AC__SPARE_CLASSES - 1;
}

static void spare_put(ac_core *c, entries *e)
{
	uint32_t k = spare_class(e->cap);
	if (c->nspare[k] >= c->cap_spare[k] &&
	    ac__array_grow((void **)&c->spare[k], &c->cap_spare[k], c->nspare[k] + 1, sizeof *c->spare[k])) {
		entries_free(e);
		return;
	}
	c->spare[k][c->nspare[k]++] = *e;
	c->spare_mask |= 1u << k;
	c->spare_entries += e->cap;
	uint64_t limit = 2 * (uint64_t)c->agents.live + 1024;
	for (uint32_t j = 0; j < AC__SPARE_CLASSES && c->spare_entries > limit; j++)
		while (c->nspare[j] && c->spare_entries > limit) {
			entries *v = &c->spare[j][--c->nspare[j]];
			if (!c->nspare[j])
				c->spare_mask &= ~(1u << j);
			c->spare_entries -= v->cap;
			entries_free(v);
		}
}

static bool spare_take(ac_core *c, entries *out)
{
	if (!c->spare_mask)
		return false;
	uint32_t k = (uint32_t)(31 - __builtin_clz(c->spare_mask));
	*out = c->spare[k][--c->nspare[k]];
	if (!c->nspare[k])
		c->spare_mask &= ~(1u << k);
	c->spare_entries -= out->cap;
	return true;
}

static int batch_new(ac_core *c, uint32_t f, uint32_t *slot)
{
	uint32_t b;
	if (2 * ((uint64_t)c->batches.n + 1) > (uint64_t)c->batch_cells_mask + 1)
		batch_cells_grow(c); /* (before the take: every live batch has its serial) */
	if ((c->npass_batches >= c->cap_pass_batches &&
	     ac__array_grow((void **)&c->pass_batches, &c->cap_pass_batches, c->npass_batches + 1,
	                    sizeof *c->pass_batches)) ||
	    ac__pool_take(&c->batches, &b)) /* (every field written below) */
		return AC_ENOMEM;
	uint64_t serial = c->batch_serial + 1;
	if (batch_cell_put(c, serial, b)) {
		ac__pool_release(&c->batches, b);
		return AC_ENOMEM;
	}
	c->batch_serial = serial;
	batch *B = BATCH(c, b);
	B->serial = serial;
	B->pass = c->pass;
	B->created = c->now;
	B->fw = f;
	B->n = B->live = 0;
	B->fw_next = 0;
	B->lazy = false;
	ac__sv_zero(BATCH_SV(c, b, sum));
	if (!spare_take(c, &B->e))
		B->e = (entries){0};
	if (c->noffers == 0 || c->now < c->oldest_offer) /* (its offers are made now) */
		c->oldest_offer = c->now;
	fw *F = FW(c, f);
	B->fw_prev = F->batches_tail;
	if (F->batches_tail)
		BATCH(c, F->batches_tail)->fw_next = b;
	else
		F->batches_head = b;
	F->batches_tail = b;
	F->cur_batch = b;
	c->pass_batches[c->npass_batches++] = b;
	*slot = b;
	return 0;
}

/* A batch whose last offer went: its arrays wait for the next one. */
static void batch_free(ac_core *c, uint32_t b)
{
	batch *B = BATCH(c, b);
	fw *F = FW(c, B->fw);
	if (B->fw_prev)
		BATCH(c, B->fw_prev)->fw_next = B->fw_next;
	else
		F->batches_head = B->fw_next;
	if (B->fw_next)
		BATCH(c, B->fw_next)->fw_prev = B->fw_prev;
	else
		F->batches_tail = B->fw_prev;
	batch_cell_del(c, B->serial, b);
	spare_put(c, &B->e);
	ac__pool_release(&c->batches, b);
}

void ac__offers_pass_begin(ac_core *c)
{
	for (uint32_t i = 0; i < c->nstage1; i++)
		ac__hmap_del(&c->stage1, c->stage1_keys[i]);
	c->nstage1 = 0;
	c->npass_refs = 0;
	c->npass_batches = 0;
	c->pass_seq = 0;
}

/* ------------------------------------------------------------- entries */

int ac__entry_new_slow(ac_core *c, uint32_t f, uint32_t a, const ac_vec *unres, bool x, uint64_t *ref)
{
	uint32_t b = FW(c, f)->cur_batch;
	batch *B = BATCH(c, b);
	if (!ac__pool_live(&c->batches, b) || B->pass != c->pass || B->fw != f || B->n == AC__ENTRY_MAX) {
		if (batch_new(c, f, &b))
			return AC_ENOMEM;
		B = BATCH(c, b);
	}
	entries *e = &B->e;
	if ((c->hooks.offer &&
	     ac__array_grow((void **)&c->pass_refs, &c->cap_pass_refs, c->npass_refs + 1, sizeof *c->pass_refs)) ||
	    ((B->n >= e->cap || (c->wide && !e->hi)) && entries_reserve(e, B->n + 1, c->wide)) ||
	    (x && entries_with_x(e, B->n))) {
		if (B->n == 0) { /* made just now: it goes again */
			c->npass_batches--;
			batch_free(c, b);
		}
		return AC_ENOMEM;
	}
	*ref = ac__entry_write(c, b, a, unres, c->wide);
	if (c->hooks.offer)
		c->pass_refs[c->npass_refs++] = *ref;
	return 0;
}

int ac__entry_want_x(ac_core *c, uint64_t r)
{
	return entries_with_x(&ac__ref_b(c, r)->e, ac__ref_b(c, r)->n);
}

int ac__entry_stage1_room(ac_core *c)
{
	if (ac__array_grow((void **)&c->stage1_keys, &c->cap_stage1, c->nstage1 + 1, sizeof *c->stage1_keys) ||
	    ac__hmap_reserve(&c->stage1, 1))
		return AC_ENOMEM;
	return 0;
}

void ac__entry_note_stage1(ac_core *c, uint32_t f, uint32_t a, uint64_t r)
{
	uint64_t key = ac__pair_key(f, a);
	void *slot;
	int rc = ac__hmap_insert(&c->stage1, key, &slot); /* (room made) */
	assert(rc == 0);
	(void)rc;
	((stage1_slot *)slot)->ref = r;
	c->stage1_keys[c->nstage1++] = key;
}

uint64_t ac__entry_of_stage1(const ac_core *c, uint32_t f, uint32_t a)
{
	const stage1_slot *s = c->nstage1 ? ac__hmap_find(&c->stage1, ac__pair_key(f, a)) : NULL;
	return s ? s->ref : 0;
}

void ac__entry_remove(ac_core *c, uint64_t r)
{
	uint32_t b = ac__ref_batch(r), i = ac__ref_index(r);
	batch *B = BATCH(c, b);
	entries *e = &B->e;
	AGENT(c, e->agent[i])->noffers--;
	FW(c, B->fw)->noffers--;
	c->noffers--;
	e->live[i] = 0;
	if (e->x)
		e->x[i] = 0;
	if (--B->live == 0)
		batch_free(c, b);
}

void ac__entries_dropped(ac_core *c, uint32_t b, uint32_t m)
{
	batch *B = BATCH(c, b);
	FW(c, B->fw)->noffers -= m;
	c->noffers -= m;
	B->live -= m;
	if (m && B->live == 0)
		batch_free(c, b);
}

typedef struct ref_at {
	uint64_t pass;
	uint32_t seq;
	uint64_t ref;
} ref_at;

static int by_made(const void *x, const void *y)
{
	const ref_at *p = x, *q = y;
	if (p->pass != q->pass)
		return p->pass < q->pass ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static int batch_scan(const ac_core *c, uint32_t b, uint32_t a, ref_at **v, uint32_t *cap, uint32_t *n)
{
	const batch *B = BATCH(c, b);
	for (uint32_t i = 0; i < B->n; i++) {
		if (!B->e.live[i] || (a != NONE && B->e.agent[i] != a))
			continue;
		if (ac__array_grow((void **)v, cap, *n + 1, sizeof **v))
			return AC_ENOMEM;
		(*v)[(*n)++] = (ref_at){B->pass, B->e.seq[i], ac__ref(b, i)};
	}
	return 0;
}

int ac__offers_select(const ac_core *c, bool (*keep)(const ac_core *c, const batch *b), uint32_t a, uint32_t f,
                      uint64_t **out, uint32_t *n)
{
	ref_at *v = NULL;
	uint32_t cap = 0, m = 0;
	int rc = 0;
	*out = NULL;
	*n = 0;
	if (f != NONE) {
		for (uint32_t b = FW(c, f)->batches_head; b && !rc; b = BATCH(c, b)->fw_next)
			rc = batch_scan(c, b, a, &v, &cap, &m);
	} else {
		for (uint32_t b = 1; b < c->batches.n && !rc; b++)
			if (ac__pool_live(&c->batches, b) && (!keep || keep(c, BATCH(c, b))))
				rc = batch_scan(c, b, a, &v, &cap, &m);
	}
	uint64_t *refs = rc || !m ? NULL : malloc(sizeof *refs * m);
	if (rc || (m && !refs)) {
		free(v);
		return AC_ENOMEM;
	}
	if (m > 1)
		qsort(v, m, sizeof *v, by_made);
	for (uint32_t i = 0; i < m; i++)
		refs[i] = v[i].ref;
	free(v);
	*out = refs;
	*n = m;
	return 0;
}

int ac__offers_of_agent(const ac_core *c, uint32_t a, uint32_t f, uint64_t **out, uint32_t *n)
{
	if (!AGENT(c, a)->noffers) {
		*out = NULL;
		*n = 0;
		return 0;
	}
	return ac__offers_select(c, NULL, a, f, out, n);
}

/* ------------------------------------------------------------------ ids */

uint64_t ac__offer_ref(const ac_core *c, ac_offer_id id, uint32_t *hint)
{
	ac_batch_id serial = id >> AC_BATCH_ENTRY_BITS;
	uint32_t i = (uint32_t)(id & AC__ENTRY_MAX);
	uint32_t b = hint && *hint && ac__pool_live(&c->batches, *hint) && BATCH(c, *hint)->serial == serial
	                     ? *hint
	                     : ac__batch_slot(c, serial);
	if (!b)
		return 0;
	if (hint)
		*hint = b;
	const batch *B = BATCH(c, b);
	return i < B->n && B->e.live[i] ? ac__ref(b, i) : 0;
}

ac_offer_id ac__offer_id(const ac_core *c, uint64_t r)
{
	return ac_batch_offer_id(ac__ref_b(c, r)->serial, ac__ref_index(r));
}

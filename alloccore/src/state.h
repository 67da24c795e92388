/*
 * state.h — the state of an alloccore instance: every struct the files of
 * src/ share, and the accessors that turn a handle or a slot into a record.
 * Nothing here changes the state: the file that owns each part does, and
 * its own header says how. Entities live in slot pools (pool.h); handles
 * are (generation << 32 | slot), so stale ones fail.
 *
 * Who owns what: pool.c (slots), kinds.c (scalar kind names), names.c (the
 * agent and framework name indexes), bag.c (resources held by the core),
 * offers.c (the offer store), policy.c (sort keys), order.c (sort clients and their orders), filters.c
 * (decline filters), roles.c (the role tree), quota.c (quota bookkeeping),
 * book.c (offers and allocations), allocate.c (the pass), agents.c,
 * frameworks.c and core.c (the entry points). alloccore/README.md draws the
 * layers.
 */
#ifndef ALLOCCORE_STATE_H
#define ALLOCCORE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "alloccore/alloccore.h"
#include "alloccore/policy.h"
#include "array.h"
#include "hmap.h"
#include "minalloc.h"
#include "pool.h"
#include "vec.h"

#define NONE              UINT32_MAX
#define AC__SPARE_CLASSES 24 /* spare batch arrays: rooms 16 << 0 .. 16 << 23 */
#define AC__AG_INDEX      7  /* allocation records an agent indexes itself (struct agent) */

typedef unsigned __int128 u128;

/* Resources held by the core: unreserved scalars inline (the hot part); the
 * rest — unreserved ports and reserved groups — in an extras block `x` of
 * core->xpool (0: none). In an extras block group[0].amount is always zero. */
typedef struct bag {
	ac_vec unres;
	uint32_t x;
} bag;

/* A bag as agents and allocation records keep it: the unreserved scalars
 * split (vec.h), lanes 4..7 in the record's twin. bag.h reads and writes
 * it through an sbag_ref (AGENT_BAG, ALLOC_BAG below). */
typedef struct sbag {
	ac__v4 unres;
	uint32_t x;
} sbag;

typedef struct sbag_ref {
	sbag *b;
	ac__v4 *hi; /* NULL while the core is narrow */
} sbag_ref;

/* A sort key, snapshotted when a client is (re)positioned in its order:
 * the policy's own (policy.h) and the allocation count it was taken at. */
typedef struct sortkey {
	ac_policy_key pk;
	uint64_t count;
} sortkey;

/* The kinds of sort client: the values of ac_client_kind. */
enum client_kind { CL_FW = AC_CLIENT_FRAMEWORK, CL_SELF = AC_CLIENT_ROLE_LEAF, CL_SUB = AC_CLIENT_ROLE };

/* Anything the policy sorts: a framework, a role's virtual leaf (its own
 * frameworks), or a role subtree. `pub` is what the policy is shown
 * (held, allocation count, weight, priority, name, kind, demand). */
typedef struct client {
	ac_policy_client pub;
	uint32_t owner;    /* fw slot or role id */
	uint32_t order;    /* order id it is in, or NONE */
	uint64_t name_key; /* first 8 bytes of name, big-endian: fast tie-break */
	uint8_t touched;   /* 0, listed in core->touched, or quiet (order.h) */
	uint8_t stale;     /* alone in its order: key refreshed when that ends */
	uint32_t pos_hint; /* where a walk last saw it in its order */
	sortkey key;
} client;

/* A sorted array of client ids (ascending: served first), as a ring:
 * element i is v[(head + i) & (cap - 1)]; cap is a power of two (order.c). */
typedef struct order {
	uint32_t *v;
	uint32_t n, cap, head;
} order;

typedef struct role {
	char *name;
	int32_t parent; /* -1: top level */
	uint32_t depth;
	uint32_t sub_client, self_client;
	uint32_t first_child, next_sibling; /* NONE-terminated */
	uint32_t kids_order;                /* child subtrees + self leaf, eligible only */
	uint32_t fws_order;                 /* own eligible frameworks */
	uint32_t eligible_self, eligible_sub;
	uint32_t nfws;
	uint32_t weight;
	ac_quota quota;
	bool has_guarantee, has_limit;
	ac_vec allocated_sub;  /* accepted scalars in the subtree */
	ac_vec unres_held_sub; /* unreserved scalars held in the subtree */
	ac_vec reserved_sub;   /* reserved on agents for the subtree */
	ac_vec req, kids_req;  /* required headroom (quota.c) */
	uint32_t name_next;    /* hash chain */
} role;

/* An agent's own index of the allocation records on it: one framework's
 * (struct agent). */
typedef struct agent_rec {
	uint32_t fw;  /* framework slot */
	uint32_t rec; /* its allocation record */
} agent_rec;

/* The fields a pass and an answer touch come first, within 128 bytes (the
 * pass prefetches that much ahead of each agent's turn): its free set, then
 * what a turn reads, then the index of its allocation records, whose
 * places are in the second cache line. The record is 192 bytes, so in a
 * large pool (page-aligned) each starts a cache line. */
typedef struct agent {
	sbag free;        /* total - offered - allocated; unreserved scalars may go < 0 */
	uint32_t noffers; /* outstanding (the offers: offers.h, ac__offers_of_agent) */
	uint32_t filter_gen;
	uint64_t tag;         /* the caller's (ac_agent_set_tag) */
	uint32_t allocs_head; /* the records not in its index (ag_next) */
	bool inactive;        /* deactivated: skipped by allocation */
	/* Which of the allocation records on this agent is whose, so that
	 * accepts and recovers find, add and remove them without a probe of
	 * the allocation table: up to AC__AG_INDEX frameworks' records, the
	 * first nindex places (kept packed: a search stops there). The
	 * others' are in core->alloc_map, nspill of them (ac__alloc_slot). */
	uint8_t nindex;
	agent_rec index[AC__AG_INDEX];
	uint32_t nspill; /* (listed from allocs_head) */
	sbag total;
	char *name;
	char *attrs;
	uint32_t name_next;
} agent;
_Static_assert(sizeof(agent) <= 192, "agent records are three cache lines at most");

/* An agent's twin in a wide core (pool.h): its bags' lanes 4..7. */
typedef struct agent_hi {
	ac__v4 free, total;
} agent_hi;

typedef struct fw {
	uint32_t client;
	uint32_t role;
	uint32_t filter_gen;
	ac_time filter_until; /* no filter of this generation lives at or after this */
	/* Bit a set: a filter for agent slot a may live (made since the last
	 * time all of this framework's filters were dead). A clear bit spares
	 * ac__filter_match the table lookup, which misses the cache when the table
	 * is large; a set one only sends it to the table. */
	uint64_t *fbits;
	uint32_t fbits_words;
	bool active, suppressed;
	/* split (vec.h): lanes 4..7 in its twin, fw_hi */
	ac__v4 offered, allocated;
	uint32_t noffers; /* outstanding */
	/* its batches of offers (offers.h), oldest first, and the one of the
	 * pass in progress (check its pass and framework: it may be gone) */
	uint32_t batches_head, batches_tail, cur_batch;
	uint32_t allocs_head;
	char *name;
	uint32_t name_next;
	uint64_t tag;         /* the caller's (ac_fw_set_tag) */
	ac_fw_demand *demand; /* declared (ac_fw_set_demand), or NULL; its client's pub.demand */
	/* recovered since the sums were last brought up to date (book.h,
	 * ac__recovers_apply): still in its share, its allocated sum and its
	 * roles' sums; in core->arrears while owed */
	ac__v4 recovered;
	bool owes;
} fw;

/* A framework's twin in a wide core (pool.h): its sums' lanes 4..7. */
typedef struct fw_hi {
	ac__v4 offered, allocated, recovered;
} fw_hi;

/* The per-offer arrays of a batch (struct of arrays: entry i is one offer).
 * Kept for reuse when their batch goes, so that a pass in steady state
 * allocates nothing. */
typedef struct entries {
	uint32_t cap;
	uint32_t *agent; /* agent slot */
	uint8_t *live;   /* 1 while outstanding */
	uint32_t *seq;   /* order made within its pass (rescinds go oldest first) */
	uint64_t *tag;   /* a copy of the agent's tag (ac_agent_set_tag keeps it current) */
	ac__v4 *unres;   /* unreserved scalars, split (vec.h): */
	/* their lanes 4..7 (NULL: zero): a batch has them once it takes an
	 * entry in a wide core. One made while the core was narrow keeps
	 * none: its entries' lanes 4..7 are zero and stay so (an entry grows
	 * only in the pass that made it, and no kind comes during a pass). */
	ac__v4 *hi;
	uint32_t *x;     /* extras block (ports, reservations), 0: none; NULL until an entry has one */
	ac_vec *scalars; /* every group's scalars summed; allocated with x, kept current */
} entries;

/* Entry i's unreserved scalars, as a split vector (vec.h). */
#define ENTRY_SV(e, i) ((ac__sv){&(e)->unres[(i)], (e)->hi ? &(e)->hi[(i)] : NULL})
/* ... in a core whose wideness is w (a narrow core's batches have none). */
#define ENTRY_SVW(w, e, i) ((ac__sv){&(e)->unres[(i)], (w) && (e)->hi ? &(e)->hi[(i)] : NULL})

/* The offers one pass made to one framework: Mesos's OFFERS event. Offer
 * ids are serial << AC__ENTRY_BITS | entry (offers.h). A batch lives until
 * its last offer is answered or rescinded. */
typedef struct batch {
	uint64_t serial; /* its id; never reused */
	uint64_t pass;
	ac_time created;
	uint32_t fw;
	uint32_t n, live;          /* entries made; of them outstanding */
	uint32_t fw_prev, fw_next; /* the framework's batches, oldest first */
	/* charged at the end of its pass, not per offer (allocate.c): sum
	 * holds what its offers took meanwhile */
	bool lazy;
	ac__v4 sum; /* split (vec.h): lanes 4..7 in its twin, batch_hi */
	entries e;
} batch;

/* A batch's twin in a wide core. */
typedef struct batch_hi {
	ac__v4 sum;
} batch_hi;

typedef struct alloc {
	uint32_t fw, agent;
	sbag res;
	uint32_t fw_prev, fw_next; /* its framework's records (fw.allocs_head) */
	uint32_t ag_prev, ag_next; /* its agent's not in the agent's index */
} alloc;
_Static_assert(sizeof(alloc) == 64, "an allocation record is one cache line");

/* An allocation record's twin in a wide core. */
typedef struct alloc_hi {
	ac__v4 res;
} alloc_hi;

typedef struct filter {
	uint32_t next;
	uint32_t fw_gen, ag_gen;
	ac_time expiry;
	bag refused;
} filter;

struct ac_core {
	ac_config cfg;
	ac_hooks hooks;
	ac_batch_hook batch_hook;
	void *batch_ud;
	ac_policy pol;       /* the policy (policy.h): callbacks and state */
	ac_policy_view view; /* what its callbacks see (policy.c keeps it current) */
	bool pol_generic;    /* pick or per-turn redraw: no pass fast paths (allocate.c) */
	ac_preempt_hook preempt_hook;
	void *preempt_ud;
	ac_minalloc minalloc;
	ac_time now;
	uint64_t rng[4];

	/* names */
	char *kind_names[AC_KINDS];
	int nkinds;
	bool wide;         /* more than the four fixed kinds registered: vec.h works all eight lanes */
	ac_vec kind_bound; /* the largest amount of each kind: 0 for kinds not registered */

	/* entities */
	pool agents, fws, batches, allocs, filters, xpool, clients;
	role *roles;
	uint32_t nroles, cap_roles;
	order *orders;
	uint32_t norders, cap_orders;
	uint32_t root_order; /* top-level subtrees */
	uint32_t first_top_role;

	/* lookup */
	hmap agent_names, fw_names, role_names; /* name hash -> first slot */
	hmap filter_map;                        /* (fw slot, agent slot) -> filter chain */
	hmap alloc_map;                         /* (fw slot, agent slot) -> alloc slot, when not in the agent's index */
	hmap batch_map;                         /* batch serial -> batch slot, when not in batch_cells */
	/* batch serial -> batch slot, direct-mapped (cell serial & mask; 0
	 * empty): most live batches, found without hashing (offers.c) */
	uint32_t *batch_cells, batch_cells_mask;

	/* order of addition */
	uint32_t *agent_seq, nagent_seq, cap_agent_seq;
	uint32_t *fw_seq, nfw_seq, cap_fw_seq;

	/* cluster sums */
	ac_vec total; /* all scalars of all agents: the DRF pool */
	ac_vec total_unres;
	ac_vec free_unres_clamped; /* sum of max(0, free); kept while guarantees exist */
	ac_vec required;           /* required headroom */
	bool keys_dirty;           /* totals changed: recompute every key and resort */
	uint32_t nguarantees, nlimits;

	/* offers (offers.c) */
	uint64_t batch_serial;
	uint64_t noffers;     /* outstanding */
	ac_time oldest_offer; /* lower bound on the creation time of live offers */
	hmap stage1;          /* a pass's stage-1 offers: (fw slot, agent slot) -> entry reference */
	uint64_t *stage1_keys;
	uint32_t nstage1, cap_stage1;
	/* arrays of batches gone, for the next ones, by room (class k: 16 << k
	 * entries; offers.c) */
	entries *spare[AC__SPARE_CLASSES];
	uint32_t nspare[AC__SPARE_CLASSES], cap_spare[AC__SPARE_CLASSES];
	uint32_t spare_mask;    /* bit k: class k has spare arrays */
	uint64_t spare_entries; /* their room, in entries */

	/* the pass in progress */
	uint32_t epoch;               /* source of filter generations */
	uint32_t filters_after_sweep; /* filter table keys after the last sweep */
	uint32_t nfilters;            /* stored filters, live or not yet reclaimed */
	uint64_t pass;                /* increments per pass */
	uint32_t *touched, ntouched, cap_touched;
	uint32_t npass_offers, pass_seq;
	/* A pass whose walk leads through lone clients to one role, without
	 * quota (allocate.c): what its offers add to that role's sort clients
	 * is summed here and applied when the pass ends (NONE: off). */
	uint32_t defer_role;
	ac_vec defer_scalars, defer_extras; /* (extras: what of scalars is not unreserved) */
	uint64_t defer_count;
	uint64_t *pass_refs; /* the pass's offers in the order made (only with an offer hook) */
	uint32_t npass_refs, cap_pass_refs;
	uint32_t *pass_batches; /* the pass's batches, in the order made */
	uint32_t npass_batches, cap_pass_batches;
	uint32_t *pass_agents, cap_pass_agents;
	/* frameworks whose recovers are not yet in their sums (book.h) */
	uint32_t *arrears, narrears, cap_arrears;
	uint32_t *scratch, cap_scratch;
	ac_resources view_buf;

	/* the policy's calls in a pass (policy.c): its preemption requests,
	 * the first contract breach it made (code 0: none), and the
	 * frameworks' clients it may be shown */
	ac_preempt_request *preempts;
	uint32_t npreempts, cap_preempts;
	uint64_t preempts_dropped;
	ac_err pol_err;
	const ac_policy_client **pol_fws;
	uint32_t cap_pol_fws;

	ac_counters counters;
	struct ac__mfws *mfws; /* multi-role frameworks (multirole.c), NULL until the first */
};

/* A pool holds records of one type (its size is that type's, core.c): typed
 * pointer arithmetic, a shift or a constant multiply, not a load of the
 * size and a multiply on every access. */
#define AGENT(c, i)  ((agent *)(void *)(c)->agents.base + (i))
#define FW(c, i)     ((fw *)(void *)(c)->fws.base + (i))
#define BATCH(c, i)  ((batch *)(void *)(c)->batches.base + (i))
#define ALLOC(c, i)  ((alloc *)(void *)(c)->allocs.base + (i))
#define FILTER(c, i) ((filter *)(void *)(c)->filters.base + (i))
#define XRES(c, i)   ((ac_resources *)(void *)(c)->xpool.base + (i))
#define CLIENT(c, i) ((client *)(void *)(c)->clients.base + (i))
#define ROLE(c, i)   (&(c)->roles[(i)])

/* Twins (pool.h) and split vectors (vec.h). A wide core's agents,
 * allocs, fws and batches pools have twins (kinds.c gives all four at
 * once), which hold their records' lanes 4..7; the accessors point into
 * them only when c->wide. FW_SV(c, f, offered) is framework f's offered
 * sum as a split vector, hi NULL while the core is narrow; AGENT_BAG(c, a,
 * free) is agent a's free bag as an sbag_ref. */
#define FW_HI(c, i)            ((fw_hi *)(void *)(c)->fws.twin + (i))
#define BATCH_HI(c, i)         ((batch_hi *)(void *)(c)->batches.twin + (i))
#define AGENT_HI(c, i)         ((agent_hi *)(void *)(c)->agents.twin + (i))
#define ALLOC_HI(c, i)         ((alloc_hi *)(void *)(c)->allocs.twin + (i))
#define AC__TWIN(w, tw, field) ((w) ? &(tw)->field : NULL)
#define AGENT_BAG(c, i, field) ((sbag_ref){&AGENT(c, i)->field, AC__TWIN((c)->wide, AGENT_HI(c, i), field)})
#define ALLOC_BAG(c, i)        ((sbag_ref){&ALLOC(c, i)->res, AC__TWIN((c)->wide, ALLOC_HI(c, i), res)})
/* The split vectors, with the core's wideness w given: the offer path's
 * hot functions are inlined twice, narrow and wide (allocate.c, book.c),
 * and with w a constant the questions about lanes 4..7 fold away. */
#define FW_SVW(c, w, i, field)    ((ac__sv){&FW(c, i)->field, AC__TWIN(w, FW_HI(c, i), field)})
#define BATCH_SVW(c, w, i, field) ((ac__sv){&BATCH(c, i)->field, AC__TWIN(w, BATCH_HI(c, i), field)})
#define AGENT_SVW(c, w, i, field) ((ac__sv){&AGENT(c, i)->field.unres, AC__TWIN(w, AGENT_HI(c, i), field)})
#define ALLOC_SVW(c, w, i)        ((ac__sv){&ALLOC(c, i)->res.unres, AC__TWIN(w, ALLOC_HI(c, i), res)})
#define FW_SV(c, i, field)        FW_SVW(c, (c)->wide, i, field)
#define BATCH_SV(c, i, field)     BATCH_SVW(c, (c)->wide, i, field)
#define AGENT_SV(c, i, field)     AGENT_SVW(c, (c)->wide, i, field)
#define ALLOC_SV(c, i)            ALLOC_SVW(c, (c)->wide, i)

/* The scalars of every group of a bag (bag or sbag) whose unreserved
 * scalars are unres and whose extras block is x (0: none). */
static inline void ac__bag_scalars_of(const ac_core *c, const ac_vec *unres, uint32_t x, ac_vec *out)
{
	*out = *unres;
	if (x) {
		const ac_resources *r = XRES(c, x);
		for (uint32_t g = 1; g < r->ngroups; g++)
			ac_vec_add(out, &r->group[g].amount);
	}
}

/* ... of a bag as records keep it. */
static inline void ac__sbag_scalars(const ac_core *c, sbag_ref b, ac_vec *out)
{
	ac_vec unres = ac__sv_get((ac__sv){&b.b->unres, b.hi});
	ac__bag_scalars_of(c, &unres, b.b->x, out);
}

/* Resolve a handle to a live slot, or 0. */
static inline uint32_t ac__agent_slot(const ac_core *c, ac_agent_id id)
{
	return ac__pool_slot(&c->agents, id);
}
static inline uint32_t ac__fw_slot(const ac_core *c, ac_fw_id id)
{
	return ac__pool_slot(&c->fws, id);
}

/* The key of a (framework slot, agent slot) pair in the filter and
 * allocation tables. */
static inline uint64_t ac__pair_key(uint32_t f, uint32_t a)
{
	return (uint64_t)f << 32 | a;
}

/* The allocation record of framework slot f on agent slot a, or 0: the
 * agent's own index first (the agent's record is in cache on every path
 * that asks), the table only when the agent has more records than its
 * index holds. book.c keeps both. */
static inline uint32_t ac__alloc_slot(const ac_core *c, uint32_t f, uint32_t a)
{
	const agent *A = AGENT(c, a);
	for (uint32_t i = 0; i < A->nindex; i++)
		if (A->index[i].fw == f)
			return A->index[i].rec;
	if (!A->nspill)
		return 0;
	const uint32_t *v = ac__hmap_get(&c->alloc_map, ac__pair_key(f, a));
	return v ? *v : 0;
}

/* The allocation records on agent a one by one, 0 at the end: those in
 * its index, then those in the table (listed from allocs_head). *it
 * starts zeroed; nothing may be added or removed meanwhile. */
typedef struct ac__alloc_it {
	uint32_t k, next;
} ac__alloc_it;
static inline uint32_t ac__agent_allocs_next(const ac_core *c, uint32_t a, ac__alloc_it *it)
{
	const agent *A = AGENT(c, a);
	uint32_t r;
	if (it->k < A->nindex)
		return A->index[it->k++].rec;
	if (it->k == A->nindex) {
		it->k++;
		r = A->allocs_head;
	} else {
		r = it->next;
	}
	if (r)
		it->next = ALLOC(c, r)->ag_next;
	return r;
}

/* The core's scratch array, grown to hold n u32 (at least 1), into *out.
 * 0 or AC_ENOMEM. One user at a time: the sorts of order.c and
 * decline_each in book.c, never nested. */
static inline int ac__scratch(ac_core *c, uint32_t n, uint32_t **out)
{
	if (ac__array_grow((void **)&c->scratch, &c->cap_scratch, n ? n : 1, sizeof *c->scratch))
		return AC_ENOMEM;
	*out = c->scratch;
	return 0;
}

#endif

/*
 * core.h — the private state of an alloccore instance, shared by the files
 * that implement it. Entities live in index-addressed arrays (slots) grown
 * geometrically; handles are (generation << 32 | slot) so stale ones fail.
 *
 * Who owns what: core.c (lifecycle, agents, frameworks, names), roles.c (the
 * role tree and quota bookkeeping), policy.c (sort keys), order.c (sorted
 * client arrays), bag.c (resources held by the core), hmap.c (integer hash
 * map), filters.c (decline filters), book.c (offers and allocations),
 * allocate.c (the allocation pass).
 */
#ifndef ALLOCCORE_CORE_H
#define ALLOCCORE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "alloccore/alloccore.h"
#include "hmap.h"
#include "restext.h"

#define NONE UINT32_MAX

typedef unsigned __int128 u128;

/* Resources held by the core: unreserved scalars inline (the hot part); the
 * rest — unreserved ports and reserved groups — in an extras block `x` of
 * core->xpool (0: none). In an extras block group[0].amount is always zero. */
typedef struct bag {
	ac_vec unres;
	uint32_t x;
} bag;

/* A sort key, snapshotted when a client is (re)positioned in its order. */
typedef struct sortkey {
	uint64_t num;     /* drf: held amount of the dominant kind */
	u128 den;         /* drf: cluster total of that kind x weight */
	uint64_t wide[5]; /* asset: sum of held_k x prod_{j != k} total_j */
	double rnd;       /* random: Efraimidis-Spirakis key */
	double share;     /* drf: num/den, to skip exact compares of far shares */
	uint64_t count;
	int32_t priority;
	uint32_t weight;
} sortkey;

enum client_kind { CL_FW, CL_SELF, CL_SUB };

/* Anything the policy sorts: a framework, a role's virtual leaf (its own
 * frameworks), or a role subtree. */
typedef struct client {
	ac_vec held;     /* offered + allocated scalars, all groups */
	uint64_t count;  /* allocations so far (tie-break) */
	uint32_t weight; /* thousandths */
	int32_t priority;
	const char *name;
	uint8_t kind;
	uint32_t owner;    /* fw slot or role id */
	uint32_t order;    /* order id it is in, or NONE */
	uint64_t name_key; /* first 8 bytes of name, big-endian: fast tie-break */
	uint8_t touched;   /* in core->touched: repositioning deferred */
	uint8_t stale;     /* alone in its order: key refreshed when that ends */
	uint32_t pos_hint; /* where a walk last saw it in its order */
	sortkey key;
} client;

/* A sorted array of client ids (ascending: served first). */
/* A ring: element i is v[(head + i) & (cap - 1)]; cap is a power of two. */
typedef struct order {
	uint32_t *v;
	uint32_t n, cap, head;
} order;

static inline uint32_t ord_get(const order *o, uint32_t i)
{
	return o->v[(o->head + i) & (o->cap - 1)];
}

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
	ac_vec req, kids_req;  /* required headroom (roles.c) */
	uint32_t name_next;    /* hash chain */
} role;

typedef struct agent {
	bag free; /* total - offered - allocated; unreserved scalars may go < 0 */
	uint32_t filter_gen;
	bool inactive; /* deactivated: skipped by allocation */
	bag total;
	uint32_t offers_head, offers_tail;
	uint32_t allocs_head;
	uint32_t noffers;
	char *name;
	char *attrs;
	uint32_t name_next;
	uint64_t tag; /* the caller's (ac_agent_set_tag) */
} agent;

typedef struct fw {
	uint32_t client;
	uint32_t role;
	uint32_t filter_gen;
	ac_time filter_until; /* no filter of this generation lives at or after this */
	/* Bit a set: a filter for agent slot a may live (made since the last
	 * time all of this framework's filters were dead). A clear bit spares
	 * filter_match the table lookup, which misses the cache when the table
	 * is large; a set one only sends it to the table. */
	uint64_t *fbits;
	uint32_t fbits_words;
	bool active, suppressed;
	ac_vec offered, allocated;
	uint32_t noffers; /* outstanding; the offers themselves are found by a scan */
	uint32_t allocs_head;
	char *name;
	uint32_t name_next;
	uint64_t tag; /* the caller's (ac_fw_set_tag) */
} fw;

/* Offers are linked per agent only: answering or dropping one then touches
 * its agent's few offers, not neighbours spread over memory in per-framework
 * and global lists. Rare questions (a framework's offers, timeouts) scan the
 * pool and order by serial. */
typedef struct offer {
	uint32_t fw, agent;
	ac_time created;
	uint64_t pass;
	uint64_t serial;    /* creation order */
	uint64_t agent_tag; /* a copy of its agent's tag (ac_agent_set_tag keeps it current) */
	bag res;
	uint32_t ag_prev, ag_next;
} offer;

typedef struct alloc {
	uint32_t fw, agent;
	bag res;
	uint32_t fw_prev, fw_next, ag_prev, ag_next;
} alloc;

typedef struct filter {
	uint32_t next;
	uint32_t fw_gen, ag_gen;
	ac_time expiry;
	bag refused;
} filter;

/* A growable array of items with a free list threaded through freed slots.
 * Slot 0 is never handed out, so 0 can mean "none". gens[slot] is odd while
 * the slot is in use and changes on every allocation and release, so handles
 * (gen << 32 | slot) go stale. Growing moves the items: never hold a pointer
 * into a pool across an allocation from that same pool. */
typedef struct pool {
	char *base;
	uint32_t *gens;
	/* Free slots, last released on top. A stack rather than a list
	 * threaded through the slots: taking one then reads this array, not
	 * a slot that has left the cache. Room for cap entries, always. */
	uint32_t *freev;
	uint32_t size, n, cap, nfree, live;
} pool;

struct ac_core {
	ac_config cfg;
	ac_hooks hooks;
	const struct policy *policy;
	ac_minalloc minalloc;
	ac_time now;
	uint64_t rng[4];

	/* names */
	char *kind_names[AC_KINDS];
	int nkinds;

	/* entities */
	pool agents, fws, offers, allocs, filters, xpool, clients;
	role *roles;
	uint32_t nroles, cap_roles;
	order *orders;
	uint32_t norders, cap_orders;
	uint32_t root_order; /* top-level subtrees */
	uint32_t first_top_role;

	/* lookup */
	hmap agent_names, fw_names, role_names; /* name hash -> first slot */
	hmap filter_map;                        /* (fw slot, agent slot) -> filter chain */
	hmap alloc_map;                         /* (fw slot, agent slot) -> alloc slot */

	/* order of addition */
	uint32_t *agent_seq, nagent_seq, cap_agent_seq;
	uint32_t *fw_seq, nfw_seq, cap_fw_seq;

	/* cluster sums */
	ac_vec total; /* all scalars of all agents: the DRF pool */
	ac_vec total_unres;
	ac_vec free_unres_clamped;              /* sum of max(0, free); kept while guarantees exist */
	ac_vec required;                        /* required headroom */
	uint64_t asset_prod[AC_FIXED_KINDS][3]; /* asset: prod of the other totals */
	bool keys_dirty;                        /* totals changed: recompute every key and resort */
	uint32_t nguarantees, nlimits;

	/* offers */
	uint64_t offer_serial;
	ac_time oldest_offer; /* lower bound on the creation time of live offers */

	/* the pass in progress */
	uint32_t epoch;               /* source of filter generations */
	uint32_t filters_after_sweep; /* filter table keys after the last sweep */
	uint32_t nfilters;            /* stored filters, live or not yet reclaimed */
	uint64_t pass;                /* increments per pass */
	uint32_t *touched, ntouched, cap_touched;
	uint32_t *pass_offers, npass_offers, cap_pass_offers;
	uint32_t *pass_agents, cap_pass_agents;
	uint32_t *scratch, cap_scratch;
	ac_resources view_buf;

	ac_counters counters;
};

/* ---- pool.c-like helpers (core.c) ---- */
int pool_init(pool *p, uint32_t size);
void pool_fini(pool *p);
/* Returns a zeroed slot >= 1, or 0 when out of memory. */
uint32_t pool_alloc(pool *p);
void pool_release(pool *p, uint32_t slot);
static inline void *pool_at(const pool *p, uint32_t slot)
{
	return p->base + (size_t)slot * p->size;
}
#define AGENT(c, i)  ((agent *)pool_at(&(c)->agents, (i)))
#define FW(c, i)     ((fw *)pool_at(&(c)->fws, (i)))
#define OFFER(c, i)  ((offer *)pool_at(&(c)->offers, (i)))
#define ALLOC(c, i)  ((alloc *)pool_at(&(c)->allocs, (i)))
#define FILTER(c, i) ((filter *)pool_at(&(c)->filters, (i)))
#define XRES(c, i)   ((ac_resources *)pool_at(&(c)->xpool, (i)))
#define CLIENT(c, i) ((client *)pool_at(&(c)->clients, (i)))
#define ROLE(c, i)   (&(c)->roles[(i)])
static inline bool pool_live(const pool *p, uint32_t slot)
{
	return slot > 0 && slot < p->n && (p->gens[slot] & 1);
}

static inline uint64_t handle_make(uint32_t gen, uint32_t slot)
{
	return (uint64_t)gen << 32 | slot;
}
/* Resolves a handle to a live slot, or 0. */
uint32_t agent_slot(const ac_core *c, ac_agent_id id);
uint32_t fw_slot(const ac_core *c, ac_fw_id id);
uint32_t offer_slot(const ac_core *c, ac_offer_id id);
static inline uint64_t pair_key(uint32_t f, uint32_t a)
{
	return (uint64_t)f << 32 | a;
}
uint64_t name_hash(const char *s, size_t len);
/* Fills the core's scratch array with n u32 (grown as needed); NULL: OOM. */
uint32_t *core_scratch(ac_core *c, uint32_t n);
int grow_array(void **arr, uint32_t *cap, uint32_t need, size_t elem);

/* Checks a caller-built resource set (core.c). */
int res_check(const ac_core *c, const ac_resources *r, const char *what, ac_err *err);

/* ---- bag.c ---- */
void bag_to_res(const ac_core *c, const bag *b, ac_resources *out);
/* Replaces *b (freeing its extras) with r. AC_ENOMEM on failure, b unchanged. */
int bag_set(ac_core *c, bag *b, const ac_resources *r);
void bag_clear(ac_core *c, bag *b);
void bag_scalars(const ac_core *c, const bag *b, ac_vec *out);
uint64_t bag_ports(const ac_core *c, const bag *b);
bool bag_empty(const ac_core *c, const bag *b);
/* true when bag a holds all of (unres, x): x may be NULL (no extras). */
bool bag_contains_x(const ac_core *c, const bag *a, const ac_resources *x);
static inline bool bag_contains(const ac_core *c, const bag *a, const ac_vec *unres, const ac_resources *x)
{
	return ac_vec_fits(unres, &a->unres) && (!x || bag_contains_x(c, a, x));
}
static inline const ac_resources *bag_x(const ac_core *c, const bag *b)
{
	return b->x ? XRES(c, b->x) : NULL;
}

/* ---- roles.c ---- */
int64_t role_get(ac_core *c, const char *name, size_t len, ac_err *err);
bool role_is_ancestor_or_self(const ac_core *c, uint32_t anc, uint32_t r);
/* Eligible-framework counts changed by delta for role r (and up). */
void role_eligible_change(ac_core *c, uint32_t r, int delta);
/* Quota: consumption of role r changed; refresh required headroom up the path. */
void role_quota_refresh(ac_core *c, uint32_t r);
void role_quota_refresh_all(ac_core *c);
void role_limit_room(const ac_core *c, uint32_t r, ac_vec *room);
void role_guarantee_room(const ac_core *c, uint32_t r, ac_vec *room);
void role_reserved_change(ac_core *c, const ac_resources *x, int sign);
void roles_fini(ac_core *c);
uint32_t client_new(ac_core *c, enum client_kind kind, uint32_t owner, const char *name, uint32_t weight);
uint32_t order_new(ac_core *c);
int weight_from_double(double w, uint32_t *out, ac_err *err);

/* ---- policy.c ---- */
struct policy {
	const char *name;
	void (*key)(const ac_core *c, const client *cl, sortkey *k);
	int (*cmp)(const ac_core *c, const sortkey *a, const sortkey *b);
	bool per_agent_shuffle;
};
const struct policy *policy_find(const char *name);
void policy_totals_changed(ac_core *c);
int client_cmp(const ac_core *c, uint32_t a, uint32_t b);
double share_of(const ac_core *c, const ac_vec *held);

/* ---- order.c ---- */
void order_insert(ac_core *c, uint32_t o, uint32_t cl);
void order_remove(ac_core *c, uint32_t cl);
/* The client's held or count changed: move it to its place now, or at the
 * end of the agent turn in progress. */
void client_changed(ac_core *c, uint32_t cl);
void order_flush_touched(ac_core *c);
/* Recompute every key and sort every order (totals changed, random policy). */
/* draw: the random policy draws new keys (once per agent turn). */
void orders_resort(ac_core *c, bool draw);
void orders_fini(ac_core *c);

/* ---- filters.c ---- */
/* Frees a framework's filter bitmap (on removal); its size in bytes. */
void filter_fw_free(ac_core *c, uint32_t fws);
size_t filter_fw_bytes(const ac_core *c, uint32_t fws);
bool filter_match(const ac_core *c, uint32_t fws, uint32_t ags, ac_time now, const ac_vec *unres,
                  const ac_resources *x);
int filter_add(ac_core *c, uint32_t fws, uint32_t ags, ac_time now, ac_time life, const ac_resources *refused);
int filters_init(ac_core *c);

/* ---- book.c ---- */
/* Charges (sign +1) or releases (-1) held resources of framework f. */
void held_change(ac_core *c, uint32_t f, const ac_vec *scalars, const ac_vec *unres, int sign);
void agent_free_change(ac_core *c, uint32_t a, const ac_vec *delta, int sign);
uint32_t offer_new(ac_core *c, uint32_t f, uint32_t a, ac_time now);
/* Takes an offer back (rescind or answer): unlinks it, frees its resources on
 * the agent and the framework's share; calls the rescind hook when why >= 0. */
void offer_drop(ac_core *c, uint32_t o, int why);
void offers_drop_of_agent(ac_core *c, uint32_t a, int why);
void offers_drop_of_fw(ac_core *c, uint32_t f, int why);
void allocs_drop_of_agent(ac_core *c, uint32_t a);
void allocs_drop_of_fw(ac_core *c, uint32_t f);
void offer_view(ac_core *c, uint32_t o, ac_offer_view *v);
void offer_grow(ac_core *c, uint32_t o, const ac_vec *unres, const ac_resources *x, bool whole);

/* ---- allocate.c ---- */
void rng_seed(uint64_t s[4], uint64_t seed);
uint64_t rng_next(uint64_t s[4]);

#endif

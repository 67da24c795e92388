/*
 * alloccore/alloccore.h — Meso's allocator core: the one place where resource
 * offers are decided. The simulator and the live master both call it.
 *
 * No I/O, no threads, no globals, no clock: every call that depends on time
 * takes `now` from the caller, in nanoseconds (ac_time). The same calls with
 * the same seed give the same offers, byte for byte. Functions that can fail
 * return 0 or a negative AC_E* code and, when `err` is not NULL, a message in
 * it; on failure nothing has changed.
 */
#ifndef ALLOCCORE_ALLOCCORE_H
#define ALLOCCORE_ALLOCCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloccore/resources.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ basics */

typedef int64_t ac_time; /* nanoseconds, on the caller's clock */
#define AC_SECOND ((ac_time)1000000000)

enum {
	AC_OK = 0,
	AC_EINVAL = -1, /* malformed or out-of-range argument */
	AC_ENOENT = -2, /* unknown agent, framework, role or offer */
	AC_EEXIST = -3, /* name already in use */
	AC_ERANGE = -4, /* amount too large, negative or not a number */
	AC_ENOSPC = -5, /* fixed capacity exceeded (groups, ranges, kinds) */
	AC_ENOMEM = -6, /* out of memory */
	AC_ESTATE = -7, /* not allowed now (e.g. time going backwards) */
};

typedef struct ac_err {
	int code;
	char msg[240];
} ac_err;

/* Static text for an AC_E* code. */
const char *ac_strerror(int code);

/* Handles. Never 0; never reused, so a stale handle is reported as unknown. */
typedef uint64_t ac_agent_id;
typedef uint64_t ac_fw_id;
typedef uint64_t ac_offer_id;

typedef struct ac_core ac_core;

/* How one allocation pass orders the agents it visits. */
typedef enum ac_agent_order {
	AC_ORDER_SHUFFLE = 0, /* seeded shuffle per stage (Mesos; default) */
	AC_ORDER_ADDED = 1,   /* the order agents were added: for tests */
} ac_agent_order;

struct ac_policy;
typedef struct ac_config {
	const char *policy; /* "drf" (default), "priority", "asset", "random" */
	/* Non-NULL: this policy instead (policy.h). The core copies it and
	 * owns its state from then on, even when creation fails. */
	const struct ac_policy *policy_impl;
	uint64_t seed;
	ac_time allocation_interval; /* 0: the default, 1 s; the shortest filter life */
	ac_time offer_timeout;       /* 0: offers never time out (default) */
	/* Offers below this are not made. NULL: "cpus:0.01|mem:32" (Mesos);
	 * "": anything non-empty. Sets separated by '|', any one suffices.
	 * Scalars only (Mesos also counts ports). */
	const char *min_allocatable;
	ac_agent_order agent_order;
} ac_config;

/* A read-only view of an offer, passed to the hooks. `resources` stays valid
 * only during the call. */
typedef struct ac_offer_view {
	ac_offer_id id;
	ac_fw_id fw;
	ac_agent_id agent;
	const ac_resources *resources;
	ac_vec scalars;             /* every group's scalars summed (what DRF counts) */
	uint64_t fw_tag, agent_tag; /* the callers' own tags (ac_fw_set_tag, ac_agent_set_tag) */
} ac_offer_view;

/* The offers one allocation pass made to one framework, all at once (Mesos's
 * OFFERS event), as arrays: entry i is one offer, on one agent. A batch lives
 * until each of its offers is answered or rescinded; its arrays stay valid
 * until the next call that answers or rescinds an offer of it (fetch the
 * view again with ac_batch_view_get). Answered and rescinded offers keep
 * their entry, with live[i] == 0. */
typedef uint64_t ac_batch_id;
typedef struct ac_batch_view {
	ac_batch_id id;
	ac_fw_id fw;
	uint64_t fw_tag;
	ac_time created;
	size_t n;                  /* offers made (entries) */
	size_t live_count;         /* of them still outstanding */
	const uint8_t *live;       /* live[i]: offer i is outstanding */
	const uint64_t *agent_tag; /* its agent's tag (ac_agent_set_tag) */
	/* Its scalars, every group summed: read them with ac_batch_scalars
	 * or ac_batch_scalar (below). The core keeps the four fixed kinds
	 * apart from the others, which a core that never saw a fifth kind
	 * does not keep at all. */
	const int64_t *scalars_lo; /* kinds 0..3 of offer i at scalars_lo[i * lo_stride] */
	const int64_t *scalars_hi; /* kinds 4..7 at scalars_hi[i * hi_stride], or NULL: zero */
	size_t lo_stride, hi_stride;
	bool extras; /* some offer holds ports or reserved resources (in full: ac_offer_info_get) */
} ac_batch_view;

/* Offer i's amount of scalar kind k (0 <= k < AC_KINDS), every group
 * summed. */
static inline int64_t ac_batch_scalar(const ac_batch_view *v, size_t i, int k)
{
	if (k < AC_FIXED_KINDS)
		return v->scalars_lo[i * v->lo_stride + (size_t)k];
	return v->scalars_hi ? v->scalars_hi[i * v->hi_stride + (size_t)(k - AC_FIXED_KINDS)] : 0;
}

/* Offer i's scalars, every group summed. */
static inline ac_vec ac_batch_scalars(const ac_batch_view *v, size_t i)
{
	ac_vec s;
	for (int k = 0; k < AC_KINDS; k++)
		s.v[k] = ac_batch_scalar(v, i, k);
	return s;
}

/* Offer i of a batch has this id: it names the offer to every call that takes
 * offer ids (a caller may mix both ways of answering). Ids stay opaque: this
 * is the one way to make them. */
#define AC_BATCH_ENTRY_BITS 24
static inline ac_offer_id ac_batch_offer_id(ac_batch_id batch, size_t i)
{
	return batch << AC_BATCH_ENTRY_BITS | (ac_offer_id)i;
}

typedef enum ac_rescind_reason {
	AC_RESCIND_TIMEOUT,
	AC_RESCIND_AGENT_REMOVED,
	AC_RESCIND_AGENT_UPDATED,
	AC_RESCIND_FW_REMOVED,
	AC_RESCIND_FW_DEACTIVATED,
	AC_RESCIND_AGENT_DEACTIVATED,
} ac_rescind_reason;

/* Callbacks into the caller. `offer` runs at the end of an allocation pass,
 * once per offer made, in the order made. `rescind` runs when the core takes
 * an outstanding offer back; its resources are free again, with no filter.
 * Hooks must not call back into the core. Either may be NULL. */
typedef struct ac_hooks {
	void (*offer)(void *ud, const ac_offer_view *offer);
	void (*rescind)(void *ud, const ac_offer_view *offer, ac_rescind_reason why);
	void *ud;
} ac_hooks;

/* Fills cfg with the defaults. */
void ac_config_default(ac_config *cfg);
/* Creates a core. cfg may be NULL (defaults); hooks may be NULL. */
int ac_core_create(const ac_config *cfg, const ac_hooks *hooks, ac_core **out, ac_err *err);
void ac_core_destroy(ac_core *core);
/* The bulk offer hook: runs at the end of an allocation pass, after the
 * `offer` hook's calls, once per framework the pass made offers to, in the
 * order of each framework's first offer, with the same offers as one batch
 * (a caller usually uses one of the two; with no `offer` hook, the pass
 * keeps no per-offer list for it). It must not call back into the core.
 * fn NULL removes it. */
typedef void (*ac_batch_hook)(void *ud, const ac_batch_view *batch);
void ac_core_set_batch_hook(ac_core *core, ac_batch_hook fn, void *ud);
/* Changes the offer timeout (0: never) or the allocation interval (> 0). */
int ac_core_set_offer_timeout(ac_core *core, ac_time timeout, ac_err *err);
int ac_core_set_interval(ac_core *core, ac_time interval, ac_err *err);
/* Replaces the minimum allocatable sets (same syntax as in ac_config). */
int ac_core_set_min_allocatable(ac_core *core, const char *text, ac_err *err);
/* Name of the policy in use. */
const char *ac_core_policy(const ac_core *core);

/* ------------------------------------------------------- resource text I/O */

/* Parses Mesos's resource text: "cpus:2;mem:1024;cpus(role1):1;ports:[31000-32000]".
 * Scalars take up to three decimals (more are rounded, as Mesos does); names
 * other than cpus, mem, disk, gpus register a new scalar kind (at most
 * AC_KINDS in all); a role in parentheses reserves the entry for that role
 * ("*" is unreserved). An empty string is the empty set. */
int ac_resources_parse(ac_core *core, const char *text, ac_resources *out, ac_err *err);
/* Writes the canonical text: unreserved first, then reserved groups by role
 * name; cpus, mem, disk, gpus, other names alphabetically, ports last; at most
 * three decimals, no trailing zeros, zero amounts left out. Returns the length
 * it needed (like snprintf); the empty set is "". */
size_t ac_resources_format(const ac_core *core, const ac_resources *r, char *buf, size_t len);
/* Name of scalar kind k, or NULL when it is not registered. */
const char *ac_kind_name(const ac_core *core, int k);
/* Parses a fixed-point amount ("2", "0.5", "1e3" rejected) into thousandths. */
int ac_amount_parse(const char *text, size_t len, int64_t *out, ac_err *err);

/* ------------------------------------------------------------------ agents */

/* Adds an agent with its total resources. No allocation runs. */
int ac_agent_add(ac_core *core, const char *name, const ac_resources *total, ac_agent_id *out, ac_err *err);
/* Removes an agent: rescinds its offers, drops what frameworks held there
 * and its filters. */
int ac_agent_remove(ac_core *core, ac_agent_id agent, ac_err *err);
/* Replaces the agent's total: rescinds its offers. Unreserved scalars may
 * shrink below what is allocated (nothing more is offered there until enough
 * is recovered); allocated reserved resources and ports must still fit. */
int ac_agent_update(ac_core *core, ac_agent_id agent, const ac_resources *total, ac_err *err);
/* Dynamic reservations: moves `res` (unreserved scalars and ports) into the agent's
 * reservation for `role` (reserve), or out of it back to unreserved
 * (unreserve), in the agent's total and
 *   - fw == 0: in its free set (res must be free there, in the source group);
 *   - fw != 0: in what that framework holds on the agent (res must be held:
 *     Mesos applies RESERVE and UNRESERVE to offered resources, so a caller
 *     accepts the offer first and converts what it then holds).
 * Shares do not move (the same scalars); quota consumption follows the
 * reserved total. Outstanding offers are not touched, nothing is offered.
 * The agent total's reserved groups count static and dynamic reservations
 * alike: telling them apart is the caller's business. Port ranges split
 * and join their neighbours as ports move. */
int ac_agent_reserve(ac_core *core, ac_agent_id agent, ac_fw_id fw, const char *role, const ac_resources *res,
                     ac_err *err);
int ac_agent_unreserve(ac_core *core, ac_agent_id agent, ac_fw_id fw, const char *role, const ac_resources *res,
                       ac_err *err);
/* The same for several roles at once, all or nothing: `res` in reserved
 * form (group 0 empty; each other group, for its role, what moves between
 * unreserved and that role's reservation). Checked as a whole: reserving
 * cpus(a):3;cpus(b):3 needs 6 cpus free. Mesos's RESERVE and UNRESERVE
 * of resources with several reservations. */
int ac_agent_reserve_groups(ac_core *core, ac_agent_id agent, ac_fw_id fw, const ac_resources *res, ac_err *err);
int ac_agent_unreserve_groups(ac_core *core, ac_agent_id agent, ac_fw_id fw, const ac_resources *res, ac_err *err);
/* Reservation refinement (Mesos's reservation stacks): moves `res`
 * (unreserved scalars and ports in form) from the agent's reservation for `from` to
 * its reservation for `to`, where one of the two is a strict subrole of the
 * other: `to` below `from` refines a reservation (Mesos's RESERVE that
 * pushes a subrole onto reserved resources), `to` above `from` undoes a
 * refinement (UNRESERVE, back to the reservation below it). NULL or "*" is
 * unreserved, above every role: ac_agent_reserve is (NULL -> role),
 * ac_agent_unreserve (role -> NULL). fw as for those; which reservation a
 * refined one came from is the caller's record (the core keeps one group
 * per role). */
int ac_agent_move_reservation(ac_core *core, ac_agent_id agent, ac_fw_id fw, const char *from, const char *to,
                              const ac_resources *res, ac_err *err);
/* Deactivate: rescinds the agent's offers and makes no new ones there until
 * it is activated again; what frameworks hold there stays (Mesos does this
 * while an agent is disconnected). Both are idempotent. */
int ac_agent_deactivate(ac_core *core, ac_agent_id agent, ac_err *err);
int ac_agent_activate(ac_core *core, ac_agent_id agent, ac_err *err);
/* Sets free-form attributes ("rack:r1;zone:2"); a change drops the agent's
 * filters, as in Mesos. The core does not interpret them. */
int ac_agent_set_attributes(ac_core *core, ac_agent_id agent, const char *attributes, ac_err *err);
/* Attaches a number of the caller's own (an index, say; 0 by default) to the
 * agent; offer views carry it, so a hook needs no lookup by handle. */
int ac_agent_set_tag(ac_core *core, ac_agent_id agent, uint64_t tag, ac_err *err);
/* Handle of the agent with that name, or 0. */
ac_agent_id ac_agent_find(const ac_core *core, const char *name);

typedef struct ac_agent_info {
	const char *name;
	const char *attributes;
	ac_resources total;
	ac_resources free; /* total - offered - allocated, never negative */
	uint32_t offers;   /* outstanding */
	bool active;       /* false while deactivated */
} ac_agent_info;
int ac_agent_info_get(const ac_core *core, ac_agent_id agent, ac_agent_info *out, ac_err *err);
/* Iterates agents in the order added: start with *cursor = 0; returns 0 at
 * the end. */
ac_agent_id ac_agent_next(const ac_core *core, size_t *cursor);
size_t ac_agent_count(const ac_core *core);

/* -------------------------------------------------------------- frameworks */

typedef struct ac_fw_opts {
	const char *role; /* NULL: "*" */
	double weight;    /* 0: 1.0. Divides the framework's share within its role */
	int32_t priority; /* "priority" policy: higher first */
} ac_fw_opts;

/* Adds an active, unsuppressed framework. No allocation runs. */
int ac_fw_add(ac_core *core, const char *name, const ac_fw_opts *opts, ac_fw_id *out, ac_err *err);
/* Removes it: rescinds its offers, frees what it held, drops its filters. */
int ac_fw_remove(ac_core *core, ac_fw_id fw, ac_err *err);
/* Deactivate: rescinds its offers and drops its filters; it keeps what it
 * holds and gets no offers until activated. Suppression survives both. */
int ac_fw_deactivate(ac_core *core, ac_fw_id fw, ac_err *err);
int ac_fw_activate(ac_core *core, ac_fw_id fw, ac_err *err);
/* Suppress: no new offers; outstanding ones stay. Revive: drops all of the
 * framework's filters at once (O(1)) and ends suppression. */
int ac_fw_suppress(ac_core *core, ac_fw_id fw, ac_err *err);
int ac_fw_revive(ac_core *core, ac_fw_id fw, ac_err *err);
int ac_fw_set_weight(ac_core *core, ac_fw_id fw, double weight, ac_err *err);
/* Replaces the framework's priority (ac_fw_opts.priority). */
int ac_fw_set_priority(ac_core *core, ac_fw_id fw, int32_t priority, ac_err *err);
/* As ac_agent_set_tag, for a framework. */
int ac_fw_set_tag(ac_core *core, ac_fw_id fw, uint64_t tag, ac_err *err);
ac_fw_id ac_fw_find(const ac_core *core, const char *name);

typedef struct ac_fw_info {
	const char *name;
	const char *role;
	double weight;
	int32_t priority;
	bool active, suppressed;
	ac_vec allocated;      /* scalars of accepted resources, all groups */
	ac_vec offered;        /* scalars in outstanding offers */
	double dominant_share; /* max over kinds of (allocated+offered)/total */
	uint64_t allocations;  /* offers received: the tie-break counter */
} ac_fw_info;
int ac_fw_info_get(const ac_core *core, ac_fw_id fw, ac_fw_info *out, ac_err *err);
/* Iterates frameworks in the order added; see ac_agent_next. */
ac_fw_id ac_fw_next(const ac_core *core, size_t *cursor);
size_t ac_fw_count(const ac_core *core);

/* ------------------------------------------------- multi-role frameworks */

/* A framework subscribed to several roles (Mesos's MULTI_ROLE capability).
 * Each of its roles is a core framework of its own (an ac_fw_id, in that
 * role's order, as Mesos puts a framework in each of its roles' sorters):
 * offers are made to a role's framework, so an offer is for one role, and
 * what is accepted from it is held in that role. The calls on ac_fw_id
 * (accepting, declining, recovering, tags, priority, demand, info) work on a
 * role's framework;
 * adding, removing, (de)activating and suppressing them goes through the
 * calls below. A framework with one role is exactly the one ac_fw_add makes.
 *
 * Naming: the first core framework made for the framework is named `name`,
 * every later one `name#ROLE` (names are unique in a core: AC_EEXIST).
 *
 * Dropping a role (ac_mfw_update) that still holds resources follows Mesos:
 * the role is *removing* — its offers are rescinded, it gets no new ones,
 * and what it holds stays charged to it (its share, its role's quota) until
 * it is recovered; then its core framework goes. Naming the role again
 * makes it subscribed again. */
typedef uint64_t ac_mfw_id;

/* Adds a framework subscribed to roles[0..n) (distinct role names; n may be
 * 0 for one known only from what it holds, see ac_mfw_restore), active, not
 * suppressed, with the weight and priority of opts (opts->role is ignored;
 * opts may be NULL). No allocation runs. */
int ac_mfw_add(ac_core *core, const char *name, const char *const *roles, size_t n, const ac_fw_opts *opts,
               ac_mfw_id *out, ac_err *err);
/* Removes it and every role's core framework (ac_fw_remove of each). */
int ac_mfw_remove(ac_core *core, ac_mfw_id mfw, ac_err *err);
/* Sets the subscribed roles to roles[0..n) (n >= 1, distinct), in that
 * order: a new role gets a core framework (active when the framework is,
 * with its tag), a removing one named again is subscribed again, a dropped
 * one goes (holding nothing) or is removing (see above). All or nothing. */
int ac_mfw_update(ac_core *core, ac_mfw_id mfw, const char *const *roles, size_t n, ac_err *err);
/* Deactivate (every role: offers rescinded, filters dropped, holdings stay)
 * and activate (the subscribed roles) as ac_fw_deactivate/ac_fw_activate. */
int ac_mfw_deactivate(ac_core *core, ac_mfw_id mfw, ac_err *err);
int ac_mfw_activate(ac_core *core, ac_mfw_id mfw, ac_err *err);
/* Suppress or revive the named subscribed roles (n == 0: every one), as
 * ac_fw_suppress/ac_fw_revive. A name that is not a subscribed role is
 * AC_ENOENT and nothing changes (Mesos drops such a call whole). */
int ac_mfw_suppress(ac_core *core, ac_mfw_id mfw, const char *const *roles, size_t n, ac_err *err);
int ac_mfw_revive(ac_core *core, ac_mfw_id mfw, const char *const *roles, size_t n, ac_err *err);
/* Sets the caller's tag on every role's core framework, and on later ones. */
int ac_mfw_set_tag(ac_core *core, ac_mfw_id mfw, uint64_t tag, ac_err *err);
/* As ac_recover for the role's core framework `fw`; when that role is
 * removing and now holds nothing, its core framework goes (*gone = true;
 * gone may be NULL). Works on any framework (a plain one is ac_recover). */
int ac_mfw_recover(ac_core *core, ac_fw_id fw, ac_agent_id agent, const ac_resources *res, bool *gone, ac_err *err);
/* Removes the framework's removing roles that hold nothing any more (after
 * ac_agent_remove took what they held, say). Returns how many went. */
int ac_mfw_prune(ac_core *core, ac_mfw_id mfw, ac_err *err);
/* As ac_allocation_restore, into the role `role` of the framework: a role
 * it does not have is added as removing (what a re-registering agent
 * reports for a role the framework has not subscribed to stays charged to
 * that role, as in Mesos). The role's core framework into *fw (may be NULL). */
int ac_mfw_restore(ac_core *core, ac_mfw_id mfw, const char *role, ac_agent_id agent, const ac_resources *res,
                   ac_fw_id *fw, ac_err *err);

typedef struct ac_mfw_info {
	const char *name;
	uint64_t tag;
	bool active;
	size_t nroles;    /* subscribed */
	size_t nremoving; /* dropped, still holding */
} ac_mfw_info;
int ac_mfw_info_get(const ac_core *core, ac_mfw_id mfw, ac_mfw_info *out, ac_err *err);
/* Role i of the framework: 0 .. nroles-1 the subscribed ones in their
 * order, then the removing ones. Its core framework into *fw (may be NULL);
 * *removing (may be NULL) tells which kind. The name, or NULL past the end. */
const char *ac_mfw_role_at(const ac_core *core, ac_mfw_id mfw, size_t i, ac_fw_id *fw, bool *removing);
/* The core framework of the framework's role `role` (subscribed or
 * removing), or 0. */
ac_fw_id ac_mfw_role_fw(const ac_core *core, ac_mfw_id mfw, const char *role);
/* The multi-role framework a core framework belongs to (0: none) and its
 * role's name into *role (may be NULL; valid while the role is). */
ac_mfw_id ac_mfw_of(const ac_core *core, ac_fw_id fw, const char **role);

/* ------------------------------------------------------------------- roles */

/* Roles are paths ("a", "a/b/c"; "*" is the default role and has no
 * children). A role exists once named by a framework, a reservation, a weight
 * or a quota. Returns its id (> 0), or a negative AC_E* code for a malformed
 * name ("", "/a", "a//b", "a/", "*" inside a path, spaces or control bytes). */
int64_t ac_role_intern(ac_core *core, const char *role, ac_err *err);
/* Name of a role id, or NULL. Id 0 is "*"'s unreserved pseudo-role. */
const char *ac_role_name(const ac_core *core, uint32_t role);

/* Weighted DRF: a role subtree's share is divided by its weight (> 0). */
int ac_role_set_weight(ac_core *core, const char *role, double weight, ac_err *err);

/* Quota on unreserved scalars. guarantee: offered before fair sharing (absent
 * kinds mean 0). limit: never exceeded; only kinds in limit_mask are limited
 * (bit k for kind k), and a limited kind may be 0. Replaces the role's whole
 * quota. A parent's consumption includes its descendants'. */
typedef struct ac_quota {
	ac_vec guarantee;
	ac_vec limit;
	uint32_t limit_mask;
} ac_quota;
int ac_role_set_quota(ac_core *core, const char *role, const ac_quota *quota, ac_err *err);
/* Parses guarantee and limit texts (either may be NULL) into a quota. Both
 * take unreserved scalars only ("cpus:10;mem:2048"). */
int ac_quota_parse(ac_core *core, const char *guarantee, const char *limit, ac_quota *out, ac_err *err);

typedef struct ac_role_info {
	const char *name;
	double weight;
	ac_quota quota;
	ac_vec allocated;      /* subtree: accepted scalars */
	ac_vec offered;        /* subtree: scalars in outstanding offers */
	ac_vec reserved;       /* subtree: reserved on agents, used or not */
	ac_vec consumed;       /* quota consumption: reserved + unreserved held */
	double dominant_share; /* subtree's, unweighted */
	uint32_t frameworks;   /* directly in this role */
} ac_role_info;
int ac_role_info_get(const ac_core *core, const char *role, ac_role_info *out, ac_err *err);

/* -------------------------------------------------------------- allocation */

/* One allocation pass over every agent at time `now` (stage 1: quota
 * guarantees; stage 2: fair sharing). Calls hooks->offer for each offer made.
 * Returns the number of offers made, or a negative AC_E* code. The one
 * exception to "nothing has changed": out of memory midway (AC_ENOMEM), the
 * offers made before stand, reported to the hooks as usual, and the
 * message says how many. */
int ac_allocate(ac_core *core, ac_time now, ac_err *err);
/* The same pass over one agent only (event-driven allocation). */
int ac_allocate_agent(ac_core *core, ac_agent_id agent, ac_time now, ac_err *err);
/* The same pass over the n agents named in ids (a candidate set, as Mesos
 * batches event-driven runs: an agent named twice has one turn; the pass
 * starts from the order given). An unknown id is AC_ENOENT and nothing
 * is allocated. n = 0 is an empty pass. */
int ac_allocate_agents(ac_core *core, const ac_agent_id *ids, size_t n, ac_time now, ac_err *err);
/* Moves the clock: rescinds offers that have reached the offer timeout.
 * Filters expire lazily. Time never goes backwards (AC_ESTATE). Returns the
 * number of offers rescinded. */
int ac_advance(ac_core *core, ac_time now, ac_err *err);

/* ------------------------------------------------------------------ offers */

/* Mesos's refuse_seconds: NaN or negative gives the 5 s default, more than
 * 365 days is clamped, and 0 means no filter. */
ac_time ac_refuse_from_seconds(double seconds);
#define AC_REFUSE_DEFAULT (5 * AC_SECOND)
#define AC_REFUSE_MAX     ((ac_time)365 * 24 * 3600 * AC_SECOND)

/* Accepts offers (all of one framework, on one agent, each once): `used`
 * becomes allocated to the framework; the rest is declined with a filter
 * lasting max(refuse, allocation interval) (refuse 0: no filter; negative
 * is an error). Up to 64 offers per call; one filter covers their sum. */
int ac_offers_accept(ac_core *core, const ac_offer_id *ids, size_t n, const ac_resources *used, ac_time refuse,
                     ac_time now, ac_err *err);
/* Declines offers; the whole of them is filtered as above. */
int ac_offers_decline(ac_core *core, const ac_offer_id *ids, size_t n, ac_time refuse, ac_time now, ac_err *err);
/* Declines offers of one framework on any agents, any number of them (as
 * Mesos's DECLINE of many offer ids), each with its own filter as above:
 * the same as declining them one by one, faster. Checked first (each known,
 * once, one framework): nothing changes when one is not, nor when there is
 * no memory for the call's n-slot scratch list (AC_ENOMEM). An offer holding
 * ports that cannot go back into its agent's free set (AC_ENOSPC, see
 * ac_resources) stops the call there; the ones before it stay declined. */
int ac_offers_decline_each(ac_core *core, const ac_offer_id *ids, size_t n, ac_time refuse, ac_time now, ac_err *err);
/* Answers a batch's outstanding offers in one call: each named offer i with
 * `used` is accepted as by ac_offers_accept of that one offer (used becomes
 * the framework's, the rest is declined with a filter); a named offer with
 * used NULL stays outstanding; every other outstanding offer of the batch is
 * declined, each with its own filter, as by ac_offers_decline_each. Accepts
 * go first, in the order named, then declines in batch order. Checked first
 * (each named offer outstanding, named once, used within it): nothing
 * changes when one is not. As with ac_offers_decline_each, an offer whose
 * ports cannot go back into its agent's free set (AC_ENOSPC), or no memory
 * to record an allocation, stops the call there. Returns the number of
 * offers answered. */
typedef struct ac_batch_answer {
	size_t index;             /* offer of the batch */
	const ac_resources *used; /* accepted, using this; NULL: left outstanding */
} ac_batch_answer;
int ac_batch_settle(ac_core *core, ac_batch_id batch, const ac_batch_answer *answers, size_t n, ac_time refuse,
                    ac_time now, ac_err *err);
/* The batch as it stands (AC_ENOENT once every offer of it is answered or
 * rescinded). */
int ac_batch_view_get(const ac_core *core, ac_batch_id batch, ac_batch_view *out, ac_err *err);

/* Resources a framework held on an agent are free again (a task ended). */
int ac_recover(ac_core *core, ac_fw_id fw, ac_agent_id agent, const ac_resources *res, ac_err *err);
/* Charges resources already in use on an agent to a framework, without an
 * offer (an agent or framework re-registering with running tasks). */
int ac_allocation_restore(ac_core *core, ac_fw_id fw, ac_agent_id agent, const ac_resources *res, ac_err *err);

typedef struct ac_offer_info {
	ac_fw_id fw;
	ac_agent_id agent;
	ac_time created;
	ac_resources resources;
} ac_offer_info;
int ac_offer_info_get(const ac_core *core, ac_offer_id id, ac_offer_info *out, ac_err *err);
/* Writes up to cap ids of the outstanding offers of fw (on `agent`, or on
 * every agent when agent is 0), oldest first; returns how many there are. */
size_t ac_offers_of(const ac_core *core, ac_fw_id fw, ac_agent_id agent, ac_offer_id *out, size_t cap);
/* What fw holds (accepted, not recovered) on agent; empty if nothing. */
int ac_allocation_get(const ac_core *core, ac_fw_id fw, ac_agent_id agent, ac_resources *out, ac_err *err);

/* ---------------------------------------------------------- introspection */

typedef struct ac_counters {
	uint64_t passes; /* ac_allocate and ac_allocate_agent calls */
	uint64_t offers_made;
	uint64_t offers_accepted;
	uint64_t offers_declined;
	uint64_t offers_rescinded;
	uint64_t filtered_skips;  /* framework skipped on an agent by a filter */
	uint64_t filters_created; /* not counting those a suppressed framework's answers would make (see filters.c) */
	uint64_t filters_active;  /* an upper bound: expired ones go lazily */
	uint64_t outstanding_offers;
	/* Ports that could not be returned to an agent's free set because it
	 * would need more than AC_MAX_RANGES ranges (should stay 0). */
	uint64_t ports_unstored;
} ac_counters;
void ac_counters_get(const ac_core *core, ac_counters *out);
/* Sum of all agents' totals (the DRF pool). */
void ac_cluster_total(const ac_core *core, ac_vec *out);
/* Bytes the core holds, by part (for memory accounting in benchmarks). */
size_t ac_core_memory(const ac_core *core);

#ifdef __cplusplus
}
#endif
#endif

/*
 * alloccore/policy.h — the allocation policy API: how a policy, built in or
 * loaded from a module, tells the core who is offered what. A policy is a
 * struct of callbacks and a private state pointer (ac_policy); the core
 * calls it at three levels, as Mesos does with its Sorter and Allocator:
 *
 *   (a) order:   key() and cmp() sort roles and frameworks (the Sorter);
 *   (b) pick:    optionally, on each agent's turn, which of the frameworks
 *                the order put first gets the agent, and how much of it;
 *   (c) preempt: optionally, after each pass, ask the caller to take back
 *                resources a framework holds (the caller revokes them:
 *                ac_core_set_preempt_hook).
 *
 * What a policy sees: the sort clients (a framework, a role's own
 * frameworks, a role subtree) with what they hold, their weight, priority
 * and allocation count, a framework's demand when its caller declares one
 * (ac_fw_set_demand), the cluster totals, the agent of the turn with its
 * free resources, and the time the caller passed in (`now`; a policy reads
 * no clock). Everything a callback receives is valid only during the call.
 * Callbacks must not call functions of alloccore.h that change the core.
 * A policy linked into the program may call its read-only queries on
 * view->core; a module, which links nothing of Meso's (the programs do not
 * export alloccore's symbols), has the view's function pointers.
 *
 * The built-in policies (drf, priority, asset, random) are written against
 * this API (ac_policy_builtin); alloccore/README.md, "Policies", says how
 * the DRF walk keeps its fast paths behind it.
 */
#ifndef ALLOCCORE_POLICY_H
#define ALLOCCORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloccore/alloccore.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Raised whenever a struct of this header or a callback's meaning changes:
 * a policy or module made for another version is refused. */
#define AC_POLICY_API_VERSION 1

/* ----------------------------------------------------------- what it sees */

/* What the caller knows a framework still wants (ac_fw_set_demand). The
 * core only passes it on to the policy; unknown unless declared. */
typedef struct ac_fw_demand {
	uint32_t tasks;    /* tasks waiting to be placed (0: wants nothing now) */
	ac_vec pending;    /* the sum of their requests */
	ac_vec next;       /* the request of the one to place first */
	ac_time remaining; /* declared work left: the shortest waiting job's declared remaining time (0: unknown) */
	ac_time submitted; /* when the oldest waiting task was submitted */
} ac_fw_demand;

/* Declares (d non-NULL) or forgets (NULL) what framework fw wants. The
 * framework's key is recomputed before the next walk. */
int ac_fw_set_demand(ac_core *core, ac_fw_id fw, const ac_fw_demand *d, ac_err *err);

typedef enum ac_client_kind {
	AC_CLIENT_FRAMEWORK = 0,
	AC_CLIENT_ROLE_LEAF = 1, /* a role's own frameworks (the role's virtual leaf, "r/.") */
	AC_CLIENT_ROLE = 2,      /* a role's whole subtree */
} ac_client_kind;

/* A sort client, as the policy sees it. */
typedef struct ac_policy_client {
	ac_vec held;                /* scalars of outstanding offers + accepted resources, all groups */
	uint64_t allocations;       /* offers received so far (the core's tie-break) */
	uint32_t weight;            /* in thousandths (1000 = 1.0) */
	int32_t priority;           /* the framework's (ac_fw_opts); 0 for roles */
	const char *name;           /* the framework's name, or the role's path */
	uint8_t kind;               /* ac_client_kind */
	ac_fw_id fw;                /* AC_CLIENT_FRAMEWORK: the framework; 0 otherwise */
	const ac_fw_demand *demand; /* a framework's declared demand, or NULL */
} ac_policy_client;

/* A client's sort key: the policy's own, filled by key() and compared by
 * cmp(). 64 bytes, any layout the policy likes. */
typedef union ac_policy_key {
	double d[8];
	uint64_t u[8];
	int64_t i[8];
} ac_policy_key;

/* The agent whose turn it is (pick). */
typedef struct ac_policy_agent {
	ac_agent_id id;
	const char *name;
	uint64_t tag;        /* the caller's (ac_agent_set_tag) */
	const ac_vec *free;  /* its free unreserved scalars, none below 0 */
	const ac_vec *total; /* its total, all scalars */
} ac_policy_agent;

/* A framework's allocation on one agent (view->allocations). */
typedef struct ac_policy_alloc {
	ac_agent_id agent;
	uint64_t agent_tag;
	ac_vec scalars; /* accepted, all groups */
} ac_policy_alloc;

/* What every callback receives. The function pointers are the core's: a
 * module calls them without linking alloccore. */
typedef struct ac_policy_view ac_policy_view;
struct ac_policy_view {
	const ac_core *core; /* for the read-only queries of alloccore.h */
	ac_time now;         /* the time of the call in progress */
	const ac_vec *total; /* the cluster's scalars (what shares divide by) */
	int nkinds;          /* scalar kinds registered: v[0..nkinds) */
	bool redraw;         /* key(): the per-turn redraw of AC_POLICY_REDRAW_PER_TURN */
	/* The next draw of the core's seeded generator (the agent shuffle's). */
	uint64_t (*random)(const ac_policy_view *v);
	/* preempt(): the frameworks in the order added (n into *n; the array
	 * is the core's, valid during the call). */
	const ac_policy_client *const *(*frameworks)(const ac_policy_view *v, size_t *n);
	/* preempt(): up to cap of fw's allocations, in no set order; returns
	 * how many there are. */
	size_t (*allocations)(const ac_policy_view *v, ac_fw_id fw, ac_policy_alloc *out, size_t cap);
	/* preempt(): asks the caller to take `amount` (at most what victim
	 * holds there, accepted) back from victim on agent, on behalf of
	 * framework `for_fw` (0: none named). 0, or AC_ENOENT/AC_EINVAL for a
	 * request out of range: the pass then fails with the policy's error. */
	int (*preempt)(const ac_policy_view *v, ac_fw_id victim, ac_agent_id agent, const ac_vec *amount,
	               ac_fw_id for_fw);
	void *core_; /* the core's own */
};

/* ------------------------------------------------------- what it decides */

enum {
	/* key() draws anew (view->redraw) at every agent's turn, as the random
	 * policy does: the orders are sorted again for every agent. */
	AC_POLICY_REDRAW_PER_TURN = 1u << 0,
	/* key() reads the client's demand: the caller should declare demands
	 * (ac_fw_set_demand; ac_core_policy_flags tells it). */
	AC_POLICY_WANTS_DEMAND = 1u << 1,
};

/* The most frameworks pick() is shown at once. */
#define AC_POLICY_PICK_MAX 32

typedef struct ac_policy {
	uint32_t api_version; /* AC_POLICY_API_VERSION */
	const char *name;     /* shown by ac_core_policy; must outlive the policy */
	uint32_t flags;       /* AC_POLICY_* */
	void *state;          /* the policy's own, passed to every callback */

	/* (a) Required. The key of a client, computed whenever what it holds,
	 * its allocation count, weight or demand changed, or the cluster's
	 * totals did. *key holds the client's previous key (zeros the first
	 * time): a policy may keep parts of it. */
	void (*key)(void *state, const ac_policy_view *v, const ac_policy_client *cl, ac_policy_key *key);
	/* Required. < 0: a is served before b; > 0: after; 0: the core breaks
	 * the tie (fewer allocations first, then the smaller name). Must be a
	 * strict weak order over the keys. */
	int (*cmp)(void *state, const ac_policy_key *a, const ac_policy_key *b);
	/* Optional. The cluster's totals changed (every key is then recomputed). */
	void (*totals_changed)(void *state, const ac_policy_view *v);

	/* (b) Optional. On agent a's turn, for one role: fws[0..n) are the
	 * role's frameworks that may take the agent now (not filtered, not yet
	 * given this agent in this turn), in sort order, at most
	 * AC_POLICY_PICK_MAX; *amount is what the next one would be offered
	 * (unreserved scalars, after quota). Return the index of the framework
	 * that gets it, having cut *amount as wished (each kind between 0 and
	 * what it was; ports and reservations for the role go with it whole),
	 * or -1: none, the walk goes to the next role. The core asks again
	 * for what is left. Without pick the first one gets all of it. An
	 * index out of range or an amount beyond the offer fails the pass
	 * (AC_EINVAL, naming the policy). An offer below the minimum
	 * allocatable ends the role's turn. */
	int (*pick)(void *state, const ac_policy_view *v, const ac_policy_agent *a, const ac_policy_client *const *fws,
	            size_t n, ac_vec *amount);

	/* (c) Optional. Runs after every pass (its offers made): the policy may
	 * call v->preempt. */
	void (*preempt)(void *state, const ac_policy_view *v);

	/* Optional. Frees state; the core calls it when it is destroyed (or
	 * when ac_core_create fails), once. */
	void (*destroy)(void *state);
} ac_policy;

/* Fills *out with the built-in policy of that name: "drf", "priority",
 * "asset", "random". AC_ENOENT for another name; AC_ENOMEM. The state it
 * may allocate is freed by its destroy. */
int ac_policy_builtin(const char *name, ac_policy *out, ac_err *err);

/* Checks a policy against this API: version, name and required callbacks.
 * 0 or AC_EINVAL with the reason (both versions named on a mismatch). */
int ac_policy_check(const ac_policy *p, ac_err *err);

/* The policy's flags (AC_POLICY_*), for a caller deciding whether to
 * declare demands. */
uint32_t ac_core_policy_flags(const ac_core *core);

/* -------------------------------------------------------------- preemption */

/* A request of the policy's (c), handed to the caller after the pass. */
typedef struct ac_preempt_request {
	ac_fw_id victim;
	ac_agent_id agent;
	uint64_t victim_tag, agent_tag; /* the caller's tags */
	ac_vec amount;                  /* at least this much should be freed */
	ac_fw_id for_fw;                /* the framework it is for, or 0 */
} ac_preempt_request;

/* Runs at the end of a pass, once per request the policy made, after the
 * offer hooks. The caller revokes what it chooses (kills or checkpoints
 * tasks) and later calls ac_recover for it; it must not call back into the
 * core from the hook. fn NULL: requests are dropped (counted). */
typedef void (*ac_preempt_hook)(void *ud, const ac_preempt_request *req);
void ac_core_set_preempt_hook(ac_core *core, ac_preempt_hook fn, void *ud);

/* ------------------------------------------------------------------ modules */

/* A loadable policy module (a shared object) exports
 *     const ac_policy_module *meso_policy_module(void);
 * returning a static descriptor. The programs' `--policy module:PATH[:ARGS]`
 * loads PATH, refuses a module of another api_version, and calls create
 * with ARGS ("" when absent): a module rejects bad ARGS with a negative
 * AC_E* code and a message in err. */
typedef struct ac_policy_module {
	uint32_t api_version; /* AC_POLICY_API_VERSION when it was built */
	const char *name;
	int (*create)(const char *args, ac_policy *out, ac_err *err);
} ac_policy_module;
#define AC_POLICY_MODULE_SYMBOL "meso_policy_module"
/* Marks the descriptor function exported in a module built with hidden
 * visibility. */
#define AC_POLICY_EXPORT __attribute__((visibility("default")))
/* What a module defines (declared here for its prototype). */
AC_POLICY_EXPORT const ac_policy_module *meso_policy_module(void);

#ifdef __cplusplus
}
#endif
#endif

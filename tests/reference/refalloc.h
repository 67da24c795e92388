/*
 * refalloc.h — a deliberately simple reference allocator with the semantics of
 * alloccore/README.md: plain arrays, everything recomputed from scratch for
 * every decision. The differential test checks the core against it, and the
 * benchmarks use it as the naive baseline.
 *
 * Supports the drf, priority and asset policies, agents visited in the order
 * added, quota, reservations, ports, filters, offer timeouts and hierarchical
 * roles. Agents and frameworks are named by the handle (>= 0) their _add
 * returned; handles are never reused. Every function that can fail returns 0
 * or a negative AC_E* code, and then changes nothing.
 */
#ifndef MESO_TESTS_REFALLOC_H
#define MESO_TESTS_REFALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "alloccore/alloccore.h"

typedef struct ref_alloc ref_alloc;

typedef struct ref_config {
	const char *policy;          /* "drf" (NULL), "priority" or "asset" */
	ac_time allocation_interval; /* 0: 1 s; the shortest filter life */
	ac_time offer_timeout;       /* 0: offers never time out */
	const char *min_allocatable; /* NULL: "cpus:0.01|mem:32"; "": anything non-empty */
} ref_config;

typedef enum ref_event_kind { REF_OFFER, REF_RESCIND } ref_event_kind;

/* An offer made (at the end of a pass, in the order first made) or an offer
 * taken back. Names stay valid until ref_destroy. */
typedef struct ref_event {
	ref_event_kind kind;
	int fw, agent;
	const char *fw_name, *agent_name;
	ac_resources res;
} ref_event;

/* Creates a reference allocator. `names` is a core used only as a registry of
 * role and kind names: to parse the min-allocatable text and to read the role
 * of reserved groups (ac_role_name). It must outlive the reference. */
int ref_create(ac_core *names, const ref_config *cfg, ref_alloc **out);
void ref_destroy(ref_alloc *ref);
/* As ac_core_set_offer_timeout (0: never), ac_core_set_interval (> 0; filters
 * made earlier keep their life) and ac_core_set_min_allocatable. */
int ref_set_offer_timeout(ref_alloc *ref, ac_time timeout);
int ref_set_interval(ref_alloc *ref, ac_time interval);
int ref_set_min_allocatable(ref_alloc *ref, const char *text);

/* Agents. add returns the handle. remove and update rescind the agent's offers
 * (oldest first); update fails when what is allocated there in reserved
 * resources or ports does not fit the new total. A changed attribute string
 * drops the agent's filters. */
int ref_agent_add(ref_alloc *ref, const char *name, const ac_resources *total);
int ref_agent_remove(ref_alloc *ref, int agent);
int ref_agent_update(ref_alloc *ref, int agent, const ac_resources *total);
int ref_agent_set_attributes(ref_alloc *ref, int agent, const char *attributes);

/* Frameworks (active, unsuppressed when added; weight 0 means 1). add returns
 * the handle. */
int ref_fw_add(ref_alloc *ref, const char *name, const char *role, double weight, int32_t priority);
int ref_fw_remove(ref_alloc *ref, int fw);
int ref_fw_activate(ref_alloc *ref, int fw);
int ref_fw_deactivate(ref_alloc *ref, int fw);
int ref_fw_suppress(ref_alloc *ref, int fw);
int ref_fw_revive(ref_alloc *ref, int fw);
int ref_fw_set_weight(ref_alloc *ref, int fw, double weight);

/* Roles: weight (> 0) and quota, as ac_role_set_weight / ac_role_set_quota. */
int ref_role_set_weight(ref_alloc *ref, const char *role, double weight);
int ref_role_set_quota(ref_alloc *ref, const char *role, const ac_quota *quota);

/* One allocation pass over every agent, or over one; returns the number of
 * offers made (reported as REF_OFFER events). Moves the clock like
 * ref_advance (AC_ESTATE if `now` is earlier), but rescinds nothing. */
int ref_allocate(ref_alloc *ref, ac_time now);
int ref_allocate_agent(ref_alloc *ref, int agent, ac_time now);
/* Moves the clock (never backwards: AC_ESTATE) and rescinds offers that
 * reached the offer timeout; returns how many. */
int ref_advance(ref_alloc *ref, ac_time now);

/* Answers ALL outstanding offers of fw on agent. accept: `used` becomes
 * allocated, the rest is filtered for max(refuse, interval) (refuse 0: no
 * filter). decline: the whole of them is filtered likewise. */
int ref_accept(ref_alloc *ref, int fw, int agent, const ac_resources *used, ac_time refuse, ac_time now);
int ref_decline(ref_alloc *ref, int fw, int agent, ac_time refuse, ac_time now);
/* What fw held on agent is free again. */
int ref_recover(ref_alloc *ref, int fw, int agent, const ac_resources *res);

/* Events since the last ref_events_clear, oldest first. */
const ref_event *ref_events(const ref_alloc *ref, size_t *n);
void ref_events_clear(ref_alloc *ref);

/* Introspection, all computed on demand. */
int ref_agent_free(const ref_alloc *ref, int agent, ac_resources *out);
int ref_fw_held(const ref_alloc *ref, int fw, ac_vec *allocated, ac_vec *offered);
uint64_t ref_fw_allocations(const ref_alloc *ref, int fw);
/* max over kinds of held / cluster total, unweighted. */
double ref_fw_dominant_share(const ref_alloc *ref, int fw);
int ref_allocation(const ref_alloc *ref, int fw, int agent, ac_resources *out);
/* Writes up to cap outstanding offers of fw on agent (every agent when agent
 * is -1), oldest first; returns how many there are. */
size_t ref_offers(const ref_alloc *ref, int fw, int agent, ac_resources *out, size_t cap);
/* Quota consumption of a role: reserved for its subtree + unreserved held. */
void ref_role_consumed(const ref_alloc *ref, const char *role, ac_vec *out);

#endif

/*
 * master.h — the meso_master library: the master's state and entry points,
 * shared by its files: master.c (agents, frameworks, tasks, offers and the
 * allocator hooks), master_router.c (which handler serves which endpoint),
 * master_sched.c (the v1 scheduler API), master_accept.c (ACCEPT),
 * master_agents.c (the framed agent protocol), master_state.c (/state,
 * /metrics), master_mesos.c (/master/state, /metrics/snapshot) and
 * master_elect.c (leader election), master_reconcile.c (RECONCILE, answered
 * in slices), master_operator.c (the v1 operator API, /api/v1) over
 * master_opview.c (its messages built from the records), master_classic.c
 * (/roles, /quota, /weights, /flags, ... of Mesos), master_quota.c (quota
 * and weights), master_maint.c (draining, deactivation, maintenance) and
 * master_registry.c (what operators set, kept in ZooKeeper). One libev
 * loop; no threads.
 */
#ifndef MESO_MASTER_H
#define MESO_MASTER_H

#include <ev.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>

#include "alloccore/alloccore.h"
#include "alloccore/policy.h"
#include "maintenance/maintenance.pb-c.h"
#include "master/master.pb-c.h"
#include "meso_agent.pb-c.h"
#include "mesos.pb-c.h"
#include "quota/quota.pb-c.h"
#include "rt_acl.h"
#include "rt_auth.h"
#include "rt_frame.h"
#include "rt_http.h"
#include "rt_idlist.h"
#include "rt_lag.h"
#include "rt_loglevel.h"
#include "rt_opview.h"
#include "rt_taskstate.h"
#include "rt_util.h"
#include "scheduler/scheduler.pb-c.h"

typedef struct master_flags {
	const char *ip;
	int port;
	const char *work_dir;
	double allocation_interval;      /* seconds */
	double offer_timeout;            /* seconds; 0: never */
	double agent_timeout;            /* seconds without a frame before a connected agent counts as disconnected */
	double agent_reregister_timeout; /* seconds a disconnected agent keeps its id and tasks */
	double heartbeat_interval;       /* seconds between HEARTBEAT events */
	const char *hostname;
	const char *cluster;                   /* --cluster: a name for people, or NULL */
	const char *zk;                        /* zk://host:port,.../path, or NULL: lead at once */
	double zk_session_timeout;             /* seconds */
	double framework_recovery_timeout;     /* seconds a recovered framework has to re-subscribe */
	int max_completed_frameworks;          /* removed frameworks kept for /master/state (Mesos: 50) */
	int max_completed_tasks_per_framework; /* terminal tasks kept per framework (Mesos: 1000) */
	int max_completed_tasks;               /* terminal tasks kept in all (ours) */
	int max_frameworks;                    /* active and disconnected (ours) */
	rt_http_limits http;                   /* sizes and timeouts of HTTP connections; 0s: rt_http's defaults */
	/* Authentication and authorization (master_auth.c), Mesos's flags. */
	bool authenticate_frameworks, authenticate_http_readonly, authenticate_http_readwrite, authenticate_agents;
	const char *credentials; /* --credentials: a file (or file://) in Mesos's JSON form, or NULL */
	const char *acls;        /* --acls: the JSON, or a file holding it, or NULL: everything allowed */
	const char *policy;      /* alloccore policy name (NULL: drf), when no module */
	/* --policy module:PATH[:ARGS] (alloccore/module.h): the policy comes
	 * from policy_module->create(policy_args) */
	const ac_policy_module *policy_module;
	const char *policy_args;
	double preemption_grace; /* seconds between the KILL and SIGKILL of a preempted task (ours) */
	/* No socket: requests come only through detached HTTP sessions and
	 * agents through master_agent_conn_detached (the unit tests). */
	bool detached;
} master_flags;

/* How many removed frameworks and agents (each) the master remembers, to
 * refuse their return and kill what they left running (ours, not Mesos's). */
#define MASTER_REMOVED_IDS 10000
/* Defaults of the limits of ours (master_main.c's flags). */
#define MASTER_MAX_FRAMEWORKS      1000
#define MASTER_MAX_COMPLETED_TASKS 100000
/* An iteration of the loop that held it this long is the master's own
 * delay, not counted against an agent's heartbeats (rt_lag). */
#define MASTER_LAG_THRESHOLD 0.05

typedef struct m_agent m_agent;
typedef struct m_fw m_fw;
typedef struct m_task m_task;
typedef struct m_offer m_offer;
typedef struct m_exec m_exec;

/* One status update of a task, as /master/state's `statuses` shows it. */
typedef struct m_task_status {
	double timestamp; /* wall-clock seconds */
	Mesos__V1__TaskState state;
} m_task_status;
/* The statuses kept per task: the last ones. A task passes through fewer
 * distinct states (STARTING, RUNNING, KILLING, a terminal one), and a
 * repeated state replaces its predecessor, as in Mesos. */
#define M_TASK_STATUSES 8

/* A task that reached a terminal state, kept for /master/state's
 * completed_tasks: copies only, since its agent may be gone. */
typedef struct m_done_task {
	struct m_done_task *next;
	struct m_done_task *gnext, *gprev; /* master.done_tasks: every kept one, oldest first */
	struct m_done_tasks *owner;        /* the list it is on (a framework's or a completed one's) */
	char *id;
	char *name;
	char *executor_id; /* NULL: a command task */
	char *agent_id;
	char *resources; /* alloccore's resource text */
	Mesos__V1__TaskState state;
	m_task_status statuses[M_TASK_STATUSES];
	unsigned nstatuses;
} m_done_task;

/* Completed tasks, oldest first; at the cap the oldest is dropped. */
typedef struct m_done_tasks m_done_tasks;
struct m_done_tasks {
	m_done_task *head, *tail;
	size_t n;
};

/* A framework torn down or removed, kept for /master/state's
 * completed_frameworks with its completed tasks. */
typedef struct m_done_fw {
	struct m_done_fw *next;
	char *id;
	char *name;
	char *role;
	char *user;
	double failover_timeout;
	bool partition_aware, recovered;
	double registered_wall, unregistered_wall; /* wall-clock seconds */
	m_done_tasks tasks;
} m_done_fw;

/*
 * Records and their indexes. Each kind is on a list of the master's, newest
 * first (the order /state and /master/state show), and in a hash map by id
 * (uthash); tasks, executors and offers are also on lists of their
 * framework and of their agent, in the same order, so that nothing a message
 * does walks the whole cluster. The core's offer views carry the framework's
 * and the agent's record as their tags (ac_fw_set_tag, ac_agent_set_tag).
 * The lists are utlist's doubly linked ones (head->prev is the tail).
 */
/* A dynamic reservation on an agent (RESERVE, RESERVE_RESOURCES): alloccore
 * counts it in its role's reserved group with the static one; this says how
 * much of that group is dynamic, who reserved it and, for a refined one,
 * the reservations it was made on (Mesos's `reservations` stack), which
 * the core, with one group per role, does not keep (master_resv.c). */
#define M_RESV_DEPTH 8 /* entries of a stack Meso keeps, the last one included */
typedef struct m_resv_level {
	uint32_t role;   /* alloccore's role id */
	char *principal; /* NULL: none */
	bool dynamic;    /* else STATIC (only a stack's first entry may be) */
} m_resv_level;
typedef struct m_resv {
	uint32_t role;   /* alloccore's role id: the last reservation's, always DYNAMIC */
	char *principal; /* NULL: none */
	ac_vec amount;
	uint32_t nports; /* port ranges reserved, sorted, disjoint */
	ac_range ports[AC_MAX_RANGES];
	uint32_t nbelow; /* a refinement: the stack under it, bottom first (0: made on unreserved resources) */
	m_resv_level below[M_RESV_DEPTH - 1];
} m_resv;

/* A persistent volume on an agent (CREATE, CREATE_VOLUMES;
 * master_volumes.c): a part of a role's reserved disk there, which alloccore
 * counts as reserved disk like the rest; offered back to the role with its
 * id, used by one task or one custom executor at a time. */
typedef struct m_volume {
	uint32_t role;         /* alloccore's role id: its reservation's */
	char *id;              /* DiskInfo.persistence.id, unique per role on the agent */
	char *principal;       /* persistence.principal (NULL: none) */
	char *container_path;  /* DiskInfo.volume.container_path, relative to a task's sandbox */
	bool dynamic;          /* made on dynamically reserved disk (else static) */
	char *resv_principal;  /* that dynamic reservation's principal (NULL: none) */
	int64_t disk;          /* its size, alloccore's units (AC_MILLI per MB) */
	char *offer;           /* the offer that shows it (stale once that offer is gone) */
	char *fw_id, *task_id; /* the task using it (NULL: free; stale once that task is gone) */
	char *exec_id;         /* or the executor of fw_id using it (task_id NULL) */
} m_volume;

struct m_agent {
	m_agent *next, *prev; /* master.agents */
	UT_hash_handle hh;    /* master.agents_by_id */
	m_task *tasks;        /* its tasks (m_task.agent_next) */
	m_exec *execs;        /* its custom executors (m_exec.agent_next) */
	m_offer *offers;      /* its outstanding offers (m_offer.agent_next) */
	uint64_t mark;        /* a pass that visits it once (master.mark) */
	char *id;
	char *hostname;
	int port;
	char ip[64]; /* the address its connection comes from (Offer.url.address.ip) */
	ac_agent_id ac;
	rt_conn *conn;   /* NULL while disconnected */
	char *principal; /* what it authenticated as when it registered first (NULL: none) */
	int64_t last_seen_ns;
	int64_t disconnected_ns; /* when conn became NULL: its re-registration window starts */
	int64_t registered_ns;
	ac_resources total;
	char *attributes;           /* Mesos's text form, for alloccore and /state */
	Mesos__V1__AgentInfo *info; /* its attributes as messages, for offers (unpacked copy) */
	bool removed;               /* being removed: ignore its frames */
	bool deactivated;           /* disconnected or op_deactivated: deactivated in the core, so no offers */
	bool alloc_queued;          /* in master.cands: a pass over it is due */
	int64_t reregistered_ns;    /* its last re-registration, or 0 */
	/* What operators set (master_maint.c): DEACTIVATE_AGENT or DRAIN_AGENT
	 * keep it deactivated until REACTIVATE_AGENT; while DRAINING its tasks
	 * are killed, and it is DRAINED once it has none. */
	bool op_deactivated;
	Mesos__V1__DrainState drain_state; /* UNKNOWN: not draining */
	int64_t drain_grace_ns;            /* DrainConfig.max_grace_period; < 0: none */
	bool drain_mark_gone;
	bool gone_by_operator; /* being removed by MARK_AGENT_GONE or a drain's mark_gone */
	/* While DRAINING: terminal updates of its tasks forwarded to their
	 * frameworks and not yet acknowledged (Mesos drains only once they
	 * are); master_maint.c. */
	struct m_drain_ack *drain_acks;
	size_t n_drain_acks;
	m_resv *resv; /* its dynamic reservations, oldest first; total includes them */
	size_t nresv;
	m_volume *vols; /* its persistent volumes, oldest first */
	size_t nvols;
};

typedef struct m_drain_ack {
	m_fw *fw;
	uint8_t uuid[16];
} m_drain_ack;

struct m_fw {
	m_fw *next, *prev;   /* master.fws */
	UT_hash_handle hh;   /* master.fws_by_id */
	m_task *tasks;       /* its tasks (m_task.fw_next) */
	m_task *tasks_by_id; /* the same, by id (m_task.hh) */
	m_exec *execs;       /* its custom executors (m_exec.fw_next) */
	m_offer *offers;     /* its outstanding offers (m_offer.fw_next) */
	char *id;
	char *name;
	char *role;
	char *user;
	/* Its principal: authenticated, or FrameworkInfo.principal when
	 * authentication is off (NULL: none). A later SUBSCRIBE with its id
	 * must come from the same one. */
	char *principal;
	/* Its roles in the core (alloccore's multi-role framework): one core
	 * framework per role, each tagged with this record; a dropped role that
	 * still holds tasks stays there (removing) until they end. `role` is
	 * FrameworkInfo's first role, as the state endpoints show it. */
	ac_mfw_id mfw;
	rt_http_session *stream; /* NULL while disconnected */
	char stream_id[37];
	bool stream_json; /* events as JSON (Accept chose application/json), else protobuf */
	bool partition_aware;
	bool killing_state; /* the TASK_KILLING_STATE capability */
	bool multi_role;    /* the MULTI_ROLE capability (its executors' FrameworkInfo says so) */
	/* Known only from an agent's running tasks (this master took over from
	 * another): inactive in the core until the framework re-subscribes. */
	bool recovered;
	double failover_timeout; /* seconds */
	ev_timer failover;
	int64_t registered_ns;
	m_done_tasks done; /* its terminal tasks, at most --max_completed_tasks_per_framework */
	/* Offers made and not yet sent, in the order made: one OFFERS event,
	 * when the loop has nothing more urgent to do (master.sendq). */
	m_offer **pending;
	size_t npending, cappending;
	m_fw *sendq_next, *sendq_prev; /* master.sendq, while npending > 0 */
	bool sendq_in;
	int64_t disconnected_ns; /* when its stream broke (rt_mono_ns), while disconnected */
	/* RECONCILEs being answered in slices, oldest first (master_reconcile.c). */
	struct m_recon *recon, *recon_tail;
	m_fw *reconq_next, *reconq_prev; /* master.reconq: has slices to answer and may */
	bool reconq_in;
};

struct m_task {
	ac_fw_id fwac;                   /* the core framework (its framework's role) charged with it */
	bool preempted;                  /* a preemption has sent its KILL_TASK (master_preempt.c) */
	m_task *next, *prev;             /* master.tasks */
	m_task *fw_next, *fw_prev;       /* m_fw.tasks */
	m_task *agent_next, *agent_prev; /* m_agent.tasks */
	UT_hash_handle hh;               /* m_fw.tasks_by_id */
	uint64_t mark;                   /* reported by a re-registering agent (master.mark) */
	char *id;
	char *name;
	m_fw *fw;
	m_agent *agent;
	char *executor_id; /* its custom executor, or NULL (a command task) */
	char *user;        /* CommandInfo.user, else its framework's user (view_tasks); NULL: unknown */
	ac_resources res;
	Mesos__V1__TaskState state;
	int64_t launched_ns;                     /* ACCEPT received, for the launch latency */
	m_task_status statuses[M_TASK_STATUSES]; /* oldest first */
	unsigned nstatuses;
};

/* A framework's custom executor on an agent: its resources are charged from
 * the launch of its first task until the agent says its process ended. */
struct m_exec {
	m_exec *next, *prev;             /* master.execs */
	m_exec *fw_next, *fw_prev;       /* m_fw.execs */
	m_exec *agent_next, *agent_prev; /* m_agent.execs */
	UT_hash_handle hh;               /* master.execs_by_key: framework, agent, id */
	uint8_t *key;
	size_t key_len;
	uint64_t mark; /* reported by a re-registering agent (master.mark) */
	char *id;
	m_fw *fw;
	ac_fw_id fwac; /* the core framework (its framework's role) charged with it */
	m_agent *agent;
	ac_resources res;
	uint8_t *info; /* packed ExecutorInfo (framework_id set): later launches must match it */
	size_t info_len;
};

struct m_offer {
	m_offer *next, *prev;             /* master.offers */
	m_offer *fw_next, *fw_prev;       /* m_fw.offers */
	m_offer *agent_next, *agent_prev; /* m_agent.offers */
	UT_hash_handle hh;                /* master.offers_by_id */
	UT_hash_handle hh_ac;             /* master.offers_by_ac: the core's offer id */
	uint64_t mark;                    /* named by the ACCEPT in progress (master.mark) */
	char *id;
	ac_offer_id ac;
	m_fw *fw;
	ac_fw_id fwac; /* the core framework (its framework's role) it is for */
	m_agent *agent;
	ac_resources res;
	bool sent; /* in an OFFERS event: the framework may answer it */
};

/* A latency histogram with Prometheus buckets (seconds), and the most
 * recent samples, from which /metrics gives exact quantiles. */
#define M_HIST_BUCKETS 17
#define M_HIST_RECENT  4096
typedef struct m_hist {
	uint64_t count[M_HIST_BUCKETS + 1]; /* last: +Inf */
	uint64_t n;
	double sum;
	double recent[M_HIST_RECENT]; /* a ring of the last samples */
} m_hist;
extern const double master_hist_bounds[M_HIST_BUCKETS];
void master_hist_add(m_hist *h, double seconds);

typedef struct master_metrics {
	uint64_t agent_registrations, agent_reregistrations, agent_removals;
	uint64_t framework_subscriptions, framework_removals;
	uint64_t tasks_launched, tasks_error, tasks_lost, tasks_dropped;
	uint64_t tasks_finished, tasks_failed, tasks_killed;
	uint64_t operations_error[17];    /* offer operations answered OPERATION_ERROR, by Offer.Operation.Type */
	uint64_t operations_finished[17]; /* carried out (RESERVE, UNRESERVE), by type */
	uint64_t status_updates, acknowledgements;
	uint64_t calls[32];       /* by Call.type */
	uint64_t http_errors_4xx; /* answered to scheduler calls */
	uint64_t events_sent;
	m_hist alloc_latency;       /* one ac_allocate pass */
	m_hist launch_latency;      /* ACCEPT received -> TASK_RUNNING forwarded */
	uint64_t standby_redirects; /* 307 or 503 answered while not leading */
	uint64_t frameworks_recovered;
	uint64_t streams_dropped;         /* subscribers that fell RT_HTTP max_output_bytes behind */
	uint64_t reconcile_refused;       /* RECONCILEs answered 429: too many ids queued */
	uint64_t agent_removals_deferred; /* checks that spared an agent for the master's own busy time */
	uint64_t frameworks_evicted;      /* disconnected frameworks removed for a new one at --max_frameworks */
	uint64_t subscriptions_refused;   /* SUBSCRIBEs refused (invalid failover_timeout, --max_frameworks) */
	/* ACKNOWLEDGE_OPERATION_STATUS calls, those that named a status
	 * waiting for it and the others (Mesos's three metrics). */
	uint64_t opack_messages, opack_valid, opack_invalid;
} master_metrics;

typedef struct master {
	struct ev_loop *loop;
	master_flags flags;
	char id[37];
	ac_core *core;
	/* the policy's preemption requests of the pass in progress
	 * (master_preempt.c) */
	ac_preempt_request *preempts;
	size_t npreempts, preempts_cap;
	uint64_t preempt_kills;
	rt_http_server *http;
	m_agent *agents, *agents_by_id;
	m_fw *fws, *fws_by_id;
	m_task *tasks;
	m_offer *offers, *offers_by_id, *offers_by_ac;
	m_exec *execs, *execs_by_key;
	/* Passes that visit records once stamp them with a fresh value of this
	 * (m_agent.mark, ...) instead of keeping a set aside. */
	uint64_t mark;
	uint64_t next_fw, next_agent, next_offer;
	rt_idlist removed_fws, removed_agents; /* the last MASTER_REMOVED_IDS of each */
	/* Removed frameworks, oldest first, at most --max_completed_frameworks. */
	m_done_fw *done_fws, *done_fws_tail;
	size_t ndone_fws;
	/* Every completed task kept, oldest first, at most --max_completed_tasks. */
	m_done_task *done_tasks, *done_tasks_tail;
	size_t ndone_tasks;
	/* Busy stretches of the loop: an agent's silence is judged without them. */
	rt_lag *lag;
	/* RECONCILE answers waiting (master_reconcile.c): frameworks with
	 * slices to answer whose streams are not congested, answered in turn
	 * one slice per turn of the loop; ids queued in all (bounded). */
	m_fw *reconq;
	ev_timer recon_timer;
	size_t recon_ids, recon_bytes;
	size_t recon_max_bytes; /* MASTER_RECONCILE_MAX_QUEUE (the tests lower it) */
	size_t recon_high;      /* stream bytes unread at which answering waits */
	ev_timer alloc_timer, alloc_soon, heartbeat_timer, agent_check_timer;
	/* Frameworks with offers to send, in the order of master.fws at the
	 * pass; one OFFERS event per idle turn of the loop (send_idle, lowest
	 * priority), so calls and agent frames are not held up by a pass's
	 * thousands of offers. */
	m_fw *sendq;
	ev_idle send_idle;
	/* The event-driven run alloc_soon will make: over every agent, or over
	 * these (each once: m_agent.alloc_queued). */
	bool alloc_all;
	m_agent **cands;
	size_t ncands, capcands;
	int64_t start_ns;
	master_metrics metrics;
	/* Election (master_elect.c): without --zk the master leads from the start. */
	bool leading, demoted, first_offer_logged;
	struct rt_zk *zk;
	char leader_host[256]; /* the leader a standby redirects to; "" when unknown */
	int leader_port;
	double elected_wall; /* wall-clock seconds when this master started leading */
	/* Operator API event streams (master_operator.c). */
	struct m_opsub *opsubs;
	size_t nopsubs;
	uint64_t opsubs_dropped; /* subscribers closed for not reading */
	/* Weights and quota operators set, by role (master_quota.c). */
	struct m_roleconf *roleconfs;
	/* Operator state of agents recovered from the registry that have not
	 * registered yet (master_maint.c), applied when they do. */
	struct m_agentop *agentops;
	/* The maintenance schedule (/maintenance/schedule), or NULL. */
	Mesos__V1__Maintenance__Schedule *schedule;
	/* Machines an operator took down (/machine/down), hostname or ip. */
	Mesos__V1__MachineID **down;
	size_t ndown;
	size_t drain_acks;    /* m_agent.n_drain_acks over all agents */
	rt_loglevel loglevel; /* SET_LOGGING_LEVEL's verbosity and its timer */
	ev_timer gone_timer;  /* removes agents drained with mark_gone (master_maint.c) */
	/* Persistence of the above in ZooKeeper (master_registry.c). */
	struct m_registry *registry;
	/* Authentication and authorization (master_auth.c). */
	rt_credentials creds;
	struct rt_acls *acls;  /* NULL: no --acls, everything allowed */
	rt_ratelimit auth_log; /* refused credentials: a line per second at most */
	/* The principal of the HTTP request being served (NULL: none); set by
	 * master_http_handler before a handler runs, valid during it. */
	const char *principal;
	/* OPERATION_FINISHED statuses waiting for their acknowledgement, and
	 * the timer that sends them again (master_opstatus.c). */
	struct m_opstatus *opstatus;
	ev_timer opstatus_timer;
} master;

/* master.c */
/* Mesos's defaults for the timing and history flags (the rest zero): what
 * meso-master starts from before its command line, and the tests' masters. */
void master_flags_default(master_flags *f);
int master_init(master *m, struct ev_loop *loop, const master_flags *flags, char *err, size_t errlen);
void master_shutdown(master *m);
ac_time master_now(const master *m);
/* Runs one allocation pass over every agent now; its offers go out as the
 * loop turns idle (send_idle). */
/* The policy's preemption requests (alloccore/policy.h, (c)): the hook
 * records them during a pass; master_preempt_run then sends KILL_TASK for
 * the victim's newest tasks on the agent until the amount is covered, each
 * with --preemption_grace_period as its kill policy's grace period. */
void master_preempt_hook(void *ud, const ac_preempt_request *r);
/* Sends KILL_TASK for t to its agent, with grace_ns as the kill policy's
 * grace period (< 0: none, the agent's default), marked as a drain's when
 * draining. false when the agent is not connected. */
bool master_task_kill(master *m, m_task *t, int64_t grace_ns, bool draining);
void master_preempt_run(master *m);
void master_allocate(master *m);
/* Event-driven runs, batched as Mesos batches them: a pass in a few
 * milliseconds over every agent (a framework subscribed or revived) or over
 * the agents named since the last pass (each registered or came back).
 * Freed resources (a task ended, a decline) make no run: they wait for the
 * next pass, as in Mesos. */
void master_allocate_soon(master *m);
void master_allocate_agent_soon(master *m, m_agent *a);
/* Lookups by id, in O(1): NULL when unknown (an offer also until sent). */
m_agent *master_agent_find(master *m, const char *id);
m_fw *master_fw_find(master *m, const char *id);
bool master_fw_was_removed(const master *m, const char *id);
bool master_agent_was_removed(const master *m, const char *id);
m_task *master_task_find(master *m, const m_fw *fw, const char *task_id);
/* Records an agent (or framework) the core knows as `ac`, on the lists and
 * maps and as the core's tag; the caller fills in the rest. */
m_agent *master_agent_add(master *m, const char *id, ac_agent_id ac);
m_fw *master_fw_add(master *m, const char *id, ac_mfw_id mfw);
/* The framework's roles (alloccore's ac_mfw_*): 0 .. master_fw_nroles - 1
 * are the subscribed ones in FrameworkInfo's order; with `all`, then the
 * removing ones (dropped, still holding tasks). Role i's name (NULL past
 * the end) and its core framework into *ac (may be NULL). */
size_t master_fw_nroles(const master *m, const m_fw *fw, bool all);
const char *master_fw_role_at(const master *m, const m_fw *fw, size_t i, ac_fw_id *ac);
/* The core framework of its first subscribed role (0: none, a framework
 * known only from its agents' tasks). */
ac_fw_id master_fw_core(const master *m, const m_fw *fw);
/* The role the core framework `ac` stands for (NULL: not one of the framework's). */
const char *master_fw_role_of(const master *m, const m_fw *fw, ac_fw_id ac);
/* The same for what it holds or was offered: its first role when the
 * core framework is not one of its (cannot be). */
const char *master_fw_role_held(const master *m, const m_fw *fw, ac_fw_id ac);
/* The core framework of one of its subscribed roles; false when it has no such role. */
bool master_fw_core_of(const master *m, const m_fw *fw, const char *role, ac_fw_id *ac);
/* Whether role is one of the framework's (subscribed, or with `all` removing too). */
bool master_fw_has_role(const master *m, const m_fw *fw, const char *role, bool all);
m_offer *master_offer_find(master *m, const char *id);
/* Drops an offer the core no longer holds (accepted or rescinded). */
void master_offer_forget(master *m, m_offer *o);
/* Gives an offer back to the core, filtered for `refuse` (0: none), and drops it. */
void master_offer_decline(master *m, m_offer *o, ac_time refuse);
m_exec *master_exec_find(master *m, const m_fw *fw, const m_agent *a, const char *id);
/* Records an executor whose resources the core already charged. */
m_exec *master_exec_add(master *m, m_fw *fw, m_agent *a, const Mesos__V1__ExecutorInfo *info, const ac_resources *res);
/* Forgets an executor; its resources are recovered in the core when `recover`. */
void master_exec_remove(master *m, m_exec *e, bool recover);
/* The packed form of info with framework_id set to fw_id (caller frees). */
uint8_t *master_exec_pack(const Mesos__V1__ExecutorInfo *info, const char *fw_id, size_t *len);
/* Records a task (and tells the operator API's subscribers: TASK_ADDED). */
m_task *master_task_add(master *m, m_fw *fw, m_agent *a, const char *id, const char *name, const char *executor_id,
                        const ac_resources *res, Mesos__V1__TaskState state);
/* Records a status of a task: its state, and an entry of its statuses (one
 * with the same state as the last replaces it, as in Mesos); subscribers of
 * the operator API get TASK_UPDATED with `status` (NULL: one the master
 * makes, SOURCE_MASTER). */
void master_task_update(master *m, m_task *t, Mesos__V1__TaskState state, double timestamp,
                        const Mesos__V1__TaskStatus *status);
/* Drops a task (in a terminal state) into its framework's completed tasks;
 * its resources are recovered in the core when `recover`. */
void master_task_remove(master *m, m_task *t, bool recover);
/* Sends one event on a framework's stream (dropped when disconnected). A
 * stream max_output_bytes behind gets a last ERROR event and is closed:
 * the framework is then disconnected (its failover timeout runs). */
void master_send_event(master *m, m_fw *fw, const Mesos__V1__Scheduler__Event *ev);
/* Sends an ERROR event on a framework's stream. */
void master_send_error(master *m, m_fw *fw, const char *message);
/* Sends an UPDATE the master makes itself (no uuid: not acknowledged). */
void master_send_status(master *m, m_fw *fw, const char *task_id, const char *agent_id, Mesos__V1__TaskState state,
                        Mesos__V1__TaskStatus__Reason reason, const char *message);
/* Sends a frame to an agent; false when it is not connected. */
bool master_agent_send(master *m, m_agent *a, const Meso__Agent__AgentMessage *msg);
/* Closes the agent's connection, if any, without counting it as a
 * disconnection (the agent is being removed, replaced or shut down). */
void master_agent_hangup(m_agent *a, const char *why);
/* Agent lost or gone: its tasks are LOST to their frameworks. */
void master_agent_remove(master *m, m_agent *a, const char *why);
/* The agent lost its connection: deactivated (no offers, its tasks stay
 * charged) until it re-registers or --agent_reregister_timeout passes. */
void master_agent_disconnected(master *m, m_agent *a, const char *why);
/* TEARDOWN or failover timeout: kills the tasks (TASK_KILLED in its
 * completed tasks) and moves the framework to the completed ones. */
void master_fw_remove(master *m, m_fw *fw, const char *why);

/* Starts leading: the allocation, heartbeat and agent-check timers. */
void master_lead(master *m);
/* Registers a framework only known from its running tasks (see m_fw.recovered). */
m_fw *master_fw_recover(master *m, const char *id);

/* master_elect.c */
/* With --zk: joins the election and follows the leader; the master stays a
 * standby until elected. When demoted it stops acting at once and breaks the
 * loop (main then exits 1). 0, or -1 with err. */
int master_elect_start(master *m, char *err, size_t errlen);
void master_elect_stop(master *m);
/* On a standby: answers a request with 307 to the leader or 503 and
 * returns true; on the leader returns false. */
bool master_redirect(master *m, rt_http_session *s, const rt_http_request *req);
/* The same for an agent's upgrade request, answered on its session. */
bool master_redirect_upgrade(master *m, const rt_http_request *req);

/* master_auth.c: authentication (Mesos's realms and --authenticate_*
 * flags, HTTP Basic against --credentials) and authorization (--acls). */
int master_auth_init(master *m, char *err, size_t errlen);
void master_auth_free(master *m);
/* Authenticates a request as its endpoint's realm asks and sets
 * m->principal; false when it answered 401 (WWW-Authenticate). */
bool master_http_authenticate(master *m, rt_http_session *s, const rt_http_request *req);
/* The same for an agent's upgrade request (--authenticate_agents); false
 * when it answered 401 on the request's session. */
bool master_agent_authenticate(master *m, const rt_http_request *req, const char **principal);
/* Whether the ACLs let subject (NULL: no principal) do action on object. */
bool master_authorized(const master *m, rt_acl_action action, const char *subject, const char *object);
/* 403 with the reason as its body (and a log line). */
void master_refuse_forbidden(rt_http_session *s, const char *reason);
/* view_frameworks and view_tasks for principal (NULL: none). */
bool master_can_view_fw(const master *m, const char *principal, const m_fw *fw);
bool master_can_view_task(const master *m, const char *principal, const m_task *t);
/* get_endpoints for the request being served; false when it answered 403. */
bool master_can_get_endpoint(master *m, rt_http_session *s, const char *path);
/* teardown_frameworks for the request being served; false with why. */
bool master_may_teardown(const master *m, const m_fw *fw, char *why, size_t len);
/* Two principals (either NULL: none) are the same. */
bool master_same_principal(const char *a, const char *b);

/* master_router.c: every request to the master's HTTP port. */
void master_http_handler(void *ud, rt_http_session *s, const rt_http_request *req);

/* master_sched.c */
/* POST /api/v1/scheduler: one Call, answered (202 or an error) before it returns. */
void master_scheduler_call(master *m, rt_http_session *s, const rt_http_request *req);

/* master_reconcile.c */
/* RECONCILE: answers now, or queues the ids to be answered in slices
 * between other events (a large call, or a framework whose stream is
 * congested). Returns the HTTP status: 202, or 429 when the ids waiting
 * would pass master.recon_max_bytes. */
int master_reconcile(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__Reconcile *r);
/* The framework's stream went away or the framework did: its queued
 * answers are dropped (it reconciles again when it re-subscribes). */
void master_reconcile_forget(master *m, m_fw *fw);
/* The stream's output drained: answering may go on (rt_http drain hook). */
void master_reconcile_stream_drained(rt_http_session *s, void *fw);
/* Answers queued slices until none may go on (the unit tests: the
 * harness does not run the loop). */
void master_reconcile_run(master *m);
void master_reconcile_init(master *m);
#define MASTER_RECONCILE_SYNC      256         /* ids answered at once, when nothing waits */
#define MASTER_RECONCILE_MAX_QUEUE (16u << 20) /* bytes of ids queued in all; beyond, 429 */
#define MASTER_RECONCILE_HIGH      (1u << 20)  /* stream bytes unread at which answering waits */

/* master_opstatus.c: reliable operation feedback. */
/* The framework's operation op (with an id) finished on the agent:
 * OPERATION_FINISHED with a fresh uuid, sent again until acknowledged
 * (and kept in the registry until then). */
void master_opstatus_finished(master *m, m_fw *fw, const Mesos__V1__Offer__Operation *op, const char *agent_id);
/* The removed framework's statuses are no longer sent. */
void master_opstatus_forget_framework(master *m, const char *fw_id);
/* GET_OPERATIONS and the registry: the operations whose status waits, as
 * Mesos's Operation (in the arena; oldest first); their count. */
size_t master_opstatus_view(master *m, rt_arena *a, Mesos__V1__Operation ***out);
/* A new leader takes one back from the registry (sent again once its
 * framework has subscribed). 0, or -1 with err. */
int master_opstatus_restore(master *m, const Mesos__V1__Operation *o, char *err, size_t errlen);
/* ACKNOWLEDGE_OPERATION_STATUS: 400 with msg when the call is invalid
 * (Mesos's checks), else 202 (an unknown operation or status is logged and
 * counted, as Mesos does). */
int master_opstatus_ack(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__AcknowledgeOperationStatus *a, char *msg,
                        size_t len);
/* Sends again what is due at now_ns to connected frameworks (the timer's
 * work; the unit tests call it). */
void master_opstatus_retry(master *m, int64_t now_ns);
/* How many statuses wait for acknowledgement. */
size_t master_opstatus_pending(const master *m);
void master_opstatus_free(master *m);

/* master_accept.c */
/* ACCEPT: checks the offers and each LAUNCH task (errors are status updates),
 * takes what the valid tasks use from the core and sends them to the agent. */
void master_accept(master *m, m_fw *fw, const Mesos__V1__Scheduler__Call__Accept *acc);

/* master_agents.c */
/* The HTTP server's upgrade handler: takes "POST /api/agent" with
 * "Upgrade: meso-agent/1" over as an agent connection. */
bool master_agent_upgrade(void *ud, const rt_http_request *req, int fd, const uint8_t *early, size_t early_len);
/* An agent connection with no socket (rt_conn_detached) served by this
 * master: the unit tests feed it frames and read its output. The caller
 * destroys it (rt_conn_destroy) after master_shutdown or when done. */
rt_conn *master_agent_conn_detached(master *m, const char *peer);

/* master_operator.c: the v1 operator API. */
/* POST /api/v1 (and /master/api/v1): one Call, answered before it returns;
 * SUBSCRIBE opens an event stream. */
void master_operator_call(master *m, rt_http_session *s, const rt_http_request *req);
/* Events for the SUBSCRIBE streams (nothing is built when there are none). */
void master_op_task_added(master *m, const m_task *t);
void master_op_task_updated(master *m, const m_task *t, const Mesos__V1__TaskStatus *status);
void master_op_agent_added(master *m, const m_agent *a);
void master_op_agent_removed(master *m, const char *agent_id);
void master_op_framework_added(master *m, const m_fw *fw);
void master_op_framework_updated(master *m, const m_fw *fw);
void master_op_framework_removed(master *m, const m_fw *fw);
void master_op_heartbeat(master *m);
/* Ends every stream (master shutdown). */
void master_op_close(master *m);

/* master_opview.c: operator API messages built from the records, in an
 * arena (the strings are the records' own: use them before changing those). */
Mesos__V1__Task *master_view_task(master *m, const m_task *t, rt_arena *a);
Mesos__V1__Master__Response__GetAgents__Agent *master_view_agent(master *m, const m_agent *ag, rt_arena *a);
Mesos__V1__Master__Response__GetFrameworks__Framework *master_view_framework(master *m, const m_fw *fw, rt_arena *a);
Mesos__V1__FrameworkInfo *master_view_framework_info(const master *m, const m_fw *fw, rt_arena *a);
Mesos__V1__Master__Response__GetAgents *master_view_agents(master *m, rt_arena *a);
Mesos__V1__Master__Response__GetFrameworks *master_view_frameworks(master *m, rt_arena *a);
Mesos__V1__Master__Response__GetExecutors *master_view_executors(master *m, rt_arena *a);
Mesos__V1__Master__Response__GetTasks *master_view_tasks(master *m, rt_arena *a);
Mesos__V1__Master__Response__GetState *master_view_state(master *m, rt_arena *a);
Mesos__V1__MasterInfo *master_view_master_info(master *m, rt_arena *a);
/* Mesos's version, as every endpoint reports it. */
#define MASTER_VERSION RT_MESO_VERSION
/* The master's flags as Mesos's name/value pairs (GET_FLAGS, /flags);
 * returns how many, *out in the arena. */
size_t master_view_flags(master *m, rt_arena *a, Mesos__V1__Flag ***out);

/* master_quota.c: quota and weights per role, applied to the core at once. */
typedef struct m_roleconf {
	UT_hash_handle hh; /* master.roleconfs, by role */
	char *role;
	double weight;                        /* 0: none set (1.0) */
	Mesos__V1__Quota__QuotaConfig *quota; /* NULL: no quota (an unpacked copy) */
} m_roleconf;
/* Sets the quota of each config (one with neither guarantees nor limits
 * removes it), after checking them all as Mesos does; force skips the
 * checks against the cluster. Returns 0, or 400 with Mesos's message. */
int master_quota_update(master *m, Mesos__V1__Quota__QuotaConfig *const *configs, size_t n, bool force, char *msg,
                        size_t len);
/* Sets weights (each > 0, a valid role). 0, or 400 with a message. */
int master_weights_update(master *m, Mesos__V1__WeightInfo *const *infos, size_t n, char *msg, size_t len);
/* The role's configuration, or NULL. */
m_roleconf *master_roleconf_find(master *m, const char *role);
/* Every configuration, sorted by role. */
void master_roleconfs_sort(master *m);
/* QuotaStatus (configs, and infos for roles with guarantees) in an arena. */
Mesos__V1__Quota__QuotaStatus *master_view_quota(master *m, rt_arena *a);
/* WeightInfo of every role with a weight set, sorted by role. */
size_t master_view_weights(master *m, rt_arena *a, Mesos__V1__WeightInfo ***out);
/* The names of the roles Mesos lists: those of frameworks, weights and
 * quota, sorted, each once. */
size_t master_view_role_names(master *m, rt_arena *a, char ***out);
/* Roles Mesos lists: those of frameworks, weights and quota, sorted. */
size_t master_view_roles(master *m, rt_arena *a, Mesos__V1__Role ***out);
/* Frees every configuration (master shutdown). */
void master_roleconfs_free(master *m);

/* master_maint.c: operators' control of agents. Each returns 0, or an
 * HTTP status with Mesos's message. */
int master_agent_op_drain(master *m, const char *agent_id, int64_t grace_ns, bool mark_gone, char *msg, size_t len);
int master_agent_op_deactivate(master *m, const char *agent_id, char *msg, size_t len);
int master_agent_op_reactivate(master *m, const char *agent_id, char *msg, size_t len);
/* A draining agent may have run out of tasks: DRAINED (and, with
 * mark_gone, removed). Call where tasks leave an agent. */
void master_drain_check(master *m, m_agent *a);
/* A terminal update of a draining agent's task was forwarded to fw: the
 * agent is not DRAINED before fw acknowledges it (master_maint.c). */
void master_drain_await_ack(master *m, m_agent *a, m_fw *fw, const uint8_t uuid[16]);
/* fw acknowledged an update of a's: DRAINED if it was the last awaited. */
void master_drain_acknowledged(master *m, m_agent *a, m_fw *fw, const uint8_t uuid[16]);
/* fw is removed: nothing of it is awaited any more. */
void master_drain_fw_removed(master *m, m_fw *fw);
/* a is removed or reactivated: nothing of it is awaited any more. */
void master_drain_forget(master *m, m_agent *a);
/* A registering agent: told its persistent volumes; deactivated again if operators left it so (also
 * from the registry); a draining one has its tasks killed again. */
void master_agent_op_apply(master *m, m_agent *a);
/* Deactivates or activates the agent in the core as its connection and
 * the operators say. */
void master_agent_sync_active(master *m, m_agent *a);
/* DrainInfo of an agent in an arena, or NULL when it is not draining. */
Mesos__V1__DrainInfo *master_view_drain_info(const m_agent *ag, rt_arena *a);
/* The maintenance schedule: replaces it after checking it (400 with a
 * message); machines in it that are down stay down. */
int master_schedule_update(master *m, const Mesos__V1__Maintenance__Schedule *s, char *msg, size_t len);
/* Machines down and up (/machine/down, /machine/up): each must be in the
 * schedule (down) or down (up). Down drains the machines' agents (kills
 * their tasks, no offers); up reactivates them and drops the machines from
 * the schedule. */
int master_machines_down(master *m, Mesos__V1__MachineID *const *ids, size_t n, char *msg, size_t len);
int master_machines_up(master *m, Mesos__V1__MachineID *const *ids, size_t n, char *msg, size_t len);
/* The schedule (empty when none) and the machines' status, in an arena. */
Mesos__V1__Maintenance__Schedule *master_view_schedule(master *m, rt_arena *a);
Mesos__V1__Maintenance__ClusterStatus *master_view_maintenance_status(master *m, rt_arena *a);
/* Frees the operator state of agents and machines (master shutdown). */
void master_maint_free(master *m);
typedef struct m_agentop {
	UT_hash_handle hh; /* master.agentops, by agent id */
	char *id;
	bool deactivated;
	Mesos__V1__DrainState drain_state;
	int64_t drain_grace_ns;
	bool drain_mark_gone;
	m_resv *resv; /* its dynamic reservations, applied when it registers */
	size_t nresv;
	m_volume *vols; /* its persistent volumes, taken back when it registers */
	size_t nvols;
} m_agentop;

/* master_registry.c: with --zk, what operators set (quota, weights, agents
 * deactivated or draining, the maintenance schedule) is kept in the znode
 * PATH/registry, so a new leader applies it before it leads. */
/* Elected: reads the registry, applies it, then calls master_lead. */
void master_registry_recover(master *m);
/* Something operators set changed: written to ZooKeeper (coalesced). */
void master_registry_save(master *m);
void master_registry_free(master *m);
/* Whether ZooKeeper may not hold the latest registry yet: a write waits or
 * is under way (false without --zk). /metrics/snapshot's
 * `registrar/state_pending`: tests and operators wait for 0 after a change. */
bool master_registry_pending(const master *m);
/* The registry document of the master's operator state (JSON, malloc'd), and
 * the reverse: applies a document to the master (0, or -1 with err). */
char *master_registry_encode(master *m);
int master_registry_apply(master *m, const char *json, size_t len, char *err, size_t errlen);

/* master_resv.c: dynamic reservations. Checks the resources of a RESERVE
 * or UNRESERVE as Mesos does (scalars and ports, reserved by their
 * `reservations` stack, the last entry DYNAMIC and each entry a strict
 * subrole of the one below, one stack and principal per operation): NULL
 * and the operation as one record in out (amounts and ports unreserved;
 * strings borrowed from res), or why not (in buf). */
const char *master_resv_parse(master *m, Mesos__V1__Resource *const *res, size_t n, bool reserve, m_resv *out,
                              char *buf, size_t len);
/* A record's amounts and ports as an unreserved set. */
void master_resv_set(const m_resv *r, ac_resources *out);
/* What a RESERVE (reserve) or UNRESERVE of r takes (from) and gives (to):
 * its resources in the reservation below its last entry and in that one. */
void master_resv_moved(const m_resv *r, bool reserve, ac_resources *from, ac_resources *to);
/* Whether the reservation a refining RESERVE is made on (the stack below
 * r's last entry) holds r's resources outside persistent volumes. */
bool master_resv_source_holds(const m_agent *a, const m_resv *r);
/* Carries out a parsed RESERVE (UNRESERVE): moves its resources from the
 * reservation below its last entry (unreserved when none) into that entry's
 * role (back): from the agent's free resources, or with fw from what fw
 * holds there (an accepted offer). Keeps a->total and a->resv; AC_E* with
 * err on failure (the source must hold it: only what is dynamically
 * reserved with that stack is unreserved). */
int master_resv_reserve(master *m, m_agent *a, m_fw *fw, const m_resv *r, ac_err *err);
int master_resv_unreserve(master *m, m_agent *a, m_fw *fw, const m_resv *r, ac_err *err);
/* An agent (re-)registering announces its static resources: the master's
 * dynamic reservations are applied to them (dropped, logged, if they no
 * longer fit), then its persistent volumes are checked against them. */
void master_resv_reapply(master *m, m_agent *a, ac_resources *total);
/* Frees the agent's reservations and volumes. */
void master_resv_free(m_agent *a);
/* Frees a list of records. */
void master_resv_free_list(m_resv *resv, size_t n);
/* The disk of role rid's volumes on dynamically reserved disk: not to be unreserved. */
int64_t master_resv_volume_disk(const m_agent *a, uint32_t rid);
/* The disk the agent's refined reservations of role rid hold (no volumes there). */
int64_t master_resv_refined_disk(const m_agent *a, uint32_t rid);
/* What the agent's records with r's stack (its role and the entries below)
 * hold, as an unreserved set. */
void master_resv_sum(const m_agent *a, const m_resv *r, ac_resources *out);
/* Records r (its strings copied) in a list of them, merged with an entry of
 * the same stack and principal. */
void master_resv_record(m_resv **resv, size_t *n, const m_resv *r);
/* A list of dynamic reservations as Resource messages, each with its
 * `reservations` stack (the registry's form). */
size_t master_resv_to_pb(const master *m, const m_resv *resv, size_t n, rt_arena *ar, Mesos__V1__Resource ***out);
/* A newly registered agent takes the reservations the registry kept for
 * it (m_agentop) out of its free resources, and its volumes. */
void master_resv_claim(master *m, m_agent *a);
/* Resource messages for a set of agent a (NULL: no dynamic reservations),
 * each reserved entry with its `reservations` stack: STATIC, or its
 * dynamic record's stack (a role's dynamic part is written first). */
Mesos__V1__Resource **master_resources_pb(const master *m, const m_agent *a, const ac_resources *r,
                                          const char *alloc_role, rt_arena *ar, size_t *n);
/* The same with the agent's persistent volumes that sel picks written as
 * volumes (disk with disk.persistence and disk.volume), each cut out of
 * the set's reserved disk of its role while it fits (NULL: none). */
typedef struct m_volsel {
	bool all;           /* every volume (the agent's total) */
	m_offer *offer;     /* the volumes this offer shows */
	bool assign;        /* and free ones no live offer shows: this offer shows them from now on */
	const m_task *task; /* the volumes this task uses */
} m_volsel;
Mesos__V1__Resource **master_resources_pb_vols(master *m, const m_agent *a, const ac_resources *r,
                                               const char *alloc_role, const m_volsel *sel, rt_arena *ar, size_t *n);

/* master_volumes.c: persistent volumes. */
struct Meso__Registry__Registry__Agent__Volume;
/* A volume the ACCEPT in progress may use: offered (v), or created by one
 * of its CREATEs (created: not yet on the agent's list); taken by the task
 * task_id or the executor exec_id (both NULL: not yet). */
typedef struct m_volslot {
	uint32_t role;
	const char *id;
	int64_t disk;
	const char *task_id;
	const char *exec_id;
	bool destroyed;
} m_volslot;
typedef struct m_volset {
	m_volslot *s;
	size_t n;
} m_volset;
/* The volumes of agent a the offers show (free, shown by one of them). */
void master_volset_offered(master *m, const m_agent *a, m_offer *const *offers, size_t n, m_volset *vs);
void master_volset_free(m_volset *vs);
/* The reserved disk of role rid in `left` that is no volume left in vs. */
int64_t master_volset_plain_disk(const m_volset *vs, const ac_resources *left, uint32_t rid);
/* A CREATE's or CREATE_VOLUMES' volumes checked as Mesos does (principal:
 * the framework's or the operator's, NULL: none; vs: the accept's, for
 * unique ids, or NULL): NULL and their records in out (n of them, strings
 * borrowed from res), or why not in buf. */
const char *master_vol_check_create(master *m, const m_agent *a, Mesos__V1__Resource *const *res, size_t n,
                                    const char *principal, const m_volset *vs, m_volume *out, char *buf, size_t len);
/* A DESTROY's or DESTROY_VOLUMES' volumes: each the agent's (or made by
 * the accept's CREATE) and not in use; with vs each also one of the
 * accept's free volumes. NULL and their records in out (n of them,
 * strings borrowed from res), or why not in buf. */
const char *master_vol_check_destroy(master *m, const m_agent *a, Mesos__V1__Resource *const *res, size_t n,
                                     const m_volset *vs, m_volume *out, char *buf, size_t len);
/* Records a checked volume (copies its strings), tells the agent to make
 * its directory, saves the registry. */
void master_vol_create(master *m, m_agent *a, const m_volume *v);
/* Forgets volume a->vols[i], tells the agent to remove its directory. */
void master_vol_destroy(master *m, m_agent *a, size_t i);
/* The agent's volume (role id, persistence id), or NULL. */
m_volume *master_vol_find(const m_agent *a, uint32_t role, const char *id);
/* Whether a task or an executor of the agent uses the volume now. */
bool master_vol_in_use(master *m, const m_agent *a, const m_volume *v);
/* A task's (task_id) or an executor's (exec_id; both NULL: the default
 * executor's, which holds no volume) resources: DiskInfo checked as Mesos
 * does, each volume one of vs's free ones (taken for its holder), the
 * rest of its reserved disk plain disk left. NULL, or why not. */
const char *master_volset_take(master *m, m_volset *vs, Mesos__V1__Resource *const *res, size_t n,
                               const ac_resources *left, const char *task_id, const char *exec_id, char *buf,
                               size_t len);
/* An accept's CREATE made v (its id borrowed from the call): the launches
 * after it may use it. An accept's DESTROY removed a volume: its disk is
 * plain disk from now on. */
void master_volset_created(m_volset *vs, const m_volume *v);
void master_volset_destroyed(m_volset *vs, uint32_t role, const char *id);
/* Gives back what master_volset_take took for task_id or exec_id. */
void master_volset_release(m_volset *vs, const char *task_id, const char *exec_id);
/* The launched task task_id (or the started executor exec_id) of framework
 * fw_id uses the volumes its resources name. */
void master_vol_launched(master *m, m_agent *a, const char *fw_id, const char *task_id, const char *exec_id,
                         Mesos__V1__Resource *const *res, size_t n);
/* The task task_id (or the executor exec_id) of framework fw_id is gone:
 * the volume it held is free (so a later one of the same id holds none). */
void master_vol_released(master *m, m_agent *a, const char *fw_id, const char *task_id, const char *exec_id);
/* Volumes as the registry keeps them, and back (record kept in *vols). */
void master_vol_to_registry(master *m, const m_volume *vols, size_t n, rt_arena *ar,
                            struct Meso__Registry__Registry__Agent__Volume ***out, size_t *nout);
int master_vol_from_registry(master *m, const struct Meso__Registry__Registry__Agent__Volume *x, m_volume **vols,
                             size_t *n, char *err, size_t errlen);
void master_vol_free(m_volume *vols, size_t n);
/* Agent (re-)registration: volumes the registry kept for it become its
 * own; volumes its reserved disk no longer holds are dropped (logged). */
void master_vol_claim(master *m, m_agent *a, m_agentop *op);
/* A (re-)registered agent is told of each of its volumes (CREATE_VOLUME):
 * it makes a directory that is missing (a fresh work_dir) again. */
void master_vol_sync(master *m, m_agent *a);
void master_vol_recheck(master *m, m_agent *a, const ac_resources *total);
/* CREATE_VOLUMES and DESTROY_VOLUMES of the operator API: 202, or an HTTP
 * status with msg. */
int master_vol_operator(master *m, const Mesos__V1__Master__Call *c, char *msg, size_t len);

/* master_classic.c: Mesos's classic endpoints; true when it served path. */
bool master_classic_serve(master *m, rt_http_session *s, const rt_http_request *req);

/* master_state.c */
void master_serve_state(master *m, rt_http_session *s);
void master_serve_metrics(master *m, rt_http_session *s);

/* master_mesos.c: the same in Mesos's shapes and names. */
/* GET /master/state: Mesos's v0 state JSON (frameworks, slaves, tasks,
 * completed frameworks and tasks, leader_info). `query` is the request's
 * query string: `jsonp=NAME` wraps the body as NAME(...); (text/javascript). */
void master_serve_mesos_state(master *m, rt_http_session *s, const char *query);
/* GET /metrics/snapshot: a flat JSON object of Mesos metric names (JSONP too). */
void master_serve_metrics_snapshot(master *m, rt_http_session *s, const char *query);
/* The snapshot's object itself (the caller owns it): GET_METRICS too. */
json_t *master_metrics_snapshot(master *m);
/* A set as Mesos's v0 resource map ("model"): cpus, gpus, mem, disk always. */
json_t *master_resources_model(const master *m, const ac_resources *r);
/* Answers 200 with root (consumed) as JSON, or as JSONP when the query has
 * a valid jsonp= (400 for a bad one), as Mesos's v0 endpoints do. */
void master_reply_json(rt_http_session *s, json_t *root, const char *query);

#endif

/*
 * agent.h — the meso_agent library: the agent's state and its entry points,
 * shared by agent.c (the master connection and the status-update manager),
 * agent_tasks.c (processes: launch, reap, kill, leftovers of an earlier run),
 * agent_executors.c (custom executors and /api/v1/executor), agent_cgroups.c
 * and agent_http.c (/state, /metrics). agent_main.c is the program around it.
 */
#ifndef MESO_AGENT_H
#define MESO_AGENT_H

#include <ev.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uthash.h>

#include "alloccore/alloccore.h"
#include "meso_agent.pb-c.h"
#include "mesos.pb-c.h"
#include "rt_frame.h"
#include "rt_http.h"
#include "rt_taskstate.h"
#include "rt_util.h"

typedef struct agent_flags {
	const char *master; /* host:port */
	const char *ip;
	int port;
	const char *hostname;
	const char *resources;
	const char *attributes;
	const char *work_dir;
	double kill_grace;     /* seconds between TERM and KILL */
	double retry_interval; /* first status-update retry, seconds */
	double retry_max;      /* cap of the doubling retry, seconds */
	double master_timeout; /* seconds without a frame before reconnecting */
	double reconnect_max;  /* cap of the reconnect backoff, seconds */
	const char *zk;        /* zk://.../PATH: follow the elected master; NULL: --master */
	double zk_session_timeout;
	double executor_registration_timeout; /* seconds a custom executor has to SUBSCRIBE */
	double executor_heartbeat_interval;   /* seconds between HEARTBEAT events to executors */
} agent_flags;

/* One status update waiting for its acknowledgement. */
typedef struct a_update {
	struct a_update *next;
	uint8_t uuid[16];
	Mesos__V1__TaskState state;
	uint8_t *frame; /* packed AgentMessage{STATUS_UPDATE} */
	size_t len;
} a_update;

struct a_executor;

typedef struct a_task {
	struct a_task *next, *prev; /* agent.tasks, newest first (utlist) */
	UT_hash_handle hh;          /* agent.tasks_by_key: framework id, NUL, task id */
	char *key;
	size_t key_len;
	struct agent *agent;
	struct a_executor *exec; /* its custom executor, or NULL: the agent runs its command */
	bool launched;           /* LAUNCH sent to the executor */
	char *fw_id;
	char *id;
	uint8_t *info; /* packed TaskInfo, reported on re-registration */
	size_t info_len;
	pid_t pid; /* process group leader; 0 once reaped or never started */
	ev_child child;
	ev_timer kill_timer;
	bool kill_requested;
	bool fw_gone;               /* framework shut down: drop its updates */
	Mesos__V1__TaskState state; /* latest state, as last queued */
	char sandbox[PATH_MAX];
	char cg_mem[PATH_MAX]; /* the task's cgroup (v2: the only one), or "" */
	char cg_cpu[PATH_MAX]; /* v1 cpu hierarchy, or "" */
	/* Updates in order; only the head is in flight. */
	a_update *updates;
	int64_t next_retry_ns;
	double backoff;
} a_task;

/* A framework's custom executor: one process (group) per executor id and
 * framework, started with its first task; it SUBSCRIBEs to /api/v1/executor
 * and gets its tasks as LAUNCH events on that stream. */
typedef struct a_executor {
	struct a_executor *next;
	struct agent *agent;
	char *fw_id;
	char *id;
	uint8_t *info; /* packed ExecutorInfo (framework_id set) */
	size_t info_len;
	uint8_t *fw_info; /* packed FrameworkInfo from the master, or NULL */
	size_t fw_info_len;
	char container_id[37];
	char sandbox[PATH_MAX];
	pid_t pid; /* process group leader; 0 once reaped */
	ev_child child;
	ev_timer kill_timer, register_timer;
	double shutdown_grace;   /* seconds between SHUTDOWN and SIGKILL */
	rt_http_session *stream; /* the SUBSCRIBE stream, NULL while not connected */
	bool stream_json;
	bool subscribed; /* has subscribed at least once */
	bool timed_out;  /* did not subscribe in time */
	bool shutting_down;
} a_executor;

typedef struct agent_metrics {
	uint64_t registrations, reconnects;
	uint64_t tasks_launched, tasks_finished, tasks_failed, tasks_killed, tasks_lost;
	uint64_t updates_sent, updates_retried, updates_acked;
	uint64_t leftovers_killed;
	uint64_t executors_launched, executor_calls, executor_events;
} agent_metrics;

typedef enum { AGENT_CG_NONE, AGENT_CG_V1, AGENT_CG_V2 } agent_cg_kind;

typedef struct agent_cgroups {
	agent_cg_kind kind;
	char mem_base[PATH_MAX]; /* v1 memory hierarchy, or the v2 node */
	char cpu_base[PATH_MAX]; /* v1 cpu hierarchy */
} agent_cgroups;

typedef struct agent {
	struct ev_loop *loop;
	agent_flags flags;
	char master_host[256]; /* "" while ZooKeeper knows no leader */
	int master_port;
	struct rt_zk *zk;
	char work_dir[PATH_MAX]; /* absolute */
	ac_core *parser;         /* only to parse resource text */
	ac_resources total;
	Mesos__V1__Resource **resources_pb;
	size_t n_resources_pb;
	rt_arena *arena; /* owns resources_pb */
	rt_http_server *http;
	rt_conn *conn;
	bool registered;
	char *id; /* from the master; kept across reconnections */
	char *master_id;
	double heartbeat_interval;
	int64_t last_heard_ns;
	double reconnect_delay;
	ev_timer reconnect_timer, ping_timer, retry_timer;
	a_task *tasks, *tasks_by_key;
	a_executor *executors;
	ev_timer exec_heartbeat_timer, stop_timer;
	bool stopping;                     /* SIGTERM: waiting for executors to shut down */
	Mesos__V1__Attribute **attributes; /* --attributes, in arena */
	size_t n_attributes;
	agent_metrics metrics;
	agent_cgroups cg;
	int64_t start_ns;
} agent;

/* agent.c */
int agent_init(agent *a, struct ev_loop *loop, const agent_flags *flags, char *err, size_t errlen);
void agent_shutdown(agent *a);
/* Queues a status update for a task (sent in order, retried until acked). */
void agent_task_update(agent *a, a_task *t, Mesos__V1__TaskState state, int reason, const char *message);
/* Queues an executor's status (its uuid is kept; agent_id, executor_id and
 * timestamp are filled in when missing). */
void agent_task_status(agent *a, a_task *t, Mesos__V1__TaskStatus *st);
/* Sends a frame to the master when connected. */
void agent_send(agent *a, const Meso__Agent__AgentMessage *msg);
/* Frees a task that is terminal and fully acknowledged (or abandoned). */
void agent_task_forget(agent *a, a_task *t);
/* The task of a framework with that id, in O(1), or NULL. */
a_task *agent_task_find(agent *a, const char *fw_id, const char *task_id);

/* agent_tasks.c */
/* Kills what an earlier agent with the same work_dir left running. */
void agent_kill_leftovers(agent *a);
/* Starts a task's process; on failure queues TASK_FAILED. */
void agent_task_launch(agent *a, a_task *t, const Mesos__V1__TaskInfo *info);
/* TERM to the task's process group, KILL after the grace period. */
void agent_task_kill(agent *a, a_task *t, double grace);
/* In a forked child: sandbox, stdio files, environment (cmd's plus what
 * Mesos gives executors; MESOS_TASK_ID only when task_id), then exec of cmd.
 * t, when not NULL, is the task whose cgroups to join. Never returns. */
void agent_exec_child(agent *a, const char *sandbox, const Mesos__V1__CommandInfo *cmd, const char *fw_id,
                      const char *executor_id, const char *task_id, double grace, const a_task *t);
/* Directory name made of s's safe characters. */
void agent_sanitize(const char *in, char *out, size_t len);

/* agent_executors.c */
/* Starts the executors' heartbeat timer. */
void agent_executors_init(agent *a);
/* Hands a task to its custom executor, starting the executor first when it
 * does not run yet. */
void agent_executor_run(agent *a, a_task *t, const Mesos__V1__TaskInfo *ti, const Mesos__V1__FrameworkInfo *fi);
/* KILL to the task's executor (or TASK_KILLED when it was never launched). */
void agent_executor_kill_task(agent *a, a_task *t, const Mesos__V1__KillPolicy *kp);
/* The framework acknowledged an update of t: ACKNOWLEDGED to its executor. */
void agent_executor_acknowledged(agent *a, a_task *t, const uint8_t uuid[16]);
/* SHUTDOWN to the framework's executors; SIGKILL after their grace period. */
void agent_executors_shutdown_framework(agent *a, const char *fw_id);
/* Bytes from a framework to its executor (a MESSAGE event). */
void agent_executor_message(agent *a, const Meso__Agent__ExecutorMessage *m);
/* Agent stopping: SHUTDOWN to every executor. Returns true while some run. */
bool agent_executors_stop(agent *a);
void agent_executors_destroy(agent *a);
/* POST /api/v1/executor. */
void agent_executor_api(agent *a, rt_http_session *s, const rt_http_request *req);
/* A request on an executor's stream connection: an ERROR event on it. */
void agent_executor_stream_request(agent *a, rt_http_session *s);

/* agent_cgroups.c */
/* Picks v2, v1 or none (mode "none" forces none) and clears cgroups an
 * earlier agent on the same work_dir left. */
void agent_cgroups_init(agent *a, const char *mode);
const char *agent_cgroups_name(const agent *a);
/* Creates the task's cgroup(s) with its limits (mem in thousandths of MB,
 * cpus in thousandths). 0, or -1 when they cannot be set. */
int agent_cgroups_prepare(agent *a, a_task *t, int64_t mem_milli_mb, int64_t cpus_milli);
/* In the child before exec: joins the task's cgroup(s). */
int agent_cgroups_enter(const a_task *t);
/* After the task exited: whether the OOM killer hit it. */
bool agent_cgroups_oom(const a_task *t);
/* Kills what is left in the task's cgroup(s) and removes them. */
void agent_cgroups_destroy(a_task *t);

/* agent_http.c: every request to the agent's HTTP port. */
void agent_http_handler(void *ud, rt_http_session *s, const rt_http_request *req);

#endif

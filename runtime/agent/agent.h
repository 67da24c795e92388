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
#include <jansson.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uthash.h>

#include "alloccore/alloccore.h"
#include "meso_agent.pb-c.h"
#include "mesos.pb-c.h"
#include "rt_acl.h"
#include "rt_auth.h"
#include "rt_frame.h"
#include "rt_http.h"
#include "rt_lag.h"
#include "rt_loglevel.h"
#include "rt_taskstate.h"
#include "rt_util.h"

/* A turn of the loop that holds it this long is the agent's own delay,
 * not counted against the master's silence (rt_lag). */
#define AGENT_LAG_THRESHOLD 0.05

typedef struct agent_flags {
	const char *master; /* HOST:PORT (master@HOST:PORT, [IPv6]:PORT); NULL with zk */
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
	const char *zk;        /* zk://.../PATH: follow the elected master (--zk, or --master=zk://); NULL: master */
	double zk_session_timeout;
	double executor_registration_timeout;   /* seconds a custom executor has to SUBSCRIBE */
	double executor_heartbeat_interval;     /* seconds between HEARTBEAT events to executors */
	double executor_reregistration_timeout; /* seconds a recovered executor has to SUBSCRIBE again */
	bool recover_cleanup;                   /* --recover=cleanup: kill the predecessor's tasks, new id */
	double recovery_timeout;                /* seconds a task outlives its agent before its supervisor kills it */
	double gc_delay;                        /* seconds a finished sandbox is kept (at most) */
	double gc_disk_headroom;       /* fraction of the disk kept free: the age limit shrinks as usage nears it */
	double disk_watch_interval;    /* seconds between disk checks and sandbox collections */
	const char *fetcher_cache_dir; /* the URI cache; NULL: WORK_DIR/fetch_cache */
	uint64_t fetcher_cache_size;   /* bytes the cache may hold (least recently used go first); 0: no cache */
	double fetcher_stall_timeout;  /* seconds a download may move no byte before it fails */
	/* "Authorization: Basic ...\r\n" sent with the upgrade to the master
	 * (--credential, or --principal and --secret), or NULL. */
	const char *auth_header;
	/* The agent's own endpoints (agent_auth.c), Mesos's agent flags:
	 * HTTP Basic for the read-only ones (/state, /files, /metrics) and the
	 * read-write one (/api/v1), against --http_credentials; --acls
	 * (access_sandboxes) for /files and LIST_FILES/READ_FILE. */
	bool authenticate_http_readonly, authenticate_http_readwrite;
	const char *http_credentials;
	const char *acls;
	/* TLS to the master (LIBPROCESS_SSL_*: verified with the CA file), or NULL. */
	struct rt_tls *tls_client;
	/* --switch_user: run each task as its user (RunTask.user) rather than
	 * as the agent's; on by default when the agent runs as root. */
	bool switch_user;
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
typedef struct a_group a_group; /* agent_groups.c */

typedef struct a_task {
	struct a_task *next, *prev; /* agent.tasks, newest first (utlist) */
	UT_hash_handle hh;          /* agent.tasks_by_key: framework id, NUL, task id */
	char *key;
	size_t key_len;
	struct agent *agent;
	struct a_executor *exec; /* its custom executor, or NULL: the agent runs its command */
	a_group *group;          /* its task group on the default executor (agent_groups.c), or NULL */
	bool launched;           /* LAUNCH sent to the executor */
	uint64_t launch_group;   /* its LAUNCH_GROUP's number on this agent (its tasks share it), or 0 */
	uint32_t launch_index;   /* its place in that group */
	char *fw_id;
	char *id;
	uint8_t *info; /* packed TaskInfo, reported on re-registration */
	size_t info_len;
	pid_t pid; /* process group leader; 0 once ended or never started */
	uint64_t pid_start;
	pid_t sup_pid; /* its supervisor (agent_supervisor.c), our child unless adopted */
	uint64_t sup_start;
	bool adopted;    /* recovered from a predecessor: watched through sup_fd */
	int sup_fd;      /* pidfd of an adopted supervisor, or -1 */
	ev_io sup_watch; /* sup_fd readable: the supervisor ended */
	int report_fd;   /* its supervisor's report pipe until the pid is known, or -1 */
	ev_io report_watch;
	int start_error;       /* the errno that stopped its supervisor from starting it */
	double kill_grace;     /* of a kill asked before its pid was known */
	char ckpt[PATH_MAX];   /* its checkpoint file, or "" */
	bool ckpt_dirty;       /* the file is behind the record */
	bool ckpt_written;     /* in the batch being written */
	bool ckpt_created;     /* the batch made its file: its folder needs a sync */
	bool ckpt_renamed;     /* the batch rewrote it whole (a .tmp to rename) */
	bool ckpt_rewrite;     /* the next write replaces the file instead of appending */
	size_t ckpt_size;      /* bytes of whole records in its file (0: no file yet) */
	bool send_after_flush; /* its head update waits for the file */
	ev_child child;
	ev_timer kill_timer;
	bool kill_requested;
	bool kill_draining;         /* killed by a drain: its end says REASON_AGENT_DRAINING */
	bool fw_gone;               /* framework shut down: drop its updates */
	struct a_health *health;    /* its health checks (agent_health.c), or NULL */
	Mesos__V1__TaskState state; /* latest state, as last queued */
	char sandbox[PATH_MAX];
	char cg_mem[PATH_MAX]; /* the task's cgroup (v2: the only one), or "" */
	char cg_cpu[PATH_MAX]; /* v1 cpu hierarchy, or "" */
	/* Updates in order; only the head is in flight. */
	a_update *updates;
	int64_t next_retry_ns;
	double backoff;
} a_task;

/* A task whose end its framework acknowledged, kept for the operator API's
 * GET_TASKS `completed_tasks` and /slave(1)/state's `completed_executors`
 * (Mesos's agent keeps completed tasks too, bounded): the newest
 * AGENT_COMPLETED_TASKS, in memory only. */
#define AGENT_COMPLETED_TASKS 1000
typedef struct a_done_task {
	struct a_done_task *next;
	char *fw_id;
	char *exec_id; /* its custom executor's id, or NULL */
	uint8_t *info; /* packed TaskInfo */
	size_t info_len;
	Mesos__V1__TaskState state;
	char *sandbox; /* a command task's sandbox (its executor's directory), or NULL */
} a_done_task;

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
	char ckpt[PATH_MAX]; /* its checkpoint file (its exit record: .exit), or "" */
	pid_t pid;           /* process group leader; 0 once ended */
	uint64_t pid_start;
	pid_t sup_pid; /* its supervisor: our child (ev_child), or adopted (a pidfd) */
	uint64_t sup_start;
	int sup_fd;      /* pidfd of an adopted supervisor, or -1 */
	ev_io sup_watch; /* sup_fd readable: the supervisor ended */
	ev_child child;
	ev_timer kill_timer, register_timer;
	double shutdown_grace;   /* seconds between SHUTDOWN and SIGKILL */
	rt_http_session *stream; /* the SUBSCRIBE stream, NULL while not connected */
	bool stream_json;
	bool subscribed; /* has subscribed at least once (since the agent started) */
	bool recovered;  /* left by a predecessor: must SUBSCRIBE again in time */
	bool timed_out;  /* did not subscribe in time */
	bool shutting_down;
	/* Its command's URIs, fetched by the agent before it starts (not by
	 * its supervisor: the agent waits for an executor's pid). */
	bool fetching, fetched;
	pid_t fetch_pid;
	ev_child fetch_child;
	char *user; /* kept for the start that follows the fetch */
} a_executor;

typedef struct agent_metrics {
	uint64_t registrations, reconnects;
	uint64_t tasks_launched, tasks_finished, tasks_failed, tasks_killed, tasks_lost;
	uint64_t updates_sent, updates_retried, updates_acked;
	uint64_t leftovers_killed;
	uint64_t executors_launched, executor_calls, executor_events;
	uint64_t checkpoints_written, checkpoint_failures;
	uint64_t tasks_recovered, tasks_recovered_ended, checkpoints_corrupt;
	uint64_t executors_recovered, executors_recovered_ended, executors_resubscribed;
	uint64_t sandboxes_collected, output_bytes_lost;
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
	a_done_task *done, *done_tail; /* oldest first (AGENT_COMPLETED_TASKS at most) */
	size_t ndone;
	a_executor *executors;
	ev_timer exec_heartbeat_timer, stop_timer;
	bool stopping;                     /* SIGTERM: waiting for executors to shut down */
	Mesos__V1__Attribute **attributes; /* --attributes, in arena */
	size_t n_attributes;
	agent_metrics metrics;
	agent_cgroups cg;
	int64_t start_ns;
	char boot_id[40];                 /* this boot of the host */
	double master_reregister_timeout; /* the master's window for us, 0 while unknown */
	int64_t ckpt_warned_ns;           /* last "cannot checkpoint" line */
	ev_timer gc_timer;
	ev_prepare ckpt_prepare;                /* urgent checkpoints: before the loop blocks */
	ev_timer ckpt_timer;                    /* the others, soon after */
	bool reserve_held;                      /* meta/reserve exists: released on a full disk */
	int64_t recovered_ns, recovery_done_ns; /* recovery timing for /state */
	uint64_t self_start;                    /* our start time (/proc/self/stat field 22), for supervisors */
	char supervisor[PATH_MAX];              /* the supervisor program (agent_supervisor_find) */
	char fetcher[PATH_MAX];                 /* meso-fetcher next to us, or "" (agent_supervisor_find) */
	char fetch_cache[PATH_MAX];             /* --fetcher_cache_dir, absolute */
	rt_lag *lag;                            /* turns of our loop that held it: not the master's silence */
	rt_loglevel loglevel;                   /* SET_LOGGING_LEVEL's verbosity and its timer */
	a_group *groups;                        /* task groups on the default executor (agent_groups.c) */
	uint64_t launch_groups;                 /* the last LAUNCH_GROUP number given (a_task.launch_group) */
	rt_credentials http_creds;              /* --http_credentials */
	rt_acls *acls;                          /* --acls, or NULL: everything allowed */
	const char *principal;                  /* of the request being served (agent_auth.c), or NULL */
	rt_ratelimit auth_log;                  /* refusals logged at most once a second */
	/* The persistent volumes the master says it has (agent_volumes.c):
	 * CREATE_VOLUME messages, each a volume Resource, for its state. */
	Meso__Agent__VolumeOp **volumes;
	size_t nvolumes;
} agent;

/* agent.c */
/* Sets up the agent (no connection yet): flags, work_dir, HTTP port. */
int agent_init(agent *a, struct ev_loop *loop, const agent_flags *flags, char *err, size_t errlen);
/* Recovers or cleans up what a predecessor on the same work_dir left
 * (agent_recover.c), sets up cgroups and the sandbox collector, and connects
 * to the master. 0, or -1 with err (the agent cannot start). */
int agent_start(agent *a, const char *isolation, char *err, size_t errlen);
void agent_shutdown(agent *a);
/* A new task record (STAGING) on the agent's list and map. */
a_task *agent_task_add(agent *a, const char *fw_id, const char *task_id);
/* Queues an update whose frame is already packed (a recovered one). */
void agent_task_requeue(agent *a, a_task *t, const uint8_t uuid[16], Mesos__V1__TaskState state, const uint8_t *frame,
                        size_t len);
/* Whether the master has been silent for longer than --master_timeout,
 * not counting the turns of our own loop that held it (rt_lag: it could not
 * have read the master then); the busy time in *busy_ns. */
bool agent_master_timed_out(const agent *a, int64_t now_ns, int64_t *busy_ns);
/* Connects to the master (or starts following the leader with --zk). */
int agent_connect(agent *a, char *err, size_t errlen);
/* Queues a status update for a task (sent in order, retried until acked). */
void agent_task_update(agent *a, a_task *t, Mesos__V1__TaskState state, int reason, const char *message);
/* Queues an executor's status (its uuid is kept; agent_id, executor_id and
 * timestamp are filled in when missing). */
void agent_task_status(agent *a, a_task *t, Mesos__V1__TaskStatus *st);
/* Sends a frame to the master when connected. */
void agent_send(agent *a, const Meso__Agent__AgentMessage *msg);
/* Marks the task's checkpoint as behind its record: written before the
 * loop next blocks (urgent: before a queued update is sent) or within
 * 0.1 s. */
void agent_checkpoint_later(agent *a, a_task *t, bool urgent);
/* Frees a task that is terminal and fully acknowledged (or abandoned). */
void agent_task_forget(agent *a, a_task *t);
/* The task of a framework with that id, in O(1), or NULL. */
a_task *agent_task_find(agent *a, const char *fw_id, const char *task_id);

/* agent_tasks.c */
/* Kills what an earlier agent with the same work_dir left running, except
 * the supervisors and process groups of tasks this agent adopted. */
void agent_kill_leftovers(agent *a);
/* Watches a recovered task's supervisor (not our child) through a pidfd. */
int agent_task_adopt(agent *a, a_task *t);
/* A task's supervisor ended: reads its exit record and reports the task's
 * end. known/status: the supervisor's own wait status when we are its
 * parent (it mirrors the task's). */
void agent_task_ended(agent *a, a_task *t, bool known, int status);
/* The recovery timeout handed to new supervisors: --recovery_timeout, but
 * short enough that a task is dead before the master offers its resources
 * again (the master's re-registration window less the kill grace). */
double agent_recovery_timeout(const agent *a);
/* Starts a task's process; on failure queues TASK_FAILED. */
/* Starts a command task in its sandbox, as `user` (RunTask.user) when
 * --switch_user is on. */
void agent_task_launch(agent *a, a_task *t, const Mesos__V1__TaskInfo *info, const char *user);
/* TERM to the task's process group, KILL after the grace period. */
/* TERM to the task's process group, KILL after grace seconds; a second
 * kill with override restarts that clock with its own grace. */
void agent_task_kill(agent *a, a_task *t, double grace, bool override);
/* The grace period of a kill that names none: the task's
 * TaskInfo.kill_policy, else --kill_grace. */
double agent_task_kill_grace(agent *a, const a_task *t);
/* Directory name made of s's safe characters. */
void agent_sanitize(const char *in, char *out, size_t len);

/* agent_executors.c */
/* Starts the executors' heartbeat timer. */
void agent_executors_init(agent *a);
/* Hands a task to its custom executor, starting the executor first when it
 * does not run yet. */
void agent_executor_run(agent *a, a_task *t, const Mesos__V1__TaskInfo *ti, const Mesos__V1__FrameworkInfo *fi,
                        const char *user);
/* Hands a LAUNCH_GROUP's tasks to its custom executor (started first when
 * it does not run yet) in one LAUNCH_GROUP event, queued together until the
 * executor subscribes. What becomes of one task is the executor's call:
 * the agent applies no group rule to them. */
void agent_executor_run_group(agent *a, const Meso__Agent__RunTaskGroup *rg);
/* KILL to the task's executor; a task never delivered is TASK_KILLED, and
 * with it the rest of its LAUNCH_GROUP (Mesos: a group is delivered whole
 * or not at all). */
void agent_executor_kill_task(agent *a, a_task *t, const Mesos__V1__KillPolicy *kp);
/* The framework acknowledged an update of t: ACKNOWLEDGED to its executor. */
void agent_executor_acknowledged(agent *a, a_task *t, const uint8_t uuid[16]);
/* SHUTDOWN to the framework's executors; SIGKILL after their grace period. */
void agent_executors_shutdown_framework(agent *a, const char *fw_id);
/* One executor of a framework told to shut down (then killed after its
 * grace period); false if the agent has no such executor. */
bool agent_executor_shutdown(agent *a, const char *fw_id, const char *executor_id);
/* Re-creates an executor from its checkpoint (agent_recover.c): adopted
 * when its supervisor still runs (it then has
 * --executor_reregistration_timeout to SUBSCRIBE again), else marked as
 * ended. The checkpoint's message is the caller's. */
a_executor *agent_executor_recover(agent *a, const Meso__Agent__ExecutorCheckpoint *c, const char *path);
/* After the tasks are recovered: executors that ended while the agent was
 * down report their tasks' end (from their exit records) and are freed. */
void agent_executors_recovered(agent *a);
/* The framework's executor with that id, or NULL. */
a_executor *agent_executor_find(agent *a, const char *fw_id, const char *id);
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
/* --isolation: ours ("auto", "none") or Mesos's isolator list
 * ("cgroups/cpu,cgroups/mem", "posix/cpu,posix/mem", ...). The mode
 * agent_cgroups_init takes: "auto" when the list names a cgroups/
 * isolator, else "none". Isolators Meso does not have go into ignored
 * (comma-separated, for a warning). 0, or -1 with why (an unknown name). */
int agent_isolation_parse(const char *text, const char **mode, char *ignored, size_t ignoredlen, char *err,
                          size_t errlen);
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

/* agent_exit.c (exit records, CRC-32) and agent_checkpoint.c (files under
 * work_dir/meta). */
enum { AGENT_CKPT_AGENT = 1, AGENT_CKPT_TASK = 2, AGENT_CKPT_EXECUTOR = 3 };
/* A task's exit as its supervisor records it: one text line with a CRC,
 * written over a record of this size made when the task started. */
#define AGENT_EXIT_RECORD_LEN 160
typedef struct agent_exit_record {
	int wait_status;             /* waitpid's status of the task */
	bool oom;                    /* its cgroup's OOM killer struck */
	bool recovery_timeout;       /* killed because no agent came back in time */
	uint64_t out_lost, err_lost; /* bytes of stdout/stderr the disk did not take */
} agent_exit_record;
/* One unacknowledged update of a task checkpoint. */
typedef struct agent_ckpt_update {
	uint8_t uuid[16];
	Mesos__V1__TaskState state;
	uint8_t *frame; /* packed AgentMessage{STATUS_UPDATE} */
	size_t len;
} agent_ckpt_update;
/* A decoded and checked task checkpoint. */
typedef struct agent_task_ckpt {
	Meso__Agent__TaskCheckpoint *msg;
	char *task_id; /* from its TaskInfo */
	agent_ckpt_update *updates;
	size_t n_updates;
	size_t used; /* bytes of whole records; what follows was a write cut short */
	bool torn;   /* there was such a tail (it must not be appended to) */
} agent_task_ckpt;
uint32_t agent_crc32(const uint8_t *p, size_t n);
/* Writes all n bytes (retrying short writes and EINTR). 0, or -1 (errno). */
int agent_write_all(int fd, const void *buf, size_t n);
/* Appends header + message to out. */
void agent_ckpt_pack(uint32_t kind, const ProtobufCMessage *msg, rt_buf *out);
/* A task file is records appended one after another (each a header and a
 * message): finds the last whole one (*off) and the length of the whole
 * records (*used); *torn when a write cut short follows them. 0, or -1 with
 * why when the file is damaged (a bad record before its end, or no whole
 * record at all). */
int agent_ckpt_last_record(const uint8_t *data, size_t len, uint32_t kind, size_t *off, size_t *used, bool *torn,
                           char *why, size_t whylen);
/* Checks header, kind, length and CRC of one record that is the whole of
 * data, then unpacks; NULL with why. */
ProtobufCMessage *agent_ckpt_unpack(const uint8_t *data, size_t len, uint32_t kind,
                                    const ProtobufCMessageDescriptor *desc, char *why, size_t whylen);
/* Write to PATH.tmp, fsync, rename, fsync the folder. 0, or -1 with errno. */
int agent_ckpt_write_file(const char *path, const uint8_t *data, size_t len, char *why, size_t whylen);
int agent_ckpt_read_file(const char *path, rt_buf *out, char *why, size_t whylen);
/* Decodes a task checkpoint (its last whole record) and checks what
 * recovery relies on (ids, an absolute sandbox, sane pids, updates of this
 * task). 0, or -1 with why. */
int agent_task_ckpt_decode(const uint8_t *data, size_t len, agent_task_ckpt *c, char *why, size_t whylen);
void agent_task_ckpt_free(agent_task_ckpt *c);
/* Decodes an executor checkpoint and checks what recovery relies on (ids,
 * an ExecutorInfo that decodes, an absolute sandbox, sane pids). The
 * message, or NULL with why. */
Meso__Agent__ExecutorCheckpoint *agent_executor_ckpt_decode(const uint8_t *data, size_t len, char *why, size_t whylen);
/* The record's line (with its CRC and newline); its length, 0 if too small. */
size_t agent_exit_record_format(const agent_exit_record *r, char *buf, size_t len);
/* 1: a record; 0: still "running" (no exit yet); -1: damaged, with why. */
int agent_exit_record_parse(const char *buf, size_t len, agent_exit_record *r, char *why, size_t whylen);
/* Reads an exit record: 1 a record, 0 still "running", -1 none or damaged. */
int agent_exit_record_read(const char *path, agent_exit_record *r);
void agent_checkpoint_agent(agent *a);
/* Sets t->ckpt from its framework and leaf (NULL: its sandbox's name), and
 * makes its folder. */
int agent_checkpoint_task_path(agent *a, a_task *t, const char *leaf);
/* The exit record next to a checkpoint file (NAME.task -> NAME.exit). */
void agent_exit_record_path(const char *ckpt, char *out, size_t len);
/* Sets e->ckpt (meta/executors/<framework>/<executor>-<container>.executor)
 * and makes its folder. 0, or -1. */
int agent_checkpoint_executor_path(agent *a, a_executor *e);
/* Writes the executor's checkpoint now (durable before it returns). */
void agent_checkpoint_executor(agent *a, a_executor *e);
/* Removes a checkpoint file and its exit record; clears the path. */
void agent_checkpoint_remove(char *ckpt);
/* Writes the checkpoint of every task marked ckpt_dirty, in one batch
 * (a failure is logged and counted, not fatal: written again at the
 * task's next change). */
void agent_checkpoint_tasks(agent *a);

/* agent_supervisor.c: starting and adopting supervisors */
/* The supervisor program, looked for next to the agent's. */
#define AGENT_SUPERVISOR_PROGRAM "meso-agent-supervisor"
/* The user a task runs as (agent_user.c): set only with --switch_user
 * and a user named; otherwise the agent's own. */
typedef struct agent_user {
	bool set;
	uid_t uid;
	gid_t gid;
	char name[256];
} agent_user;
/* Looks the user up: 0 (out->set false when there is nothing to switch),
 * or -1 with the TASK_FAILED message (an unknown user). */
int agent_user_resolve(const struct agent *a, const char *name, agent_user *out, char *err, size_t errlen);
/* Gives the sandbox to the user, mode 0750. 0, or -1 with err. */
int agent_user_own_sandbox(const agent_user *u, const char *sandbox, char *err, size_t errlen);
/* The supervisor's user= argument: "NAME:UID:GID", or "" for none. */
void agent_user_arg(const agent_user *u, char *out, size_t len);

typedef struct agent_spawn_spec {
	const char *sandbox;
	const agent_user *user; /* switch to it before the command, or NULL */
	const Mesos__V1__CommandInfo *cmd;
	const char *fw_id, *executor_id, *task_id; /* task_id NULL for an executor */
	double grace;
	const a_task *task;          /* whose cgroups the process joins, or NULL */
	const char *record;          /* exit record path, or NULL */
	double recovery_timeout;     /* seconds the process outlives the agent */
	bool fetched;                /* its command's URIs are in the sandbox already */
	const char *allocation_role; /* a task's: MESOS_ALLOCATION_ROLE, as Mesos's executors set it; or NULL */
} agent_spawn_spec;
/* Starts a supervisor (posix_spawn: the agent's memory is not copied)
 * which starts the process under it: its own session and process group,
 * the command with the task's environment (the command's plus what Mesos
 * gives executors), stdout/stderr through the supervisor into the sandbox,
 * the task's cgroups. Sets the supervisor's pid (our child) and the pipe on
 * which it reports the process's pid (agent_spawn_read; the caller closes
 * it). 0, or -1 with err (the status message: e.g. "The task's supervisor
 * could not start (…: Permission denied)"). */
int agent_spawn(agent *a, const agent_spawn_spec *s, pid_t *sup_pid, int *report_fd, char *err, size_t errlen);
/* posix_spawn settings of a helper process the agent runs and watches
 * (meso-fetcher for an executor, a health check's command): in dir, stdin
 * from /dev/null, stdout and stderr appended to out and err, nothing else
 * of the agent's open, no signal blocked or ignored, its own process group
 * (a kill reaches all of it). The caller destroys both. */
void agent_spawn_helper_init(posix_spawn_file_actions_t *fa, posix_spawnattr_t *attr, const char *dir, const char *out,
                             const char *err);
/* What would stop meso-fetcher for cmd's URIs, found before anything
 * starts: 0, or -1 with Mesos's message ("Failed to fetch all URIs for
 * container 'ID': …"). */
int agent_fetch_check_cmd(agent *a, const Mesos__V1__CommandInfo *cmd, const char *id, char *err, size_t errlen);
/* meso-fetcher's arguments after its name (AGENT_FETCH_OPTS options:
 * --sandbox, --cache_dir, --cache_size, --stall_timeout; then one per URI)
 * into out (room for AGENT_FETCH_OPTS + cmd->n_uris); how many. Strings
 * live in ar. */
#define AGENT_FETCH_OPTS 4
size_t agent_fetch_args(agent *a, const char *sandbox, const Mesos__V1__CommandInfo *cmd, rt_arena *ar, char **out);
/* Mesos's message for URIs that could not be fetched into sandbox, with
 * the fetcher's last line from its stderr (agent_tasks.c). */
void agent_fetch_failure(const char *sandbox, const char *id, char *msg, size_t len);
/* Gives everything under dir to uid:gid, symlinks not followed
 * (agent_supervise.c: what meso-fetcher wrote becomes the task's user's). */
void agent_give_tree(const char *dir, uid_t uid, gid_t gid);
/* Reads the process's pid from a report pipe: 1 with *pid; 0 when the pipe
 * is non-blocking and it is not there yet; -1 when the supervisor could not
 * start the process (errno says why). */
int agent_spawn_read(int fd, pid_t *pid);
/* Sets a->supervisor: meso-agent-supervisor next to the agent's program
 * when it is there, else the agent's program itself (`--supervise`). */
void agent_supervisor_find(agent *a);

/* agent_groups.c: task groups on the default executor (LAUNCH_GROUP) */
/* Starts a group's tasks as command tasks of one group, or hands a group
 * on a custom executor to agent_executor_run_group. */
void agent_group_run(agent *a, const Meso__Agent__RunTaskGroup *rg);
/* A new task record of a group, its TaskInfo kept with the group's
 * ExecutorInfo (as Mesos's master sets it: a re-registration names the
 * executor). */
a_task *agent_group_task_add(agent *a, const char *fw_id, const Mesos__V1__TaskInfo *ti,
                             const Mesos__V1__ExecutorInfo *ei);
/* A recovered task back in its group (group_executor_id). */
void agent_group_join(agent *a, a_task *t, const char *exec_id);
/* A KILL of one task of a group: the others are killed too (Mesos's
 * default executor). */
void agent_group_kill(agent *a, a_task *t);
/* A task of a group reached a terminal state (its update queued): FAILED,
 * KILLED or LOST kills the rest; the last one ends the executor
 * (EXECUTOR_EXITED to the master). */
void agent_group_task_ended(agent *a, a_task *t, Mesos__V1__TaskState state);
/* The task is forgotten: it leaves its group (freed when empty). */
void agent_group_forget(agent *a, a_task *t);
/* The group's ExecutorInfo (from its tasks' TaskInfos), for the master's
 * re-registration: it keeps charging the executor while a task of the
 * group has not ended. Unpacked (the caller frees it with
 * mesos__v1__executor_info__free_unpacked), or NULL. */
Mesos__V1__ExecutorInfo *agent_group_executor_info(agent *a, const a_group *g);
/* The next group on the agent's list, or NULL. */
a_group *agent_group_next(const a_group *g);
/* The group's framework. */
const char *agent_group_framework_id(const a_group *g);
const char *agent_group_executor_id(const a_group *g);
/* EXECUTOR_EXITED to the master (agent_executors.c). */
void agent_executor_report_exited(agent *a, const char *fw_id, const char *exec_id, int status);

/* agent_auth.c: the agent's own endpoints */
/* Loads --http_credentials and --acls; 0, or -1 with err (auth on with no
 * credentials is an error, as in Mesos). */
int agent_auth_init(agent *a, char *err, size_t errlen);
void agent_auth_free(agent *a);
/* Checks the request's credentials when its endpoint's realm asks for
 * them (Mesos's agent realms: mesos-agent-readonly, -readwrite); sets
 * a->principal. False after answering 401 with WWW-Authenticate. */
bool agent_http_authenticate(agent *a, rt_http_session *s, const rt_http_request *req);
/* access_sandboxes: may the request's principal see a sandbox owned by
 * uid? NULL, or why not (into buf). */
const char *agent_may_access_sandbox(const agent *a, uid_t uid, char *buf, size_t len);

/* agent_supervise.c: the supervisor process */
/* main() of `meso-agent-supervisor --supervise ...` and of
 * `meso-agent --supervise ...` (what agent_spawn executes). */
int agent_supervise_main(int argc, char **argv);
int agent_pidfd_open(pid_t pid);
/* Watches a supervisor that is not our child (left by a predecessor):
 * when pid is alive and started at start, opens a pidfd, starts w on it
 * with cb (w->data = data) and signals the supervisor that it has an agent
 * again (SIGUSR1: it stops its recovery clock). The pidfd, or -1. */
int agent_supervisor_adopt(agent *a, pid_t pid, uint64_t start, ev_io *w, void (*cb)(struct ev_loop *, ev_io *, int),
                           void *data);
/* Whether pid is a live (not zombie) process; its start time (clock ticks
 * since boot, /proc/PID/stat field 22) in *start. */
bool agent_proc_alive(pid_t pid, uint64_t *start);
/* Whether pid is alive and started at start (0: any). */
bool agent_proc_is(pid_t pid, uint64_t start);

/* agent_recover.c */
/* Reads the checkpoints (--recover=reconnect): the agent's id, its tasks,
 * adopting those whose supervisor still runs and reporting the others' end;
 * or, with --recover=cleanup, forgets them. */
void agent_recover(agent *a);

/* agent_gc.c: finished sandboxes, disk pressure, the disk reserve. */
void agent_gc_init(agent *a);
/* One collection now (also what the timer runs). */
void agent_gc_run(agent *a);
/* Frees the reserve file on a full disk; true if there was one. */
bool agent_gc_release_reserve(agent *a);
/* Removes a file or a folder with everything in it. 0, or -1. */
int agent_remove_tree(const char *path);

/* agent_resources.c: what --resources leaves out, from the host (Mesos's rule). */
typedef struct agent_host {
	long cpus;           /* CPUs online */
	uint64_t mem_bytes;  /* total memory */
	uint64_t disk_bytes; /* size of work_dir's filesystem */
	bool cpus_known, mem_known, disk_known;
} agent_host;
/* Measures the host (what it cannot is left unknown). */
void agent_host_probe(const char *work_dir, agent_host *h);
/* Mesos's shares of a host: memory less 1 GB (half below 2 GB), disk less
 * 5 GB (half below 10 GB), in whole MB. */
uint64_t agent_default_mem_mb(uint64_t total_bytes);
uint64_t agent_default_disk_mb(uint64_t total_bytes);
/* given (--resources, or NULL) with each of cpus, mem, disk and ports it
 * does not name added from h (Mesos's defaults where h does not know:
 * cpus:1, mem:1024, disk:10240; ports:[31000-32000]). 0, or -1 when out is
 * too small. */
int agent_default_resources(const char *given, const agent_host *h, char *out, size_t len);

/* agent_http.c: every request to the agent's HTTP port. */
void agent_http_handler(void *ud, rt_http_session *s, const rt_http_request *req);

/* agent_operator.c: the v1 operator API (POST /api/v1, /slave(1)/api/v1). */
void agent_operator_call(agent *a, rt_http_session *s, const rt_http_request *req);
/* The agent's flags as {name, value} (GET_FLAGS, /slave(1)/state), in ar. */
size_t agent_view_flags(agent *a, rt_arena *ar, Mesos__V1__Flag ***out);

/* agent_mesos.c: GET /slave(1)/state (and /slave(1)/state.json), Mesos's
 * v0 agent state JSON. It, /flags and /metrics/snapshot take Mesos's
 * ?jsonp=NAME (query: the request's query string). */
void agent_serve_mesos_state(agent *a, rt_http_session *s, const char *query);
/* Mesos's /flags (and /slave(1)/flags): {"flags": {name: value}}. */
void agent_serve_flags(agent *a, rt_http_session *s, const char *query);
/* Mesos's agent metrics as a flat object (slave/..., system/...): GET
 * /metrics/snapshot and GET_METRICS. The caller owns it. */
json_t *agent_metrics_snapshot(agent *a);
void agent_serve_metrics_snapshot(agent *a, rt_http_session *s, const char *query);

/* agent_files.c: task sandboxes, confined (see the file's comment). */
/* Opens what path names inside a task's sandbox (a real path under
 * work_dir/frameworks, or Mesos's virtual /frameworks/FW/executors/EX/runs/
 * (latest|ID)/...) with open(2) flags, beneath the sandbox's folder. The
 * descriptor, or minus an HTTP status (400 "..", 403 out of the sandbox,
 * 404) with msg. */
int agent_files_open(agent *a, const char *path, int flags, char *msg, size_t len);
/* LIST_FILES and /files/browse: a folder's entries (a file: itself), each
 * path the requested one joined with the name. 0, or a status with msg. */
int agent_files_list(agent *a, const char *path, rt_arena *ar, Mesos__V1__FileInfo ***out, size_t *n, char *msg,
                     size_t len);
/* READ_FILE and /files/read: up to length bytes (-1: to the end; at most
 * 64 KiB, as Mesos) from offset of a regular file, in ar; its size. 0, or
 * a status with msg (400 for a folder). */
int agent_files_read(agent *a, const char *path, int64_t offset, int64_t length, rt_arena *ar, uint8_t **data,
                     size_t *n, int64_t *size, char *msg, size_t len);
/* GET /files/browse, /files/read, /files/download (also *.json). */
void agent_files_http(agent *a, rt_http_session *s, const rt_http_request *req);

/* agent_volumes.c: persistent volumes. */
/* The master created (create) or destroyed a volume: its directory
 * work_dir/volumes/roles/ROLE/ID is made or removed with its data. */
void agent_volume_apply(agent *a, const Meso__Agent__VolumeOp *op, bool create);
/* Links each persistent volume among the resources (a task's, or a custom
 * executor's) into the sandbox (the task's, or its executor's) at the
 * volume's container_path (the directory made if missing, owned by user);
 * a link already there to the same volume is kept. 0, or -1 with the
 * TASK_FAILED message. */
int agent_volumes_link(agent *a, Mesos__V1__Resource *const *res, size_t n, const char *sandbox, const agent_user *user,
                       char *msg, size_t len);
/* A task on a custom executor has ended: the links of its volumes that
 * neither the executor's resources nor its other live tasks name are
 * removed from the executor's sandbox (Mesos's posix filesystem isolator
 * keeps the links of the container's current resources only). */
void agent_volumes_unlink_task(agent *a, const a_task *t);
/* Mesos's reserved_resources_full: role -> its reserved Resources as JSON
 * (the static reservations, and the volumes; the master keeps the dynamic
 * reservations). */
json_t *agent_volumes_reserved_full(agent *a);
void agent_volumes_free(agent *a);

#endif

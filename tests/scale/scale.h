/*
 * scale.h — meso-scale's state, shared by its files: scale_main.c (flags,
 * phases, the result), scale_agents.c (emulated agents on the framed
 * protocol), scale_frameworks.c (emulated v1 frameworks) and scale_probe.c
 * (the master's /metrics and /proc). One libev loop, no threads.
 */
#ifndef MESO_SCALE_H
#define MESO_SCALE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloccore/alloccore.h"
#include "meso_agent.pb-c.h"
#include "mesos.pb-c.h"
#include "rt_frame.h"
#include "rt_http_client.h"
#include "rt_util.h"

/* Repeated warnings (one per agent at 10,000 agents) are logged this many
 * times each, then only counted. */
#define SCALE_LOGGED 20

typedef struct scale_config {
	char host[256]; /* of --master */
	int port;
	int agents, frameworks;
	const char *agent_resources; /* what each emulated agent registers with */
	const char *task_resources;  /* what each emulated task asks for */
	double task_seconds;         /* how long a task "runs" (its command is `sleep N`) */
	int backlog;                 /* tasks each framework keeps queued or running */
	int tasks_per_offer;         /* most tasks launched on one offer */
	double refuse_seconds;       /* filter of DECLINE and of ACCEPT's unused rest */
	double warmup_seconds, window_seconds;
	int master_pid; /* 0: no RSS/CPU of the master */
	const char *json_path;
	int connect_burst; /* agent handshakes in flight at once */
	double setup_timeout_seconds;
	/* The real agent's own knobs, with its defaults (meso-agent --help). */
	double status_retry_seconds, status_retry_max_seconds;
	double master_timeout_seconds, reconnect_max_seconds;
	double scrape_seconds; /* /metrics scrape period during the window */
	int check;             /* 1: exit 1 on a lost agent, a protocol error or no task run */
	double check_timeout_seconds;
} scale_config;

/* Everything counted, by agents (a_) and frameworks (f_). Snapshots at the
 * window's edges give the window's numbers. */
typedef struct scale_counts {
	uint64_t a_registrations, a_reregistrations, a_new_ids;
	uint64_t a_disconnects;   /* connections the master closed (or lost) */
	uint64_t a_master_silent; /* closed by us: no frame for --master-timeout */
	uint64_t a_run_tasks, a_kills, a_shutdowns;
	uint64_t a_updates_sent, a_updates_retried, a_acks, a_stale_acks;
	uint64_t a_pings;
	uint64_t f_offer_events, f_offers, f_rescinds, f_accepts, f_declines, f_decline_calls;
	uint64_t f_launched, f_starting, f_running, f_finished, f_failed, f_killed, f_lost, f_error, f_dropped;
	uint64_t f_gone, f_other_terminal, f_stale_updates, f_acknowledges, f_heartbeats;
	uint64_t f_agent_failures; /* FAILURE{agent_id} events seen by framework 0 */
	uint64_t protocol_errors;
} scale_counts;

/* Latency samples of the window (nanoseconds), growable. */
typedef struct scale_samples {
	int64_t *v;
	size_t n, cap;
} scale_samples;

/* What one scrape of the master's /metrics held (NAN when missing). */
typedef struct scale_metrics {
	bool ok;
	double removals, agents_connected, agents_disconnected;
	double offers_made, passes;
	double alloc_sum, alloc_count;
	double alloc_le[32], alloc_buckets[32]; /* bucket bounds (s) and cumulative counts */
	int nbuckets;
	double alloc_recent_p50, alloc_recent_p99;
	double launch_sum, launch_count;
	double tasks_active, offers_outstanding;
} scale_metrics;

/* The master process's /proc numbers. */
typedef struct scale_proc {
	bool ok;
	double rss_mb, hwm_mb;
	double cpu_seconds; /* utime + stime */
	int threads;
} scale_proc;

/* What is read at each edge of the measurement window; the window's numbers
 * are the differences. */
typedef struct scale_edge {
	int64_t t_ns;
	scale_counts c;
	scale_proc p;    /* the master's */
	double self_cpu; /* ours, seconds */
	scale_metrics m; /* the scrape started at the edge */
} scale_edge;

typedef struct e_agent e_agent;
typedef struct e_fw e_fw;

typedef enum {
	PHASE_AGENTS,    /* connecting and registering the agents */
	PHASE_SUBSCRIBE, /* subscribing the frameworks */
	PHASE_WARMUP,
	PHASE_WINDOW,
	PHASE_FINISH, /* after the window: last scrape, --check waits */
	PHASE_DONE,
} scale_phase;

typedef struct scale {
	struct ev_loop *loop;
	scale_config cfg;
	scale_phase phase;
	bool stopping; /* closing everything: closes are ours, not errors */
	ac_core *parser;
	ac_resources task_need;
	rt_arena *arena; /* owns the resource messages below */
	Mesos__V1__Resource **agent_res_pb, **task_res_pb;
	size_t n_agent_res_pb, n_task_res_pb;
	char task_command[64]; /* "sleep N" */

	e_agent *agents;
	int next_connect; /* first agent not yet opened */
	int handshaking;  /* opened and not yet registered */
	int registered;   /* now */
	e_fw *fws;
	int subscribed;

	scale_counts c;
	scale_edge w0, w1;    /* the window's start and end */
	scale_samples launch; /* ACCEPT sent -> TASK_RUNNING received, in the window */
	int64_t launch_max_all_ns;
	int64_t t_start_ns, t_registered_ns, t_subscribed_ns;
	double loop_lag_max_s; /* how late our own timers fired, in the window */

	scale_metrics m_last;      /* the latest good scrape */
	double alloc_scrape_max_s; /* largest mean pass time between two scrapes */
	rt_http_client *scrape;    /* in flight, or NULL */
	rt_buf scrape_body;
	int scrape_purpose;
	ev_timer phase_timer, scrape_timer, lag_timer, setup_timer;
	int exit_status;
} scale;

/* scale_main.c */
/* Counts a protocol error and logs the first ones with what happened. */
void scale_protocol_error(scale *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the run now with status 1 (results so far are still printed). */
void scale_abort(scale *s, const char *why);
/* Agents: one registered for the first time (the connect phase). */
void scale_agent_registered(scale *s);
/* Frameworks: one subscribed. */
void scale_fw_subscribed(scale *s);
/* A framework saw its first TASK_FINISHED (for --check). */
void scale_task_finished(scale *s);
void scale_samples_add(scale_samples *v, int64_t ns);
/* A scrape started by scale_scrape_start ended (m->ok false when it failed). */
void scale_scrape_done(scale *s, int purpose, const scale_metrics *m);

/* scale_agents.c */
/* Allocates the agents (none connected yet). */
void scale_agents_create(scale *s);
/* Opens the next agent connection; false when all are open. */
bool scale_agents_open_next(scale *s);
void scale_agents_close(scale *s);
void scale_agents_destroy(scale *s);

/* scale_frameworks.c */
void scale_fws_create(scale *s);
void scale_fws_subscribe(scale *s);
void scale_fws_close(scale *s);
void scale_fws_destroy(scale *s);

/* scale_probe.c */
/* Parses a Prometheus text body of the master's /metrics. */
void scale_metrics_parse(scale_metrics *m, const char *text, size_t len);
/* Starts a GET /metrics (one at a time); scale_scrape_done gets the result. */
void scale_scrape_start(scale *s, int purpose);
/* Reads /proc/PID/status and /proc/PID/stat. */
void scale_proc_read(int pid, scale_proc *p);
/* Our own CPU seconds (user + system). */
double scale_self_cpu(void);

#endif

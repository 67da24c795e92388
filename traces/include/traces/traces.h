/*
 * traces/traces.h — workloads in: an event source that streams machine and
 * task events in time order, and the readers behind it (Meso's native CSV
 * format, Google cluster-data 2011, Alibaba cluster-trace-v2018, Meso's
 * binary form, an in-memory array for tests), plus the binary writer and the
 * Google-matched workload generator.
 *
 * Depends on nothing of ours. Units, once for the whole library: times and
 * durations are integer nanoseconds (`_ns`), resource amounts are integer
 * thousandths of a unit (`_milli`: 1 cpu = 1000; mem and disk in MB, so
 * 1 MB = 1000). The CSV format itself is documented in traces/README.md.
 */
#ifndef TRACES_TRACES_H
#define TRACES_TRACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	TR_OK = 0,
	TR_EIO = -1,     /* a file cannot be opened or read */
	TR_EFORMAT = -2, /* a malformed header or row */
	TR_ENOMEM = -3,
	TR_EINVAL = -4, /* bad argument */
};

typedef struct tr_err {
	int code;
	char msg[512]; /* "tasks.csv:12: column cpus: expected ..., got 'x'" */
} tr_err;

#define TR_SECOND ((int64_t)1000000000)
#define TR_MILLI  1000 /* fixed-point scale of resource amounts */

/* Resources of a machine or a task, in thousandths. */
typedef struct tr_res {
	int64_t cpus, mem_mb, disk_mb, gpus;
} tr_res;

typedef enum tr_kind {
	TR_MACHINE_ADD,
	TR_MACHINE_REMOVE,
	TR_MACHINE_UPDATE,
	TR_TASK_SUBMIT,
	/* Dynamic reservations of a machine's free resources (`reserved` says
	 * which, for which role), or their end. */
	TR_MACHINE_RESERVE,
	TR_MACHINE_UNRESERVE,
} tr_kind;

/* One workload event. Strings stay valid until the next tr_source_next(). */
typedef struct tr_event {
	tr_kind kind;
	int64_t time_ns;
	tr_res res; /* machine add/update: its total; task: its request */
	/* machine events */
	const char *machine;
	/* add/update: the part of the total reserved for roles, reserve and
	 * unreserve: what; Mesos resource text with roles ("cpus(web):2"), or "" */
	const char *reserved;
	/* task submit */
	const char *job;
	const char *framework;
	uint32_t task_index; /* from 0 within its job */
	int32_t priority;
	bool gang;            /* all tasks of the job must start together */
	const char *locality; /* preferred machine ids separated by '|', or "" */
	const char *role;     /* the role it runs in (one of its framework's), or "": its framework's first */
	int64_t duration_ns;
	/* where the event came from, for messages */
	const char *file;
	uint64_t line;
} tr_event;

/* A framework's settings (frameworks.csv, or defaults for one first seen in
 * the tasks). */
typedef struct tr_framework {
	char *name;
	char *role;                  /* "*" by default; a multi-role framework's first role */
	char *roles;                 /* a multi-role framework's roles, "a;b" (Mesos's MULTI_ROLE); NULL: one, `role` */
	double weight;               /* 1 */
	int32_t priority;            /* 0; higher first under the priority policy */
	uint32_t tasks_per_offer;    /* 0: as many as fit */
	int64_t decision_latency_ns; /* 0 */
	double refuse_seconds;       /* 5 */
} tr_framework;

/* A role's settings (roles.csv). Absent cells: weight 0 (leave the default),
 * guarantee/limit NULL. Quota texts are Mesos resource text. */
typedef struct tr_role {
	char *role;
	double weight;
	char *guarantee;
	char *limit;
} tr_role;

/* Fills fw with the defaults above; name and role are left NULL. */
void tr_framework_defaults(tr_framework *fw);

/* ------------------------------------------------------ the event source */

typedef struct tr_source tr_source;

/* What a reader implements. */
typedef struct tr_source_ops {
	/* 1: *ev filled; 0: no event left; < 0: a TR_E* error in err. */
	int (*next)(tr_source *src, tr_event *ev, tr_err *err);
	/* Fraction of the workload read so far, in [0, 1]. */
	double (*progress)(const tr_source *src);
	void (*destroy)(tr_source *src);
	/* Optional (NULL when the format has no dependencies): the task
	 * (job, task_index) given by next() finished at time_ns. 1 when this made
	 * events ready that next() did not have (DAG children); 0 otherwise. */
	int (*task_finished)(tr_source *src, const char *job, uint32_t task_index, int64_t time_ns);
} tr_source_ops;

/* Every reader embeds this as its first member. */
struct tr_source {
	const tr_source_ops *ops;
	tr_framework *fws; /* known before the first event (may be empty) */
	size_t nfws;
	tr_role *roles;
	size_t nroles;
	uint64_t bad_rows;    /* skipped rows (skip_bad_rows) */
	uint64_t events_hint; /* events the source will give, when it knows (binary form); 0: unknown */
	char *info;           /* what the reader assumed or built, for the user; or NULL */
};

/* Next event in time order (ties: machine events first, then file order).
 * Returns 1, 0 at the end, or a negative TR_E* code with err filled. */
int tr_source_next(tr_source *src, tr_event *ev, tr_err *err);
double tr_source_progress(const tr_source *src);
/* Frameworks known up front, in file order. */
const tr_framework *tr_source_frameworks(const tr_source *src, size_t *n);
const tr_role *tr_source_roles(const tr_source *src, size_t *n);
/* Rows skipped as malformed so far. */
uint64_t tr_source_bad_rows(const tr_source *src);
/* How many events the source will give, when it knows beforehand (the
 * binary form does); 0 when not. A consumer may size its tables by it. */
uint64_t tr_source_events_hint(const tr_source *src);
void tr_source_destroy(tr_source *src);
/* A line or two on what the reader assumed or built (a synthesized machine
 * table, rows counted and dropped, unit scales), or NULL. Owned by src. */
const char *tr_source_info(const tr_source *src);

/* Dependencies between tasks (Alibaba DAGs). The consumer calls this when a
 * task it got from tr_source_next() finishes. When it returns 1, events
 * became ready: the consumer drops the look-ahead event it holds from
 * tr_source_next() (unconsumed; it will be given again, in time order) and
 * calls tr_source_next() again. For such a source, tr_source_next()
 * returning 0 means "nothing ready now"; when no task runs and it returns 0
 * the workload is over (children of tasks that never finish are never
 * submitted). Events made ready by a finish at time t carry time >= t.
 * Sources without dependencies return 0. */
int tr_source_task_finished(tr_source *src, const char *job, uint32_t task_index, int64_t time_ns);
/* Whether the source has dependencies (tr_source_task_finished matters). */
bool tr_source_has_deps(const tr_source *src);

/* ------------------------------------------------------- native CSV reader */

typedef struct tr_csv_config {
	const char *machines;   /* machines.csv (required) */
	const char *tasks;      /* tasks.csv (required) */
	const char *frameworks; /* frameworks.csv or NULL */
	const char *roles;      /* roles.csv or NULL */
	/* Malformed rows are skipped and counted instead of ending the read. */
	bool skip_bad_rows;
	/* Without frameworks.csv, read tasks.csv once up front to list its
	 * frameworks (in first-seen order, default settings). */
	bool scan_frameworks;
	/* Called with the message of each skipped row (may be NULL). */
	void (*warn)(void *ud, const char *msg);
	void *warn_ud;
} tr_csv_config;

/* Opens the files and reads frameworks.csv and roles.csv whole (those files
 * must be valid even with skip_bad_rows). Errors name file, line and column. */
int tr_csv_open(const tr_csv_config *cfg, tr_source **out, tr_err *err);

/* ---------------------------------------------- Google cluster-data 2011 */

/* Reads clusterdata-2011-2 task_events (and machine_events when present),
 * plain or gzip, from a directory: DIR/task_events/part-NNNNN-of-MMMMM.csv[.gz] (the official
 * layout) or DIR/task_events*.csv[.gz]; machine_events likewise. The whole
 * task table is read when opened (a task's service time is only known at its
 * end) and tasks are given in submit order. Mapping of event types, units and
 * missing fields: traces/README.md, "Google cluster-data 2011". */
typedef struct tr_google_config {
	const char *dir;
	bool frameworks_by_job;     /* framework = job id (default: user hash) */
	int64_t cpu_milli_per_unit; /* 0: 32000 (normalized 1.0 = 32 cores) */
	int64_t mem_mb_per_unit;    /* 0: 131072 (1.0 = 128 GiB) */
	uint32_t synth_machines;    /* no machine table: machines to build (0: 12583) */
	bool skip_bad_rows;
	void (*warn)(void *ud, const char *msg);
	void *warn_ud;
} tr_google_config;

/* What the reader saw and did (all counts). */
typedef struct tr_google_stats {
	uint64_t rows;                 /* task_events rows read */
	uint64_t by_type[9];           /* rows per event type 0..8 */
	uint64_t tasks;                /* distinct (job, task index) */
	uint64_t submitted;            /* tasks given to the consumer */
	uint64_t resubmissions;        /* SUBMITs after the first (collapsed) */
	uint64_t never_scheduled;      /* dropped: never ran in the trace */
	uint64_t missing_request;      /* dropped: no CPU/memory request on any row */
	uint64_t missing_fields;       /* rows with a blank optional field (request, user, priority, ...) */
	uint64_t open_at_end;          /* running when the data ends: run to the last timestamp */
	uint64_t update_ignored;       /* UPDATE_RUNNING rows (a running task keeps its request) */
	uint64_t machine_rows;         /* machine_events rows read */
	uint64_t machine_rows_dropped; /* blank capacity, remove of an absent machine */
	uint64_t machines;             /* distinct machines (read or built) */
	bool machines_synthesized;     /* no machine table: built from the 10 classes */
} tr_google_stats;

int tr_google_open(const tr_google_config *cfg, tr_source **out, tr_err *err);
/* Fills st when src is a Google 2011 source; TR_EINVAL otherwise. */
int tr_google_stats_get(const tr_source *src, tr_google_stats *st);

/* ---------------------------------------- Alibaba cluster-trace-v2018 */

/* Reads batch_task.csv (and machine_meta.csv when present) from DIR (files
 * batch_task.csv / machine_meta.csv, or any *batch_task*.csv /
 * *machine_meta*.csv there). Each task row becomes instance_num tasks of its
 * job (task indices consecutive per job in file order); DAG names (M1, R4_2,
 * J5_3_4) give dependencies: a task's instances are submitted when every
 * instance of all its parents has finished (tr_source_task_finished). Units
 * and arrivals: traces/README.md, "Alibaba cluster-trace-v2018". */
typedef struct tr_alibaba_config {
	const char *dir;
	const char *batch_task;     /* a file instead of DIR's (optional) */
	const char *machine_meta;   /* likewise */
	int64_t mem_milli_per_unit; /* thousandths of a MB per plan_mem unit; 0: 5242880 (100 = 512 GiB) */
	bool skip_bad_rows;
	void (*warn)(void *ud, const char *msg);
	void *warn_ud;
} tr_alibaba_config;

int tr_alibaba_open(const tr_alibaba_config *cfg, tr_source **out, tr_err *err);

/* ------------------------------------------------------------ binary form */

/* Meso's binary workload (traces/README.md, "Binary form"): little-endian,
 * a 64-byte header (magic "MESOTRB", version, counts, FNV-1a 64 checksum of
 * everything after it), fixed-size 72-byte event records, framework and
 * role records, and a string table. */
#define TR_BIN_VERSION 1

/* Drains src (which must have no dependencies) into path. Frameworks and
 * roles known up front are kept. Multi-role frameworks and tasks naming a
 * role are not kept by the binary form: refused (TR_EINVAL). 0 or a TR_E*
 * code with err filled. */
int tr_bin_write(tr_source *src, const char *path, tr_err *err);
/* Memory-maps path and checks it whole (size, magic, version, checksum,
 * every offset) before giving any event: a truncated, corrupted or
 * wrong-version file is rejected with a message naming it. */
int tr_bin_open(const char *path, tr_source **out, tr_err *err);
/* The same over a buffer the caller keeps alive (name is for messages). */
int tr_bin_open_mem(const void *data, size_t size, const char *name, tr_source **out, tr_err *err);

/* ------------------------------------------------- opening by name */

/* The file names of a native CSV workload folder, as tr_csv_dir_fill
 * builds them (owned by the caller, alive as long as the config using them). */
typedef struct tr_csv_dir {
	char machines[4096], tasks[4096], frameworks[4096], roles[4096];
} tr_csv_dir;

/* Points cfg at the files of workload folder dir, keeping any file cfg
 * already names: DIR/machines.csv and DIR/tasks.csv, and DIR/frameworks.csv
 * and DIR/roles.csv when they exist. The names are written into names. */
void tr_csv_dir_fill(tr_csv_config *cfg, const char *dir, tr_csv_dir *names);

/* The kinds of trace a "KIND:PATH" name can give. */
typedef enum tr_trace_kind {
	TR_TRACE_NONE = 0, /* no known KIND: prefix */
	TR_TRACE_GOOGLE2011,
	TR_TRACE_ALIBABA2018,
	TR_TRACE_BIN,
} tr_trace_kind;

/* The kind named by spec's prefix ("google2011:", "alibaba2018:", "bin:"). */
tr_trace_kind tr_trace_kind_of(const char *spec);

/* What the readers opened by name share. */
typedef struct tr_open_config {
	bool frameworks_by_job; /* google2011: one framework per job */
	bool skip_bad_rows;
	void (*warn)(void *ud, const char *msg);
	void *warn_ud;
} tr_open_config;

/* Opens the trace named "google2011:DIR", "alibaba2018:DIR" or "bin:FILE"
 * (the one place a new reader is added to the programs' --trace). cfg may be
 * NULL (the readers' defaults). An unknown kind is TR_EINVAL with a message
 * listing the known ones. */
int tr_trace_open(const char *spec, const tr_open_config *cfg, tr_source **out, tr_err *err);

/* ------------------------------------------- Google-matched generator */

/* A synthetic workload following the Google 2011 statistics (machine
 * classes, bursty diurnal job arrivals, tasks per job, per-job requests,
 * runtimes; traces/README.md, "meso-trace gen"). Integer arithmetic and a
 * seeded xoshiro256**: the same config gives byte-identical files. */
typedef struct tr_gen_config {
	uint32_t machines; /* > 0: the 10 classes in proportion (largest remainder) */
	uint64_t tasks;    /* > 0: exactly this many (the last job is cut short) */
	uint64_t seed;
	const char *dir; /* existing folder: machines.csv and tasks.csv are written there */
	/* false (default): the cell starts with the 2011 cell's standing load
	 * (long-running jobs submitted at t=0, on top of the `tasks` arrivals);
	 * true: it starts empty, as before */
	bool empty_start;
	/* the standing load's requests are capped at this percentage of the
	 * cell's CPU and of its memory (1..100; 0: the default, 50) */
	uint32_t standing_cap_pct;
	/* the arrival rate, in thousandths of the cell's (0: 1000 = as the
	 * trace; 2000 = jobs arrive twice as often; 1..100000) */
	uint32_t load_permille;
} tr_gen_config;

typedef struct tr_gen_stats {
	uint64_t jobs, tasks; /* all written, standing load included */
	uint64_t standing_jobs, standing_tasks;
	int64_t last_submit_ns;
} tr_gen_stats;

/* Streams the workload to cfg->dir (constant memory). st may be NULL.
 * 0, TR_EINVAL or TR_EIO with err filled. */
int tr_gen_write(const tr_gen_config *cfg, tr_gen_stats *st, tr_err *err);

/* ------------------------------------------------------ in-memory source */

/* Replays a copy of evs (which must be in time order; strings are copied)
 * with the given frameworks (copied; may be NULL/0). */
int tr_memory_open(const tr_event *evs, size_t n, const tr_framework *fws, size_t nfws, tr_source **out, tr_err *err);

/* ----------------------------------------------------------- parsing aids */

/* Decimal seconds ("12", "0.25"; at most 9 decimals, no sign or exponent)
 * to nanoseconds. 0 or TR_EFORMAT. */
int tr_parse_seconds(const char *s, int64_t *out_ns);
/* Non-negative decimal amount to thousandths; more than three decimals are
 * rounded to the nearest thousandth (half up). 0 or TR_EFORMAT. */
int tr_parse_milli(const char *s, int64_t *out_milli);

#ifdef __cplusplus
}
#endif
#endif

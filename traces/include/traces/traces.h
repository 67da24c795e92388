/*
 * traces/traces.h — workloads in: an event source that streams machine and
 * task events in time order, and the readers behind it (Meso's native CSV
 * format; an in-memory array for tests and generators).
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
} tr_kind;

/* One workload event. Strings stay valid until the next tr_source_next(). */
typedef struct tr_event {
	tr_kind kind;
	int64_t time_ns;
	tr_res res; /* machine add/update: its total; task: its request */
	/* machine events */
	const char *machine;
	/* task submit */
	const char *job;
	const char *framework;
	uint32_t task_index; /* from 0 within its job */
	int32_t priority;
	bool gang;            /* all tasks of the job must start together */
	const char *locality; /* preferred machine ids separated by '|', or "" */
	int64_t duration_ns;
	/* where the event came from, for messages */
	const char *file;
	uint64_t line;
} tr_event;

/* A framework's settings (frameworks.csv, or defaults for one first seen in
 * the tasks). */
typedef struct tr_framework {
	char *name;
	char *role;                  /* "*" by default */
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
} tr_source_ops;

/* Every reader embeds this as its first member. */
struct tr_source {
	const tr_source_ops *ops;
	tr_framework *fws; /* known before the first event (may be empty) */
	size_t nfws;
	tr_role *roles;
	size_t nroles;
	uint64_t bad_rows; /* skipped rows (skip_bad_rows) */
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
void tr_source_destroy(tr_source *src);

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

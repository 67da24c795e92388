/*
 * bench.h — what the C benchmarks of bench/ share: the thin C view of Google
 * Benchmark that shim.cc implements (the only C++ in bench/), the counting
 * malloc of mcount.c, and the scenario builders of cluster.c that set up the
 * same cluster on alloccore and on the reference allocator (tests/reference).
 */
#ifndef MESO_BENCH_H
#define MESO_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloccore/alloccore.h"
#include "reference/refalloc.h"

/* ------------------------------------------------ the shim (shim.cc) */

typedef struct bench_state bench_state; /* a benchmark::State */
typedef void (*bench_fn)(bench_state *s);

/* The timed loop: `while (bench_running(s)) { ... }`. The malloc counter
 * counts only while the timer runs (between these calls and outside
 * bench_pause/bench_resume). */
bool bench_running(bench_state *s);
int64_t bench_arg(bench_state *s, int i);
void bench_pause(bench_state *s);
void bench_resume(bench_state *s);
int64_t bench_iterations(bench_state *s);
/* items/s in the report (total over all iterations). */
void bench_items(bench_state *s, int64_t items);
enum bench_counter_kind {
	BENCH_PLAIN,    /* reported as is */
	BENCH_PER_ITER, /* divided by the iterations */
	BENCH_RATE,     /* divided by the time: per second */
};
void bench_counter(bench_state *s, const char *name, double value, enum bench_counter_kind kind);
/* Marks the run failed (reported, not timed further). */
void bench_error(bench_state *s, const char *msg);

enum bench_unit { BENCH_NS, BENCH_US, BENCH_MS };
typedef struct bench_def {
	const char *name;     /* "family/variant" */
	bench_fn fn;          /* the benchmark */
	const char *argnames; /* "agents,fws": names of the arguments, comma separated */
	enum bench_unit unit;
	int64_t iterations; /* 0: Google Benchmark decides */
} bench_def;
/* Registers fn once per argument tuple (nargs values each). */
void bench_register(const bench_def *def, const int64_t *args, int nargs);
#define BENCH_MAX_ARGS 4
/* Registers one tuple: BENCH_ARGS(def, a, b). */
#define BENCH_ARGS(def, ...)                                                                                           \
	bench_register((def), (const int64_t[]){__VA_ARGS__}, (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)))

/* true when run as the CI smoke test (--meso_smoke): register tiny sizes
 * only, so every benchmark function runs once, quickly. */
extern bool bench_smoke;

/* Every file's registration (called by shim.cc before the run). */
void bench_register_all(void);
void bench_pass_register(void);
void bench_steady_register(void);
void bench_filters_register(void);
void bench_order_register(void);
void bench_replay_register(void);
void bench_queue_register(void);

/* --------------------------------------------- counting malloc (mcount.c) */

/* Calls of malloc/calloc/realloc made by alloccore, the reference and the
 * benchmarks (linked with -Wl,--wrap) while counting is on. */
void mcount_enable(bool on);
uint64_t mcount_calls(void);
/* Bytes live now in blocks allocated by wrapped code (malloc_usable_size). */
int64_t mcount_live_bytes(void);

/* ---------------------------------------------------- scenarios (cluster.c) */

/* Agent shapes. */
#define SHAPE_MESOS   "cpus:24;mem:4096;disk:4096;ports:[31000-32000]" /* Mesos's A x F benchmarks */
#define SHAPE_SCALARS "cpus:24;mem:4096;disk:4096"

/* Offers collected by the hook during a pass. */
typedef struct offer_log {
	ac_offer_id *id;
	ac_fw_id *fw;
	ac_agent_id *agent;
	size_t n, cap;
	bool overflow;
} offer_log;

/* Batches reported by the bulk hook during a pass (bulk clusters). */
typedef struct batch_log {
	ac_batch_id *id;
	size_t n, cap;
	bool overflow;
} batch_log;

typedef struct core_cluster {
	ac_core *core;
	ac_agent_id *agents;
	ac_fw_id *fws;
	uint32_t nagents, nfws;
	offer_log log;
	batch_log batches; /* bulk clusters: no per-offer hook, batches only */
	ac_time now;
} core_cluster;

/* A core with nagents agents of `shape` and nfws frameworks in role "*"
 * (names agent-N, fw-N), agents visited in a seeded shuffle. The offer log
 * holds up to log_cap offers per pass. Returns 0 or -1 (message on stderr). */
int core_cluster_init(core_cluster *cc, uint32_t nagents, uint32_t nfws, const char *shape, size_t log_cap);
/* The same cluster on the bulk path: the core reports each pass's offers of
 * a framework as one batch (ac_core_set_batch_hook) into cc->batches, and no
 * offer one by one (cc->log stays empty). */
int core_cluster_init_bulk(core_cluster *cc, uint32_t nagents, uint32_t nfws, const char *shape);
void core_cluster_fini(core_cluster *cc);
/* Bulk clusters: declines every offer of the logged batches (one
 * ac_batch_settle each, refuse as given), then empties the log. Returns the
 * number of offers declined. */
size_t core_settle_all(core_cluster *cc, ac_time refuse);
/* Declines every logged offer (refuse 0: no filter, or the given refuse),
 * then empties the log. Returns the number declined. */
size_t core_decline_all(core_cluster *cc, ac_time refuse);
/* Parses resource text with the cluster's core (aborts on bad text). */
void core_res(core_cluster *cc, const char *text, ac_resources *out);

typedef struct ref_cluster {
	ac_core *names; /* registry of kind and role names */
	ref_alloc *ref;
	uint32_t nagents, nfws;
	ac_time now;
} ref_cluster;
/* The same cluster on the reference allocator (agents in the order added). */
int ref_cluster_init(ref_cluster *rc, uint32_t nagents, uint32_t nfws, const char *shape);
void ref_cluster_fini(ref_cluster *rc);
/* Declines every offer of the last pass (from the event list), then clears
 * the events. Returns the number declined. */
size_t ref_decline_all(ref_cluster *rc, ac_time refuse);

/* Mesos's DeclineOffers starting state (mesos-allocator.md 3.1): every
 * agent has cpus:16;mem:2014;disk:1024 and 16 port fragments used by one
 * framework, chosen round-robin. */
#define MESOS_USED "cpus:16;mem:2014;disk:1024"
int core_cluster_mesos_used(core_cluster *cc);
int ref_cluster_mesos_used(ref_cluster *rc);

/* Nanoseconds on the monotonic clock (for split timings inside a loop). */
int64_t bench_now_ns(void);

#endif

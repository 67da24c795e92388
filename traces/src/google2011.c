/*
 * google2011.c — the Google cluster-data 2011 (clusterdata-2011-2) reader:
 * task_events (and machine_events when present), plain or gzip. A task's
 * service time is only known at its end, so the task table is read whole
 * when the source is opened; tasks are then given in submit order, merged
 * with the machine events. The mapping is documented in traces/README.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "internal.h"
#include "lines.h"

enum { EV_SUBMIT, EV_SCHEDULE, EV_EVICT, EV_FAIL, EV_FINISH, EV_KILL, EV_LOST, EV_UPD_PENDING, EV_UPD_RUNNING };

#define NANO          1000000000LL  /* requests are kept in billionths of a normalized unit */
#define NORM_MAX_NANO (1000 * NANO) /* at most 1000.0 */
#define TIME_MAX_US   ((uint64_t)INT64_MAX / 1000)

/* One task (job, index), folded over all its rows. */
typedef struct gtask {
	uint64_t job;
	uint32_t index;
	uint32_t user;     /* interned user (or UINT32_MAX: blank) */
	uint64_t order;    /* first row seen: ties in submit order */
	int64_t submit_us; /* first SUBMIT (or first row) */
	int64_t sched_us;  /* running attempt's SCHEDULE, -1 when not running */
	int64_t run_us;    /* length of the last finished attempt, -1 none */
	int64_t cpu, mem;  /* normalized requests in billionths, -1 missing */
	int32_t priority;
	uint32_t attempts;
} gtask;

typedef struct gmachine_ev {
	int64_t time_us;
	uint64_t id;
	tr_kind kind;
	int64_t cpu, mem; /* absolute, thousandths */
	uint64_t line;
	uint32_t file;
} gmachine_ev;

typedef struct google_source {
	tr_source base;
	tr_google_config cfg;
	tr_google_stats st;
	gtask *tasks;
	size_t ntasks, tasks_cap;
	uint32_t *slots; /* open addressing over tasks: index + 1, 0 empty */
	size_t nslots;
	char **users; /* interned user hashes */
	size_t nusers, users_cap;
	uint32_t *uslots;
	size_t nuslots;
	uint32_t *order; /* tasks to give, by (submit, first seen) */
	size_t norder, at_task;
	gmachine_ev *mev;
	size_t nmev, mev_cap, at_mev;
	char **files;
	size_t nfiles;
	int64_t last_us;
	char job_buf[24], machine_buf[32];
} google_source;

/* ----------------------------------------------------------------- tables */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static int rehash_tasks(google_source *g)
{
	size_t n = g->nslots ? g->nslots * 2 : 1024;
	uint32_t *s = calloc(n, sizeof *s);
	if (!s)
		return TR_ENOMEM;
	for (size_t i = 0; i < g->ntasks; i++) {
		size_t h = mix64(g->tasks[i].job * 0x9e3779b97f4a7c15ULL + g->tasks[i].index) & (n - 1);
		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)i + 1;
	}
	free(g->slots);
	g->slots = s;
	g->nslots = n;
	return 0;
}

/* The task (job, index), created when new; NULL on out of memory. */
static gtask *task_get(google_source *g, uint64_t job, uint32_t index, bool *created)
{
	*created = false;
	if ((g->ntasks + 1) * 2 > g->nslots && rehash_tasks(g) < 0)
		return NULL;
	size_t h = mix64(job * 0x9e3779b97f4a7c15ULL + index) & (g->nslots - 1);
	while (g->slots[h]) {
		gtask *t = &g->tasks[g->slots[h] - 1];
		if (t->job == job && t->index == index)
			return t;
		h = (h + 1) & (g->nslots - 1);
	}
	if (g->ntasks == g->tasks_cap) {
		size_t cap = g->tasks_cap ? g->tasks_cap * 2 : 1024;
		gtask *v = realloc(g->tasks, cap * sizeof *v);
		if (!v || g->ntasks >= UINT32_MAX - 1)
			return NULL;
		g->tasks = v;
		g->tasks_cap = cap;
	}
	gtask *t = &g->tasks[g->ntasks];
	memset(t, 0, sizeof *t);
	t->job = job;
	t->index = index;
	t->user = UINT32_MAX;
	t->order = g->ntasks;
	t->submit_us = t->sched_us = t->run_us = t->cpu = t->mem = -1;
	g->slots[h] = (uint32_t)++g->ntasks;
	*created = true;
	return t;
}

static int rehash_users(google_source *g)
{
	size_t n = g->nuslots ? g->nuslots * 2 : 256;
	uint32_t *s = calloc(n, sizeof *s);
	if (!s)
		return TR_ENOMEM;
	for (size_t i = 0; i < g->nusers; i++) {
		size_t h = tr__lines_hash(g->users[i]) & (n - 1);
		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)i + 1;
	}
	free(g->uslots);
	g->uslots = s;
	g->nuslots = n;
	return 0;
}

static uint32_t user_intern(google_source *g, const char *u)
{
	if ((g->nusers + 1) * 2 > g->nuslots && rehash_users(g) < 0)
		return UINT32_MAX;
	size_t h = tr__lines_hash(u) & (g->nuslots - 1);
	while (g->uslots[h]) {
		if (strcmp(g->users[g->uslots[h] - 1], u) == 0)
			return g->uslots[h] - 1;
		h = (h + 1) & (g->nuslots - 1);
	}
	if (g->nusers == g->users_cap) {
		size_t cap = g->users_cap ? g->users_cap * 2 : 64;
		char **v = realloc(g->users, cap * sizeof *v);
		if (!v)
			return UINT32_MAX;
		g->users = v;
		g->users_cap = cap;
	}
	char *c = tr__strdup(u);
	if (!c)
		return UINT32_MAX;
	g->users[g->nusers] = c;
	g->uslots[h] = (uint32_t)++g->nusers;
	return (uint32_t)(g->nusers - 1);
}

/* ------------------------------------------------------------ bad rows */

/* Reports a malformed row: fatal, or skipped and counted (1). */
/* A malformed row: an error, or skipped and counted (tr__lines_bad_row). */
#define bad_row(src, l, err, col, name, ...)                                                                           \
	tr__lines_bad_row((l), (err), (src)->cfg.skip_bad_rows, &(src)->base.bad_rows, (src)->cfg.warn,                \
	                  (src)->cfg.warn_ud, (col), (name), __VA_ARGS__)

/* --------------------------------------------------------- task_events */

static const char *const task_cols[13] = {
        "time",
        "missing info",
        "job ID",
        "task index",
        "machine ID",
        "event type",
        "user",
        "scheduling class",
        "priority",
        "CPU request",
        "memory request",
        "disk space request",
        "different-machines restriction",
};

/* Folds one task_events row into its task. 0, 1 (skipped) or < 0. */
static int task_row(google_source *g, lines *l, tr_err *err)
{
	if (l->nfields != 13)
		return bad_row(g, l, err, 0, "", "expected 13 fields (clusterdata-2011-2 task_events), found %d%s",
		               l->nfields > LINES_MAX_FIELDS ? LINES_MAX_FIELDS : l->nfields,
		               l->nfields > LINES_MAX_FIELDS ? " or more" : "");
	char **f = l->field;
	uint64_t time_us, job, index, type;
	int64_t prio = 0, cpu = -1, mem = -1;
	if (tr__lines_parse_u64(f[0], TIME_MAX_US, &time_us) < 0)
		return bad_row(g, l, err, 1, task_cols[0], "expected microseconds (an unsigned integer), got '%s'",
		               f[0]);
	if (tr__lines_parse_u64(f[2], UINT64_MAX, &job) < 0)
		return bad_row(g, l, err, 3, task_cols[2], "expected an unsigned integer, got '%s'", f[2]);
	if (tr__lines_parse_u64(f[3], UINT32_MAX - 1, &index) < 0)
		return bad_row(g, l, err, 4, task_cols[3], "expected an unsigned 32-bit integer, got '%s'", f[3]);
	if (tr__lines_parse_u64(f[5], 8, &type) < 0)
		return bad_row(g, l, err, 6, task_cols[5], "expected an event type 0..8, got '%s'", f[5]);
	bool missing = false;
	if (!*f[8])
		missing = true;
	else if (tr__lines_parse_i64(f[8], INT32_MIN, INT32_MAX, &prio) < 0)
		return bad_row(g, l, err, 9, task_cols[8], "expected an integer priority, got '%s'", f[8]);
	if (!*f[9] || !*f[10]) {
		missing = true;
	} else {
		if (tr__lines_parse_scaled(f[9], NANO, &cpu) < 0 || cpu > NORM_MAX_NANO)
			return bad_row(g, l, err, 10, task_cols[9],
			               "expected a normalized amount (a non-negative decimal), got '%s'", f[9]);
		if (tr__lines_parse_scaled(f[10], NANO, &mem) < 0 || mem > NORM_MAX_NANO)
			return bad_row(g, l, err, 11, task_cols[10],
			               "expected a normalized amount (a non-negative decimal), got '%s'", f[10]);
	}
	if (!*f[6])
		missing = true;
	if (missing)
		g->st.missing_fields++;
	g->st.rows++;
	g->st.by_type[type]++;
	if ((int64_t)time_us > g->last_us)
		g->last_us = (int64_t)time_us;

	bool created;
	gtask *t = task_get(g, job, (uint32_t)index, &created);
	if (!t) {
		tr__err_set(err, TR_ENOMEM, "out of memory (or more than 4e9 tasks)");
		return TR_ENOMEM;
	}
	int64_t now = (int64_t)time_us;
	if (created) {
		t->submit_us = now;
		t->priority = (int32_t)prio;
	}
	if (t->user == UINT32_MAX && *f[6]) {
		t->user = user_intern(g, f[6]);
		if (t->user == UINT32_MAX) {
			tr__err_set(err, TR_ENOMEM, "out of memory");
			return TR_ENOMEM;
		}
	}
	/* a request fills a missing one from any row; UPDATE_PENDING replaces it */
	if (cpu >= 0 && (t->cpu < 0 || (type == EV_UPD_PENDING && t->sched_us < 0))) {
		t->cpu = cpu;
		t->mem = mem;
	}
	switch (type) {
	case EV_SUBMIT:
		if (!created)
			g->st.resubmissions++;
		break;
	case EV_SCHEDULE:
		t->sched_us = now;
		t->attempts++;
		break;
	case EV_EVICT:
	case EV_FAIL:
	case EV_FINISH:
	case EV_KILL:
	case EV_LOST:
		if (t->sched_us >= 0) {
			t->run_us = now - t->sched_us;
			if (t->run_us < 0)
				t->run_us = 0;
			t->sched_us = -1;
		}
		break;
	case EV_UPD_RUNNING:
		g->st.update_ignored++;
		break;
	default:
		break;
	}
	return 0;
}

static int read_tasks(google_source *g, const char *path, tr_err *err)
{
	lines l;
	int rc = tr__lines_open(&l, path, err);
	if (rc < 0)
		return rc;
	while ((rc = tr__lines_next(&l, err)) == 1) {
		rc = task_row(g, &l, err);
		if (rc < 0)
			break;
	}
	tr__lines_close(&l);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------ machine_events */

static int machine_push(google_source *g, const gmachine_ev *m)
{
	if (g->nmev == g->mev_cap) {
		size_t cap = g->mev_cap ? g->mev_cap * 2 : 1024;
		gmachine_ev *v = realloc(g->mev, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		g->mev = v;
		g->mev_cap = cap;
	}
	g->mev[g->nmev++] = *m;
	return 0;
}

/* Machine presence and last capacity, by id (small linear-probe table). */
typedef struct mstate {
	uint64_t *ids;
	int64_t (*cap)[2];
	uint8_t *used, *present;
	size_t n, count;
} mstate;

static int mstate_find(mstate *ms, uint64_t id, size_t *slot)
{
	if ((ms->count + 1) * 2 > ms->n) {
		size_t n = ms->n ? ms->n * 2 : 4096;
		mstate x = {calloc(n, 8), calloc(n, 16), calloc(n, 1), calloc(n, 1), n, 0};
		if (!x.ids || !x.cap || !x.used || !x.present) {
			free(x.ids);
			free(x.cap);
			free(x.used);
			free(x.present);
			return TR_ENOMEM;
		}
		for (size_t i = 0; i < ms->n; i++) {
			if (!ms->used[i])
				continue;
			size_t h = mix64(ms->ids[i]) & (n - 1);
			while (x.used[h])
				h = (h + 1) & (n - 1);
			x.ids[h] = ms->ids[i];
			x.cap[h][0] = ms->cap[i][0];
			x.cap[h][1] = ms->cap[i][1];
			x.used[h] = 1;
			x.present[h] = ms->present[i];
			x.count++;
		}
		free(ms->ids);
		free(ms->cap);
		free(ms->used);
		free(ms->present);
		*ms = x;
	}
	size_t h = mix64(id) & (ms->n - 1);
	while (ms->used[h] && ms->ids[h] != id)
		h = (h + 1) & (ms->n - 1);
	if (!ms->used[h]) {
		ms->used[h] = 1;
		ms->ids[h] = id;
		ms->cap[h][0] = ms->cap[h][1] = -1;
		ms->count++;
	}
	*slot = h;
	return 0;
}

static int machine_row(google_source *g, lines *l, uint32_t file, mstate *ms, tr_err *err)
{
	static const char *const cols[6] = {"time", "machine ID", "event type", "platform ID", "CPUs", "Memory"};
	if (l->nfields != 6)
		return bad_row(g, l, err, 0, "", "expected 6 fields (clusterdata-2011-2 machine_events), found %d%s",
		               l->nfields > LINES_MAX_FIELDS ? LINES_MAX_FIELDS : l->nfields,
		               l->nfields > LINES_MAX_FIELDS ? " or more" : "");
	char **f = l->field;
	uint64_t time_us, id, type;
	int64_t cpu = -1, mem = -1;
	if (tr__lines_parse_u64(f[0], TIME_MAX_US, &time_us) < 0)
		return bad_row(g, l, err, 1, cols[0], "expected microseconds (an unsigned integer), got '%s'", f[0]);
	if (tr__lines_parse_u64(f[1], UINT64_MAX, &id) < 0)
		return bad_row(g, l, err, 2, cols[1], "expected an unsigned integer, got '%s'", f[1]);
	if (tr__lines_parse_u64(f[2], 2, &type) < 0)
		return bad_row(g, l, err, 3, cols[2], "expected 0 (ADD), 1 (REMOVE) or 2 (UPDATE), got '%s'", f[2]);
	if (*f[4] && (tr__lines_parse_scaled(f[4], g->cfg.cpu_milli_per_unit, &cpu) < 0))
		return bad_row(g, l, err, 5, cols[4], "expected a normalized capacity, got '%s'", f[4]);
	if (*f[5] && (tr__lines_parse_scaled(f[5], g->cfg.mem_mb_per_unit * TR_MILLI, &mem) < 0))
		return bad_row(g, l, err, 6, cols[5], "expected a normalized capacity, got '%s'", f[5]);
	if (g->nmev && (int64_t)time_us < g->mev[g->nmev - 1].time_us)
		return bad_row(g, l, err, 1, cols[0], "time goes backwards (%llu after %lld)",
		               (unsigned long long)time_us, (long long)g->mev[g->nmev - 1].time_us);
	g->st.machine_rows++;
	size_t s;
	if (mstate_find(ms, id, &s) < 0) {
		tr__err_set(err, TR_ENOMEM, "out of memory");
		return TR_ENOMEM;
	}
	/* a blank capacity keeps the machine's last known one */
	if (cpu < 0)
		cpu = ms->cap[s][0];
	if (mem < 0)
		mem = ms->cap[s][1];
	gmachine_ev m = {(int64_t)time_us, id, TR_MACHINE_ADD, cpu, mem, l->line, file};
	if (type == 1) {
		if (!ms->present[s]) {
			g->st.machine_rows_dropped++;
			return 0;
		}
		m.kind = TR_MACHINE_REMOVE;
		ms->present[s] = 0;
	} else {
		if (cpu < 0 || mem < 0) {
			g->st.machine_rows_dropped++;
			return 0;
		}
		m.kind = ms->present[s] ? TR_MACHINE_UPDATE : TR_MACHINE_ADD;
		if (m.kind == TR_MACHINE_ADD && ms->cap[s][0] < 0)
			g->st.machines++;
		ms->present[s] = 1;
		ms->cap[s][0] = cpu;
		ms->cap[s][1] = mem;
	}
	return machine_push(g, &m) < 0 ? TR_ENOMEM : 0;
}

static int read_machines(google_source *g, char **paths, size_t n, tr_err *err)
{
	mstate ms = {0};
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		lines l;
		rc = tr__lines_open(&l, paths[i], err);
		if (rc < 0)
			break;
		while ((rc = tr__lines_next(&l, err)) == 1) {
			rc = machine_row(g, &l, (uint32_t)i, &ms, err);
			if (rc < 0)
				break;
		}
		tr__lines_close(&l);
	}
	free(ms.ids);
	free(ms.cap);
	free(ms.used);
	free(ms.present);
	return rc < 0 ? rc : 0;
}

/* The 2011 machine classes (README-formats.md §7.1): count, normalized CPU
 * and memory capacity. */
static const struct {
	uint32_t count;
	const char *cpu, *mem;
} classes[10] = {
        {6732, "0.50", "0.4995"}, {3863, "0.50", "0.2493"}, {1001, "0.50", "0.749"}, {795, "1.00", "1.0"},
        {126, "0.25", "0.2498"},  {52, "0.50", "0.1241"},   {5, "0.50", "0.03085"},  {5, "0.50", "0.9678"},
        {3, "1.00", "0.5"},       {1, "0.50", "0.06158"},
};
#define CLASS_TOTAL 12583

/* Builds n machines at time 0 in the classes' proportions (largest remainder;
 * ties to the larger class), ids 1..n by class. */
static int synth_machines(google_source *g, uint32_t n)
{
	uint64_t cnt[10], rem[10], given = 0;
	for (int c = 0; c < 10; c++) {
		cnt[c] = (uint64_t)classes[c].count * n / CLASS_TOTAL;
		rem[c] = (uint64_t)classes[c].count * n % CLASS_TOTAL;
		given += cnt[c];
	}
	while (given < n) {
		int best = 0;
		for (int c = 1; c < 10; c++)
			if (rem[c] > rem[best])
				best = c;
		cnt[best]++;
		rem[best] = 0;
		given++;
	}
	uint64_t id = 1;
	for (int c = 0; c < 10; c++) {
		int64_t cpu, mem;
		tr__lines_parse_scaled(classes[c].cpu, g->cfg.cpu_milli_per_unit, &cpu);
		tr__lines_parse_scaled(classes[c].mem, g->cfg.mem_mb_per_unit * TR_MILLI, &mem);
		for (uint64_t k = 0; k < cnt[c]; k++) {
			gmachine_ev m = {0, id++, TR_MACHINE_ADD, cpu, mem, 0, UINT32_MAX};
			if (machine_push(g, &m) < 0)
				return TR_ENOMEM;
		}
	}
	g->st.machines = n;
	g->st.machines_synthesized = true;
	return 0;
}

/* ---------------------------------------------------------- the source */

static int64_t scale_norm(int64_t nano, int64_t per_unit)
{
	/* nano: billionths of a normalized unit; per_unit: thousandths per unit */
	unsigned __int128 v = (unsigned __int128)nano * (uint64_t)per_unit;
	return (int64_t)((v + NANO / 2) / NANO);
}

static const char *framework_of(const google_source *g, const gtask *t, char *buf, size_t n)
{
	if (g->cfg.frameworks_by_job) {
		snprintf(buf, n, "%llu", (unsigned long long)t->job);
		return buf;
	}
	return t->user == UINT32_MAX ? "unknown-user" : g->users[t->user];
}

static int google_next(tr_source *src, tr_event *ev, tr_err *err)
{
	google_source *g = (google_source *)src;
	bool have_m = g->at_mev < g->nmev, have_t = g->at_task < g->norder;
	if (!have_m && !have_t)
		return 0;
	const gtask *t = have_t ? &g->tasks[g->order[g->at_task]] : NULL;
	memset(ev, 0, sizeof *ev);
	ev->locality = "";
	if (have_m && (!have_t || g->mev[g->at_mev].time_us <= t->submit_us)) {
		const gmachine_ev *m = &g->mev[g->at_mev++];
		snprintf(g->machine_buf, sizeof g->machine_buf, "%llu", (unsigned long long)m->id);
		ev->kind = m->kind;
		ev->time_ns = m->time_us * 1000;
		ev->machine = g->machine_buf;
		ev->res.cpus = m->kind == TR_MACHINE_REMOVE ? 0 : m->cpu;
		ev->res.mem_mb = m->kind == TR_MACHINE_REMOVE ? 0 : m->mem;
		ev->file = m->file == UINT32_MAX ? "machine classes (README-formats.md 7.1)" : "machine_events";
		ev->line = m->line;
		return 1;
	}
	g->at_task++;
	snprintf(g->job_buf, sizeof g->job_buf, "%llu", (unsigned long long)t->job);
	ev->kind = TR_TASK_SUBMIT;
	ev->time_ns = t->submit_us * 1000;
	ev->job = g->job_buf;
	ev->framework = framework_of(g, t, g->machine_buf, sizeof g->machine_buf);
	ev->task_index = t->index;
	ev->priority = t->priority;
	ev->res.cpus = scale_norm(t->cpu, g->cfg.cpu_milli_per_unit);
	ev->res.mem_mb = scale_norm(t->mem, g->cfg.mem_mb_per_unit * TR_MILLI);
	ev->duration_ns = t->run_us * 1000;
	ev->file = "task_events";
	ev->line = t->order + 1;
	return 1;
}

static double google_progress(const tr_source *src)
{
	const google_source *g = (const google_source *)src;
	size_t total = g->norder + g->nmev;
	return total ? (double)(g->at_task + g->at_mev) / (double)total : 1.0;
}

static void google_destroy(tr_source *src)
{
	google_source *g = (google_source *)src;
	tr__source_free_common(src);
	free(g->tasks);
	free(g->slots);
	for (size_t i = 0; i < g->nusers; i++)
		free(g->users[i]);
	free(g->users);
	free(g->uslots);
	free(g->order);
	free(g->mev);
	tr__files_free(g->files, g->nfiles);
	free(g);
}

static const tr_source_ops google_ops = {google_next, google_progress, google_destroy, NULL};

static const gtask *sort_base;

static int by_submit(const void *a, const void *b)
{
	const gtask *x = &sort_base[*(const uint32_t *)a], *y = &sort_base[*(const uint32_t *)b];
	if (x->submit_us != y->submit_us)
		return x->submit_us < y->submit_us ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Decides each task's fate (README: submit, service time, drops) and orders
 * the ones given by submit time. */
static int plan_tasks(google_source *g)
{
	g->order = malloc((g->ntasks ? g->ntasks : 1) * sizeof *g->order);
	if (!g->order)
		return TR_ENOMEM;
	for (size_t i = 0; i < g->ntasks; i++) {
		gtask *t = &g->tasks[i];
		if (t->sched_us >= 0) { /* still running when the data ends */
			t->run_us = g->last_us - t->sched_us;
			t->sched_us = -1;
			g->st.open_at_end++;
		}
		if (t->attempts == 0) {
			g->st.never_scheduled++;
			continue;
		}
		if (t->cpu < 0) {
			g->st.missing_request++;
			continue;
		}
		g->order[g->norder++] = (uint32_t)i;
	}
	sort_base = g->tasks; /* qsort has no context argument in C11 */
	qsort(g->order, g->norder, sizeof *g->order, by_submit);
	g->st.tasks = g->ntasks;
	g->st.submitted = g->norder;
	return 0;
}

static int register_frameworks(google_source *g)
{
	/* up front, in order of first submission (what --policy static needs) */
	uint8_t *seen = calloc(g->cfg.frameworks_by_job ? 1 : g->nusers + 1, 1);
	if (!seen)
		return TR_ENOMEM;
	char buf[32];
	int rc = 0;
	/* by job: thousands of frameworks, registered by the consumer as first
	 * seen (--policy static is not meant for that) */
	for (size_t i = 0; i < g->norder && rc == 0 && !g->cfg.frameworks_by_job; i++) {
		const gtask *t = &g->tasks[g->order[i]];
		uint32_t u = t->user == UINT32_MAX ? (uint32_t)g->nusers : t->user;
		if (seen[u])
			continue;
		seen[u] = 1;
		tr_framework fw;
		tr_framework_defaults(&fw);
		fw.name = (char *)framework_of(g, t, buf, sizeof buf);
		rc = tr__add_framework(&g->base, &fw);
	}
	free(seen);
	return rc;
}

int tr_google_stats_get(const tr_source *src, tr_google_stats *st)
{
	if (!src || src->ops != &google_ops)
		return TR_EINVAL;
	*st = ((const google_source *)src)->st;
	return 0;
}

int tr_google_open(const tr_google_config *cfg, tr_source **out, tr_err *err)
{
	google_source *g = calloc(1, sizeof *g);
	if (!g) {
		tr__err_set(err, TR_ENOMEM, "out of memory");
		return TR_ENOMEM;
	}
	g->base.ops = &google_ops;
	g->cfg = *cfg;
	if (g->cfg.cpu_milli_per_unit <= 0)
		g->cfg.cpu_milli_per_unit = 32 * TR_MILLI;
	if (g->cfg.mem_mb_per_unit <= 0)
		g->cfg.mem_mb_per_unit = 131072;
	if (g->cfg.synth_machines == 0)
		g->cfg.synth_machines = CLASS_TOTAL;
	int rc = 0;
	if (!cfg->dir) {
		tr__err_set(err, TR_EINVAL, "google2011: no directory given");
		rc = TR_EINVAL;
		goto fail;
	}
	char **mfiles = NULL;
	size_t nm = 0;
	if (tr__files_is_regular(cfg->dir)) { /* one task_events file */
		g->files = malloc(sizeof *g->files);
		if (!g->files || !(g->files[0] = tr__strdup(cfg->dir))) {
			rc = TR_ENOMEM;
			tr__err_set(err, rc, "out of memory");
			goto fail;
		}
		g->nfiles = 1;
	} else {
		if (tr__files_find(cfg->dir, "task_events", &g->files, &g->nfiles) < 0) {
			rc = TR_EIO;
			tr__err_set(err, rc, "google2011: cannot read the directory %s", cfg->dir);
			goto fail;
		}
		if (g->nfiles == 0) {
			rc = TR_EIO;
			tr__err_set(err, rc,
			            "google2011: %s has no task_events (expected %s/task_events/part-*.csv[.gz] or "
			            "%s/task_events*.csv[.gz])",
			            cfg->dir, cfg->dir, cfg->dir);
			goto fail;
		}
		if (tr__files_find(cfg->dir, "machine_events", &mfiles, &nm) < 0)
			nm = 0;
	}
	for (size_t i = 0; i < g->nfiles && rc == 0; i++)
		rc = read_tasks(g, g->files[i], err);
	if (rc == 0)
		rc = nm ? read_machines(g, mfiles, nm, err) : synth_machines(g, g->cfg.synth_machines);
	tr__files_free(mfiles, nm);
	if (rc == 0)
		rc = plan_tasks(g);
	if (rc == 0)
		rc = register_frameworks(g);
	if (rc < 0) {
		if (rc == TR_ENOMEM)
			tr__err_set(err, rc, "out of memory");
		goto fail;
	}
	char info[600];
	const tr_google_stats *s = &g->st;
	int k = snprintf(info, sizeof info,
	                 "google2011: %llu task_events rows, %llu tasks: %llu submitted, %llu never scheduled and "
	                 "%llu without a request dropped, %llu still running at the end of the data; ",
	                 (unsigned long long)s->rows, (unsigned long long)s->tasks, (unsigned long long)s->submitted,
	                 (unsigned long long)s->never_scheduled, (unsigned long long)s->missing_request,
	                 (unsigned long long)s->open_at_end);
	if (s->machines_synthesized)
		snprintf(info + k, sizeof info - (size_t)k,
		         "no machine_events: built %llu machines from the 10 documented 2011 machine classes "
		         "(1.0 CPU = %g cores, 1.0 memory = %g MB)",
		         (unsigned long long)s->machines, (double)g->cfg.cpu_milli_per_unit / TR_MILLI,
		         (double)g->cfg.mem_mb_per_unit);
	else
		snprintf(info + k, sizeof info - (size_t)k,
		         "%llu machines from machine_events (1.0 CPU = %g cores, 1.0 memory = %g MB)",
		         (unsigned long long)s->machines, (double)g->cfg.cpu_milli_per_unit / TR_MILLI,
		         (double)g->cfg.mem_mb_per_unit);
	g->base.info = tr__strdup(info);
	*out = &g->base;
	return 0;
fail:
	google_destroy(&g->base);
	return rc;
}

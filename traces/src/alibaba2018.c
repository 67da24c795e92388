/*
 * alibaba2018.c — the Alibaba cluster-trace-v2018 reader: batch_task (and
 * machine_meta when present). Each task row becomes instance_num tasks of
 * its job; DAG task names (M1, R4_2, J5_3_4) give dependencies, honoured
 * through tr_source_task_finished(): a task's instances are submitted when
 * every instance of all its parents has finished. Mapping and units:
 * traces/README.md, "Alibaba cluster-trace-v2018".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "internal.h"
#include "lines.h"

/* One batch_task row that is replayed: a DAG node of its job. */
typedef struct anode {
	uint32_t job;
	uint32_t dag_id;      /* the number in the task name; 0: not a DAG task */
	uint32_t first_index; /* task indices first_index .. + instances - 1 */
	uint32_t instances;
	uint32_t unfinished; /* instances not finished yet */
	uint32_t parents_left;
	uint32_t given; /* instances handed out */
	uint32_t nchildren;
	uint32_t *children;
	char *parents; /* the parent ids text ("2_3"), resolved after reading */
	int64_t start_s, duration_s;
	int64_t cpu, mem; /* thousandths (cores; MB) */
	uint32_t fw;      /* task_type → framework index */
	uint64_t line;
} anode;

typedef struct ajob {
	char *name;
	uint32_t *nodes; /* node indices in first_index order */
	uint32_t n, cap;
	uint32_t next_index;
} ajob;

typedef struct ready {
	int64_t time_ns;
	uint64_t seq;
	uint32_t node;
} ready;

typedef struct amachine_ev {
	int64_t time_s;
	uint64_t order;
	uint32_t name; /* index into mnames */
	int64_t cpu, mem;
} amachine_ev;

typedef struct alibaba_source {
	tr_source base;
	tr_alibaba_config cfg;
	anode *nodes;
	size_t nnodes, nodes_cap;
	ajob *jobs;
	size_t njobs, jobs_cap;
	uint32_t *jslots;
	size_t njslots;
	ready *heap;
	size_t nheap, heap_cap;
	uint64_t seq;
	int pending; /* the event last given (1 task, 2 machine) is consumed at the next call */
	amachine_ev *mev;
	size_t nmev, at_mev;
	char **mnames;
	size_t nmnames;
	uint64_t dropped, instances_total, given_total;
	char fw_names[13][16];
} alibaba_source;

static int jobs_rehash(alibaba_source *a)
{
	size_t n = a->njslots ? a->njslots * 2 : 1024;
	uint32_t *s = calloc(n, sizeof *s);
	if (!s)
		return TR_ENOMEM;
	for (size_t i = 0; i < a->njobs; i++) {
		size_t h = tr__lines_hash(a->jobs[i].name) & (n - 1);
		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)i + 1;
	}
	free(a->jslots);
	a->jslots = s;
	a->njslots = n;
	return 0;
}

/* The job named `name`; created when `create`. UINT32_MAX: absent or OOM. */
static uint32_t job_find(alibaba_source *a, const char *name, bool create)
{
	if (create && (a->njobs + 1) * 2 > a->njslots && jobs_rehash(a) < 0)
		return UINT32_MAX;
	if (!a->njslots)
		return UINT32_MAX;
	size_t h = tr__lines_hash(name) & (a->njslots - 1);
	while (a->jslots[h]) {
		if (strcmp(a->jobs[a->jslots[h] - 1].name, name) == 0)
			return a->jslots[h] - 1;
		h = (h + 1) & (a->njslots - 1);
	}
	if (!create)
		return UINT32_MAX;
	if (a->njobs == a->jobs_cap) {
		size_t cap = a->jobs_cap ? a->jobs_cap * 2 : 256;
		ajob *v = realloc(a->jobs, cap * sizeof *v);
		if (!v)
			return UINT32_MAX;
		a->jobs = v;
		a->jobs_cap = cap;
	}
	ajob *j = &a->jobs[a->njobs];
	memset(j, 0, sizeof *j);
	j->name = tr__strdup(name);
	if (!j->name)
		return UINT32_MAX;
	a->jslots[h] = (uint32_t)++a->njobs;
	return (uint32_t)(a->njobs - 1);
}

/* A malformed row: an error, or skipped and counted (tr__lines_bad_row). */
#define bad_row(src, l, err, col, name, ...)                                                                           \
	tr__lines_bad_row((l), (err), (src)->cfg.skip_bad_rows, &(src)->base.bad_rows, (src)->cfg.warn,                \
	                  (src)->cfg.warn_ud, (col), (name), __VA_ARGS__)

/* "M5_3_4" → id 5, parents "3_4"; 0 when the name is not a DAG name. */
static uint32_t dag_parse(const char *name, const char **parents)
{
	const char *p = name;
	*parents = "";
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	if (p == name || p - name > 8 || *p < '0' || *p > '9')
		return 0;
	uint64_t id = 0;
	while (*p >= '0' && *p <= '9') {
		id = id * 10 + (uint64_t)(*p++ - '0');
		if (id > 1000000000)
			return 0;
	}
	const char *q = p;
	while (*q == '_' && q[1] >= '0' && q[1] <= '9') {
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q != '\0')
		return 0;
	*parents = *p == '_' ? p + 1 : "";
	return (uint32_t)id;
}

static const char *const task_cols[9] = {"task_name",  "instance_num", "job_name", "task_type", "status",
                                         "start_time", "end_time",     "plan_cpu", "plan_mem"};

static int task_row(alibaba_source *a, lines *l, tr_err *err)
{
	char **f = l->field;
	if (l->line == 1 && l->nfields >= 1 && strcmp(f[0], "task_name") == 0)
		return 0; /* a header line (third-party copies add one) */
	if (l->nfields != 9)
		return bad_row(a, l, err, 0, "", "expected 9 fields (cluster-trace-v2018 batch_task), found %d%s",
		               l->nfields > LINES_MAX_FIELDS ? LINES_MAX_FIELDS : l->nfields,
		               l->nfields > LINES_MAX_FIELDS ? " or more" : "");
	int64_t inst, ttype, start, end, cpu, mem;
	if (!*f[0])
		return bad_row(a, l, err, 1, task_cols[0], "expected a task name, got ''");
	if (!*f[2])
		return bad_row(a, l, err, 3, task_cols[2], "expected a job name, got ''");
	if (strcmp(f[4], "Terminated") != 0 && strcmp(f[4], "Failed") != 0) {
		a->dropped++; /* Waiting/Running/...: no end time to replay */
		return 0;
	}
	if (!*f[1] || !*f[7] || !*f[8]) {
		a->dropped++; /* blank instance_num or request */
		return 0;
	}
	if (tr__lines_parse_scaled(f[1], 1000, &inst) < 0 || inst % 1000 != 0 || inst / 1000 > 10000000)
		return bad_row(a, l, err, 2, task_cols[1], "expected a whole number of instances, got '%s'", f[1]);
	if (tr__lines_parse_i64(f[3], 0, 12, &ttype) < 0)
		return bad_row(a, l, err, 4, task_cols[3], "expected a task type 0..12, got '%s'", f[3]);
	if (tr__lines_parse_i64(f[5], 0, 1000000000, &start) < 0)
		return bad_row(a, l, err, 6, task_cols[5], "expected seconds (an integer >= 0), got '%s'", f[5]);
	if (tr__lines_parse_i64(f[6], 0, 1000000000, &end) < 0)
		return bad_row(a, l, err, 7, "end_time", "expected seconds (an integer >= 0), got '%s'", f[6]);
	if (end < start)
		return bad_row(a, l, err, 7, "end_time", "ends (%lld) before it starts (%lld)", (long long)end,
		               (long long)start);
	if (tr__lines_parse_scaled(f[7], 10, &cpu) < 0)
		return bad_row(a, l, err, 8, task_cols[7], "expected a non-negative amount (100 = 1 core), got '%s'",
		               f[7]);
	if (tr__lines_parse_scaled(f[8], a->cfg.mem_milli_per_unit, &mem) < 0)
		return bad_row(a, l, err, 9, task_cols[8], "expected a non-negative amount (0-100), got '%s'", f[8]);
	if (inst == 0) {
		a->dropped++;
		return 0;
	}
	uint32_t j = job_find(a, f[2], true);
	if (j == UINT32_MAX)
		return TR_ENOMEM;
	ajob *job = &a->jobs[j];
	if ((uint64_t)job->next_index + (uint64_t)(inst / 1000) >= UINT32_MAX)
		return bad_row(a, l, err, 2, task_cols[1], "more than 4e9 instances in job %s", f[2]);
	if (a->nnodes == a->nodes_cap) {
		size_t cap = a->nodes_cap ? a->nodes_cap * 2 : 1024;
		anode *v = realloc(a->nodes, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		a->nodes = v;
		a->nodes_cap = cap;
	}
	if (job->n == job->cap) {
		uint32_t cap = job->cap ? job->cap * 2 : 4;
		uint32_t *v = realloc(job->nodes, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		job->nodes = v;
		job->cap = cap;
	}
	anode *n = &a->nodes[a->nnodes];
	memset(n, 0, sizeof *n);
	const char *parents;
	n->job = j;
	n->dag_id = dag_parse(f[0], &parents);
	n->parents = tr__strdup(parents);
	if (!n->parents)
		return TR_ENOMEM;
	n->instances = n->unfinished = (uint32_t)(inst / 1000);
	n->first_index = job->next_index;
	job->next_index += n->instances;
	n->start_s = start;
	n->duration_s = end - start;
	n->cpu = cpu;
	n->mem = mem;
	n->fw = (uint32_t)ttype;
	n->line = l->line;
	job->nodes[job->n++] = (uint32_t)a->nnodes++;
	a->instances_total += n->instances;
	return 0;
}

/* Resolves each node's parent ids among the nodes of its job (absent or
 * dropped parents are ignored) and fills the children lists. */
static int resolve(alibaba_source *a)
{
	for (size_t i = 0; i < a->nnodes; i++) {
		anode *n = &a->nodes[i];
		const ajob *job = &a->jobs[n->job];
		for (const char *p = n->parents; *p;) {
			uint32_t pid = 0;
			while (*p >= '0' && *p <= '9')
				pid = pid * 10 + (uint32_t)(*p++ - '0');
			if (*p == '_')
				p++;
			for (uint32_t k = 0; k < job->n; k++) {
				anode *par = &a->nodes[job->nodes[k]];
				if (par->dag_id != pid || pid == 0 || par == n)
					continue;
				uint32_t *v = realloc(par->children, (par->nchildren + 1) * sizeof *v);
				if (!v)
					return TR_ENOMEM;
				par->children = v;
				par->children[par->nchildren++] = (uint32_t)i;
				n->parents_left++;
				break;
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------ ready heap */

static bool before(const ready *x, const ready *y)
{
	return x->time_ns != y->time_ns ? x->time_ns < y->time_ns : x->seq < y->seq;
}

static int heap_push(alibaba_source *a, int64_t t, uint32_t node)
{
	if (a->nheap == a->heap_cap) {
		size_t cap = a->heap_cap ? a->heap_cap * 2 : 1024;
		ready *v = realloc(a->heap, cap * sizeof *v);
		if (!v)
			return TR_ENOMEM;
		a->heap = v;
		a->heap_cap = cap;
	}
	size_t i = a->nheap++;
	ready r = {t, a->seq++, node};
	while (i > 0 && before(&r, &a->heap[(i - 1) / 2])) {
		a->heap[i] = a->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	a->heap[i] = r;
	return 0;
}

static void heap_pop(alibaba_source *a)
{
	ready last = a->heap[--a->nheap];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= a->nheap)
			break;
		if (c + 1 < a->nheap && before(&a->heap[c + 1], &a->heap[c]))
			c++;
		if (!before(&a->heap[c], &last))
			break;
		a->heap[i] = a->heap[c];
		i = c;
	}
	if (a->nheap)
		a->heap[i] = last;
}

/* ------------------------------------------------------------ machines */

static int machine_rows(alibaba_source *a, const char *path, tr_err *err)
{
	lines l;
	int rc = tr__lines_open(&l, path, err);
	if (rc < 0)
		return rc;
	size_t cap = 0;
	while ((rc = tr__lines_next(&l, err)) == 1) {
		char **f = l.field;
		int64_t t, cpus, mem;
		if (l.nfields != 7) {
			rc = bad_row(a, &l, err, 0, "",
			             "expected 7 fields (cluster-trace-v2018 machine_meta), found %d", l.nfields);
		} else if (!*f[0]) {
			rc = bad_row(a, &l, err, 1, "machine_id", "expected a machine id, got ''");
		} else if (tr__lines_parse_i64(f[1], 0, 1000000000, &t) < 0) {
			rc = bad_row(a, &l, err, 2, "time_stamp", "expected seconds (an integer >= 0), got '%s'", f[1]);
		} else if (tr__lines_parse_i64(f[4], 0, 1000000, &cpus) < 0) {
			rc = bad_row(a, &l, err, 5, "cpu_num", "expected a number of cores, got '%s'", f[4]);
		} else if (tr__lines_parse_scaled(f[5], a->cfg.mem_milli_per_unit, &mem) < 0) {
			rc = bad_row(a, &l, err, 6, "mem_size", "expected a normalized size (0-100), got '%s'", f[5]);
		} else {
			if (a->nmev == cap) {
				cap = cap ? cap * 2 : 1024;
				amachine_ev *v = realloc(a->mev, cap * sizeof *v);
				char **w = realloc(a->mnames, cap * sizeof *w);
				if (v)
					a->mev = v;
				if (w)
					a->mnames = w;
				if (!v || !w) {
					rc = TR_ENOMEM;
					break;
				}
			}
			/* names are interned by a linear scan of the last one: rows of a
			 * machine are adjacent in machine_meta */
			uint32_t name;
			if (a->nmnames && strcmp(a->mnames[a->nmnames - 1], f[0]) == 0) {
				name = (uint32_t)(a->nmnames - 1);
			} else {
				if (!(a->mnames[a->nmnames] = tr__strdup(f[0]))) {
					rc = TR_ENOMEM;
					break;
				}
				name = (uint32_t)a->nmnames++;
			}
			amachine_ev m = {t, a->nmev, name, cpus * TR_MILLI, mem};
			a->mev[a->nmev++] = m;
			rc = 0;
		}
		if (rc < 0)
			break;
	}
	tr__lines_close(&l);
	return rc < 0 ? rc : 0;
}

static int by_time(const void *x, const void *y)
{
	const amachine_ev *a = x, *b = y;
	if (a->time_s != b->time_s)
		return a->time_s < b->time_s ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* ------------------------------------------------------------ the source */

static int alibaba_next(tr_source *src, tr_event *ev, tr_err *err)
{
	alibaba_source *a = (alibaba_source *)src;
	if (a->pending == 1) {
		anode *n = &a->nodes[a->heap[0].node];
		if (++n->given == n->instances)
			heap_pop(a);
	} else if (a->pending == 2) {
		a->at_mev++;
	}
	a->pending = 0;
	bool have_t = a->nheap > 0, have_m = a->at_mev < a->nmev;
	if (!have_t && !have_m)
		return 0;
	memset(ev, 0, sizeof *ev);
	ev->locality = "";
	if (have_m && (!have_t || a->mev[a->at_mev].time_s * TR_SECOND <= a->heap[0].time_ns)) {
		const amachine_ev *m = &a->mev[a->at_mev];
		a->pending = 2;
		ev->kind = m->order == UINT64_MAX ? TR_MACHINE_UPDATE : TR_MACHINE_ADD;
		ev->time_ns = m->time_s * TR_SECOND;
		ev->machine = a->mnames[m->name];
		ev->res.cpus = m->cpu;
		ev->res.mem_mb = m->mem;
		ev->file = "machine_meta";
		ev->line = 0;
		return 1;
	}
	const ready *r = &a->heap[0];
	const anode *n = &a->nodes[r->node];
	ev->kind = TR_TASK_SUBMIT;
	ev->time_ns = r->time_ns;
	ev->job = a->jobs[n->job].name;
	ev->framework = a->fw_names[n->fw];
	ev->task_index = n->first_index + n->given;
	ev->res.cpus = n->cpu;
	ev->res.mem_mb = n->mem;
	ev->duration_ns = n->duration_s * TR_SECOND;
	ev->file = "batch_task";
	ev->line = n->line;
	a->pending = 1;
	a->given_total++;
	return 1;
}

static int alibaba_task_finished(tr_source *src, const char *job, uint32_t index, int64_t time_ns)
{
	alibaba_source *a = (alibaba_source *)src;
	uint32_t j = job_find(a, job, false);
	if (j == UINT32_MAX)
		return 0;
	const ajob *jb = &a->jobs[j];
	/* the node holding this index: binary search over first_index */
	uint32_t lo = 0, hi = jb->n;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (a->nodes[jb->nodes[mid]].first_index <= index)
			lo = mid;
		else
			hi = mid;
	}
	if (jb->n == 0)
		return 0;
	anode *n = &a->nodes[jb->nodes[lo]];
	if (index < n->first_index || index >= n->first_index + n->instances || n->unfinished == 0)
		return 0;
	if (--n->unfinished > 0)
		return 0;
	int made = 0;
	for (uint32_t c = 0; c < n->nchildren; c++) {
		anode *ch = &a->nodes[n->children[c]];
		if (ch->parents_left > 0 && --ch->parents_left == 0) {
			if (heap_push(a, time_ns, n->children[c]) < 0)
				return 0; /* out of memory: the child is never submitted */
			made = 1;
		}
	}
	if (made) {
		/* the look-ahead (if any) is given again: it must not advance; a
		 * task's heap entry may no longer be on top */
		if (a->pending == 1)
			a->given_total--;
		a->pending = 0;
	}
	return made;
}

static double alibaba_progress(const tr_source *src)
{
	const alibaba_source *a = (const alibaba_source *)src;
	return a->instances_total ? (double)a->given_total / (double)a->instances_total : 1.0;
}

static void alibaba_destroy(tr_source *src)
{
	alibaba_source *a = (alibaba_source *)src;
	tr__source_free_common(src);
	for (size_t i = 0; i < a->nnodes; i++) {
		free(a->nodes[i].children);
		free(a->nodes[i].parents);
	}
	free(a->nodes);
	for (size_t i = 0; i < a->njobs; i++) {
		free(a->jobs[i].name);
		free(a->jobs[i].nodes);
	}
	free(a->jobs);
	free(a->jslots);
	free(a->heap);
	free(a->mev);
	for (size_t i = 0; i < a->nmnames; i++)
		free(a->mnames[i]);
	free(a->mnames);
	free(a);
}

static const tr_source_ops alibaba_ops = {alibaba_next, alibaba_progress, alibaba_destroy, alibaba_task_finished};

/* Machine rows in time order: a machine's first row adds it, a later row
 * with another capacity updates it, an identical one is dropped. */
static int plan_machines(alibaba_source *a)
{
	qsort(a->mev, a->nmev, sizeof *a->mev, by_time);
	int64_t(*last)[2] = malloc((a->nmnames ? a->nmnames : 1) * sizeof *last);
	if (!last)
		return TR_ENOMEM;
	for (size_t i = 0; i < a->nmnames; i++)
		last[i][0] = -1;
	size_t w = 0;
	for (size_t i = 0; i < a->nmev; i++) {
		amachine_ev m = a->mev[i];
		if (last[m.name][0] >= 0) {
			if (last[m.name][0] == m.cpu && last[m.name][1] == m.mem)
				continue;
			m.order = UINT64_MAX; /* an update */
		}
		last[m.name][0] = m.cpu;
		last[m.name][1] = m.mem;
		a->mev[w++] = m;
	}
	a->nmev = w;
	free(last);
	return 0;
}

static int synth_machines(alibaba_source *a, uint32_t n)
{
	a->mev = malloc(n * sizeof *a->mev);
	a->mnames = malloc(n * sizeof *a->mnames);
	if (!a->mev || !a->mnames)
		return TR_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		char name[24];
		snprintf(name, sizeof name, "m_%u", i + 1);
		if (!(a->mnames[i] = tr__strdup(name)))
			return TR_ENOMEM;
		a->nmnames++;
		amachine_ev m = {0, i, i, 96 * TR_MILLI, 100 * a->cfg.mem_milli_per_unit};
		a->mev[a->nmev++] = m;
	}
	return 0;
}

static int find_one(const char *dir, const char *table, const char *given, char **out, tr_err *err)
{
	*out = NULL;
	if (given) {
		*out = tr__strdup(given);
		return *out ? 0 : TR_ENOMEM;
	}
	if (!dir)
		return 0;
	char **v;
	size_t n;
	if (tr__files_find(dir, table, &v, &n) < 0) {
		tr__err_set(err, TR_EIO, "alibaba2018: cannot read the directory %s", dir);
		return TR_EIO;
	}
	if (n > 1) {
		tr__err_set(err, TR_EINVAL, "alibaba2018: %s has %zu %s files (%s, %s, ...); expected one", dir, n,
		            table, v[0], v[1]);
		tr__files_free(v, n);
		return TR_EINVAL;
	}
	if (n == 1) {
		*out = v[0];
		free(v);
	} else {
		tr__files_free(v, n);
	}
	return 0;
}

int tr_alibaba_open(const tr_alibaba_config *cfg, tr_source **out, tr_err *err)
{
	alibaba_source *a = calloc(1, sizeof *a);
	if (!a) {
		tr__err_set(err, TR_ENOMEM, "out of memory");
		return TR_ENOMEM;
	}
	a->base.ops = &alibaba_ops;
	a->cfg = *cfg;
	if (a->cfg.mem_milli_per_unit <= 0)
		a->cfg.mem_milli_per_unit = 5242880; /* 100 units = 512 GiB = 524,288 MB */
	char *tasks = NULL, *meta = NULL;
	int rc = find_one(cfg->dir, "batch_task", cfg->batch_task, &tasks, err);
	if (rc == 0)
		rc = find_one(cfg->dir, "machine_meta", cfg->machine_meta, &meta, err);
	if (rc == 0 && !tasks) {
		rc = TR_EIO;
		tr__err_set(err, rc, "alibaba2018: no batch_task file in %s (expected DIR/batch_task.csv)",
		            cfg->dir ? cfg->dir : "(none)");
	}
	lines l;
	if (rc == 0 && (rc = tr__lines_open(&l, tasks, err)) == 0) {
		while ((rc = tr__lines_next(&l, err)) == 1)
			if ((rc = task_row(a, &l, err)) < 0)
				break;
		tr__lines_close(&l);
	}
	if (rc >= 0)
		rc = resolve(a);
	for (size_t i = 0; rc >= 0 && i < a->nnodes; i++)
		if (a->nodes[i].parents_left == 0)
			rc = heap_push(a, a->nodes[i].start_s * TR_SECOND, (uint32_t)i);
	if (rc >= 0)
		rc = meta ? machine_rows(a, meta, err) : synth_machines(a, 4034);
	if (rc >= 0 && meta)
		rc = plan_machines(a);
	for (int t = 0; t <= 12; t++)
		snprintf(a->fw_names[t], sizeof a->fw_names[t], "batch-type%d", t);
	if (rc >= 0) {
		char info[400];
		snprintf(info, sizeof info,
		         "alibaba2018: %zu tasks (%llu instances) in %zu jobs replayed, %llu rows dropped (not "
		         "Terminated/Failed, or blank fields); %s",
		         a->nnodes, (unsigned long long)a->instances_total, a->njobs, (unsigned long long)a->dropped,
		         meta ? "machines from machine_meta"
		              : "no machine_meta: built 4,034 machines of 96 cores and 512 GiB (the documented v2018 "
		                "cluster)");
		a->base.info = tr__strdup(info);
	}
	free(tasks);
	free(meta);
	if (rc < 0) {
		if (rc == TR_ENOMEM)
			tr__err_set(err, rc, "out of memory");
		alibaba_destroy(&a->base);
		return rc;
	}
	*out = &a->base;
	return 0;
}

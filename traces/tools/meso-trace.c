/*
 * meso-trace.c — the trace tool: `convert` writes any supported trace as
 * Meso's binary form, `stats` prints a one-screen summary of any supported
 * trace, `gen` writes a Google-2011-matched synthetic workload. Inputs: google2011:DIR, alibaba2018:DIR, bin:FILE,
 * FILE.bin, or a native CSV workload directory. Usage: traces/README.md, "meso-trace".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "traces/traces.h"

static const char usage[] =
        "usage: meso-trace convert IN OUT.bin     write IN as Meso's binary workload\n"
        "       meso-trace stats IN               one-screen summary of IN\n"
        "       meso-trace gen --machines N --tasks M [--seed S] [--empty-start] [--standing-cap P]\n"
        "                      [--load F] --out DIR\n"
        "                                         a Google-2011-matched CSV workload in DIR: the\n"
        "                                         cell's standing load at t=0 (not with\n"
        "                                         --empty-start; at most P% of the CPU and memory,\n"
        "                                         default 50), then M tasks arriving (F times\n"
        "                                         the cell's rate, default 1)\n"
        "       meso-trace --help\n"
        "\n"
        "IN is one of:\n"
        "  google2011:DIR     Google cluster-data 2011 (DIR/task_events, DIR/machine_events)\n"
        "  alibaba2018:DIR    Alibaba cluster-trace-v2018 (DIR/batch_task.csv, DIR/machine_meta.csv)\n"
        "  bin:FILE, FILE.bin a binary workload (meso-trace convert)\n"
        "  DIR                Meso's CSV workload (DIR/machines.csv, DIR/tasks.csv, ...)\n"
        "\n"
        "Exit status: 0 done, 1 I/O error, 2 bad input or usage.\n";

static int exit_code(const tr_err *e)
{
	return e->code == TR_EIO || e->code == TR_ENOMEM ? 1 : 2;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* IN: KIND:PATH, a .bin file, or a native CSV workload folder. */
static int open_input(const char *in, tr_source **src, tr_err *err, tr_csv_dir *names)
{
	if (tr_trace_kind_of(in) != TR_TRACE_NONE)
		return tr_trace_open(in, NULL, src, err);
	if (ends_with(in, ".bin"))
		return tr_bin_open(in, src, err);
	tr_csv_config c = {0};
	tr_csv_dir_fill(&c, in, names);
	return tr_csv_open(&c, src, err);
}

/* ------------------------------------------------------------------ stats */

typedef struct vec {
	int64_t *v;
	size_t n, cap;
} vec;

static int vec_push(vec *x, int64_t v)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 1024;
		int64_t *p = realloc(x->v, cap * sizeof *p);
		if (!p)
			return -1;
		x->v = p;
		x->cap = cap;
	}
	x->v[x->n++] = v;
	return 0;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* nearest rank, as sim/README.md */
static double pct(const vec *x, int p, double unit)
{
	if (!x->n)
		return 0;
	size_t r = ((size_t)p * x->n + 99) / 100;
	return (double)x->v[r ? r - 1 : 0] / unit;
}

static void print_row(const char *name, vec *x, double unit, const char *u)
{
	qsort(x->v, x->n, sizeof *x->v, cmp64);
	printf("  %-14s p10 %-10.4g p50 %-10.4g p90 %-10.4g p99 %-10.4g max %.4g %s\n", name, pct(x, 10, unit),
	       pct(x, 50, unit), pct(x, 90, unit), pct(x, 99, unit), x->n ? (double)x->v[x->n - 1] / unit : 0, u);
}

/* String set (distinct jobs and machines), with a count per string. */
typedef struct sset {
	char **slot;
	uint64_t *hits;
	size_t n, count;
} sset;

static uint64_t shash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* 1: k is new; 0: seen before (its count goes up either way); -1: no memory. */
static int sset_add(sset *s, const char *k)
{
	if ((s->count + 1) * 2 > s->n) {
		size_t n = s->n ? s->n * 2 : 1024;
		char **v = calloc(n, sizeof *v);
		uint64_t *c = calloc(n, sizeof *c);
		if (!v || !c) {
			free(v);
			free(c);
			return -1;
		}
		for (size_t i = 0; i < s->n; i++) {
			if (!s->slot[i])
				continue;
			size_t h = shash(s->slot[i]) & (n - 1);
			while (v[h])
				h = (h + 1) & (n - 1);
			v[h] = s->slot[i];
			c[h] = s->hits[i];
		}
		free(s->slot);
		free(s->hits);
		s->slot = v;
		s->hits = c;
		s->n = n;
	}
	size_t h = shash(k) & (s->n - 1);
	while (s->slot[h]) {
		if (strcmp(s->slot[h], k) == 0) {
			s->hits[h]++;
			return 0;
		}
		h = (h + 1) & (s->n - 1);
	}
	size_t len = strlen(k) + 1;
	if (!(s->slot[h] = malloc(len)))
		return -1;
	memcpy(s->slot[h], k, len);
	s->hits[h] = 1;
	s->count++;
	return 1;
}

static void sset_free(sset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->slot[i]);
	free(s->slot);
	free(s->hits);
}

/* Pending finishes of a trace with dependencies: every task runs at once
 * for its duration (an infinite cluster), so that DAG children appear. */
typedef struct fin {
	int64_t t;
	char *job;
	uint32_t index;
} fin;

/* A binary min-heap on t (ties: any order; finishes at one instant commute). */
static void fin_push(fin *h, size_t *n, fin f)
{
	size_t i = (*n)++;
	while (i > 0 && f.t < h[(i - 1) / 2].t) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = f;
}

static fin fin_pop(fin *h, size_t *n)
{
	fin top = h[0], last = h[--*n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].t < h[c].t)
			c++;
		if (h[c].t >= last.t)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = last;
	return top;
}

static int cmd_stats(const char *in)
{
	static tr_csv_dir names;
	tr_source *src;
	tr_err err = {0};
	if (open_input(in, &src, &err, &names) < 0) {
		fprintf(stderr, "meso-trace: %s\n", err.msg);
		return exit_code(&err);
	}
	bool deps = tr_source_has_deps(src);
	vec cpus = {0}, mem = {0}, dur = {0}, arrivals = {0}, per_job = {0};
	sset jobs = {0}, machines = {0};
	fin *fins = NULL;
	size_t nfins = 0, fcap = 0;
	uint64_t madd = 0, mrem = 0, mupd = 0, tasks = 0;
	int64_t first = -1, last = 0;
	tr_event ev;
	int rc;
	rc = tr_source_next(src, &ev, &err);
	for (;;) {
		if (rc < 0)
			break;
		if (deps && nfins && (rc == 0 || fins[0].t <= ev.time_ns)) {
			/* a finish before the look-ahead may release earlier tasks */
			fin f = fin_pop(fins, &nfins);
			int r = tr_source_task_finished(src, f.job, f.index, f.t);
			free(f.job);
			if (r == 1 || rc == 0) /* the look-ahead is dropped and read again */
				rc = tr_source_next(src, &ev, &err);
			continue;
		}
		if (rc == 0)
			break;
		if (first < 0)
			first = ev.time_ns;
		if (ev.time_ns > last)
			last = ev.time_ns;
		switch (ev.kind) {
		case TR_MACHINE_ADD:
			madd++;
			if (sset_add(&machines, ev.machine) < 0)
				goto oom;
			break;
		case TR_MACHINE_REMOVE:
			mrem++;
			break;
		case TR_MACHINE_UPDATE:
			mupd++;
			break;
		case TR_MACHINE_RESERVE:
		case TR_MACHINE_UNRESERVE:
			break;
		case TR_TASK_SUBMIT:
			tasks++;
			int fresh = sset_add(&jobs, ev.job);
			if (fresh < 0 || (fresh && vec_push(&arrivals, ev.time_ns) < 0) ||
			    vec_push(&cpus, ev.res.cpus) < 0 || vec_push(&mem, ev.res.mem_mb) < 0 ||
			    vec_push(&dur, ev.duration_ns) < 0)
				goto oom;
			if (ev.time_ns + ev.duration_ns > last)
				last = ev.time_ns + ev.duration_ns;
			if (deps) {
				if (nfins == fcap) {
					fcap = fcap ? fcap * 2 : 1024;
					fin *v = realloc(fins, fcap * sizeof *v);
					if (!v)
						goto oom;
					fins = v;
				}
				size_t len = strlen(ev.job) + 1;
				fin f = {ev.time_ns + ev.duration_ns, malloc(len), ev.task_index};
				if (!f.job)
					goto oom;
				memcpy(f.job, ev.job, len);
				fin_push(fins, &nfins, f);
			}
			break;
		}
		rc = tr_source_next(src, &ev, &err);
	}
	if (rc < 0) {
		fprintf(stderr, "meso-trace: %s\n", err.msg);
	} else {
		size_t nfw;
		tr_source_frameworks(src, &nfw);
		printf("%s\n", in);
		if (tr_source_info(src))
			printf("  %s\n", tr_source_info(src));
		printf("  machines       %zu distinct (%llu add, %llu remove, %llu update events)\n", machines.count,
		       (unsigned long long)madd, (unsigned long long)mrem, (unsigned long long)mupd);
		printf("  tasks          %llu in %zu jobs; %zu frameworks known up front\n", (unsigned long long)tasks,
		       jobs.count, nfw);
		printf("  time span      %.3f s .. %.3f s (last submit or end of a task run)\n",
		       first < 0 ? 0.0 : (double)first / 1e9, (double)last / 1e9);
		print_row("cpus/task", &cpus, 1000, "cores");
		print_row("mem/task", &mem, 1000, "MB");
		print_row("duration", &dur, 1e9, "s");
		for (size_t i = 0; i < jobs.n; i++)
			if (jobs.slot[i] && vec_push(&per_job, (int64_t)jobs.hits[i]) < 0)
				goto oom;
		/* job arrivals: the first task of each job, in time order */
		for (size_t i = 1; i < arrivals.n; i++)
			arrivals.v[i - 1] = arrivals.v[i] - arrivals.v[i - 1];
		arrivals.n = arrivals.n ? arrivals.n - 1 : 0;
		print_row("tasks/job", &per_job, 1, "tasks");
		print_row("job gap", &arrivals, 1e9, "s (between first tasks of jobs)");
	}
	int code = rc < 0 ? exit_code(&err) : 0;
	if (0) {
	oom:
		fprintf(stderr, "meso-trace: out of memory\n");
		code = 1;
	}
	for (size_t i = 0; i < nfins; i++)
		free(fins[i].job);
	free(fins);
	free(cpus.v);
	free(mem.v);
	free(dur.v);
	free(arrivals.v);
	free(per_job.v);
	sset_free(&jobs);
	sset_free(&machines);
	tr_source_destroy(src);
	return code;
}

static int cmd_convert(const char *in, const char *out)
{
	static tr_csv_dir names;
	tr_source *src;
	tr_err err = {0};
	if (open_input(in, &src, &err, &names) < 0) {
		fprintf(stderr, "meso-trace: %s\n", err.msg);
		return exit_code(&err);
	}
	int rc = tr_bin_write(src, out, &err);
	if (rc < 0)
		fprintf(stderr, "meso-trace: %s\n", err.msg);
	else
		printf("meso-trace: wrote %s\n", out);
	tr_source_destroy(src);
	return rc < 0 ? exit_code(&err) : 0;
}

static int parse_u64(const char *flag, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *end || errno || v > max) {
		fprintf(stderr, "meso-trace: %s: expected an integer in 0..%llu, got '%s'\n", flag,
		        (unsigned long long)max, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int cmd_gen(int argc, char **argv)
{
	uint64_t machines = 0, tasks = 0, seed = 1, cap = 0;
	uint32_t load = 0;
	const char *dir = NULL;
	bool empty_start = false;
	for (int i = 2; i < argc; i += 2) {
		if (strcmp(argv[i], "--empty-start") == 0) {
			empty_start = true;
			i--; /* a flag: no value */
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "meso-trace: gen: %s needs a value\n", argv[i]);
			return 2;
		}
		const char *f = argv[i], *v = argv[i + 1];
		/* given twice: which one was meant is not ours to guess */
		for (int j = 2; j < i; j++)
			if (strcmp(argv[j], f) == 0) {
				fprintf(stderr, "meso-trace: gen: %s is given twice: give each option once\n", f);
				return 2;
			}
		int rc = 0;
		if (strcmp(f, "--machines") == 0)
			rc = parse_u64(f, v, UINT32_MAX, &machines);
		else if (strcmp(f, "--tasks") == 0)
			rc = parse_u64(f, v, UINT64_MAX, &tasks);
		else if (strcmp(f, "--seed") == 0)
			rc = parse_u64(f, v, UINT64_MAX, &seed);
		else if (strcmp(f, "--load") == 0) {
			/* a plain decimal with at most 3 decimals: thousandths, exact */
			int64_t ns;
			if (tr_parse_seconds(v, &ns) < 0 || ns % 1000000 || ns < 1000000 ||
			    ns > 100 * INT64_C(1000000000)) {
				fprintf(stderr,
				        "meso-trace: gen: --load: expected a decimal from 0.001 to 100 (at most 3 "
				        "decimals), got '%s'\n",
				        v);
				return 2;
			}
			load = (uint32_t)(ns / 1000000);
		} else if (strcmp(f, "--standing-cap") == 0) {
			rc = parse_u64(f, v, 100, &cap);
			if (rc == 0 && cap == 0) {
				fprintf(stderr, "meso-trace: gen: --standing-cap: expected 1 to 100\n");
				return 2;
			}
		} else if (strcmp(f, "--out") == 0)
			dir = v;
		else {
			fprintf(stderr, "meso-trace: gen: unknown option '%s'\n", f);
			return 2;
		}
		if (rc < 0)
			return 2;
	}
	if (!dir || machines == 0 || tasks == 0) {
		fprintf(stderr, "meso-trace: gen: needs --machines N (> 0), --tasks M (> 0) and --out DIR\n");
		return 2;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "meso-trace: %s: cannot create: %s\n", dir, strerror(errno));
		return 1;
	}
	tr_gen_config c = {(uint32_t)machines, tasks, seed, dir, empty_start, (uint32_t)cap, load};
	tr_gen_stats st;
	tr_err err;
	if (tr_gen_write(&c, &st, &err) < 0) {
		fprintf(stderr, "meso-trace: %s\n", err.msg);
		return exit_code(&err);
	}
	printf("meso-trace: wrote %s: %llu machines, %llu tasks in %llu jobs, last submit at %.3f s\n", dir,
	       (unsigned long long)machines, (unsigned long long)st.tasks, (unsigned long long)st.jobs,
	       (double)st.last_submit_ns / 1e9);
	if (st.standing_jobs)
		printf("meso-trace: of which the standing load at t=0: %llu tasks in %llu jobs (--empty-start: none)\n",
		       (unsigned long long)st.standing_tasks, (unsigned long long)st.standing_jobs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "convert") == 0)
		return cmd_convert(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "stats") == 0)
		return cmd_stats(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return cmd_gen(argc, argv);
	fprintf(stderr, "meso-trace: %s\n(meso-trace --help lists the commands)\n",
	        argc < 2 ? "missing command (convert, stats, gen)" : "unknown command or wrong number of arguments");
	return 2;
}

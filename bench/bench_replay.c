/*
 * bench_replay.c — trace reading (issue 5, item 6; issue 4): rows/s and MB/s
 * of every reader in traces/, streaming a generated workload through the
 * event-source interface as meso-sim reads it. Native CSV and binary form: M
 * machines (3 shapes) and T tasks in jobs of 10, the shape gen-workload.py
 * writes. Google cluster-data 2011 and Alibaba cluster-trace-v2018: tables
 * in the published column order and units, plain or gzip. Each benchmark
 * writes its fixture into a fresh /tmp directory before its timed loop and
 * removes it after.
 *
 * Simulator replay (events/s) is measured end to end with meso-sim's own
 * perf.json (BENCHMARKS.md, "Simulator"): the simulator links the asserting
 * alloccore, which cannot share this program with the NDEBUG copy.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bench.h"
#include "traces/traces.h"

typedef struct workload {
	char dir[64], machines[96], tasks[96];
	double bytes;
	int64_t rows;
} workload;

static int workload_write(workload *w, int64_t machines, int64_t tasks)
{
	snprintf(w->dir, sizeof w->dir, "/tmp/meso-bench-csv-XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	snprintf(w->machines, sizeof w->machines, "%s/machines.csv", w->dir);
	snprintf(w->tasks, sizeof w->tasks, "%s/tasks.csv", w->dir);
	FILE *f = fopen(w->machines, "w");
	if (!f)
		return -1;
	static const int shape[3][2] = {{8, 32768}, {16, 65536}, {32, 131072}};
	fputs("time,machine_id,event,cpus,mem\n", f);
	for (int64_t i = 0; i < machines; i++)
		fprintf(f, "0,m%lld,add,%d,%d\n", (long long)i, shape[i % 3][0], shape[i % 3][1]);
	fclose(f);
	if (!(f = fopen(w->tasks, "w")))
		return -1;
	fputs("submit_time,job_id,task_index,framework,cpus,mem,duration\n", f);
	uint64_t x = 12345;
	for (int64_t t = 0; t < tasks; t++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		fprintf(f, "%.3f,j%lld,%lld,fw%u,%g,%u,%.3f\n", (double)(t / 10) * 0.037, (long long)(t / 10),
		        (long long)(t % 10), (unsigned)(x >> 60) % 4, ((x >> 40) % 8 + 1) * 0.5,
		        (unsigned)(512u << ((x >> 20) % 5)), 1.0 + (double)((x >> 8) % 600000) / 1000);
	}
	fclose(f);
	struct stat a, b;
	if (stat(w->machines, &a) || stat(w->tasks, &b))
		return -1;
	w->bytes = (double)a.st_size + (double)b.st_size;
	w->rows = machines + tasks;
	return 0;
}

static void workload_remove(workload *w)
{
	unlink(w->machines);
	unlink(w->tasks);
	rmdir(w->dir);
}

static void trace_read_csv(bench_state *s)
{
	workload w;
	if (workload_write(&w, bench_arg(s, 0), bench_arg(s, 1))) {
		bench_error(s, "cannot write the workload under /tmp");
		return;
	}
	int64_t events = 0;
	while (bench_running(s)) {
		tr_csv_config cfg = {.machines = w.machines, .tasks = w.tasks};
		tr_source *src;
		tr_err err;
		if (tr_csv_open(&cfg, &src, &err)) {
			bench_error(s, err.msg);
			break;
		}
		tr_event ev;
		int rc;
		while ((rc = tr_source_next(src, &ev, &err)) > 0)
			events++;
		tr_source_destroy(src);
		if (rc < 0) {
			bench_error(s, err.msg);
			break;
		}
	}
	int64_t it = bench_iterations(s);
	bench_items(s, it * w.rows);
	bench_counter(s, "bytes_per_second", w.bytes * (double)it, BENCH_RATE);
	bench_counter(s, "events", (double)events, BENCH_PER_ITER);
	workload_remove(&w);
}

/* The same workload converted once to the binary form, then replayed from
 * the file (mmap, checked whole at open) as meso-sim --trace bin: does. */
static void trace_read_bin(bench_state *s)
{
	workload w;
	char bin[128];
	tr_err err;
	if (workload_write(&w, bench_arg(s, 0), bench_arg(s, 1))) {
		bench_error(s, "cannot write the workload under /tmp");
		return;
	}
	snprintf(bin, sizeof bin, "%s/w.bin", w.dir);
	tr_csv_config cfg = {.machines = w.machines, .tasks = w.tasks, .scan_frameworks = true};
	tr_source *src;
	if (tr_csv_open(&cfg, &src, &err) || tr_bin_write(src, bin, &err)) {
		bench_error(s, err.msg);
		workload_remove(&w);
		return;
	}
	tr_source_destroy(src);
	struct stat st;
	double bytes = stat(bin, &st) ? 0 : (double)st.st_size;
	while (bench_running(s)) {
		if (tr_bin_open(bin, &src, &err)) {
			bench_error(s, err.msg);
			break;
		}
		tr_event ev;
		int rc;
		while ((rc = tr_source_next(src, &ev, &err)) > 0)
			;
		tr_source_destroy(src);
		if (rc < 0) {
			bench_error(s, err.msg);
			break;
		}
	}
	int64_t it = bench_iterations(s);
	bench_items(s, it * w.rows);
	bench_counter(s, "bytes_per_second", bytes * (double)it, BENCH_RATE);
	unlink(bin);
	workload_remove(&w);
}

/* ------------------------------------------------- public-trace fixtures */

/* splitmix64: the fixtures are the same on every run. */
static uint64_t rng_next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *x, uint64_t n)
{
	return rng_next(x) % n;
}

/* 43 base64 characters and '=': the shape of the traces' hashed names. */
static void rng_hash(uint64_t *x, char out[45])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int i = 0; i < 43; i++)
		out[i] = b64[rng_below(x, 64)];
	out[43] = '=';
	out[44] = '\0';
}

/* A public trace written under /tmp: its tables (plain or gzip'd). */
typedef struct pub_trace {
	char dir[64];
	double disk_bytes; /* as stored (gzip'd or not): what MB/s is of */
	double text_bytes; /* the tables as text */
	int64_t rows;
} pub_trace;

static int pub_trace_init(pub_trace *t, const char *kind)
{
	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/meso-bench-%s-XXXXXX", kind);
	return mkdtemp(t->dir) ? 0 : -1;
}

/* Counts a table written as text at path; with gzip, replaces it by
 * path.gz (zlib's default level, 6). */
static int pub_trace_add(pub_trace *t, const char *path, bool gzip)
{
	struct stat st;
	if (stat(path, &st))
		return -1;
	t->text_bytes += (double)st.st_size;
	if (gzip) {
		char gz[160], buf[1 << 16];
		snprintf(gz, sizeof gz, "%s.gz", path);
		FILE *in = fopen(path, "rb");
		gzFile out = gzopen(gz, "wb6");
		size_t n;
		int ok = in && out;
		while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
			ok = gzwrite(out, buf, (unsigned)n) == (int)n;
		if (in)
			fclose(in);
		if (out && gzclose(out) != Z_OK)
			ok = 0;
		unlink(path);
		if (!ok || stat(gz, &st))
			return -1;
	}
	t->disk_bytes += (double)st.st_size;
	return 0;
}

/* Removes every file of the directory (a table left half-written too). */
static void pub_trace_remove(pub_trace *t)
{
	DIR *d = opendir(t->dir);
	struct dirent *e;
	char path[384];
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", t->dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(t->dir);
}

/* The counters every public-trace reader reports, then the files go. */
static void pub_trace_report(bench_state *s, pub_trace *t, int64_t tasks)
{
	int64_t it = bench_iterations(s);
	bench_items(s, it * t->rows);
	bench_counter(s, "bytes_per_second", t->disk_bytes * (double)it, BENCH_RATE);
	bench_counter(s, "text_bytes_per_second", t->text_bytes * (double)it, BENCH_RATE);
	bench_counter(s, "tasks", (double)tasks, BENCH_PER_ITER);
	pub_trace_remove(t);
}

/* ------------------------------------------- Google cluster-data 2011 */

enum { G_SUBMIT, G_SCHEDULE, G_EVICT, G_FAIL, G_FINISH, G_KILL, G_LOST, G_UPD_PENDING, G_UPD_RUNNING };

/* One row before the table is sorted by time. */
typedef struct grow {
	int64_t time_us;
	uint32_t job, index, seq;
	int32_t machine;             /* -1: blank (not on a machine) */
	uint8_t type, blank_request; /* blank request: missing info 2 (EXISTS_BUT_NO_CREATION) */
} grow;

typedef struct gjob {
	uint64_t id;
	uint32_t user;
	uint8_t sched_class, cpu, mem, disk, spread;
	int8_t priority;
} gjob;

typedef struct grows {
	grow *v;
	size_t n, cap;
	uint32_t seq;
	uint64_t rng;
} grows;

static int grows_add(grows *g, int64_t t, uint32_t job, uint32_t index, int32_t machine, int type)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 4096;
		grow *v = realloc(g->v, cap * sizeof *v);
		if (!v)
			return -1;
		g->v = v;
		g->cap = cap;
	}
	/* 1 row in 10,000: about the rate of blank-request rows in parts 0-13 */
	g->v[g->n++] = (grow){t, job, index, g->seq++, machine, (uint8_t)type, rng_below(&g->rng, 10000) == 0};
	return 0;
}

static int by_time_seq(const void *a, const void *b)
{
	const grow *x = a, *y = b;
	if (x->time_us != y->time_us)
		return x->time_us < y->time_us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One task's rows, with the documented frequencies of clusterdata-2011-2
 * (README-formats.md 1.2, 2, 7.1): SUBMIT (at t=0, a snapshot row already on
 * its machine), SCHEDULE, and a terminal event (FINISH 63.5%, KILL 28.2%,
 * EVICT 7.8%, FAIL 0.4%, LOST 0.1%); EVICT and FAIL, and a quarter of KILLs,
 * resubmitted (about 15% of tasks scheduled more than once); UPDATE_PENDING
 * and UPDATE_RUNNING about 4 rows in 1,000 (4.5 in the trace). Not documented,
 * chosen here: 4% of tasks killed while pending, 3% still running at the
 * end of the data. */
static int google_task(grows *g, int64_t t, uint32_t job, uint32_t index, uint32_t machines)
{
	uint64_t *x = &g->rng;
	int32_t m = (int32_t)rng_below(x, machines);
	if (grows_add(g, t, job, index, t == 0 ? m : -1, G_SUBMIT))
		return -1;
	uint64_t r = rng_below(x, 1000);
	if (r < 40)
		return grows_add(g, t + 1000 + (int64_t)rng_below(x, 600000000), job, index, -1, G_KILL);
	if (r < 43 && t > 0 && grows_add(g, t + 500, job, index, -1, G_UPD_PENDING))
		return -1;
	int64_t sched = t == 0 ? 0 : t + 1000 + (int64_t)rng_below(x, 20000000);
	for (int attempt = 0; attempt < 4; attempt++) {
		if (grows_add(g, sched, job, index, m, G_SCHEDULE))
			return -1;
		int64_t dur = (1 + (int64_t)rng_below(x, 600)) * 1000000 << rng_below(x, 6);
		if (rng_below(x, 100) == 0 && grows_add(g, sched + dur / 2, job, index, m, G_UPD_RUNNING))
			return -1;
		if (rng_below(x, 100) < 3)
			return 0;
		uint64_t e = rng_below(x, 1000);
		int type = e < 635 ? G_FINISH : e < 917 ? G_KILL : e < 995 ? G_EVICT : e < 999 ? G_FAIL : G_LOST;
		if (grows_add(g, sched + dur, job, index, m, type))
			return -1;
		if (type == G_FINISH || type == G_LOST || (type == G_KILL && rng_below(x, 4)))
			return 0;
		if (grows_add(g, sched + dur + 1000, job, index, -1, G_SUBMIT))
			return -1;
		sched += dur + 2000 + (int64_t)rng_below(x, 10000000);
		m = (int32_t)rng_below(x, machines);
	}
	return 0;
}

/* The 2011 machine classes (traces/README.md; README-formats.md 7.1). */
static const struct {
	uint32_t count;
	const char *cpu, *mem;
} gclasses[10] = {
        {6732, "0.5", "0.4995"}, {3863, "0.5", "0.2493"}, {1001, "0.5", "0.749"}, {795, "1", "1"},
        {126, "0.25", "0.2498"}, {52, "0.5", "0.1241"},   {5, "0.5", "0.03085"},  {5, "0.5", "0.9678"},
        {3, "1", "0.5"},         {1, "0.5", "0.06158"},
};

static int gclass_of(uint32_t i, uint32_t machines)
{
	uint64_t at = (uint64_t)i * 12583 / machines, sum = 0;
	for (int c = 0; c < 10; c++)
		if (at < (sum += gclasses[c].count))
			return c;
	return 0;
}

static uint64_t gmachine_id(uint32_t i)
{
	return (uint64_t)i * 2654435761u % 4294967291u + 5; /* distinct, scattered like the real ids */
}

/* machine_events: every machine ADDed at 0; a tenth removed and added back
 * later, a fiftieth UPDATEd; time order. */
static int google_machines(pub_trace *t, uint32_t machines, int64_t span_us, bool gzip)
{
	uint64_t x = 2011;
	size_t n = machines, cap = machines + machines / 10 * 2 + machines / 50 + 1;
	grow *v = malloc(cap * sizeof *v);
	if (!v)
		return -1;
	for (uint32_t i = 0; i < machines; i++)
		v[i] = (grow){0, 0, 0, i, (int32_t)i, 0, 0};
	for (uint32_t k = 0; k < machines / 10; k++) {
		int32_t m = (int32_t)rng_below(&x, machines);
		int64_t at = 600000000 + (int64_t)rng_below(&x, (uint64_t)span_us + 1);
		v[n] = (grow){at, 0, 0, (uint32_t)n, m, 1, 0};
		n++;
		v[n] = (grow){at + 600000000, 0, 0, (uint32_t)n, m, 0, 0};
		n++;
	}
	for (uint32_t k = 0; k < machines / 50; k++, n++) {
		int64_t at = 600000000 + (int64_t)rng_below(&x, (uint64_t)span_us + 1);
		v[n] = (grow){at, 0, 0, (uint32_t)n, (int32_t)rng_below(&x, machines), 2, 0};
	}
	qsort(v, n, sizeof *v, by_time_seq);
	char path[128], platform[3][45];
	for (int p = 0; p < 3; p++)
		rng_hash(&x, platform[p]);
	snprintf(path, sizeof path, "%s/machine_events.csv", t->dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		free(v);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int c = gclass_of((uint32_t)v[i].machine, machines);
		fprintf(f, "%lld,%llu,%d,%s,", (long long)v[i].time_us,
		        (unsigned long long)gmachine_id((uint32_t)v[i].machine), v[i].type, platform[c % 3]);
		if (v[i].type == 1)
			fputs(",\n", f); /* REMOVE rows carry no capacity */
		else
			fprintf(f, "%s,%s\n", gclasses[c].cpu, gclasses[c].mem);
	}
	free(v);
	t->rows += (int64_t)n;
	return fclose(f) || pub_trace_add(t, path, gzip);
}

/* task_events (13 columns, no header, times in µs from the 600 s window
 * start, requests normalized) of about `rows` rows: jobs of 1 task (79%) to
 * 2,000 (mean about 31), the first twentieth of the rows a t=0 snapshot. */
static int google_write(pub_trace *t, uint32_t machines, int64_t rows, bool gzip)
{
	static const char *const cpu[8] = {"0.00625", "0.0125", "0.01874", "0.03125", "0.0625", "0.125", "0.25", "0.5"};
	static const char *const mem[8] = {"0.0159",  "0.02545", "0.0318", "0.03339",
	                                   "0.06213", "0.1241",  "0.1592", "0.2493"};
	static const char *const disk[4] = {"0.0001059", "0.0003862", "0.0004244", "0.001554"};
	static const int8_t prio[10] = {0, 0, 1, 2, 2, 2, 2, 4, 9, 10};
	if (pub_trace_init(t, "google"))
		return -1;
	grows g = {.rng = 42};
	gjob *jobs = NULL;
	size_t njobs = 0, jcap = 0;
	uint32_t nusers = machines * 933 / 12583 + 1;
	int64_t now = 0, gap_us = (int64_t)(3750000.0 * 12583 / machines) + 1;
	int rc = 0;
	while (rc == 0 && (int64_t)g.n < rows) {
		if (njobs == jcap) {
			jcap = jcap ? jcap * 2 : 1024;
			gjob *v = realloc(jobs, jcap * sizeof *v);
			if (!v) {
				rc = -1;
				break;
			}
			jobs = v;
		}
		uint64_t *x = &g.rng;
		/* one draw after another: the same tables whatever the compiler */
		gjob *j = &jobs[njobs];
		j->id = 6251000000ULL + njobs * 17 + rng_below(x, 17);
		uint64_t u = rng_below(x, nusers);
		j->user = (uint32_t)(u * u / nusers); /* a few users submit most jobs */
		j->sched_class = (uint8_t)rng_below(x, 4);
		j->cpu = (uint8_t)rng_below(x, 8);
		j->mem = (uint8_t)rng_below(x, 8);
		j->disk = (uint8_t)rng_below(x, 4);
		j->spread = rng_below(x, 20) == 0;
		j->priority = prio[rng_below(x, 10)];
		uint64_t r = rng_below(x, 100);
		uint32_t ntasks = r < 79   ? 1
		                  : r < 94 ? 2 + (uint32_t)rng_below(x, 49)
		                  : r < 99 ? 50 + (uint32_t)rng_below(x, 450)
		                           : 500 + (uint32_t)rng_below(x, 1500);
		if ((int64_t)g.n >= rows / 20)
			now = (now ? now : 600000000) + (int64_t)rng_below(x, 2 * (uint64_t)gap_us);
		for (uint32_t i = 0; i < ntasks && rc == 0; i++)
			rc = google_task(&g, now ? now + i * 1000 : 0, (uint32_t)njobs, i, machines);
		njobs++;
	}
	char(*users)[45] = rc ? NULL : malloc(nusers * sizeof *users);
	char path[128];
	FILE *f = NULL;
	if (users) {
		for (uint32_t i = 0; i < nusers; i++)
			rng_hash(&g.rng, users[i]);
		if ((int64_t)g.n > rows) /* the last job's tail */
			g.n = (size_t)rows;
		qsort(g.v, g.n, sizeof *g.v, by_time_seq);
		snprintf(path, sizeof path, "%s/task_events.csv", t->dir);
		f = fopen(path, "w");
	}
	for (size_t i = 0; f && i < g.n; i++) {
		const grow *w = &g.v[i];
		const gjob *j = &jobs[w->job];
		fprintf(f, "%lld,%s,%llu,%u,", (long long)w->time_us, w->blank_request ? "2" : "",
		        (unsigned long long)j->id, w->index);
		if (w->machine >= 0)
			fprintf(f, "%llu", (unsigned long long)gmachine_id((uint32_t)w->machine));
		fprintf(f, ",%d,%s,%d,%d,", w->type, users[j->user], j->sched_class, j->priority);
		if (w->blank_request)
			fputs(",,", f);
		else
			fprintf(f, "%s,%s,%s", cpu[j->cpu], mem[j->mem], disk[j->disk]);
		fprintf(f, ",%d\n", j->spread);
	}
	int64_t span = g.n ? g.v[g.n - 1].time_us - 600000000 : 0;
	t->rows = (int64_t)g.n;
	free(users);
	free(jobs);
	free(g.v);
	if (!f || fclose(f) || pub_trace_add(t, path, gzip))
		return -1;
	return google_machines(t, machines, span > 0 ? span : 1, gzip);
}

/* The Google reader as meso-sim --trace google2011:DIR runs it: open (which
 * reads and folds the whole task table) and give every event. rows/s counts
 * task_events and machine_events rows; MB/s the bytes as stored. */
static void trace_read_google(bench_state *s)
{
	pub_trace t;
	bool gzip = bench_arg(s, 2) != 0;
	if (google_write(&t, (uint32_t)bench_arg(s, 0), bench_arg(s, 1), gzip)) {
		bench_error(s, "cannot write the Google 2011 tables under /tmp");
		pub_trace_remove(&t);
		return;
	}
	tr_google_config cfg = {.dir = t.dir};
	int64_t tasks = 0;
	while (bench_running(s)) {
		tr_source *src;
		tr_err err;
		if (tr_google_open(&cfg, &src, &err)) {
			bench_error(s, err.msg);
			break;
		}
		tr_event ev;
		int rc;
		while ((rc = tr_source_next(src, &ev, &err)) > 0)
			tasks += ev.kind == TR_TASK_SUBMIT;
		tr_source_destroy(src);
		if (rc < 0) {
			bench_error(s, err.msg);
			break;
		}
	}
	pub_trace_report(s, &t, tasks);
}

/* ---------------------------------------- Alibaba cluster-trace-v2018 */

/* batch_task (9 columns, no header: task_name, instance_num, job_name,
 * task_type, status, start_time, end_time, plan_cpu, plan_mem) of `rows`
 * rows, and machine_meta (7 columns) of `machines` machines. 85% of jobs are
 * DAGs of 1-6 tasks (M1, M2, R3_2, J4_1_3: roots, chains, joins), the rest
 * one independent task_<hash>; instances 1 (half the rows) to 2,000 (mean
 * about 30); 95% Terminated, 3% Failed, 2% Running (dropped by the reader);
 * times in seconds over 8 days; plan_cpu 100 = 1 core, plan_mem 0-100. */
static int alibaba_write(pub_trace *t, uint32_t machines, int64_t rows, bool gzip)
{
	static const int cpu[6] = {50, 100, 100, 200, 400, 600};
	if (pub_trace_init(t, "alibaba"))
		return -1;
	uint64_t x = 2018;
	char path[128], hash[45];
	snprintf(path, sizeof path, "%s/batch_task.csv", t->dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int64_t n = 0;
	for (uint32_t job = 1; n < rows; job++) {
		int64_t at = 86400 + n * 691200 / rows + (int64_t)rng_below(&x, 60);
		bool dag = rng_below(&x, 100) < 85;
		uint32_t k = dag ? 1 + (uint32_t)rng_below(&x, 6) : 1;
		for (uint32_t i = 1; i <= k && n < rows; i++, n++) {
			char name[48];
			if (!dag) {
				rng_hash(&x, hash);
				snprintf(name, sizeof name, "task_%.24s==", hash);
			} else if (i == 1 || (i == 2 && rng_below(&x, 2))) {
				snprintf(name, sizeof name, "M%u", i);
			} else if (i > 2 && rng_below(&x, 3) == 0) {
				snprintf(name, sizeof name, "J%u_%u_%u", i, i - 2, i - 1);
			} else {
				snprintf(name, sizeof name, "R%u_%u", i, 1 + (uint32_t)rng_below(&x, i - 1));
			}
			uint64_t r = rng_below(&x, 100);
			uint32_t inst = r < 50   ? 1
			                : r < 75 ? 2 + (uint32_t)rng_below(&x, 9)
			                : r < 95 ? 11 + (uint32_t)rng_below(&x, 90)
			                : r < 99 ? 100 + (uint32_t)rng_below(&x, 200)
			                         : 300 + (uint32_t)rng_below(&x, 1700);
			uint64_t st = rng_below(&x, 100);
			int64_t dur = (1 + (int64_t)rng_below(&x, 120)) << rng_below(&x, 5);
			const char *status = st < 95 ? "Terminated" : st < 98 ? "Failed" : "Running";
			unsigned type = 1 + (unsigned)rng_below(&x, 12);
			int plan_cpu = cpu[rng_below(&x, 6)];
			double plan_mem = 0.2 + (double)rng_below(&x, 300) / 100;
			fprintf(f, "%s,%u,j_%u,%u,%s,%lld,%lld,%d,%.2f\n", name, inst, job, type, status, (long long)at,
			        st < 98 ? (long long)(at + dur) : 0LL, plan_cpu, plan_mem);
			at += dur + (int64_t)rng_below(&x, 5);
		}
	}
	t->rows = n;
	if (fclose(f) || pub_trace_add(t, path, gzip))
		return -1;
	/* machine_meta: a machine's rows adjacent; a second row for half of
	 * them, identical (dropped) or, for one in ten of those, smaller */
	snprintf(path, sizeof path, "%s/machine_meta.csv", t->dir);
	if (!(f = fopen(path, "w")))
		return -1;
	for (uint32_t i = 1; i <= machines; i++) {
		unsigned fd1 = 1 + i % 97, fd2 = 1 + i % 7;
		fprintf(f, "m_%u,0,%u,%u,96,100,USING\n", i, fd1, fd2);
		t->rows++;
		if (rng_below(&x, 2)) {
			bool less = rng_below(&x, 10) == 0;
			fprintf(f, "m_%u,%llu,%u,%u,%d,%d,USING\n", i,
			        (unsigned long long)(86400 + rng_below(&x, 691200)), fd1, fd2, less ? 64 : 96,
			        less ? 50 : 100);
			t->rows++;
		}
	}
	return fclose(f) || pub_trace_add(t, path, gzip);
}

/* A task given by the reader, to finish at t (job name copied into arena). */
typedef struct afin {
	int64_t t;
	size_t job; /* offset in the arena */
	uint32_t index;
} afin;

typedef struct afins {
	afin *h;
	size_t n, cap;
	char *arena;
	size_t len, arena_cap;
} afins;

static int afins_push(afins *q, int64_t t, const char *job, uint32_t index)
{
	size_t len = strlen(job) + 1;
	if (q->len + len > q->arena_cap) {
		size_t cap = q->arena_cap ? q->arena_cap * 2 : 1 << 16;
		char *v = realloc(q->arena, cap);
		if (!v)
			return -1;
		q->arena = v;
		q->arena_cap = cap;
	}
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 4096;
		afin *v = realloc(q->h, cap * sizeof *v);
		if (!v)
			return -1;
		q->h = v;
		q->cap = cap;
	}
	afin f = {t, q->len, index};
	memcpy(q->arena + q->len, job, len);
	q->len += len;
	size_t i = q->n++;
	while (i > 0 && f.t < q->h[(i - 1) / 2].t) {
		q->h[i] = q->h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q->h[i] = f;
	return 0;
}

static afin afins_pop(afins *q)
{
	afin top = q->h[0], last = q->h[--q->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= q->n)
			break;
		if (c + 1 < q->n && q->h[c + 1].t < q->h[c].t)
			c++;
		if (q->h[c].t >= last.t)
			break;
		q->h[i] = q->h[c];
		i = c;
	}
	if (q->n)
		q->h[i] = last;
	return top;
}

/* The Alibaba reader with its DAGs honoured: open (reads batch_task and
 * machine_meta whole), then every instance is given, each finishing at
 * submit + duration on an infinite cluster (as meso-trace stats does) so
 * that children are released. The finish heap is the consumer's part of the
 * time (meso-sim has its own event queue). rows/s counts batch_task and
 * machine_meta rows; tasks/s the instances given. */
static void trace_read_alibaba(bench_state *s)
{
	pub_trace t;
	if (alibaba_write(&t, (uint32_t)bench_arg(s, 0), bench_arg(s, 1), bench_arg(s, 2) != 0)) {
		bench_error(s, "cannot write the Alibaba 2018 tables under /tmp");
		pub_trace_remove(&t);
		return;
	}
	tr_alibaba_config cfg = {.dir = t.dir};
	afins q = {0};
	int64_t tasks = 0;
	while (bench_running(s)) {
		tr_source *src;
		tr_err err;
		if (tr_alibaba_open(&cfg, &src, &err)) {
			bench_error(s, err.msg);
			break;
		}
		q.n = q.len = 0;
		tr_event ev;
		int rc = tr_source_next(src, &ev, &err);
		while (rc >= 0) {
			if (q.n && (rc == 0 || q.h[0].t <= ev.time_ns)) {
				/* a finish before the look-ahead may release earlier tasks */
				afin f = afins_pop(&q);
				int r = tr_source_task_finished(src, q.arena + f.job, f.index, f.t);
				if (r == 1 || rc == 0) /* the look-ahead is dropped and read again */
					rc = tr_source_next(src, &ev, &err);
				continue;
			}
			if (rc == 0)
				break;
			if (ev.kind == TR_TASK_SUBMIT) {
				tasks++;
				if (afins_push(&q, ev.time_ns + ev.duration_ns, ev.job, ev.task_index)) {
					rc = TR_ENOMEM;
					snprintf(err.msg, sizeof err.msg, "out of memory");
					break;
				}
			}
			rc = tr_source_next(src, &ev, &err);
		}
		tr_source_destroy(src);
		if (rc < 0) {
			bench_error(s, err.msg);
			break;
		}
	}
	bench_counter(s, "tasks_per_second", (double)tasks, BENCH_RATE);
	free(q.h);
	free(q.arena);
	pub_trace_report(s, &t, tasks);
}

void bench_replay_register(void)
{
	static const bench_def csv = {"trace_read_csv", trace_read_csv, "machines,tasks", BENCH_MS, 0};
	static const bench_def bin = {"trace_read_bin", trace_read_bin, "machines,tasks", BENCH_MS, 0};
	static const bench_def google = {"trace_read_google", trace_read_google, "machines,rows,gzip", BENCH_MS, 0};
	static const bench_def alibaba = {"trace_read_alibaba", trace_read_alibaba, "machines,rows,gzip", BENCH_MS, 0};
	if (bench_smoke) {
		BENCH_ARGS(&csv, 10, 1000);
		BENCH_ARGS(&bin, 10, 1000);
		BENCH_ARGS(&google, 10, 1000, 1);
		BENCH_ARGS(&alibaba, 10, 300, 1);
		return;
	}
	BENCH_ARGS(&csv, 1250, 100000);
	BENCH_ARGS(&csv, 12500, 1000000);
	BENCH_ARGS(&bin, 1250, 100000);
	BENCH_ARGS(&bin, 12500, 1000000);
	/* Google: 12,583 machines is the 2011 cell; Alibaba: 4,034 the 2018 one */
	for (int gz = 0; gz <= 1; gz++) {
		BENCH_ARGS(&google, 1258, 100000, gz);
		BENCH_ARGS(&google, 12583, 1000000, gz);
		BENCH_ARGS(&alibaba, 403, 10000, gz);
		BENCH_ARGS(&alibaba, 4034, 100000, gz);
	}
}

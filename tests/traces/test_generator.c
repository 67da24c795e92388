/*
 * test_generator.c — the Google-2011-matched generator (tr_gen_write,
 * `meso-trace gen`): byte-identical output for the same arguments, and
 * distributions close to README-formats.md §7.1 with tolerances a wrong
 * generator (uniform sizes, per-task requests, Poisson gaps, wrong classes,
 * independent or identical cpu/mem quantiles) fails. The files are read back
 * through the native CSV reader.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "traces/traces.h"

/* FNV-1a of d1/tasks.csv in test_determinism. */
#define GOLDEN_TASKS_HASH 0x6dece9f145b484acULL

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/meso-gentest-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *sub(const char *name)
{
	static char paths[4][512];
	static int next;
	char *p = paths[next++ % 4];
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

/* The arrivals alone (--empty-start): the distribution tests are about them. */
static void gen_cfg(const char *name, tr_gen_config c, tr_gen_stats *st)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "mkdir -p %s", sub(name));
	assert_int_equal(system(cmd), 0);
	c.dir = sub(name);
	tr_err err;
	int rc = tr_gen_write(&c, st, &err);
	if (rc < 0)
		fail_msg("tr_gen_write: %s", err.msg);
}

static void gen(const char *name, uint32_t machines, uint64_t tasks, uint64_t seed, tr_gen_stats *st)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "mkdir -p %s", sub(name));
	assert_int_equal(system(cmd), 0);
	tr_gen_config c = {machines, tasks, seed, sub(name), true, 0, 0};
	tr_err err;
	int rc = tr_gen_write(&c, st, &err);
	if (rc < 0)
		fail_msg("tr_gen_write: %s", err.msg);
}

/* 1 when the two files have the same bytes. */
static int same_file(const char *a, const char *b)
{
	FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
	assert_non_null(f);
	assert_non_null(g);
	int same = 1, x, y;
	do {
		x = fgetc(f);
		y = fgetc(g);
		if (x != y)
			same = 0;
	} while (same && x != EOF);
	fclose(f);
	fclose(g);
	return same;
}

/* FNV-1a over the file's bytes. */
static uint64_t file_hash(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint64_t h = 0xcbf29ce484222325ULL;
	int ch;
	while ((ch = fgetc(f)) != EOF)
		h = (h ^ (uint64_t)ch) * 0x100000001b3ULL;
	fclose(f);
	return h;
}

static void test_determinism(void **state)
{
	(void)state;
	tr_gen_stats a, b, c;
	gen("d1", 500, 20000, 42, &a);
	gen("d2", 500, 20000, 42, &b);
	gen("d3", 500, 20000, 43, &c);
	assert_int_equal(a.tasks, 20000);
	assert_int_equal(a.jobs, b.jobs);
	assert_true(same_file(sub("d1/tasks.csv"), sub("d2/tasks.csv")));
	assert_true(same_file(sub("d1/machines.csv"), sub("d2/machines.csv")));
	assert_false(same_file(sub("d1/tasks.csv"), sub("d3/tasks.csv")));
	/* the machines depend on N only */
	assert_true(same_file(sub("d1/machines.csv"), sub("d3/machines.csv")));
	/* and the same bytes on every machine and build: integer arithmetic
	 * only. A deliberate change to the generated workload updates this
	 * hash (and the numbers in traces/README.md). */
	uint64_t h = file_hash(sub("d1/tasks.csv"));
	if (h != GOLDEN_TASKS_HASH)
		fail_msg("tasks.csv (500 machines, 20,000 tasks, seed 42) hashes to 0x%016llx, expected 0x%016llx",
		         (unsigned long long)h, (unsigned long long)GOLDEN_TASKS_HASH);
}

static void test_rejects_bad_config(void **state)
{
	(void)state;
	tr_gen_config c = {0, 10, 1, dir, false, 0, 0};
	tr_err err;
	assert_int_equal(tr_gen_write(&c, NULL, &err), TR_EINVAL);
	assert_true(err.msg[0] != 0);
	c.machines = 10;
	c.dir = "/nonexistent/meso-gen";
	assert_int_equal(tr_gen_write(&c, NULL, &err), TR_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/meso-gen"));
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* nearest rank, p in percent */
static int64_t pct(int64_t *v, size_t n, int p)
{
	qsort(v, n, sizeof *v, cmp64);
	size_t r = ((size_t)p * n + 99) / 100;
	return v[r ? r - 1 : 0];
}

static void near(const char *what, double got, double want, double tol)
{
	if (got < want * (1 - tol) || got > want * (1 + tol))
		fail_msg("%s: generated %.4g, target %.4g (tolerance %.0f%%)", what, got, want, tol * 100);
}

/* The standing load (the default): README-formats §1.4's 3,986 jobs and
 * 132,982 running tasks at t=0, scaled to the cell, capped at 50% of the
 * CPU and memory (or as asked); the arrivals after it are exactly those of
 * an empty start. */
static void test_standing_load(void **state)
{
	(void)state;
	tr_gen_stats full, capped, empty;
	/* 1,250 machines: round(132,982 x 1,250 / 12,583) = 13,210 tasks,
	 * round(3,986 x 1,250 / 12,583) = 396 jobs */
	gen_cfg("s100", (tr_gen_config){1250, 2000, 3, NULL, false, 100, 0}, &full);
	assert_int_equal(full.standing_tasks, 13210);
	assert_int_equal(full.standing_jobs, 396);
	assert_int_equal(full.tasks, 13210 + 2000);
	gen_cfg("s50", (tr_gen_config){1250, 2000, 3, NULL, false, 0, 0}, &capped);
	gen_cfg("s0", (tr_gen_config){1250, 2000, 3, NULL, true, 0, 0}, &empty);
	assert_int_equal(empty.standing_tasks, 0);
	assert_true(capped.standing_tasks > 0 && capped.standing_tasks < 13210);
	/* read it back: t=0 rows of s-jobs, bands, runtimes, the load's size */
	tr_csv_config c = {0};
	c.machines = sub("s50/machines.csv");
	c.tasks = sub("s50/tasks.csv");
	tr_source *src;
	tr_err err;
	if (tr_csv_open(&c, &src, &err) < 0)
		fail_msg("%s", err.msg);
	int64_t cap_cpu = 0, cap_mem = 0, cpu = 0, mem = 0;
	uint64_t standing = 0, prod_jobs = 0, jobs = 0;
	tr_event ev;
	int rc;
	while ((rc = tr_source_next(src, &ev, &err)) == 1) {
		if (ev.kind == TR_MACHINE_ADD) {
			cap_cpu += ev.res.cpus;
			cap_mem += ev.res.mem_mb;
			continue;
		}
		if (ev.job[0] != 's')
			continue;
		assert_int_equal(ev.time_ns, 0);
		standing++;
		cpu += ev.res.cpus;
		mem += ev.res.mem_mb;
		jobs += ev.task_index == 0;
		if (ev.priority >= 9) {
			prod_jobs += ev.task_index == 0;
			assert_int_equal(ev.duration_ns, 2506198000000000LL); /* to the end of the trace */
		} else {
			assert_true(ev.priority == 0 || ev.priority == 1 || ev.priority == 8);
			assert_true(ev.duration_ns >= 13986000000000LL); /* a long-running service */
		}
	}
	if (rc < 0)
		fail_msg("%s", err.msg);
	tr_source_destroy(src);
	assert_int_equal(standing, capped.standing_tasks);
	assert_int_equal(jobs, capped.standing_jobs);
	/* under the cap, and close to it on the resource that binds */
	/* (the cap is on normalized requests; each task's amount is rounded to
	 * a thousandth, hence the 0.1% of slack) */
	if (cpu * 1000 > cap_cpu * 501 || mem * 1000 > cap_mem * 501)
		fail_msg("standing load %.4f of the CPU, %.4f of the memory: above the 50%% cap",
		         (double)cpu / (double)cap_cpu, (double)mem / (double)cap_mem);
	assert_true(cpu * 100 >= cap_cpu * 40 || mem * 100 >= cap_mem * 40);
	/* bands 9-11 are 262 of the 314 sampled jobs (83%) */
	near("production share of standing jobs", (double)prod_jobs / (double)jobs, 0.83, 0.15);
	/* the arrivals: the empty start's rows, byte for byte, after the
	 * standing ones */
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "grep -v '^0.000000,s[0-9]*,' %s | cmp -s - %s", sub("s50/tasks.csv"),
	         sub("s0/tasks.csv"));
	assert_int_equal(system(cmd), 0);
	tr_gen_config bad = {10, 10, 1, dir, false, 101, 0};
	assert_int_equal(tr_gen_write(&bad, NULL, &err), TR_EINVAL);
}

/* --load F: jobs arrive F times as often (the gaps divided by F, exactly);
 * 1 is the default to the byte. */
static void test_load_factor(void **state)
{
	(void)state;
	tr_gen_stats one, dflt, two;
	gen_cfg("l1", (tr_gen_config){1250, 20000, 5, NULL, true, 0, 1000}, &one);
	gen_cfg("l0", (tr_gen_config){1250, 20000, 5, NULL, true, 0, 0}, &dflt);
	gen_cfg("l2", (tr_gen_config){1250, 20000, 5, NULL, true, 0, 2000}, &two);
	assert_true(same_file(sub("l1/tasks.csv"), sub("l0/tasks.csv")));
	/* the same jobs in half the time (the hour's rate factor moves with
	 * the clock, so not exactly half) */
	assert_int_equal(two.jobs, one.jobs);
	near("submission span at load 2 / load 1", (double)two.last_submit_ns / (double)one.last_submit_ns, 0.5, 0.15);
	tr_err err;
	tr_gen_config bad = {10, 10, 1, dir, true, 0, 100001};
	assert_int_equal(tr_gen_write(&bad, NULL, &err), TR_EINVAL);
}

#define N_MACHINES 12583
#define N_TASKS    200000

static void test_distributions(void **state)
{
	(void)state;
	tr_gen_stats st;
	gen("big", N_MACHINES, N_TASKS, 7, &st);
	tr_csv_config c = {0};
	c.machines = sub("big/machines.csv");
	c.tasks = sub("big/tasks.csv");
	tr_source *src;
	tr_err err;
	if (tr_csv_open(&c, &src, &err) < 0)
		fail_msg("%s", err.msg);

	/* per job (requests are drawn per job): size, cpu, mem, arrival */
	size_t cap = st.jobs;
	int64_t *size = calloc(cap, sizeof *size), *cpu = calloc(cap, sizeof *cpu), *mem = calloc(cap, sizeof *mem),
	        *gap = calloc(cap, sizeof *gap), *dur = calloc(N_TASKS, sizeof *dur);
	assert_true(size && cpu && mem && gap && dur);
	size_t jobs = 0, tasks = 0, machines = 0, big_class = 0, c_class = 0;
	int64_t last_arrival = 0;
	tr_event ev;
	int rc;
	while ((rc = tr_source_next(src, &ev, &err)) == 1) {
		if (ev.kind == TR_MACHINE_ADD) {
			machines++;
			big_class += ev.res.cpus == 16000 && ev.res.mem_mb == 65470464;
			c_class += ev.res.cpus == 32000 && ev.res.mem_mb == 131072000;
			continue;
		}
		assert_int_equal(ev.kind, TR_TASK_SUBMIT);
		if (ev.task_index == 0) {
			assert_true(jobs < cap);
			if (jobs)
				gap[jobs - 1] = ev.time_ns - last_arrival;
			last_arrival = ev.time_ns;
			cpu[jobs] = ev.res.cpus;
			mem[jobs] = ev.res.mem_mb;
			jobs++;
		} else {
			/* one request per job */
			assert_int_equal(ev.res.cpus, cpu[jobs - 1]);
			assert_int_equal(ev.res.mem_mb, mem[jobs - 1]);
		}
		size[jobs - 1]++;
		dur[tasks++] = ev.duration_ns;
	}
	if (rc < 0)
		fail_msg("%s", err.msg);
	tr_source_destroy(src);
	assert_int_equal(tasks, N_TASKS);
	assert_int_equal(jobs, st.jobs);

	/* machine classes: exactly the documented counts at N = 12,583 */
	assert_int_equal(machines, N_MACHINES);
	assert_int_equal(big_class, 6732);
	assert_int_equal(c_class, 795);

	/* tasks per job: 79.3% single, median 1, p90 18, p99 967, mean ~31 */
	size_t single = 0;
	for (size_t i = 0; i < jobs; i++)
		single += size[i] == 1;
	near("single-task jobs", (double)single / (double)jobs, 0.793, 0.03);
	near("mean tasks/job", (double)tasks / (double)jobs, 31, 0.35);
	assert_int_equal(pct(size, jobs, 50), 1);
	near("p90 tasks/job", (double)pct(size, jobs, 90), 18, 0.2);
	near("p99 tasks/job", (double)pct(size, jobs, 99), 967, 0.35);

	/* requests (normalized × 32 cores, × 131,072 MB) */
	near("p50 cpu", (double)pct(cpu, jobs, 50) / 1000, 0.0306 * 32, 0.08);
	near("p90 cpu", (double)pct(cpu, jobs, 90) / 1000, 0.0687 * 32, 0.05);
	near("p20 cpu", (double)pct(cpu, jobs, 20) / 1000, 0.0125 * 32, 0.05);
	near("p50 mem", (double)pct(mem, jobs, 50) / 1000, 0.0253 * 131072, 0.08);
	near("p90 mem", (double)pct(mem, jobs, 90) / 1000, 0.1122 * 131072, 0.12);
	near("p10 mem", (double)pct(mem, jobs, 10) / 1000, 0.0042 * 131072, 0.2);

	/* runtimes (per task) */
	near("p10 duration", (double)pct(dur, tasks, 10) / 1e9, 81, 0.2);
	near("p50 duration", (double)pct(dur, tasks, 50) / 1e9, 447, 0.15);
	near("p90 duration", (double)pct(dur, tasks, 90) / 1e9, 4619, 0.2);

	/* arrivals: mean 3.75 s and p50 0.89 s at 12,583 machines, bursty
	 * (a Poisson process would have CV 1 and p50 = 0.69 × mean) */
	double sum = 0, sq = 0;
	for (size_t i = 0; i + 1 < jobs; i++) {
		sum += (double)gap[i] / 1e9;
		sq += ((double)gap[i] / 1e9) * ((double)gap[i] / 1e9);
	}
	double mean = sum / (double)(jobs - 1), var = sq / (double)(jobs - 1) - mean * mean;
	near("mean job gap", mean, 3.75, 0.2);
	near("p50 job gap", (double)pct(gap, jobs - 1, 50) / 1e9, 0.89, 0.2);
	near("p90 job gap", (double)pct(gap, jobs - 1, 90) / 1e9, 12.6, 0.2);
	if (var < 1.5 * 1.5 * mean * mean)
		fail_msg("job arrivals not bursty: CV^2 %.2f", var / (mean * mean));
	free(size);
	free(cpu);
	free(mem);
	free(gap);
	free(dur);
}

/* Pearson coefficient of (x, y) with weights w (NULL: all 1). */
static double pearson(const int64_t *x, const int64_t *y, const int64_t *w, size_t n)
{
	double sw = 0, sx = 0, sy = 0;
	for (size_t i = 0; i < n; i++) {
		double wi = w ? (double)w[i] : 1;
		sw += wi;
		sx += wi * (double)x[i];
		sy += wi * (double)y[i];
	}
	double mx = sx / sw, my = sy / sw, cxy = 0, cxx = 0, cyy = 0;
	for (size_t i = 0; i < n; i++) {
		double wi = w ? (double)w[i] : 1, dx = (double)x[i] - mx, dy = (double)y[i] - my;
		cxy += wi * dx * dy;
		cxx += wi * dx * dx;
		cyy += wi * dy * dy;
	}
	return cxy / sqrt(cxx * cyy);
}

#define N_CORR_TASKS 1000000

/* cpu–mem request correlation: §7.1's Pearson 0.36 over tasks. Requests are
 * drawn per job independently of the job's size, so per job and per task
 * estimate the same 0.36; per job it is tight (sd ~0.007 across seeds at this
 * size), per task a few jobs of 1,000+ tasks dominate (sd ~0.08), so that
 * bound is loose. Independent quantiles give ~0, reusing the CPU's ~0.93. */
static void test_request_correlation(void **state)
{
	(void)state;
	tr_gen_stats st;
	gen("corr", N_MACHINES, N_CORR_TASKS, 7, &st);
	tr_csv_config c = {0};
	c.machines = sub("corr/machines.csv");
	c.tasks = sub("corr/tasks.csv");
	tr_source *src;
	tr_err err;
	if (tr_csv_open(&c, &src, &err) < 0)
		fail_msg("%s", err.msg);
	int64_t *cpu = calloc(st.jobs, sizeof *cpu), *mem = calloc(st.jobs, sizeof *mem),
	        *size = calloc(st.jobs, sizeof *size);
	assert_true(cpu && mem && size);
	size_t jobs = 0;
	tr_event ev;
	int rc;
	while ((rc = tr_source_next(src, &ev, &err)) == 1) {
		if (ev.kind != TR_TASK_SUBMIT)
			continue;
		if (ev.task_index == 0) {
			assert_true(jobs < st.jobs);
			cpu[jobs] = ev.res.cpus;
			mem[jobs] = ev.res.mem_mb;
			jobs++;
		}
		size[jobs - 1]++;
	}
	if (rc < 0)
		fail_msg("%s", err.msg);
	tr_source_destroy(src);
	assert_int_equal(jobs, st.jobs);

	double per_job = pearson(cpu, mem, NULL, jobs), per_task = pearson(cpu, mem, size, jobs);
	if (per_job < 0.32 || per_job > 0.40)
		fail_msg("Pearson cpu-mem per job %.3f, target 0.36 +- 0.04", per_job);
	if (per_task < 0.20 || per_task > 0.55)
		fail_msg("Pearson cpu-mem per task %.3f, target 0.36 (loose: a few big jobs dominate)", per_task);
	free(cpu);
	free(mem);
	free(size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_determinism),         cmocka_unit_test(test_standing_load),
	        cmocka_unit_test(test_rejects_bad_config),  cmocka_unit_test(test_distributions),
	        cmocka_unit_test(test_request_correlation), cmocka_unit_test(test_load_factor),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

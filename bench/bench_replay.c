/*
 * bench_replay.c — trace reading (issue 5, item 6): rows/s and MB/s of the
 * native CSV reader and of the binary form (traces/) streaming a generated
 * workload through the event-source interface, as meso-sim reads it. The workload is written once
 * per size into a temporary directory: M machines (3 shapes) and T tasks in
 * jobs of 10, times increasing, the shape gen-workload.py writes.
 *
 * Simulator replay (events/s) is measured end to end with meso-sim's own
 * perf.json (BENCHMARKS.md, "Simulator"): the simulator links the asserting
 * alloccore, which cannot share this program with the NDEBUG copy.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

void bench_replay_register(void)
{
	static const bench_def csv = {"trace_read_csv", trace_read_csv, "machines,tasks", BENCH_MS, 0};
	static const bench_def bin = {"trace_read_bin", trace_read_bin, "machines,tasks", BENCH_MS, 0};
	if (bench_smoke) {
		BENCH_ARGS(&csv, 10, 1000);
		BENCH_ARGS(&bin, 10, 1000);
		return;
	}
	BENCH_ARGS(&csv, 1250, 100000);
	BENCH_ARGS(&csv, 12500, 1000000);
	BENCH_ARGS(&bin, 1250, 100000);
	BENCH_ARGS(&bin, 12500, 1000000);
}
